/*
 * The syscall gate, Zephyr-like verification helpers, and least-privilege
 * confinement.
 *
 * Kernel rights are lazy, per view: entering the gate opens only the
 * declared footprint (read-write, in the view the footprint names); the
 * kernel's first access to another page the user could not reach faults,
 * and the handler opens that page in that view (sim_kernel_fault). Kernel
 * code outside syscalls (the scheduler, timers, the main context) opens
 * pages the same way. Nothing is closed until user code runs again: the
 * return to user mode applies the user's rights to both views, which closes
 * exactly what was opened.
 *
 * Confinement is snapshot-and-diff, with no read-only pages: while a
 * syscall runs (a "window") every page it could write without faulting and
 * that is not wholly inside its footprint (pages the user can write, pages
 * kernel code opened earlier, footprint pages only partly inside) is copied
 * at the window's start, and a page it opens later outside the footprint is
 * copied before it is opened for writing (a read opens it read-only: a
 * later write faults again and is copied then). At the window's end (return,
 * or the thread pending) every copy is compared with memory (memcmp first),
 * bytes inside the footprint skipped, and each changed run is a confinement
 * finding with old and new bytes. The simulator's own bookkeeping writes
 * use the backdoor mapping and patch the copies, so they are never reported.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim_internal.h"

/* ---- footprints -------------------------------------------------------------------- */

int sim_footprint_add(struct sim_footprint *fp, void *addr, size_t size)
{
	if (fp->n >= SIM_FOOTPRINT_MAX)
		return -ENOSPC;
	fp->r[fp->n].addr = addr;
	fp->r[fp->n].size = size;
	fp->n++;
	return 0;
}

int sim_footprint_add_heap(struct sim_footprint *fp, struct k_heap *h)
{
	struct sim *s = g_sim;
	struct sim_kobj *o = s ? sim_kobj_lookup_exact(s, h) : NULL;
	int err;

	if (!o || !o->heap)
		return -EINVAL;
	err = sim_footprint_add(fp, h, sizeof(*h));
	return err ? err : sim_footprint_add(fp, o->heap->init_mem, o->heap->init_bytes);
}

SIM_NO_COVERAGE
static bool in_footprint(const struct sim *s, size_t off)
{
	for (unsigned i = 0; i < s->nfpr; i++)
		if (off >= s->fpr[i].off && off < s->fpr[i].end)
			return true;
	return false;
}

/* ---- confinement windows --------------------------------------------------------------- */

/* A copy of the page as it is now (once per window; the pool holds every page). */
SIM_NO_COVERAGE
static void snap_page(struct sim *s, size_t page)
{
	struct sim_snap *sn;

	if (s->fp_page[page] & FP_SNAPPED)
		return;
	sn = &s->snaps[s->nsnaps];
	sn->page = page;
	sn->copy = s->snap_pool + s->nsnaps * s->page;
	memcpy(sn->copy, s->backdoor + page * s->page, s->page);
	s->nsnaps++;
	s->fp_page[page] |= FP_SNAPPED;
}

/* The thread's own stack is its own: never copied, never reported. */
static bool on_own_stack(const struct sim *s, const struct sim_thread *t, size_t page)
{
	size_t first = (size_t)((uint8_t *)t->stack - s->view[0]) / s->page;

	return page >= first && page < first + t->stack_bytes / s->page;
}

/* Copying a page and comparing it later costs far less than closing it and
 * taking its fault (an mprotect flushes the TLB on every CPU): 64 pages
 * (256 KiB) cost less than one close and reopen on the project machine. But
 * kept arenas and soft user threads leave pages open that no syscall will
 * touch again, and an arena of them all would be copied per syscall. */
#define WINDOW_SNAP_MAX 64

/* Closes, in both views, the pages wholly outside the footprint (but the
 * thread's own stack). */
SIM_NO_COVERAGE
static void close_outside(struct sim *s, const struct sim_thread *t)
{
	for (int v = 0; v < 2; v++) {
		const uint8_t *cur = sim_cur(s, v);

		for (size_t pg = 0; pg < s->npages; pg++)
			s->want[pg] = on_own_stack(s, t, pg) || s->fp_page[pg] ? cur[pg] : R_NONE;
		sim_apply_view_rights(s, v, s->want);
	}
}

