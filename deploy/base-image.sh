#!/usr/bin/env bash
# Builds raftkv's local base image without a registry: a jlink'd Java runtime, the shared libraries
# it (and RocksDB's JNI library) load, bash and a few coreutils, tarred and `docker import`ed.
#
#   deploy/base-image.sh [--force]
#
# Makes:
#   raftkv-base:local  JAVA_HOME=/opt/java/openjdk (as in eclipse-temurin), java on PATH, bash as
#                      /bin/sh, mkdir/chown/chmod/ls/cat/id/rm/env/sleep/df for the Dockerfile's RUN
#                      and for debugging; about 70 MB. Then build the server image on it with
#                        docker build --build-arg BASE=raftkv-base:local -t raftkv:local -f deploy/Dockerfile .
#   alpine:3.17        only if no image has that name yet: Testcontainers 2.x insists on having it
#                      even with its checks off, and cannot pull it here. A tag of raftkv-base:local.
#
# Idempotent and quick: the base carries a fingerprint of the JDK, the module list and this script
# (ENV RAFTKV_BASE_FINGERPRINT); when the image exists with the same fingerprint nothing is built.
# --force rebuilds anyway. Settings (environment): RAFTKV_JLINK_JDK (the JDK to jlink, default
# /usr/lib/jvm/temurin-25-jdk-amd64), RAFTKV_BASE_IMAGE (default raftkv-base:local).
#
# Exit status: 0 image ready, 1 failure (message on stderr), 2 bad arguments.
set -euo pipefail

readonly JDK=${RAFTKV_JLINK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
readonly IMAGE=${RAFTKV_BASE_IMAGE:-raftkv-base:local}
readonly TESTCONTAINERS_IMAGE=alpine:3.17
# What the server needs (jdeps on raftkv-server.jar, less java.desktop which only micrometer's unused
# log4j/logback binders reach), plus jdk.jcmd so that `docker exec ... jcmd 1 Thread.print` works.
readonly MODULES=java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.jcmd
# Programs copied from the host with their libraries: a shell for RUN and the HEALTHCHECK, and the
# few coreutils the Dockerfile and a person debugging a container use.
readonly PROGRAMS=(/bin/bash /bin/mkdir /bin/chown /bin/chmod /bin/ls /bin/cat /bin/id /bin/rm /usr/bin/env /bin/sleep /bin/df)
# RocksDB's JNI library (unpacked from the jar at run time) links these; the jlink'd runtime does not.
readonly EXTRA_LIBRARIES=(libstdc++.so.6 libgcc_s.so.1 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libz.so.1)

force=0
case ${1:-} in
  "") ;;
  --force) force=1 ;;
  -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
  *) echo "base-image: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

fail() {
  echo "base-image: $*" >&2
  exit 1
}

command -v docker >/dev/null || fail "needs the docker CLI"
docker info >/dev/null 2>&1 || fail "no Docker engine answers (start one: .ci/docker-setup.sh start)"
[[ -x $JDK/bin/jlink ]] || fail "no jlink at $JDK/bin/jlink; set RAFTKV_JLINK_JDK to a JDK 21+"

fingerprint=$( { cat "$JDK/release"; echo "$MODULES"; cat "$0"; } | sha256sum | cut -c1-16)

tag_for_testcontainers() {
  if ! docker image inspect "$TESTCONTAINERS_IMAGE" >/dev/null 2>&1; then
    docker tag "$IMAGE" "$TESTCONTAINERS_IMAGE"
    echo "base-image: tagged $IMAGE as $TESTCONTAINERS_IMAGE (Testcontainers needs an image of that name)"
  fi
}

existing=$(docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" 2>/dev/null |
  sed -n 's/^RAFTKV_BASE_FINGERPRINT=//p' || true)
if ((force == 0)) && [[ $existing == "$fingerprint" ]]; then
  echo "base-image: $IMAGE is up to date (fingerprint $fingerprint)"
  tag_for_testcontainers
  exit 0
fi

started=$SECONDS
work=$(mktemp -d /tmp/raftkv-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,etc,opt/java,tmp,usr/bin,lib64,var/lib}
chmod 1777 "$root/tmp"

"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$root/opt/java/openjdk"

for program in "${PROGRAMS[@]}"; do
  [[ -x $program ]] || fail "host program $program is missing"
  cp -L "$program" "$root$program"
done
ln -s bash "$root/bin/sh"

# The shared-library closure of every ELF file in the image, plus RocksDB's and the loader.
{
  find "$root/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \)
  printf "$root%s\n" "${PROGRAMS[@]}"
  for library in "${EXTRA_LIBRARIES[@]}"; do
    path=$(ldconfig -p | awk -v name="$library" '$1 == name && /x86-64/ && !found {print $NF; found = 1}')
    [[ -n $path ]] || fail "host library $library is missing"
    echo "$path"
  done
} | xargs ldd 2>/dev/null | awk '/=> \// {print $3} /^[[:space:]]*\/lib64\// {print $1}' | sort -u |
  while read -r library; do
    mkdir -p "$root$(dirname "$library")"
    cp -L "$library" "$root$library"
  done
for library in "${EXTRA_LIBRARIES[@]}"; do
  path=$(ldconfig -p | awk -v name="$library" '$1 == name && /x86-64/ && !found {print $NF; found = 1}')
  mkdir -p "$root$(dirname "$path")"
  cp -L "$path" "$root$path"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"

# Smoke test before importing: the runtime starts with only the copied libraries.
"$root/opt/java/openjdk/bin/java" -version >/dev/null 2>&1 || fail "the jlink'd runtime does not start"

tar -C "$root" --numeric-owner -c . | docker import \
  -c 'ENV JAVA_HOME=/opt/java/openjdk' \
  -c 'ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin' \
  -c "ENV RAFTKV_BASE_FINGERPRINT=$fingerprint" \
  -c 'CMD ["/bin/bash"]' \
  - "$IMAGE" >/dev/null
docker image inspect "$IMAGE" >/dev/null || fail "docker import did not produce $IMAGE"
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
echo "base-image: built $IMAGE ($((size / 1000000)) MB, fingerprint $fingerprint) in $((SECONDS - started)) s"
tag_for_testcontainers
