/*
 * Zephyr threads under the drop-in: creation, priorities, join, abort,
 * yield, sleep and fatal errors in threads, written as Zephyr code (only
 * Zephyr headers). Threads record what they did; the test checks it from
 * main() (CMocka's checks must not run inside a thread).
 */
#include <stdio.h>

#include <zephyr/kernel.h>

#include "zephyr_test.h"

#define STACK_SIZE 1024

K_THREAD_STACK_DEFINE(stack_a, STACK_SIZE);
K_THREAD_STACK_DEFINE(stack_b, STACK_SIZE);
static K_THREAD_STACK_DEFINE(stack_c, STACK_SIZE);
static struct k_thread thread_a, thread_b, thread_c;

static char trace[128];

static void note(const char *what)
{
	strncat(trace, what, sizeof(trace) - strlen(trace) - 1);
}

static int reset(void **state)
{
	(void)state;
	trace[0] = '\0';
	fatal_seen = 0;
	return 0;
}

static void say(void *p1, void *p2, void *p3)
{
	(void)p2;
	(void)p3;
	note(p1);
}

/* A preemptible thread of lower priority than main() waits until main()
 * blocks; a cooperative one runs before k_thread_create returns. */
static void priorities_decide_who_runs(void **state)
{
	k_tid_t t;

	(void)state;
	t = k_thread_create(&thread_a, stack_a, K_THREAD_STACK_SIZEOF(stack_a), say, "A", NULL,
			    NULL, K_PRIO_PREEMPT(5), 0, K_NO_WAIT);
	assert_ptr_equal(t, &thread_a);
	note("m");
	k_thread_create(&thread_b, stack_b, K_THREAD_STACK_SIZEOF(stack_b), say, "B", NULL, NULL,
			K_PRIO_COOP(2), 0, K_NO_WAIT);
	note("n");
	assert_string_equal(trace, "mBn");
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_string_equal(trace, "mBnA");
	assert_int_equal(k_thread_join(&thread_b, K_NO_WAIT), 0); /* long gone */
	expect_no_fatal();
}

/* K_FOREVER: nothing runs until k_thread_start. Equal priorities run in the
 * order they became ready. */
static void start_and_fifo_order(void **state)
{
	(void)state;
	k_thread_create(&thread_a, stack_a, STACK_SIZE, say, "A", NULL, NULL, K_PRIO_PREEMPT(3), 0,
			K_FOREVER);
	k_thread_create(&thread_b, stack_b, STACK_SIZE, say, "B", NULL, NULL, K_PRIO_PREEMPT(3), 0,
			K_NO_WAIT);
	assert_int_equal(k_thread_join(&thread_a, K_MSEC(20)), -EAGAIN);
	assert_string_equal(trace, "B");
	assert_int_equal(k_thread_join(&thread_a, K_NO_WAIT), -EBUSY);
	k_thread_start(&thread_a);
	assert_string_equal(trace, "B"); /* lower priority than main(): not yet */
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_string_equal(trace, "BA");
	assert_int_equal(k_thread_join(&thread_b, K_FOREVER), 0);
	expect_no_fatal();
}

static void yielder(void *p1, void *p2, void *p3)
{
	(void)p2;
	(void)p3;
	for (int i = 0; i < 3; i++) {
		note(p1);
		k_yield();
	}
}

static void yield_alternates(void **state)
{
	(void)state;
	k_thread_create(&thread_a, stack_a, STACK_SIZE, yielder, "a", NULL, NULL, K_PRIO_PREEMPT(1),
			0, K_NO_WAIT);
	k_thread_create(&thread_b, stack_b, STACK_SIZE, yielder, "b", NULL, NULL, K_PRIO_PREEMPT(1),
			0, K_NO_WAIT);
	k_thread_join(&thread_a, K_FOREVER);
	k_thread_join(&thread_b, K_FOREVER);
	assert_string_equal(trace, "ababab");
}

static void sleeper(void *p1, void *p2, void *p3)
{
	(void)p3;
	k_msleep((int32_t)(intptr_t)p2);
	note(p1);
}

