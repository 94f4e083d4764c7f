/*
 * Every portable suite, for both runners (ptest.h). Add a suite here after
 * defining it with PTEST_SUITE / PTEST_GENERIC_SUITE.
 */
#ifndef HEAPSIM_PTEST_SUITES_H
#define HEAPSIM_PTEST_SUITES_H

#include "ptest.h"

#define PTEST_SUITES(X)                                                       \
	X(heap_init)                                                          \
	X(heap_place)                                                         \
	X(heap_merge)                                                         \
	X(heap_bucket)                                                        \
	X(heap_aligned)                                                       \
	X(heap_realloc)                                                       \
	X(heap_stats)                                                         \
	X(heap_validate)                                                      \
	X(heap_strict)                                                        \
	X(heap_hardening)                                                     \
	X(heap_stress)                                                        \
	X(heap_view)                                                          \
	X(alloc_generic)                                                      \
	X(oob_heap)

#define PTEST_DECLARE_SUITE(s) extern const struct ptest_suite ptest_suite_##s;
PTEST_SUITES(PTEST_DECLARE_SUITE)
#undef PTEST_DECLARE_SUITE

/* NULL-terminated, in the order above (ptest_suites.c). */
extern const struct ptest_suite *const ptest_all_suites[];

#endif /* HEAPSIM_PTEST_SUITES_H */
