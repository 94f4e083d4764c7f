/*
 * SOF main's layouts and kernel paths (ll_sof_main.c), the kernel-reads-user
 * inventory, and the cache loop on target arithmetic (ll_cache.c).
 */
#include "ll_test.h"
#include "sched_internal.h"

/* Undeclared trusting reads of user-writable memory whose field starts with `what`. */
static unsigned trusting_reads(struct ll_env *env, const char *what)
{
	size_t n;
	const struct sim_kread_site *k = sim_kreads(ll_env_sim(env), &n);
	unsigned hits = 0;

	for (size_t i = 0; i < n; i++)
		if (k[i].user_writable && k[i].basis == SIM_KREAD_UNDECLARED &&
		    k[i].use != SIM_KREAD_VALUE && !strncmp(k[i].what, what, strlen(what)))
			hits++;
	return hits;
}

static unsigned all_trusting_reads(struct ll_env *env)
{
	return trusting_reads(env, "");
}

static void test_inventory_of_sof_main(void **state)
{
	static const char *const layouts[] = { "sof-main", "sof-main-oob" };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct ll_env *env = ll_test_env(layouts[i], -1);

		assert_int_equal(ll_sof_exercise(env, 40), 0);
		/* the ISR reads every core's semaphore pointer in the user heap */
		assert_int_equal(trusting_reads(env, "zephyr_domain.domain_thread["), 3);
		assert_true(trusting_reads(env, "ipc_user.") >= 2);
		assert_int_equal(trusting_reads(env, "zephyr_ll_heap"), 1);
		assert_int_equal(trusting_reads(env, "zephyr_ll_locks["), 3);
		/* without a forged value, nothing is reported */
		assert_null(ll_test_finding(env, SIM_FINDING_KERNEL_TRUSTS_USER));
		assert_true(sim_kread_total(ll_env_sim(env)) > 40);
		ll_env_destroy(env);
	}
}

static void test_fixed_trusts_no_user_memory(void **state)
{
	struct ll_env *env = ll_test_env("sof-main-fixed", -1);

	(void)state;
	assert_int_equal(ll_sof_exercise(env, 40), 0);
	assert_int_equal(all_trusting_reads(env), 0);
	assert_int_equal(ll_test_findings(env), 0);
	ll_env_destroy(env);
}

/* A user store into zephyr_domain (no heap corruption) makes the ISR give a
 * semaphore the user chose. */
static void test_forged_domain_sem(void **state)
{
	struct ll_env *env = ll_test_env("sof-main", -1);
	struct sim *sim = ll_env_sim(env);
	const struct sim_finding *f;
	size_t bytes;
	uint8_t *zd = ll_sof_object(env, "zephyr_domain", &bytes);
	/* timer, then domain_thread[] of four words: [1].sem at 4 + 16 + 4 */
	uint32_t forged = sim_host_to_target(sim, ll_sched_sem(ll_env_sched(env)));

	(void)state;
	assert_non_null(zd);
	assert_int_equal(sim_user_access(sim, ll_sched_thread(ll_env_sched(env)), zd + 24, &forged, 4,
					 true, NULL),
			 0);
	ll_sched_run_ticks(ll_env_sched(env), 3);
	f = ll_test_finding(env, SIM_FINDING_KERNEL_TRUSTS_USER);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "ISR zephyr_domain_timer_fn"));
	assert_non_null(strstr(f->message, "zephyr_domain.domain_thread[1].sem"));
	ll_env_destroy(env);

	/* on sof-main-fixed the same store faults */
	env = ll_test_env("sof-main-fixed", -1);
	sim = ll_env_sim(env);
	zd = ll_sof_object(env, "zephyr_domain", &bytes);
	assert_int_equal(sim_user_access(sim, ll_sched_thread(ll_env_sched(env)), zd + 24, &forged, 4,
					 true, NULL),
			 -EFAULT);
	ll_env_destroy(env);
}

/* Pointing zephyr_ll_heap elsewhere steers dma_init. */
static void test_forged_dma_heap(void **state)
{
	struct ll_env *env = ll_test_env("sof-main-oob", -1);
	struct sim *sim = ll_env_sim(env);
	uint32_t *var = ll_sof_object(env, "zephyr_ll_heap", NULL);
	uint32_t forged = *var + 0x40;
	const struct sim_finding *f;

	(void)state;
	assert_int_equal(sim_user_access(sim, ll_sched_thread(ll_env_sched(env)), var, &forged, 4, true,
					 NULL),
			 0);
	assert_int_equal(ll_sof_dma_get(env), -EIO);
	f = ll_test_finding(env, SIM_FINDING_KERNEL_TRUSTS_USER);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "dma_init"));
	ll_env_destroy(env);
}

