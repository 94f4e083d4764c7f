/*
 * heapsim run --layout NAME --ticks N [--json] [options]: runs the LL module
 * pipeline (two copiers, a resizer, a leaker; restarts; teardown) and prints
 * ticks run, allocations, peak heap use and findings. Exit 1 on any finding,
 * leak or inconsistency, 0 when clean.
 *
 * heapsim run SCENARIOFILE [...]: handed to the scenario runner
 * (heapsim_run_scenario_file, cmd_scenario.c).
 */
#include <string.h>

#include "heapsim.h"
#include "outputs.h"

#define MAX_TICKS 100000000ull
/* What one `run --ticks` may cost by default: ~40 s of LL ticks at the
 * pipeline's usual speed, and a wall-clock limit for a slow machine. */
#define RUN_BUDGET_TICKS 200000ull
#define RUN_BUDGET_SECONDS 300u

static void help(FILE *out)
{
	fprintf(out, "usage: heapsim run --layout NAME --ticks N [--json] [--sarif FILE] [options]\n"
		     "       heapsim run SCENARIOFILE\n\n"
		     "Runs the LL module pipeline on a layout and reports what the kernel\n"
		     "did with memory it trusts.\n\noptions:\n");
	cli_env_options_help(out);
	fprintf(out, "  --ticks N            LL ticks to run (default 1000)\n"
		     "  --json               one JSON document on stdout (docs/schema/run.schema.json)\n"
		     "  --sarif FILE         the findings as a SARIF 2.1.0 log\n"
		     "  --budget-ticks N     largest --ticks accepted (default %llu; 0: up to %llu)\n"
		     "  --budget-seconds S   wall time of the run (default %u; 0: no limit)\n"
		     "exit codes: 0 clean, 1 findings (or leaks, inconsistent heap), 2 usage or\n"
		     "            budget exceeded\n", RUN_BUDGET_TICKS, MAX_TICKS, RUN_BUDGET_SECONDS);
}

static const char *verdict(int rc)
{
	return rc == 0 ? "clean" : "findings";
}

static void print_text(const struct ll_env *env, uint64_t want,
		       const struct ll_pipeline_result *r, int rc)
{
	const struct ll_env_config *c = ll_env_config(env);
	size_t n;
	const struct sim_finding *f = sim_findings(ll_env_sim(env), &n);
	char line[512];

	printf("layout: %s (%s), profile %s, hardening %s, %u-bit heap of %zu bytes, %s, %s LL\n",
	       c->layout, ll_env_layout(env)->vulnerable ? "vulnerable by design" : "safe",
	       sys_heap_profile_name(c->profile), sys_heap_hardening_name(c->hardening), c->word_bits,
	       r->heap_bytes,
	       c->cached_heap ? "cached" : "uncached", c->user_space ? "user-space" : "kernel");
	printf("ticks run:      %llu of %llu (+%llu to stop the modules)\n",
	       (unsigned long long)r->ticks, (unsigned long long)want,
	       (unsigned long long)r->stop_ticks);
	printf("task runs:      %llu\n", (unsigned long long)r->task_runs);
	printf("allocations:    %llu (%llu failed), frees: %llu\n", (unsigned long long)r->allocs,
	       (unsigned long long)r->alloc_failures, (unsigned long long)r->frees);
	printf("peak heap use:  %zu bytes (%.1f%% of %zu)\n", r->peak_bytes,
	       r->heap_bytes ? 100.0 * (double)r->peak_bytes / (double)r->heap_bytes : 0.0,
	       r->heap_bytes);
	printf("module restarts: %llu, data errors: %llu, leaked blocks: %s, heap consistent: %s\n",
	       (unsigned long long)r->module_restarts, (unsigned long long)r->data_errors,
	       r->leaked ? "yes" : "no", r->heap_valid ? "yes" : "no");
	printf("findings:       %zu\n", n);
	for (size_t i = 0; i < n; i++) {
		sim_finding_format(&f[i], line, sizeof(line));
		printf("  %zu. %s\n", i + 1, line);
	}
	printf("verdict: %s\n", verdict(rc));
}

