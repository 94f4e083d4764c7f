/*
 * Threads as fibers on one OS thread, the scheduler, wait queues, timers and
 * virtual time. Deterministic: the same program gives the same schedule.
 *
 * A fiber only ever switches out from kernel mode (inside a kernel call or
 * the syscall gate), so the scheduler always runs in kernel mode and a
 * resumed fiber continues in kernel mode; the gate restores user rights on
 * its way back. Kernel rights are lazy (syscall.c): switching changes no
 * page rights.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim_internal.h"

uint64_t sim_now_us(const struct sim *s)
{
	return s->now;
}

static bool dead(const struct sim_thread *t)
{
	return t->state >= SIM_THREAD_EXITED;
}

struct sim_thread *sim_thread_of(const struct sim *s, const struct k_thread *k)
{
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++)
		if (s->threads[i].used && s->threads[i].k == k)
			return (struct sim_thread *)&s->threads[i];
	return NULL;
}

static sim_taddr_t taddr_of(const struct sim *s, const void *p)
{
	return sim_host_to_target(s, p);
}

static void set_state(struct sim *s, struct sim_thread *t, enum sim_thread_state st)
{
	t->state = st;
	sim_bd_w32(s, &t->k->state, (uint32_t)st);
}

/* ---- host stacks ---------------------------------------------------------------
 * A thread's modelled stack is an arena region (user rights, audit,
 * confinement see it), but its fiber runs on a host stack of the same size
 * mapped on its own, with no-access guard pages below. Simulator code that
 * overflows a stack thus hits the guard (the fault handler aborts: a
 * simulator bug) instead of writing arena pages, where it would look like a
 * user fault or a syscall's stray write.
 */

static uint8_t *host_stack_lo(const struct sim_thread *t)
{
	return t->host_map + SIM_STACK_GUARD_BYTES;
}

/* Host stacks of dead simulators' threads, kept for the next ones (a
 * fuzzer creates the same threads for every input): mapping a stack and its
 * guard costs page-table changes, reusing one costs none. */
#define HOST_STACK_POOL 16
static struct {
	uint8_t *map;
	size_t bytes;
} g_stack_pool[HOST_STACK_POOL];

static bool host_stack_map(struct sim_thread *t, size_t bytes)
{
	void *m;

	for (unsigned i = 0; i < HOST_STACK_POOL; i++)
		if (g_stack_pool[i].map && g_stack_pool[i].bytes == bytes) {
			t->host_map = g_stack_pool[i].map;
			g_stack_pool[i].map = NULL;
			return true;
		}
	m = mmap(NULL, SIM_STACK_GUARD_BYTES + bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	g_pt.mmap++;
	if (m == MAP_FAILED)
		return false;
	g_pt.mprotect++;
	if (mprotect(m, SIM_STACK_GUARD_BYTES, PROT_NONE) != 0) {
		munmap(m, SIM_STACK_GUARD_BYTES + bytes);
		g_pt.munmap++;
		return false;
	}
	t->host_map = m;
	return true;
}

static void host_stack_unmap(struct sim_thread *t)
{
	if (!t->host_map)
		return;
#ifdef SIM_ASAN
	/* Abandoned fibers leave poisoned frames; a later use of this stack must not inherit them. */
	ASAN_UNPOISON_MEMORY_REGION(host_stack_lo(t), t->stack_bytes);
#endif
	for (unsigned i = 0; i < HOST_STACK_POOL; i++)
		if (!g_stack_pool[i].map) {
			g_stack_pool[i].map = t->host_map;
			g_stack_pool[i].bytes = t->stack_bytes;
			t->host_map = NULL;
			return;
		}
	munmap(t->host_map, SIM_STACK_GUARD_BYTES + t->stack_bytes);
	g_pt.munmap++;
	t->host_map = NULL;
}

/* The thread whose guard pages hold addr, or NULL. Called from the fault
 * handler: reads only. */
const struct sim_thread *sim_stack_guard_owner(const struct sim *s, uintptr_t addr)
{
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
		const struct sim_thread *t = &s->threads[i];
		uintptr_t lo = (uintptr_t)t->host_map;

		if (t->used && t->host_map && addr >= lo && addr - lo < SIM_STACK_GUARD_BYTES)
			return t;
	}
	return NULL;
}

