# shellcheck shell=bash
# Builds raftkv modules when their jars are stale. Source it; do not run it.
#
#   raftkv_build_if_needed proto kv-server
#
# Runs `mvn -B -q -DskipTests install -pl <modules> -am` from the repository root when any
# listed module's jar (<module>/target/*.jar) is missing, or older than a file under its
# src/, its pom.xml or the parent pom.xml. Only the listed modules are checked; -am still
# rebuilds what they depend on, so list an upstream module too if you edit it.
# Safe under `set -euo pipefail`.

# shellcheck source=bin/lib/java.sh
source "$(dirname "${BASH_SOURCE[0]}")/java.sh"

# Prints the module's main jar (not sources/javadoc/tests, not shade's original-*), or nothing.
_raftkv_module_jar() {
  local jar
  for jar in "$1"/target/*.jar; do
    [[ -f $jar ]] || continue
    case ${jar##*/} in
      original-* | *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;;
    esac
    printf '%s\n' "$jar"
    return 0
  done
}

# Prints why module $2 (a path relative to root $1) needs a build, or nothing if it does not.
_raftkv_stale_reason() {
  local root=$1 module=$2 jar newer
  jar=$(_raftkv_module_jar "$root/$module")
  [[ -n $jar ]] || { printf 'no jar in %s/target\n' "$module"; return 0; }
  newer=$(find "$root/$module/src" "$root/$module/pom.xml" "$root/pom.xml" \
    -newer "$jar" -type f -print -quit 2>/dev/null || true)
  [[ -z $newer ]] || printf '%s is newer than %s\n' "${newer#"$root"/}" "${jar#"$root"/}"
}

raftkv_build_if_needed() {
  if (($# == 0)); then
    echo "raftkv_build_if_needed: name at least one module" >&2
    return 2
  fi
  local root module reason stale=0 modules
  root=$(raftkv_root)
  for module in "$@"; do
    if [[ ! -f $root/$module/pom.xml ]]; then
      echo "raftkv_build_if_needed: no module $module in $root" >&2
      return 1
    fi
    reason=$(_raftkv_stale_reason "$root" "$module")
    if [[ -n $reason ]]; then
      echo "raftkv: building $module ($reason)" >&2
      stale=1
    fi
  done
  ((stale)) || return 0
  command -v mvn >/dev/null || { echo "raftkv: needs Maven (mvn) on PATH to build" >&2; return 1; }
  modules=$(IFS=,; printf '%s' "$*")
  (cd "$root" && mvn -B -q -DskipTests install -pl "$modules" -am)
}
