/*
 * Scenario files on the command line:
 *
 *   heapsim run FILE... [--layout L] [--hardening H] [--trace]
 *       runs each scenario on every layout × hardening pair it applies to
 *       (or only the pinned ones) and compares each verdict with the file's
 *       `expect` lines. One pinned pair prints the numbered trace.
 *       Exit 0: every verdict as expected; 1: a verdict differs or has no
 *       expectation; 2: usage or a file that does not parse.
 *
 *   heapsim matrix [--dir DIR] [--out FILE] [--check FILE]
 *       runs the whole catalogue and writes the verdict matrix (Markdown),
 *       the committed docs/findings/matrix.md. --check FILE: exit 1 if FILE
 *       differs from what the catalogue gives now.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "attack.h"
#include "heapsim.h"
#include "outputs.h"

#ifndef HEAPSIM_SOURCE_DIR
#define HEAPSIM_SOURCE_DIR "."
#endif
#define MAX_FILE (256u << 10)

/* A scenario or matrix file, whole: a longer one is refused, never cut. */
static char *slurp(const char *path, size_t *len)
{
	return (char *)cli_read_file(path, MAX_FILE, len);
}

static struct atk_scenario *load(const char *path)
{
	char err[256];
	size_t len;
	char *text = slurp(path, &len);
	struct atk_scenario *s;

	if (!text) {
		fprintf(stderr, "heapsim: cannot read %s: %s\n", path,
			errno == EFBIG ? "larger than 256 KiB, not a scenario" : cli_read_error(errno));
		return NULL;
	}
	s = atk_scenario_parse(text, len, err, sizeof(err));
	free(text);
	if (!s)
		fprintf(stderr, "%s: %s\n", path, err);
	return s;
}

/* ---- the catalogue ------------------------------------------------------- */

/* Every file of the catalogue parsed, or none (what failed said on stderr):
 * a bad entry is refused before anything runs. */
static struct atk_scenario **load_all(char **files, size_t n, const struct atk_budget *budget)
{
	struct atk_scenario **all = calloc(n ? n : 1, sizeof(*all));
	bool ok = all != NULL;

	for (size_t i = 0; all && i < n; i++) {
		all[i] = load(files[i]);
		ok &= all[i] != NULL;
		if (all[i] && budget)
			atk_scenario_set_budget(all[i], budget);
	}
	if (!ok) {
		for (size_t i = 0; all && i < n; i++)
			atk_scenario_free(all[i]);
		free(all);
		return NULL;
	}
	return all;
}

/* One scenario's row: every layout × hardening it applies to. False if a
 * run exceeded its budget (said on stderr). */
static bool catalogue_row(const struct atk_scenario *s, const char *path,
			  struct heapsim_catalogue *c, struct heapsim_catalogue_row *r)
{
	bool within = true;

	snprintf(r->name, sizeof(r->name), "%s", atk_scenario_name(s));
	snprintf(r->about, sizeof(r->about), "%s", atk_scenario_about(s));
	snprintf(r->escalates, sizeof(r->escalates), "%s", atk_scenario_escalates(s));
	r->cells = calloc(ll_layout_count() * SYS_HEAP_HARDENING_LEVELS, sizeof(*r->cells));
	for (size_t l = 0; r->cells && l < ll_layout_count(); l++)
		for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++) {
			const char *ln = ll_layout_at(l)->name;
			struct heapsim_cell *x = heapsim_cell_at(r, l, h);

			if (!atk_scenario_applies(s, ln, h))
				continue;
			x->ran = true;
			atk_scenario_run(s, ln, h, NULL, &x->v);
			if (atk_verdict_over_budget(&x->v)) {
				fprintf(stderr, "%s: budget exceeded on %s, hardening %s: %s\n", path, ln,
					sys_heap_hardening_name((enum sys_heap_hardening)h), x->v.detail);
				within = false;
			}
			x->has_expect = atk_scenario_expected(s, ln, h, x->expect, sizeof(x->expect));
			x->match = x->has_expect && atk_verdict_matches(&x->v, x->expect);
			if (!x->match)
				c->mismatches++;
		}
	return within;
}

