/*
 * heapsim verdict [--seconds N] [--seed S] [--out DIR] [--scenarios DIR]
 *                 [--budget-ticks N] [--budget-seconds S]
 *
 * The product's main job, in one command (the README's first command runs
 * it through scripts/quickstart):
 *   1. the audits of every layout: which kernel-trusted bytes a user thread
 *      can write (static), and which values read from user-writable memory
 *      the kernel trusts on the modelled paths (dynamic: a short run);
 *   2. the attack catalogue (attack/scenarios) on every layout and hardening;
 *   3. a short fuzz run of fuzz_user_syscalls per layout (in-process random
 *      driver, fixed seed: no libFuzzer needed), findings saved for replay;
 *   4. the verdict table.
 * Exit 0 when every layout behaves as declared (the vulnerable ones may
 * show findings, the safe ones must not) and the catalogue matches its
 * expectations; 1 otherwise; 2 on usage errors or a catalogue that does not load.
 *
 * --json: the same answers as one JSON document on stdout (the stages' text
 * goes to stderr); --sarif FILE: every audit exposure, escaping catalogue
 * verdict and fuzz finding as a SARIF result (docs/outputs.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "heapsim.h"
#include "outputs.h"

#ifndef HEAPSIM_SOURCE_DIR
#define HEAPSIM_SOURCE_DIR "."
#endif

struct layout_result {
	size_t audit_items;
	char audit_first[400];
	int audit_err;
	size_t trusted;           /* kernel-trusts-user sites of the dynamic audit */
	char trusted_paths[160];  /* the kernel paths among them */
	unsigned cat[ATK_V_ERROR + 1];
	struct fuzz_drive_stats fz;
	char crash_path[512];
	bool unexpected;
};

static void help(FILE *out)
{
	fprintf(out,
		"usage: heapsim verdict [--seconds N] [--seed S] [--out DIR] [--scenarios DIR]\n"
		"                       [--json] [--sarif FILE]\n"
		"                       [--budget-ticks N] [--budget-seconds S]\n\n"
		"The main job: audit every LL heap layout, run the attack catalogue on\n"
		"every layout and hardening level, fuzz each layout briefly, and print\n"
		"the verdict table.\n"
		"  --seconds N     total fuzzing time, shared by the layouts (default 60)\n"
		"  --seed S        fuzzing seed (default 1: the same inputs every time)\n"
		"  --out DIR       where crash inputs and their records go (default\n"
		"                  heapsim-findings)\n"
		"  --scenarios DIR the catalogue (default the source tree's attack/scenarios)\n"
		"  --json          the answers as one JSON document on stdout (docs/schema/\n"
		"                  verdict.schema.json); the progress text goes to stderr\n"
		"  --sarif FILE    also a SARIF 2.1.0 log: one result per finding\n");
	cli_budget_help(out);
	fprintf(out,
		"exit codes: 0 every layout as declared, 1 a finding on a safe layout or a\n"
		"            catalogue verdict that differs from its file, 2 usage error\n"
		"            (--out not a directory), a catalogue that does not load, or a\n"
		"            scenario run over budget\n");
}

#define DYNAMIC_TICKS 60

/* The dynamic audit's kernel-trusts-user sites, and their kernel paths. */
static void audit_dynamic(struct ll_env *env, struct layout_result *r)
{
	struct ll_pipeline_result pr;
	const struct sim_kread_site *k;
	size_t n, used = 0;

	if (ll_env_layout(env)->sof_main)
		(void)ll_sof_exercise(env, DYNAMIC_TICKS);
	else
		(void)ll_pipeline_run(env, DYNAMIC_TICKS, &pr);
	k = sim_kreads(ll_env_sim(env), &n);
	for (size_t i = 0; i < n; i++) {
		if (!k[i].user_writable || k[i].basis != SIM_KREAD_UNDECLARED || k[i].use == SIM_KREAD_VALUE)
			continue;
		r->trusted++;
		if (!strstr(r->trusted_paths, k[i].path) && used < sizeof(r->trusted_paths))
			used += (size_t)snprintf(r->trusted_paths + used, sizeof(r->trusted_paths) - used,
						 "%s%s", used ? ", " : "", k[i].path);
	}
}