SIM_NO_COVERAGE
void sim_window_begin(struct sim *s, struct sim_thread *t)
{
	memset(s->fp_page, 0, s->npages);
	s->nfpr = 0;
	for (unsigned i = 0; i < t->fp.n; i++) {
		size_t off, end;
		enum sim_view v;

		if (!t->fp.r[i].size ||
		    !sim_locate(s, t->fp.r[i].addr, t->fp.r[i].size, &off, &v))
			continue; /* a range from forged arguments: nothing to open */
		end = off + t->fp.r[i].size;
		s->fpr[s->nfpr].off = off;
		s->fpr[s->nfpr++].end = end;
		for (size_t pg = off / s->page; pg * s->page < end; pg++) {
			if (off <= pg * s->page && end >= (pg + 1) * s->page)
				s->fp_page[pg] = (s->fp_page[pg] & ~FP_PART) | FP_FULL;
			else if (!(s->fp_page[pg] & FP_FULL))
				s->fp_page[pg] |= FP_PART;
			s->fp_page[pg] |= (uint8_t)(FP_VIEW << v);
		}
	}
	s->nsnaps = 0;
	s->window_open = true;
	/* Copy what the syscall could write without faulting, outside the
	 * footprint (the thread's own stack is its own). When that is more
	 * than WINDOW_SNAP_MAX pages, close the pages wholly outside the
	 * footprint instead: the kernel reopens the few it touches. */
	if (t->confined) {
		size_t n = 0, pg;

		/* footprint pages only partly inside: opened below, copied now */
		for (unsigned i = 0; i < s->nfpr; i++)
			for (pg = s->fpr[i].off / s->page; pg * s->page < s->fpr[i].end; pg++)
				if ((s->fp_page[pg] & FP_PART) && !on_own_stack(s, t, pg))
					snap_page(s, pg);
		SIM_FOR_EACH_BIT(s->open, s->npages, pg)
			n += !s->fp_page[pg] && !on_own_stack(s, t, pg);
		if (n > WINDOW_SNAP_MAX)
			close_outside(s, t);
		SIM_FOR_EACH_BIT(s->open, s->npages, pg)
			if (!(s->fp_page[pg] & FP_FULL) && !on_own_stack(s, t, pg))
				snap_page(s, pg);
	}
	/* Open the footprint now, in the view it names (it will be touched; a
	 * fault per page costs more). */
	for (int v = 0; v < 2; v++) {
		const uint8_t *cur = sim_cur(s, v);
		bool closed = false;

		for (unsigned i = 0; i < s->nfpr && !closed; i++)
			for (size_t pg = s->fpr[i].off / s->page; pg * s->page < s->fpr[i].end; pg++)
				if ((s->fp_page[pg] & (FP_VIEW << v)) && cur[pg] != R_RW)
					closed = true;
		if (!closed)
			continue; /* the usual case once the kernel has touched it */
		memcpy(s->want, cur, s->npages);
		for (size_t pg = 0; pg < s->npages; pg++)
			if (s->fp_page[pg] & (FP_VIEW << v))
				s->want[pg] = R_RW;
		sim_apply_view_rights(s, v, s->want);
	}
}

/* Called from the SIGSEGV handler: the kernel touched a page of view v it
 * cannot reach yet. Returns false if that cannot be explained (a simulator
 * bug). */
bool sim_kernel_fault(struct sim *s, struct sim_thread *t, int v, size_t page, bool write)
{
	uint8_t cur = sim_cur(s, v)[page], r = R_RW;

	if (cur == R_RW)
		return false;
	if (t && s->window_open && t->confined && !(s->fp_page[page] & FP_FULL) &&
	    !on_own_stack(s, t, page)) {
		if (!write && cur == R_NONE)
			r = R_RO;    /* reading is always allowed */
		else
			snap_page(s, page); /* a write outside (or partly outside) the footprint */
	}
	sim_page_set(s, v, page, r);
	return true;
}