int heapsim_catalogue_run(const char *dir, const struct atk_budget *budget,
			  struct heapsim_catalogue *c, FILE *progress)
{
	size_t n;
	char **files = atk_list_dir(dir, ".scn", &n);
	struct atk_scenario **all;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if (!files) {
		fprintf(stderr, "heapsim: cannot open scenario directory %s\n", dir);
		return -1;
	}
	all = load_all(files, n, budget);
	c->rows = all ? calloc(n ? n : 1, sizeof(*c->rows)) : NULL;
	for (size_t i = 0; c->rows && i < n; i++) {
		struct heapsim_catalogue_row *r = &c->rows[c->n++];

		if (!catalogue_row(all[i], files[i], c, r))
			rc = -2;
		if (progress)
			fprintf(progress, "  scenario %-28s done\n", r->name);
	}
	if (!c->rows)
		rc = -1;
	for (size_t i = 0; all && i < n; i++)
		atk_scenario_free(all[i]);
	free(all);
	atk_list_free(files, n);
	return rc;
}

void heapsim_catalogue_free(struct heapsim_catalogue *c)
{
	for (size_t i = 0; c->rows && i < c->n; i++)
		free(c->rows[i].cells);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

/* "exploitable:free-list-linkage" → "**exploitable** (free-list-linkage)" */
static void cell(const struct atk_verdict *v, char *buf, size_t len)
{
	char f[128];
	char *colon;

	atk_verdict_format(v, f, sizeof(f));
	colon = strchr(f, ':');
	if (colon)
		*colon = '\0';
	snprintf(buf, len, "%s%s%s%s%s%s", v->cls == ATK_V_EXPLOITABLE ? "**" : "", f,
		 v->cls == ATK_V_EXPLOITABLE ? "**" : "", colon ? " (" : "", colon ? colon + 1 : "",
		 colon ? ")" : "");
}

void heapsim_catalogue_markdown(const struct heapsim_catalogue *c, FILE *out)
{
	fprintf(out, "# Attack catalogue: verdict matrix\n\n"
		     "Generated by `heapsim matrix` from `attack/scenarios/*.scn`; do not edit by hand "
		     "(ctest `scenario.matrix` fails when this file is stale). Each scenario is run on "
		     "each layout at each hardening level (32-bit heap, SOF's cached-heap path) under the "
		     "**debug** build profile (asserts on: a non-power-of-two alignment is a caller "
		     "error, upstream CHECK()s run at EXTREME; docs/heap.md, \"Build profiles\"). "
		     "Scenarios that name SOF main's objects run on the SOF-main layouts only. "
		     "Verdicts:\n\n"
		     "- **exploitable** (what): the kernel wrote or faulted outside the syscall's "
		     "footprint, a kernel object changed outside its API, the kernel used a value it "
		     "read from user-writable memory (kernel-trusts-user), the kernel hung, or the "
		     "allocator handed out overlapping memory;\n"
		     "- corrupted: nothing caught it and nothing escaped yet, but the kernel's heap "
		     "no longer validates;\n"
		     "- detected (check): a heap check fired in kernel mode first (on Zephyr an assert: "
		     "a kernel panic, not an escape);\n"
		     "- blocked (why): the user thread could not do it (page fault, syscall "
		     "verification);\n"
		     "- harmless: done, and nothing the kernel trusts changed.\n\n"
		     "The column *escalates to* says what an exploitable cell gives the attacker: the "
		     "scenario's `escalates` line, which names the primitive, the kernel target within "
		     "reach and the right it would grant; \"shown by\" names the catalogue scenario that "
		     "performs that write (docs/reviewer-guide.md, impact proofs).\n\n"
		     "Write a scenario or reproduce a cell: docs/reviewer-guide.md "
		     "(`heapsim run attack/scenarios/FILE.scn --layout L --hardening H`).\n\n");
	fprintf(out, "## Escapes per layout\n\n| layout | heap metadata | kernel-trusted objects | "
		     "exploitable | corrupted | detected | blocked | harmless |\n"
		     "|---|---|---|---|---|---|---|---|\n");
	for (size_t l = 0; l < ll_layout_count(); l++) {
		unsigned cnt[ATK_V_ERROR + 1] = { 0 };

		for (size_t i = 0; i < c->n; i++)
			for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++)
				if (heapsim_cell_at(&c->rows[i], l, h)->ran)
					cnt[heapsim_cell_at(&c->rows[i], l, h)->v.cls]++;
		fprintf(out, "| %s%s | %s | %s | %u | %u | %u | %u | %u |\n", ll_layout_at(l)->name,
			ll_layout_at(l)->vulnerable ? " (vulnerable by design)" : "",
			ll_layout_at(l)->meta_exposed ? "user-writable" : "kernel only",
			ll_layout_at(l)->kobj_exposed ? "user-writable" : "kernel only",
			cnt[ATK_V_EXPLOITABLE], cnt[ATK_V_CORRUPTED], cnt[ATK_V_DETECTED],
			cnt[ATK_V_BLOCKED], cnt[ATK_V_HARMLESS]);
	}
	for (size_t l = 0; l < ll_layout_count(); l++) {
		fprintf(out, "\n## %s\n\n| technique | none | basic | moderate | full | extreme | escalates to |\n"
			     "|---|---|---|---|---|---|---|\n", ll_layout_at(l)->name);
		for (size_t i = 0; i < c->n; i++) {
			bool escapes = false;

			fprintf(out, "| %s |", c->rows[i].name);
			for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++) {
				const struct heapsim_cell *x = heapsim_cell_at(&c->rows[i], l, h);
				char b[160];

				if (x->ran)
					cell(&x->v, b, sizeof(b));
				else
					snprintf(b, sizeof(b), "–");
				fprintf(out, " %s |", b);
				escapes |= x->ran && x->v.cls == ATK_V_EXPLOITABLE;
			}
			/* what an escape here gives the attacker, where there is one */
			fprintf(out, " %s |\n", escapes && c->rows[i].escalates[0] ? c->rows[i].escalates : "–");
		}
	}
	fprintf(out, "\n## Techniques\n\n");
	for (size_t i = 0; i < c->n; i++)
		fprintf(out, "- `%s`: %s\n", c->rows[i].name, c->rows[i].about);
}

