/*
 * heapsim audit --layout NAME [--dynamic] [--json]
 *
 * Static (default): builds the layout and lists every kernel-trusted byte
 * user mode can write (sim_audit), and through which domain and view. Exit 1
 * when anything is exposed, 0 when clean.
 *
 * --dynamic: runs the layout (SOF main: some LL ticks, an IPC forward, a
 * DMA get/put, secondary-core grants and the module pipeline; the other
 * layouts: the module pipeline) and prints the kernel-reads-user inventory:
 * every read of user-writable memory by a modelled kernel path, with what
 * the kernel did with the value. Exit 1 when the kernel trusts any such
 * value without a declared reason (kernel-trusts-user) or a finding was
 * raised, 0 otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "heapsim.h"
#include "outputs.h"

#define DYNAMIC_TICKS 100

static void help(FILE *out)
{
	fprintf(out, "usage: heapsim audit --layout NAME [--dynamic] [--json] [options]\n\n"
		     "Static audit of an LL heap layout: which kernel-trusted bytes (kernel\n"
		     "objects, in-band heap metadata) a user thread can write, and how.\n"
		     "With --dynamic: run the layout and list every kernel read of\n"
		     "user-writable memory, and which of them the kernel trusts.\n\n"
		     "options:\n");
	cli_env_options_help(out);
	fprintf(out, "  --dynamic            the kernel-reads-user inventory of a run\n"
		     "  --json               one JSON document on stdout (docs/schema/audit.schema.json)\n"
		     "exit codes: 0 clean, 1 something exposed (dynamic: trusted), 2 usage or input error\n");
}

static void print_json(const struct ll_env *env, const struct sim_audit *a)
{
	const struct ll_layout *l = ll_env_layout(env);

	char *audit = NULL;
	size_t len = 0;
	FILE *m;

	out_json_begin(stdout, "audit");
	printf(",\"layout\":");
	cli_json_string(stdout, l->name);
	printf(",\"vulnerable_by_design\":%s,\"hardening\":\"%s\",\"profile\":\"%s\",\"audit\":",
	       l->vulnerable ? "true" : "false",
	       sys_heap_hardening_name(ll_env_config(env)->hardening),
	       sys_heap_profile_name(ll_env_config(env)->profile));
	/* the simulator ends its object with a newline: one line here */
	m = open_memstream(&audit, &len);
	if (m) {
		sim_audit_json(a, m);
		fclose(m);
		while (len && audit[len - 1] == '\n')
			audit[--len] = '\0';
		fputs(audit, stdout);
		free(audit);
	}
	printf(",\"exposed\":%zu,\"verdict\":\"%s\"", a->count, a->count ? "exposed" : "clean");
	out_json_end(stdout);
}

static void print_header(const struct ll_env *env)
{
	const struct ll_layout *l = ll_env_layout(env);
	char prof[96];

	printf("layout: %s (%s)\n  %s\n  profile %s, hardening %s\n\n", l->name,
	       l->vulnerable ? "vulnerable by design" : "safe", l->description,
	       cli_profile_text(ll_env_config(env), prof, sizeof(prof)),
	       sys_heap_hardening_name(ll_env_config(env)->hardening));
}

static void print_text(const struct ll_env *env, const struct sim_audit *a)
{
	print_header(env);
	sim_audit_text(a, stdout);
	if (a->count)
		printf("\nverdict: %zu kernel-trusted item%s user-writable\n", a->count,
		       a->count == 1 ? "" : "s");
	else
		printf("\nverdict: clean\n");
}

/* ---- --dynamic -------------------------------------------------------------- */

/* What an inventory line means for the verdict. */
static bool trusted(const struct sim_kread_site *k)
{
	return k->user_writable && k->basis == SIM_KREAD_UNDECLARED && k->use != SIM_KREAD_VALUE;
}

static const char *site_class(const struct sim_kread_site *k)
{
	if (trusted(k))
		return "kernel-trusts-user";
	if (k->basis == SIM_KREAD_HEAP_INBAND)
		return "declared (known exposure)";
	return k->basis == SIM_KREAD_UNDECLARED ? "read, not trusted" : "declared";
}

static int run_dynamic(struct ll_env *env)
{
	struct ll_pipeline_result r;

	if (ll_env_layout(env)->sof_main)
		return ll_sof_exercise(env, DYNAMIC_TICKS);
	return ll_pipeline_run(env, DYNAMIC_TICKS, &r) < 0 ? -1 : 0;
}

static void dynamic_text(const struct ll_env *env, const struct sim_kread_site *k, size_t n,
			 size_t ntrusted)
{
	size_t nf;
	const struct sim_finding *f = sim_findings(ll_env_sim(env), &nf);

	print_header(env);
	printf("kernel reads of user-writable memory (%llu reads, %zu sites):\n",
	       (unsigned long long)sim_kread_total(ll_env_sim(env)), n);
	for (size_t i = 0; i < n; i++)
		printf("  %-26s %-13s %-24s %-46s as %-13s 0x%08x %-8s %s, %llu read%s\n",
		       site_class(&k[i]), k[i].context, k[i].path, k[i].what,
		       sim_kread_use_name(k[i].use), (unsigned)k[i].taddr, sim_view_name(k[i].view),
		       k[i].basis == SIM_KREAD_UNDECLARED ? k[i].grant : sim_kread_basis_name(k[i].basis),
		       (unsigned long long)k[i].count, k[i].count == 1 ? "" : "s");
	for (size_t i = 0; i < nf; i++) {
		char line[512];

		sim_finding_format(&f[i], line, sizeof(line));
		printf("finding: %s\n", line);
	}
	if (ntrusted)
		printf("\nverdict: the kernel trusts %zu value%s read from user-writable memory "
		       "(kernel-trusts-user)\n", ntrusted, ntrusted == 1 ? "" : "s");
	else
		printf("\nverdict: no kernel path trusts user-writable memory%s\n",
		       nf ? ", but the run raised findings" : "");
}

