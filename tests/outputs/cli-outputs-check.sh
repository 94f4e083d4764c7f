#!/usr/bin/env bash
# heapsim's machine-readable output, as CI systems read it: every --json is
# exactly one document on stdout that its schema in docs/schema accepts, every
# --sarif log passes the SARIF 2.1.0 subset schema with a ruleId and message on
# each result; exit codes are the README's; bad output paths are refused with
# exit 2 before any work and leave nothing behind.
#   cli-outputs-check.sh HEAPSIM SOURCE_DIR SCRATCH_DIR
# Exit 0 pass, 1 fail, 77 skipped (no python3 jsonschema module).
set -uo pipefail
H=$1 src=$2 w=$3
schema=$src/docs/schema
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
rm -rf "$w"; mkdir -p "$w"
python3 "$src/tests/outputs/validate.py" --check-schema "$schema/verdict.schema.json" >/dev/null
[ $? -eq 77 ] && { echo "SKIP: python3 has no jsonschema module (bash scripts/setup installs python3-jsonschema)"; exit 77; }

# run NAME RC SCHEMA ARGS...: exit code RC, stdout one document valid under SCHEMA
check_json() {
  local name=$1 want=$2 sch=$3; shift 3
  "$H" "$@" >"$w/$name.json" 2>"$w/$name.err"; local rc=$?
  [ $rc -eq "$want" ] || fail "$name: heapsim $* exited $rc, want $want ($(tail -1 "$w/$name.err"))"
  python3 "$src/tests/outputs/validate.py" "$schema/$sch.schema.json" "$w/$name.json" >"$w/$name.valid" \
    || { fail "$name: stdout is not a valid $sch document"; cat "$w/$name.valid"; }
}
# check_sarif NAME MIN_RESULTS: valid, every result with ruleId and message, at least MIN results
check_sarif() {
  python3 "$src/tests/outputs/validate.py" "$schema/sarif-2.1.0-subset.schema.json" "$w/$1.sarif" >"$w/$1.svalid" \
    || { fail "$1: SARIF invalid"; cat "$w/$1.svalid"; return; }
  python3 - "$w/$1.sarif" "$2" <<'PY' || fail "$1: SARIF results"
import json, sys
s = json.load(open(sys.argv[1]))
res = s['runs'][0].get('results') or []
if s.get('version') != '2.1.0' or len(res) < int(sys.argv[2]):
    sys.exit(f'{len(res)} results, want at least {sys.argv[2]}')
for r in res:
    if not r.get('ruleId', '').startswith('heapsim/') or not r.get('message', {}).get('text'):
        sys.exit(f'result without a heapsim ruleId or message: {r}')
rules = [d['id'] for d in s['runs'][0]['tool']['driver']['rules']]
if any(rules[r['ruleIndex']] != r['ruleId'] for r in res):
    sys.exit('ruleIndex does not point at the ruleId')
PY
}

v3=$src/fuzz/regressions/fuzz_user_syscalls/known/pr10807-v3.cache-invalidate
seed=$(ls "$src"/fuzz/corpus/fuzz_heap_ops/* | head -1)
check_json audit_v3 1 audit audit --layout pr10807-v3 --json
check_json audit_oob 0 audit audit --layout oob --json
grep -q '"type":"z_heap"' "$w/audit_v3.json" || fail "audit_v3: the z_heap header is not listed"
check_json list 0 list-layouts list-layouts --json
check_json pipeline 0 run run --layout oob --ticks 200 --json --sarif "$w/pipeline.sarif"
check_sarif pipeline 0
# run SCENARIO: exit 0 when every verdict is what the file expects, an expected escape included
check_json scenario 0 run-scenario run "$src/attack/scenarios/double-free.scn" --json --sarif "$w/scenario.sarif"
grep -q '"verdict":"exploitable"' "$w/scenario.json" || fail "scenario: no expected escape in double-free.scn's runs"
check_sarif scenario 1
# ... and 1 when one is not (an expectation the v3 run cannot meet)
sed 's/^expect .*//' "$src/attack/scenarios/double-free.scn" >"$w/wrong.scn"
printf 'expect * * harmless\n' >>"$w/wrong.scn"
check_json scenario_wrong 1 run-scenario run "$w/wrong.scn" --layout pr10807-v3 --json
grep -q '"as_expected":false' "$w/scenario_wrong.json" || fail "scenario_wrong: no run marked unexpected"
check_json replay_v3 1 replay replay "$v3" --target fuzz_user_syscalls --layout pr10807-v3 --json --sarif "$w/replay.sarif"
grep -q '"verdict":"finding"' "$w/replay_v3.json" || fail "replay_v3: not a finding"
grep -q '^   1\. ' "$w/replay_v3.err" || fail "replay_v3: the trace did not go to stderr"
check_sarif replay 1
check_json replay_clean 0 replay replay "$seed" --target fuzz_heap_ops --json
check_json matrix 0 matrix matrix --json --sarif "$w/matrix.sarif"
check_sarif matrix 1
check_json verdict 0 verdict verdict --seconds 2 --json --sarif "$w/verdict.sarif" --out "$w/findings"
check_sarif verdict 1
grep -q 'heapsim/audit-user-writable' "$w/verdict.sarif" || fail "verdict: no audit result in the SARIF"

# Bad output paths: exit 2 with a message, before any work, nothing left behind.
bad() { # name regex args...
  local name=$1 re=$2; shift 2
  local t0=$SECONDS
  "$H" "$@" >"$w/$name.out" 2>"$w/$name.err"; local rc=$?
  [ $rc -eq 2 ] || fail "$name: heapsim $* exited $rc, want 2"
  grep -Eq "$re" "$w/$name.err" || fail "$name: message '$(head -1 "$w/$name.err")' does not match '$re'"
  [ $((SECONDS - t0)) -le 5 ] || fail "$name: took $((SECONDS - t0)) s: the check came after the work"
}
touch "$w/a-file"
bad verdict_out_file "not a directory" verdict --seconds 60 --out "$w/a-file"
bad verdict_sarif_missing_dir "does not exist" verdict --seconds 60 --sarif "$w/no/such/dir/v.sarif"
[ -e "$w/no" ] && fail "verdict_sarif_missing_dir: created $w/no"
bad verdict_sarif_is_dir "is a directory" verdict --seconds 60 --sarif "$w"
bad matrix_sarif_missing_dir "does not exist" matrix --sarif "$w/no/m.sarif"
bad replay_sarif_missing_dir "does not exist" replay "$v3" --sarif "$w/no/r.sarif"
bad run_sarif_missing_dir "does not exist" run --layout oob --sarif "$w/no/r.sarif"
bad report_out_file "not a directory" report --out "$w/a-file"
bad report_out_missing_parent "does not exist" report --out "$w/no/such/report"
# a directory that cannot be created (not even by root): exit 2, no report
bad report_out_unwritable "cannot|not writable" report --no-matrix --out /proc/self/heapsim-report
mkdir -p "$w/ro-report"; chmod 555 "$w/ro-report"
if [ "$(id -u)" -ne 0 ]; then
  bad report_out_readonly "not writable" report --no-matrix --out "$w/ro-report"
fi
[ -e "$w/ro-report/index.html" ] && fail "a report was written into a read-only directory"

[ $fails -eq 0 ] && echo "outputs: JSON documents and SARIF logs valid, exit codes as documented, bad paths refused"
[ $fails -eq 0 ]