/* Sleeping threads wake in deadline order, and a join waits for them. */
static void sleeps_wake_in_order(void **state)
{
	int64_t t0 = k_uptime_get();

	(void)state;
	k_thread_create(&thread_a, stack_a, STACK_SIZE, sleeper, "1", (void *)(intptr_t)40, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_thread_create(&thread_b, stack_b, STACK_SIZE, sleeper, "2", (void *)(intptr_t)10, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_thread_create(&thread_c, stack_c, STACK_SIZE, say, "3", NULL, NULL, K_PRIO_PREEMPT(1), 0,
			K_MSEC(25));
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_string_equal(trace, "231");
	assert_true(k_uptime_get() - t0 >= 40);
	assert_int_equal(k_thread_join(&thread_c, K_FOREVER), 0);
}

/* An aborted thread never runs; abort of a finished thread does nothing. */
static void abort_before_and_after(void **state)
{
	(void)state;
	k_thread_create(&thread_a, stack_a, STACK_SIZE, say, "A", NULL, NULL, K_PRIO_PREEMPT(1), 0,
			K_NO_WAIT);
	k_thread_abort(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_string_equal(trace, "");
	k_thread_abort(&thread_a);
	/* The stack is free again: a new thread may use it. */
	k_thread_create(&thread_a, stack_a, STACK_SIZE, say, "B", NULL, NULL, K_PRIO_PREEMPT(1), 0,
			K_NO_WAIT);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_string_equal(trace, "B");
	expect_no_fatal();
}

static void self_aborter(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	note("x");
	k_thread_abort(k_current_get());
	note("never");
}

static void joiner(void *p1, void *p2, void *p3)
{
	(void)p2;
	(void)p3;
	note(k_thread_join(p1, K_FOREVER) == 0 ? "j" : "J?");
}

/* A thread that aborts itself ends there; its joiner is woken. */
static void self_abort_wakes_joiner(void **state)
{
	(void)state;
	k_thread_create(&thread_a, stack_a, STACK_SIZE, self_aborter, NULL, NULL, NULL,
			K_PRIO_PREEMPT(2), 0, K_FOREVER);
	k_thread_create(&thread_b, stack_b, STACK_SIZE, joiner, &thread_a, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	k_thread_start(&thread_a);
	assert_int_equal(k_thread_join(&thread_b, K_FOREVER), 0);
	assert_string_equal(trace, "xj");
}

static void join_errors(void **state)
{
	(void)state;
	assert_int_equal(k_thread_join(k_current_get(), K_FOREVER), -EDEADLK);
	assert_string_equal(k_thread_name_get(k_current_get()), "main");
	assert_false(k_is_user_context());
	expect_no_fatal();
}

static void sleep_forever(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	k_sleep(K_FOREVER);
}

/* Zephyr would hang; the drop-in reports the deadlock and the join fails. */
static void deadlock_is_reported(void **state)
{
	(void)state;
	k_thread_create(&thread_a, stack_a, STACK_SIZE, sleep_forever, NULL, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), -EDEADLK);
	expect_fatal(K_ERR_KERNEL_PANIC, "deadlock");
	k_thread_abort(&thread_a);
	assert_int_equal(k_thread_join(&thread_a, K_NO_WAIT), 0);
}

static void oopser(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	note("o");
	k_oops();
	note("never");
}

/* As on Zephyr: when the fatal-error handler returns, the thread that
 * raised the error is aborted and the others go on. */
static void oops_aborts_the_thread(void **state)
{
	(void)state;
	k_thread_create(&thread_a, stack_a, STACK_SIZE, oopser, NULL, NULL, NULL, K_PRIO_PREEMPT(1),
			0, K_NO_WAIT);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_string_equal(trace, "o");
	expect_fatal(K_ERR_KERNEL_OOPS, "k_oops");
}

static void essential_abort_panics(void **state)
{
	(void)state;
	k_thread_create(&thread_a, stack_a, STACK_SIZE, say, "e", NULL, NULL, K_PRIO_PREEMPT(1),
			K_ESSENTIAL, K_NO_WAIT);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_string_equal(trace, "e");
	expect_fatal(K_ERR_KERNEL_PANIC, "essential");
}

/* Bad creations are assertions (CONFIG_ASSERT is on) and create nothing. */
static void bad_creations(void **state)
{
	static K_KERNEL_STACK_DEFINE(kstack, STACK_SIZE);

	(void)state;
	assert_null(k_thread_create(&thread_a, stack_a, STACK_SIZE, say, "A", NULL, NULL,
				    K_LOWEST_THREAD_PRIO + 1, 0, K_NO_WAIT));
	expect_fatal(K_ERR_KERNEL_PANIC, "priority");
	assert_null(k_thread_create(&thread_a, kstack, STACK_SIZE, say, "A", NULL, NULL,
				    K_PRIO_PREEMPT(1), K_USER, K_NO_WAIT));
	expect_fatal(K_ERR_KERNEL_PANIC, "kernel-only stack");
	assert_null(k_thread_create(&thread_a, stack_a, STACK_SIZE, NULL, NULL, NULL, NULL,
				    K_PRIO_PREEMPT(1), 0, K_NO_WAIT));
	expect_fatal(K_ERR_KERNEL_PANIC, "NULL");
	k_thread_create(&thread_a, stack_a, STACK_SIZE, say, "A", NULL, NULL, K_PRIO_PREEMPT(1), 0,
			K_FOREVER);
	assert_null(k_thread_create(&thread_a, stack_a, STACK_SIZE, say, "A", NULL, NULL,
				    K_PRIO_PREEMPT(1), 0, K_NO_WAIT));
	expect_fatal(K_ERR_KERNEL_PANIC, "already running");
	k_thread_abort(&thread_a);
	assert_string_equal(trace, "");
}

K_HEAP_DEFINE(wait_heap, 1024);

static void heap_hog(void *p1, void *p2, void *p3)
{
	void *big = p1;

	(void)p2;
	(void)p3;
	note("h");
	k_msleep(5);
	k_heap_free(&wait_heap, big);
	note("f");
}

/* A k_heap wait lets the other threads run; the free wakes the waiter,
 * which outranks the freeing thread and so runs at once (as on Zephyr). */
static void heap_wait_runs_other_threads(void **state)
{
	void *big = k_heap_alloc(&wait_heap, 700, K_NO_WAIT);
	void *again;

	(void)state;
	assert_non_null(big);
	k_thread_create(&thread_a, stack_a, STACK_SIZE, heap_hog, big, NULL, NULL,
			K_PRIO_PREEMPT(1), 0, K_NO_WAIT);
	again = k_heap_alloc(&wait_heap, 700, K_MSEC(2000));
	note("w");
	assert_non_null(again);
	assert_string_equal(trace, "hw");
	k_heap_free(&wait_heap, again);
	assert_int_equal(k_thread_join(&thread_a, K_FOREVER), 0);
	assert_string_equal(trace, "hwf");
	expect_no_fatal();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(priorities_decide_who_runs, reset),
		cmocka_unit_test_setup(start_and_fifo_order, reset),
		cmocka_unit_test_setup(yield_alternates, reset),
		cmocka_unit_test_setup(sleeps_wake_in_order, reset),
		cmocka_unit_test_setup(abort_before_and_after, reset),
		cmocka_unit_test_setup(self_abort_wakes_joiner, reset),
		cmocka_unit_test_setup(join_errors, reset),
		cmocka_unit_test_setup(deadlock_is_reported, reset),
		cmocka_unit_test_setup(oops_aborts_the_thread, reset),
		cmocka_unit_test_setup(essential_abort_panics, reset),
		cmocka_unit_test_setup(bad_creations, reset),
		cmocka_unit_test_setup(heap_wait_runs_other_threads, reset),
	};

	return cmocka_run_group_tests_name("zephyr_threads", tests, NULL, NULL);
}
