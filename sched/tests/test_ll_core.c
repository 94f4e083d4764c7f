/*
 * The LL task-list core alone (sched/ll_core.c, linked without sim/): the
 * rules the host scheduler and the Xtensa tick loop share, driven tick by
 * tick with no threads, timer or lock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ll_core.h"

struct probe {
	struct ll_task task;
	char id;
	enum ll_task_state ret;      /* what run() returns */
	struct probe *schedule;      /* scheduled on the first run */
	struct probe *cancel;        /* cancelled on the first run */
	enum ll_core_status sched_ret;
};

static struct ll_core core;
static char run_log[64];
static size_t nlog;
static unsigned calls;

static enum ll_task_state probe_run(struct ll_task *t, void *data)
{
	struct probe *p = data;

	if (nlog < sizeof(run_log) - 1)
		run_log[nlog++] = p->id;
	if (t->runs == 0 && p->schedule)
		p->sched_ret = ll_core_schedule(&core, &p->schedule->task);
	if (t->runs == 0 && p->cancel)
		ll_core_cancel(&core, &p->cancel->task);
	return p->ret;
}

static void probe_init(struct probe *p, char id, int prio)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->ret = LL_TASK_RESCHEDULE;
	assert_int_equal(ll_core_task_init(&p->task, (char[]){ id, 0 }, prio, probe_run, p),
			 LL_CORE_OK);
}

static void expect_log(const char *want)
{
	run_log[nlog] = 0;
	assert_string_equal(run_log, want);
	nlog = 0;
}

static int setup(void **state)
{
	(void)state;
	ll_core_init(&core);
	nlog = 0;
	calls = 0;
	return 0;
}

/* Priority order, FIFO within one; a task scheduled from inside a running
 * task runs in the same tick among those not yet run, then keeps its place. */
static void test_order_and_same_tick_insert(void **state)
{
	struct probe a, b, c, x;

	(void)state;
	probe_init(&a, 'A', 1);
	probe_init(&b, 'B', 2);
	probe_init(&c, 'C', 1);
	probe_init(&x, 'X', 0);
	a.schedule = &x;
	assert_int_equal(ll_core_schedule(&core, &b.task), LL_CORE_OK);
	assert_int_equal(ll_core_schedule(&core, &a.task), LL_CORE_OK);
	assert_int_equal(ll_core_schedule(&core, &c.task), LL_CORE_OK);
	assert_int_equal(ll_core_tick(&core), 4);
	assert_int_equal(ll_core_tick(&core), 4);
	expect_log("AXCBAXCB");
	assert_int_equal(a.sched_ret, LL_CORE_OK);
	assert_int_equal(core.n_tasks, 4);
	assert_int_equal(core.task_runs, 8);
	/* rescheduled tasks wait on the list still RUNNING, as in SOF */
	assert_int_equal(a.task.state, LL_TASK_RUNNING);
}

/* COMPLETED leaves the list; any other return value counts as RESCHEDULE. */
static void test_completed_and_other_returns(void **state)
{
	struct probe a, b;

	(void)state;
	probe_init(&a, 'A', 0);
	probe_init(&b, 'B', 0);
	a.ret = LL_TASK_COMPLETED;
	b.ret = LL_TASK_QUEUED;
	ll_core_schedule(&core, &a.task);
	ll_core_schedule(&core, &b.task);
	ll_core_tick(&core);
	ll_core_tick(&core);
	expect_log("ABB");
	assert_int_equal(a.task.state, LL_TASK_FREE);
	assert_false(a.task.on_list);
	assert_int_equal(core.n_tasks, 1);
}

/* Cancel from inside: a target not yet run never runs; one that ran stays
 * CANCEL until the next tick starts; a task cancelling itself leaves at once. */
static void test_cancel_from_inside(void **state)
{
	struct probe p[5];

	(void)state;
	for (int i = 0; i < 5; i++)
		probe_init(&p[i], (char)('A' + i), i);
	p[1].cancel = &p[2]; /* B cancels C, not yet run */
	p[3].cancel = &p[0]; /* D cancels A, already run */
	p[4].cancel = &p[4]; /* E cancels itself */
	for (int i = 0; i < 5; i++)
		ll_core_schedule(&core, &p[i].task);
	ll_core_tick(&core);
	expect_log("ABDE");
	assert_int_equal(p[0].task.state, LL_TASK_CANCEL);
	assert_true(p[0].task.on_list);
	assert_int_equal(p[2].task.state, LL_TASK_FREE);
	assert_int_equal(p[2].task.runs, 0);
	assert_int_equal(p[4].task.state, LL_TASK_FREE);
	assert_int_equal(core.n_tasks, 3);

	ll_core_tick(&core);
	expect_log("BD");
	assert_int_equal(p[0].task.state, LL_TASK_FREE);
	assert_int_equal(p[0].task.runs, 1);
	assert_int_equal(core.n_tasks, 2);
}

/* Schedule rules: already queued is kept; a cancelled task is revived, not
 * queued twice; a task waiting on the run list is refused; a task that is
 * not initialised is refused. */