/* The simulator wrote n bytes at off through the backdoor: copies learn them. */
SIM_NO_COVERAGE
void sim_window_patch(struct sim *s, size_t off, const void *src, size_t n)
{
	for (unsigned i = 0; i < s->nsnaps; i++) {
		size_t base = s->snaps[i].page * s->page;
		size_t lo = off > base ? off : base;
		size_t hi = off + n < base + s->page ? off + n : base + s->page;

		if (lo < hi)
			memcpy(s->snaps[i].copy + (lo - base), (const uint8_t *)src + (lo - off), hi - lo);
	}
}

#define WINDOW_FINDINGS_MAX 8

static void report_run(struct sim *s, struct sim_thread *t, size_t off, const uint8_t *old,
		       size_t n)
{
	struct sim_finding f;
	char what[96];

	sim_finding_new(s, &f, SIM_FINDING_CONFINEMENT);
	sim_finding_set_addr(s, &f, off, SIM_VIEW_CACHED);
	f.nbytes = (unsigned)n;
	memcpy(f.old_bytes, old, n < SIM_FINDING_BYTES ? n : SIM_FINDING_BYTES);
	memcpy(f.new_bytes, s->backdoor + off, n < SIM_FINDING_BYTES ? n : SIM_FINDING_BYTES);
	if (f.field[0])
		sim_fmt(what, sizeof(what), "%s %s +0x%zx (%s)", f.object_type, f.object, f.offset,
			 f.field);
	else
		sim_fmt(what, sizeof(what), "%s %s +0x%zx", f.object_type, f.object, f.offset);
	sim_fmt(f.message, sizeof(f.message),
		 "%s wrote %zu byte%s outside its footprint at 0x%08llx: %s",
		 s->syscalls[t->sc_id].name, n, n == 1 ? "" : "s", (unsigned long long)f.taddr, what);
	sim_finding_add(s, &f);
}

SIM_NO_COVERAGE
static int by_page(const void *a, const void *b)
{
	size_t x = ((const struct sim_snap *)a)->page, y = ((const struct sim_snap *)b)->page;

	return x < y ? -1 : x > y;
}

SIM_NO_COVERAGE
void sim_window_end(struct sim *s, struct sim_thread *t)
{
	unsigned reported = 0;

	if (!s->window_open)
		return;
	s->window_open = false;
	/* In address order: which pages were copied at the start and which at
	 * their first fault depends on the rights left by earlier code, the
	 * report must not. */
	qsort(s->snaps, s->nsnaps, sizeof(*s->snaps), by_page);
	for (unsigned i = 0; i < s->nsnaps; i++) {
		size_t base = s->snaps[i].page * s->page;
		const uint8_t *old = s->snaps[i].copy, *now = s->backdoor + base;

		if (!memcmp(old, now, s->page))
			continue; /* the common case: nothing changed */
		for (size_t k = 0; k < s->page; k++) {
			size_t start, end, gap;

			if (old[k] == now[k] || in_footprint(s, base + k))
				continue;
			/* A run of changed bytes; gaps of up to 3 equal bytes join it. */
			start = end = k;
			for (gap = 0, k++; k < s->page && gap < 4; k++) {
				if (old[k] != now[k] && !in_footprint(s, base + k))
					end = k, gap = 0;
				else
					gap++;
			}
			k = end;
			if (reported++ < WINDOW_FINDINGS_MAX)
				report_run(s, t, base + start, old + start, end - start + 1);
		}
	}
	s->nsnaps = 0;
	memset(s->fp_page, 0, s->npages);
}

/* ---- registration -------------------------------------------------------------------- */

int sim_syscall_register(struct sim *s, const struct sim_syscall_def *def)
{
	struct sim_syscall *sc;

	if (!def || !def->name || !def->name[0] || !def->impl || def->nargs > SIM_SYSCALL_ARGS ||
	    def->writes.n > SIM_FOOTPRINT_MAX)
		return -EINVAL;
	if (sim_syscall_lookup(s, def->name) >= 0)
		return -EEXIST;
	if (s->nsyscalls == SIM_MAX_SYSCALLS)
		return -ENOSPC;
	sc = &s->syscalls[s->nsyscalls];
	sc->def = *def;
	sim_copy_name(sc->name, def->name, sizeof(sc->name));
	sc->def.name = sc->name;
	return (int)s->nsyscalls++;
}

