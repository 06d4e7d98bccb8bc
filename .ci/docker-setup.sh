# shellcheck shell=bash
# Prepares a Docker engine for the container tests (container-tests/) on a Debian machine without
# systemd and without a registry, as root:
#   - installs docker.io, docker-compose (1.29), iptables and prometheus (its binary becomes the
#     monitoring test's local Prometheus image), quietly and only when missing;
#   - starts dockerd by hand unless an engine already answers: pulls fail at once (proxy on
#     127.0.0.1:9), docker0 and docker's address pool in 10.79.0.0/16, no IPv6 rules;
#   - drops container egress on the uplink (DOCKER-USER) and lets the chaos harness' namespaces
#     (10.77.0.0/24) forward through docker's FORWARD policy DROP;
#   - builds the local base image (deploy/base-image.sh; also tags alpine:3.17 for Testcontainers)
#     and the local Prometheus image (deploy/prometheus-image.sh). The raftkv image itself needs
#     the server jar, so the container tests build it (docker build) after Maven has packaged it.
#   - exports TESTCONTAINERS_RYUK_DISABLED=true and RAFTKV_CONTAINER_TESTS=required, so the tests
#     fail, not skip, when Docker is missing.
#
# Two ways to use it:
#   source .ci/docker-setup.sh          (.ci/run does) sets up, and registers the cleanup on EXIT
#   bash .ci/docker-setup.sh start|stop  by hand: start leaves the engine running; stop cleans up
#
# The cleanup removes the test containers, networks and volumes (label io.raftkv.test, compose
# projects raftkv-test-*), and if this script started dockerd: stops it (SIGTERM, then SIGKILL after
# 30 s), deletes docker's iptables rules and chains, docker0 and leftover br-* bridges, restores
# the FORWARD policy and ip_forward. Images stay in /var/lib/docker as a cache for the next run.
# State lives in /run/raftkv-docker/.

_raftkv_docker_state=/run/raftkv-docker
_raftkv_docker_log=/tmp/raftkv-dockerd.log
_raftkv_docker_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

_raftkv_docker_say() {
  echo "docker-setup: $*"
}

