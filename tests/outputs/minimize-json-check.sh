#!/usr/bin/env bash
# heapsim minimize --json (fuzz preset: needs a libFuzzer binary): one
# document on stdout that docs/schema/minimize.schema.json accepts, libFuzzer's
# output on stderr, the result still reproduces, and minimize.json in the
# output directory is that same document.
#   minimize-json-check.sh HEAPSIM FUZZER SOURCE_DIR SCRATCH
set -uo pipefail
H=$1 fuzzer=$2 src=$3 w=$4
rm -rf "$w"; mkdir -p "$w"
cp "$src/fuzz/regressions/fuzz_user_syscalls/known/pr10807-v3.cache-invalidate" "$w/crash"
"$H" minimize "$w/crash" --target fuzz_user_syscalls --layout pr10807-v3 --fuzzer "$fuzzer" --seconds 5 \
  --out "$w/min" --json >"$w/m.json" 2>"$w/m.err"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; tail -5 "$w/m.err"; exit 1; }
python3 "$src/tests/outputs/validate.py" "$src/docs/schema/minimize.schema.json" "$w/m.json" || exit $?
grep -q '"reproduces":true' "$w/m.json" || { echo "FAIL: the result does not reproduce"; exit 1; }
cmp -s "$w/m.json" "$w/min/minimize.json" || { echo "FAIL: minimize.json is not the --json document"; exit 1; }