/* ---- heapsim run FILE ---------------------------------------------------- */

static void run_help(FILE *out)
{
	fprintf(out, "usage: heapsim run SCENARIO.scn... [--layout L] [--hardening H] [--trace]\n"
		     "                                     [--json] [--sarif FILE]\n"
		     "                  [--budget-ticks N] [--budget-seconds S]\n\n"
		     "Runs hand-written attack scenarios (format: docs/reviewer-guide.md) on every\n"
		     "layout and hardening level they apply to, or only the ones given, and\n"
		     "compares each verdict with the file's expect lines. With one layout and\n"
		     "one level (or --trace) it prints the numbered trace of each run.\n"
		     "  --json        the verdicts as one JSON document on stdout (docs/schema/\n"
		     "                run-scenario.schema.json); text and traces go to stderr\n"
		     "  --sarif FILE  escaping, corrupting and unexpected verdicts as SARIF results\n");
	cli_budget_help(out);
	fprintf(out, "exit codes: 0 every verdict as its file expects (an expected escape\n"
		     "            included: the file is the specification), 1 a verdict differs or\n"
		     "            has no expectation,\n"
		     "            2 usage error, a file that does not parse, a pinned layout or\n"
		     "            level the file does not apply to, or a run over budget\n");
}

/* Where a scenario run's answers go: the text (stdout, or stderr with
 * --json), the JSON items, the SARIF log. */
struct run_out {
	FILE *txt;
	FILE *json;            /* NULL without --json: ",{...}" items */
	bool first;
	struct sarif_log *sarif;
};

