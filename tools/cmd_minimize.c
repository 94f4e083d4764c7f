/*
 * heapsim minimize FILE [--out DIR] [--target T] [--layout L] [--hardening H]
 *                       [--seconds N] [--same-class] [--fuzzer PATH] [--no-libfuzzer]
 *
 * Shrinks a finding's input without changing the bug. The finding's identity
 * (class, layout, hardening, syscall, object and field hit: atk_finding_identity)
 * is taken from a replay of FILE pinned as the finding was found; a smaller
 * input is kept only while it shows the same identity (--same-class: the
 * same class on the same layout). Two passes:
 *   1. libFuzzer's -minimize_crash on the fuzz preset's binary of the target,
 *      told the identity (HEAPSIM_KEEP_IDENTITY) so that other findings do not
 *      count as crashes; it runs with its working directory inside DIR, so
 *      nothing it writes lands in the caller's directory;
 *   2. an in-process reduction (drop ever smaller byte ranges), each
 *      candidate replayed and kept only with the same identity.
 * DIR (default build/<preset>/minimize/SHA1 of FILE) then holds the input
 * (crash-SHA1), its record (finding-SHA1.json) and minimize.json (the
 * --json document). Nothing is written anywhere else.
 * Exit: 0 minimised with the identity kept, 1 FILE shows no finding,
 * 2 usage or bad input.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "heapsim.h"
#include "outputs.h"
#include "proof.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: heapsim minimize FILE [--out DIR] [--target T] [--layout L] [--hardening H]\n"
		"                             [--oracle all|escape|beyond] [--seconds N] [--same-class]\n"
		"                             [--fuzzer PATH] [--no-libfuzzer] [--json]\n\n"
		"Shrinks a finding's input while it shows the same finding (class, layout,\n"
		"hardening, syscall, object hit), first with libFuzzer's -minimize_crash (when a\n"
		"fuzz preset build exists), then in-process.\n"
		"  --out DIR       where the result goes (default build/<preset>/minimize/SHA1);\n"
		"                  nothing is written into the current directory\n"
		"  --target T      the fuzz target (default: from the record beside FILE)\n"
		"  --layout L      the layout (default: the record's; another one is refused)\n"
		"  --hardening H   the hardening level (default: the record's)\n"
		"  --oracle S      the oracle set: all, escape or beyond (default: the record's)\n"
		"  --seconds N     libFuzzer's minimisation time (default 30)\n"
		"  --same-class    keep only the class, not the whole identity\n"
		"  --fuzzer PATH   the libFuzzer binary (default build/fuzz/fuzz/T)\n"
		"  --no-libfuzzer  only the in-process pass\n"
		"  --json          the result as one JSON document on stdout (docs/schema/\n"
		"                  minimize.schema.json); the progress lines go to stderr\n"
		"exit codes: 0 minimised, identity kept; 1 FILE shows no finding; 2 usage or bad\n"
		"            input\n");
}

struct minimize_args {
	const char *file, *target, *layout, *hardening, *oracle, *out, *fuzzer;
	uint64_t seconds;
	bool same_class, no_libfuzzer, json;
};

static int minimize_parse(int argc, char **argv, struct minimize_args *a)
{
	static const struct option opts[] = { { "target", required_argument, NULL, 't' },
					      { "layout", required_argument, NULL, 'L' },
					      { "hardening", required_argument, NULL, 'H' },
					      { "oracle", required_argument, NULL, 'O' },
					      { "out", required_argument, NULL, 'o' },
					      { "fuzzer", required_argument, NULL, 'f' },
					      { "seconds", required_argument, NULL, 's' },
					      { "same-class", no_argument, NULL, 'c' },
					      { "no-libfuzzer", no_argument, NULL, 'n' },
					      { "json", no_argument, NULL, 'j' },
					      { 0 } };
	struct cli_parser p;
	const char *v;
	int c;

	a->seconds = 30;
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
		case 'c': a->same_class = true; break;
		case 'n': a->no_libfuzzer = true; break;
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

/* ---- pass 1: libFuzzer, confined to a work directory inside DIR ---------- */

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

static bool find_fuzzer(const struct fuzz_target *t, const char *fuzzer, char *bin, size_t len)
{
	char build[PATH_MAX];
	int n;

	if (fuzzer) {
		n = snprintf(bin, len, "%s", fuzzer);
	} else {
		if (!proof_build_dir(build, sizeof(build) - 64))
			return false;
		n = snprintf(bin, len, "%.3000s/../fuzz/fuzz/%.64s", build, t->name);
	}
	return n > 0 && (size_t)n < len && access(bin, X_OK) == 0 && is_libfuzzer(bin);
}

static void rm_tree(const char *dir)
{
	size_t n;
	char **names = atk_list_dir(dir, "", &n);

	for (size_t i = 0; names && i < n; i++)
		if (unlink(names[i]) < 0 && errno == EISDIR)
			rm_tree(names[i]);
	atk_list_free(names, n);
	rmdir(dir);
}