/* ---- fiber switching ---------------------------------------------------------- */

static void fiber_started(struct sim *s, struct sim_thread *t)
{
#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(t->fake_stack, &s->main_bottom, &s->main_size);
	t->fake_stack = NULL; /* back in use: non-NULL means suspended (drop_suspended_fibers) */
#else
	(void)s;
	(void)t;
#endif
}

static __attribute__((noreturn)) void leave_fiber(struct sim *s);

/* From a fiber in kernel mode to the scheduler; returns when resumed. */
static void switch_out(struct sim *s, struct sim_thread *t)
{
	if (t->windowed)
		sim_window_end(s, t);
	s->current = NULL;
#ifdef SIM_ASAN
	__sanitizer_start_switch_fiber(&t->fake_stack, s->main_bottom, s->main_size);
#endif
	swapcontext(&t->ctx, &s->sched_ctx);
	fiber_started(s, t);
	if (s->dropping_fibers)
		leave_fiber(s);
	if (t->windowed)
		sim_window_begin(s, t);
}

/* Leaves a fiber for good (its stack is abandoned). Also used from the
 * SIGSEGV handler, on the alternate stack. */
static __attribute__((noreturn)) void leave_fiber(struct sim *s)
{
	s->current = NULL;
#ifdef SIM_ASAN
	__sanitizer_start_switch_fiber(NULL, s->main_bottom, s->main_size);
#endif
	setcontext(&s->sched_ctx);
	abort(); /* setcontext does not return */
}

static void wake_joiners(struct sim *s, struct sim_thread *t);
static void waitq_remove(struct sim *s, struct sim_thread *t);

static void finish(struct sim *s, struct sim_thread *t, enum sim_thread_state st)
{
	if (t->pended_on)
		waitq_remove(s, t);
	t->sc_id = -1;
	t->confined = t->windowed = false;
	t->in_user_mode = false;
	set_state(s, t, st);
	wake_joiners(s, t);
}

void sim_thread_die(struct sim *s, struct sim_thread *t, int reason, const char *msg)
{
	if (s->window_open)
		sim_window_end(s, t);
	t->confined = t->windowed = false;
	if (reason) {
		t->oops.reason = reason;
		sim_copy_name(t->oops.message, msg ? msg : "", sizeof(t->oops.message));
		s->stats.oopses++;
		sim_event(s, SIM_EV_THREAD_OOPS, "%s oops: %s", t->name, t->oops.message);
		finish(s, t, SIM_THREAD_OOPSED);
	} else {
		sim_event(s, SIM_EV_THREAD_EXIT, "%s exit", t->name);
		finish(s, t, SIM_THREAD_EXITED);
	}
	leave_fiber(s);
}

void sim_oops_current(struct sim *s, int reason, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!s->current) {
		/* Only user threads oops; reaching here is a caller bug in main context. */
		fprintf(stderr, "heapsim sim: oops outside a thread: %s\n", msg);
		abort();
	}
	sim_thread_die(s, s->current, reason, msg);
}

void sim_mode_to_kernel(struct sim *s, struct sim_thread *t)
{
	t->in_user_mode = false;
	s->stats.to_kernel++;
	/* Kernel rights are lazy: nothing to change until kernel code faults. */
}

void sim_mode_to_user(struct sim *s, struct sim_thread *t)
{
	t->in_user_mode = true;
	s->stats.to_user++;
	if (!t->soft) { /* a soft thread's accesses are checked in sim_user_store/_load */
		sim_rights_user(s, t);
	} else if (s->cfg.soft_check) {
		memset(s->want, R_NONE, s->npages);
		sim_apply_rights(s, s->want);
	}
}

bool sim_in_user_mode(void)
{
	return g_sim && g_sim->current && g_sim->current->in_user_mode;
}

static void fiber_entry(int id)
{
	struct sim *s = g_sim;
	struct sim_thread *t = &s->threads[id];

	fiber_started(s, t);
	sim_event(s, SIM_EV_THREAD_START, "%s start%s", t->name, t->user ? " (user)" : "");
	if (t->user)
		sim_mode_to_user(s, t);
	t->entry(t->p1, t->p2, t->p3);
	if (t->in_user_mode)
		sim_mode_to_kernel(s, t);
	sim_thread_die(s, t, 0, NULL);
}

