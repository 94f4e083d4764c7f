/*
 * Soft user rights: a soft_rights thread's sim_user_store/sim_user_load give
 * exactly what page rights give a plain thread, and its round trips change
 * no page rights. A plain access by a soft thread is the simulator's bug.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simtest.h"

static struct fx F;
static int rounds;

struct access {
	uint8_t *p;
	uint8_t data[8];
	size_t n;
	bool write;
	uint8_t got[8];
	volatile bool done;
};

static void do_access(void *a, void *b, void *c)
{
	struct access *x = a;

	(void)b, (void)c;
	if (x->write)
		sim_user_store(x->p, x->data, x->n);
	else
		sim_user_load(x->got, x->p, x->n);
	x->done = true;
}

static k_tid_t thread(const char *name, k_thread_entry_t fn, void *arg, bool soft)
{
	struct sim_thread_params pp = { 0 };
	k_tid_t t;

	pp.name = name;
	pp.entry = fn;
	pp.p1 = arg;
	pp.prio = 5;
	pp.options = K_USER;
	pp.domain = F.dom;
	pp.soft_rights = soft;
	t = sim_thread_create(F.s, &pp);
	assert_non_null(t);
	return t;
}

struct outcome {
	bool done, oopsed;
	char oops[160];
	uint8_t mem[8], got[8];
};

/* One access by a fresh soft or plain thread on a fresh fixture. */
static void run_access(bool soft, int where, size_t at, size_t n, bool write, struct outcome *out)
{
	static struct access x;
	struct sim_oops o;
	uint8_t *base;
	k_tid_t t;

	fx_init(&F);
	base = where == 0 ? F.kdata : where == 1 ? F.rpart : F.upart;
	memset(&x, 0, sizeof(x));
	x.p = base + at;
	x.n = n;
	x.write = write;
	for (size_t i = 0; i < n; i++)
		x.data[i] = (uint8_t)(0xa0 + i);
	t = thread("u", do_access, &x, soft);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	memset(out, 0, sizeof(*out));
	out->done = x.done;
	out->oopsed = sim_thread_state(F.s, t) == SIM_THREAD_OOPSED;
	if (out->oopsed && sim_thread_oops(F.s, t, &o))
		snprintf(out->oops, sizeof(out->oops), "%s", o.message);
	memcpy(out->mem, x.p, n);
	memcpy(out->got, x.got, n);
	fx_fini(&F);
}

static void same_as_page_rights(int where, size_t at, size_t n, bool write, bool want_oops)
{
	struct outcome soft, hard;

	run_access(true, where, at, n, write, &soft);
	run_access(false, where, at, n, write, &hard);
	assert_int_equal(hard.oopsed, want_oops);
	assert_int_equal(soft.oopsed, hard.oopsed);
	assert_int_equal(soft.done, hard.done);
	assert_string_equal(soft.oops, hard.oops);
	assert_memory_equal(soft.mem, hard.mem, n);
	assert_memory_equal(soft.got, hard.got, n);
}

static void test_store_to_kernel_data_faults_alike(void **state)
{
	(void)state;
	same_as_page_rights(0, 4, 1, true, true);
}

static void test_store_to_read_only_partition_faults_alike(void **state)
{
	(void)state;
	same_as_page_rights(1, 8, 4, true, true);
}

static void test_store_to_own_partition_works_alike(void **state)
{
	(void)state;
	same_as_page_rights(2, 100, 8, true, false);
}

static void test_store_across_into_read_only_stops_alike(void **state)
{
	struct outcome soft;

	(void)state;
	/* The RW partition's last two bytes, then the RO page right after it:
	 * the first two bytes land, the third faults. */
	same_as_page_rights(2, 2 * sim_page_size() - 2, 4, true, true);
	run_access(true, 2, 2 * sim_page_size() - 2, 4, true, &soft);
	assert_int_equal(soft.mem[0], 0xa0);
	assert_int_equal(soft.mem[1], 0xa1);
	assert_int_equal(soft.mem[2], 0);
	assert_non_null(strstr(soft.oops, "user write fault"));
}

static void test_loads_alike(void **state)
{
	(void)state;
	same_as_page_rights(0, 8, 4, false, true);  /* kernel data: no read right */
	same_as_page_rights(1, 16, 4, false, false); /* read-only partition */
}

