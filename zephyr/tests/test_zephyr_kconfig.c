/*
 * Kconfig-style settings reach the heaps this file creates: compiled once per
 * setting set (ZT_* tell the test what to expect), each time checking the
 * configuration and that Z_HEAP_MIN_SIZE is the exact smallest usable heap.
 */
#include <zephyr/kernel.h>
#include <zephyr/sys/sys_heap.h>

#include "zephyr_test.h"

static uint8_t buf[8192] __aligned(8);

static void settings_reach_the_heap(void **state)
{
	struct sys_heap h;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	assert_int_equal(h.cfg.hardening, ZT_HARDENING);
	assert_int_equal(h.cfg.runtime_stats, ZT_STATS);
	assert_int_equal(h.cfg.alloc_loops, ZT_LOOPS);
	assert_int_equal(h.cfg.internal_checks, ZT_CHECKS);
	assert_int_equal(h.cfg.word_bits, sizeof(void *) * 8);
}

static void min_size_is_exact(void **state)
{
	struct sys_heap h;

	(void)state;
	sys_heap_init(&h, buf, Z_HEAP_MIN_SIZE);
	expect_no_fatal();
	assert_non_null(sys_heap_alloc(&h, 1));
	assert_true(sys_heap_validate(&h));
	sys_heap_init(&h, buf, Z_HEAP_MIN_SIZE - 1);
	if (__ASSERT_ON)
		expect_fatal(K_ERR_KERNEL_PANIC, "too small");
	assert_null(h.heap);
	fatal_seen = 0;
}

static void min_size_for_holds(void **state)
{
	static uint8_t mem[Z_HEAP_MIN_SIZE_FOR(5000)] __aligned(8);
	struct sys_heap h;

	(void)state;
	for (size_t n = 1; n <= 5000; n += 97) {
		sys_heap_init(&h, mem, Z_HEAP_MIN_SIZE_FOR(n));
		assert_non_null(sys_heap_alloc(&h, n));
	}
	expect_no_fatal();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settings_reach_the_heap),
		cmocka_unit_test(min_size_is_exact),
		cmocka_unit_test(min_size_for_holds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