/* ---- creation and queries ---------------------------------------------------- */

k_tid_t sim_thread_create(struct sim *s, const struct sim_thread_params *pp)
{
	struct sim_thread *t = NULL, *me = s->current;
	size_t stack_bytes;
	char name[SIM_NAME_MAX + 8];
	int err;
	struct sim_kobj *o;

	if (me && me->in_user_mode)
		sim_oops_current(s, SIM_OOPS_PRIVILEGED, "k_thread_create from user mode");
	if (!pp || !pp->entry)
		return NULL;
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++)
		if (!s->threads[i].used) {
			t = &s->threads[i];
			memset(t, 0, sizeof(*t));
			t->id = i;
			break;
		}
	if (!t)
		return NULL;
	stack_bytes = pp->stack_bytes ? (pp->stack_bytes + s->page - 1) / s->page * s->page
				       : s->cfg.stack_bytes;
	sim_copy_name(t->name, pp->name ? pp->name : "thread", sizeof(t->name));
	t->k = sim_kobj_alloc(s, sizeof(struct k_thread), 8, NULL);
	sim_fmt(name, sizeof(name), "stack %s", t->name);
	t->stack = t->k ? sim_region_alloc_kind(s, stack_bytes, REG_STACK, name) : NULL;
	if (!t->stack)
		return NULL;
	t->stack_bytes = stack_bytes;
	o = host_stack_map(t, stack_bytes)
		    ? sim_kobj_add(s, t->k, sizeof(struct k_thread), K_OBJ_THREAD, NULL, t->name,
				   NULL, 0, &err)
		    : NULL;
	if (!o) {
		host_stack_unmap(t);
		sim_region_free(s, t->stack);
		return NULL;
	}
	sim_copy_name(o->name, t->name, sizeof(o->name));
	sim_kobj_set_thread_index(s, o, t->id - 1);
	sim_kobj_mark_initialized(s, o);
	t->used = true;
	t->prio = pp->prio;
	t->user = (pp->options & K_USER) != 0;
	t->soft = pp->soft_rights && s->cfg.soft_rights;
	t->dom = pp->domain ? sim_domain_of(s, pp->domain) : NULL;
	t->entry = pp->entry;
	t->p1 = pp->p1, t->p2 = pp->p2, t->p3 = pp->p3;
	t->wake_at = UINT64_MAX;
	t->sc_id = -1;
	/* A thread may always use itself; K_INHERIT_PERMS copies its creator's. */
	sim_kobj_perm_grant(s, o, t->id);
	/* (as Zephyr's wordlist_cb: not on the creator's own thread object) */
	if (me && (pp->options & K_INHERIT_PERMS)) {
		size_t me_off = (size_t)((uint8_t *)me->k - s->view[0]);
		uint32_t me_bit = sim_kobj_thread_index(s, me) + 1;

		for (size_t i = 0; i < s->nkobjs; i++) {
			struct sim_kobj *q = &s->kobjs[i];

			if (q->registered && !sim_kobj_is_record(q) && q->off != me_off &&
			    sim_kobj_perm_test(s, q, me_bit))
				sim_kobj_perm_grant(s, q, t->id);
		}
	}
	{
		struct k_thread img = { 0, 0, t->id, pp->prio, 0, pp->options };

		sim_bd_write(s, t->k, &img, sizeof(img));
	}
	getcontext(&t->ctx);
	t->ctx.uc_stack.ss_sp = host_stack_lo(t);
	t->ctx.uc_stack.ss_size = stack_bytes;
	t->ctx.uc_link = NULL;
	makecontext(&t->ctx, (void (*)(void))fiber_entry, 1, (int)t->id);
	sim_event(s, SIM_EV_THREAD_CREATE, "%s created prio %d%s", t->name, t->prio,
		  t->user ? " K_USER" : "");
	if (pp->delay.us > 0) {
		t->wake_at = s->now + (uint64_t)pp->delay.us;
		set_state(s, t, SIM_THREAD_SLEEPING);
	} else if (pp->delay.us < 0) {
		set_state(s, t, SIM_THREAD_SLEEPING); /* K_FOREVER: never starts on its own */
	} else {
		t->ready_seq = ++s->seq;
		set_state(s, t, SIM_THREAD_READY);
	}
	return t->k;
}

