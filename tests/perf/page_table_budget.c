/*
 * Page-table changes per fuzz input, counted by the simulator itself (not
 * timed): fuzz_user_syscalls on kernel-only over a fixed set of
 * pseudo-random inputs.
 *
 * - No arena or fiber-stack mapping per input once the first input has
 *   mapped them (sim_destroy keeps both for the next simulator).
 * - Page-rights changes per syscall round trip: at most one on average. The
 *   user threads of a fuzz input keep page rights still (soft rights,
 *   docs/sim.md); what is left is the kernel opening, lazily, pages it has not
 *   touched yet, and a confinement window closing pages when too many are
 *   open.
 *
 * Prints the per-input and per-round-trip numbers, and the same with
 * HEAPSIM_HARD_RIGHTS=1 (every user thread on page rights) as the reference
 * they are a ratio of (docs/performance.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

#define INPUTS 60
#define MAX_MPROTECT_PER_ROUND_TRIP 1.0
#define MAX_CHANGES_PER_INPUT 30.0

static uint64_t syscalls_total, syscalls_this_input;

static void on_opened(void *ctx, struct atk_session *u, const struct atk_session_config *cfg)
{
	(void)ctx, (void)u, (void)cfg;
	syscalls_total += syscalls_this_input;
	syscalls_this_input = 0;
}

static void on_step(void *ctx, struct atk_session *u, const struct atk_action *a,
		    const struct atk_event *ev)
{
	struct sim_stats st;

	(void)ctx, (void)u, (void)a, (void)ev;
	sim_stats_get(sim_current(), &st);
	syscalls_this_input = st.syscalls;
}

/* The same generator for every run: a 64-bit LCG. */
static uint8_t next_byte(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return (uint8_t)(*x >> 56);
}

static void run_one(uint64_t *x, const struct fuzz_opts *o)
{
	uint8_t buf[400];
	size_t n = 24 + next_byte(x) % 200 + next_byte(x) % 177;
	struct fuzz_result res = { 0 };

	for (size_t i = 0; i < n; i++)
		buf[i] = next_byte(x);
	fuzz_user_syscalls_run(buf, n, o, &res);
}

struct count {
	uint64_t trips, maps, rights;
	double per_input, per_trip;
};

/* INPUTS inputs after a first one (which maps the arena and fiber stacks). */
static void measure(const struct fuzz_opts *o, struct count *c)
{
	struct sim_pt_counts before, after;
	uint64_t x = 20261203;

	syscalls_total = syscalls_this_input = 0;
	run_one(&x, o);
	syscalls_this_input = 0;
	sim_page_table_counts(&before);
	for (int i = 0; i < INPUTS; i++)
		run_one(&x, o);
	sim_page_table_counts(&after);
	syscalls_total += syscalls_this_input;
	c->trips = syscalls_total;
	c->maps = (after.mmap - before.mmap) + (after.munmap - before.munmap) + (after.memfd - before.memfd);
	c->rights = after.mprotect - before.mprotect;
	c->per_input = (double)(c->maps + c->rights) / INPUTS;
	c->per_trip = c->trips ? (double)c->rights / (double)c->trips : 0;
}

int main(void)
{
	static const struct fuzz_observer obs = { on_opened, on_step, NULL };
	struct fuzz_opts o;
	struct count soft, hard;

	fuzz_opts_default(&o);
	o.layout = "kernel-only";
	fuzz_user_syscalls_observe(&obs);
	setenv("HEAPSIM_HARD_RIGHTS", "1", 1);
	measure(&o, &hard);
	unsetenv("HEAPSIM_HARD_RIGHTS");
	measure(&o, &soft);
	printf("%d inputs, %llu syscall round trips: %.1f page-table changes per input "
	       "(%llu mmap/munmap/memfd_create in all), %.2f mprotect per round trip\n",
	       INPUTS, (unsigned long long)soft.trips, soft.per_input, (unsigned long long)soft.maps,
	       soft.per_trip);
	printf("with every user thread on page rights (HEAPSIM_HARD_RIGHTS=1): %.1f per input, "
	       "%.2f per round trip: %.1fx as many\n",
	       hard.per_input, hard.per_trip, soft.per_input > 0 ? hard.per_input / soft.per_input : 0);
	if (!soft.trips || soft.trips != hard.trips) {
		fprintf(stderr, "FAIL: %llu round trips (%llu with page rights): the inputs no longer reach "
			"the kernel, or the two runs differ\n",
			(unsigned long long)soft.trips, (unsigned long long)hard.trips);
		return 1;
	}
	if (soft.maps) {
		fprintf(stderr, "FAIL: the arena or a fiber stack was mapped again after the first input\n");
		return 1;
	}
	if (soft.per_trip > MAX_MPROTECT_PER_ROUND_TRIP || soft.per_input > MAX_CHANGES_PER_INPUT) {
		fprintf(stderr, "FAIL: %.2f mprotect per syscall round trip (at most %.1f), %.1f per input "
			"(at most %.0f)\n", soft.per_trip, MAX_MPROTECT_PER_ROUND_TRIP, soft.per_input,
			MAX_CHANGES_PER_INPUT);
		return 1;
	}
	return 0;
}
