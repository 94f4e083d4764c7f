/*
 * Threads of the Zephyr drop-in: fibers (ucontext) on the host thread that
 * creates them, with Zephyr's priorities and a deterministic cooperative
 * scheduler. Each host thread has its own scheduler, whose first thread is
 * the host thread itself (main() on the process's first one).
 *
 * A thread gives up the processor only in a kernel call: when it blocks
 * (join, sleep, a k_heap wait), yields, ends, or makes ready a thread that
 * outranks it while it is preemptible. The next thread is the ready one of
 * best priority that has been ready longest. When none is ready the host
 * sleeps until the earliest timed wait expires; when no wait can ever end,
 * the blocked thread is told so (a join reports a deadlock, a k_heap wait
 * falls back to waiting on the host for another host thread's free, a
 * sleep of main() sleeps for good) rather than hanging silently.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "zephyr_internal.h"

#ifdef ZH_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

enum thread_state {
	TS_UNUSED,    /* never created */
	TS_NEW,       /* created with K_FOREVER, waiting for k_thread_start */
	TS_READY,
	TS_RUNNING,
	TS_SLEEPING,  /* k_sleep with a timeout, or a delayed start */
	TS_JOINING,
	TS_HEAP_WAIT,
	TS_SUSPENDED, /* k_sleep(K_FOREVER) */
	TS_DEAD,
};

/* Why a blocked thread became ready again (besides 0, its event). */
enum { WAIT_TIMEOUT = -EAGAIN, WAIT_STUCK = -EDEADLK };

/* Host code (printf, a test framework) needs far more stack than a target
 * thread: every thread runs on this much, mapped lazily, above a guard. */
#define HOST_STACK_BYTES (1024 * 1024)
#define GUARD_BYTES (64 * 1024)

struct fiber {
	ucontext_t ctx;
	void *map; /* guard + stack; NULL for a host thread's own stack */
	uint8_t *stack_lo;
	size_t stack_bytes;
	void *fake_stack; /* AddressSanitizer's, while switched out */
};

struct sched {
	bool ready;
	bool main_gone;        /* the host thread's own k_thread has ended */
	struct k_thread main;  /* the host thread's own thread */
	struct fiber main_fiber;
	struct k_thread *current;
	struct k_thread *threads; /* live threads, the host thread's first */
	uint64_t seq;
	struct fiber *zombie;  /* stack of an ended thread, freed by the next one */
};

static _Thread_local struct sched sched_tls;

static inline struct z_heapsim_thread *hs(struct k_thread *t)
{
	return &t->z_heapsim;
}

static inline struct fiber *fiber_of(struct k_thread *t)
{
	return t->z_heapsim.fiber;
}

static bool is_waiting(const struct k_thread *t)
{
	int st = t->z_heapsim.state;

	return st == TS_SLEEPING || st == TS_JOINING || st == TS_HEAP_WAIT || st == TS_SUSPENDED;
}

/* ---- time ------------------------------------------------------------------------ */

int64_t zh_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

