/*
 * heapsim minimize FILE [--target T] [--layout L] [--seconds N] [--out FILE2] [--fuzzer PATH]
 *
 * Shrinks a crash input with libFuzzer's -minimize_crash, run on the fuzz
 * preset's binary of the target (build/fuzz/fuzz/T, found next to this
 * build tree; --fuzzer names it). The layout is pinned as for replay
 * (--layout, $HEAPSIM_LAYOUT, the finding record beside FILE). The result is
 * replayed in-process to check it still shows a finding, and its record is
 * written beside it so `heapsim replay` pins the same layout.
 * Exit: 0 minimized and reproduced, 1 the result no longer reproduces,
 * 2 usage, no libFuzzer build, or libFuzzer failed.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"
#include "heapsim.h"


static void help(FILE *out)
{
	fprintf(out,
		"usage: heapsim minimize FILE [--target T] [--layout L] [--seconds N] [--out FILE2]\n"
		"                             [--fuzzer PATH]\n\n"
		"Shrinks a crash input with libFuzzer's -minimize_crash (needs the fuzz preset:\n"
		"cmake --preset fuzz && cmake --build --preset fuzz), then replays the result.\n"
		"  --target T    the fuzz target (default: from the record beside FILE)\n"
		"  --layout L    pin the layout (default: $HEAPSIM_LAYOUT, the record)\n"
		"  --seconds N   minimization time (default 60)\n"
		"  --out FILE2   where the result goes (default FILE.min)\n"
		"  --fuzzer PATH the libFuzzer binary (default build/fuzz/fuzz/T)\n"
		"exit codes: 0 minimized and reproduced, 1 result does not reproduce, 2 usage\n"
		"            or no libFuzzer build\n");
}

/* A libFuzzer build carries its flag names; the replay main does not. */
static bool is_libfuzzer(const char *path)
{
	static const char mark[] = "minimize_crash";
	size_t n;
	uint8_t *b = cli_read_file(path, 1u << 30, &n);
	bool yes = b && memmem(b, n, mark, sizeof(mark) - 1) != NULL;

	free(b);
	return yes;
}

