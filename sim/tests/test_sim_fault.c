/* Page rights in user and kernel mode, fault reports, oopses, and what is not ours. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simtest.h"

static struct fx F;
static volatile int steps;
static volatile uint8_t sink;

/* Stores the compiler may not move across the `steps` markers. */
static void vw8(void *p, uint8_t v)
{
	*(volatile uint8_t *)p = v;
}

static void user_write_kernel(void *a, void *b, void *c)
{
	volatile uint8_t *p = a;

	(void)b, (void)c;
	steps = 1;
	*p = 0x77; /* a kernel page: oops here */
	steps = 2;
}

static void kernel_after(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	steps += 10; /* the system keeps running after a user oops */
}

static void check_oops_names(k_tid_t t, const char *what)
{
	struct sim_oops o;

	assert_int_equal(sim_thread_state(F.s, t), SIM_THREAD_OOPSED);
	assert_true(sim_thread_oops(F.s, t, &o));
	assert_int_equal(o.reason, SIM_OOPS_FAULT);
	if (!strstr(o.message, what))
		fail_msg("oops \"%s\" lacks \"%s\"", o.message, what);
}

static void test_user_write_to_kernel_page_faults(void **state)
{
	k_tid_t t;

	(void)state;
	fx_init(&F);
	steps = 0;
	t = fx_thread(&F, "u", user_write_kernel, F.kdata + 4, 5, true);
	fx_thread(&F, "k", kernel_after, NULL, 6, false);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(steps, 11);
	assert_int_equal(F.kdata[4], 0);
	check_oops_names(t, "user write fault");
	check_oops_names(t, "test_data kdata +0x4");
	check_oops_names(t, "cached");
	/* A user fault is the protection working: an oops, not a finding. */
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_KERNEL_FAULT), 0);
	fx_fini(&F);
}

