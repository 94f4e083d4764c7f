/*
 * The LL scheduler's rules (SOF zephyr_ll, user-space variant): priority
 * order and FIFO, completion, cancel and schedule from inside a running task,
 * free, the timer domain and the user-mode LL thread.
 */
#include "ll_test.h"

#define MAXLOG 64

/* Each test task appends its id to the log when it runs. */
struct probe {
	struct ll_task task;
	char id;
	int complete_after;         /* return COMPLETED on this run (0: never) */
	struct probe *schedule;     /* schedule this one on the first run */
	struct probe *cancel;       /* cancel this one on the first run */
	int sched_ret;
	bool user_mode;             /* seen at the last run */
};

static char run_log[MAXLOG];
static size_t nlog;
static struct ll_sched *g_sched;

static enum ll_task_state probe_run(struct ll_task *t, void *data)
{
	struct probe *p = data;

	if (nlog < MAXLOG - 1)
		run_log[nlog++] = p->id;
	p->user_mode = sim_in_user_mode();
	if (t->runs == 0 && p->schedule)
		p->sched_ret = ll_schedule_task(g_sched, &p->schedule->task);
	if (t->runs == 0 && p->cancel)
		ll_schedule_task_cancel(g_sched, &p->cancel->task);
	if (p->complete_after && (int)t->runs + 1 == p->complete_after)
		return LL_TASK_COMPLETED;
	return LL_TASK_RESCHEDULE;
}

static void probe_init(struct probe *p, char id, int prio)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	assert_int_equal(ll_task_init(&p->task, (char[]){ id, 0 }, prio, probe_run, p), 0);
}

static struct ll_env *setup_env(bool user_space)
{
	struct ll_env_config c;
	struct ll_env *env = NULL;

	ll_env_config_default(&c);
	c.layout = "kernel-only";
	c.user_space = user_space;
	assert_int_equal(ll_env_create(&c, &env), 0);
	g_sched = ll_env_sched(env);
	memset(run_log, 0, sizeof(run_log));
	nlog = 0;
	return env;
}

static void ticks(uint64_t n)
{
	assert_int_equal(ll_sched_run_ticks(g_sched, n), n);
}

static void expect_log(const char *want)
{
	run_log[nlog] = 0;
	assert_string_equal(run_log, want);
	nlog = 0;
}

static void test_priority_order_fifo(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a, b, c, d;

	(void)state;
	probe_init(&a, 'A', 2);
	probe_init(&b, 'B', 0);
	probe_init(&c, 'C', 1);
	probe_init(&d, 'D', 0);
	/* scheduled A B C D: priority 0 first (B before D: FIFO), then C, then A */
	assert_int_equal(ll_schedule_task(g_sched, &a.task), 0);
	assert_int_equal(ll_schedule_task(g_sched, &b.task), 0);
	assert_int_equal(ll_schedule_task(g_sched, &c.task), 0);
	assert_int_equal(ll_schedule_task(g_sched, &d.task), 0);
	ticks(3);
	expect_log("BDCABDCABDCA");
	assert_int_equal(a.task.state, LL_TASK_RUNNING); /* rescheduled keeps RUNNING */
	ll_env_destroy(env);
}

static void test_already_scheduled_is_kept(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a;
	struct ll_sched_stats st;

	(void)state;
	probe_init(&a, 'A', 0);
	assert_int_equal(ll_schedule_task(g_sched, &a.task), 0);
	assert_int_equal(ll_schedule_task(g_sched, &a.task), 0);
	ticks(2);
	expect_log("AA");
	ll_sched_stats_get(g_sched, &st);
	assert_int_equal(st.n_tasks, 1);
	ll_env_destroy(env);
}

static void test_completed_leaves_list(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a, b;
	struct ll_sched_stats st;

	(void)state;
	probe_init(&a, 'A', 0);
	probe_init(&b, 'B', 1);
	a.complete_after = 2;
	ll_schedule_task(g_sched, &a.task);
	ll_schedule_task(g_sched, &b.task);
	ticks(4);
	expect_log("ABABBB");
	assert_int_equal(a.task.state, LL_TASK_FREE);
	ll_sched_stats_get(g_sched, &st);
	assert_int_equal(st.n_tasks, 1);
	ll_env_destroy(env);
}

