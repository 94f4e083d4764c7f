/*
 * heapsim audit --layout NAME [--json]: builds the layout and lists every
 * kernel-trusted byte user mode can write (sim_audit), and through which
 * domain and view. Exit 1 when anything is exposed, 0 when clean.
 */
#include <string.h>

#include "heapsim.h"

static void help(FILE *out)
{
	fprintf(out, "usage: heapsim audit --layout NAME [--json] [options]\n\n"
		     "Static audit of an LL heap layout: which kernel-trusted bytes (kernel\n"
		     "objects, in-band heap metadata) a user thread can write, and how.\n\n"
		     "options:\n");
	cli_env_options_help(out);
	fprintf(out, "  --json               one JSON object on stdout\n"
		     "exit codes: 0 clean, 1 something exposed, 2 usage or input error\n");
}

static void print_json(const struct ll_env *env, const struct sim_audit *a)
{
	const struct ll_layout *l = ll_env_layout(env);

	printf("{\"command\":\"audit\",\"layout\":");
	cli_json_string(stdout, l->name);
	printf(",\"vulnerable_by_design\":%s,\"hardening\":\"%s\",\"audit\":",
	       l->vulnerable ? "true" : "false",
	       sys_heap_hardening_name(ll_env_config(env)->hardening));
	sim_audit_json(a, stdout);
	printf(",\"exposed\":%zu,\"verdict\":\"%s\"}\n", a->count, a->count ? "exposed" : "clean");
}

static void print_text(const struct ll_env *env, const struct sim_audit *a)
{
	const struct ll_layout *l = ll_env_layout(env);

	printf("layout: %s (%s)\n  %s\n\n", l->name, l->vulnerable ? "vulnerable by design" : "safe",
	       l->description);
	sim_audit_text(a, stdout);
	if (a->count)
		printf("\nverdict: %zu kernel-trusted item%s user-writable\n", a->count,
		       a->count == 1 ? "" : "s");
	else
		printf("\nverdict: clean\n");
}

int heapsim_cmd_audit(int argc, char **argv)
{
	struct ll_env_config cfg;
	struct ll_env *env;
	struct sim_audit a;
	static const struct option opts[] = { CLI_ENV_OPTIONS, { "json", no_argument, NULL, 'j' }, { 0 } };
	struct cli_parser p;
	const char *v;
	bool json = false;
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
		fprintf(stderr, "heapsim audit: cannot build layout %s: %s\n", cfg.layout,
			strerror(-err));
		return HEAPSIM_EXIT_USAGE;
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
