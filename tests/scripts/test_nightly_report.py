"""scripts/nightly-report on run directories laid out as scripts/nightly-fuzz
leaves them: which runs fail the job, and a report that is valid JSON.

usage: python3 test_nightly_report.py SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE = None
STATUS = "#%d: cov: %d ft: 20 corp: 5/100b exec/s: 50 rss: 40Mb\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class NightlyReport(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name
        # an empty source root of our own: no corpus, no known findings but ours
        self.root = os.path.join(self.out, "root")
        write(os.path.join(self.root, "fuzz", "known-findings.txt"),
              "# layout kind object\npr10807-v3 confinement *\n")
        self.pairs = []

    def tearDown(self):
        self.tmp.cleanup()

    def run_dir(self, pair):
        target, layout = pair.split(":")
        return os.path.join(self.out, "runs", "%s.%s" % (target, layout))

    def add_run(self, pair, log, exit_status=0, merge_status=0):
        d = self.run_dir(pair)
        write(os.path.join(d, "log"), log)
        if exit_status is not None:
            write(os.path.join(d, "exit"), "%d\n" % exit_status)
        if merge_status is not None:
            write(os.path.join(d, "merge-exit"), "%d\n" % merge_status)
        os.makedirs(os.path.join(d, "art"), exist_ok=True)
        self.pairs.append(pair)
        return d

    def add_artifact(self, pair, sha, record=None):
        art = os.path.join(self.run_dir(pair), "art")
        write(os.path.join(art, "crash-" + sha), "input")
        if record is not None:
            write(os.path.join(art, "finding-%s.json" % sha), json.dumps(record))

    def report(self):
        p = subprocess.run(
            [sys.executable, os.path.join(SOURCE, "scripts", "nightly-report"), "--out", self.out,
             "--pairs", " ".join(self.pairs), "--secs", "3", "--minutes", "0.05", "--jobs", "2",
             "--root", self.root, "--replay-tool", "build/fuzz/tools/heapsim", "--commit", "abc",
             "--vulnerable", "pr10807-v2 pr10807-v3"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        with open(os.path.join(self.out, "report.json"), encoding="utf-8") as f:
            js = json.load(f)  # must parse, whatever the messages hold
        with open(os.path.join(self.out, "report.md"), encoding="utf-8") as f:
            md = f.read()
        return p.returncode, js, md

    def test_clean_runs_pass(self):
        self.add_run("fuzz_cli_input:-", STATUS % (1000, 300) + STATUS % (5000, 420))
        self.add_run("fuzz_ll_sched:oob", STATUS % (800, 90))
        rc, js, md = self.report()
        self.assertEqual(rc, 0, md)
        self.assertEqual(js["result"], "ok")
        self.assertEqual([r["execs"] for r in js["runs"]], [5000, 800])
        self.assertEqual(js["runs"][0]["edges"], 420)
        self.assertIn("**Result: ok**", md)

    def test_a_fuzzer_that_refused_to_start_fails(self):
        self.add_run("fuzz_cli_input:-", STATUS % (900, 300))
        self.add_run("fuzz_ll_sched:oob",
                     "fuzz_ll_sched: unknown hardening 'bogus' (none basic moderate full extreme)\n",
                     exit_status=2, merge_status=2)
        rc, js, md = self.report()
        self.assertEqual(rc, 1, md)
        self.assertEqual(js["result"], "fail")
        self.assertEqual(len(js["failures"]), 2)  # the run and its merge
        self.assertIn("did not start (exit 2): fuzz_ll_sched: unknown hardening 'bogus'", js["failures"][0])
        self.assertIn("## Why the job failed", md)
        self.assertIn("unknown hardening 'bogus'", md)

    def test_zero_executions_fail_even_with_exit_0(self):
        self.add_run("fuzz_heap_ops:-", "INFO: a fork-mode parent that never got a status line\n")
        rc, js, _ = self.report()
        self.assertEqual(rc, 1)
        self.assertIn("ran 0 executions", js["failures"][0])

    def test_a_missing_exit_status_fails(self):
        self.add_run("fuzz_heap_ops:-", STATUS % (50, 10), exit_status=None)
        rc, js, _ = self.report()
        self.assertEqual(rc, 1)
        self.assertIn("no exit status recorded", js["failures"][0])

    def test_a_non_zero_exit_after_fuzzing_fails(self):
        self.add_run("fuzz_heap_ops:-", STATUS % (50, 10) + "==1==ERROR: libFuzzer: out-of-memory\n",
                     exit_status=71)
        rc, js, _ = self.report()
        self.assertEqual(rc, 1)
        self.assertIn("the fuzzer exited 71 and saved no input", js["failures"][0])

    def test_fork_mode_exit_of_a_saved_finding_passes(self):
        pair = "fuzz_user_syscalls:pr10807-v3"
        self.add_run(pair, STATUS % (700, 80) + "==1== ERROR: libFuzzer: deadly signal\nINFO: exiting: 77\n",
                     exit_status=77)
        self.add_artifact(pair, "ff66", {"kind": "heap-check", "layout": "pr10807-v3", "object_type": "z_heap",
                                         "message": "double free"})
        rc, js, md = self.report()
        self.assertEqual(rc, 0, md)
        self.assertEqual(js["runs"][0]["findings"][0]["status"], "new")

    def test_a_crash_without_a_finding_record_fails(self):
        self.add_run("fuzz_user_syscalls:pr10807-v3",
                     STATUS % (700, 80) + "lib_user.c:12:3: runtime error: shift exponent 40\n")
        self.add_artifact("fuzz_user_syscalls:pr10807-v3", "0123abcd")
        rc, js, md = self.report()
        self.assertEqual(rc, 1, md)
        f = js["runs"][0]["findings"][0]
        self.assertEqual((f["kind"], f["status"]), ("harness-crash", "failure"))
        self.assertIn("runtime error: shift exponent 40", f["message"])

    def test_known_finding_on_a_vulnerable_layout_passes(self):
        pair = "fuzz_user_syscalls:pr10807-v3"
        self.add_run(pair, STATUS % (700, 80))
        self.add_artifact(pair, "aa11", {"kind": "confinement", "layout": "pr10807-v3", "object_type": "k_heap",
                                         "message": "k_heap_alloc wrote \"4 bytes\" \\ outside"})
        self.add_artifact(pair, "bb22", {"kind": "validate", "layout": "pr10807-v3", "object_type": "z_heap",
                                         "message": "not listed"})
        rc, js, md = self.report()
        self.assertEqual(rc, 0, md)
        statuses = sorted(f["status"] for f in js["runs"][0]["findings"])
        self.assertEqual(statuses, ["known", "new"])
        f = [f for f in js["runs"][0]["findings"] if f["status"] == "known"][0]
        self.assertEqual(f["message"], "k_heap_alloc wrote \"4 bytes\" \\ outside")  # round trip, quotes kept
        self.assertTrue(f["replay"].startswith("build/fuzz/tools/heapsim replay "))
        self.assertTrue(f["replay"].endswith(" --target fuzz_user_syscalls"))

    def test_finding_on_a_safe_layout_fails(self):
        pair = "fuzz_user_syscalls:oob"
        self.add_run(pair, STATUS % (700, 80))
        self.add_artifact(pair, "cc33", {"kind": "confinement", "layout": "oob", "object_type": "k_heap",
                                         "message": "escape"})
        rc, js, _ = self.report()
        self.assertEqual(rc, 1)
        self.assertEqual(js["runs"][0]["findings"][0]["status"], "failure")

    def test_model_mismatch_fails_on_a_vulnerable_layout_too(self):
        pair = "fuzz_user_syscalls:pr10807-v2"
        self.add_run(pair, STATUS % (700, 80))
        self.add_artifact(pair, "dd44", {"kind": "model-mismatch", "layout": "pr10807-v2", "message": "x"})
        rc, js, _ = self.report()
        self.assertEqual(rc, 1)

    def test_an_unreadable_record_fails(self):
        pair = "fuzz_user_syscalls:pr10807-v2"
        self.add_run(pair, STATUS % (700, 80))
        art = os.path.join(self.run_dir(pair), "art")
        write(os.path.join(art, "crash-ee55"), "input")
        write(os.path.join(art, "finding-ee55.json"), "{\"kind\": \"confinement\", ")
        rc, js, _ = self.report()
        self.assertEqual(rc, 1)
        self.assertIn("unreadable finding record", js["runs"][0]["findings"][0]["message"])


if __name__ == "__main__":
    SOURCE = sys.argv.pop(1)
    unittest.main(verbosity=2)