/* SOF: the loop takes the list head until the list is empty, so a task
 * scheduled from inside a task runs in the same tick, placed by priority
 * among the tasks not yet run; the run order is kept for the next tick. */
static void test_schedule_from_inside_runs_same_tick(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a, b, x;

	(void)state;
	probe_init(&a, 'A', 1);
	probe_init(&b, 'B', 2);
	probe_init(&x, 'X', 0);
	a.schedule = &x;
	ll_schedule_task(g_sched, &a.task);
	ll_schedule_task(g_sched, &b.task);
	ticks(2);
	assert_int_equal(a.sched_ret, 0);
	/* X (priority 0) runs after A in tick 1 and keeps that place in tick 2 */
	expect_log("AXBAXB");
	ll_env_destroy(env);
}

/* A task cancelled before the loop reaches it never runs this tick. */
static void test_cancel_from_inside_not_yet_run(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a, b, c;

	(void)state;
	probe_init(&a, 'A', 0);
	probe_init(&b, 'B', 1);
	probe_init(&c, 'C', 2);
	a.cancel = &b;
	ll_schedule_task(g_sched, &a.task);
	ll_schedule_task(g_sched, &b.task);
	ll_schedule_task(g_sched, &c.task);
	ticks(2);
	expect_log("ACAC");
	assert_int_equal(b.task.runs, 0);
	assert_int_equal(b.task.state, LL_TASK_FREE);
	ll_env_destroy(env);
}

/* A task cancelled after it ran this tick stays CANCEL until the next tick
 * starts, then leaves without running again. */
static void test_cancel_from_inside_already_run(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a, b;

	(void)state;
	probe_init(&a, 'A', 0);
	probe_init(&b, 'B', 1);
	b.cancel = &a;
	ll_schedule_task(g_sched, &a.task);
	ll_schedule_task(g_sched, &b.task);
	ticks(1);
	expect_log("AB");
	assert_int_equal(a.task.state, LL_TASK_CANCEL);
	ticks(2);
	expect_log("BB");
	assert_int_equal(a.task.state, LL_TASK_FREE);
	assert_int_equal(a.task.runs, 1);
	ll_env_destroy(env);
}

static void test_cancel_self(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a;

	(void)state;
	probe_init(&a, 'A', 0);
	a.cancel = &a;
	ll_schedule_task(g_sched, &a.task);
	ticks(3);
	expect_log("A");
	assert_int_equal(a.task.state, LL_TASK_FREE);
	ll_env_destroy(env);
}

/* schedule_task on a cancelled task still on the list revives it. */
static void test_cancel_then_schedule_revives(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a;
	struct ll_sched_stats st;

	(void)state;
	probe_init(&a, 'A', 0);
	ll_schedule_task(g_sched, &a.task);
	ticks(1);
	ll_schedule_task_cancel(g_sched, &a.task);
	assert_int_equal(a.task.state, LL_TASK_CANCEL);
	assert_int_equal(ll_schedule_task(g_sched, &a.task), 0);
	assert_int_equal(a.task.state, LL_TASK_QUEUED);
	ticks(2);
	expect_log("AAA");
	ll_sched_stats_get(g_sched, &st);
	assert_int_equal(st.n_tasks, 1);
	ll_env_destroy(env);
}

/* Cancelling a task that was never scheduled does nothing. */
static void test_cancel_unscheduled_is_noop(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a;

	(void)state;
	probe_init(&a, 'A', 0);
	assert_int_equal(ll_schedule_task_cancel(g_sched, &a.task), 0);
	assert_int_equal(a.task.state, LL_TASK_INIT);
	ll_env_destroy(env);
}

