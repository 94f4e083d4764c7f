/*
 * The module pipeline runs clean for thousands of ticks on every layout:
 * zero findings, every block freed, the heap consistent, module data intact.
 */
#include "ll_test.h"

static void run(const char *layout, int hardening, unsigned word_bits, bool user_space,
		uint64_t ticks)
{
	struct ll_env_config c;
	struct ll_env *env = NULL;
	struct ll_pipeline_result r;
	int rc;

	ll_env_config_default(&c);
	c.layout = layout;
	if (hardening >= 0)
		c.hardening = (enum sys_heap_hardening)hardening;
	c.word_bits = word_bits;
	c.user_space = user_space;
	assert_int_equal(ll_env_create(&c, &env), 0);
	rc = ll_pipeline_run(env, ticks, &r);
	if (rc)
		ll_test_print_findings(env);
	print_message("  %-12s %-8s w%u %s: %llu ticks, %llu runs, %llu allocs, peak %zu, "
		      "%llu restarts, %.2fs\n",
		      layout, sys_heap_hardening_name(c.hardening), word_bits,
		      user_space ? "user" : "kernel", (unsigned long long)r.ticks,
		      (unsigned long long)r.task_runs, (unsigned long long)r.allocs,
		      r.peak_bytes, (unsigned long long)r.module_restarts, r.seconds);
	assert_int_equal(rc, 0);
	assert_int_equal(r.findings, 0);
	assert_true(r.ticks >= ticks);
	assert_true(r.task_runs >= 4 * ticks - 8);    /* four modules every tick */
	assert_true(r.allocs > ticks);                /* the resizer allocates every tick */
	assert_int_equal(r.allocs, r.frees);
	assert_false(r.leaked);
	assert_true(r.heap_valid);
	assert_int_equal(r.data_errors, 0);
	assert_true(r.peak_bytes > 0 && r.peak_bytes < r.heap_bytes);
	assert_int_equal(r.module_restarts, ticks / 500 - (ticks % 500 == 0) +
						    ticks / 1500 - (ticks % 1500 == 0));
	ll_env_destroy(env);
}

static void test_v2(void **state)
{
	(void)state;
	run("pr10807-v2", -1, 32, true, 3000);
}

static void test_v3(void **state)
{
	(void)state;
	run("pr10807-v3", -1, 32, true, 3000);
}

static void test_kernel_only(void **state)
{
	(void)state;
	run("kernel-only", -1, 32, true, 3000);
}

static void test_oob(void **state)
{
	(void)state;
	run("oob", -1, 32, true, 3000);
}

/* Other heap configurations and the kernel LL variant, shorter. */
static void test_variants(void **state)
{
	(void)state;
	run("pr10807-v3", SYS_HEAP_HARDENING_FULL, 32, true, 1000);
	run("pr10807-v3", SYS_HEAP_HARDENING_EXTREME, 32, true, 600);
	run("pr10807-v3", SYS_HEAP_HARDENING_NONE, 64, true, 1000);
	run("oob", SYS_HEAP_HARDENING_FULL, 64, true, 1000);
	run("pr10807-v2", -1, 32, false, 1000);
	run("kernel-only", -1, 32, false, 1000);
}

/* The same run twice gives the same numbers (virtual time, seeded modules). */
static void test_deterministic(void **state)
{
	struct ll_pipeline_result r[2];

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct ll_env *env = ll_test_env("pr10807-v3", -1);

		assert_int_equal(ll_pipeline_run(env, 700, &r[i]), 0);
		ll_env_destroy(env);
	}
	assert_int_equal(r[0].allocs, r[1].allocs);
	assert_int_equal(r[0].peak_bytes, r[1].peak_bytes);
	assert_int_equal(r[0].task_runs, r[1].task_runs);
	assert_int_equal(r[0].alloc_failures, r[1].alloc_failures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_v2, ll_test_teardown),
		cmocka_unit_test_teardown(test_v3, ll_test_teardown),
		cmocka_unit_test_teardown(test_kernel_only, ll_test_teardown),
		cmocka_unit_test_teardown(test_oob, ll_test_teardown),
		cmocka_unit_test_teardown(test_variants, ll_test_teardown),
		cmocka_unit_test_teardown(test_deterministic, ll_test_teardown),
	};

	return cmocka_run_group_tests_name("ll_pipeline", tests, NULL, NULL);
}