static void run_json_item(struct run_out *o, const struct atk_scenario *s, const char *path,
			  const char *layout, int h, const struct atk_verdict *v, const char *want,
			  bool as_expected)
{
	FILE *j = o->json;

	fputs(o->first ? "{\"scenario\":" : ",{\"scenario\":", j);
	o->first = false;
	cli_json_string(j, atk_scenario_name(s));
	fputs(",\"file\":", j);
	cli_json_string(j, path);
	fputs(",\"layout\":", j);
	cli_json_string(j, layout);
	fprintf(j, ",\"profile\":null,\"hardening\":\"%s\",\"verdict\":\"%s\",\"by\":",
		sys_heap_hardening_name((enum sys_heap_hardening)h), atk_verdict_class_name(v->cls));
	cli_json_string(j, v->by);
	fputs(",\"detail\":", j);
	cli_json_string(j, v->detail);
	fputs(",\"expected\":", j);
	if (want)
		cli_json_string(j, want);
	else
		fputs("null", j);
	fprintf(j, ",\"as_expected\":%s}", as_expected ? "true" : "false");
}

static void run_sarif_item(struct run_out *o, const struct atk_scenario *s, const char *path,
			   const char *layout, int h, const struct atk_verdict *v, bool as_expected)
{
	const struct ll_layout *l = ll_layout_find(layout);
	const char *hard = sys_heap_hardening_name((enum sys_heap_hardening)h);
	bool bad = v->cls == ATK_V_EXPLOITABLE || v->cls == ATK_V_CORRUPTED;
	const char *shown = out_source_relative(path) ? out_source_relative(path) : path;
	char msg[640], replay[PATH_MAX + 128], fp[200];
	struct sarif_result r = { 0 };

	if (!bad && as_expected)
		return;
	snprintf(replay, sizeof(replay), "heapsim run %s --layout %s --hardening %s", shown, layout,
		 hard);
	snprintf(msg, sizeof(msg), "Scenario %s on layout %s, hardening %s: %s%s%s — %s%s",
		 atk_scenario_name(s), layout, hard, atk_verdict_class_name(v->cls),
		 v->by[0] ? ":" : "", v->by, v->detail,
		 as_expected ? "." : " (not what the scenario file expects).");
	snprintf(fp, sizeof(fp), "%s/%s/%s", atk_scenario_name(s), layout, hard);
	r.rule = !as_expected ? "scenario-unexpected"
		 : v->cls == ATK_V_EXPLOITABLE ? "scenario-exploitable" : "scenario-corrupted";
	r.level = !as_expected || !(l && l->vulnerable) ? "error" : "warning";
	r.message = msg;
	r.layout = layout;
	r.hardening = hard;
	r.file = out_source_relative(path);
	r.replay = replay;
	r.fingerprint = fp;
	r.by_design = l && l->vulnerable && as_expected;
	sarif_add(o->sarif, &r);
}

/* Run options: a pinned layout / level; files are the operands. */
struct run_args {
	const char *layout, *sarif;
	int hard;
	bool trace, json;
	struct atk_budget budget;
	char **files;
	int nfiles;
};

/* "pr10807-v3 oob" and "none full": where s applies (for a refusal). */
static void applies_where(const struct atk_scenario *s, char *layouts, size_t ll, char *levels,
			  size_t hl)
{
	size_t n = 0;

	layouts[0] = levels[0] = '\0';
	for (size_t l = 0; l < ll_layout_count(); l++)
		for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++)
			if (atk_scenario_applies(s, ll_layout_at(l)->name, h)) {
				n += (size_t)snprintf(layouts + n, n < ll ? ll - n : 0, "%s%s",
						      n ? " " : "", ll_layout_at(l)->name);
				break;
			}
	n = 0;
	for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++)
		for (size_t l = 0; l < ll_layout_count(); l++)
			if (atk_scenario_applies(s, ll_layout_at(l)->name, h)) {
				n += (size_t)snprintf(levels + n, n < hl ? hl - n : 0, "%s%s", n ? " " : "",
						      sys_heap_hardening_name((enum sys_heap_hardening)h));
				break;
			}
}

/* A pinned layout or level the file's `layouts` / `hardening` lines exclude
 * would run nothing: a usage error naming what the file does apply to. */