static void test_free_rules(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a, b;
	struct ll_sched_stats st0, st1;

	(void)state;
	probe_init(&a, 'A', 0);
	probe_init(&b, 'B', 0);
	/* queued, never run: freed at once */
	ll_schedule_task(g_sched, &a.task);
	ll_sched_stats_get(g_sched, &st0);
	assert_int_equal(ll_schedule_task_free(g_sched, &a.task), 0);
	ll_sched_stats_get(g_sched, &st1);
	assert_int_equal(st1.ticks, st0.ticks);
	assert_int_equal(a.task.state, LL_TASK_FREE);
	assert_int_equal(st1.n_tasks, 0);
	/* schedule after free: SOF's -EDEADLK */
	assert_int_equal(ll_schedule_task(g_sched, &a.task), -EDEADLK);

	/* ran, then cancelled: free waits for the LL thread's next tick */
	ll_schedule_task(g_sched, &b.task);
	ticks(1);
	ll_schedule_task_cancel(g_sched, &b.task);
	ll_sched_stats_get(g_sched, &st0);
	assert_int_equal(ll_schedule_task_free(g_sched, &b.task), 0);
	ll_sched_stats_get(g_sched, &st1);
	assert_true(st1.ticks_processed > st0.ticks_processed);
	assert_int_equal(b.task.state, LL_TASK_FREE);
	assert_int_equal(b.task.runs, 1);
	assert_int_equal(st1.n_tasks, 0);
	/* free made it uninitialised: it may be initialised again */
	assert_int_equal(ll_task_init(&b.task, "B", 0, probe_run, &b), 0);
	ll_env_destroy(env);
}

/* A rescheduled task waiting on this tick's run list: SOF would link it a
 * second time; the model refuses with -EBUSY. */
static void test_schedule_self_while_running(void **state)
{
	struct ll_env *env = setup_env(true);
	struct probe a;

	(void)state;
	probe_init(&a, 'A', 0);
	a.schedule = &a;
	ll_schedule_task(g_sched, &a.task);
	ticks(2);
	assert_int_equal(a.sched_ret, -EBUSY);
	expect_log("AA");
	ll_env_destroy(env);
}

static void test_user_mode_thread_and_kernel_data(void **state)
{
	struct ll_env *env = setup_env(true);
	struct sim *sim = ll_env_sim(env);
	struct probe a;
	struct sim_kobj_info info;
	size_t off;
	struct ll_sched_stats st;

	(void)state;
	probe_init(&a, 'A', 0);
	ll_schedule_task(g_sched, &a.task);
	ticks(10);
	assert_true(a.user_mode);
	assert_true(sim_thread_is_user(sim, ll_sched_thread(g_sched)));
	assert_true(sim_thread_is_user(sim, ll_sched_ipc_thread(g_sched)));
	/* the timer domain object is registered kernel data */
	assert_true(sim_kobj_find(sim, &ll_sched_kdata(g_sched)->sem, &info, &off));
	assert_string_equal(info.name, "ll_sched domain");
	assert_int_equal(off, offsetof(struct ll_sched_kdata, sem));
	assert_false(sim_user_can_access(sim, ll_sched_thread(g_sched), ll_sched_kdata(g_sched),
					 4, false));
	ll_sched_stats_get(g_sched, &st);
	assert_int_equal(st.ticks, ll_sched_kdata(g_sched)->ticks);
	assert_int_equal(st.ticks_processed, 10);
	assert_true(st.ticks >= 10);
	assert_int_equal(sim_now_us(sim) / 1000, st.ticks);
	ll_env_destroy(env);
}

static size_t count_kind(struct sim *sim, enum sim_finding_kind k)
{
	size_t n, c = 0;
	const struct sim_finding *f = sim_findings(sim, &n);

	for (size_t i = 0; i < n; i++)
		c += f[i].kind == k;
	return c;
}

/* A forged semaphore pointer into the user's buffer: every timer period is a
 * tick even though the LL thread gets nothing (one ISR per tick); a give
 * that faults kills the kernel, so later ticks give nothing more. */