/* Each exposed range as a SARIF result, located at the layout's definition. */
static void audit_sarif(struct sarif_log *s, const struct ll_layout *l, const struct sim_audit *a)
{
	char msg[512], needle[64], fp[160], replay[96];

	snprintf(needle, sizeof(needle), "\"%s\"", l->name);
	snprintf(replay, sizeof(replay), "heapsim audit --layout %s", l->name);
	for (size_t i = 0; i < a->count; i++) {
		const struct sim_audit_item *it = &a->items[i];
		struct sarif_result r = { 0 };

		snprintf(msg, sizeof(msg),
			 "Layout %s: %s %s (%s), %zu kernel-trusted bytes at 0x%llx, is user-writable via %s "
			 "(%s view).",
			 l->name, it->type, it->object, it->detail, it->bytes,
			 (unsigned long long)it->taddr, it->domain, it->partition_view);
		snprintf(fp, sizeof(fp), "%s/%s/%s", l->name, it->type, it->object);
		r.rule = "audit-user-writable";
		r.level = l->vulnerable ? "warning" : "error";
		r.message = msg;
		r.layout = l->name;
		r.kernel_path = "layout setup";
		r.source_needle = needle;
		r.replay = replay;
		r.fingerprint = fp;
		r.by_design = l->vulnerable;
		sarif_add(s, &r);
	}
}

static void audit_layout(const struct ll_layout *l, struct layout_result *r, struct sarif_log *s)
{
	const char *name = l->name;
	struct ll_env_config c;
	struct ll_env *env;
	struct sim_audit a;

	ll_env_config_default(&c);
	c.layout = name;
	r->audit_err = ll_env_create(&c, &env);
	if (r->audit_err)
		return;
	audit_dynamic(env, r);
	ll_env_destroy(env);
	r->audit_err = ll_env_create(&c, &env);
	if (r->audit_err)
		return;
	if (sim_audit(ll_env_sim(env), &a) == 0) {
		r->audit_items = a.count;
		if (a.count)
			snprintf(r->audit_first, sizeof(r->audit_first), "%s %s (%s)", a.items[0].type,
				 a.items[0].object, a.items[0].detail);
		if (s)
			audit_sarif(s, l, &a);
		sim_audit_free(&a);
	} else {
		r->audit_err = -ENOMEM;
	}
	ll_env_destroy(env);
}

/* OUT/LAYOUT/crash-SHA1 and its record: the same input may be a finding on
 * several layouts, and the record tells `heapsim replay` which one. */
static void save_crash(const char *out, const char *layout, struct layout_result *r)
{
	char prefix[420], dir[400];
	FILE *f;

	if (!r->fz.crash)
		return;
	mkdir(out, 0777);
	snprintf(dir, sizeof(dir), "%s/%s", out, layout);
	mkdir(dir, 0777);
	snprintf(r->crash_path, sizeof(r->crash_path), "%s/crash-%s", dir,
		 r->fz.finding.input_sha1);
	f = fopen(r->crash_path, "wb");
	if (!f) {
		r->crash_path[0] = '\0';
		return;
	}
	fwrite(r->fz.crash, 1, r->fz.crash_len, f);
	fclose(f);
	/* the record beside it tells `heapsim replay` the layout */
	snprintf(prefix, sizeof(prefix), "%s/", dir);
	fuzz_record_save(prefix, &r->fz.finding);
}

static bool layout_has_findings(const struct layout_result *r)
{
	return r->audit_items || r->trusted || r->cat[ATK_V_EXPLOITABLE] ||
	       r->cat[ATK_V_CORRUPTED] || r->fz.found;
}

static const char *layout_verdict(const struct ll_layout *l, const struct layout_result *r)
{
	bool bad = layout_has_findings(r);

	if (l->vulnerable)
		return bad ? "VULNERABLE (as declared)" : "no finding (declared vulnerable)";
	return bad ? "FINDINGS ON A SAFE LAYOUT" : "SAFE (no finding)";
}

/* What the command line asked for. */
struct verdict_args {
	const char *out_dir, *cat_dir;
	uint64_t seconds, seed;
	bool json;
	const char *sarif_path;
	FILE *text;               /* the stages' report: stdout, stderr with --json */
	struct sarif_log *sarif;  /* NULL without --sarif */
	struct atk_budget budget;
};

