#!/usr/bin/env bash
# Installs what the chaos harness (chaos/, bin/raftkv-chaos) needs on a Debian CI machine:
# iptables (partitions, one-way drops, random loss via xt_statistic) and iproute2 (ip netns,
# bridges, veth pairs, tc tbf). Quiet and idempotent: installs only what is missing, so a
# second run costs nothing. Needs root (the chaos tests skip without it anyway).
set -euo pipefail

missing=()
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v tc >/dev/null 2>&1 || missing+=(iproute2)
command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)

if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  echo "chaos-setup: not root; cannot install ${missing[*]} (the chaos tests will skip)" >&2
  exit 0
fi
# Deduplicate (iproute2 may be listed twice).
read -r -a packages <<<"$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"
echo "chaos-setup: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
# Other CI setup (docker) may hold the dpkg lock at the same moment: wait for it, bounded.
apt_options=(-o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends)
if ! apt-get install "${apt_options[@]}" "${packages[@]}" >/dev/null 2>&1; then
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
  apt-get install "${apt_options[@]}" "${packages[@]}" >/dev/null
fi
command -v iptables >/dev/null 2>&1 || { echo "chaos-setup: iptables still missing after install" >&2; exit 1; }
