/*
 * k_sem_give on memory the simulator did not lay out as a k_sem
 * (sim/zsem_give.c): the bytes are Zephyr's k_sem and k_thread head on the
 * 32-bit target; a waiter's links become two kernel stores, reported when
 * they leave user-writable memory; a load or store where nothing is mapped,
 * or misaligned, is a kernel fault.
 */
#include "simtest.h"

static struct fx F;

static uint32_t ta(const void *p)
{
	return (uint32_t)sim_host_to_target(F.s, p);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* A k_sem at upart whose wait queue holds one k_thread at upart+0x40. */
static uint8_t *sem_with_waiter(uint32_t next, uint32_t prev, uint8_t state, int8_t prio)
{
	uint8_t *sem = F.upart, *th = F.upart + 0x40;

	memset(sem, 0, 0x100);
	put32(sem + 0, ta(th));
	put32(sem + 4, ta(th));
	put32(th + 0, next);
	put32(th + 4, prev);
	put32(th + 8, ta(sem));
	th[13] = state;
	th[14] = (uint8_t)prio;
	return sem;
}

static const struct sim_finding *last_finding(void)
{
	size_t n;
	const struct sim_finding *f = sim_findings(F.s, &n);

	return n ? &f[n - 1] : NULL;
}

static void test_no_waiter_counts_up_to_the_limit(void **state)
{
	uint8_t *sem;

	(void)state;
	fx_init(&F);
	sem = F.upart;
	memset(sem, 0, 16);
	put32(sem + 0, ta(sem)); /* an empty sys_dlist names itself */
	put32(sem + 12, 2);
	assert_true(sim_k_sem_give_at(F.s, ta(sem), "test"));
	assert_true(sim_k_sem_give_at(F.s, ta(sem), "test"));
	assert_true(sim_k_sem_give_at(F.s, ta(sem), "test"));
	assert_int_equal(get32(sem + 8), 2);
	put32(sem + 0, 0); /* a NULL head: no waiter either */
	put32(sem + 12, 5);
	assert_true(sim_k_sem_give_at(F.s, ta(sem), "test"));
	assert_int_equal(get32(sem + 8), 3);
	assert_int_equal(fx_count_findings(&F, 0), 0);
	fx_fini(&F);
}

static void test_unlink_in_user_memory(void **state)
{
	uint8_t *sem, *th, *a, *b;

	(void)state;
	fx_init(&F);
	a = F.upart + 0x100;
	b = F.upart + 0x200;
	sem = sem_with_waiter(ta(b), ta(a), 0x12, 0); /* pending + suspended: not queued */
	th = sem + 0x40;
	assert_true(sim_k_sem_give_at(F.s, ta(sem), "test"));
	assert_int_equal(get32(a), ta(b));     /* prev->next = next */
	assert_int_equal(get32(b + 4), ta(a)); /* next->prev = prev */
	assert_int_equal(get32(th + 0), 0);
	assert_int_equal(get32(th + 4), 0);
	assert_int_equal(get32(th + 8), 0);    /* pended_on */
	assert_int_equal(th[13], 0x10);        /* no longer pending, still suspended */
	assert_int_equal(fx_count_findings(&F, 0), 0);
	fx_fini(&F);
}

static void test_store_into_kernel_memory_is_reported(void **state)
{
	uint8_t *sem, *b;
	const struct sim_finding *f;

	(void)state;
	fx_init(&F);
	b = F.upart + 0x200;
	memset(F.kdata, 0x5a, 8);
	sem = sem_with_waiter(ta(b), ta(F.kdata + 4), 0x10, 0);
	assert_true(sim_k_sem_give_at(F.s, ta(sem), "test_path"));
	assert_int_equal(get32(F.kdata + 4), ta(b));
	assert_int_equal(get32(F.kdata), 0x5a5a5a5a);
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_KERNEL_TRUSTS_USER), 1);
	f = last_finding();
	assert_non_null(f);
	assert_string_equal(f->object, "kdata");
	assert_int_equal(f->offset, 4);
	assert_int_equal(f->nbytes, 4);
	assert_int_equal(get32(f->old_bytes), 0x5a5a5a5a);
	assert_int_equal(get32(f->new_bytes), ta(b));
	assert_non_null(strstr(f->message, "test_path: k_sem_give"));
	fx_fini(&F);
}