/* CLI_DONE when parsed, HEAPSIM_EXIT_CLEAN after --help, else HEAPSIM_EXIT_USAGE. */
static int verdict_parse(int argc, char **argv, struct verdict_args *a)
{
	static const struct option opts[] = { { "seconds", required_argument, NULL, 't' },
					      { "seed", required_argument, NULL, 's' },
					      { "out", required_argument, NULL, 'o' },
					      { "scenarios", required_argument, NULL, 'c' },
					      { "json", no_argument, NULL, 'j' },
					      { "sarif", required_argument, NULL, 'S' },
					      CLI_BUDGET_OPTIONS,
					      { 0 } };
	struct cli_parser p;
	const char *v;
	int c;

	cli_parser_init(&p, "verdict", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		switch (c) {
		case CLI_HELP:
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		case 't':
			if (!cli_parse_u64(v, &a->seconds) || a->seconds > 86400)
				return fprintf(stderr, "heapsim verdict: bad --seconds\n"), HEAPSIM_EXIT_USAGE;
			break;
		case 's':
			if (!cli_parse_u64(v, &a->seed))
				return fprintf(stderr, "heapsim verdict: bad --seed\n"), HEAPSIM_EXIT_USAGE;
			break;
		case 'o': a->out_dir = v; break;
		case 'c': a->cat_dir = v; break;
		case 'j': a->json = true; break;
		case 'S': a->sarif_path = v; break;
		case 'T':
		case 'D':
			if (cli_budget_option("verdict", c, v, &a->budget) < 0)
				return HEAPSIM_EXIT_USAGE;
			break;
		case CLI_OPERAND:
			cli_unexpected(&p, v);
			/* fall through */
		default:
			help(stderr);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	return CLI_DONE;
}

/* 1. the static audit; false if a layout could not be built. */
static bool stage_audit(const struct verdict_args *a, struct layout_result *res, size_t nl)
{
	bool ok = true;

	fprintf(a->text, "== 1. audit: kernel-trusted bytes a user thread can write; values the kernel trusts "
		"from user-writable memory (a %u-tick run)\n", DYNAMIC_TICKS);
	for (size_t l = 0; l < nl; l++) {
		audit_layout(ll_layout_at(l), &res[l], a->sarif);
		if (res[l].audit_err)
			fprintf(a->text, "   %-14s could not build the layout: %s\n", ll_layout_at(l)->name,
			       strerror(-res[l].audit_err));
		else
			fprintf(a->text, "   %-14s %zu exposed range%s%s%s; kernel trusts %zu user-writable value%s%s%s\n",
			       ll_layout_at(l)->name, res[l].audit_items,
			       res[l].audit_items == 1 ? "" : "s", res[l].audit_items ? ", e.g. " : "",
			       res[l].audit_first, res[l].trusted, res[l].trusted == 1 ? "" : "s",
			       res[l].trusted ? ": " : "", res[l].trusted_paths);
		ok &= !res[l].audit_err;
	}
	return ok;
}

/* 2. the catalogue, counted per layout: 0 as expected, -1 a verdict differs
 * from its file, -2 the catalogue did not load or a run exceeded its budget
 * (said on stderr). */
static int stage_catalogue(const struct verdict_args *a, struct layout_result *res, size_t nl,
			   unsigned *mismatches)
{
	const char *cat_dir = a->cat_dir;
	struct heapsim_catalogue cat;
	int r;

	fprintf(a->text, "\n== 2. attack catalogue (%s) on every layout x hardening level\n", cat_dir);
	fflush(a->text);
	r = heapsim_catalogue_run(cat_dir, &a->budget, &cat, NULL);
	if (r < 0 || !cat.n) {
		/* bad input, not a verdict: a missing catalogue must not read as findings */
		if (r == -2)
			fprintf(stderr, "heapsim verdict: budget exceeded in the catalogue (see above; "
					"raise it with --budget-ticks / --budget-seconds)\n");
		else
			fprintf(stderr, "heapsim verdict: the catalogue in %s did not load%s\n", cat_dir,
				r < 0 ? " (see above)" : ": no .scn files");
		heapsim_catalogue_free(&cat);
		return -2;
	}
	for (size_t i = 0; i < cat.n; i++)
		for (size_t l = 0; l < nl; l++)
			for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++)
				if (heapsim_cell_at(&cat.rows[i], l, h)->ran)
					res[l].cat[heapsim_cell_at(&cat.rows[i], l, h)->v.cls]++;
	if (a->sarif)
		out_catalogue_sarif(a->sarif, cat_dir, &cat);
	*mismatches = cat.mismatches;
	for (size_t l = 0; l < nl; l++)
		fprintf(a->text, "   %-14s exploitable %u, corrupted %u, detected %u, blocked %u, harmless %u\n",
		       ll_layout_at(l)->name, res[l].cat[ATK_V_EXPLOITABLE], res[l].cat[ATK_V_CORRUPTED],
		       res[l].cat[ATK_V_DETECTED], res[l].cat[ATK_V_BLOCKED], res[l].cat[ATK_V_HARMLESS]);
	r = cat.mismatches ? -1 : 0;
	if (cat.mismatches)
		fprintf(a->text, "   %u verdicts differ from their scenario files (heapsim run attack/scenarios/*.scn)\n",
		       cat.mismatches);
	fprintf(a->text, "   full matrix: heapsim matrix (committed as docs/findings/matrix.md)\n");
	heapsim_catalogue_free(&cat);
	return r;
}

/* 3. fuzz_user_syscalls on each layout, the time shared among them. */
static void stage_fuzz(const struct verdict_args *a, struct layout_result *res, size_t nl)
{
	const struct fuzz_target *t = &fuzz_targets[FUZZ_USER_SYSCALLS];
	double left_ms = (double)a->seconds * 1000;

	fprintf(a->text, "\n== 3. fuzz_user_syscalls, %llu s shared by %zu layouts, seed %llu "
	       "(escapes only on the vulnerable layouts, every oracle on the safe ones)\n",
	       (unsigned long long)a->seconds, nl, (unsigned long long)a->seed);
	for (size_t l = 0; l < nl; l++) {
		struct fuzz_drive_stats *fz = &res[l].fz;
		struct fuzz_opts o;
		/* time a layout did not need (an early finding) goes to the next ones */
		unsigned budget = (unsigned)((double)left_ms / (double)(nl - l));

		fuzz_opts_default(&o);
		o.layout = ll_layout_at(l)->name;
		/* On the PR's layouts show an escape, not the first detected
		 * corruption; safe layouts keep every oracle. */
		o.escape_only = ll_layout_at(l)->vulnerable;
		fflush(a->text);
		fuzz_drive(t, &o, a->seed, 0, budget ? budget : 1, fz);
		left_ms -= fz->seconds * 1000 < left_ms ? fz->seconds * 1000 : left_ms;
		save_crash(a->out_dir, ll_layout_at(l)->name, &res[l]);
		fprintf(a->text, "   %-14s %lu execs in %.1f s (%.0f/s): ", ll_layout_at(l)->name, fz->execs,
		       fz->seconds, fz->seconds > 0 ? fz->execs / fz->seconds : 0.0);
		if (fz->found)
			fprintf(a->text, "%s at exec %lu — %s\n      replay: heapsim replay %s --target %s\n",
			       sim_finding_kind_long_name(fz->finding.kind), fz->execs,
			       fz->finding.message,
			       res[l].crash_path[0] ? res[l].crash_path : "(could not save the input)",
			       t->name);
		else
			fprintf(a->text, "no finding\n");
		if (fz->found && a->sarif) {
			char replay[700];

			snprintf(replay, sizeof(replay), "heapsim replay %s --target %s",
				 res[l].crash_path[0] ? res[l].crash_path : "(input not saved)", t->name);
			out_finding_sarif(a->sarif, &fz->finding, replay);
		}
	}
}

/* 4. the table; false if a safe layout is not clean. */
static bool stage_table(const struct verdict_args *a, const struct layout_result *res, size_t nl)
{
	bool as_declared = true;

	fprintf(a->text, "\n== verdict (build profile: %s)\n\n| layout | profile | heap metadata | kernel-trusted "
	       "objects | audit: exposed ranges | kernel trusts user memory | catalogue: exploitable / "
	       "corrupted | fuzz | verdict |\n|---|---|---|---|---|---|---|---|---|\n",
	       sys_heap_profile_name(SYS_HEAP_PROFILE_DEBUG));
	for (size_t l = 0; l < nl; l++) {
		const struct ll_layout *lay = ll_layout_at(l);
		const char *verdict = layout_verdict(lay, &res[l]);
		char fz[96], trusts[200];

		if (res[l].fz.found)
			snprintf(fz, sizeof(fz), "%s (exec %lu)",
				 sim_finding_kind_long_name(res[l].fz.finding.kind), res[l].fz.execs);
		else
			snprintf(fz, sizeof(fz), "clean, %lu execs", res[l].fz.execs);
		if (res[l].trusted)
			snprintf(trusts, sizeof(trusts), "%zu (%s)", res[l].trusted, res[l].trusted_paths);
		else
			snprintf(trusts, sizeof(trusts), "none");
		fprintf(a->text, "| %s | %s | %s | %s | %zu | %s | %u / %u | %s | %s |\n", lay->name,
		       sys_heap_profile_name(SYS_HEAP_PROFILE_DEBUG),
		       lay->meta_exposed ? "user-writable" : "kernel only",
		       lay->kobj_exposed ? "user-writable" : "kernel only", res[l].audit_items, trusts,
		       res[l].cat[ATK_V_EXPLOITABLE], res[l].cat[ATK_V_CORRUPTED], fz, verdict);
		if (!ll_layout_at(l)->vulnerable && layout_has_findings(&res[l]))
			as_declared = false;
	}
	return as_declared;
}

/* The stable spelling of a layout's verdict, for JSON. */
static const char *verdict_key(const struct ll_layout *l, const struct layout_result *r)
{
	const char *v = layout_verdict(l, r);

	if (l->vulnerable)
		return strncmp(v, "VULNERABLE", 10) ? "no-finding-declared-vulnerable"
						    : "vulnerable-as-declared";
	return strncmp(v, "SAFE", 4) ? "findings-on-safe-layout" : "safe";
}

static void json_layout(FILE *out, const struct ll_layout *l, const struct layout_result *r)
{
	static const char *const cls[] = { "", "blocked", "harmless", "detected", "corrupted",
					   "exploitable", "error" };

	fputs("{\"layout\":", out);
	cli_json_string(out, l->name);
	fprintf(out, ",\"vulnerable_by_design\":%s,\"audit\":{\"exposed\":%zu,\"first\":",
		l->vulnerable ? "true" : "false", r->audit_items);
	if (r->audit_items)
		cli_json_string(out, r->audit_first);
	else
		fputs("null", out);
	fputs(",\"error\":", out);
	if (r->audit_err)
		cli_json_string(out, strerror(-r->audit_err));
	else
		fputs("null", out);
	fputs("},\"catalogue\":{", out);
	for (int c = ATK_V_BLOCKED; c <= ATK_V_ERROR; c++)
		fprintf(out, "%s\"%s\":%u", c == ATK_V_BLOCKED ? "" : ",", cls[c], r->cat[c]);
	fprintf(out, "},\"fuzz\":{\"target\":\"%s\",\"execs\":%lu,\"seconds\":%.3f,\"finding\":",
		fuzz_targets[FUZZ_USER_SYSCALLS].name, r->fz.execs, r->fz.seconds);
	if (r->fz.found)
		out_finding_json(out, &r->fz.finding);
	else
		fputs("null", out);
	fputs(",\"input\":", out);
	if (r->crash_path[0]) {
		char replay[700];

		cli_json_string(out, r->crash_path);
		snprintf(replay, sizeof(replay), "heapsim replay %s --target %s", r->crash_path,
			 fuzz_targets[FUZZ_USER_SYSCALLS].name);
		fputs(",\"replay\":", out);
		cli_json_string(out, replay);
	} else {
		fputs("null,\"replay\":null", out);
	}
	fputs("},\"verdict\":", out);
	cli_json_string(out, verdict_key(l, r));
	fprintf(out, ",\"as_declared\":%s}",
		l->vulnerable || !strcmp(verdict_key(l, r), "safe") ? "true" : "false");
}

static void json_document(const struct verdict_args *a, const struct layout_result *res, size_t nl,
			  unsigned mismatches, int rc)
{
	out_json_begin(stdout, "verdict");
	printf(",\"heapsim_version\":\"%s\",\"seconds\":%llu,\"seed\":%llu,\"scenarios\":",
	       HEAPSIM_VERSION, (unsigned long long)a->seconds, (unsigned long long)a->seed);
	cli_json_string(stdout, a->cat_dir);
	printf(",\"findings_dir\":");
	cli_json_string(stdout, a->out_dir);
	printf(",\"layouts\":[");
	for (size_t l = 0; l < nl; l++) {
		if (l)
			putchar(',');
		json_layout(stdout, ll_layout_at(l), &res[l]);
	}
	printf("],\"catalogue_unexpected\":%u,\"exit_code\":%d,\"verdict\":\"%s\"", mismatches, rc,
	       rc == HEAPSIM_EXIT_CLEAN ? "as-declared" : "not-as-declared");
	out_json_end(stdout);
}

/* Output paths are checked before any work: a bad one costs nothing. */
static bool verdict_outputs(struct verdict_args *a, int argc, char **argv)
{
	char err[512], cmdline[1024] = "heapsim";

	a->text = a->json ? stderr : stdout;
	if (!out_check_dir(a->out_dir, err, sizeof(err))) {
		fprintf(stderr, "heapsim verdict: --out: %s\n", err);
		return false;
	}
	if (!a->sarif_path)
		return true;
	for (int i = 0; i < argc; i++)
		snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), " %s", argv[i]);
	a->sarif = sarif_open(a->sarif_path, cmdline, err, sizeof(err));
	if (!a->sarif)
		fprintf(stderr, "heapsim verdict: --sarif: %s\n", err);
	return a->sarif != NULL;
}