int sim_syscall_lookup(const struct sim *s, const char *name)
{
	for (unsigned i = 0; i < s->nsyscalls; i++)
		if (name && !strcmp(s->syscalls[i].name, name))
			return (int)i;
	return -ENOENT;
}

void *sim_syscall_ctx(const struct sim *s, int id)
{
	return s && id >= 0 && (unsigned)id < s->nsyscalls ? s->syscalls[id].def.ctx : NULL;
}

bool sim_syscall_aborted(void)
{
	struct sim *s = g_sim;

	return s && s->current && s->current->sc_doomed;
}

/* ---- the gate ----------------------------------------------------------------------- */

/* Arguments print as target addresses when they point into the arena, so
 * traces do not depend on where the host mapped it. */
static void fmt_args(const struct sim *s, const uintptr_t *a, unsigned n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < n && used < len; i++) {
		sim_taddr_t t = sim_host_to_target(s, (const void *)a[i]);

		used += (size_t)snprintf(buf + used, len - used, "%s0x%llx", i ? ", " : "",
					 t ? (unsigned long long)t : (unsigned long long)a[i]);
	}
}

uintptr_t sim_syscall_n(int id, unsigned nargs, const uintptr_t *in)
{
	struct sim *s = g_sim;
	struct sim_thread *t;
	struct sim_syscall *sc;
	uintptr_t a[SIM_SYSCALL_ARGS] = { 0 }, ret;
	char args[128];

	if (!s)
		return (uintptr_t)-EINVAL;
	for (unsigned i = 0; i < nargs && i < SIM_SYSCALL_ARGS; i++)
		a[i] = in[i];
	t = s->current;
	if (!t || !t->in_user_mode) {
		/* Kernel callers call the implementation directly, as z_impl_*. */
		if (id < 0 || (unsigned)id >= s->nsyscalls)
			return (uintptr_t)-ENOSYS;
		return s->syscalls[id].def.impl(s->syscalls[id].def.ctx, a);
	}
	s->stats.syscalls++;
	t->in_user_mode = false;
	s->stats.to_kernel++;
	if (id < 0 || (unsigned)id >= s->nsyscalls)
		sim_thread_die(s, t, SIM_OOPS_SYSCALL_UNKNOWN, "bad syscall id");
	sc = &s->syscalls[id];
	fmt_args(s, a, sc->def.nargs, args, sizeof(args));
	sim_event(s, SIM_EV_SYSCALL, "%s %s(%s)", t->name, sc->name, args);
	t->sc_id = id;
	t->sc_doomed = false;
	t->sc_refused[0] = 0;
	t->vrfy_msg[0] = 0;
	t->fp = sc->def.writes;
	if (sc->def.footprint)
		sc->def.footprint(sc->def.ctx, a, &t->fp);
	/* Only the footprint is opened here; the kernel opens anything else it
	 * touches through faults (lazily). */
	if (s->protect) {
		t->confined = s->confine && !sc->def.own_primitive;
		t->windowed = true;
		sim_window_begin(s, t);
	}
	if (sc->def.verify && sc->def.verify(sc->def.ctx, a) != 0) {
		char msg[200];

		sim_fmt(msg, sizeof(msg), "%s: %s", sc->name,
			 t->vrfy_msg[0] ? t->vrfy_msg : "verification failed");
		sim_thread_die(s, t, SIM_OOPS_SYSCALL_VERIFY, msg);
	}
	ret = sc->def.impl(sc->def.ctx, a);
	if (t->windowed) {
		sim_window_end(s, t);
		t->windowed = t->confined = false;
	}
	if (t->sc_doomed) {
		char msg[200];

		sim_fmt(msg, sizeof(msg), "%s stopped by a kernel finding", sc->name);
		sim_thread_die(s, t, SIM_OOPS_KERNEL_FINDING, msg);
	}
	if (t->sc_refused[0]) {
		char msg[200];

		sim_fmt(msg, sizeof(msg), "%s: %s", sc->name, t->sc_refused);
		sim_thread_die(s, t, SIM_OOPS_SYSCALL_VERIFY, msg);
	}
	t->sc_id = -1;
	{
		sim_taddr_t rt = sim_host_to_target(s, (const void *)ret);

		sim_event(s, SIM_EV_SYSCALL_RET, "%s %s -> 0x%llx", t->name, sc->name,
			  rt ? (unsigned long long)rt : (unsigned long long)ret);
	}
	sim_mode_to_user(s, t);
	return ret;
}

