#!/usr/bin/env bash
# Builds a local stand-in for the prom/prometheus image from the Prometheus binary of Debian's
# `prometheus` package, for machines that cannot pull images (our CI). Same interface as the
# official image: ENTRYPOINT /bin/prometheus, config at /etc/prometheus/prometheus.yml, data in
# /prometheus, user nobody, port 9090. Use it with the compose file's monitoring profile:
#
#   apt-get install --no-install-recommends prometheus     (only /usr/bin/prometheus is used)
#   deploy/prometheus-image.sh                              builds raftkv-prometheus:local
#   PROMETHEUS_IMAGE=raftkv-prometheus:local docker-compose --profile monitoring up -d
#
# Idempotent: skips the build when the image exists and was made from the same binary.
# Settings (environment): PROMETHEUS_BINARY (default /usr/bin/prometheus),
# RAFTKV_PROMETHEUS_IMAGE (default raftkv-prometheus:local). Exit status: 0 ready, 1 failure.
set -euo pipefail

readonly BINARY=${PROMETHEUS_BINARY:-/usr/bin/prometheus}
readonly IMAGE=${RAFTKV_PROMETHEUS_IMAGE:-raftkv-prometheus:local}

fail() {
  echo "prometheus-image: $*" >&2
  exit 1
}

[[ -x $BINARY ]] || fail "no Prometheus binary at $BINARY (apt-get install --no-install-recommends prometheus)"
docker info >/dev/null 2>&1 || fail "no Docker engine answers"

fingerprint=$( { sha256sum "$BINARY"; cat "$0"; } | sha256sum | cut -c1-16)
existing=$(docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" 2>/dev/null |
  sed -n 's/^RAFTKV_IMAGE_FINGERPRINT=//p' || true)
if [[ $existing == "$fingerprint" ]]; then
  echo "prometheus-image: $IMAGE is up to date (fingerprint $fingerprint)"
  exit 0
fi

work=$(mktemp -d /tmp/raftkv-prometheus.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,etc/prometheus,prometheus,tmp,lib64}
chmod 1777 "$root/tmp"
cp -L "$BINARY" "$root/bin/prometheus"
ldd "$BINARY" 2>/dev/null | awk '/=> \// {print $3}' | while read -r library; do
  mkdir -p "$root$(dirname "$library")"
  cp -L "$library" "$root$library"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/prometheus:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
# A config that scrapes only Prometheus itself, as the official image ships; compose mounts ours.
cat >"$root/etc/prometheus/prometheus.yml" <<'EOF'
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
EOF

# /prometheus belongs to nobody, as in the official image, so that a fresh volume is writable.
chown 65534:65534 "$root/prometheus" || fail "cannot chown the data directory (run as root)"
tar -C "$root" --numeric-owner -c . | docker import \
  -c 'ENTRYPOINT ["/bin/prometheus"]' \
  -c 'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]' \
  -c 'USER nobody' \
  -c 'EXPOSE 9090' \
  -c 'VOLUME ["/prometheus"]' \
  -c 'WORKDIR /prometheus' \
  -c "ENV RAFTKV_IMAGE_FINGERPRINT=$fingerprint" \
  - "$IMAGE" >/dev/null
echo "prometheus-image: built $IMAGE from $BINARY ($("$BINARY" --version 2>&1 | awk 'NR == 1'))"
