#!/usr/bin/env bash
# Inputs to the first finding of each technique class (fuzz.h: unlink,
# fake-bucket, overlapping-blocks, end-marker) of fuzz_user_syscalls on a
# layout, structured mutator against libFuzzer's byte mutator alone
# (HEAPSIM_MUTATOR=bytes), from an empty corpus with the generated
# dictionary, one libFuzzer process per (mutator, seed). Findings do not stop
# the process (HEAPSIM_CLASS_LOG). Prints each run's first input per class,
# then per class the median over the seeds and the ratio bytes/structured
# ("-": not reached within RUNS; a median counts that as RUNS+1).
#   bench/class-depth.sh [--layout L] [--hardening H] [--runs N] [--seeds "1 2 3 4 5"]
#                        [--jobs J] [--build DIR]
# Needs the fuzz preset built (cmake --preset fuzz && cmake --build --preset fuzz).
set -euo pipefail
layout=pr10807-v3 hardening=basic runs=20000 seeds="1 2 3 4 5" jobs=2 build=build/fuzz
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --layout) layout=$2; shift 2 ;;
    --hardening) hardening=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --help|-h) usage; exit 0 ;;
    *) echo "class-depth: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$runs" "$jobs"; do
  case $n in ''|*[!0-9]*|0) echo "class-depth: --runs and --jobs want a positive number" >&2; exit 2 ;; esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/$build/fuzz/fuzz_user_syscalls
[ -x "$bin" ] || { echo "class-depth: no $bin (build the fuzz preset)" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
classes="unlink fake-bucket overlapping-blocks end-marker"

one() { # mode seed
  local d=$scratch/$1-$2
  mkdir -p "$d/corpus"
  (cd "$d" && HEAPSIM_MUTATOR=$1 HEAPSIM_LAYOUT=$layout HEAPSIM_HARDENING=$hardening \
     HEAPSIM_CLASS_LOG=$d/classes timeout 3600 "$bin" -seed="$2" -runs="$runs" -max_len=1024 \
     -dict="$root/fuzz/dict/fuzz_user_syscalls.dict" -artifact_prefix="$d/" corpus >"$d/log" 2>&1) || true
  touch "$d/classes"
}

running=0
for mode in structured bytes; do
  for s in $seeds; do
    one "$mode" "$s" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  done
done
wait

first() { # dir class -> input number or empty
  awk -v c="$2" '$2 == c { print $1; exit }' "$1/classes"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

echo "fuzz_user_syscalls on $layout, hardening $hardening, $runs inputs per run, seeds $seeds"
for mode in structured bytes; do
  for s in $seeds; do
    line="$mode seed $s:"
    for c in $classes; do
      n=$(first "$scratch/$mode-$s" "$c")
      line="$line $c ${n:--}"
    done
    echo "$line"
  done
done
printf '%-20s %12s %12s %8s\n' class structured bytes ratio
for c in $classes; do
  m=()
  for mode in structured bytes; do
    m+=("$(for s in $seeds; do n=$(first "$scratch/$mode-$s" "$c"); echo "${n:-$((runs + 1))}"; done | median)")
  done
  ratio=$(awk -v a="${m[0]}" -v b="${m[1]}" 'BEGIN { printf "%.1f", b / a }')
  printf '%-20s %12s %12s %8s\n' "$c" "${m[0]}" "${m[1]}" "$ratio"
done