k_tid_t k_current_get(void)
{
	return g_sim && g_sim->current ? g_sim->current->k : NULL;
}

enum sim_thread_state sim_thread_state(const struct sim *s, k_tid_t k)
{
	const struct sim_thread *t = sim_thread_of(s, k);

	return t ? t->state : 0;
}

const char *sim_thread_name(const struct sim *s, k_tid_t k)
{
	const struct sim_thread *t = sim_thread_of(s, k);

	return t ? t->name : NULL;
}

bool sim_thread_is_user(const struct sim *s, k_tid_t k)
{
	const struct sim_thread *t = sim_thread_of(s, k);

	return t && t->user;
}

void *sim_thread_stack(const struct sim *s, k_tid_t k, size_t *bytes)
{
	const struct sim_thread *t = sim_thread_of(s, k);

	if (!t)
		return NULL;
	if (bytes)
		*bytes = t->stack_bytes;
	return t->stack;
}

bool sim_thread_oops(const struct sim *s, k_tid_t k, struct sim_oops *out)
{
	const struct sim_thread *t = sim_thread_of(s, k);

	if (!t || t->state != SIM_THREAD_OOPSED)
		return false;
	if (out)
		*out = t->oops;
	return true;
}

#ifdef SIM_ASAN
/* ASan frees a fiber's fake stack (detect_stack_use_after_return) only when
 * the fiber itself leaves for good; one abandoned in switch_out keeps its
 * fake stack for ever (megabytes per input). Resume each such fiber once so
 * that it leaves at once, running none of its own code. */
static void drop_suspended_fibers(struct sim *s)
{
	s->dropping_fibers = true;
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
		struct sim_thread *t = &s->threads[i];

		if (!t->used || !t->host_map || !t->fake_stack)
			continue;
		__sanitizer_start_switch_fiber(&s->sched_fake, host_stack_lo(t), t->stack_bytes);
		swapcontext(&s->sched_ctx, &t->ctx);
		__sanitizer_finish_switch_fiber(s->sched_fake, NULL, NULL);
		t->fake_stack = NULL;
	}
	s->dropping_fibers = false;
	s->current = NULL;
}
#endif

void sim_threads_free(struct sim *s)
{
	/* Fibers that never finished are dropped with their host stacks. */
	s->current = NULL;
#ifdef SIM_ASAN
	drop_suspended_fibers(s);
#endif
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++)
		host_stack_unmap(&s->threads[i]);
}

/* ---- wait queues ----------------------------------------------------------------
 * The truth is host-side: the threads whose pended_on is the queue, in
 * (priority, pend order). The arena links mirror it, as the target keeps them;
 * before the kernel uses a queue the mirror is compared with the truth: a
 * difference means someone else wrote kernel-trusted links. (The loops over
 * the thread table here and in the scheduler are the simulator's own, not
 * coverage a fuzzer should follow: SIM_NO_COVERAGE.)
 */

SIM_NO_COVERAGE
static unsigned waitq_members(struct sim *s, _wait_q_t *wq, struct sim_thread **out)
{
	unsigned n = 0;

	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++)
		if (s->threads[i].used && s->threads[i].pended_on == wq)
			out[n++] = &s->threads[i];
	for (unsigned i = 1; i < n; i++) /* insertion sort: n is tiny */
		for (unsigned j = i; j > 0; j--) {
			struct sim_thread *a = out[j - 1], *b = out[j];

			if (a->prio < b->prio || (a->prio == b->prio && a->pend_seq < b->pend_seq))
				break;
			out[j - 1] = b, out[j] = a;
		}
	return n;
}

SIM_NO_COVERAGE
static void waitq_mirror(struct sim *s, _wait_q_t *wq)
{
	struct sim_thread *m[SIM_MAX_THREADS];
	unsigned n = waitq_members(s, wq, m);
	_wait_q_t img = { n ? taddr_of(s, m[0]->k) : 0, n ? taddr_of(s, m[n - 1]->k) : 0 };

	sim_bd_write(s, wq, &img, sizeof(img));
	for (unsigned i = 0; i < n; i++) {
		sim_bd_w32(s, &m[i]->k->prev, i ? taddr_of(s, m[i - 1]->k) : 0);
		sim_bd_w32(s, &m[i]->k->next, i + 1 < n ? taddr_of(s, m[i + 1]->k) : 0);
	}
}

