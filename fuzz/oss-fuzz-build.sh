#!/usr/bin/env bash
# OSS-Fuzz style build of every target, without CMake: the environment gives
# the compiler, its flags and the fuzzing engine, as OSS-Fuzz's build.sh does.
#
#   CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/oss-fuzz-build.sh
#
# Defaults are those values. Each target gets its dictionary and seed corpus
# beside it ($OUT/T.dict, $OUT/T_seed_corpus.zip when zip is installed) and an
# options file with its -max_len (the target prints it from its table).
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-clang}
CFLAGS=${CFLAGS:--O1 -g -fsanitize=fuzzer-no-link,address,undefined}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
OUT=${OUT:-/tmp/heapsim-oss-fuzz}
obj=$OUT/obj
mkdir -p "$obj"
inc="-Iheap -Isim -Isched -Iattack -Ifuzz"
lib_src="$(ls heap/*.c | grep -v heap_trace_main) sim/*.c sched/*.c attack/*.c $(ls fuzz/lib_*.c)"
objs=""
for f in $lib_src; do
  o=$obj/$(echo "$f" | tr / _).o
  $CC $CFLAGS -std=gnu11 $inc -c "$f" -o "$o"
  objs="$objs $o"
done
for t in fuzz_heap_ops fuzz_user_syscalls fuzz_ll_sched fuzz_cli_input; do
  $CC $CFLAGS -std=gnu11 $inc "fuzz/$t.c" $objs $LIB_FUZZING_ENGINE -o "$OUT/$t"
  cp "fuzz/dict/$t.dict" "$OUT/$t.dict"
  "$OUT/$t" -heapsim_options=1 >"$OUT/$t.options"
  if command -v zip >/dev/null; then (cd "fuzz/corpus/$t" && zip -qj "$OUT/${t}_seed_corpus.zip" ./*); fi
done
echo "built into $OUT: fuzz_heap_ops fuzz_user_syscalls fuzz_ll_sched fuzz_cli_input"
