/*
 * heapsim minimize FILE [--target T] [--layout L] [--seconds N] [--out FILE2] [--fuzzer PATH]
 *
 * Shrinks a crash input with libFuzzer's -minimize_crash, run on the fuzz
 * preset's binary of the target (build/fuzz/fuzz/T, found next to this
 * build tree; --fuzzer names it). What decides the verdict is pinned as for
 * replay: layout, hardening, oracle set and word mode from the finding record
 * beside FILE, each overridden by its option or environment variable. The
 * result is replayed in-process with the same settings to check it still
 * shows a finding, and its record is written beside it so `heapsim replay`
 * pins them again.
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
#include "outputs.h"


static void help(FILE *out)
{
	fprintf(out,
		"usage: heapsim minimize FILE [--target T] [--layout L] [--hardening H]\n"
		"                             [--oracle all|escape] [--seconds N] [--out FILE2]\n"
		"                             [--fuzzer PATH] [--json]\n\n"
		"Shrinks a crash input with libFuzzer's -minimize_crash (needs the fuzz preset:\n"
		"cmake --preset fuzz && cmake --build --preset fuzz), then replays the result.\n"
		"  --target T    the fuzz target (default: from the record beside FILE)\n"
		"  --layout L    pin the layout (default: $HEAPSIM_LAYOUT, the record)\n"
		"  --hardening H pin the hardening (default: $HEAPSIM_HARDENING, the record)\n"
		"  --oracle all|escape  the oracle set (default: $HEAPSIM_ORACLE, the record)\n"
		"  --seconds N   minimization time (default 60)\n"
		"  --out FILE2   where the result goes (default FILE.min)\n"
		"  --fuzzer PATH the libFuzzer binary (default build/fuzz/fuzz/T)\n"
		"  --json        the result as one JSON document on stdout (docs/schema/\n"
		"                minimize.schema.json); libFuzzer's output goes to stderr\n"
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

/* What a run of the input is pinned to (NULL / 0: the input chooses). */
struct minimize_pins {
	const char *layout, *hardening, *oracle;
	unsigned word_bits;
};