uintptr_t sim_syscall(int id, uintptr_t a0, uintptr_t a1, uintptr_t a2, uintptr_t a3,
		      uintptr_t a4, uintptr_t a5)
{
	uintptr_t a[SIM_SYSCALL_ARGS] = { a0, a1, a2, a3, a4, a5 };

	return sim_syscall_n(id, SIM_SYSCALL_ARGS, a);
}

/* ---- verification helpers ------------------------------------------------------------- */

static void vrfy_note(const char *fmt, const char *a, const char *b)
{
	struct sim *s = g_sim;

	if (s && s->current && !s->current->vrfy_msg[0])
		sim_fmt(s->current->vrfy_msg, sizeof(s->current->vrfy_msg), fmt, a, b);
}

int sim_vrfy_obj(const void *obj, enum k_objects type, int init, const char *expr)
{
	int rc = k_object_validate(obj, type, init);

	if (rc == 0)
		return 0;
	vrfy_note("K_SYSCALL_OBJ(%s): %s", expr ? expr : "obj",
		  rc == -EBADF   ? "not a valid kernel object of that type (-EBADF)"
		  : rc == -EPERM ? "no permission on the object (-EPERM)"
				 : "object not in the required init state (-EINVAL)");
	return 1;
}

SIM_NO_COVERAGE
bool sim_user_can_access(const struct sim *s, k_tid_t k, const void *p, size_t size, bool write)
{
	const struct sim_thread *t = sim_thread_of(s, k);
	size_t off;
	enum sim_view v;

	if (!t)
		return false;
	if (!size)
		return true;
	if (!sim_locate(s, p, size, &off, &v))
		return false;
	sim_user_rights_of(s, t, s->scratch);
	for (size_t pg = off / s->page; pg <= (off + size - 1) / s->page; pg++)
		if (s->scratch[pg] < (write ? R_RW : R_RO))
			return false;
	return true;
}

int sim_vrfy_mem(const void *p, size_t size, bool write, const char *expr)
{
	struct sim *s = g_sim;

	if (s && s->current && sim_user_can_access(s, s->current->k, p, size, write))
		return 0;
	vrfy_note(write ? "K_SYSCALL_MEMORY_WRITE(%s): %s" : "K_SYSCALL_MEMORY_READ(%s): %s",
		  expr ? expr : "ptr", "caller cannot access the whole range");
	return 1;
}

int sim_vrfy(bool ok, const char *expr, const char *msg)
{
	if (ok)
		return 0;
	vrfy_note("K_SYSCALL_VERIFY(%s)%s", expr ? expr : "", "");
	if (msg) {
		struct sim *s = g_sim;

		if (s && s->current)
			sim_fmt(s->current->vrfy_msg, sizeof(s->current->vrfy_msg), "%s", msg);
	}
	return 1;
}

/* ---- built-in syscalls ------------------------------------------------------------------ */

static int id_sem_take, id_sem_give, id_sem_count, id_mutex_lock, id_mutex_unlock, id_yield,
	id_sleep;