static void print_json(const struct ll_env *env, uint64_t want,
		       const struct ll_pipeline_result *r, int rc)
{
	const struct ll_env_config *c = ll_env_config(env);
	size_t n;
	const struct sim_finding *f = sim_findings(ll_env_sim(env), &n);

	out_json_begin(stdout, "run");
	printf(",\"mode\":\"pipeline\",\"layout\":");
	cli_json_string(stdout, c->layout);
	printf(",\"vulnerable_by_design\":%s,\"profile\":\"%s\",\"hardening\":\"%s\",\"word_bits\":%u,"
	       "\"heap_bytes\":%zu,\"cached_heap\":%s,\"user_space\":%s,\"strict_verify\":%s,"
	       "\"ticks_requested\":%llu,\"ticks\":%llu,\"stop_ticks\":%llu,\"task_runs\":%llu,\"allocations\":%llu,"
	       "\"alloc_failures\":%llu,\"frees\":%llu,\"peak_heap_bytes\":%zu,"
	       "\"module_restarts\":%llu,\"data_errors\":%llu,\"leaked\":%s,\"heap_valid\":%s,"
	       "\"findings\":[",
	       ll_env_layout(env)->vulnerable ? "true" : "false", sys_heap_profile_name(c->profile),
	       sys_heap_hardening_name(c->hardening), c->word_bits, r->heap_bytes,
	       c->cached_heap ? "true" : "false", c->user_space ? "true" : "false",
	       c->strict_verify ? "true" : "false", (unsigned long long)want,
	       (unsigned long long)r->ticks, (unsigned long long)r->stop_ticks,
	       (unsigned long long)r->task_runs,
	       (unsigned long long)r->allocs, (unsigned long long)r->alloc_failures,
	       (unsigned long long)r->frees, r->peak_bytes,
	       (unsigned long long)r->module_restarts, (unsigned long long)r->data_errors,
	       r->leaked ? "true" : "false", r->heap_valid ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		if (i)
			printf(",");
		fflush(stdout);
		sim_finding_json(&f[i], stdout);
	}
	printf("],\"finding_count\":%zu,\"verdict\":\"%s\"", n, verdict(rc));
	out_json_end(stdout);
}

/* The simulator's findings during the pipeline run, located at the syscall
 * they happened in (or the layout's definition). */
static void pipeline_sarif(struct sarif_log *s, const struct ll_env *env, uint64_t ticks)
{
	const struct ll_env_config *c = ll_env_config(env);
	const struct ll_layout *l = ll_env_layout(env);
	size_t n;
	const struct sim_finding *f = sim_findings(ll_env_sim(env), &n);
	char msg[600], needle[80], replay[200], fp[160];

	snprintf(replay, sizeof(replay), "heapsim run --layout %s --ticks %llu --hardening %s",
		 l->name, (unsigned long long)ticks, sys_heap_hardening_name(c->hardening));
	for (size_t i = 0; i < n; i++) {
		struct sarif_result r = { 0 };

		sim_finding_format(&f[i], msg, sizeof(msg));
		snprintf(needle, sizeof(needle), "\"%s\"", f[i].syscall[0] ? f[i].syscall : l->name);
		snprintf(fp, sizeof(fp), "run/%s/%s/%zu", l->name,
			 sim_finding_kind_long_name(f[i].kind), i);
		r.rule = sim_finding_kind_long_name(f[i].kind);
		r.level = l->vulnerable ? "warning" : "error";
		r.message = msg;
		r.layout = l->name;
		r.hardening = sys_heap_hardening_name(c->hardening);
		r.kernel_path = f[i].syscall[0] ? f[i].syscall : "LL pipeline";
		r.source_needle = needle;
		r.replay = replay;
		r.fingerprint = fp;
		r.by_design = l->vulnerable;
		sarif_add(s, &r);
	}
}