static bool same_inode(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static bool default_fuzzer(const char *target, char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return false;
	self[n] = '\0';
	/* build/<preset>/tools/heapsim → build/fuzz/fuzz/<target> */
	snprintf(out, len, "%s/../../fuzz/fuzz/%s", dirname(self), target);
	return access(out, X_OK) == 0;
}

static int run_libfuzzer(const char *bin, const char *layout, const char *in, const char *out,
			 unsigned long secs)
{
	char t[64], art[PATH_MAX + 32];
	pid_t pid;
	int st;

	snprintf(t, sizeof(t), "-max_total_time=%lu", secs);
	snprintf(art, sizeof(art), "-exact_artifact_path=%s", out);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (layout)
			setenv("HEAPSIM_LAYOUT", layout, 1);
		execl(bin, bin, "-minimize_crash=1", t, art, in, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int heapsim_cmd_minimize(int argc, char **argv)
{
	const char *file = NULL, *tname = NULL, *layout = NULL, *out = NULL, *fuzzer = NULL, *v;
	char rec_buf[2048] = "", rec_t[32] = "", rec_l[32] = "", bin[PATH_MAX], outbuf[PATH_MAX];
	uint64_t secs = 60;
	const struct fuzz_target *t;
	struct fuzz_opts o;
	struct fuzz_result res;
	uint8_t *d;
	size_t n, m;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		}
		if ((r = cli_opt_value(argc, argv, &i, "--target", &v)) != 0)
			tname = v;
		else if ((r = cli_opt_value(argc, argv, &i, "--layout", &v)) != 0)
			layout = v;
		else if ((r = cli_opt_value(argc, argv, &i, "--out", &v)) != 0)
			out = v;
		else if ((r = cli_opt_value(argc, argv, &i, "--fuzzer", &v)) != 0)
			fuzzer = v;
		else if ((r = cli_opt_value(argc, argv, &i, "--seconds", &v)) != 0) {
			if (r > 0 && (!cli_parse_u64(v, &secs) || !secs || secs > 86400))
				r = -1;
		} else if (argv[i][0] != '-' && !file) {
			file = argv[i];
			r = 1;
		} else {
			r = -1;
		}
		if (r < 0) {
			fprintf(stderr, "heapsim minimize: bad argument '%s'\n", argv[i]);
			help(stderr);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (!file) {
		help(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	d = cli_read_input("minimize", file, &n);
	if (!d)
		return HEAPSIM_EXIT_USAGE;
	if (cli_finding_record(file, d, n, rec_buf, sizeof(rec_buf))) {
		cli_json_field(rec_buf, "target", rec_t, sizeof(rec_t));
		cli_json_field(rec_buf, "layout", rec_l, sizeof(rec_l));
	}
	free(d);
	t = fuzz_target_find(tname ? tname : rec_t);
	if (!t) {
		fprintf(stderr, "heapsim minimize: %s target (use --target)\n", tname ? "unknown" : "no");
		return HEAPSIM_EXIT_USAGE;
	}
	if (!layout && getenv("HEAPSIM_LAYOUT") && *getenv("HEAPSIM_LAYOUT"))
		layout = getenv("HEAPSIM_LAYOUT");
	if (!layout && ll_layout_find(rec_l))
		layout = rec_l;
	if (layout && !ll_layout_find(layout)) {
		fprintf(stderr, "heapsim minimize: unknown layout '%s'\n", layout);
		return HEAPSIM_EXIT_USAGE;
	}
	if (fuzzer)
		snprintf(bin, sizeof(bin), "%s", fuzzer);
	if (!(fuzzer ? access(bin, X_OK) == 0 : default_fuzzer(t->name, bin, sizeof(bin))) ||
	    !is_libfuzzer(bin)) {
		fprintf(stderr,
			"heapsim minimize: no libFuzzer build of %s%s%s. Build it with\n"
			"  cmake --preset fuzz && cmake --build --preset fuzz -j2\n"
			"(or name one with --fuzzer PATH)\n",
			t->name, fuzzer ? " at " : "", fuzzer ? fuzzer : "");
		return HEAPSIM_EXIT_USAGE;
	}
	if (!out) {
		snprintf(outbuf, sizeof(outbuf), "%s.min", file);
		out = outbuf;
	}
	if (same_inode(file, out)) {
		fprintf(stderr, "heapsim minimize: --out %s is the input itself\n", out);
		return HEAPSIM_EXIT_USAGE;
	}
	/* a result left by an earlier run must not pass for this one's */
	if (unlink(out) < 0 && errno != ENOENT) {
		fprintf(stderr, "heapsim minimize: cannot replace %s: %s\n", out, strerror(errno));
		return HEAPSIM_EXIT_USAGE;
	}
	printf("minimizing %s with %s%s%s for up to %llu s\n", file, bin, layout ? ", layout " : "",
	       layout ? layout : "", (unsigned long long)secs);
	fflush(stdout);
	r = run_libfuzzer(bin, layout, file, out, (unsigned long)secs);
	d = cli_read_file(out, HEAPSIM_INPUT_MAX, &m);
	if (!d) {
		fprintf(stderr, "heapsim minimize: libFuzzer wrote no result (exit %d)\n", r);
		return HEAPSIM_EXIT_USAGE;
	}
	fuzz_opts_default(&o);
	o.layout = t->uses_layout ? layout : (layout && !strcmp(layout, "oob") ? layout : NULL);
	fuzz_run(t, d, m, &o, &res);
	if (res.found) {
		char rec[PATH_MAX + 64], *dup = strdup(out);
		FILE *f;

		snprintf(rec, sizeof(rec), "%s/finding-%s.json", dup ? dirname(dup) : ".",
			 res.finding.input_sha1);
		free(dup);
		f = fopen(rec, "w");
		if (f) {
			atk_finding_json(&res.finding, f);
			fclose(f);
		}
	}
	free(d);
	printf("%s: %zu bytes (from %zu); %s\n", out, m, n,
	       res.found ? "still a finding" : "NO LONGER REPRODUCES");
	if (res.found)
		printf("replay: heapsim replay %s --target %s\n", out, t->name);
	return res.found ? HEAPSIM_EXIT_CLEAN : HEAPSIM_EXIT_FINDINGS;
}
