/*
 * The Zephyr drop-in as a production build has it: no CONFIG_ASSERT. The
 * __ASSERT-only checks do not fire (the call just fails), the hardening level
 * defaults to BASIC, and what would fault or panic on Zephyr still does.
 */
#include <zephyr/kernel.h>
#include <zephyr/sys/sys_heap.h>

#include "zephyr_test.h"

static uint8_t buf[32 * 1024] __aligned(8);

K_HEAP_DEFINE(kh, 2048);

static int reset(void **state)
{
	(void)state;
	fatal_seen = 0;
	return 0;
}

static void defaults_follow_kconfig(void **state)
{
	struct sys_heap h;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	assert_int_equal(h.cfg.hardening, SYS_HEAP_HARDENING_BASIC);
	assert_int_equal(h.cfg.word_bits, sizeof(void *) * 8);
	assert_false(h.cfg.runtime_stats);
	assert_false(h.cfg.internal_checks);
	assert_int_equal(h.cfg.alloc_loops, 3);
	assert_int_equal(kh.heap.cfg.hardening, SYS_HEAP_HARDENING_BASIC);
	assert_int_equal(__ASSERT_ON, 0);
}

static void assert_only_checks_are_silent(void **state)
{
	static uint8_t tiny[16] __aligned(8);
	struct sys_heap h, small;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	void *p;

	/* 7 is no alignment even after its rewind bit: the sys_heap refuses it */
	assert_null(sys_heap_aligned_alloc(&h, 7, 16));
	assert_null(k_heap_aligned_alloc(&kh, 7, 16, K_NO_WAIT));
	/* 24 reaches the sys_heap as upstream's "align 16, rewind 8" */
	p = k_heap_aligned_alloc(&kh, 24, 16, K_NO_WAIT);
	assert_non_null(p);
	assert_int_equal(((uintptr_t)p + 8) % 16, 0);
	k_heap_free(&kh, p);
	expect_no_fatal();
	assert_true(sys_heap_validate(&h));

	/* init: said on stderr, no panic; the unusable heap faults when used */
	sys_heap_init(&small, tiny, sizeof(tiny));
	expect_no_fatal();
	assert_null(sys_heap_alloc(&small, 1));
	expect_fatal(K_ERR_CPU_EXCEPTION, "unusable");
}

static void hardening_still_panics(void **state)
{
	struct sys_heap h;
	void *p;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	p = sys_heap_alloc(&h, 32);
	sys_heap_free(&h, p);
	sys_heap_free(&h, p);
	expect_fatal(K_ERR_KERNEL_PANIC, "double free");
	assert_null(sys_heap_alloc(NULL, 8));
	expect_fatal(K_ERR_CPU_EXCEPTION, "NULL heap");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(defaults_follow_kconfig, reset),
		cmocka_unit_test_setup(assert_only_checks_are_silent, reset),
		cmocka_unit_test_setup(hardening_still_panics, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