void zh_sleep_ns(int64_t ns)
{
	struct timespec t = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

	while (ns > 0 && nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

int64_t zh_ticks_to_ns(k_ticks_t ticks)
{
	return ticks * (1000000000 / CONFIG_SYS_CLOCK_TICKS_PER_SEC);
}

/* Deadline of a timeout (-1: K_FOREVER). */
static int64_t deadline_of(k_timeout_t timeout)
{
	if (K_TIMEOUT_EQ(timeout, K_FOREVER))
		return -1;
	return zh_now_ns() + zh_ticks_to_ns(timeout.ticks);
}

/* ---- host stacks --------------------------------------------------------------------- */

static void host_stack_bounds(struct fiber *f)
{
	pthread_attr_t a;
	void *lo = NULL;
	size_t bytes = 0;

	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		pthread_attr_getstack(&a, &lo, &bytes);
		pthread_attr_destroy(&a);
	}
	f->stack_lo = lo;
	f->stack_bytes = bytes;
}

static struct fiber *fiber_new(void)
{
	struct fiber *f = calloc(1, sizeof(*f));
	void *m;

	if (!f)
		return NULL;
	m = mmap(NULL, GUARD_BYTES + HOST_STACK_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (m == MAP_FAILED) {
		free(f);
		return NULL;
	}
	/* A host stack overflow hits the guard instead of another mapping. */
	mprotect(m, GUARD_BYTES, PROT_NONE);
	f->map = m;
	f->stack_lo = (uint8_t *)m + GUARD_BYTES;
	f->stack_bytes = HOST_STACK_BYTES;
	return f;
}

static void fiber_free(struct fiber *f)
{
	if (!f || !f->map)
		return;
#ifdef ZH_ASAN
	/* An abandoned fiber leaves poisoned frames behind. */
	ASAN_UNPOISON_MEMORY_REGION(f->stack_lo, f->stack_bytes);
#endif
	munmap(f->map, GUARD_BYTES + HOST_STACK_BYTES);
	free(f);
}

bool zh_thread_host_stack(const struct k_thread *t, uintptr_t *lo, size_t *bytes)
{
	const struct fiber *f = t->z_heapsim.fiber;

	if (!f || !f->stack_lo)
		return false;
	*lo = (uintptr_t)f->stack_lo;
	*bytes = f->stack_bytes;
	return true;
}

/* ---- the scheduler ------------------------------------------------------------------- */

static void init_sched(struct sched *s)
{
	struct k_thread *m = &s->main;

	s->ready = true;
	m->base.prio = CONFIG_MAIN_THREAD_PRIORITY;
	snprintf(m->name, sizeof(m->name), "%s",
		 syscall(SYS_gettid) == getpid() ? "main" : "host");
	hs(m)->state = TS_RUNNING;
	hs(m)->wake_ns = -1;
	hs(m)->fiber = &s->main_fiber;
	hs(m)->sched = s;
	host_stack_bounds(&s->main_fiber);
	m->mem_domain_info.mem_domain = &k_mem_domain_default;
	zh_kobj_thread_created(m, NULL, false);
	s->threads = m;
	s->current = m;
}

static struct sched *me(void)
{
	struct sched *s = &sched_tls;

	if (!s->ready)
		init_sched(s);
	return s;
}

static bool alone(const struct sched *s)
{
	return s->threads && !hs(s->threads)->next && s->threads == s->current;
}

static void make_ready(struct sched *s, struct k_thread *t, int why)
{
	hs(t)->state = TS_READY;
	hs(t)->wait_result = why;
	hs(t)->wake_ns = -1;
	hs(t)->ready_seq = ++s->seq;
}

/* The ready thread to run: best priority, then longest ready. */
static struct k_thread *best_ready(struct sched *s)
{
	struct k_thread *best = NULL;

	for (struct k_thread *t = s->threads; t; t = hs(t)->next) {
		if (hs(t)->state != TS_READY)
			continue;
		if (!best || t->base.prio < best->base.prio ||
		    (t->base.prio == best->base.prio && hs(t)->ready_seq < hs(best)->ready_seq))
			best = t;
	}
	return best;
}

static void wake_due(struct sched *s)
{
	int64_t now = zh_now_ns();

	for (struct k_thread *t = s->threads; t; t = hs(t)->next)
		if (is_waiting(t) && hs(t)->wake_ns >= 0 && hs(t)->wake_ns <= now)
			make_ready(s, t, hs(t)->state == TS_SLEEPING ? 0 : WAIT_TIMEOUT);
}

static int64_t next_deadline(struct sched *s)
{
	int64_t d = -1;

	for (struct k_thread *t = s->threads; t; t = hs(t)->next)
		if (is_waiting(t) && hs(t)->wake_ns >= 0 && (d < 0 || hs(t)->wake_ns < d))
			d = hs(t)->wake_ns;
	return d;
}

/* A wait nothing can end: the thread is made ready to learn it. */
static bool stuck_for_good(const struct k_thread *t, bool is_main)
{
	int st = t->z_heapsim.state;

	if (t->z_heapsim.wake_ns >= 0)
		return false;
	return st == TS_JOINING || st == TS_HEAP_WAIT || (is_main && st == TS_SUSPENDED);
}

static struct k_thread *resolve_stuck(struct sched *s)
{
	/* After main()'s thread ended, its context resumes to end the host thread. */
	if (s->main_gone)
		return s->current == &s->main ? NULL : &s->main;
	if (stuck_for_good(&s->main, true)) {
		make_ready(s, &s->main, WAIT_STUCK);
		return &s->main;
	}
	for (struct k_thread *t = s->threads; t; t = hs(t)->next)
		if (stuck_for_good(t, false)) {
			make_ready(s, t, WAIT_STUCK);
			return t;
		}
	return NULL;
}

/* The thread to run next, sleeping on the host until a timed wait expires
 * if none is ready; NULL when nothing can ever run. */
static struct k_thread *pick_next(struct sched *s)
{
	for (;;) {
		struct k_thread *next;
		int64_t d;

		wake_due(s);
		next = best_ready(s);
		if (next)
			return next;
		d = next_deadline(s);
		if (d < 0)
			return resolve_stuck(s);
		zh_sleep_ns(d - zh_now_ns());
	}
}

#ifdef ZH_ASAN
static void asan_leave(void **save, const struct fiber *to)
{
	__sanitizer_start_switch_fiber(save, to->stack_lo, to->stack_bytes);
}

static void asan_arrive(void *save)
{
	__sanitizer_finish_switch_fiber(save, NULL, NULL);
}
#else
static void asan_leave(void **save, const struct fiber *to)
{
	(void)save;
	(void)to;
}

static void asan_arrive(void *save)
{
	(void)save;
}
#endif

/* What every thread does when it gets the processor back. */
static void arrived(struct sched *s)
{
	if (s->zombie) {
		fiber_free(s->zombie);
		s->zombie = NULL;
	}
}

static void switch_to(struct sched *s, struct k_thread *next)
{
	struct k_thread *prev = s->current;
	struct fiber *pf = fiber_of(prev);

	s->current = next;
	hs(next)->state = TS_RUNNING;
	asan_leave(&pf->fake_stack, fiber_of(next));
	swapcontext(&pf->ctx, &fiber_of(next)->ctx);
	asan_arrive(pf->fake_stack);
	arrived(s);
}

/* The current thread, already marked as waiting, lets others run until it
 * is chosen again; its wait_result says why. */
static void block_current(struct sched *s)
{
	struct k_thread *self = s->current;
	struct k_thread *next = pick_next(s);

	if (!next) { /* nothing else exists and this wait cannot end */
		hs(self)->state = TS_RUNNING;
		hs(self)->wait_result = WAIT_STUCK;
		return;
	}
	if (next == self)
		hs(self)->state = TS_RUNNING;
	else
		switch_to(s, next);
}

/* Runs a thread made ready that outranks a preemptible current thread. */
static void maybe_preempt(struct sched *s)
{
	struct k_thread *self = s->current;
	struct k_thread *next;

	if (self->base.prio < 0 || k_is_in_isr()) /* cooperative threads keep the processor */
		return;
	next = best_ready(s);
	if (next && next->base.prio < self->base.prio) {
		hs(self)->state = TS_READY; /* keeps its place among its equals */
		switch_to(s, next);
	}
}

/* ---- ending threads ------------------------------------------------------------------ */

static void unlink_thread(struct sched *s, struct k_thread *t)
{
	for (struct k_thread **pp = &s->threads; *pp; pp = &hs(*pp)->next)
		if (*pp == t) {
			*pp = hs(t)->next;
			break;
		}
	hs(t)->next = NULL;
}

static void finish_thread(struct sched *s, struct k_thread *t)
{
	hs(t)->state = TS_DEAD;
	t->syscall_frame = NULL;
	for (struct k_thread *j = s->threads; j; j = hs(j)->next)
		if (hs(j)->state == TS_JOINING && hs(j)->joining == t)
			make_ready(s, j, 0);
	zh_kobj_thread_exited(t);
	if (t != &s->main)
		unlink_thread(s, t);
}

/* Zephyr panics when an essential thread is aborted (or ends). */
static void check_essential(struct k_thread *t)
{
	if (t->base.user_options & K_ESSENTIAL)
		z_heapsim_fatal(K_ERR_KERNEL_PANIC, NULL, 0, "essential thread %p (%s) aborted",
				(void *)t, t->name);
}

static FUNC_NORETURN void end_host_thread(void)
{
	if (syscall(SYS_gettid) == getpid())
		exit(0);
	pthread_exit(NULL);
}

static FUNC_NORETURN void end_current(struct sched *s)
{
	struct k_thread *self = s->current;
	struct fiber *f = fiber_of(self);
	struct k_thread *next;

	check_essential(self);
	finish_thread(s, self);
	if (self == &s->main) {
		/* The host thread's own context waits, as a dead thread, for the
		 * others to finish; resolve_stuck() brings it back. */
		s->main_gone = true;
		next = pick_next(s);
		if (next)
			switch_to(s, next);
		end_host_thread();
	}
	next = pick_next(s);
	if (!next) {
		z_heapsim_fatal(K_ERR_KERNEL_PANIC, NULL, 0, "no thread can run any more");
		abort();
	}
	s->zombie = f;
	s->current = next;
	hs(next)->state = TS_RUNNING;
	hs(self)->fiber = NULL;
	asan_leave(NULL, fiber_of(next));
	setcontext(&fiber_of(next)->ctx);
	abort(); /* setcontext does not return */
}

bool zh_thread_end_after_fatal(void)
{
	struct sched *s = me();

	if (s->current == &s->main)
		return false;
	end_current(s);
}

static void fiber_main(void)
{
	struct sched *s = &sched_tls;
	struct k_thread *t;

	asan_arrive(NULL);
	arrived(s);
	t = s->current;
	hs(t)->entry(hs(t)->p1, hs(t)->p2, hs(t)->p3);
	end_current(s);
}

/* ---- creating and starting ---------------------------------------------------------- */

static bool valid_prio(int prio)
{
	return prio >= K_HIGHEST_THREAD_PRIO && prio <= K_LOWEST_APPLICATION_THREAD_PRIO;
}

static bool alive(const struct k_thread *t)
{
	return t->z_heapsim.state != TS_UNUSED && t->z_heapsim.state != TS_DEAD;
}

/* A user thread creates threads through a syscall: Zephyr's checks. */
static void verify_user_create(struct k_thread *nt, k_thread_stack_t *stack, size_t stack_size,
			       int prio, uint32_t options)
{
	struct k_object *sko = k_object_find(stack);
	bool user = z_heapsim_syscall_enter();

	K_OOPS(K_SYSCALL_OBJ_NEVER_INIT(nt, K_OBJ_THREAD));
	K_OOPS(K_SYSCALL_VERIFY_MSG(k_object_validation_check(sko, stack,
							      K_OBJ_THREAD_STACK_ELEMENT,
							      _OBJ_INIT_FALSE) == 0,
				    "bad stack object"));
	K_OOPS(K_SYSCALL_VERIFY_MSG(stack_size <= sko->data.stack_size,
				    "stack size %zu is too big, max is %zu", stack_size,
				    sko->data.stack_size));
	K_OOPS(K_SYSCALL_VERIFY(options & K_USER));
	K_OOPS(K_SYSCALL_VERIFY(valid_prio(prio)));
	K_OOPS(K_SYSCALL_VERIFY(prio >= k_current_get()->base.prio));
	z_heapsim_syscall_leave(user);
}

k_tid_t z_heapsim_thread_create(bool asserts, struct k_thread *nt, k_thread_stack_t *stack,
				size_t stack_size, k_thread_entry_t entry, void *p1, void *p2,
				void *p3, int prio, uint32_t options, k_timeout_t delay)
{
	struct sched *s = me();
	struct k_thread *self = s->current;
	struct k_object *sko = stack ? k_object_find(stack) : NULL;
	bool user_stack = sko && sko->type == K_OBJ_THREAD_STACK_ELEMENT;
	struct fiber *f;

	if (!zh_assert(!k_is_in_isr(), asserts, "Threads may not be created in ISRs",
		       "k_thread_create") ||
	    !zh_assert(nt && stack && entry, asserts, "thread, stack and entry must not be NULL",
		       "k_thread_create") ||
	    !zh_assert(valid_prio(prio), asserts, "invalid priority", "k_thread_create") ||
	    !zh_assert(!alive(nt), asserts, "thread is already running", "k_thread_create") ||
	    !zh_assert(!(options & K_USER) || user_stack, asserts,
		       "user thread with a kernel-only stack", "k_thread_create")) {
		fprintf(stderr, "E: k_thread_create(%p): refused (thread, stack, entry, priority "
				"%d or options 0x%x); no thread created\n",
			(void *)nt, prio, (unsigned)options);
		return NULL;
	}
	if (k_is_user_context())
		verify_user_create(nt, stack, stack_size, prio, options);
	f = fiber_new();
	if (!f) {
		fprintf(stderr, "E: k_thread_create(%p): no host memory for its stack\n", (void *)nt);
		return NULL;
	}
	memset(nt, 0, sizeof(*nt));
	nt->base.prio = (int8_t)prio;
	nt->base.user_options = (uint8_t)options;
	nt->stack_obj = stack;
	nt->stack_info.start = (uintptr_t)stack;
	nt->stack_info.size = stack_size;
	hs(nt)->entry = entry;
	hs(nt)->p1 = p1;
	hs(nt)->p2 = p2;
	hs(nt)->p3 = p3;
	hs(nt)->wake_ns = -1;
	hs(nt)->fiber = f;
	hs(nt)->sched = s;
	/* The new thread joins its creator's domain and permissions. */
	nt->mem_domain_info.mem_domain = self->mem_domain_info.mem_domain;
	zh_kobj_thread_created(nt, self, (options & K_INHERIT_PERMS) != 0);

	getcontext(&f->ctx);
	f->ctx.uc_stack.ss_sp = f->stack_lo;
	f->ctx.uc_stack.ss_size = f->stack_bytes;
	f->ctx.uc_link = NULL;
	makecontext(&f->ctx, fiber_main, 0);

	struct k_thread **tail = &s->threads;

	while (*tail)
		tail = &hs(*tail)->next;
	*tail = nt;

	if (K_TIMEOUT_EQ(delay, K_FOREVER)) {
		hs(nt)->state = TS_NEW;
	} else if (K_TIMEOUT_EQ(delay, K_NO_WAIT)) {
		make_ready(s, nt, 0);
		maybe_preempt(s);
	} else {
		hs(nt)->state = TS_SLEEPING;
		hs(nt)->wake_ns = deadline_of(delay);
	}
	return nt;
}

void k_thread_start(k_tid_t thread)
{
	struct sched *s = me();

	if (!thread) {
		zh_fault("k_thread_start on a NULL thread");
		return;
	}
	if (hs(thread)->state != TS_NEW || hs(thread)->sched != s)
		return;
	make_ready(s, thread, 0);
	maybe_preempt(s);
}

/* ---- joining and aborting ----------------------------------------------------------- */

int k_thread_join(struct k_thread *thread, k_timeout_t timeout)
{
	struct sched *s = me();
	struct k_thread *self = s->current;

	if (!thread) {
		zh_fault("k_thread_join on a NULL thread");
		return -EINVAL;
	}
	if (hs(thread)->state == TS_DEAD)
		return 0;
	if (thread == self ||
	    (hs(thread)->state == TS_JOINING && hs(thread)->joining == self))
		return -EDEADLK;
	if (K_TIMEOUT_EQ(timeout, K_NO_WAIT))
		return -EBUSY;
	if (alive(thread) && hs(thread)->sched != s) {
		zh_fault("k_thread_join(%p): that thread runs on another host thread", (void *)thread);
		return -EINVAL;
	}
	hs(self)->state = TS_JOINING;
	hs(self)->joining = thread;
	hs(self)->wake_ns = deadline_of(timeout);
	block_current(s);
	hs(self)->joining = NULL;
	if (hs(self)->wait_result == WAIT_STUCK) {
		z_heapsim_fatal(K_ERR_KERNEL_PANIC, NULL, 0,
				"deadlock: %s waits in k_thread_join for %p, which can never end",
				self->name[0] ? self->name : "a thread", (void *)thread);
		return -EDEADLK;
	}
	return hs(self)->wait_result;
}

void k_thread_abort(k_tid_t thread)
{
	struct sched *s = me();

	if (!thread) {
		zh_fault("k_thread_abort on a NULL thread");
		return;
	}
	if (!alive(thread))
		return;
	if (thread == s->current)
		end_current(s);
	if (hs(thread)->sched != s) {
		zh_fault("k_thread_abort(%p): that thread runs on another host thread",
			 (void *)thread);
		return;
	}
	check_essential(thread);
	finish_thread(s, thread);
	fiber_free(fiber_of(thread));
	hs(thread)->fiber = NULL;
	maybe_preempt(s);
}

/* ---- the current thread ----------------------------------------------------------- */

k_tid_t k_current_get(void)
{
	return me()->current;
}

k_tid_t k_sched_current_thread_query(void)
{
	return k_current_get();
}

bool k_is_user_context(void)
{
	struct k_thread *t = k_current_get();

	return !k_is_in_isr() && (t->base.user_options & K_USER) && !t->syscall_frame;
}

void k_thread_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	struct sched *s = me();
	struct k_thread *self = s->current;

	self->base.user_options |= K_USER;
	self->base.user_options &= (uint8_t)~K_ESSENTIAL;
	entry(p1, p2, p3);
	end_current(s);
}

int k_thread_name_set(k_tid_t thread, const char *str)
{
	if (!str)
		return -EINVAL;
	if (!thread)
		thread = k_current_get();
	snprintf(thread->name, sizeof(thread->name), "%s", str);
	return 0;
}

const char *k_thread_name_get(k_tid_t thread)
{
	return thread ? thread->name : NULL;
}

int k_thread_priority_get(k_tid_t thread)
{
	return thread->base.prio;
}

void k_thread_priority_set(k_tid_t thread, int prio)
{
	if (!zh_assert(valid_prio(prio), true, "invalid priority", "k_thread_priority_set"))
		return;
	thread->base.prio = (int8_t)prio;
	maybe_preempt(me());
}

void k_thread_custom_data_set(void *value)
{
	k_current_get()->custom_data = value;
}

void *k_thread_custom_data_get(void)
{
	return k_current_get()->custom_data;
}

/* ---- sleeping and yielding ---------------------------------------------------------- */

void k_yield(void)
{
	struct sched *s = me();
	struct k_thread *self = s->current;
	struct k_thread *next;

	if (alone(s)) {
		sched_yield();
		return;
	}
	make_ready(s, self, 0); /* behind the ready threads of its priority */
	next = best_ready(s);
	if (next == self)
		hs(self)->state = TS_RUNNING;
	else
		switch_to(s, next);
}

int32_t k_sleep(k_timeout_t timeout)
{
	struct sched *s = me();
	struct k_thread *self = s->current;

	if (K_TIMEOUT_EQ(timeout, K_NO_WAIT)) {
		k_yield();
		return 0;
	}
	if (!alone(s)) {
		hs(self)->state = K_TIMEOUT_EQ(timeout, K_FOREVER) ? TS_SUSPENDED : TS_SLEEPING;
		hs(self)->wake_ns = deadline_of(timeout);
		block_current(s);
		if (hs(self)->wait_result != WAIT_STUCK)
			return 0;
	}
	/* Only this thread: sleep on the host (for good with K_FOREVER). */
	if (K_TIMEOUT_EQ(timeout, K_FOREVER)) {
		for (;;)
			zh_sleep_ns(1000000000);
	}
	zh_sleep_ns(zh_ticks_to_ns(timeout.ticks));
	return 0;
}

/* ---- k_heap waits ------------------------------------------------------------------ */

int zh_sched_heap_wait(const void *heap, int64_t deadline_ns)
{
	struct sched *s = me();
	struct k_thread *self = s->current;

	if (alone(s))
		return -1;
	hs(self)->state = TS_HEAP_WAIT;
	hs(self)->waiting_on = heap;
	hs(self)->wake_ns = deadline_ns;
	block_current(s);
	hs(self)->waiting_on = NULL;
	if (hs(self)->wait_result == WAIT_STUCK)
		return -1;
	return hs(self)->wait_result == WAIT_TIMEOUT ? 0 : 1;
}

void zh_sched_heap_freed(const void *heap)
{
	struct sched *s = &sched_tls;
	bool woke = false;

	if (!s->ready)
		return;
	for (struct k_thread *t = s->threads; t; t = hs(t)->next)
		if (hs(t)->state == TS_HEAP_WAIT && hs(t)->waiting_on == heap) {
			make_ready(s, t, 0);
			woke = true;
		}
	if (woke)
		maybe_preempt(s);
}