int heapsim_cmd_run(int argc, char **argv)
{
	struct ll_env_config cfg;
	struct ll_pipeline_result r;
	struct ll_env *env;
	uint64_t ticks = 1000;
	static const struct option opts[] = { CLI_ENV_OPTIONS, { "ticks", required_argument, NULL, 't' },
					      { "json", no_argument, NULL, 'j' },
					      { "sarif", required_argument, NULL, 'F' }, CLI_BUDGET_OPTIONS,
					      { 0 } };
	struct atk_budget budget = { RUN_BUDGET_TICKS, RUN_BUDGET_SECONDS };
	const char *sarif_path = NULL;
	struct sarif_log *sarif = NULL;
	struct cli_parser p;
	const char *v;
	bool json = false;
	int c, rc, err;

	if (argc > 1 && argv[1][0] != '-')
		return heapsim_run_scenario_file(argc, argv);
	ll_env_config_default(&cfg);
	cfg.layout = NULL; /* required */
	cli_parser_init(&p, "run", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		if (c == CLI_HELP) {
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		}
		if (c == 'j') {
			json = true;
		} else if (c == 'F') {
			sarif_path = v;
		} else if (c == 't') {
			if (!cli_parse_u64(v, &ticks) || !ticks || ticks > MAX_TICKS) {
				fprintf(stderr, "heapsim run: bad --ticks '%s' (1..%llu)\n", v,
					MAX_TICKS);
				return HEAPSIM_EXIT_USAGE;
			}
		} else if (c == 'T' || c == 'D') {
			if (cli_budget_option("run", c, v, &budget) < 0)
				return HEAPSIM_EXIT_USAGE;
		} else if (c == CLI_OPERAND) {
			return cli_unexpected(&p, v);
		} else if (c == CLI_BAD || cli_env_option(c, v, &cfg) <= 0) {
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (!cfg.layout) {
		fprintf(stderr, "heapsim run: --layout NAME (or a scenario file) is required\n");
		cli_list_layout_names(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	if (budget.ticks && ticks > budget.ticks) {
		fprintf(stderr, "heapsim run: budget exceeded: --ticks %llu is over the budget of %lu "
				"(raise it with --budget-ticks)\n", (unsigned long long)ticks, budget.ticks);
		return HEAPSIM_EXIT_USAGE;
	}
	if (sarif_path) {
		char e[512], cmdline[1024] = "heapsim";

		for (int i = 0; i < argc; i++)
			snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), " %s", argv[i]);
		sarif = sarif_open(sarif_path, cmdline, e, sizeof(e));
		if (!sarif) {
			fprintf(stderr, "heapsim run: --sarif: %s\n", e);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	cli_watchdog("run", (unsigned)budget.seconds);
	err = ll_env_create(&cfg, &env);
	if (err) {
		fprintf(stderr, "heapsim run: cannot build layout %s: %s\n", cfg.layout,
			strerror(-err));
		sarif_discard(sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	rc = ll_pipeline_run(env, ticks, &r);
	if (rc < 0) {
		fprintf(stderr, "heapsim run: the pipeline could not run: %s\n", strerror(-rc));
		ll_env_destroy(env);
		sarif_discard(sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	if (sarif) {
		pipeline_sarif(sarif, env, ticks);
		err = sarif_close(sarif, rc ? HEAPSIM_EXIT_FINDINGS : HEAPSIM_EXIT_CLEAN);
		if (err) {
			fprintf(stderr, "heapsim run: cannot write %s: %s\n", sarif_path, strerror(-err));
			ll_env_destroy(env);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (json)
		print_json(env, ticks, &r, rc);
	else
		print_text(env, ticks, &r, rc);
	ll_env_destroy(env);
	return rc ? HEAPSIM_EXIT_FINDINGS : HEAPSIM_EXIT_CLEAN;
}