int heapsim_cmd_verdict(int argc, char **argv)
{
	struct verdict_args a = { .out_dir = "heapsim-findings",
				  .cat_dir = HEAPSIM_SOURCE_DIR "/attack/scenarios",
				  .seconds = 60, .seed = 1,
				  .budget = { ATK_BUDGET_TICKS_DEFAULT, ATK_BUDGET_SECONDS_DEFAULT } };
	size_t nl = ll_layout_count();
	struct layout_result *res;
	unsigned mismatches = 0;
	int r = verdict_parse(argc, argv, &a), rc = HEAPSIM_EXIT_CLEAN;

	if (r != CLI_DONE)
		return r;
	if (!verdict_outputs(&a, argc, argv))
		return HEAPSIM_EXIT_USAGE;
	res = calloc(nl, sizeof(*res));
	if (!res) {
		sarif_discard(a.sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	if (!stage_audit(&a, res, nl))
		rc = HEAPSIM_EXIT_FINDINGS;
	r = stage_catalogue(&a, res, nl, &mismatches);
	if (r == -2) {
		free(res);
		sarif_discard(a.sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	if (r < 0)
		rc = HEAPSIM_EXIT_FINDINGS;
	stage_fuzz(&a, res, nl);
	if (!stage_table(&a, res, nl))
		rc = HEAPSIM_EXIT_FINDINGS;
	fprintf(a.text, "\n%s\n", rc == HEAPSIM_EXIT_CLEAN
			       ? "Every layout behaves as declared: the PR's designs and SOF main (with in-band "
				 "or out-of-band heap metadata) are exploitable by a user thread; kernel-only, "
				 "oob and sof-main-fixed are not."
			       : "Something is not as declared: see above.");
	if (a.sarif) {
		size_t n = sarif_count(a.sarif);

		r = sarif_close(a.sarif, rc);
		if (r) {
			fprintf(stderr, "heapsim verdict: cannot write %s: %s\n", a.sarif_path, strerror(-r));
			rc = HEAPSIM_EXIT_USAGE;
		} else {
			fprintf(a.text, "SARIF: %s (%zu results)\n", a.sarif_path, n);
		}
	}
	if (a.json)
		json_document(&a, res, nl, mismatches, rc);
	for (size_t l = 0; l < nl; l++)
		free(res[l].fz.crash);
	free(res);
	return rc;
}