static bool waitq_word_ok(struct sim *s, const uint32_t *p, uint32_t want, const char *what)
{
	struct sim_finding f;

	if (!sim_finding_forged_word(s, &f, p, want))
		return true;
	sim_fmt(f.message, sizeof(f.message),
		 "kernel follows a forged wait-queue %s: %s %s +0x%zx holds 0x%08x, kernel set 0x%08x",
		 what, f.object_type, f.object, f.offset, (unsigned)*p, (unsigned)want);
	sim_finding_add(s, &f);
	return false;
}

bool sim_waitq_check(struct sim *s, _wait_q_t *wq)
{
	struct sim_thread *m[SIM_MAX_THREADS];
	unsigned n = waitq_members(s, wq, m);
	bool ok = true;

	ok &= waitq_word_ok(s, &wq->head, n ? taddr_of(s, m[0]->k) : 0, "head");
	ok = ok && waitq_word_ok(s, &wq->tail, n ? taddr_of(s, m[n - 1]->k) : 0, "tail");
	for (unsigned i = 0; ok && i < n; i++) {
		ok = waitq_word_ok(s, &m[i]->k->prev, i ? taddr_of(s, m[i - 1]->k) : 0, "link") &&
		     waitq_word_ok(s, &m[i]->k->next, i + 1 < n ? taddr_of(s, m[i + 1]->k) : 0,
				   "link");
	}
	if (!ok)
		waitq_mirror(s, wq); /* report once, then continue on the truth */
	return ok;
}

static void waitq_remove(struct sim *s, struct sim_thread *t)
{
	_wait_q_t *wq = t->pended_on;

	t->pended_on = NULL;
	sim_bd_w32(s, &t->k->next, 0);
	sim_bd_w32(s, &t->k->prev, 0);
	waitq_mirror(s, wq);
}

static void make_ready(struct sim *s, struct sim_thread *t)
{
	t->wake_at = UINT64_MAX;
	t->ready_seq = ++s->seq;
	set_state(s, t, SIM_THREAD_READY);
}

int sim_pend_curr(struct sim *s, struct k_spinlock *lock, _wait_q_t *wq, k_timeout_t timeout)
{
	struct sim_thread *t = s->current;

	if (lock)
		sim_spin_give(s, lock);
	if (!t || timeout.us == 0)
		return -EAGAIN;
	sim_waitq_check(s, wq);
	t->pended_on = wq;
	t->pend_seq = ++s->seq;
	waitq_mirror(s, wq);
	t->swap_result = -EAGAIN;
	t->wake_at = timeout.us < 0 ? UINT64_MAX : s->now + (uint64_t)timeout.us;
	set_state(s, t, SIM_THREAD_PENDED);
	sim_event(s, SIM_EV_PEND, "%s pends%s", t->name,
		  timeout.us < 0 ? " forever" : "");
	switch_out(s, t);
	return t->swap_result;
}

struct sim_thread *sim_unpend_first(struct sim *s, _wait_q_t *wq)
{
	struct sim_thread *m[SIM_MAX_THREADS];

	sim_waitq_check(s, wq);
	if (!waitq_members(s, wq, m))
		return NULL;
	waitq_remove(s, m[0]);
	m[0]->swap_result = 0;
	make_ready(s, m[0]);
	sim_event(s, SIM_EV_WAKE, "%s woken", m[0]->name);
	return m[0];
}

bool sim_unpend_thread(struct sim *s, struct sim_thread *t)
{
	if (!t->pended_on)
		return false;
	waitq_remove(s, t);
	t->swap_result = 0;
	make_ready(s, t);
	sim_event(s, SIM_EV_WAKE, "%s woken", t->name);
	return true;
}

int sim_unpend_all(struct sim *s, _wait_q_t *wq)
{
	int n = 0;

	while (sim_unpend_first(s, wq))
		n++;
	return n;
}

/* ---- yielding, sleeping, aborting, joining ---------------------------------------- */

/* Kernel-side bodies; user calls reach them through the built-in syscalls. */
void sim_k_yield(struct sim *s)
{
	struct sim_thread *t = s->current;

	if (!t)
		return;
	make_ready(s, t);
	switch_out(s, t);
}