static bool pinned_pair_applies(const char *path, const struct atk_scenario *s,
				const struct run_args *a)
{
	char layouts[256], levels[96];

	for (size_t l = 0; l < ll_layout_count(); l++)
		for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++)
			if ((!a->layout || !strcmp(a->layout, ll_layout_at(l)->name)) &&
			    (a->hard < 0 || h == a->hard) && atk_scenario_applies(s, ll_layout_at(l)->name, h))
				return true;
	applies_where(s, layouts, sizeof(layouts), levels, sizeof(levels));
	fprintf(stderr, "heapsim run: %s does not apply to %s%s%s%s: its layouts are %s; its "
			"hardening levels are %s\n", path,
		a->layout ? "layout " : "", a->layout ? a->layout : "", a->layout && a->hard >= 0 ? ", " : "",
		a->hard >= 0 ? sys_heap_hardening_name((enum sys_heap_hardening)a->hard) : "",
		layouts[0] ? layouts : "(none)", levels[0] ? levels : "(none)");
	return false;
}

/* One layout × hardening: the verdict line (and its JSON item and SARIF
 * result); 1 unexpected, 0 as expected, -1 over budget (said on stderr). */
static int run_pair(const char *path, const char *abspath, const struct atk_scenario *s,
		    const char *ln, int h, bool trace, struct run_out *o)
{
	FILE *txt = o->txt;
	struct atk_verdict v;
	char got[128], want[160];
	bool has, ok;
	int bad;

	if (trace) {
		/* the class first, then the trace that leads to it */
		atk_scenario_run(s, ln, h, NULL, &v);
		if (!atk_verdict_over_budget(&v))
			fprintf(txt, "\n--- [%s] %s, hardening %s ---\n", atk_verdict_tag(&v), ln,
				sys_heap_hardening_name((enum sys_heap_hardening)h));
	}
	fflush(txt);
	if (!trace || !atk_verdict_over_budget(&v))
		atk_scenario_run(s, ln, h, trace ? txt : NULL, &v);
	if (atk_verdict_over_budget(&v)) {
		fflush(txt);
		fprintf(stderr, "heapsim run: %s: budget exceeded on %s, hardening %s: %s (raise it "
				"with --budget-ticks / --budget-seconds)\n", path, ln,
			sys_heap_hardening_name((enum sys_heap_hardening)h), v.detail);
		return -1;
	}
	atk_verdict_format(&v, got, sizeof(got));
	has = atk_scenario_expected(s, ln, h, want, sizeof(want));
	ok = has && atk_verdict_matches(&v, want);
	if (o->json)
		run_json_item(o, s, path, ln, h, &v, has ? want : NULL, ok);
	if (o->sarif)
		run_sarif_item(o, s, abspath, ln, h, &v, ok);
	fprintf(txt, "  [%s] %-12s %-9s %-40s %s\n", atk_verdict_tag(&v), ln,
		sys_heap_hardening_name((enum sys_heap_hardening)h), got,
		!has ? "(no expectation)" : ok ? "ok" : "UNEXPECTED");
	if (has && !ok)
		fprintf(txt, "  %-22s expected %s\n", "", want);
	if (trace || (has && !ok))
		fprintf(txt, "  %-22s %s\n", "", v.detail);
	bad = !ok;
	/* the chain of findings, where the file says what it must be */
	if (atk_scenario_expected_chain(s, ln, h, want, sizeof(want))) {
		bool same = !strcmp(want, v.chain);

		fprintf(txt, "  %-22s chain %s %s\n", "", v.chain[0] ? v.chain : "(none)",
			same ? "ok" : "UNEXPECTED");
		if (!same)
			fprintf(txt, "  %-22s expected chain %s\n", "", want);
		bad += !same;
	}
	return bad;
}