/* Runs libFuzzer with cwd = work; its result is work/min. */
static int run_libfuzzer(const char *bin, const struct proof_finding *pf, const char *in,
			 const char *work, unsigned long secs, bool class_only)
{
	char t[64], art[PATH_MAX + 32], pre[PATH_MAX + 32], id[ATK_IDENTITY_MAX], log[PATH_MAX + 8];
	pid_t pid;
	int st;

	atk_finding_identity(&pf->res.finding, class_only, id, sizeof(id));
	snprintf(t, sizeof(t), "-max_total_time=%lu", secs);
	if (snprintf(art, sizeof(art), "-exact_artifact_path=%s/min", work) >= (int)sizeof(art) ||
	    snprintf(pre, sizeof(pre), "-artifact_prefix=%s/", work) >= (int)sizeof(pre) ||
	    snprintf(log, sizeof(log), "%s/log", work) >= (int)sizeof(log))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || chdir(work) < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		if (pf->o.layout)
			setenv("HEAPSIM_LAYOUT", pf->o.layout, 1);
		if (pf->o.hardening >= 0)
			setenv("HEAPSIM_HARDENING",
			       sys_heap_hardening_name((enum sys_heap_hardening)pf->o.hardening), 1);
		setenv("HEAPSIM_ORACLE", fuzz_oracle_name(&pf->o), 1);
		if (pf->o.word_bits)
			setenv("HEAPSIM_WORD_BITS", pf->o.word_bits == 64 ? "64" : "32", 1);
		else
			unsetenv("HEAPSIM_WORD_BITS");
		setenv("HEAPSIM_KEEP_IDENTITY", id, 1);
		setenv("HEAPSIM_KEEP_CLASS_ONLY", class_only ? "1" : "0", 1);
		unsetenv("HEAPSIM_FINDINGS_DIR");
		execl(bin, bin, "-minimize_crash=1", t, art, pre, in, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- pass 2: in-process, drop byte ranges while the bug holds ------------- */

static size_t reduce(const struct proof_finding *pf, uint8_t *d, size_t n, bool class_only,
		     time_t deadline)
{
	uint8_t *c = malloc(n ? n : 1);

	if (!c)
		return n;
	for (size_t k = n / 2 ? n / 2 : 1; k >= 1 && time(NULL) < deadline; k /= 2) {
		for (size_t at = 0; at + k <= n && n > k && time(NULL) < deadline;) {
			memcpy(c, d, at);
			memcpy(c + at, d + at + k, n - at - k);
			if (proof_same_bug(pf, c, n - k, class_only)) {
				n -= k;
				memcpy(d, c, n);
			} else {
				at++;
			}
		}
		if (k == 1)
			break;
	}
	free(c);
	return n;
}

static bool write_file(const char *path, const uint8_t *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(d, 1, n, f) == n;

	if (f && fclose(f))
		ok = false;
	return ok;
}

/* The result as one document (docs/schema/minimize.schema.json): --json's,
 * and minimize.json's. */
static void minimize_json(FILE *out, const struct minimize_args *a, const struct proof_finding *pf,
			  const char *result, size_t bytes, const char *id)
{
	out_json_begin(out, "minimize");
	fprintf(out, ",\"input\":");
	cli_json_string(out, a->file);
	fprintf(out, ",\"target\":");
	cli_json_string(out, pf->t->name);
	fprintf(out, ",\"layout\":");
	if (pf->o.layout)
		cli_json_string(out, pf->o.layout);
	else
		fprintf(out, "null");
	fprintf(out, ",\"hardening\":");
	cli_json_string(out, pf->res.finding.hardening);
	fprintf(out, ",\"oracle\":\"%s\",\"class\":", fuzz_oracle_name(&pf->o));
	cli_json_string(out, atk_finding_class(&pf->res.finding));
	fprintf(out, ",\"identity\":");
	cli_json_string(out, id);
	fprintf(out, ",\"kept\":\"%s\",\"output\":", a->same_class ? "class" : "identity");
	cli_json_string(out, result);
	fprintf(out, ",\"bytes_before\":%zu,\"bytes_after\":%zu,\"reproduces\":true", pf->len, bytes);
	out_json_end(out);
}

/* minimize.json beside the result: the same document as --json. */
static bool write_summary(const char *dir, const struct minimize_args *a, const struct proof_finding *pf,
			  const char *result, size_t bytes, const char *id)
{
	char path[PATH_MAX + 32];
	bool ok;
	FILE *f;

	snprintf(path, sizeof(path), "%s/minimize.json", dir);
	f = fopen(path, "w");
	if (!f)
		return false;
	minimize_json(f, a, pf, result, bytes, id);
	ok = !ferror(f);
	return fclose(f) == 0 && ok;
}

int heapsim_cmd_minimize(int argc, char **argv)
{
	struct minimize_args a = { 0 };
	struct proof_finding pf;
	char bin[PATH_MAX], dir[PATH_MAX], work[PATH_MAX + 16], in[PATH_MAX], sha[41];
	char path[PATH_MAX + 64], id[ATK_IDENTITY_MAX];
	uint8_t *best;
	size_t n;
	int r = minimize_parse(argc, argv, &a);
	struct proof_pins pins;
	FILE *txt;

	if (r != CLI_DONE)
		return r;
	txt = a.json ? stderr : stdout; /* stdout holds the one JSON document */
	pins = (struct proof_pins){ a.target, a.layout, a.hardening, a.oracle };
	r = proof_load("minimize", a.file, &pins, &pf);
	if (r) {
		free(pf.data);
		return r;
	}
	atk_finding_identity(&pf.res.finding, a.same_class, id, sizeof(id));
	fprintf(txt, "[%s] minimizing %s (%zu bytes), keeping %s %s\n", atk_finding_class(&pf.res.finding),
	       a.file, pf.len, a.same_class ? "class" : "identity", id);
	if (a.out) {
		snprintf(dir, sizeof(dir), "%s", a.out);
	} else {
		char build[PATH_MAX];

		fuzz_sha1_hex(pf.data, pf.len, sha);
		if (!proof_build_dir(build, sizeof(build))) {
			fprintf(stderr, "heapsim minimize: no build tree found; use --out DIR\n");
			free(pf.data);
			return HEAPSIM_EXIT_USAGE;
		}
		if (snprintf(dir, sizeof(dir), "%s/minimize/%s", build, sha) >= (int)sizeof(dir)) {
			fprintf(stderr, "heapsim minimize: build path too long; use --out DIR\n");
			free(pf.data);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (!proof_mkdirs(dir) || !realpath(a.file, in)) {
		fprintf(stderr, "heapsim minimize: cannot create %s: %s\n", dir, strerror(errno));
		free(pf.data);
		return HEAPSIM_EXIT_USAGE;
	}
	best = malloc(pf.len);
	if (!best) {
		free(pf.data);
		return HEAPSIM_EXIT_USAGE;
	}
	memcpy(best, pf.data, pf.len);
	n = pf.len;
	snprintf(work, sizeof(work), "%s/.libfuzzer", dir);
	if (!a.no_libfuzzer && find_fuzzer(pf.t, a.fuzzer, bin, sizeof(bin))) {
		size_t m;
		uint8_t *cand;

		rm_tree(work);
		if (!proof_mkdirs(work)) {
			fprintf(stderr, "heapsim minimize: cannot create %s\n", work);
		} else {
			int rc = run_libfuzzer(bin, &pf, in, work, (unsigned long)a.seconds, a.same_class);

			snprintf(path, sizeof(path), "%s/min", work);
			cand = cli_read_file(path, HEAPSIM_INPUT_MAX, &m);
			if (cand && m < n && proof_same_bug(&pf, cand, m, a.same_class)) {
				memcpy(best, cand, m);
				n = m;
			}
			fprintf(txt, "libFuzzer pass (%s): %zu bytes%s\n", bin, n,
			       cand ? "" : rc ? " (it left no result)" : "");
			free(cand);
		}
		rm_tree(work);
	} else if (!a.no_libfuzzer) {
		fprintf(txt, "no libFuzzer build of %s (cmake --preset fuzz && cmake --build --preset fuzz):"
		       " in-process pass only\n", pf.t->name);
	}
	n = reduce(&pf, best, n, a.same_class, time(NULL) + (time_t)a.seconds);
	if (!proof_same_bug(&pf, best, n, a.same_class)) { /* never: each step checked it */
		fprintf(stderr, "heapsim minimize: internal error: the result lost the finding\n");
		free(best);
		free(pf.data);
		return HEAPSIM_EXIT_USAGE;
	}
	fuzz_sha1_hex(best, n, sha);
	snprintf(path, sizeof(path), "%s/crash-%s", dir, sha);
	{
		struct fuzz_result res;
		char prefix[PATH_MAX + 1];

		fuzz_run(pf.t, best, n, &pf.o, &res);
		snprintf(prefix, sizeof(prefix), "%s/", dir);
		if (!write_file(path, best, n) || !fuzz_record_save(prefix, &res.finding) ||
		    !write_summary(dir, &a, &pf, path, n, id)) {
			fprintf(stderr, "heapsim minimize: cannot write into %s: %s\n", dir,
				strerror(errno));
			free(best);
			free(pf.data);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	fprintf(txt, "[%s] %s: %zu bytes (from %zu); %s kept\n", atk_finding_class(&pf.res.finding),
		path, n, pf.len, a.same_class ? "class" : "identity");
	fprintf(txt, "replay: heapsim replay %s --target %s\n", path, pf.t->name);
	if (a.json)
		minimize_json(stdout, &a, &pf, path, n, id);
	free(best);
	free(pf.data);
	return HEAPSIM_EXIT_CLEAN;
}