static void dynamic_json(const struct ll_env *env, const struct sim_kread_site *k, size_t n,
			 size_t ntrusted)
{
	size_t nf;

	sim_findings(ll_env_sim(env), &nf);
	printf("{\"command\":\"audit\",\"mode\":\"dynamic\",\"layout\":");
	cli_json_string(stdout, ll_env_layout(env)->name);
	printf(",\"profile\":\"%s\",\"hardening\":\"%s\",\"reads\":%llu,\"sites\":[",
	       sys_heap_profile_name(ll_env_config(env)->profile),
	       sys_heap_hardening_name(ll_env_config(env)->hardening),
	       (unsigned long long)sim_kread_total(ll_env_sim(env)));
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"class\":", i ? "," : "");
		cli_json_string(stdout, site_class(&k[i]));
		printf(",\"context\":");
		cli_json_string(stdout, k[i].context);
		printf(",\"path\":");
		cli_json_string(stdout, k[i].path);
		printf(",\"field\":");
		cli_json_string(stdout, k[i].what);
		printf(",\"use\":\"%s\",\"basis\":\"%s\",\"taddr\":\"0x%08x\",\"view\":\"%s\",\"grant\":",
		       sim_kread_use_name(k[i].use), sim_kread_basis_name(k[i].basis),
		       (unsigned)k[i].taddr, sim_view_name(k[i].view));
		cli_json_string(stdout, k[i].grant);
		printf(",\"reads\":%llu,\"forged\":%llu}", (unsigned long long)k[i].count,
		       (unsigned long long)k[i].forged);
	}
	printf("],\"kernel_trusts_user\":%zu,\"findings\":%zu}\n", ntrusted, nf);
}

static int audit_dynamic(struct ll_env *env, bool json)
{
	const struct sim_kread_site *k;
	size_t n, nf, ntrusted = 0;

	if (run_dynamic(env)) {
		fprintf(stderr, "heapsim audit: the run on %s did not complete\n",
			ll_env_layout(env)->name);
		return HEAPSIM_EXIT_USAGE;
	}
	k = sim_kreads(ll_env_sim(env), &n);
	for (size_t i = 0; i < n; i++)
		ntrusted += trusted(&k[i]);
	sim_findings(ll_env_sim(env), &nf);
	if (json)
		dynamic_json(env, k, n, ntrusted);
	else
		dynamic_text(env, k, n, ntrusted);
	return ntrusted || nf ? HEAPSIM_EXIT_FINDINGS : HEAPSIM_EXIT_CLEAN;
}

int heapsim_cmd_audit(int argc, char **argv)
{
	struct ll_env_config cfg;
	struct ll_env *env;
	struct sim_audit a;
	static const struct option opts[] = { CLI_ENV_OPTIONS, { "json", no_argument, NULL, 'j' },
					      { "dynamic", no_argument, NULL, 'd' }, { 0 } };
	struct cli_parser p;
	const char *v;
	bool json = false, dynamic = false;
	int c, err;

	ll_env_config_default(&cfg);
	cfg.layout = NULL; /* required */
	cli_parser_init(&p, "audit", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		if (c == CLI_HELP) {
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		}
		if (c == 'j')
			json = true;
		else if (c == 'd')
			dynamic = true;
		else if (c == CLI_OPERAND)
			return cli_unexpected(&p, v);
		else if (c == CLI_BAD || cli_env_option(c, v, &cfg) <= 0)
			return HEAPSIM_EXIT_USAGE;
	}
	if (!cfg.layout) {
		fprintf(stderr, "heapsim audit: --layout NAME is required\n");
		cli_list_layout_names(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	err = ll_env_create(&cfg, &env);
	if (err) {
		fprintf(stderr, "heapsim audit: cannot build layout %s: %s%s\n", cfg.layout,
			strerror(-err),
			ll_layout_find(cfg.layout)->sof_main && cfg.word_bits != 32
				? " (SOF's DSPs are 32-bit: --word-bits 32)"
				: "");
		return HEAPSIM_EXIT_USAGE;
	}
	if (dynamic) {
		err = audit_dynamic(env, json);
		ll_env_destroy(env);
		return err;
	}
	if (sim_audit(ll_env_sim(env), &a)) {
		fprintf(stderr, "heapsim audit: out of memory\n");
		ll_env_destroy(env);
		return HEAPSIM_EXIT_USAGE;
	}
	if (json)
		print_json(env, &a);
	else
		print_text(env, &a);
	err = a.count ? HEAPSIM_EXIT_FINDINGS : HEAPSIM_EXIT_CLEAN;
	sim_audit_free(&a);
	ll_env_destroy(env);
	return err;
}
