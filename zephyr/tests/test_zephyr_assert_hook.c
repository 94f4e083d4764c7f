/*
 * A test that overrides assert_post_action() (as Zephyr's ztest does) sees
 * every failed assertion — its own __ASSERTs and the heap API's — instead of
 * a kernel panic, and the failing call returns its failure value.
 */
#include <zephyr/kernel.h>
#include <zephyr/sys/__assert.h>

#include "zephyr_test.h"

K_HEAP_DEFINE(kh, 2048);

static int asserts_seen;
static const char *assert_file;

void assert_post_action(const char *file, unsigned int line)
{
	(void)line;
	asserts_seen++;
	assert_file = file;
}

static void own_assert_reaches_the_hook(void **state)
{
	int x = 5;

	(void)state;
	asserts_seen = 0;
	__ASSERT(x == 4, "x is %d", x);
	assert_int_equal(asserts_seen, 1);
	assert_non_null(strstr(assert_file, "test_zephyr_assert_hook.c"));
	__ASSERT_NO_MSG(x == 5);
	assert_int_equal(asserts_seen, 1);
	expect_no_fatal();
}

static void heap_assert_reaches_the_hook(void **state)
{
	(void)state;
	asserts_seen = 0;
	assert_null(k_heap_aligned_alloc(&kh, 48, 16, K_NO_WAIT));
	assert_int_equal(asserts_seen, 1);
	assert_non_null(k_heap_aligned_alloc(&kh, 32, 16, K_NO_WAIT));
	assert_int_equal(asserts_seen, 1);
	/* a hardening check is no assertion: it still panics */
	void *p = k_heap_alloc(&kh, 16, K_NO_WAIT);
	k_heap_free(&kh, p);
	k_heap_free(&kh, p);
	assert_int_equal(asserts_seen, 1);
	expect_fatal(K_ERR_KERNEL_PANIC, "double free");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_assert_reaches_the_hook),
		cmocka_unit_test(heap_assert_reaches_the_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
