/*
 * A fault on the guard pages below a fiber's host stack is a simulator stack
 * overflow: reported as such and the process aborted, never a finding.
 * SIGSEGV on arena pages: a user fault oopses the thread, a kernel write to a
 * page confinement made read-only opens the page for the window (the diff at
 * the window's end reports the bytes), a fault during sim_user_access returns
 * to its caller. Anything else — a fault outside the arena, or one the rights
 * table cannot explain — is the simulator's own bug: it goes to the previous
 * handler (ASan, libFuzzer, CMocka) or the default action, never a finding.
 *
 * The handler is installed lazily (sim_run, sim_user_access) and re-checked
 * there, because CMocka replaces it around every test and restores it
 * without SA_SIGINFO (docs/sim.md, "Host facts the simulator relies on").
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_internal.h"

static struct sigaction g_prev;
static bool g_prev_valid;
static volatile sig_atomic_t g_chaining;
static void *g_altstack;

static void on_segv(int sig, siginfo_t *si, void *uc);

static bool handler_is_ours(const struct sigaction *sa)
{
	if (sa->sa_flags & SA_SIGINFO)
		return sa->sa_sigaction == on_segv;
	return (void *)sa->sa_handler == (void *)on_segv;
}

static void ensure_altstack(void)
{
	static __thread bool seen; /* nothing here removes a thread's alternate stack */
	stack_t old, ss;

	if (seen)
		return;
	if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE)) {
		seen = true;
		return; /* one is set (ours, or ASan's) */
	}
	if (!g_altstack)
		g_altstack = malloc(1 << 16);
	if (!g_altstack)
		return;
	ss.ss_sp = g_altstack;
	ss.ss_size = 1 << 16;
	ss.ss_flags = 0;
	seen = sigaltstack(&ss, NULL) == 0;
}

void sim_signals_ensure(struct sim *s)
{
	struct sigaction cur, sa;

	(void)s;
	g_chaining = 0;
	ensure_altstack();
	if (sigaction(SIGSEGV, NULL, &cur) != 0)
		return;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_segv)
		return;
	/* A copy of ours that lost SA_SIGINFO (CMocka's restore) is not a
	 * previous handler: chaining to it would call ourselves. */
	if (!handler_is_ours(&cur)) {
		g_prev = cur;
		g_prev_valid = true;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}

void sim_signals_release(void)
{
	struct sigaction cur;

	if (sigaction(SIGSEGV, NULL, &cur) == 0 && handler_is_ours(&cur) && g_prev_valid)
		sigaction(SIGSEGV, &g_prev, NULL);
	g_prev_valid = false;
}

/* Not ours: let whoever was there before report it; if it returns, the
 * retried access must die with the default action rather than loop. */
static void chain(int sig, siginfo_t *si, void *uc)
{
	if (!g_chaining && g_prev_valid) {
		g_chaining = 1;
		if ((g_prev.sa_flags & SA_SIGINFO) && g_prev.sa_sigaction)
			g_prev.sa_sigaction(sig, si, uc);
		else if (g_prev.sa_handler != SIG_DFL && g_prev.sa_handler != SIG_IGN)
			g_prev.sa_handler(sig);
	}
	signal(SIGSEGV, SIG_DFL);
}

