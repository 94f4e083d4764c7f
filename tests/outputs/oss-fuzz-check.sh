#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh the way the OSS-Fuzz base image does (the
# project under $SRC/heapsim, CC/CXX/CFLAGS/CXXFLAGS/LIB_FUZZING_ENGINE/OUT/
# WORK/SRC set, no network), then every binary it produced for a few hundred
# inputs grown from its seed corpus and dictionary.
#   oss-fuzz-check.sh SOURCE_DIR SCRATCH_DIR [RUNS]
# Exit 0: built and every binary ran clean (a binary pinned to a layout that is
# vulnerable by design may instead stop on a finding marked by_design);
# 77: skipped (no clang/libFuzzer/zip); 1: anything else.
set -uo pipefail
src=$1 scratch=$2 runs=${3:-200}

skip() { echo "SKIP: $*"; exit 77; }
for tool in clang clang++ zip unzip; do
  command -v $tool >/dev/null || skip "$tool not installed (bash scripts/setup installs it)"
done
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' >"${TMPDIR:-/tmp}/lf-probe-$$.c"
clang -fsanitize=fuzzer "${TMPDIR:-/tmp}/lf-probe-$$.c" -o "${TMPDIR:-/tmp}/lf-probe-$$" 2>/dev/null \
  || { rm -f "${TMPDIR:-/tmp}"/lf-probe-$$*; skip "clang cannot link libFuzzer (libclang-rt-14-dev)"; }
rm -f "${TMPDIR:-/tmp}"/lf-probe-$$*

rm -rf "$scratch"
mkdir -p "$scratch/src" "$scratch/out" "$scratch/work" "$scratch/runs"
ln -s "$(cd "$src" && pwd)" "$scratch/src/heapsim"
cp "$src/.clusterfuzzlite/build.sh" "$scratch/src/build.sh"

# The base-builder's ASan environment (libc++ aside: Debian's clang has none).
export SRC=$scratch/src OUT=$scratch/out WORK=$scratch/work
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export HEAPSIM_FUZZ_LAYOUTS=all   # the service builds the safe ones; check every binary here
unset HEAPSIM_LAYOUT HEAPSIM_ORACLE HEAPSIM_HARDENING HEAPSIM_TRACE

echo "== build.sh (OUT=$OUT WORK=$WORK)"
(cd "$SRC/heapsim" && bash "$SRC/build.sh") >"$scratch/build.log" 2>&1 \
  || { tail -30 "$scratch/build.log"; echo "FAIL: build.sh failed"; exit 1; }
tail -1 "$scratch/build.log"
objects=$(find "$OUT" -name '*.o' | wc -l)
[ "$objects" -eq 0 ] || { echo "FAIL: $objects object files in \$OUT (they belong in \$WORK)"; exit 1; }

bins=$(find "$OUT" -maxdepth 1 -type f -perm -u+x ! -name '*.*' | sort)
[ -n "$bins" ] || { echo "FAIL: no fuzz binaries in $OUT"; exit 1; }
failed=0 n=0
for b in $bins; do
  name=$(basename "$b")
  n=$((n + 1))
  for f in "$b.options" "$b.dict" "${b}_seed_corpus.zip"; do
    [ -s "$f" ] || { echo "FAIL: $name has no $(basename "$f")"; failed=1; }
  done
  corpus=$scratch/runs/$name/corpus
  mkdir -p "$corpus"
  unzip -q "${b}_seed_corpus.zip" -d "$corpus" || { echo "FAIL: $name: bad seed zip"; failed=1; continue; }
  max_len=$(sed -n 's/^max_len = //p' "$b.options")
  log=$scratch/runs/$name/log
  (cd "$scratch/runs/$name" && timeout 300 "$b" -runs="$runs" -seed=1 -max_len="${max_len:-4096}" \
     -dict="$b.dict" -artifact_prefix="$scratch/runs/$name/" corpus) >"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "ok   $name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log")"
  elif grep -q '^HEAPSIM-FINDING-JSON: .*"by_design":true' "$log"; then
    echo "ok   $name: stopped on a by-design finding ($(grep -o '"kind":"[a-z-]*"' "$log" | head -1))"
  else
    echo "FAIL $name (exit $rc):"; tail -25 "$log"; failed=1
  fi
done
echo "$n binaries"
exit $failed