static void test_core_count(void **state)
{
	struct ll_env_config c;
	struct ll_env *env = NULL;

	(void)state;
	ll_env_config_default(&c);
	c.layout = "sof-main";
	c.cores = LL_CORES_MAX + 1;
	assert_int_equal(ll_env_create(&c, &env), -EINVAL);
	c.cores = 0;
	assert_int_equal(ll_env_create(&c, &env), -EINVAL);
	c.cores = 5;
	assert_int_equal(ll_env_create(&c, &env), 0);
	assert_int_equal(ll_sof_exercise(env, 10), 0);
	assert_int_equal(trusting_reads(env, "zephyr_ll_locks["), 5);
	ll_env_destroy(env);
	c.cores = 3;
	c.word_bits = 64; /* SOF's DSPs are 32-bit */
	assert_int_equal(ll_env_create(&c, &env), -EINVAL);
	assert_null(ll_sof_object(NULL, "zephyr_domain", NULL));
}

/* Zephyr's Xtensa loop: a length whose end wraps past 2^32 runs zero times;
 * one that does not reaches the kernel-only lines after the buffer. */
static void test_cache_loop_arithmetic(void **state)
{
	struct ll_env *env = ll_test_env("pr10807-v3", -1);
	struct sim *sim = ll_env_sim(env);
	size_t bytes;
	uint8_t *buf = ll_env_heap_buffer(env, &bytes);
	uint32_t last_block = sim_host_to_target(sim, buf + bytes - 64);
	const struct sim_finding *f;

	(void)state;
	ll_cache_flush_invd_range(env, last_block, 0xfffffff5u);
	ll_cache_flush_invd_range(env, last_block, 64);
	assert_int_equal(ll_test_findings(env), 0);
	ll_cache_flush_invd_range(env, last_block, 64 + 4096);
	f = ll_test_finding(env, SIM_FINDING_CONFINEMENT);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "kernel-only lines"));
	assert_non_null(strstr(f->message, "dirty (an invalidate would lose them)"));
	assert_non_null(strstr(f->message, "ll_sched domain"));
	ll_env_destroy(env);
}

/* A second core's thread acts between two kernel steps: its store into
 * zephyr_domain lands before the ISR's next read. */
static void forge_from_core(struct ll_env *env, unsigned core, void *ctx)
{
	uint8_t *zd = ll_sof_object(env, "zephyr_domain", NULL);

	(void)core;
	memcpy(zd + 8, ctx, 4); /* domain_thread[0].sem, as a user store */
}

static void test_second_core_interleaving(void **state)
{
	struct ll_env *env = ll_test_env("sof-main", -1);
	uint32_t forged = 0xa0000040u;
	const struct sim_finding *f;

	(void)state;
	assert_int_equal(ll_sof_on_core(env, 0, forge_from_core, &forged), -EINVAL);
	assert_int_equal(ll_sof_on_core(env, 3, forge_from_core, &forged), -EINVAL);
	assert_int_equal(ll_sof_on_core(env, 2, forge_from_core, &forged), 0);
	ll_sched_run_ticks(ll_env_sched(env), 3);
	assert_true(ll_sof_core_ticks(env, 2) >= 2);
	f = ll_test_finding(env, SIM_FINDING_KERNEL_TRUSTS_USER);
	assert_non_null(f);
	assert_non_null(strstr(f->message, "domain_thread[0].sem"));
	assert_string_equal(f->thread_name, "timer ISR");
	ll_env_destroy(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory_of_sof_main),
		cmocka_unit_test(test_fixed_trusts_no_user_memory),
		cmocka_unit_test(test_forged_domain_sem),
		cmocka_unit_test(test_forged_dma_heap),
		cmocka_unit_test(test_core_count),
		cmocka_unit_test(test_cache_loop_arithmetic),
		cmocka_unit_test(test_second_core_interleaving),
	};

	return cmocka_run_group_tests_name("ll_sof_main", tests, NULL, NULL);
}