_raftkv_docker_install() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
  ((${#missing[@]} > 0)) || return 0
  _raftkv_docker_say "installing ${missing[*]}"
  # No service may start during the install (there is no systemd; Debian's prometheus package ships
  # an init script). policy-rc.d is left alone when the machine already has one.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  local options=(-o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends)
  local status=0
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install "${options[@]}" "${missing[@]}" >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null &&
      apt-get install "${options[@]}" "${missing[@]}" >/dev/null || status=$?
  fi
  ((made_policy == 0)) || rm -f "$policy"
  return "$status"
}

_raftkv_docker_uplink() {
  ip route show default | awk 'NR == 1 {print $5}'
}

_raftkv_docker_start() {
  mkdir -p "$_raftkv_docker_state"
  if docker info >/dev/null 2>&1; then
    _raftkv_docker_say "using the Docker engine that is already running"
  else
    # Remember what we change, to put it back.
    iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3}' >"$_raftkv_docker_state/forward-policy"
    cat /proc/sys/net/ipv4/ip_forward >"$_raftkv_docker_state/ip-forward"
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY='' \
      nohup dockerd --storage-driver=overlay2 --iptables=true --ip6tables=false \
      --bip=10.79.0.1/24 --default-address-pool base=10.79.128.0/17,size=24 \
      --pidfile /run/raftkv-dockerd.pid --log-level=warn </dev/null >"$_raftkv_docker_log" 2>&1 &
    echo $! >"$_raftkv_docker_state/dockerd.pid"
    local tries
    for ((tries = 0; tries < 150; tries++)); do
      docker info >/dev/null 2>&1 && break
      kill -0 "$(cat "$_raftkv_docker_state/dockerd.pid")" 2>/dev/null || break
      sleep 0.2
    done
    if ! docker info >/dev/null 2>&1; then
      _raftkv_docker_say "dockerd did not come up; last lines of $_raftkv_docker_log:" >&2
      tail -n 20 "$_raftkv_docker_log" >&2 || true
      return 1
    fi
    _raftkv_docker_say "dockerd $(docker version -f '{{.Server.Version}}') up (pid $(cat "$_raftkv_docker_state/dockerd.pid"), log $_raftkv_docker_log)"
  fi
  # Containers never reach beyond this machine; the chaos harness' namespaces keep forwarding.
  local uplink
  uplink=$(_raftkv_docker_uplink)
  if [[ -n $uplink ]] && ! iptables -C DOCKER-USER -o "$uplink" -j DROP 2>/dev/null; then
    iptables -I DOCKER-USER -o "$uplink" -j DROP
  fi
  iptables -C DOCKER-USER -s 10.77.0.0/24 -d 10.77.0.0/24 -j ACCEPT 2>/dev/null ||
    iptables -I DOCKER-USER -s 10.77.0.0/24 -d 10.77.0.0/24 -j ACCEPT

  "$_raftkv_docker_root/deploy/base-image.sh"
  "$_raftkv_docker_root/deploy/prometheus-image.sh"
}

# Deletes the rules of table $2 (iptables binary $1) that jump to docker's chains or name its
# bridges and addresses, then docker's own chains.
_raftkv_docker_clean_table() {
  local tool=$1 table=$2 rule chain
  "$tool" -t "$table" -S >/dev/null 2>&1 || return 0
  while read -r rule; do
    # shellcheck disable=SC2086 # the rule is a list of words, as iptables -S printed it
    eval "$tool -t $table ${rule/-A /-D }" 2>/dev/null || true
  done < <("$tool" -t "$table" -S | grep -E '^-A (PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ' |
    grep -E 'DOCKER|docker0|br-[0-9a-f]{12}|10\.79\.|10\.78\.' || true)
  for chain in $("$tool" -t "$table" -S | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}'); do
    "$tool" -t "$table" -F "$chain" 2>/dev/null || true
  done
  for chain in $("$tool" -t "$table" -S | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}'); do
    "$tool" -t "$table" -X "$chain" 2>/dev/null || true
  done
}

_raftkv_docker_stop() {
  local pid_file=$_raftkv_docker_state/dockerd.pid pid waited link table
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    # What the container tests made: label io.raftkv.test, or compose project raftkv-test-*.
    local project
    docker ps -aq --filter label=io.raftkv.test 2>/dev/null | xargs -r docker rm -f -v >/dev/null 2>&1 || true
    for project in $(docker ps -a --format '{{.Label "com.docker.compose.project"}}' 2>/dev/null | sort -u | grep '^raftkv-test' || true); do
      docker ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r docker rm -f -v >/dev/null 2>&1 || true
    done
    { docker network ls -q --filter label=io.raftkv.test; docker network ls --format '{{.Name}}' | grep '^raftkv-test'; } 2>/dev/null |
      xargs -r docker network rm >/dev/null 2>&1 || true
    { docker volume ls -q --filter label=io.raftkv.test; docker volume ls -q | grep '^raftkv-test'; } 2>/dev/null |
      xargs -r docker volume rm -f >/dev/null 2>&1 || true
  fi
  [[ -f $pid_file ]] || return 0
  pid=$(cat "$pid_file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((waited = 0; waited < 150; waited++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      _raftkv_docker_say "dockerd (pid $pid) did not stop in 30 s; SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
    fi
  fi
  for table in filter nat raw mangle; do
    _raftkv_docker_clean_table iptables "$table"
  done
  if [[ -s $_raftkv_docker_state/forward-policy ]]; then
    iptables -P FORWARD "$(cat "$_raftkv_docker_state/forward-policy")" 2>/dev/null || true
  fi
  if [[ -s $_raftkv_docker_state/ip-forward ]]; then
    sysctl -qw "net.ipv4.ip_forward=$(cat "$_raftkv_docker_state/ip-forward")" || true
  fi
  for link in docker0 $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -E '^br-[0-9a-f]{12}$' || true); do
    ip link del "$link" 2>/dev/null || true
  done
  rm -f "$pid_file" "$_raftkv_docker_state/forward-policy" "$_raftkv_docker_state/ip-forward"
  _raftkv_docker_say "dockerd stopped; its iptables rules, docker0 and bridges removed"
}

_raftkv_docker_setup() {
  if [[ $(id -u) != 0 ]]; then
    _raftkv_docker_say "not root: cannot install or start Docker" >&2
    return 1
  fi
  _raftkv_docker_install
  _raftkv_docker_start
  export TESTCONTAINERS_RYUK_DISABLED=true
  export RAFTKV_CONTAINER_TESTS=required
  export RAFTKV_BASE_IMAGE=raftkv-base:local
  export PROMETHEUS_IMAGE=raftkv-prometheus:local
}

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
  # Sourced (by .ci/run): set up now, clean up when that shell exits, after any EXIT trap it had.
  _raftkv_docker_setup
  _raftkv_docker_previous_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
  # shellcheck disable=SC2064 # the previous trap's text is fixed now, on purpose
  trap "${_raftkv_docker_previous_trap:+$_raftkv_docker_previous_trap; }_raftkv_docker_stop" EXIT
else
  set -euo pipefail
  case ${1:-} in
    start) _raftkv_docker_setup ;;
    stop) _raftkv_docker_stop ;;
    *) echo "usage: bash .ci/docker-setup.sh start|stop   (or source it: set up now, clean up on EXIT)" >&2; exit 2 ;;
  esac
fi
