#!/usr/bin/env bash
# OSS-Fuzz / ClusterFuzzLite style build of every fuzz target, without CMake.
# The environment gives what the base-builder image gives:
#
#   CC, CXX, CFLAGS, CXXFLAGS   compilers and their flags (sanitizers included)
#   LIB_FUZZING_ENGINE          what links the engine (-fsanitize=fuzzer)
#   OUT                         where the fuzz binaries and their files go
#   WORK                        scratch space for objects (never $OUT: the
#                               service would treat every file there as output)
#   SRC                         unused here (the project is the script's tree)
#
# Binaries are linked with $CXX: engines ship as C++ archives.
#
# One binary per (target, layout): a layout-aware target (fuzz_user_syscalls,
# fuzz_ll_sched) gets a binary per LL heap layout with the layout pinned at
# build time (TARGET_LAYOUT, e.g. fuzz_user_syscalls_kernel-only), because a
# fuzzing service passes no -layout flag. Safe layouts run every oracle;
# layouts vulnerable by design run the escape oracles only (their in-band
# metadata is user-writable on purpose: a corruption the kernel has not acted
# on yet is not news there, an escape is) -- fuzz_pinned_oracle() in
# fuzz/lib_targets.c decides, for this build and the CMake one. Targets that
# do not use a layout get one binary. Targets with an operation table link
# the structured mutator and get a dictionary written from that table.
#
# HEAPSIM_FUZZ_LAYOUTS=all (default) | safe | "NAME NAME..." restricts the
# layouts. Each binary gets BIN.dict, BIN.options (-max_len, dict) and
# BIN_seed_corpus.zip (its target's seeds: zip is required).
#
# Defaults, for a local run:
#   CC=clang CXX=clang++ CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined"
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/heapsim-oss-fuzz/out
#   WORK=/tmp/heapsim-oss-fuzz/work
set -euo pipefail
cd "$(dirname "$0")/.."

CC=${CC:-clang}
CXX=${CXX:-clang++}
CFLAGS=${CFLAGS:--O1 -g -fsanitize=fuzzer-no-link,address,undefined}
CXXFLAGS=${CXXFLAGS:-$CFLAGS}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
OUT=${OUT:-/tmp/heapsim-oss-fuzz/out}
WORK=${WORK:-/tmp/heapsim-oss-fuzz/work}
want_layouts=${HEAPSIM_FUZZ_LAYOUTS:-all}

die() { echo "oss-fuzz-build: $*" >&2; exit 1; }
command -v zip >/dev/null || die "zip not found: seed corpora are part of the build (apt-get install zip)"
mkdir -p "$OUT" "$WORK" || die "cannot create OUT=$OUT or WORK=$WORK"
obj=$WORK/heapsim-obj
rm -rf "$obj"
mkdir -p "$obj"

# Every library source of the layers the targets use; mains and tools stay out.
layer_dirs="heap sim sched attack fuzz"
inc=""
lib_src=""
for d in $layer_dirs; do
  [ -d "$d" ] || continue
  inc="$inc -I$d"
  for f in "$d"/*.c; do
    case $(basename "$f") in
      replay_main.c|fuzz_*.c) ;; # the replay main and the thin target files
      *) lib_src="$lib_src $f" ;;
    esac
  done
done

objs=""
for f in $lib_src; do
  o=$obj/$(echo "$f" | tr / _).o
  # shellcheck disable=SC2086 # flag lists are word-split on purpose
  $CC $CFLAGS -std=gnu11 $inc -c "$f" -o "$o"
  objs="$objs $o"
done

# The target and layout tables, read from the code itself (no copy here to
# go stale): "target NAME USES_LAYOUT MAX_LEN" and "layout NAME VULNERABLE".
cat >"$obj/list_tables.c" <<'EOF'
#include <stdio.h>
#include "fuzz.h"
#include "sched.h"

int main(int argc, char **argv)
{
	for (size_t i = 0; i < fuzz_ntargets; i++)
		printf("target %s %d %zu\n", fuzz_targets[i].name, fuzz_targets[i].uses_layout ? 1 : 0,
		       fuzz_targets[i].max_len);
	for (size_t i = 0; i < ll_layout_count(); i++)
		printf("layout %s %d\n", ll_layout_at(i)->name, ll_layout_at(i)->vulnerable ? 1 : 0);
	/* the dictionaries of the targets with an operation table, from it */
	for (size_t i = 0; i < fuzz_ntargets; i++) {
		char path[4096];
		FILE *f;

		if (!fuzz_targets[i].shape)
			continue;
		snprintf(path, sizeof(path), "%s/%s.dict", argc > 1 ? argv[1] : ".", fuzz_targets[i].name);
		f = fopen(path, "w");
		if (!f || !fuzz_dict_write(&fuzz_targets[i], f) || fclose(f))
			return 1;
	}
	return 0;
}
EOF
# shellcheck disable=SC2086
$CC $CFLAGS -std=gnu11 $inc -c "$obj/list_tables.c" -o "$obj/list_tables.o"
# shellcheck disable=SC2086
$CXX $CXXFLAGS "$obj/list_tables.o" $objs -o "$obj/list_tables"
# A sanitizer runtime may print to stderr; only stdout is the table.
ASAN_OPTIONS=detect_leaks=0 "$obj/list_tables" "$obj" >"$obj/tables.txt" || die "cannot list the targets and layouts"
grep -q '^target ' "$obj/tables.txt" || die "no targets listed"