static void test_forged_sem_ticks_and_fault(void **state)
{
	struct ll_env_config c;
	struct ll_env *env = NULL;
	struct ll_sched_kdata *kd;
	struct sim *sim;
	size_t bytes;
	uint8_t *buf, *f;
	uint32_t t0, fsem, waiter;

	(void)state;
	ll_env_config_default(&c);
	c.layout = "pr10807-v3";
	assert_int_equal(ll_env_create(&c, &env), 0);
	g_sched = ll_env_sched(env);
	sim = ll_env_sim(env);
	kd = ll_sched_kdata(g_sched);
	buf = ll_env_heap_buffer(env, &bytes);
	f = buf + bytes / 2; /* inside the free chunk: zeros, user RW */
	fsem = (uint32_t)sim_host_to_target(sim, f);
	waiter = fsem + 0x40;
	kd->sem = fsem;
	t0 = kd->ticks;
	assert_int_equal(ll_sched_run_ticks(g_sched, 3), 0);
	assert_int_equal(kd->ticks - t0, 3);
	assert_int_equal(count_kind(sim, SIM_FINDING_KOBJ_CHANGED), 1);
	/* a wait queue that names the LL thread: the give wakes it (the
	 * simulator's way) and it runs its tick, one per period */
	{
		uint32_t th = (uint32_t)sim_host_to_target(sim, ll_sched_thread(g_sched));
		struct ll_sched_stats st0, st1;

		ll_sched_stats_get(g_sched, &st0);
		memcpy(f, &th, 4);
		assert_int_equal(ll_sched_run_ticks(g_sched, 2), 2);
		ll_sched_stats_get(g_sched, &st1);
		assert_int_equal(st1.ticks_processed - st0.ticks_processed, 2);
		assert_int_equal(kd->ticks - t0, 5);
		t0 += 2;
	}
	memcpy(f, &waiter, 4); /* a waiter whose links are NULL: the unlink faults */
	assert_int_equal(ll_sched_run_ticks(g_sched, 4), 0);
	assert_int_equal(kd->ticks - t0, 7);
	assert_int_equal(count_kind(sim, SIM_FINDING_KERNEL_FAULT), 1);
	ll_env_destroy(env);
}

static void test_kernel_variant(void **state)
{
	struct ll_env *env = setup_env(false);
	struct probe a, b;

	(void)state;
	probe_init(&a, 'A', 1);
	probe_init(&b, 'B', 0);
	ll_schedule_task(g_sched, &a.task);
	ll_schedule_task(g_sched, &b.task);
	ticks(2);
	expect_log("BABA");
	assert_false(a.user_mode);
	assert_false(sim_thread_is_user(ll_env_sim(env), ll_sched_thread(g_sched)));
	ll_env_destroy(env);
}

static void test_bad_arguments(void **state)
{
	struct ll_task t;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(ll_task_init(NULL, "x", 0, probe_run, NULL), -EINVAL);
	assert_int_equal(ll_task_init(&t, "x", 0, NULL, NULL), -EINVAL);
	assert_int_equal(ll_task_init(&t, "x", 0, probe_run, NULL), 0);
	assert_int_equal(ll_task_init(&t, "x", 0, probe_run, NULL), -EEXIST);
	assert_int_equal(ll_schedule_task(NULL, &t), -EINVAL);
	assert_null(ll_sched_create(NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_priority_order_fifo, ll_test_teardown),
		cmocka_unit_test_teardown(test_already_scheduled_is_kept, ll_test_teardown),
		cmocka_unit_test_teardown(test_completed_leaves_list, ll_test_teardown),
		cmocka_unit_test_teardown(test_schedule_from_inside_runs_same_tick, ll_test_teardown),
		cmocka_unit_test_teardown(test_cancel_from_inside_not_yet_run, ll_test_teardown),
		cmocka_unit_test_teardown(test_cancel_from_inside_already_run, ll_test_teardown),
		cmocka_unit_test_teardown(test_cancel_self, ll_test_teardown),
		cmocka_unit_test_teardown(test_cancel_then_schedule_revives, ll_test_teardown),
		cmocka_unit_test_teardown(test_cancel_unscheduled_is_noop, ll_test_teardown),
		cmocka_unit_test_teardown(test_free_rules, ll_test_teardown),
		cmocka_unit_test_teardown(test_schedule_self_while_running, ll_test_teardown),
		cmocka_unit_test_teardown(test_user_mode_thread_and_kernel_data, ll_test_teardown),
		cmocka_unit_test_teardown(test_forged_sem_ticks_and_fault, ll_test_teardown),
		cmocka_unit_test_teardown(test_kernel_variant, ll_test_teardown),
		cmocka_unit_test_teardown(test_bad_arguments, ll_test_teardown),
	};

	return cmocka_run_group_tests_name("ll_sched", tests, NULL, NULL);
}