static void test_user_write_via_uncached_alias_faults(void **state)
{
	k_tid_t t;

	(void)state;
	fx_init(&F);
	steps = 0;
	t = fx_thread(&F, "u", user_write_kernel, sim_uncached(F.s, F.kdata + 8), 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(steps, 1);
	assert_int_equal(F.kdata[8], 0);
	check_oops_names(t, "uncached");
	check_oops_names(t, "kdata +0x8");
	fx_fini(&F);
}

static void test_user_fault_in_kernel_heap_is_named(void **state)
{
	struct k_heap *h;
	uint8_t *buf;
	void *blk;
	k_tid_t t;

	(void)state;
	fx_init(&F);
	h = sim_kobj_alloc(F.s, sizeof(*h), 8, "kheap");
	buf = sim_region_alloc(F.s, 8192, "kheap_buf");
	assert_int_equal(k_heap_init_cfg(h, buf, 8192, NULL, NULL), 0);
	blk = k_heap_alloc(h, 64, K_NO_WAIT);
	assert_non_null(blk);
	/* A user write into the kernel's heap: named down to the chunk header. */
	t = fx_thread(&F, "u", user_write_kernel, (uint8_t *)blk - 4, 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	check_oops_names(t, "heap of kheap, used chunk 7 LEFT_SIZE");
	check_oops_names(t, "kheap_buf+0x");
	fx_fini(&F);
}

static void user_rw_partitions(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	vw8(F.upart, 1);                                  /* RW partition */
	vw8((uint8_t *)sim_uncached(F.s, F.upart) + F.pg + 1, 2); /* both views, both pages */
	sink = *(volatile uint8_t *)&F.rpart[5];          /* RO partition: reading is fine */
	steps = 1;
	vw8(&F.rpart[5], 9);                              /* writing is not */
	steps = 2;
}

static void test_read_only_partition(void **state)
{
	k_tid_t t;

	(void)state;
	fx_init(&F);
	F.rpart[5] = 0x42;
	steps = 0;
	t = fx_thread(&F, "u", user_rw_partitions, NULL, 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(steps, 1);
	assert_int_equal(sink, 0x42);
	assert_int_equal(F.upart[0], 1);
	assert_int_equal(F.upart[F.pg + 1], 2);
	assert_int_equal(F.rpart[5], 0x42);
	check_oops_names(t, "rpart+0x5");
	fx_fini(&F);
}

static void user_read_kernel(void *a, void *b, void *c)
{
	(void)b, (void)c;
	steps = 1;
	sink = *(volatile uint8_t *)a;
	steps = 2;
}

static void test_user_read_of_kernel_page_faults(void **state)
{
	k_tid_t t;
	struct sim_oops o;

	(void)state;
	fx_init(&F);
	steps = 0;
	t = fx_thread(&F, "u", user_read_kernel, F.kdata, 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(steps, 1);
	assert_true(sim_thread_oops(F.s, t, &o));
	assert_non_null(strstr(o.message, "user read fault"));
	fx_fini(&F);
}

static void kernel_writes_everywhere(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	vw8(F.kdata, 1);
	vw8((uint8_t *)sim_uncached(F.s, F.kdata) + 1, 2);
	vw8(F.rpart, 3);
	vw8(F.upart, 4);
	vw8((uint8_t *)sim_uncached(F.s, F.rpart) + 1, 5);
	steps = 1;
}

static void test_kernel_thread_writes_everywhere(void **state)
{
	k_tid_t t;

	(void)state;
	fx_init(&F);
	steps = 0;
	/* A user thread runs first so user rights were applied at least once. */
	fx_thread(&F, "u", user_rw_partitions, NULL, 1, true);
	t = fx_thread(&F, "k", kernel_writes_everywhere, NULL, 5, false);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(sim_thread_state(F.s, t), SIM_THREAD_EXITED);
	assert_int_equal(F.kdata[0], 1);
	assert_int_equal(F.kdata[1], 2);
	assert_int_equal(F.rpart[0], 3);
	assert_int_equal(F.rpart[1], 5);
	assert_int_equal(F.upart[0], 4);
	fx_fini(&F);
}

static volatile uint8_t *volatile stack_target;

static void user_write_stack(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	steps++;
	*stack_target = 1;
	steps += 100;
}

static void user_sleeper(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	k_sleep(K_MSEC(1));
}

static void test_user_stack_rights(void **state)
{
	k_tid_t victim, attacker, self;
	uint8_t *stack;

	(void)state;
	fx_init(&F);
	/* A user thread may not write another user thread's stack... */
	steps = 0;
	victim = fx_thread(&F, "victim", user_sleeper, NULL, 5, true);
	attacker = fx_thread(&F, "attacker", user_write_stack, NULL, 6, true);
	stack_target = (uint8_t *)sim_thread_stack(F.s, victim, NULL) + 16;
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(steps, 1);
	assert_int_equal(sim_thread_state(F.s, attacker), SIM_THREAD_OOPSED);
	assert_int_equal(sim_thread_state(F.s, victim), SIM_THREAD_EXITED);
	fx_fini(&F);

	/* ...but may write its own, through either view. */
	fx_init(&F);
	steps = 0;
	self = fx_thread(&F, "self", user_write_stack, NULL, 5, true);
	stack = sim_thread_stack(F.s, self, NULL);
	stack_target = sim_uncached(F.s, stack + 16);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(steps, 101);
	assert_int_equal(sim_thread_state(F.s, self), SIM_THREAD_EXITED);
	fx_fini(&F);
}

static void test_sim_user_access(void **state)
{
	k_tid_t t;
	struct sim_fault flt;
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];

	(void)state;
	fx_init(&F);
	t = fx_thread(&F, "u", user_rw_partitions, NULL, 5, true);
	assert_int_equal(sim_user_access(F.s, t, F.upart + 100, buf, 8, true, &flt), 0);
	assert_memory_equal(F.upart + 100, buf, 8);
	assert_int_equal(sim_user_access(F.s, t, F.rpart, back, 8, false, &flt), 0);
	assert_int_equal(sim_user_access(F.s, t, F.rpart, buf, 8, true, &flt), -EFAULT);
	assert_true(flt.write);
	assert_int_equal(flt.view, SIM_VIEW_CACHED);
	assert_non_null(strstr(flt.where, "rpart+0x0"));
	assert_int_equal(sim_user_access(F.s, t, sim_uncached(F.s, F.kdata + 2), back, 4, false,
					 &flt),
			 -EFAULT);
	assert_false(flt.write);
	assert_int_equal(flt.view, SIM_VIEW_UNCACHED);
	assert_int_equal(flt.taddr, sim_host_to_target(F.s, sim_uncached(F.s, F.kdata + 2)));
	assert_non_null(strstr(flt.where, "kdata +0x2"));
	/* Outside the arena: refused without touching host memory. */
	assert_int_equal(sim_user_access(F.s, t, back, buf, 8, true, &flt), -EFAULT);
	assert_int_equal(flt.view, SIM_VIEW_NONE);
	/* Kernel threads have no user rights to borrow. */
	assert_int_equal(sim_user_access(F.s, NULL, F.upart, buf, 1, true, &flt), -EINVAL);
	/* With protection off the same checks are made in software. */
	sim_set_protect(F.s, false);
	assert_int_equal(sim_user_access(F.s, t, F.rpart + 3, buf, 2, true, &flt), -EFAULT);
	assert_int_equal(flt.offset % F.pg, 3);
	assert_int_equal(sim_user_access(F.s, t, F.upart, buf, 2, true, &flt), 0);
	fx_fini(&F);
}

static void test_protection_disabled(void **state)
{
	k_tid_t t;
	struct sim_stats st;

	(void)state;
	fx_init(&F);
	sim_set_protect(F.s, false);
	sim_stats_reset(F.s);
	steps = 0;
	t = fx_thread(&F, "u", user_write_kernel, F.kdata + 4, 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	/* Nothing enforced: the write lands, no mprotect was made. */
	assert_int_equal(steps, 2);
	assert_int_equal(F.kdata[4], 0x77);
	assert_int_equal(sim_thread_state(F.s, t), SIM_THREAD_EXITED);
	sim_stats_get(F.s, &st);
	assert_int_equal(st.mprotect_calls, 0);
	assert_true(st.to_user >= 1);
	fx_fini(&F);
}

static int rounds;

static void test_rights_switching_is_minimal(void **state)
{
	struct sim_stats st;
	size_t np, stack_pages, per_dir;

	(void)state;
	fx_init(&F);
	/* Without confinement a round trip is exactly user -> kernel -> user. */
	sim_set_confine(F.s, false);
	rounds = 0;
	fx_thread(&F, "u", fx_yield_ten, &rounds, 5, true);
	/* From every page open: a kept arena starts with its last rights. */
	sim_set_protect(F.s, false);
	sim_set_protect(F.s, true);
	sim_stats_reset(F.s);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(rounds, 10);
	sim_stats_get(F.s, &st);
	/* Entry to user mode, then 10 k_yield round trips, then the exit. */
	assert_int_equal(st.to_user, 11);
	assert_int_equal(st.to_kernel, 11);
	/* Entering user mode changes every page whose rights differ, in both
	 * views: all but the two RW partition pages and the thread's stack (the
	 * RO page changes RW -> RO). Kernel rights are lazy: a k_yield round
	 * trip touches no arena page outside the backdoor, so it faults nothing
	 * and changes no rights, and leaving user mode closes nothing. */
	np = sim_arena_size(F.s) / F.pg;
	stack_pages = (64u << 10) / F.pg;
	per_dir = np - 2 - stack_pages;
	assert_int_equal(st.faults, 0);
	assert_int_equal(st.pages_changed, 2 * per_dir);
	/* Coalesced runs, one call per run and view: a handful, not one per page. */
	assert_true(st.mprotect_calls >= 2 && st.mprotect_calls <= 16);
	fx_fini(&F);

	/* Confinement compares copies of the writable pages: it changes no
	 * rights either. */
	fx_init(&F);
	rounds = 0;
	fx_thread(&F, "u", fx_yield_ten, &rounds, 5, true);
	/* From every page open: a kept arena starts with its last rights. */
	sim_set_protect(F.s, false);
	sim_set_protect(F.s, true);
	sim_stats_reset(F.s);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	sim_stats_get(F.s, &st);
	assert_int_equal(rounds, 10);
	assert_int_equal(st.pages_changed, 2 * per_dir);
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_CONFINEMENT), 0);
	fx_fini(&F);
}

static volatile uintptr_t wild_addr = 0x18;

static void wild_user_write(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	*(volatile int *)wild_addr = 1; /* not the arena: a simulator bug */
}

static void test_non_arena_fault_is_not_a_finding(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child: the previous handler is the default action. */
		signal(SIGSEGV, SIG_DFL);
		fx_init(&F);
		fx_thread(&F, "u", wild_user_write, NULL, 5, true);
		sim_run(F.s, UINT64_MAX);
		_exit(fx_count_findings(&F, SIM_FINDING_KERNEL_FAULT) ? 3 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
}

/* ---- a simulator stack overflow: the guard pages below fiber stacks ---------- */

/* Each level keeps a frame live across the call: no tail call, no loop. */
static __attribute__((noinline)) unsigned recurse(unsigned depth)
{
	volatile uint8_t frame[256];

	frame[0] = (uint8_t)depth;
	if (!depth)
		return frame[0];
	return recurse(depth - 1) + frame[0];
}

/* Far more than any fiber stack: 256 MiB of frames. */
#define DEPTH_PAST_ANY_STACK (1u << 20)

static void deep_user(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	sink = (uint8_t)recurse(DEPTH_PAST_ANY_STACK);
}

static uintptr_t impl_deep(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx, (void)a;
	return recurse(DEPTH_PAST_ANY_STACK);
}

static void deep_syscall(void *id, void *b, void *c)
{
	(void)b, (void)c;
	sink = (uint8_t)sim_syscall((int)(intptr_t)id, 0, 0, 0, 0, 0, 0);
}

/* The child: a user thread (or a kernel one) overflows its stack. Exits with
 * the number of findings if the simulator survived it. */
static void overflow_child(bool in_syscall, bool user)
{
	struct sim_syscall_def d;
	int id = -1;
	size_t n;

	fx_init(&F);
	if (in_syscall) {
		memset(&d, 0, sizeof(d));
		d.name = "deep";
		d.impl = impl_deep;
		id = sim_syscall_register(F.s, &d);
		assert_true(id >= 0);
	}
	fx_thread(&F, "deep", in_syscall ? deep_syscall : deep_user, (void *)(intptr_t)id, 5,
		  user);
	sim_run(F.s, UINT64_MAX);
	sim_findings(F.s, &n);
	_exit(10 + (int)(n < 100 ? n : 100));
}

struct overflow_case {
	bool in_syscall, user;
};

static void overflow_in_child(void *arg)
{
	const struct overflow_case *c = arg;

	overflow_child(c->in_syscall, c->user);
}

/* Runs overflow_child in a child process; returns its wait status and stderr. */
static int run_overflow(bool in_syscall, bool user, char *err, size_t len)
{
	struct overflow_case c = { in_syscall, user };

	return fx_run_child(overflow_in_child, &c, err, len);
}

static void assert_overflow_aborts(bool in_syscall, bool user, const char *want)
{
	char err[2048];
	int status = run_overflow(in_syscall, user, err, sizeof(err));

	if (WIFEXITED(status))
		fail_msg("the simulator survived a stack overflow (%d findings): %s",
			 WEXITSTATUS(status) - 10, err);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	if (!strstr(err, "heapsim: simulator stack overflow in thread 'deep'") || !strstr(err, want))
		fail_msg("no simulator stack overflow report with \"%s\": %s", want, err);
}

static void test_stack_overflow_in_user_mode_aborts(void **state)
{
	(void)state;
	assert_overflow_aborts(false, true, "(user mode)");
}

static void test_stack_overflow_in_syscall_aborts(void **state)
{
	(void)state;
	assert_overflow_aborts(true, true, "(kernel mode, in syscall deep)");
}

static void test_stack_overflow_in_kernel_thread_aborts(void **state)
{
	(void)state;
	assert_overflow_aborts(false, false, "(kernel mode)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_write_to_kernel_page_faults),
		cmocka_unit_test(test_user_write_via_uncached_alias_faults),
		cmocka_unit_test(test_read_only_partition),
		cmocka_unit_test(test_user_fault_in_kernel_heap_is_named),
		cmocka_unit_test(test_user_read_of_kernel_page_faults),
		cmocka_unit_test(test_kernel_thread_writes_everywhere),
		cmocka_unit_test(test_user_stack_rights),
		cmocka_unit_test(test_sim_user_access),
		cmocka_unit_test(test_protection_disabled),
		cmocka_unit_test(test_rights_switching_is_minimal),
		cmocka_unit_test(test_non_arena_fault_is_not_a_finding),
		cmocka_unit_test(test_stack_overflow_in_user_mode_aborts),
		cmocka_unit_test(test_stack_overflow_in_syscall_aborts),
		cmocka_unit_test(test_stack_overflow_in_kernel_thread_aborts),
	};

	return cmocka_run_group_tests_name("sim_fault", tests, NULL, NULL);
}
