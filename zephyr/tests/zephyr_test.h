/*
 * Shared by the drop-in's tests: a k_sys_fatal_error_handler that records the
 * fatal error and returns (so the failing heap call returns its failure
 * value), and helpers to expect one.
 */
#ifndef ZEPHYR_TEST_H
#define ZEPHYR_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <zephyr/kernel.h>

extern int fatal_seen;            /* fatal errors since the last expect/forbid */
extern unsigned int fatal_reason; /* reason of the last one */

/* Asserts that exactly one fatal error with `reason` happened since the last
 * check and that its message contains `needle`. */
#define expect_fatal(reason, needle) check_fatal((reason), (needle), __FILE__, __LINE__)
#define expect_no_fatal() check_no_fatal(__FILE__, __LINE__)
void check_fatal(unsigned int reason, const char *needle, const char *file, int line);
void check_no_fatal(const char *file, int line);

#endif
