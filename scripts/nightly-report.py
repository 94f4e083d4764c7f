#!/usr/bin/env python3
"""The nightly fuzz job's report (scripts/nightly-fuzz calls this).

Reads every run directory the job wrote (OUT/runs/TARGET.LAYOUT: libFuzzer's
log, the crash inputs and their finding records) and writes OUT/report.json
(schema docs/schema/nightly.schema.json), OUT/report.md and, with --sarif,
a SARIF 2.1.0 log with one result per finding.

Exit status: 0 no failure, 1 a finding on a safe layout or a harness crash,
2 bad arguments.
"""
import argparse
import datetime
import glob
import json
import os
import re
import sys

SCHEMA_VERSION = 1
# Kernel-side sources a finding's syscall can be located in (file, line).
KERNEL_SOURCES = ['sched/ll_syscalls.c', 'sched/ll_layouts.c', 'sched/ll_sched.c', 'sched/ll_modules.c',
                  'heap/sys_heap.c', 'heap/oob_heap.c', 'sim/kernel.c', 'sim/syscall.c', 'sim/kobj.c']


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', required=True)
    p.add_argument('--root', required=True, help='the source tree')
    p.add_argument('--pairs', required=True, help='"TARGET:LAYOUT ..." (- = the input chooses)')
    p.add_argument('--vulnerable', default='', help='layouts vulnerable by design')
    p.add_argument('--seconds', type=int, required=True)
    p.add_argument('--minutes', required=True)
    p.add_argument('--jobs', type=int, required=True)
    p.add_argument('--corpus-root', required=True)
    p.add_argument('--heapsim', required=True, help='the heapsim binary the replay commands name')
    p.add_argument('--coverage', default='{}', help='JSON object: target -> line coverage')
    p.add_argument('--commit', default='')
    p.add_argument('--sarif')
    return p.parse_args(argv)


def known_rules(path):
    rules = []
    try:
        with open(path, encoding='utf-8') as f:
            for line in f:
                fields = line.split()
                if fields and not fields[0].startswith('#') and len(fields) >= 3:
                    rules.append(fields[:3])
    except OSError:
        pass
    return rules


def is_known(rules, layout, kind, object_type):
    return any((l in (layout, '*')) and (k in (kind, '*')) and (o in (object_type, '*')) for l, k, o in rules)


def last_stats(log_text):
    """Execs and edges from libFuzzer's last '#N: cov: E ...' line."""
    execs = edges = 0
    for m in re.finditer(r'^#(\d+):?\s.*?cov: (\d+)', log_text, re.M):
        execs, edges = int(m.group(1)), int(m.group(2))
    return execs, edges


def sanitizer_line(log_text):
    for line in log_text.splitlines():
        if re.search(r'runtime error|ERROR: AddressSanitizer|ERROR: libFuzzer', line) and 'deadly signal' not in line:
            return re.sub(r'^/\S*/([^/ ]*:\d+:\d+: )', r'\1', line)
    return ''


def locate(root, needle):
    for rel in KERNEL_SOURCES:
        try:
            with open(os.path.join(root, rel), encoding='utf-8', errors='replace') as f:
                for n, line in enumerate(f, 1):
                    if needle in line:
                        return rel, n
        except OSError:
            continue
    return None, None


def collect(a):
    vulnerable = set(a.vulnerable.split())
    rules = known_rules(os.path.join(a.root, 'fuzz/known-findings.txt'))
    runs, failed = [], False
    for pair in a.pairs.split():
        target, layout = pair.split(':', 1)
        d = os.path.join(a.out, 'runs', f'{target}.{layout}')
        try:
            with open(os.path.join(d, 'log'), encoding='utf-8', errors='replace') as f:
                log_text = f.read()
        except OSError:
            log_text = ''
        execs, edges = last_stats(log_text)
        corpus_dir = os.path.join(a.root, a.corpus_root, target, layout)
        corpus = len(os.listdir(corpus_dir)) if os.path.isdir(corpus_dir) else 0
        findings = []
        arts = sorted(glob.glob(os.path.join(d, 'art', '*')))
        for c in arts:
            name = os.path.basename(c)
            if not re.match(r'(crash|timeout|oom|leak)-', name):
                continue
            sha = name.rsplit('-', 1)[1]
            rec_path = os.path.join(d, 'art', f'finding-{sha}.json')
            rec = None
            if os.path.exists(rec_path):
                try:
                    with open(rec_path, encoding='utf-8') as f:
                        rec = json.load(f)
                except (OSError, ValueError):
                    rec = None
            if rec:
                kind, lay = rec.get('kind', ''), rec.get('layout', '') or layout
                msg = rec.get('message', '')
                if kind in ('model-mismatch', 'harness'):
                    status = 'failure'  # the harness's own failures are bugs on any layout
                elif lay in vulnerable:
                    status = 'known' if is_known(rules, lay, kind, rec.get('object_type', '')) else 'new'
                else:
                    status = 'failure'
            else:
                why = sanitizer_line(log_text)
                kind, lay = 'harness-crash', layout
                msg = f'no finding record: {why or "a sanitizer report, timeout or OOM"} (see {d}/log)'
                status = 'failure'
            failed |= status == 'failure'
            replay = f'{a.heapsim} replay {c} --target {target}'
            if layout != '-':
                replay += f' --layout {layout}'
            findings.append({'kind': kind, 'layout': lay, 'status': status, 'message': msg, 'input': c,
                             'replay': replay, 'syscall': (rec or {}).get('syscall', ''),
                             'object': (rec or {}).get('object', ''), 'input_sha1': sha})
        runs.append({'target': target, 'layout': None if layout == '-' else layout,
                     'safe': layout == '-' or layout not in vulnerable, 'execs': execs,
                     'exec_per_s': round(execs / a.seconds) if a.seconds else 0, 'edges': edges,
                     'corpus': corpus, 'coverage': json.loads(a.coverage).get(target), 'findings': findings})
    return runs, failed


