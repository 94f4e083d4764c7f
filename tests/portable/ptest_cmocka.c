/*
 * Host runner for the portable checks: every check of every suite becomes a
 * CMocka test; a generic suite runs once per test allocator, as its own
 * group "suite[allocator]".
 *   portable_checks            all suites
 *   portable_checks NAME...    only these suites
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "allocator.h"
#include "ptest.h"
#include "ptest_suites.h"

struct run {
	const struct ptest *check;
	void *arg;
};

void ptest_fail(const char *file, int line, const char *expr, long long a, long long b)
{
	if (a == PTEST_NOVAL && b == PTEST_NOVAL)
		print_error("%s:%d: check failed: %s\n", file, line, expr);
	else
		print_error("%s:%d: check failed: %s (%lld vs %lld; 0x%llx vs 0x%llx)\n",
			    file, line, expr, a, b, (unsigned long long)a,
			    (unsigned long long)b);
	_fail(file, line);
	abort(); /* _fail does not return */
}

static void trampoline(void **state)
{
	const struct run *r = *state;

	r->check->fn(r->arg);
}

static int run_group(const struct ptest_suite *s, const struct test_allocator *a)
{
	struct CMUnitTest *tests = calloc(s->count, sizeof(*tests));
	struct run *runs = calloc(s->count, sizeof(*runs));
	char group[128];
	int failed;

	if (!tests || !runs) {
		fprintf(stderr, "portable_checks: out of memory\n");
		exit(2);
	}
	snprintf(group, sizeof(group), a ? "%s[%s]" : "%s", s->name, a ? a->name : "");
	for (size_t i = 0; i < s->count; i++) {
		runs[i].check = &s->checks[i];
		runs[i].arg = (void *)a;
		tests[i].name = s->checks[i].name;
		tests[i].test_func = trampoline;
		tests[i].initial_state = &runs[i];
	}
	failed = _cmocka_run_group_tests(group, tests, s->count, NULL, NULL);
	free(tests);
	free(runs);
	return failed;
}

static int wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0, groups = 0;

	for (const struct ptest_suite *const *s = ptest_all_suites; *s; s++) {
		if (!wanted((*s)->name, argc, argv))
			continue;
		if (!(*s)->generic) {
			failed += run_group(*s, NULL);
			groups++;
			continue;
		}
		for (const struct test_allocator *const *a = test_allocators; *a; a++) {
			failed += run_group(*s, *a);
			groups++;
		}
	}
	if (!groups) {
		fprintf(stderr, "portable_checks: no suite matched\n");
		return 2;
	}
	return failed ? 1 : 0;
}