/* Number of unexpected verdicts, or -1 (a usage error, said on stderr). */
static int run_one_file(const char *path, const struct run_args *a, struct run_out *o)
{
	struct atk_scenario *s = load(path);
	bool trace = a->trace || (a->layout && a->hard >= 0);
	char abspath[PATH_MAX];
	int bad = 0;

	if (!s)
		return -1;
	if (a->layout && atk_scenario_uses_sof(s) && !ll_layout_find(a->layout)->sof_main) {
		fprintf(stderr, "heapsim run: %s names SOF main's objects (%s), which layout %s lacks; "
			"layouts that have them:", path, ll_sof_object_names(), a->layout);
		for (size_t l = 0; l < ll_layout_count(); l++)
			if (ll_layout_at(l)->sof_main)
				fprintf(stderr, " %s", ll_layout_at(l)->name);
		fprintf(stderr, "\n");
		atk_scenario_free(s);
		return -1;
	}
	atk_scenario_set_budget(s, &a->budget);
	if ((a->layout || a->hard >= 0) && !pinned_pair_applies(path, s, a)) {
		atk_scenario_free(s);
		return -1;
	}
	/* the tick cost is known now: refuse before the first run */
	if (a->budget.ticks && atk_scenario_ticks(s) > a->budget.ticks) {
		fprintf(stderr, "heapsim run: %s: budget exceeded: %lu LL ticks per run, over the "
				"budget of %lu (raise it with --budget-ticks)\n", path,
			atk_scenario_ticks(s), a->budget.ticks);
		atk_scenario_free(s);
		return -1;
	}
	/* SARIF locations are relative to the source root: resolve the path first */
	if (!realpath(path, abspath))
		snprintf(abspath, sizeof(abspath), "%s", path);
	fprintf(o->txt, "scenario %s: %s\n", atk_scenario_name(s), atk_scenario_about(s));
	for (size_t l = 0; bad >= 0 && l < ll_layout_count(); l++) {
		const char *ln = ll_layout_at(l)->name;

		if (a->layout && strcmp(a->layout, ln))
			continue;
		for (int h = 0; bad >= 0 && h < SYS_HEAP_HARDENING_LEVELS; h++) {
			int r;

			if ((a->hard >= 0 && h != a->hard) || !atk_scenario_applies(s, ln, h))
				continue;
			r = run_pair(path, abspath, s, ln, h, trace, o);
			bad = r < 0 ? -1 : bad + r;
		}
	}
	atk_scenario_free(s);
	return bad;
}

