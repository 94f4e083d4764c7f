/*
 * On-target runner for the portable checks (tests/portable/ptest.h): the
 * same check sources the host runs under CMocka, no copy. Runs every check
 * of every suite (a generic suite once per test allocator), one line each:
 *   PASS <suite>.<check>          or  PASS <suite>[<allocator>].<check>
 *   FAIL <name>: <file>:<line>: <expression> (<a> vs <b>)
 * then "<n> passed, <n> failed"; exit status 1 when anything failed.
 * A failing assertion longjmps back here (ptest_fail must not return).
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "allocator.h"
#include "ptest.h"
#include "ptest_suites.h"

static jmp_buf check_env;
static char reason[256];

void ptest_fail(const char *file, int line, const char *expr, long long a,
		long long b)
{
	const char *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	if (a == PTEST_NOVAL && b == PTEST_NOVAL)
		snprintf(reason, sizeof(reason), "%s:%d: %s", base, line, expr);
	else
		snprintf(reason, sizeof(reason), "%s:%d: %s (%lld vs %lld; 0x%llx vs 0x%llx)",
			 base, line, expr, a, b, (unsigned long long)a,
			 (unsigned long long)b);
	longjmp(check_env, 1);
}

static int passed, failed;

static void run_check(const struct ptest_suite *s, const struct ptest *c,
		      const struct test_allocator *a)
{
	char name[160];

	if (a)
		snprintf(name, sizeof(name), "%s[%s].%s", s->name, a->name, c->name);
	else
		snprintf(name, sizeof(name), "%s.%s", s->name, c->name);
	if (setjmp(check_env) == 0) {
		c->fn((void *)a);
		printf("PASS %s\n", name);
		passed++;
	} else {
		printf("FAIL %s: %s\n", name, reason);
		failed++;
	}
}

int main(void)
{
	for (const struct ptest_suite *const *s = ptest_all_suites; *s; s++) {
		for (size_t i = 0; i < (*s)->count; i++) {
			if (!(*s)->generic) {
				run_check(*s, &(*s)->checks[i], NULL);
				continue;
			}
			for (const struct test_allocator *const *a = test_allocators; *a; a++)
				run_check(*s, &(*s)->checks[i], *a);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
