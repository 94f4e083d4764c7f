/* Scheduling on virtual time: priorities, FIFO, timers, mutex hand-off, join/abort, budget. */
#include "simtest.h"

static struct fx F;
static char order[64];
static volatile int norder;

static void mark(char c)
{
	order[norder++] = c;
	order[norder] = 0;
}

static void marker(void *c, void *times, void *b)
{
	(void)b;
	for (intptr_t i = 0; i < (intptr_t)times; i++) {
		mark((char)(intptr_t)c);
		k_yield();
	}
}

static k_tid_t spawn(const char *name, k_thread_entry_t fn, void *p1, void *p2, int prio,
		     bool user)
{
	struct sim_thread_params pp = { 0 };

	pp.name = name, pp.entry = fn, pp.p1 = p1, pp.p2 = p2, pp.prio = prio;
	pp.options = user ? K_USER : 0;
	pp.domain = user ? F.dom : NULL;
	return sim_thread_create(F.s, &pp);
}

static void test_round_robin_order(void **state)
{
	(void)state;
	fx_init(&F);
	norder = 0;
	spawn("a", marker, (void *)'a', (void *)3, 5, false);
	spawn("b", marker, (void *)'b', (void *)3, 5, true);
	spawn("h", marker, (void *)'h', (void *)2, 1, false);
	spawn("l", marker, (void *)'l', (void *)1, 9, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	/* The urgent one first (yielding keeps it first), then a and b take turns, l last. */
	assert_string_equal(order, "hhababab" "l");
	fx_fini(&F);
}

static void tick(struct sim *s, void *arg)
{
	(void)arg;
	if (norder < 5)
		mark('t');
	(void)s;
	k_sem_give((struct k_sem *)F.kdata);
}

static volatile uint64_t wakes[8];

static void sem_taker(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	for (int i = 0; i < 3; i++) {
		k_sem_take((struct k_sem *)F.kdata, K_FOREVER);
		wakes[i] = sim_now_us(sim_current());
	}
}

static void test_timer_gives_semaphore(void **state)
{
	int id;

	(void)state;
	fx_init(&F);
	norder = 0;
	/* Reuse kdata's storage for a semaphore: unregister the data object first. */
	assert_int_equal(sim_kobj_unregister(F.s, F.kdata), 0);
	assert_int_equal(k_sem_init((struct k_sem *)F.kdata, 0, 1), 0);
	id = sim_timer_start(F.s, 1000, 1000, tick, NULL);
	assert_true(id >= 0);
	k_object_access_grant(F.kdata, spawn("ll", sem_taker, NULL, NULL, 1, true));
	assert_int_equal(sim_run(F.s, 3500), SIM_RUN_TIME);
	assert_int_equal(sim_now_us(F.s), 3500);
	assert_int_equal(wakes[0], 1000);
	assert_int_equal(wakes[1], 2000);
	assert_int_equal(wakes[2], 3000);
	assert_string_equal(order, "ttt");
	sim_timer_stop(F.s, id);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	fx_fini(&F);
}

static struct k_mutex *mtx;
static volatile int inside, max_inside;

static void locker(void *c, void *b, void *x)
{
	(void)b, (void)x;
	for (int i = 0; i < 2; i++) {
		k_mutex_lock(mtx, K_FOREVER);
		if (++inside > max_inside)
			max_inside = inside;
		mark((char)(intptr_t)c);
		k_sleep(K_USEC(100));
		inside--;
		k_mutex_unlock(mtx);
		k_yield();
	}
}

static void test_mutex_hand_off(void **state)
{
	k_tid_t a, b;

	(void)state;
	fx_init(&F);
	norder = 0;
	inside = max_inside = 0;
	mtx = sim_kobj_alloc(F.s, sizeof(*mtx), 8, "mtx");
	assert_int_equal(k_mutex_init(mtx), 0);
	a = spawn("a", locker, (void *)'a', NULL, 5, true);
	b = spawn("b", locker, (void *)'b', NULL, 5, true);
	k_object_access_grant(mtx, a);
	k_object_access_grant(mtx, b);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(max_inside, 1);
	assert_string_equal(order, "abab");
	assert_int_equal(mtx->owner, 0);
	assert_int_equal(sim_now_us(F.s), 400);
	/* From main: unlock of a free mutex, and of one held by someone else. */
	assert_int_equal(k_mutex_unlock(mtx), -EINVAL);
	fx_fini(&F);
}

static void sleeper(void *us, void *b, void *c)
{
	(void)b, (void)c;
	k_sleep(K_USEC((int64_t)(intptr_t)us));
	mark('s');
}

static volatile int join_rc = 99;

static void joiner(void *t, void *b, void *c)
{
	(void)b, (void)c;
	join_rc = k_thread_join(t, K_FOREVER);
	mark('j');
}

static void test_join_and_abort(void **state)
{
	k_tid_t s1, s2;

	(void)state;
	fx_init(&F);
	norder = 0;
	s1 = spawn("s1", sleeper, (void *)500, NULL, 5, false);
	spawn("j", joiner, s1, NULL, 4, false);
	s2 = spawn("s2", sleeper, (void *)10000, NULL, 5, true);
	assert_int_equal(sim_run(F.s, 1000), SIM_RUN_TIME);
	assert_string_equal(order, "sj");
	assert_int_equal(join_rc, 0);
	/* Abort a sleeping thread from main; join from main returns at once. */
	k_thread_abort(s2);
	assert_int_equal(sim_thread_state(F.s, s2), SIM_THREAD_ABORTED);
	assert_int_equal(k_thread_join(s2, K_NO_WAIT), 0);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_string_equal(order, "sj");
	fx_fini(&F);

	/* Join from main runs the scheduler until the thread is done. */
	fx_init(&F);
	norder = 0;
	s1 = spawn("s1", sleeper, (void *)700, NULL, 5, false);
	assert_int_equal(k_thread_join(s1, K_USEC(100)), -EAGAIN);
	assert_int_equal(k_thread_join(s1, K_FOREVER), 0);
	assert_int_equal(sim_now_us(F.s), 700);
	assert_int_equal(sim_thread_state(F.s, s1), SIM_THREAD_EXITED);
	fx_fini(&F);
}

static void forever_yield(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	for (;;)
		k_yield();
}

static void pend_forever(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	k_sem_take((struct k_sem *)a, K_FOREVER);
}

static void test_budget_and_blocked(void **state)
{
	struct sim_config cfg;
	struct k_sem *sem;

	(void)state;
	sim_config_default(&cfg);
	cfg.switch_budget = 100;
	fx_init_cfg(&F, &cfg);
	spawn("spin", forever_yield, NULL, NULL, 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_BUDGET);
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_HANG), 1);
	fx_fini(&F);

	fx_init(&F);
	sem = sim_kobj_alloc(F.s, sizeof(*sem), 8, "never");
	assert_int_equal(k_sem_init(sem, 0, 1), 0);
	spawn("waits", pend_forever, sem, NULL, 5, false);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_BLOCKED);
	fx_fini(&F);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_robin_order),
		cmocka_unit_test(test_timer_gives_semaphore),
		cmocka_unit_test(test_mutex_hand_off),
		cmocka_unit_test(test_join_and_abort),
		cmocka_unit_test(test_budget_and_blocked),
	};

	return cmocka_run_group_tests_name("sim_thread", tests, NULL, NULL);
}