static void test_round_trips_change_no_rights(void **state)
{
	struct sim_stats st;

	(void)state;
	fx_init(&F);
	sim_set_confine(F.s, false);
	rounds = 0;
	thread("u", fx_yield_ten, &rounds, true);
	sim_stats_reset(F.s);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	sim_stats_get(F.s, &st);
	assert_int_equal(rounds, 10);
	assert_int_equal(st.to_user, 11);
	assert_int_equal(st.mprotect_calls, 0);
	fx_fini(&F);

	/* Confined: the first window may close the pages it need not copy
	 * (a call per view), then nothing changes. */
	fx_init(&F);
	rounds = 0;
	thread("u", fx_yield_ten, &rounds, true);
	sim_set_protect(F.s, false); /* every page open: the most a window closes */
	sim_set_protect(F.s, true);
	sim_stats_reset(F.s);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	sim_stats_get(F.s, &st);
	assert_int_equal(rounds, 10);
	assert_true(st.mprotect_calls <= 4);
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_CONFINEMENT), 0);
	fx_fini(&F);
}

/* A syscall writing one byte at its argument. */
static uintptr_t impl_poke(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	*(volatile uint8_t *)a[0] = 0x5a;
	return 0;
}

static int poke_id;
static uint8_t *volatile poke_at[3];

static void user_pokes(void *a, void *b, void *c)
{
	(void)b, (void)c;
	sim_syscall(poke_id, (uintptr_t)poke_at[(intptr_t)a], 0, 0, 0, 0, 0);
}

/* Thread "a" pokes first (its window closes what it need not copy, the
 * other thread's stack too); then "b" pokes `target`. */
static size_t confinement_after_poke(int target)
{
	struct sim_syscall_def d = { 0 };
	k_tid_t a, b;
	size_t bytes, n;

	fx_init(&F);
	d.name = "poke";
	d.nargs = 1;
	d.impl = impl_poke;
	poke_id = sim_syscall_register(F.s, &d);
	assert_true(poke_id >= 0);
	a = thread("a", user_pokes, (void *)0, true);
	b = thread("b", user_pokes, (void *)1, true);
	poke_at[0] = (uint8_t *)sim_thread_stack(F.s, a, &bytes) + 64;
	poke_at[1] = target ? poke_at[0] + 8 : (uint8_t *)sim_thread_stack(F.s, b, &bytes) + 64;
	sim_set_protect(F.s, false);
	sim_set_protect(F.s, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	n = fx_count_findings(&F, SIM_FINDING_CONFINEMENT);
	fx_fini(&F);
	return n;
}

static void test_own_stack_is_never_reported(void **state)
{
	(void)state;
	assert_int_equal(confinement_after_poke(0), 0); /* b writes its own stack */
	assert_int_equal(confinement_after_poke(1), 1); /* b writes a's stack */
}

static void plain_store(void *a, void *b, void *c)
{
	(void)b, (void)c;
	*(volatile uint8_t *)a = 1; /* allowed, but not through sim_user_store */
}

/* The child: a soft thread under soft_check stores plainly. */
static void plain_store_child(void *arg)
{
	struct sim_config cfg;

	(void)arg;
	sim_config_default(&cfg);
	cfg.soft_check = true;
	fx_init_cfg(&F, &cfg);
	thread("u", plain_store, F.upart, true);
	sim_run(F.s, UINT64_MAX);
}

static void test_plain_access_by_soft_thread_aborts(void **state)
{
	char err[1024];
	int status;

	(void)state;
	status = fx_run_child(plain_store_child, NULL, err, sizeof(err));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		fail_msg("a plain store by a soft thread went unnoticed: %s", err);
	if (!strstr(err, "thread 'u' (soft_rights)") || !strstr(err, "plain access"))
		fail_msg("no report naming the thread and the plain access: %s", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_to_kernel_data_faults_alike),
		cmocka_unit_test(test_store_to_read_only_partition_faults_alike),
		cmocka_unit_test(test_store_to_own_partition_works_alike),
		cmocka_unit_test(test_store_across_into_read_only_stops_alike),
		cmocka_unit_test(test_loads_alike),
		cmocka_unit_test(test_round_trips_change_no_rights),
		cmocka_unit_test(test_own_stack_is_never_reported),
		cmocka_unit_test(test_plain_access_by_soft_thread_aborts),
	};

	return cmocka_run_group_tests_name("sim_soft", tests, NULL, NULL);
}
