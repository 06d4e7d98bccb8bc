# shellcheck shell=bash
# The rows of BENCHMARKS.md's table, shared by bin/raftkv-bench-suite (raftkv) and
# bin/raftkv-bench-etcd (etcd), so both are measured the same way. Source it; do not run it.
#
#   bench_rows_run OUT_DIR WARMUP DURATION [BENCH_OPTION...]
#
# Fills the key space first (100,000 puts at 256 in flight), then warms the servers up with
# RAFTKV_BENCH_SERVER_WARMUP (default 30s) of puts at 64 in flight over the same keys, then runs
# the rows one after another in one bin/raftkv-bench process (--rows; a process per row spent
# each row's first seconds compiling the client) with the given options (e.g. --protocol etcd
# --endpoints 127.0.0.1:32379 --target first): put at 1, 16, 64 and 256 in flight, linearizable
# and serializable get at 64 and 256; 16-byte keys uniform over 100,000 keys, 100-byte values.
# Writes one JSON result per row to OUT_DIR/<op>-<inflight>.json and prints a markdown table on stdout.
#
# Why the server warm-up: three JVMs compiling on two cores took 0.5-1.0 of the cores for the
# first 35 s of load and 0.3 until 45 s (C2 threads' CPU from /proc, 2026-12-07), so rows measured
# right after the fill paid for the JIT inside their 10 s windows. etcd gets the same warm-up.
# Safe under `set -euo pipefail`.

_bench_rows_bin_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

bench_rows_run() {
  if (($# < 3)); then
    echo "bench_rows_run: needs OUT_DIR WARMUP DURATION [BENCH_OPTION...]" >&2
    return 2
  fi
  local out=$1 warmup=$2 duration=$3 row op inflight file
  shift 3
  local options=("$@")
  local bench=$_bench_rows_bin_dir/raftkv-bench
  local common=(--key-size 16 --value-size 100 --keys 100000 --warmup "$warmup" --duration "$duration")
  local rows=(
    "put 1" "put 16" "put 64" "put 256"
    "get 64" "get 256" "get-serializable 64" "get-serializable 256"
  )
  local listed=()
  for row in "${rows[@]}"; do
    listed+=("${row/ /:}")
  done
  mkdir -p "$out"

  # Fill the key space so gets find values.
  "$bench" ${options[@]+"${options[@]}"} --op put --inflight 256 --keys 100000 --key-size 16 --value-size 100 \
    --ops 100000 --warmup 0s >/dev/null
  "$bench" ${options[@]+"${options[@]}"} --op put --inflight 64 --keys 100000 --key-size 16 --value-size 100 \
    --duration "${RAFTKV_BENCH_SERVER_WARMUP:-30s}" --warmup 0s >/dev/null

  printf '| op | in flight | ops/s | p50 ms | p99 ms | p99.9 ms | errors | client CPU share |\n'
  printf '|---|---|---|---|---|---|---|---|\n'
  "$bench" ${options[@]+"${options[@]}"} --rows "$(IFS=,; echo "${listed[*]}")" "${common[@]}" --out-dir "$out" >/dev/null
  for row in "${rows[@]}"; do
    read -r op inflight <<<"$row"
    file="$out/$op-$inflight.json"
    python3 - "$file" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
errors = sum(r.get("errors", {}).values()) if isinstance(r.get("errors"), dict) else r.get("errors")
print(f"| {r['op']} | {r['inflight']} | {r['ops_per_sec']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
      f"{r['p999_ms']:.2f} | {errors} | {r.get('client_cpu_share', 0):.1%} |")
PY
  done
}
