#include "ptest_suites.h"

#define PTEST_SUITE_PTR(s) &ptest_suite_##s,
const struct ptest_suite *const ptest_all_suites[] = { PTEST_SUITES(PTEST_SUITE_PTR) NULL };
