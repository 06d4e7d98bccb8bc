# shellcheck shell=bash
# Finds a Java 21+ runtime for raftkv's scripts. Source it; do not run it.
#
# Sets and exports JAVA_HOME and JAVA (the java executable), trying in order:
#   1. $JAVA_HOME, if its bin/java is 21 or newer;
#   2. `java` on PATH, if 21 or newer (JAVA_HOME becomes the directory it resolves into);
#   3. the newest 21+ JDK under $RAFTKV_JVM_DIR (default /usr/lib/jvm).
# If none qualifies it prints why to stderr and exits 1: every caller needs Java, so the
# sourcing script stops here rather than failing later with a confusing error.
#
# Also defines raftkv_root, which prints the repository root.
# Safe under `set -euo pipefail`.

# Where this file lives, fixed at source time (BASH_SOURCE changes as calls nest).
_raftkv_java_sh_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

# Prints the repository root (two levels above bin/lib).
raftkv_root() {
  (cd "$_raftkv_java_sh_dir/../.." && pwd -P)
}

# Prints the major version of the java executable $1 (8 for "1.8.0_292", 21 for
# "21.0.2", 25 for "25" or "25-ea"), or nothing if it does not run.
_raftkv_java_major() {
  local java=$1 line version
  [[ -x $java ]] || return 0
  line=$("$java" -version 2>&1 | grep -m1 ' version "' || true)
  version=${line#*\"}
  version=${version%%\"*}
  [[ -n $version && $version != "$line" ]] || return 0
  if [[ $version == 1.* ]]; then
    version=${version#1.}
  fi
  version=${version%%[.+_-]*}
  [[ $version =~ ^[0-9]+$ ]] && printf '%s\n' "$version"
  return 0
}

_raftkv_java_select() {
  local minimum=21 candidate major path_java path_major=""
  local best_home="" best_major=0

  if [[ -n ${JAVA_HOME:-} ]]; then
    major=$(_raftkv_java_major "$JAVA_HOME/bin/java")
    if [[ -n $major ]] && ((major >= minimum)); then
      best_home=$JAVA_HOME
    fi
  fi

  if [[ -z $best_home ]] && path_java=$(command -v java 2>/dev/null); then
    path_major=$(_raftkv_java_major "$path_java")
    if [[ -n $path_major ]] && ((path_major >= minimum)); then
      # /usr/bin/java is usually a chain of symlinks into the JDK's bin/.
      best_home=$(dirname "$(dirname "$(readlink -f "$path_java")")")
    fi
  fi

  if [[ -z $best_home ]]; then
    for candidate in "${RAFTKV_JVM_DIR:-/usr/lib/jvm}"/*/bin/java; do
      major=$(_raftkv_java_major "$candidate")
      if [[ -n $major ]] && ((major >= minimum && major > best_major)); then
        best_major=$major
        best_home=${candidate%/bin/java}
      fi
    done
  fi

  if [[ -z $best_home ]]; then
    local path_description="no java on PATH"
    [[ -n $path_major ]] && path_description="java on PATH is version $path_major"
    [[ -z $path_major && -n ${path_java:-} ]] && path_description="java on PATH ($path_java) does not run"
    printf 'raftkv: needs a JDK %s or newer; none found (JAVA_HOME=%s, %s). Install one or set JAVA_HOME.\n' \
      "$minimum" "${JAVA_HOME:-<unset>}" "$path_description" >&2
    exit 1
  fi

  if [[ -n ${JAVA_HOME:-} && $JAVA_HOME != "$best_home" ]]; then
    printf 'raftkv: JAVA_HOME=%s is not a Java %s+ runtime; using %s\n' "$JAVA_HOME" "$minimum" "$best_home" >&2
  fi
  JAVA_HOME=$best_home
  JAVA=$best_home/bin/java
  export JAVA_HOME JAVA
}

_raftkv_java_select
