/*
 * ptest — portable checks, written once, run by two runners:
 *   - on the host by CMocka (tests/portable/ptest_cmocka.c), one CMocka test
 *     per check, label `unit`;
 *   - on the Xtensa target by a minimal runner (port/xtensa), no CMocka.
 *
 * Contract for check files (tests/portable/ *.c):
 *   - include only heap.h, ptest.h, the pt_*.h helpers of this directory and
 *     <stdint.h> <stddef.h> <stdbool.h> <string.h> (memset/memcpy/memcmp)
 *     and <errno.h> (constants); no stdio, no malloc: static buffers (PT_ALIGNED(4096) where a result
 *     depends on the target base modulo an alignment).
 *   - define checks with PTEST(name) { ... }; a check gets `ptest_arg`
 *     (void *): NULL for a plain suite, the allocator for a generic one.
 *   - list them at the end of the file:
 *         PTEST_SUITE(heap_place, PTEST_ENTRY(name1), PTEST_ENTRY(name2));
 *     which defines `const struct ptest_suite ptest_suite_heap_place`.
 *   - add the suite to PTEST_SUITES in tests/portable/ptest_suites.h.
 *
 * Contract for runners: implement ptest_fail(); it must not return (CMocka:
 * fail the current test; target: longjmp back to the runner, which prints
 * `FAIL name`). Run each check of each suite listed by PTEST_SUITES:
 *   - suite->generic == false: once, with arg NULL;
 *   - suite->generic == true: once per allocator in test_allocators[]
 *     (tests/portable/allocator.h), with arg = that allocator.
 * A check that returns has passed. Checks keep no state between runs except
 * what they reset themselves, so any order and any subset is fine.
 *
 * ptest_fail(file, line, expr, a, b): `expr` is the asserted text; a and b are
 * the two compared values (integers and pointers as long long), or both
 * PTEST_NOVAL when the assertion has no values (PT_ASSERT, PT_FAIL).
 */
#ifndef HEAPSIM_PTEST_H
#define HEAPSIM_PTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*ptest_fn)(void *ptest_arg);

struct ptest {
	const char *name;
	ptest_fn fn;
};

struct ptest_suite {
	const char *name;
	const struct ptest *checks;
	size_t count;
	bool generic; /* run once per test allocator */
};

#define PTEST_NOVAL ((long long)(-0x7fffffffffffffffLL - 1))

__attribute__((noreturn)) void ptest_fail(const char *file, int line,
					  const char *expr, long long a,
					  long long b);

#define PTEST(name) static void name(void *ptest_arg __attribute__((unused)))
#define PTEST_ENTRY(name) { #name, name }

#define PTEST_SUITE_(sname, gen, ...)                                         \
	static const struct ptest ptest_checks_##sname[] = { __VA_ARGS__ };   \
	const struct ptest_suite ptest_suite_##sname = {                      \
		#sname, ptest_checks_##sname,                                 \
		sizeof(ptest_checks_##sname) / sizeof(ptest_checks_##sname[0]), \
		gen }
/* A plain suite: each check runs once with ptest_arg == NULL. */
#define PTEST_SUITE(sname, ...) PTEST_SUITE_(sname, false, __VA_ARGS__)
/* A generic suite: each check runs once per test allocator. */
#define PTEST_GENERIC_SUITE(sname, ...) PTEST_SUITE_(sname, true, __VA_ARGS__)

#define PT_ALIGNED(n) __attribute__((aligned(n)))

#define PT_FAIL(msg) ptest_fail(__FILE__, __LINE__, msg, PTEST_NOVAL, PTEST_NOVAL)

#define PT_ASSERT(cond)                                                       \
	do {                                                                  \
		if (!(cond))                                                  \
			ptest_fail(__FILE__, __LINE__, #cond, PTEST_NOVAL,    \
				   PTEST_NOVAL);                              \
	} while (0)

/* Integers (signed or unsigned, up to 64 bits); both values are reported. */
#define PT_ASSERT_EQ(a, b)                                                    \
	do {                                                                  \
		long long pt_a_ = (long long)(a), pt_b_ = (long long)(b);    \
		if (pt_a_ != pt_b_)                                           \
			ptest_fail(__FILE__, __LINE__, #a " == " #b, pt_a_,   \
				   pt_b_);                                    \
	} while (0)

#define PT_ASSERT_NE(a, b)                                                    \
	do {                                                                  \
		long long pt_a_ = (long long)(a), pt_b_ = (long long)(b);    \
		if (pt_a_ == pt_b_)                                           \
			ptest_fail(__FILE__, __LINE__, #a " != " #b, pt_a_,   \
				   pt_b_);                                    \
	} while (0)

#define PT_ASSERT_PTR_EQ(a, b)                                                \
	do {                                                                  \
		const void *pt_a_ = (a), *pt_b_ = (b);                        \
		if (pt_a_ != pt_b_)                                           \
			ptest_fail(__FILE__, __LINE__, #a " == " #b,          \
				   (long long)(intptr_t)pt_a_,                \
				   (long long)(intptr_t)pt_b_);               \
	} while (0)

#define PT_ASSERT_NULL(p) PT_ASSERT_PTR_EQ(p, NULL)

#define PT_ASSERT_NOT_NULL(p)                                                 \
	do {                                                                  \
		if ((p) == NULL)                                              \
			ptest_fail(__FILE__, __LINE__, #p " != NULL",         \
				   PTEST_NOVAL, PTEST_NOVAL);                 \
	} while (0)

#endif /* HEAPSIM_PTEST_H */
