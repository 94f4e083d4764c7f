/*
 * sof-main-bench: numbers for the SOF-main layouts (docs/performance.md).
 *   - kernel reads of user-writable memory per LL tick (and the inventory
 *     size: distinct kernel path × field sites), per layout;
 *   - runs per second of one short run (build the layout, 20 ticks, one IPC
 *     forward, one DMA get/put, tear down) with the kernel-reads-user oracle
 *     on and off.
 * Prints numbers; no thresholds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct ll_env *make(const char *layout)
{
	struct ll_env_config c;
	struct ll_env *env = NULL;

	ll_env_config_default(&c);
	c.layout = layout;
	if (ll_env_create(&c, &env)) {
		fprintf(stderr, "sof-main-bench: cannot build %s\n", layout);
		exit(2);
	}
	return env;
}

/* Reads per tick in steady state: the ISR's, over `ticks` ticks. */
static void reads_per_tick(const char *layout, unsigned ticks)
{
	struct ll_env *env = make(layout);
	uint64_t before, after;
	size_t sites, trusted = 0;
	const struct sim_kread_site *k;

	ll_sof_exercise(env, 20);
	before = sim_kread_total(ll_env_sim(env));
	ll_sched_run_ticks(ll_env_sched(env), ticks);
	after = sim_kread_total(ll_env_sim(env));
	k = sim_kreads(ll_env_sim(env), &sites);
	for (size_t i = 0; i < sites; i++)
		trusted += k[i].basis == SIM_KREAD_UNDECLARED && k[i].use != SIM_KREAD_VALUE;
	printf("| %s | %.2f | %zu | %zu |\n", layout, (double)(after - before) / ticks, sites, trusted);
	ll_env_destroy(env);
}

static double runs_per_s(const char *layout, bool oracle, unsigned runs)
{
	double t0 = now_s();

	for (unsigned i = 0; i < runs; i++) {
		struct ll_env *env = make(layout);

		sim_kread_set_enabled(ll_env_sim(env), oracle);
		ll_sof_exercise(env, 20);
		ll_env_destroy(env);
	}
	return runs / (now_s() - t0);
}

int main(int argc, char **argv)
{
	static const char *const layouts[] = { "sof-main", "sof-main-oob", "sof-main-fixed" };
	unsigned runs = 50;

	if (argc > 1 && (sscanf(argv[1], "%u", &runs) != 1 || !runs)) {
		fprintf(stderr, "usage: sof-main-bench [RUNS]\n");
		return 2;
	}
	printf("| layout | kernel reads of user-writable memory per tick | inventory sites | trusted (undeclared) |\n"
	       "|---|---|---|---|\n");
	for (unsigned i = 0; i < 3; i++)
		reads_per_tick(layouts[i], 1000);
	printf("\n| layout | runs/s, oracle on | runs/s, oracle off |\n|---|---|---|\n");
	for (unsigned i = 0; i < 3; i++)
		printf("| %s | %.0f | %.0f |\n", layouts[i], runs_per_s(layouts[i], true, runs),
		       runs_per_s(layouts[i], false, runs));
	return 0;
}