static int run_libfuzzer(const char *bin, const struct minimize_pins *pin, const char *in,
			 const char *out, unsigned long secs, bool quiet_stdout)
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
		char word[8];

		snprintf(word, sizeof(word), "%u", pin->word_bits);
		/* the target reads them in LLVMFuzzerInitialize; "" unpins */
		setenv("HEAPSIM_LAYOUT", pin->layout ? pin->layout : "", 1);
		setenv("HEAPSIM_HARDENING", pin->hardening ? pin->hardening : "", 1);
		setenv("HEAPSIM_ORACLE", pin->oracle ? pin->oracle : "", 1);
		setenv("HEAPSIM_WORD_BITS", pin->word_bits ? word : "", 1);
		if (quiet_stdout)
			dup2(2, 1); /* stdout carries the JSON document */
		execl(bin, bin, "-minimize_crash=1", t, art, in, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* What the command line asked for. */
struct minimize_args {
	const char *file, *target, *layout, *hardening, *oracle, *out, *fuzzer;
	uint64_t seconds;
	bool json;
};

/* CLI_DONE when parsed, HEAPSIM_EXIT_CLEAN after --help, else HEAPSIM_EXIT_USAGE. */
static int minimize_parse(int argc, char **argv, struct minimize_args *a)
{
	static const struct option opts[] = { { "target", required_argument, NULL, 't' },
					      { "layout", required_argument, NULL, 'L' },
					      { "hardening", required_argument, NULL, 'H' },
					      { "oracle", required_argument, NULL, 'O' },
					      { "out", required_argument, NULL, 'o' },
					      { "fuzzer", required_argument, NULL, 'f' },
					      { "seconds", required_argument, NULL, 's' },
					      { "json", no_argument, NULL, 'j' },
					      { 0 } };
	struct cli_parser p;
	const char *v;
	int c;

	a->seconds = 60;
	cli_parser_init(&p, "minimize", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		switch (c) {
		case CLI_HELP:
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		case 't': a->target = v; break;
		case 'L': a->layout = v; break;
		case 'H': a->hardening = v; break;
		case 'O': a->oracle = v; break;
		case 'o': a->out = v; break;
		case 'f': a->fuzzer = v; break;
		case 'j': a->json = true; break;
		case 's':
			if (cli_parse_u64(v, &a->seconds) && a->seconds && a->seconds <= 86400)
				break;
			fprintf(stderr, "heapsim minimize: bad --seconds '%s'\n", v);
			help(stderr);
			return HEAPSIM_EXIT_USAGE;
		case CLI_OPERAND:
			if (!a->file) {
				a->file = v;
				break;
			}
			cli_unexpected(&p, v);
			/* fall through */
		default:
			help(stderr);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (!a->file) {
		help(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	return CLI_DONE;
}

/* The libFuzzer binary to run (--fuzzer or the fuzz preset's), into bin;
 * false after saying how to build one. */
static bool find_fuzzer(const struct fuzz_target *t, const char *fuzzer, char *bin, size_t len)
{
	if (fuzzer)
		snprintf(bin, len, "%s", fuzzer);
	if ((fuzzer ? access(bin, X_OK) == 0 : default_fuzzer(t->name, bin, len)) && is_libfuzzer(bin))
		return true;
	fprintf(stderr,
		"heapsim minimize: no libFuzzer build of %s%s%s. Build it with\n"
		"  cmake --preset fuzz && cmake --build --preset fuzz -j2\n"
		"(or name one with --fuzzer PATH)\n",
		t->name, fuzzer ? " at " : "", fuzzer ? fuzzer : "");
	return false;
}

/* The result must not be the input, nor a file left by an earlier run. */
static bool clear_result(const char *file, const char *out)
{
	if (same_inode(file, out)) {
		fprintf(stderr, "heapsim minimize: --out %s is the input itself\n", out);
		return false;
	}
	if (unlink(out) < 0 && errno != ENOENT) {
		fprintf(stderr, "heapsim minimize: cannot replace %s: %s\n", out, strerror(errno));
		return false;
	}
	return true;
}

/* Replays the result in-process; a finding's record goes beside it so
 * `heapsim replay` pins the same layout. */
static bool check_result(const struct fuzz_target *t, const struct minimize_pins *pin,
			 const char *out, const uint8_t *d, size_t m, size_t from, FILE *txt)
{
	struct fuzz_opts o;
	struct fuzz_result res;

	fuzz_opts_default(&o);
	o.layout = fuzz_target_layout(t, pin->layout);
	if (pin->hardening)
		o.hardening = sys_heap_hardening_parse(pin->hardening);
	o.escape_only = pin->oracle && !strcmp(pin->oracle, "escape");
	o.word_bits = pin->word_bits;
	fuzz_run(t, d, m, &o, &res);
	if (res.found) {
		char prefix[PATH_MAX + 1], *dup = strdup(out);

		snprintf(prefix, sizeof(prefix), "%s/", dup ? dirname(dup) : ".");
		free(dup);
		fuzz_record_save(prefix, &res.finding);
	}
	fprintf(txt, "%s: %zu bytes (from %zu); %s\n", out, m, from,
		res.found ? "still a finding" : "NO LONGER REPRODUCES");
	if (res.found)
		fprintf(txt, "replay: heapsim replay %s --target %s\n", out, t->name);
	return res.found;
}

static bool oracle_known(const char *name)
{
	return !strcmp(name, "all") || !strcmp(name, "escape");
}

/* Option, environment, record (cli_pick), as replay; false after saying
 * which value is unknown. */
static bool minimize_pin(const struct minimize_args *a, const struct cli_record *rec,
			 struct minimize_pins *pin)
{
	pin->layout = cli_pick(a->layout, "HEAPSIM_LAYOUT", rec->layout, cli_layout_known);
	pin->hardening = cli_pick(a->hardening, "HEAPSIM_HARDENING", rec->hardening,
				  cli_hardening_known);
	pin->oracle = cli_pick(a->oracle, "HEAPSIM_ORACLE", rec->oracle, oracle_known);
	pin->word_bits = rec->word_bits == 32 || rec->word_bits == 64 ? rec->word_bits : 0;
	if (pin->layout && !ll_layout_find(pin->layout)) {
		fprintf(stderr, "heapsim minimize: unknown layout '%s'\n", pin->layout);
		return false;
	}
	if (pin->hardening && !cli_hardening_known(pin->hardening)) {
		fprintf(stderr, "heapsim minimize: unknown hardening '%s'\n", pin->hardening);
		return false;
	}
	if (pin->oracle && !oracle_known(pin->oracle)) {
		fprintf(stderr, "heapsim minimize: unknown oracle set '%s' (all, escape)\n", pin->oracle);
		return false;
	}
	return true;
}

int heapsim_cmd_minimize(int argc, char **argv)
{
	struct minimize_args a = { 0 };
	char bin[PATH_MAX], outbuf[PATH_MAX];
	const struct fuzz_target *t;
	struct cli_record rec;
	struct minimize_pins pin;
	FILE *txt;
	bool found;
	uint8_t *d;
	size_t n, m;
	int r = minimize_parse(argc, argv, &a);

	if (r != CLI_DONE)
		return r;
	txt = a.json ? stderr : stdout; /* stdout holds the one JSON document */
	d = cli_read_input("minimize", a.file, &n);
	if (!d)
		return HEAPSIM_EXIT_USAGE;
	if (!cli_record_read("minimize", a.file, d, n, &rec)) {
		free(d);
		return HEAPSIM_EXIT_USAGE;
	}
	free(d);
	t = fuzz_target_find(a.target ? a.target : rec.target);
	if (!t) {
		fprintf(stderr, "heapsim minimize: %s target (use --target)\n", a.target ? "unknown" : "no");
		return HEAPSIM_EXIT_USAGE;
	}
	if (!minimize_pin(&a, &rec, &pin))
		return HEAPSIM_EXIT_USAGE;
	if (!find_fuzzer(t, a.fuzzer, bin, sizeof(bin)))
		return HEAPSIM_EXIT_USAGE;
	if (!a.out) {
		snprintf(outbuf, sizeof(outbuf), "%s.min", a.file);
		a.out = outbuf;
	}
	if (!clear_result(a.file, a.out))
		return HEAPSIM_EXIT_USAGE;
	fprintf(txt, "minimizing %s with %s, layout %s, hardening %s, oracles %s for up to %llu s\n",
		a.file, bin, pin.layout ? pin.layout : "from the input",
		pin.hardening ? pin.hardening : "from the input", pin.oracle ? pin.oracle : "all",
		(unsigned long long)a.seconds);
	fflush(txt);
	r = run_libfuzzer(bin, &pin, a.file, a.out, (unsigned long)a.seconds, a.json);
	d = cli_read_file(a.out, HEAPSIM_INPUT_MAX, &m);
	if (!d) {
		fprintf(stderr, "heapsim minimize: libFuzzer wrote no result (exit %d)\n", r);
		return HEAPSIM_EXIT_USAGE;
	}
	found = check_result(t, &pin, a.out, d, m, n, txt);
	r = found ? HEAPSIM_EXIT_CLEAN : HEAPSIM_EXIT_FINDINGS;
	free(d);
	if (a.json) {
		out_json_begin(stdout, "minimize");
		printf(",\"input\":");
		cli_json_string(stdout, a.file);
		printf(",\"target\":");
		cli_json_string(stdout, t->name);
		printf(",\"layout\":");
		if (pin.layout)
			cli_json_string(stdout, pin.layout);
		else
			printf("null");
		printf(",\"hardening\":");
		if (pin.hardening)
			cli_json_string(stdout, pin.hardening);
		else
			printf("null");
		printf(",\"oracle\":\"%s\",\"output\":", pin.oracle ? pin.oracle : "all");
		cli_json_string(stdout, a.out);
		printf(",\"bytes_before\":%zu,\"bytes_after\":%zu,\"reproduces\":%s", n, m,
		       found ? "true" : "false");
		out_json_end(stdout);
	}
	return r;
}