static void test_a_ready_waiter_joins_the_run_queue(void **state)
{
	uint8_t *sem, *a;
	const struct sim_finding *f;

	(void)state;
	fx_init(&F);
	a = F.upart + 0x100;
	sem = sem_with_waiter(ta(a), ta(a), 0x02, -16);
	assert_true(sim_k_sem_give_at(F.s, ta(sem), "test"));
	assert_int_equal(sem[0x40 + 13], 0x80); /* not pending; queued */
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_KERNEL_TRUSTS_USER), 1);
	f = last_finding();
	assert_non_null(strstr(f->message, "run queue (0x"));
	assert_non_null(strstr(f->message, "prio -16"));
	fx_fini(&F);
}

/* Each state that keeps a thread from running, and one already queued: the
 * waiter is unlinked and no longer pending, but not queued (again). */
static void test_a_waiter_that_may_not_run_stays_out(void **state)
{
	static const uint8_t states[] = { 0x01, 0x04, 0x08, 0x10, 0x80 };
	uint8_t *sem, *a;

	(void)state;
	for (size_t i = 0; i < sizeof(states); i++) {
		fx_init(&F);
		a = F.upart + 0x100;
		sem = sem_with_waiter(ta(a), ta(a), states[i] | 0x02, 0);
		assert_true(sim_k_sem_give_at(F.s, ta(sem), "test"));
		assert_int_equal(sem[0x40 + 13], states[i]);
		assert_int_equal(get32(sem + 0x40), 0);
		assert_int_equal(fx_count_findings(&F, SIM_FINDING_KERNEL_TRUSTS_USER), 0);
		fx_fini(&F);
	}
}

/* A waiter that is one of the simulator's threads is woken its own way (its
 * k_thread image is not Zephyr's), reported as a wake-up the user chose. */
static int took;

static void taker(void *a, void *b, void *c)
{
	(void)b, (void)c;
	took = k_sem_take(a, K_FOREVER) == 0 ? 1 : -1;
}

static void test_a_simulator_thread_is_woken(void **state)
{
	struct k_sem *ks;
	k_tid_t t;
	uint8_t *sem;

	(void)state;
	fx_init(&F);
	took = 0;
	ks = sim_kobj_alloc(F.s, sizeof(*ks), 8, "sem");
	assert_int_equal(k_sem_init(ks, 0, 1), 0);
	t = fx_thread(&F, "taker", taker, ks, 5, false);
	sim_run(F.s, 1000);
	assert_int_equal(took, 0); /* pended */
	sem = F.upart;
	memset(sem, 0, 16);
	put32(sem, ta(t));
	assert_true(sim_k_sem_give_at(F.s, ta(sem), "test"));
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_KERNEL_FAULT), 0);
	assert_non_null(strstr(last_finding()->message, "wakes taker"));
	sim_run(F.s, 2000);
	assert_int_equal(took, 1);
	fx_fini(&F);
}

static void test_unmapped_or_misaligned_link_faults(void **state)
{
	uint8_t *sem, *b;
	const struct sim_finding *f;

	(void)state;
	fx_init(&F);
	b = F.upart + 0x200;
	put32(b + 4, 0x77);
	sem = sem_with_waiter(ta(b), 0, 0x10, 0); /* prev = NULL */
	assert_false(sim_k_sem_give_at(F.s, ta(sem), "test"));
	f = last_finding();
	assert_int_equal(f->kind, SIM_FINDING_KERNEL_FAULT);
	assert_non_null(strstr(f->message, "nothing mapped"));
	assert_int_equal(get32(b + 4), 0x77); /* the second store never happened */
	sem = sem_with_waiter(ta(b), ta(F.upart + 0x102), 0x10, 0);
	assert_false(sim_k_sem_give_at(F.s, ta(sem), "test"));
	assert_non_null(strstr(last_finding()->message, "misaligned"));
	assert_false(sim_k_sem_give_at(F.s, 0x10, "test")); /* the k_sem itself */
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_KERNEL_FAULT), 3);
	fx_fini(&F);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_waiter_counts_up_to_the_limit),
		cmocka_unit_test(test_unlink_in_user_memory),
		cmocka_unit_test(test_store_into_kernel_memory_is_reported),
		cmocka_unit_test(test_a_ready_waiter_joins_the_run_queue),
		cmocka_unit_test(test_a_waiter_that_may_not_run_stays_out),
		cmocka_unit_test(test_a_simulator_thread_is_woken),
		cmocka_unit_test(test_unmapped_or_misaligned_link_faults),
	};

	return cmocka_run_group_tests_name("sim_zsem", tests, NULL, NULL);
}