void sim_k_sleep(struct sim *s, k_timeout_t to)
{
	struct sim_thread *t = s->current;

	if (!t)
		return;
	if (to.us == 0) {
		sim_k_yield(s);
		return;
	}
	t->wake_at = to.us < 0 ? UINT64_MAX : s->now + (uint64_t)to.us;
	set_state(s, t, SIM_THREAD_SLEEPING);
	sim_event(s, SIM_EV_SLEEP, "%s sleeps %lld us", t->name, (long long)to.us);
	switch_out(s, t);
}

void k_thread_abort(k_tid_t k)
{
	struct sim *s = g_sim;
	struct sim_thread *t = s ? sim_thread_of(s, k) : NULL;

	if (!t || dead(t))
		return;
	if (s->current && s->current->in_user_mode && s->current != t)
		sim_oops_current(s, SIM_OOPS_PRIVILEGED, "k_thread_abort of another thread from user mode");
	sim_event(s, SIM_EV_THREAD_ABORT, "%s aborted", t->name);
	if (t == s->current) {
		if (s->window_open)
			sim_window_end(s, t);
		finish(s, t, SIM_THREAD_ABORTED);
		leave_fiber(s);
	}
	finish(s, t, SIM_THREAD_ABORTED);
}

static void wake_joiners(struct sim *s, struct sim_thread *dead_t)
{
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
		struct sim_thread *t = &s->threads[i];

		if (t->used && t->state == SIM_THREAD_PENDED && t->join_target == dead_t) {
			t->join_target = NULL;
			t->swap_result = 0;
			make_ready(s, t);
		}
	}
}

int k_thread_join(k_tid_t k, k_timeout_t timeout)
{
	struct sim *s = g_sim;
	struct sim_thread *t = s ? sim_thread_of(s, k) : NULL, *me;

	if (!t)
		return -EINVAL;
	me = s->current;
	if (me == t)
		return -EDEADLK;
	if (dead(t))
		return 0;
	if (timeout.us == 0)
		return -EBUSY;
	if (!me) {
		uint64_t until = timeout.us < 0 ? UINT64_MAX : s->now + (uint64_t)timeout.us;

		s->watch = t;
		while (!dead(t)) {
			enum sim_run_result r = sim_run(s, until);

			if (r != SIM_RUN_STOPPED || !s->watch_hit)
				break;
		}
		s->watch = NULL;
		return dead(t) ? 0 : -EAGAIN;
	}
	me->join_target = t;
	me->swap_result = -EAGAIN;
	me->wake_at = timeout.us < 0 ? UINT64_MAX : s->now + (uint64_t)timeout.us;
	set_state(s, me, SIM_THREAD_PENDED);
	switch_out(s, me);
	me->join_target = NULL;
	return me->swap_result;
}

void k_thread_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	struct sim *s = g_sim;
	struct sim_thread *t = s ? s->current : NULL;

	if (!t) {
		fprintf(stderr, "heapsim sim: k_thread_user_mode_enter outside a thread\n");
		abort();
	}
	t->user = true;
	sim_bd_w32(s, &t->k->options, t->k->options | K_USER);
	if (!t->in_user_mode)
		sim_mode_to_user(s, t);
	entry(p1, p2, p3);
	sim_mode_to_kernel(s, t);
	sim_thread_die(s, t, 0, NULL);
}

/* ---- timers ----------------------------------------------------------------------- */

int sim_timer_start(struct sim *s, uint64_t first_us, uint64_t period_us, sim_timer_fn fn,
		    void *arg)
{
	if (!fn)
		return -EINVAL;
	for (int i = 0; i < SIM_MAX_TIMERS; i++)
		if (!s->timers[i].used) {
			s->timers[i] = (struct sim_timer){ true, first_us, period_us, fn, arg };
			return i;
		}
	return -ENOSPC;
}

void sim_timer_stop(struct sim *s, int id)
{
	if (id >= 0 && id < SIM_MAX_TIMERS)
		s->timers[id].used = false;
}

static void fire_timers(struct sim *s)
{
	for (;;) {
		int best = -1;

		for (int i = 0; i < SIM_MAX_TIMERS; i++)
			if (s->timers[i].used && s->timers[i].next <= s->now &&
			    (best < 0 || s->timers[i].next < s->timers[best].next))
				best = i;
		if (best < 0)
			return;
		struct sim_timer *tm = &s->timers[best];

		if (tm->period)
			tm->next += tm->period;
		else
			tm->used = false;
		sim_event(s, SIM_EV_TIMER, "timer %d fires", best);
		s->in_isr = true;
		tm->fn(s, tm->arg);
		s->in_isr = false;
	}
}

