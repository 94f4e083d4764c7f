/*
 * fuzz-bench: prints exec/s of the in-process random driver for every
 * target × layout, with the simulator's page-rights switching on and off in
 * the same run (same seeds, same inputs), and the ratio. The driver
 * restarts with the next seed after a finding, so every layout runs the
 * same number of inputs. Numbers only; no pass/fail.
 *
 *   fuzz-bench [EXECS]      (default 2000 per target, layout and setting)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Runs n inputs (restarting the driver with the next seed after each
 * finding, so vulnerable layouts are measured too) and returns exec/s. */
static double rate(const struct fuzz_target *t, const char *layout, bool off, unsigned long n,
		   unsigned *findings)
{
	struct fuzz_opts o;
	unsigned long done = 0;
	double secs = 0;

	fuzz_opts_default(&o);
	o.layout = layout;
	o.protect_off = off;
	*findings = 0;
	for (uint64_t seed = 1; done < n; seed++) {
		struct fuzz_drive_stats st;

		fuzz_drive(t, &o, seed, n - done, 0, &st);
		free(st.crash);
		done += st.execs;
		secs += st.seconds;
		*findings += st.found;
	}
	return secs > 0 ? (double)done / secs : 0;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000;

	if (!n) {
		fprintf(stderr, "usage: fuzz-bench [EXECS]\n");
		return 2;
	}
	printf("%-20s %-12s %12s %12s %8s  %s\n", "target", "layout", "protect on", "protect off",
	       "on/off", "findings (protect on)");
	for (size_t i = 0; i < fuzz_ntargets; i++) {
		const struct fuzz_target *t = &fuzz_targets[i];
		size_t nl = t->uses_layout ? ll_layout_count() : 1;

		for (size_t l = 0; l < nl; l++) {
			const char *layout = t->uses_layout ? ll_layout_at(l)->name : NULL;
			unsigned f1, f2;
			double on, off;

			rate(t, layout, false, n / 10 + 1, &f1); /* warm-up: page faults, caches */
			on = rate(t, layout, false, n, &f1);
			if (!t->uses_layout) { /* no simulator: nothing to switch */
				printf("%-20s %-12s %10.0f/s %12s %8s  %u\n", t->name, "-", on, "-", "-", f1);
				continue;
			}
			off = rate(t, layout, true, n, &f2);
			printf("%-20s %-12s %10.0f/s %10.0f/s %8.2f  %u\n", t->name, layout, on, off,
			       off > 0 ? on / off : 0, f1);
			fflush(stdout);
		}
	}
	return 0;
}