def write_markdown(a, runs, failed, path):
    lines = [f'# Nightly fuzz report ({datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")})', '',
             f'{a.minutes} min per target and layout, {a.jobs} at a time; commit {a.commit}.', '',
             '| target | layout | execs | exec/s | edges | corpus | coverage | findings |',
             '|---|---|---|---|---|---|---|---|']
    for r in runs:
        lines.append(f'| {r["target"]} | {r["layout"] or "input-chosen"} | {r["execs"]} | {r["exec_per_s"]} | '
                     f'{r["edges"]} | {r["corpus"]} | {r["coverage"] or "n/a"} | {len(r["findings"])} |')
    lines += ['', '## Findings (one line per kind; the JSON lists every input)']
    seen = set()
    for r in runs:
        for f in r['findings']:
            # numbers and addresses differ between inputs of one kind
            sig = (f['layout'], f['kind'], re.sub(r'0x[0-9a-f]+|\d+', 'N', f['message'])[:70])
            if sig in seen:
                continue
            seen.add(sig)
            lines += [f'- **{f["status"]}** {r["target"]} on {f["layout"]}: {f["kind"]} — {f["message"]}  ',
                      f'  `{f["replay"]}`']
    if not seen:
        lines.append('none')
    lines += ['', 'Status: *known* = a finding by design on a vulnerable layout, listed in fuzz/known-findings.txt;',
              '*new* = on a vulnerable layout but not listed (look at it); *failure* = on a safe layout, or the',
              'harness itself (model mismatch, sanitizer report, timeout): the job fails.',
              '', f'Result: {"FAIL" if failed else "ok"}']
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')


def write_sarif(a, runs, failed, path):
    levels = {'failure': 'error', 'new': 'warning', 'known': 'note'}
    rule_ids, results = [], []
    for r in runs:
        for f in r['findings']:
            rule = f'heapsim/{f["kind"]}'
            if rule not in rule_ids:
                rule_ids.append(rule)
            loc = {'logicalLocations': [{'name': f['layout'], 'kind': 'module',
                                         'fullyQualifiedName': f'layout/{f["layout"]}'}]}
            if f['syscall']:
                loc['logicalLocations'].insert(0, {'name': f['syscall'], 'kind': 'function'})
                rel, line = locate(a.root, f'"{f["syscall"]}"')
                if rel:
                    loc['physicalLocation'] = {'artifactLocation': {'uri': rel, 'uriBaseId': 'SRCROOT'},
                                               'region': {'startLine': line}}
            results.append({'ruleId': rule, 'ruleIndex': rule_ids.index(rule), 'level': levels[f['status']],
                            'message': {'text': f'{f["kind"]} in {r["target"]} on layout {f["layout"]} '
                                                f'({f["status"]}): {f["message"]} Reproduce: {f["replay"]}'},
                            'locations': [loc],
                            'partialFingerprints': {'heapsimFinding/v1': f['input_sha1']},
                            'properties': {'layout': f['layout'], 'status': f['status'],
                                           'by_design': f['status'] == 'known', 'replay': f['replay']}})
    log = {'$schema': 'https://json.schemastore.org/sarif-2.1.0.json', 'version': '2.1.0',
           'runs': [{'tool': {'driver': {'name': 'heapsim-nightly-fuzz',
                                         'rules': [{'id': r, 'name': r.split('/', 1)[1]} for r in rule_ids]}},
                     'invocations': [{'commandLine': 'scripts/nightly-fuzz', 'executionSuccessful': True,
                                      'exitCode': 1 if failed else 0}],
                     'originalUriBaseIds': {'SRCROOT': {'description': {'text': 'The root of the heapsim source tree.'}}},
                     'results': results}]}
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(log, f)
        f.write('\n')
    os.replace(tmp, path)


def main(argv):
    a = parse_args(argv)
    runs, failed = collect(a)
    doc = {'schema_version': SCHEMA_VERSION, 'command': 'nightly-fuzz', 'minutes': float(a.minutes),
           'commit': a.commit, 'runs': runs, 'result': 'fail' if failed else 'ok'}
    with open(os.path.join(a.out, 'report.json'), 'w', encoding='utf-8') as f:
        json.dump(doc, f)
        f.write('\n')
    write_markdown(a, runs, failed, os.path.join(a.out, 'report.md'))
    if a.sarif:
        write_sarif(a, runs, failed, a.sarif)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