static void test_schedule_rules(void **state)
{
	struct probe a, s;

	(void)state;
	probe_init(&a, 'A', 0);
	assert_int_equal(ll_core_schedule(&core, &a.task), LL_CORE_OK);
	assert_int_equal(ll_core_schedule(&core, &a.task), LL_CORE_OK);
	assert_int_equal(core.n_tasks, 1);
	ll_core_cancel(&core, &a.task);
	assert_int_equal(ll_core_schedule(&core, &a.task), LL_CORE_OK);
	assert_int_equal(a.task.state, LL_TASK_QUEUED);
	assert_int_equal(core.n_tasks, 1);

	probe_init(&s, 'S', 1);
	s.schedule = &s;
	ll_core_schedule(&core, &s.task);
	ll_core_tick(&core);
	ll_core_tick(&core);
	expect_log("ASAS");
	assert_int_equal(s.sched_ret, LL_CORE_BUSY);

	struct ll_task blank;
	memset(&blank, 0, sizeof(blank));
	assert_int_equal(ll_core_schedule(&core, &blank), LL_CORE_DEADLK);
	/* cancel of a task on no list changes nothing */
	probe_init(&s, 'T', 0);
	ll_core_cancel(&core, &s.task);
	assert_int_equal(s.task.state, LL_TASK_INIT);
}

/* Free: a queued task or one cancelled before it ran goes at once; a task
 * that has run must be completed by a tick first, or is forced at the end. */
static void test_free_halves(void **state)
{
	struct probe a, b, c;

	(void)state;
	probe_init(&a, 'A', 0);
	probe_init(&b, 'B', 0);
	probe_init(&c, 'C', 0);
	ll_core_schedule(&core, &a.task);
	ll_core_schedule(&core, &b.task);
	assert_false(ll_core_free_begin(&core, &a.task));
	assert_false(ll_core_free_end(&core, &a.task, false));
	assert_int_equal(a.task.state, LL_TASK_FREE);
	assert_false(a.task.initialised);
	assert_int_equal(ll_core_schedule(&core, &a.task), LL_CORE_DEADLK);
	assert_int_equal(core.n_tasks, 1);

	/* B has run: free must wait; the next tick runs it once more (a free
	 * pending is seen after the run) and completes it */
	ll_core_tick(&core);
	expect_log("B");
	assert_true(ll_core_free_begin(&core, &b.task));
	assert_int_equal(ll_core_schedule(&core, &b.task), LL_CORE_DEADLK);
	ll_core_tick(&core);
	expect_log("B");
	assert_false(ll_core_free_end(&core, &b.task, true));
	assert_int_equal(b.task.state, LL_TASK_FREE);
	assert_int_equal(core.n_tasks, 0);

	/* C has run and no tick comes: the end of the wait forces it off */
	ll_core_schedule(&core, &c.task);
	ll_core_tick(&core);
	expect_log("C");
	assert_true(ll_core_free_begin(&core, &c.task));
	assert_true(ll_core_free_end(&core, &c.task, true));
	assert_int_equal(c.task.state, LL_TASK_FREE);
	assert_false(c.task.on_list);
	assert_int_equal(core.n_tasks, 0);
	assert_int_equal(ll_core_tick(&core), 0);
	/* freed: may be initialised again */
	assert_int_equal(ll_core_task_init(&c.task, "C", 0, probe_run, &c), LL_CORE_OK);
}

/* The call hook sees every run (the host drops its lock there). */
static enum ll_task_state counting_call(void *ctx, struct ll_task *t)
{
	(void)ctx;
	calls++;
	return t->run(t, t->data);
}

static void test_call_hook_and_init(void **state)
{
	struct probe a;
	struct ll_task t;

	(void)state;
	core.call = counting_call;
	probe_init(&a, 'A', 0);
	ll_core_schedule(&core, &a.task);
	ll_core_tick(&core);
	ll_core_tick(&core);
	assert_int_equal(calls, 2);
	assert_int_equal(a.task.runs, 2);
	expect_log("AA");

	memset(&t, 0, sizeof(t));
	assert_int_equal(ll_core_task_init(&t, NULL, 0, NULL, NULL), LL_CORE_INVALID);
	assert_int_equal(ll_core_task_init(&t, "a-name-longer-than-thirty-one-characters", 0,
					   probe_run, NULL), LL_CORE_OK);
	assert_int_equal(strlen(t.name), sizeof(t.name) - 1);
	assert_int_equal(ll_core_task_init(&t, "again", 0, probe_run, NULL), LL_CORE_EXISTS);
	assert_string_equal(ll_task_state_name(LL_TASK_CANCEL), "cancel");
	assert_string_equal(ll_task_state_name((enum ll_task_state)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_order_and_same_tick_insert, setup),
		cmocka_unit_test_setup(test_completed_and_other_returns, setup),
		cmocka_unit_test_setup(test_cancel_from_inside, setup),
		cmocka_unit_test_setup(test_schedule_rules, setup),
		cmocka_unit_test_setup(test_free_halves, setup),
		cmocka_unit_test_setup(test_call_hook_and_init, setup),
	};

	return cmocka_run_group_tests_name("ll_core", tests, NULL, NULL);
}