static void fp_arg0_sem(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS], struct sim_footprint *fp)
{
	(void)ctx;
	sim_footprint_add(fp, (void *)a[0], sizeof(struct k_sem));
}
static void fp_arg0_mutex(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS], struct sim_footprint *fp)
{
	(void)ctx;
	sim_footprint_add(fp, (void *)a[0], sizeof(struct k_mutex));
}
static int vrfy_sem(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	K_OOPS(K_SYSCALL_OBJ(a[0], K_OBJ_SEM));
	return 0;
}
static int vrfy_mutex(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	K_OOPS(K_SYSCALL_OBJ(a[0], K_OBJ_MUTEX));
	return 0;
}
static uintptr_t impl_sem_take(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	return (uintptr_t)(intptr_t)sim_k_sem_take((struct k_sem *)a[0], K_USEC((int64_t)a[1]));
}
static uintptr_t impl_sem_give(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	sim_k_sem_give((struct k_sem *)a[0]);
	return 0;
}
static uintptr_t impl_sem_count(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	return ((struct k_sem *)a[0])->count;
}
static uintptr_t impl_mutex_lock(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	return (uintptr_t)(intptr_t)sim_k_mutex_lock((struct k_mutex *)a[0], K_USEC((int64_t)a[1]));
}
static uintptr_t impl_mutex_unlock(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	return (uintptr_t)(intptr_t)sim_k_mutex_unlock((struct k_mutex *)a[0]);
}
static uintptr_t impl_yield(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)a;
	sim_k_yield(ctx);
	return 0;
}
static uintptr_t impl_sleep(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	sim_k_sleep(ctx, K_USEC((int64_t)a[0]));
	return 0;
}

void sim_syscalls_builtin(struct sim *s)
{
	struct sim_syscall_def d;

#define REG(var, nm, n, v, im, fpfn)                                   \
	do {                                                           \
		memset(&d, 0, sizeof(d));                              \
		d.name = nm, d.nargs = n, d.verify = v, d.impl = im;   \
		d.footprint = fpfn, d.ctx = s, d.own_primitive = true; \
		var = sim_syscall_register(s, &d);                     \
	} while (0)
	REG(id_sem_take, "k_sem_take", 2, vrfy_sem, impl_sem_take, fp_arg0_sem);
	REG(id_sem_give, "k_sem_give", 1, vrfy_sem, impl_sem_give, fp_arg0_sem);
	REG(id_sem_count, "k_sem_count_get", 1, vrfy_sem, impl_sem_count, NULL);
	REG(id_mutex_lock, "k_mutex_lock", 2, vrfy_mutex, impl_mutex_lock, fp_arg0_mutex);
	REG(id_mutex_unlock, "k_mutex_unlock", 1, vrfy_mutex, impl_mutex_unlock, fp_arg0_mutex);
	REG(id_yield, "k_yield", 0, NULL, impl_yield, NULL);
	REG(id_sleep, "k_sleep", 1, NULL, impl_sleep, NULL);
#undef REG
}

/* User calls of the Zephyr API go through the gate, as Zephyr's stubs do. */
int k_sem_take(struct k_sem *sem, k_timeout_t t)
{
	if (sim_in_user_mode())
		return (int)(intptr_t)sim_syscall(id_sem_take, (uintptr_t)sem, (uintptr_t)t.us, 0, 0,
						  0, 0);
	return sim_k_sem_take(sem, t);
}

void k_sem_give(struct k_sem *sem)
{
	if (sim_in_user_mode())
		sim_syscall(id_sem_give, (uintptr_t)sem, 0, 0, 0, 0, 0);
	else
		sim_k_sem_give(sem);
}

unsigned k_sem_count_get(struct k_sem *sem)
{
	if (sim_in_user_mode())
		return (unsigned)sim_syscall(id_sem_count, (uintptr_t)sem, 0, 0, 0, 0, 0);
	return sem->count;
}

int k_mutex_lock(struct k_mutex *m, k_timeout_t t)
{
	if (sim_in_user_mode())
		return (int)(intptr_t)sim_syscall(id_mutex_lock, (uintptr_t)m, (uintptr_t)t.us, 0, 0,
						  0, 0);
	return sim_k_mutex_lock(m, t);
}

int k_mutex_unlock(struct k_mutex *m)
{
	if (sim_in_user_mode())
		return (int)(intptr_t)sim_syscall(id_mutex_unlock, (uintptr_t)m, 0, 0, 0, 0, 0);
	return sim_k_mutex_unlock(m);
}

void k_yield(void)
{
	if (sim_in_user_mode())
		sim_syscall(id_yield, 0, 0, 0, 0, 0, 0);
	else if (g_sim)
		sim_k_yield(g_sim);
}

int32_t k_sleep(k_timeout_t t)
{
	if (sim_in_user_mode())
		sim_syscall(id_sleep, (uintptr_t)t.us, 0, 0, 0, 0, 0);
	else if (g_sim)
		sim_k_sleep(g_sim, t);
	return 0;
}
