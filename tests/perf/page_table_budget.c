/*
 * Page-table changes per fuzz input, counted by the simulator itself (not
 * timed): fuzz_user_syscalls on kernel-only over a fixed set of
 * pseudo-random inputs.
 *
 * - No arena or fiber-stack mapping per input once the first input has
 *   mapped them (sim_destroy keeps both for the next simulator).
 * - Page-rights changes per syscall round trip stay at the lazy-rights cost:
 *   a round trip opens the kernel pages it touches (one view) and the return
 *   to user mode closes them, a few calls; switching fibers and confining a
 *   syscall change no rights. Flipping the whole arena per call costs ~10.
 *
 * Prints the per-input and per-round-trip numbers (docs/performance.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

#define INPUTS 60
#define MAX_MPROTECT_PER_ROUND_TRIP 6.0

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

int main(void)
{
	static const struct fuzz_observer obs = { on_opened, on_step, NULL };
	struct sim_pt_counts before, after;
	struct fuzz_opts o;
	uint64_t x = 20261203, maps, rights;
	double per_input, per_trip;

	fuzz_opts_default(&o);
	o.layout = "kernel-only";
	fuzz_user_syscalls_observe(&obs);
	run_one(&x, &o); /* maps the arena and the fiber stacks */
	syscalls_this_input = 0;
	sim_page_table_counts(&before);
	for (int i = 0; i < INPUTS; i++)
		run_one(&x, &o);
	sim_page_table_counts(&after);
	syscalls_total += syscalls_this_input;
	maps = (after.mmap - before.mmap) + (after.munmap - before.munmap) + (after.memfd - before.memfd);
	rights = after.mprotect - before.mprotect;
	per_input = (double)(maps + rights) / INPUTS;
	per_trip = syscalls_total ? (double)rights / (double)syscalls_total : 0;
	printf("%d inputs, %llu syscall round trips: %.1f page-table changes per input "
	       "(%llu mmap/munmap/memfd_create in all), %.2f mprotect per round trip\n",
	       INPUTS, (unsigned long long)syscalls_total, per_input, (unsigned long long)maps, per_trip);
	if (!syscalls_total) {
		fprintf(stderr, "FAIL: no syscall ran: the inputs no longer reach the kernel\n");
		return 1;
	}
	if (maps) {
		fprintf(stderr, "FAIL: the arena or a fiber stack was mapped again after the first input\n");
		return 1;
	}
	if (per_trip > MAX_MPROTECT_PER_ROUND_TRIP) {
		fprintf(stderr, "FAIL: %.2f mprotect per syscall round trip (at most %.1f)\n", per_trip,
			MAX_MPROTECT_PER_ROUND_TRIP);
		return 1;
	}
	return 0;
}