layouts=""
while read -r kind name vulnerable; do
  [ "$kind" = layout ] || continue
  case $want_layouts in
    all) layouts="$layouts $name:$vulnerable" ;;
    safe) [ "$vulnerable" = 0 ] && layouts="$layouts $name:$vulnerable" ;;
    *) case " $want_layouts " in *" $name "*) layouts="$layouts $name:$vulnerable" ;; esac ;;
  esac
done <"$obj/tables.txt"
[ -n "$layouts" ] || die "HEAPSIM_FUZZ_LAYOUTS='$want_layouts' selects no layout"

# A layout-pinned binary is the target's own file compiled with
# FUZZ_PIN_LAYOUT (fuzz/fuzz_entry.h), as the CMake build makes them; the
# oracle set follows from the layout in the code (fuzz_pinned_oracle), so
# the rule lives in one place.

built=""
emit() { # binary-name target-file-object target max_len
  local bin=$1 o=$2 t=$3 ml=$4
  # shellcheck disable=SC2086
  $CXX $CXXFLAGS "$o" $objs $LIB_FUZZING_ENGINE -o "$OUT/$bin"
  # the dictionary: written from the target's operation table where it has
  # one, else the committed file
  if [ -s "$obj/$t.dict" ]; then
    cp "$obj/$t.dict" "$OUT/$bin.dict"
  else
    cp "fuzz/dict/$t.dict" "$OUT/$bin.dict"
  fi
  printf '[libfuzzer]\nmax_len = %s\ndict = %s.dict\n' "$ml" "$bin" >"$OUT/$bin.options"
  [ -n "$(ls "fuzz/corpus/$t")" ] || die "no seeds in fuzz/corpus/$t"
  rm -f "$OUT/${bin}_seed_corpus.zip"
  (cd "fuzz/corpus/$t" && zip -qj "$OUT/${bin}_seed_corpus.zip" ./*) || die "zip of fuzz/corpus/$t failed"
  built="$built $bin"
}

while read -r kind t uses_layout ml; do
  [ "$kind" = target ] || continue
  [ -f "fuzz/$t.c" ] || die "target $t has no fuzz/$t.c"
  if [ "$uses_layout" = 0 ]; then
    # shellcheck disable=SC2086
    $CC $CFLAGS -std=gnu11 $inc -c "fuzz/$t.c" -o "$obj/$t.o"
    emit "$t" "$obj/$t.o" "$t" "$ml"
    continue
  fi
  for lv in $layouts; do
    l=${lv%:*}
    # shellcheck disable=SC2086
    $CC $CFLAGS -std=gnu11 $inc "-DFUZZ_PIN_LAYOUT=\"$l\"" -c "fuzz/$t.c" -o "$obj/${t}_$l.o"
    emit "${t}_$l" "$obj/${t}_$l.o" "$t" "$ml"
  done
done <"$obj/tables.txt"

echo "built into $OUT:$built"
