/*
 * Soft user rights change how the simulator enforces a user thread's rights,
 * never what it finds: fuzz_user_syscalls and fuzz_ll_sched give the same
 * result, finding and chain on every layout with soft rights (the default),
 * with every user thread on page rights (HEAPSIM_HARD_RIGHTS=1, the
 * reference) and with every page closed to soft threads
 * (HEAPSIM_SOFT_CHECK=1: a plain access by one aborts the test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz.h"

#define INPUTS 24

enum mode { SOFT, HARD, SOFT_CHECK, NMODES };

static void set_mode(enum mode m)
{
	unsetenv("HEAPSIM_HARD_RIGHTS");
	unsetenv("HEAPSIM_SOFT_CHECK");
	if (m == HARD)
		setenv("HEAPSIM_HARD_RIGHTS", "1", 1);
	if (m == SOFT_CHECK)
		setenv("HEAPSIM_SOFT_CHECK", "1", 1);
}

static uint8_t next_byte(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return (uint8_t)(*x >> 56);
}

/* What a run gives, as one line (the parts a verdict rests on). */
static void outcome(const struct fuzz_result *r, char *out, size_t len)
{
	const struct atk_finding *f = &r->finding;

	snprintf(out, len, "found=%d ops=%lu skipped=%d chain=%s kind=%d op=%ld msg=%s obj=%s/%s field=%s "
		 "taddr=%llx n=%u",
		 r->found, r->ops, r->skipped, r->chain, r->found ? (int)f->kind : 0, r->found ? f->op : 0,
		 r->found ? f->message : "", f->object, f->object_type, f->field,
		 (unsigned long long)f->taddr, f->nbytes);
}

static void same_in_every_mode(fuzz_run_fn run, const char *target, bool with_findings)
{
	unsigned findings = 0, runs = 0;
	unsigned long ops = 0;

	for (size_t l = 0; l < ll_layout_count(); l++) {
		const char *layout = ll_layout_at(l)->name;
		uint64_t x = 20261204 + l;

		for (int i = 0; i < INPUTS; i++) {
			uint8_t buf[320];
			size_t n = 24 + next_byte(&x) % 200 + next_byte(&x) % 97;
			char got[NMODES][1024];
			struct fuzz_opts o;

			for (size_t k = 0; k < n; k++)
				buf[k] = next_byte(&x);
			for (int m = 0; m < NMODES; m++) {
				struct fuzz_result r;

				memset(&r, 0, sizeof(r));
				fuzz_opts_default(&o);
				o.layout = layout;
				set_mode((enum mode)m);
				run(buf, n, &o, &r);
				outcome(&r, got[m], sizeof(got[m]));
				findings += m == SOFT && r.found;
				ops += m == SOFT ? r.ops : 0;
			}
			set_mode(SOFT);
			runs++;
			if (strcmp(got[SOFT], got[HARD]) || strcmp(got[SOFT], got[SOFT_CHECK]))
				fail_msg("%s on %s, input %d:\n soft:       %s\n hard:       %s\n soft-check: %s",
					 target, layout, i, got[SOFT], got[HARD], got[SOFT_CHECK]);
		}
	}
	/* The inputs must run operations, and where a target's random inputs
	 * find things (the scheduler's benign modules rarely do), findings. */
	print_message("%s: %u inputs alike in 3 modes, %lu operations, %u with a finding\n", target,
		      runs, ops, findings);
	assert_true(ops >= runs);
	if (with_findings)
		assert_true(findings >= runs / 8);
}

static void test_user_syscalls_alike(void **state)
{
	(void)state;
	same_in_every_mode(fuzz_user_syscalls_run, "fuzz_user_syscalls", true);
}

static void test_ll_sched_alike(void **state)
{
	(void)state;
	same_in_every_mode(fuzz_ll_sched_run, "fuzz_ll_sched", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_syscalls_alike),
		cmocka_unit_test(test_ll_sched_alike),
	};

	return cmocka_run_group_tests_name("fuzz_rights_modes", tests, NULL, NULL);
}
