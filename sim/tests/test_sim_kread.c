/*
 * Interleaving points (sim/kread.c): the hook runs just before each kernel
 * read of user-writable memory and only then, so a store by another core's
 * thread placed at read N is seen by read N and not by read N-1; that store
 * obeys the other thread's rights.
 */
#include "simtest.h"

static struct fx F;

struct race {
	k_tid_t other;
	unsigned seen, at;
	uint32_t value;
	int rc;
	char what[32];
};

static void hook(void *ctx, const void *p, size_t len, const char *path, const char *what)
{
	struct race *r = ctx;

	(void)path;
	if (++r->seen != r->at)
		return;
	snprintf(r->what, sizeof(r->what), "%s", what);
	r->rc = sim_store_by_other_core(F.s, r->other, (void *)p, &r->value, len < 4 ? len : 4);
}

static void test_hook_runs_before_the_read(void **state)
{
	uint32_t *slot, v1, v2, v3;
	struct race r = { 0 };

	(void)state;
	fx_init(&F);
	slot = (uint32_t *)F.upart;
	*slot = 7;
	r.other = fx_thread(&F, "core1", fx_yield_ten, &(int){ 0 }, 5, true);
	r.at = 2;
	r.value = 0x1234;
	sim_kread_set_hook(F.s, hook, &r);
	v1 = sim_kread32(slot, "path", "first", SIM_KREAD_VALUE, SIM_KREAD_UNDECLARED, 7);
	v2 = sim_kread32(slot, "path", "second", SIM_KREAD_VALUE, SIM_KREAD_UNDECLARED, 7);
	(void)sim_kread32(F.kdata, "path", "kernel-only", SIM_KREAD_VALUE, SIM_KREAD_UNDECLARED, 0);
	v3 = sim_kread32(slot, "path", "third", SIM_KREAD_VALUE, SIM_KREAD_UNDECLARED, 7);
	sim_kread_set_hook(F.s, NULL, NULL);
	assert_int_equal(v1, 7);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.what, "second");
	assert_int_equal(v2, 0x1234);
	assert_int_equal(v3, 0x1234);
	assert_int_equal(r.seen, 3); /* a read of kernel-only memory is no interleaving point */
	fx_fini(&F);
}

static void test_other_core_store_obeys_its_rights(void **state)
{
	uint32_t v = 0xdead, before;
	k_tid_t t;

	(void)state;
	fx_init(&F);
	t = fx_thread(&F, "core1", fx_yield_ten, &(int){ 0 }, 5, true);
	memcpy(&before, F.kdata, 4);
	assert_int_equal(sim_store_by_other_core(F.s, t, F.kdata, &v, 4), -EFAULT);
	assert_memory_equal(F.kdata, &before, 4);
	assert_int_equal(sim_store_by_other_core(F.s, t, F.rpart, &v, 4), -EFAULT); /* read-only */
	assert_int_equal(sim_store_by_other_core(F.s, t, F.upart + 8, &v, 4), 0);
	assert_memory_equal(F.upart + 8, &v, 4);
	fx_fini(&F);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hook_runs_before_the_read),
		cmocka_unit_test(test_other_core_store_obeys_its_rights),
	};

	return cmocka_run_group_tests_name("sim_kread", tests, NULL, NULL);
}
