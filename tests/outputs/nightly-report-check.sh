#!/usr/bin/env bash
# scripts/nightly-report.py on run directories laid out as nightly-fuzz writes
# them: a by-design finding on pr10807-v3 (a real crash input and the record
# the target wrote) is "known"; the same finding moved to oob's directory is a
# "failure" and the exit status is 1; both documents pass their schemas.
#   nightly-report-check.sh SOURCE_DIR FUZZ_USER_SYSCALLS_BINARY SCRATCH
set -uo pipefail
src=$1 bin=$(realpath "$2") scratch=$3
fail() { echo "FAIL: $*"; exit 1; }
input=$src/fuzz/regressions/fuzz_user_syscalls/known/pr10807-v3.cache-invalidate
rm -rf "$scratch"; mkdir -p "$scratch"

run_dir() { # layout -> a run directory holding the input and its record
  local d=$scratch/$1/runs/fuzz_user_syscalls.$2
  mkdir -p "$d/art"
  printf '#4096: cov: 321 ft: 400 corp: 12 exec/s: 68\n' >"$d/log"
  cp "$input" "$d/art/crash-$(sha1sum "$input" | cut -c1-40)"
  (cd "$d" && HEAPSIM_LAYOUT=pr10807-v3 HEAPSIM_ORACLE=escape "$bin" -artifact_prefix=art/ "$input" >>log 2>&1) 2>/dev/null
  ls "$d"/art/finding-*.json >/dev/null 2>&1 || fail "the target wrote no finding record"
}
report() { # case pairs -> exit status
  python3 "$src/scripts/nightly-report.py" --out "$scratch/$1" --root "$src" --pairs "$2" \
    --vulnerable "pr10807-v2 pr10807-v3" --seconds 60 --minutes 1 --jobs 1 --corpus-root build/nightly/corpus \
    --heapsim build/fuzz/tools/heapsim --coverage '{}' --commit test --sarif "$scratch/$1/report.sarif"
}

run_dir known pr10807-v3
report known "fuzz_user_syscalls:pr10807-v3"; rc=$?
[ $rc -eq 0 ] || fail "a known finding on pr10807-v3 gave exit $rc"
grep -q '"status": "known"' "$scratch/known/report.json" || fail "the v3 finding is not 'known'"
grep -q 'build/fuzz/tools/heapsim replay .*--layout pr10807-v3' "$scratch/known/report.md" || fail "no replay command"

# the same record under oob's run directory: a finding on a safe layout
mkdir -p "$scratch/safe/runs"
cp -r "$scratch/known/runs/fuzz_user_syscalls.pr10807-v3" "$scratch/safe/runs/fuzz_user_syscalls.oob"
sed -i 's/"layout":"pr10807-v3"/"layout":"oob"/' "$scratch"/safe/runs/fuzz_user_syscalls.oob/art/finding-*.json
report safe "fuzz_user_syscalls:oob"; rc=$?
[ $rc -eq 1 ] || fail "a finding on oob gave exit $rc, not 1"
grep -q '"status": "failure"' "$scratch/safe/report.json" || fail "the oob finding is not a 'failure'"

for c in known safe; do
  python3 "$src/tests/outputs/validate.py" "$src/docs/schema/nightly.schema.json" "$scratch/$c/report.json" || exit $?
  python3 "$src/tests/outputs/validate.py" "$src/docs/schema/sarif-2.1.0-subset.schema.json" "$scratch/$c/report.sarif" || exit $?
done
echo "nightly report: known on pr10807-v3 (exit 0), failure on oob (exit 1), schemas valid"
