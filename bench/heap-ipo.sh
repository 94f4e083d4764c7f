#!/usr/bin/env bash
# Instructions per heap operation on heap-ipo's fixed mix, counted by callgrind
# with collection on only inside the measured loop (run_ops / run_ops_oob).
#
#   bench/heap-ipo.sh [HEAP_IPO_BINARY] [OPS]
#
# Default binary: build/default/bench/heap-ipo; default 1000000 operations.
# Prints one row per configuration (64-bit words, 1 MiB heap, stats off unless
# said): instructions per operation and the ratio to the first row, sys_heap
# at MODERATE (the default Zephyr-API setup).
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/default/bench/heap-ipo}
ops=${2:-1000000}
if ! command -v valgrind >/dev/null; then
  echo "heap-ipo.sh: valgrind not found (Debian: apt-get install valgrind)" >&2
  exit 2
fi
if [ ! -x "$bin" ]; then
  echo "heap-ipo.sh: $bin is not an executable (build the default preset first)" >&2
  exit 2
fi
case $ops in ''|*[!0-9]*) echo "heap-ipo.sh: bad operation count '$ops'" >&2; exit 2;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name | heap-ipo arguments | function to count
rows=(
  "sys_heap MODERATE|--hardening moderate|run_ops"
  "sys_heap NONE|--hardening none|run_ops"
  "sys_heap FULL|--hardening full|run_ops"
  "sys_heap MODERATE + stats|--hardening moderate --stats|run_ops"
  "oob_heap MODERATE|--heap oob --hardening moderate|run_ops_oob"
)
printf '%-28s %12s %9s  %s\n' configuration instr/op "x MOD" checksum
base=
for row in "${rows[@]}"; do
  IFS='|' read -r name args fn <<<"$row"
  # shellcheck disable=SC2086
  if ! valgrind --tool=callgrind --toggle-collect="$fn" --callgrind-out-file="$tmp/cg.out" \
      "$bin" $args --ops "$ops" >"$tmp/out.txt" 2>"$tmp/vg.log"; then
    echo "heap-ipo.sh: $name: the run failed:" >&2
    tail -5 "$tmp/vg.log" "$tmp/out.txt" >&2
    exit 1
  fi
  ins=$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out")
  ipo=$(awk -v i="$ins" -v n="$ops" 'BEGIN { printf "%.1f", i / n }')
  [ -n "$base" ] || base=$ipo
  ratio=$(awk -v a="$ipo" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
  printf '%-28s %12s %9s  %s\n' "$name" "$ipo" "$ratio" "$(sed -n 's/.*checksum //p' "$tmp/out.txt")"
done