/* CLI_DONE when parsed, HEAPSIM_EXIT_CLEAN after --help, else HEAPSIM_EXIT_USAGE. */
static int run_parse(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = { { "layout", required_argument, NULL, 'L' },
					      { "hardening", required_argument, NULL, 'H' },
					      { "trace", no_argument, NULL, 't' },
					      { "json", no_argument, NULL, 'j' },
					      { "sarif", required_argument, NULL, 'S' },
					      CLI_BUDGET_OPTIONS,
					      { 0 } };
	struct cli_parser p;
	const char *v;
	int c;

	cli_parser_init(&p, "run", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		switch (c) {
		case CLI_HELP:
			run_help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		case 'L':
			if (!ll_layout_find(v)) {
				fprintf(stderr, "heapsim run: unknown layout '%s'\n", v);
				cli_list_layout_names(stderr);
				return HEAPSIM_EXIT_USAGE;
			}
			a->layout = v;
			break;
		case 'H':
			if ((a->hard = sys_heap_hardening_parse(v)) < 0) {
				fprintf(stderr, "heapsim run: bad --hardening (none basic moderate full "
						"extreme)\n");
				return HEAPSIM_EXIT_USAGE;
			}
			break;
		case 't':
			a->trace = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'S':
			a->sarif = v;
			break;
		case 'T':
		case 'D':
			if (cli_budget_option("run", c, v, &a->budget) < 0)
				return HEAPSIM_EXIT_USAGE;
			break;
		case CLI_OPERAND:
			a->files[a->nfiles++] = (char *)v;
			break;
		default:
			run_help(stderr);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	return CLI_DONE;
}

int heapsim_run_scenario_file(int argc, char **argv)
{
	struct run_args a = { .hard = -1,
			      .budget = { ATK_BUDGET_TICKS_DEFAULT, ATK_BUDGET_SECONDS_DEFAULT },
			      .files = calloc((size_t)argc, sizeof(char *)) };
	struct run_out o = { .txt = stdout, .first = true };
	char *items = NULL;
	size_t items_len = 0;
	int r = a.files ? run_parse(argc, argv, &a) : HEAPSIM_EXIT_USAGE, bad = 0;

	if (r == CLI_DONE && !a.nfiles) {
		run_help(stderr);
		r = HEAPSIM_EXIT_USAGE;
	}
	/* every file is checked first: a FIFO or device fails at once */
	for (int i = 0; r == CLI_DONE && i < a.nfiles; i++)
		if (!cli_input_ok("run", a.files[i]))
			r = HEAPSIM_EXIT_USAGE;
	if (r == CLI_DONE && a.sarif) {
		char err[512], cmdline[1024] = "heapsim";

		for (int i = 0; i < argc; i++)
			snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), " %s", argv[i]);
		o.sarif = sarif_open(a.sarif, cmdline, err, sizeof(err));
		if (!o.sarif) {
			fprintf(stderr, "heapsim run: --sarif: %s\n", err);
			r = HEAPSIM_EXIT_USAGE;
		}
	}
	if (r == CLI_DONE && a.json) {
		o.txt = stderr; /* stdout holds the one JSON document */
		o.json = open_memstream(&items, &items_len);
		if (!o.json)
			r = HEAPSIM_EXIT_USAGE;
	}
	for (int i = 0; r == CLI_DONE && i < a.nfiles; i++) {
		int b = run_one_file(a.files[i], &a, &o);

		if (b < 0)
			r = HEAPSIM_EXIT_USAGE;
		else
			bad += b;
	}
	free(a.files);
	if (o.json)
		fclose(o.json);
	if (r != CLI_DONE) {
		sarif_discard(o.sarif);
		free(items);
		return r;
	}
	r = bad ? HEAPSIM_EXIT_FINDINGS : HEAPSIM_EXIT_CLEAN;
	if (o.sarif) {
		int e = sarif_close(o.sarif, r);

		if (e) {
			fprintf(stderr, "heapsim run: cannot write %s: %s\n", a.sarif, strerror(-e));
			r = HEAPSIM_EXIT_USAGE;
		}
	}
	if (a.json) {
		out_json_begin(stdout, "run");
		printf(",\"mode\":\"scenario\",\"runs\":[%s],\"unexpected\":%d", items ? items : "", bad);
		out_json_end(stdout);
	}
	free(items);
	return r;
}

/* ---- heapsim matrix -------------------------------------------------------- */

static bool same_file(const char *path, const char *text, size_t len)
{
	size_t flen;
	char *f = slurp(path, &flen);
	bool same = f && flen == len && !memcmp(f, text, len);

	free(f);
	return same;
}

static void matrix_help(FILE *out)
{
	fprintf(out, "usage: heapsim matrix [--dir DIR] [--out FILE] [--check FILE] [--json]\n"
		     "                      [--sarif FILE] [--budget-ticks N] [--budget-seconds S]\n\n"
		     "Runs the attack catalogue (DIR/*.scn, default the source tree's\n"
		     "attack/scenarios) and prints the verdict matrix in Markdown.\n"
		     "  --out FILE    write it to FILE\n"
		     "  --check FILE  exit 1 if FILE differs from it (the committed matrix)\n"
		     "  --json        the cells as one JSON document on stdout instead of the\n"
		     "                Markdown (docs/schema/matrix.schema.json)\n"
		     "  --sarif FILE  escaping, corrupting and unexpected verdicts as SARIF results\n");
	cli_budget_help(out);
	fprintf(out, "exit codes: 0 ok, 1 --check differs or a verdict is not as expected,\n"
		     "            2 usage, a scenario that does not parse, --check not a regular\n"
		     "            file, or a cell over budget\n");
}

