#!/usr/bin/env bash
# Execs to the first finding of fuzz_user_syscalls on a layout, structured
# mutator against libFuzzer's byte mutator alone (HEAPSIM_MUTATOR=bytes), from
# an empty corpus, one libFuzzer process per seed. Prints one line per (mode,
# seed): the input number of the first finding (or "none in RUNS") and its
# class, object and field, then the median per mode.
#   bench/mutator-depth.sh [--layout L] [--runs N] [--seeds "1 2 3"] [--build DIR]
# Needs the fuzz preset built (cmake --preset fuzz && cmake --build --preset fuzz).
set -euo pipefail
layout=pr10807-v3 runs=3000 seeds="1 2 3 4 5" build=build/fuzz
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --layout) layout=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --help|-h) usage; exit 0 ;;
    *) echo "mutator-depth: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
case $runs in ''|*[!0-9]*) echo "mutator-depth: --runs wants a number" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/$build/fuzz/fuzz_user_syscalls_$layout
[ -x "$bin" ] || { echo "mutator-depth: no $bin (build the fuzz preset; is '$layout' a layout?)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

for mode in structured bytes; do
  found=""
  for s in $seeds; do
    d=$scratch/$mode-$s
    mkdir -p "$d/corpus"
    (cd "$d" && HEAPSIM_MUTATOR=$mode timeout 900 "$bin" -seed="$s" -runs="$runs" -max_len=1024 \
       -dict="$root/fuzz/dict/fuzz_user_syscalls.dict" -artifact_prefix="$d/" corpus >"$d/log" 2>&1) || true
    n=$(sed -n 's/.*found at input \([0-9]*\) of this process.*/\1/p' "$d/log" | head -1)
    if [ -n "$n" ]; then
      what=$(sed -n 's/^HEAPSIM-FINDING-JSON: //p' "$d/log" | head -1 |
             python3 -c 'import json,sys; f=json.load(sys.stdin); print(f.get("kind"), "|", f.get("object"), "|", f.get("field"))')
      echo "$mode seed $s: first finding at input $n: $what"
      found="$found $n"
    else
      echo "$mode seed $s: none in $runs inputs"
      found="$found $((runs + 1))"
    fi
  done
  echo "$mode: median inputs to the first finding: $(echo "$found" | tr ' ' '\n' | grep . | median) (a value of $((runs + 1)) is none)"
done