static bool fault_is_write(void *ucv, uint8_t rights)
{
#if defined(__x86_64__) || defined(__i386__)
	/* The page-fault error code: bit 1 set for a write. */
	const ucontext_t *uc = ucv;

	(void)rights;
	return (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
#else
	(void)ucv;
	/* A fault on a readable page can only be a write. */
	return rights != R_NONE;
#endif
}

static void fill_fault(struct sim *s, struct sim_fault *f, size_t off, enum sim_view v, bool write,
		       const struct sim_thread *t, bool user)
{
	memset(f, 0, sizeof(*f));
	f->taddr = (v == SIM_VIEW_CACHED ? SIM_CACHED_BASE : SIM_UNCACHED_BASE) + off;
	f->offset = off;
	f->view = v;
	f->write = write;
	f->user = user;
	f->thread = t ? t->id : 0;
	sim_describe_addr(s, s->view[v] + off, f->where, sizeof(f->where));
	if (t && t->sc_id >= 0)
		sim_copy_name(f->syscall, s->syscalls[t->sc_id].name, sizeof(f->syscall));
}

static const char *rights_name(uint8_t r)
{
	return r == R_NONE ? "no access" : r == R_RO ? "read-only" : "read-write";
}

/* The interrupted stack pointer, or 0 where we cannot read it. */
static uintptr_t fault_sp(const void *ucv)
{
#if defined(__x86_64__)
	const ucontext_t *uc = ucv;

	return (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#else
	(void)ucv;
	return 0;
#endif
}

/* Whose guard pages the fault hit: the address itself, or the stack pointer
 * already inside a guard (a frame that starts there and touches higher first). */
static const struct sim_thread *overflowed_thread(const struct sim *s, const siginfo_t *si,
						  const void *uc)
{
	const struct sim_thread *t = sim_stack_guard_owner(s, (uintptr_t)si->si_addr);
	uintptr_t sp = fault_sp(uc);

	return t ? t : sp ? sim_stack_guard_owner(s, sp) : NULL;
}

static __attribute__((noreturn)) void stack_overflow(const struct sim_thread *t)
{
	char msg[320];
	int n;

	/* Only write(2) and abort from here: the process state is not trusted. */
	n = snprintf(msg, sizeof(msg),
		     "heapsim: simulator stack overflow in thread '%s' (%s mode%s%s): its %zu-byte "
		     "host stack is exhausted; a simulator bug, not a finding\n",
		     t->name, t->in_user_mode ? "user" : "kernel", t->sc_id >= 0 ? ", in syscall " : "",
		     t->sc_id >= 0 ? g_sim->syscalls[t->sc_id].name : "", t->stack_bytes);
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	abort(); /* a SIGABRT handler (libFuzzer's) may record the input first */
}

void sim_user_fault(struct sim *s, struct sim_thread *t, size_t off, int v, bool write, uint8_t r)
{
	char msg[160];

	/* The thread dies; naming the address may walk a heap in kernel-only
	 * pages, which the kernel opens lazily (in the fault handler, the caller
	 * opened them all: a fault there cannot be taken). */
	t->in_user_mode = false;
	fill_fault(s, &s->access_fault, off, (enum sim_view)v, write, t, true);
	sim_event(s, SIM_EV_FAULT, "%s user %s at 0x%08llx (%s, page %s)", t->name,
		  write ? "write" : "read", (unsigned long long)s->access_fault.taddr,
		  s->access_fault.where, rights_name(r));
	sim_fmt(msg, sizeof(msg), "user %s fault at 0x%08llx (%s)", write ? "write" : "read",
		 (unsigned long long)s->access_fault.taddr, s->access_fault.where);
	sim_thread_die(s, t, SIM_OOPS_FAULT, msg);
}

/* One user access of n bytes, in address order. A soft thread's rights are
 * the table's, checked here page by page (rights are per page, so the first
 * byte the MMU would refuse is the first byte of a refused page, and the bytes
 * before it land, as with a plain store); the bytes go through the backdoor
 * whatever the views' rights are now. Otherwise the page rights decide. */
static void user_copy(void *dst, const void *src, size_t n, bool write)
{
	struct sim *s = g_sim;
	struct sim_thread *t = s ? s->current : NULL;
	const uint8_t *user = write ? dst : src;
	size_t off;
	enum sim_view v;

	if (!t || !t->in_user_mode || !t->soft) {
		for (size_t i = 0; i < n; i++)
			((volatile uint8_t *)dst)[i] = ((const volatile uint8_t *)src)[i];
		return;
	}
	for (size_t i = 0, k; i < n; i += k) {
		uint8_t r;

		if (!sim_locate(s, user + i, 1, &off, &v)) {
			/* not arena memory: the host decides */
			((volatile uint8_t *)dst)[i] = ((const volatile uint8_t *)src)[i];
			k = 1;
			continue;
		}
		/* the rest of this page: one check, then the bytes in order */
		k = s->page - off % s->page < n - i ? s->page - off % s->page : n - i;
		r = sim_user_page_rights(s, t, off / s->page);
		if (r < (write ? R_RW : R_RO))
			sim_user_fault(s, t, off, v, write, r);
		if (write) {
			memcpy(s->backdoor + off, (const uint8_t *)src + i, k);
			sim_mark_dirty(s, off, k);
		} else {
			memcpy((uint8_t *)dst + i, s->backdoor + off, k);
		}
	}
}

void sim_user_store(void *dst, const void *src, size_t n)
{
	user_copy(dst, src, n, true);
}

void sim_user_load(void *dst, const void *src, size_t n)
{
	user_copy(dst, src, n, false);
}

/* A soft_rights thread's user code touched the arena without sim_user_store
 * or sim_user_load: its rights were not checked (the page was closed only for
 * the kernel's sake, or for HEAPSIM_SOFT_CHECK). The simulator's bug. */
static __attribute__((noreturn)) void soft_thread_plain_access(const struct sim_thread *t, const void *p)
{
	char msg[256];
	int n;

	n = snprintf(msg, sizeof(msg),
		     "heapsim: thread '%s' (soft_rights) touched arena address 0x%08llx in user mode "
		     "with a plain access, not sim_user_store/sim_user_load; a simulator bug, not a "
		     "finding\n",
		     t->name, (unsigned long long)sim_host_to_target(g_sim, p));
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	abort();
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	struct sim *s = g_sim;
	const struct sim_thread *hit;
	struct sim_thread *t;
	size_t off, page;
	enum sim_view v;
	uint8_t rights;
	bool write;

	if (s && si && (hit = overflowed_thread(s, si, uc)))
		stack_overflow(hit);
	if (!s || !si || !sim_locate(s, si->si_addr, 1, &off, &v)) {
		chain(sig, si, uc);
		return;
	}
	page = off / s->page;
	rights = sim_cur(s, v)[page];
	write = fault_is_write(uc, rights);
	s->stats.faults++;

	if (s->access_armed) {
		s->access_armed = false;
		/* Kernel rights first: describing the address may walk a heap. */
		sim_rights_kernel(s);
		fill_fault(s, &s->access_fault, off, v, write, s->access_thread, true);
		siglongjmp(s->access_jb, 1);
	}
	t = s->current;
	if (t && t->in_user_mode && t->soft)
		soft_thread_plain_access(t, s->view[v] + off);
	if (t && t->in_user_mode) {
		sim_rights_kernel(s);
		sim_user_fault(s, t, off, v, write, rights); /* leaves through setcontext */
	}
	/* Kernel mode: rights are opened lazily (and confined) page by page; the
	 * access is retried. A fault on a page the table says is writable is
	 * not ours to explain. */
	if (sim_kernel_fault(s, t, v, page, write))
		return;
	chain(sig, si, uc);
}

int sim_user_access(struct sim *s, k_tid_t k, void *p, void *buf, size_t len, bool write,
		    struct sim_fault *fault)
{
	struct sim_thread *t = sim_thread_of(s, k);
	size_t off;
	enum sim_view v;

	if (!t || !t->user || !buf)
		return -EINVAL;
	if (s->current)
		return -EBUSY;
	if (!len)
		return 0;
	if (!sim_locate(s, p, len, &off, &v)) {
		/* Nothing of the target is mapped there: a fault, but never touch host memory. */
		if (fault) {
			memset(fault, 0, sizeof(*fault));
			fault->write = write;
			fault->user = true;
			fault->thread = t->id;
			fault->view = SIM_VIEW_NONE;
			sim_fmt(fault->where, sizeof(fault->where), "outside the arena");
		}
		return -EFAULT;
	}
	if (!s->protect) {
		/* No page rights to trip on: check the table in software instead. */
		for (size_t i = 0; i < len; i++)
			if (!sim_user_can_access(s, k, (uint8_t *)p + i, 1, write)) {
				if (fault)
					fill_fault(s, fault, off + i, v, write, t, true);
				return -EFAULT;
			}
		memcpy(write ? p : buf, write ? buf : p, len);
		return 0;
	}
	sim_signals_ensure(s);
	s->access_thread = t;
	s->access_dst = write ? p : buf;
	s->access_src = write ? buf : p;
	s->access_len = len;
	if (sigsetjmp(s->access_jb, 1)) {
		s->stats.to_kernel++;
		if (fault)
			*fault = s->access_fault;
		return -EFAULT;
	}
	s->stats.to_user++;
	sim_rights_user(s, t);
	s->access_armed = true;
	memcpy(s->access_dst, s->access_src, s->access_len);
	s->access_armed = false;
	s->stats.to_kernel++; /* kernel rights are lazy: nothing to open */
	return 0;
}