int heapsim_cmd_matrix(int argc, char **argv)
{
	static const struct option opts[] = { { "dir", required_argument, NULL, 'd' },
					      { "out", required_argument, NULL, 'o' },
					      { "check", required_argument, NULL, 'c' },
					      { "json", no_argument, NULL, 'j' },
					      { "sarif", required_argument, NULL, 'S' },
					      CLI_BUDGET_OPTIONS,
					      { 0 } };
	struct atk_budget budget = { ATK_BUDGET_TICKS_DEFAULT, ATK_BUDGET_SECONDS_DEFAULT };
	const char *dir = HEAPSIM_SOURCE_DIR "/attack/scenarios", *out = NULL, *check = NULL, *v;
	const char *sarif_path = NULL;
	struct sarif_log *sarif = NULL;
	bool json = false;
	struct heapsim_catalogue cat;
	struct cli_parser p;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int c, rc, r;

	cli_parser_init(&p, "matrix", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		if (c == CLI_HELP) {
			matrix_help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		}
		if (c == 'd')
			dir = v;
		else if (c == 'o')
			out = v;
		else if (c == 'c')
			check = v;
		else if (c == 'j')
			json = true;
		else if (c == 'S')
			sarif_path = v;
		else if (c == 'T' || c == 'D') {
			if (cli_budget_option("matrix", c, v, &budget) < 0)
				return HEAPSIM_EXIT_USAGE;
		} else if (c == CLI_OPERAND)
			return cli_unexpected(&p, v);
		else
			return HEAPSIM_EXIT_USAGE;
	}
	/* a directory or FIFO as --check is a usage error, not a stale matrix */
	if (check && !cli_input_ok("matrix", check))
		return HEAPSIM_EXIT_USAGE;
	if (out) {
		char err[512];

		if (!out_check_file(out, err, sizeof(err))) {
			fprintf(stderr, "heapsim matrix: --out: %s\n", err);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (sarif_path) {
		char err[512], cmdline[1024] = "heapsim";

		for (int i = 0; i < argc; i++)
			snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), " %s", argv[i]);
		sarif = sarif_open(sarif_path, cmdline, err, sizeof(err));
		if (!sarif) {
			fprintf(stderr, "heapsim matrix: --sarif: %s\n", err);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	r = heapsim_catalogue_run(dir, &budget, &cat, stderr);
	if (r < 0 || !cat.n) {
		if (r == -2)
			fprintf(stderr, "heapsim matrix: budget exceeded (see above; raise it with "
					"--budget-ticks / --budget-seconds)\n");
		else if (r == 0)
			fprintf(stderr, "heapsim matrix: no scenarios in %s\n", dir);
		heapsim_catalogue_free(&cat);
		sarif_discard(sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	mem = open_memstream(&text, &len);
	if (!mem) {
		heapsim_catalogue_free(&cat);
		sarif_discard(sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	heapsim_catalogue_markdown(&cat, mem);
	fclose(mem);
	rc = cat.mismatches ? HEAPSIM_EXIT_FINDINGS : HEAPSIM_EXIT_CLEAN;
	if (cat.mismatches)
		fprintf(stderr, "heapsim matrix: %u verdicts differ from their scenario's expect lines "
				"(heapsim run FILE shows which)\n", cat.mismatches);
	if (check) {
		if (!same_file(check, text, len)) {
			fprintf(stderr, "heapsim matrix: %s is stale; regenerate with\n"
					"  heapsim matrix --out %s\n", check, check);
			rc = HEAPSIM_EXIT_FINDINGS;
		}
	} else if (out) {
		FILE *f = fopen(out, "w");

		if (!f || fwrite(text, 1, len, f) != len) {
			fprintf(stderr, "heapsim matrix: cannot write %s\n", out);
			rc = HEAPSIM_EXIT_USAGE;
		}
		if (f)
			fclose(f);
	} else if (!json) {
		fwrite(text, 1, len, stdout);
	}
	if (sarif) {
		int e;

		out_catalogue_sarif(sarif, dir, &cat);
		e = sarif_close(sarif, rc);
		if (e) {
			fprintf(stderr, "heapsim matrix: cannot write %s: %s\n", sarif_path, strerror(-e));
			rc = HEAPSIM_EXIT_USAGE;
		}
	}
	if (json) {
		out_json_begin(stdout, "matrix");
		printf(",\"scenarios\":");
		cli_json_string(stdout, dir);
		out_catalogue_json(stdout, &cat);
		out_json_end(stdout);
	}
	free(text);
	heapsim_catalogue_free(&cat);
	return rc;
}
