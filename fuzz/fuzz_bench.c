/*
 * fuzz-bench: prints exec/s of the in-process random driver for every
 * target × layout, with the simulator's page-rights switching on and off in
 * the same run (same seeds, same inputs), and the ratio. The driver
 * restarts with the next seed after a finding, so every layout runs the
 * same number of inputs. Numbers only; no pass/fail.
 *
 *   fuzz-bench [EXECS]      (default 2000 per target, layout and setting)
 *   fuzz-bench --sof [EXECS] the SOF-main layouts only (fuzz_user_syscalls):
 *                           exec/s with the kernel-reads-user oracle on and
 *                           off, and the inputs to the first finding from an
 *                           empty corpus for seeds 1-5 (median, kinds)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Runs n inputs (restarting the driver with the next seed after each
 * finding, so vulnerable layouts are measured too) and returns exec/s. */
static double rate_opts(const struct fuzz_target *t, const char *layout, bool off, bool kread_off,
			unsigned long n, unsigned *findings)
{
	struct fuzz_opts o;
	unsigned long done = 0;
	double secs = 0;

	fuzz_opts_default(&o);
	o.layout = layout;
	o.protect_off = off;
	o.kread_off = kread_off;
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

static double rate(const struct fuzz_target *t, const char *layout, bool off, unsigned long n,
		   unsigned *findings)
{
	return rate_opts(t, layout, off, false, n, findings);
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The SOF-main layouts: the oracle's cost, and inputs to a first finding. */
static int sof_main_bench(unsigned long n)
{
	const struct fuzz_target *t = &fuzz_targets[FUZZ_USER_SYSCALLS];

	printf("| layout | exec/s, oracle on | exec/s, oracle off | inputs to first finding (seeds 1-5) "
	       "| median | first finding kinds |\n|---|---|---|---|---|---|\n");
	for (size_t l = 0; l < ll_layout_count(); l++) {
		const char *layout = ll_layout_at(l)->name;
		unsigned long first[5];
		char kinds[256] = "";
		unsigned f;
		double on, off;

		if (!ll_layout_at(l)->sof_main)
			continue;
		rate_opts(t, layout, false, false, n / 10 + 1, &f);
		on = rate_opts(t, layout, false, false, n, &f);
		off = rate_opts(t, layout, false, true, n, &f);
		for (unsigned s = 0; s < 5; s++) {
			struct fuzz_drive_stats st;
			struct fuzz_opts o;
			size_t k = strlen(kinds);

			fuzz_opts_default(&o);
			o.layout = layout;
			o.escape_only = ll_layout_at(l)->vulnerable;
			fuzz_drive(t, &o, s + 1, n, 0, &st);
			first[s] = st.found ? st.execs : 0;
			snprintf(kinds + k, sizeof(kinds) - k, "%s%s", s ? ", " : "",
				 st.found ? sim_finding_kind_long_name(st.finding.kind) : "none");
			free(st.crash);
		}
		printf("| %s | %.0f | %.0f | %lu, %lu, %lu, %lu, %lu |", layout, on, off, first[0],
		       first[1], first[2], first[3], first[4]);
		qsort(first, 5, sizeof(first[0]), cmp_ul);
		printf(" %lu | %s |\n", first[2], kinds);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n;

	if (argc > 1 && !strcmp(argv[1], "--sof")) {
		n = argc > 2 ? strtoul(argv[2], NULL, 0) : 500;
		if (!n) {
			fprintf(stderr, "usage: fuzz-bench [--sof] [EXECS]\n");
			return 2;
		}
		return sof_main_bench(n);
	}
	n = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000;

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
