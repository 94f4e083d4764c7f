/*
 * sched-bench [--ticks N] [--reps R]: ticks per second of the LL module
 * pipeline on every layout, with page-rights switching on and off
 * (sim_set_protect) in the same run, and the ratio. Prints a Markdown table
 * (docs/performance.md, "Scheduler"). Median of R repetitions.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

struct sample {
	double tps;
	double mprotect_per_tick, syscalls_per_tick, switches_per_tick;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One pipeline run; false when it did not run clean. */
static bool measure(const char *layout, bool protect, uint64_t ticks, struct sample *s)
{
	struct ll_env_config c;
	struct ll_env *env;
	struct ll_pipeline_result r;
	struct sim_stats st;
	int rc;

	ll_env_config_default(&c);
	c.layout = layout;
	c.sim.trace = false; /* the event trace is for debugging, not for timing */
	if (ll_env_create(&c, &env))
		return false;
	sim_set_protect(ll_env_sim(env), protect);
	sim_stats_reset(ll_env_sim(env));
	rc = ll_pipeline_run(env, ticks, &r);
	sim_stats_get(ll_env_sim(env), &st);
	ll_env_destroy(env);
	if (rc || !r.ticks || r.seconds <= 0)
		return false;
	s->tps = (double)r.ticks / r.seconds;
	s->mprotect_per_tick = (double)st.mprotect_calls / (double)r.ticks;
	s->syscalls_per_tick = (double)st.syscalls / (double)r.ticks;
	s->switches_per_tick = (double)st.context_switches / (double)r.ticks;
	return true;
}

static bool median(const char *layout, bool protect, uint64_t ticks, unsigned reps,
		   struct sample *out)
{
	double tps[16];

	for (unsigned i = 0; i < reps; i++) {
		if (!measure(layout, protect, ticks, out))
			return false;
		tps[i] = out->tps;
	}
	qsort(tps, reps, sizeof(tps[0]), cmp_double);
	out->tps = tps[reps / 2];
	return true;
}

/* A whole decimal or 0x number up to max: no sign, no junk, no wrap. */
static bool parse_count(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	uint64_t ticks = 2000, reps64 = 3;
	unsigned reps;

	for (int i = 1; i < argc; i++) {
		bool ok;

		if (!strcmp(argv[i], "--ticks") && i + 1 < argc)
			ok = parse_count(argv[++i], 100000000, &ticks);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			ok = parse_count(argv[++i], 15, &reps64);
		else
			ok = false;
		if (!ok) {
			fprintf(stderr, "sched-bench: bad or out-of-range argument '%s'\n"
					"usage: sched-bench [--ticks N (1..10^8)] [--reps R (1..15)]\n", argv[i]);
			return 2;
		}
	}
	reps = (unsigned)reps64;
	if (!ticks || !reps || reps > 15) {
		fprintf(stderr, "sched-bench: --ticks must be > 0 and --reps 1..15\n");
		return 2;
	}
	printf("LL module pipeline, %llu ticks, median of %u runs per cell\n\n",
	       (unsigned long long)ticks, reps);
	printf("| layout | ticks/s (protection on) | ticks/s (off) | on/off | mprotect/tick | "
	       "syscalls/tick | switches/tick |\n|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < ll_layout_count(); i++) {
		const char *name = ll_layout_at(i)->name;
		struct sample on, off;

		if (!median(name, true, ticks, reps, &on) || !median(name, false, ticks, reps, &off)) {
			printf("| %s | run not clean | | | | | |\n", name);
			continue;
		}
		printf("| %s | %.0f | %.0f | %.3f | %.1f | %.1f | %.1f |\n", name, on.tps, off.tps,
		       on.tps / off.tps, on.mprotect_per_tick, on.syscalls_per_tick,
		       on.switches_per_tick);
	}
	return 0;
}