SIM_NO_COVERAGE
static void expire(struct sim *s)
{
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
		struct sim_thread *t = &s->threads[i];

		if (!t->used || t->wake_at > s->now)
			continue;
		if (t->state == SIM_THREAD_PENDED) {
			if (t->pended_on) {
				sim_waitq_check(s, t->pended_on);
				waitq_remove(s, t);
			}
			t->join_target = NULL;
			t->swap_result = -EAGAIN;
			sim_event(s, SIM_EV_TIMEOUT, "%s timeout", t->name);
			make_ready(s, t);
		} else if (t->state == SIM_THREAD_SLEEPING) {
			make_ready(s, t);
		}
	}
}

SIM_NO_COVERAGE
static struct sim_thread *pick(struct sim *s)
{
	struct sim_thread *best = NULL;

	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
		struct sim_thread *t = &s->threads[i];

		if (!t->used || t->state != SIM_THREAD_READY)
			continue;
		if (!best || t->prio < best->prio ||
		    (t->prio == best->prio && t->ready_seq < best->ready_seq))
			best = t;
	}
	return best;
}

static void run_thread(struct sim *s, struct sim_thread *t)
{
	s->current = t;
	set_state(s, t, SIM_THREAD_RUNNING);
	s->stats.context_switches++;
	sim_event(s, SIM_EV_SWITCH, "run %s", t->name);
#ifdef SIM_ASAN
	__sanitizer_start_switch_fiber(&s->sched_fake, host_stack_lo(t), t->stack_bytes);
#endif
	swapcontext(&s->sched_ctx, &t->ctx);
#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(s->sched_fake, NULL, NULL);
#endif
	s->current = NULL;
	/* No rights change: kernel code opens what it touches (lazily); the
	 * next return to user mode closes it. */
}

SIM_NO_COVERAGE
static uint64_t next_deadline(const struct sim *s, bool *alive)
{
	uint64_t next = UINT64_MAX;

	*alive = false;
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
		const struct sim_thread *t = &s->threads[i];

		if (!t->used || dead(t))
			continue;
		*alive = true;
		if (t->wake_at < next)
			next = t->wake_at;
	}
	for (int i = 0; i < SIM_MAX_TIMERS; i++)
		if (s->timers[i].used && s->timers[i].next < next)
			next = s->timers[i].next;
	return next;
}

SIM_NO_COVERAGE
static bool timers_active(const struct sim *s)
{
	for (int i = 0; i < SIM_MAX_TIMERS; i++)
		if (s->timers[i].used)
			return true;
	return false;
}

enum sim_run_result sim_run(struct sim *s, uint64_t until)
{
	if (s->current)
		return SIM_RUN_STOPPED; /* not from inside a thread */
	sim_signals_ensure(s);
	s->watch_hit = false;
	s->switches_this_run = 0;
	for (;;) {
		struct sim_thread *t;
		uint64_t next;
		bool alive;

		if (s->watch && dead(s->watch)) {
			s->watch_hit = true;
			return SIM_RUN_STOPPED;
		}
		fire_timers(s);
		expire(s);
		t = pick(s);
		if (t) {
			if (s->cfg.switch_budget && ++s->switches_this_run > s->cfg.switch_budget) {
				struct sim_finding f;

				sim_finding_new(s, &f, SIM_FINDING_HANG);
				sim_fmt(f.message, sizeof(f.message),
					 "no progress: %llu context switches without reaching the time limit",
					 (unsigned long long)s->cfg.switch_budget);
				sim_finding_add(s, &f);
				return SIM_RUN_BUDGET;
			}
			run_thread(s, t);
			continue;
		}
		next = next_deadline(s, &alive);
		if (!alive && !timers_active(s))
			return SIM_RUN_IDLE;
		if (next == UINT64_MAX)
			return SIM_RUN_BLOCKED;
		if (next > until) {
			if (until > s->now)
				s->now = until;
			return SIM_RUN_TIME;
		}
		s->now = next;
	}
}
