/*
 * Kernel primitives living in the arena: spinlock, k_sem, k_mutex, k_heap,
 * and the sys_heap check handler that turns a check firing in the kernel
 * into a finding.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static void describe_obj(struct sim *s, const void *p, char *buf, size_t len)
{
	struct sim_kobj_info info;
	size_t in;

	if (sim_kobj_find(s, p, &info, &in))
		sim_fmt(buf, len, "%s %s", info.type_name, info.name);
	else
		sim_fmt(buf, len, "object at 0x%08x", (unsigned)sim_host_to_target(s, p));
}

/* ---- spinlock ------------------------------------------------------------------------ */

/* A lock that reads as held can only mean someone else wrote it (one CPU,
 * no nesting here): on the target the core would spin for ever. */
bool sim_spin_take(struct sim *s, struct k_spinlock *l, const char *what)
{
	if (l->locked) {
		struct sim_finding f;
		size_t off;
		enum sim_view v;
		char obj[96];

		sim_finding_new(s, &f, SIM_FINDING_HANG);
		if (sim_locate(s, l, sizeof(*l), &off, &v))
			sim_finding_set_addr(s, &f, off, v);
		describe_obj(s, l, obj, sizeof(obj));
		f.nbytes = 4;
		memcpy(f.new_bytes, &l->locked, 4);
		sim_fmt(f.message, sizeof(f.message),
			 "%s: spinlock of %s reads as held (locked=0x%08x owner=0x%08x): the CPU "
			 "would spin for ever",
			 what ? what : "k_spin_lock", obj, (unsigned)l->locked, (unsigned)l->owner);
		sim_finding_add(s, &f);
		return false;
	}
	l->locked = 1;
	l->owner = s->current ? sim_host_to_target(s, s->current->k) : 1;
	return true;
}

void sim_spin_give(struct sim *s, struct k_spinlock *l)
{
	(void)s;
	l->locked = 0;
	l->owner = 0;
}

k_spinlock_key_t k_spin_lock(struct k_spinlock *l)
{
	k_spinlock_key_t k = { 0 };

	if (g_sim && sim_spin_take(g_sim, l, "k_spin_lock"))
		k.key = 1;
	return k;
}

void k_spin_unlock(struct k_spinlock *l, k_spinlock_key_t key)
{
	if (key.key && g_sim)
		sim_spin_give(g_sim, l);
}

/* ---- k_sem, k_mutex -------------------------------------------------------------------- */

static int init_obj(struct sim *s, void *obj, size_t size, enum k_objects type)
{
	struct sim_kobj *o = sim_kobj_lookup_exact(s, obj);
	int err = 0;

	if (o && o->type == type)
		return 0; /* re-initialisation */
	if (!sim_kobj_add(s, obj, size, type, NULL, NULL, NULL, 0, &err))
		return err;
	return 0;
}

static void mark_init(struct sim *s, void *obj)
{
	struct sim_kobj *o = sim_kobj_lookup_exact(s, obj);

	if (o)
		sim_kobj_mark_initialized(s, o);
}

int k_sem_init(struct k_sem *sem, unsigned initial, unsigned limit)
{
	struct sim *s = g_sim;
	int err;

	if (!s || !sem || limit == 0 || initial > limit)
		return -EINVAL;
	err = init_obj(s, sem, sizeof(*sem), K_OBJ_SEM);
	if (err)
		return err;
	sem->wait_q.head = sem->wait_q.tail = 0;
	sem->count = initial;
	sem->limit = limit;
	mark_init(s, sem);
	return 0;
}

/* Zephyr runs a woken thread of higher priority at once (preemptive threads). */
static void reschedule(struct sim *s)
{
	struct sim_thread *me = s->current;

	if (!me)
		return;
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
		const struct sim_thread *t = &s->threads[i];

		if (t->used && t->state == SIM_THREAD_READY && t->prio < me->prio) {
			sim_k_yield(s);
			return;
		}
	}
}

int sim_k_sem_take(struct k_sem *sem, k_timeout_t t)
{
	struct sim *s = g_sim;

	if (sem->count > 0) {
		sem->count--;
		return 0;
	}
	if (t.us == 0 || !s->current)
		return -EBUSY;
	return sim_pend_curr(s, NULL, &sem->wait_q, t);
}

void sim_k_sem_give(struct k_sem *sem)
{
	struct sim *s = g_sim;

	/* A waiter gets the count directly. */
	if (sim_unpend_first(s, &sem->wait_q)) {
		reschedule(s);
		return;
	}
	if (sem->count < sem->limit)
		sem->count++;
}

int k_mutex_init(struct k_mutex *m)
{
	struct sim *s = g_sim;
	int err;

	if (!s || !m)
		return -EINVAL;
	err = init_obj(s, m, sizeof(*m), K_OBJ_MUTEX);
	if (err)
		return err;
	m->wait_q.head = m->wait_q.tail = 0;
	m->owner = 0;
	m->lock_count = 0;
	mark_init(s, m);
	return 0;
}

static uint32_t me_taddr(struct sim *s)
{
	return s->current ? sim_host_to_target(s, s->current->k) : 1;
}

int sim_k_mutex_lock(struct k_mutex *m, k_timeout_t t)
{
	struct sim *s = g_sim;
	uint32_t me = me_taddr(s);
	int rc;

	if (!m->owner) {
		m->owner = me;
		m->lock_count = 1;
		return 0;
	}
	if (m->owner == me) {
		m->lock_count++;
		return 0;
	}
	if (t.us == 0 || !s->current)
		return -EBUSY;
	rc = sim_pend_curr(s, NULL, &m->wait_q, t);
	return rc; /* 0: the unlocker handed us the mutex */
}

int sim_k_mutex_unlock(struct k_mutex *m)
{
	struct sim *s = g_sim;
	struct sim_thread *next;

	if (!m->owner)
		return -EINVAL;
	if (m->owner != me_taddr(s))
		return -EPERM;
	if (--m->lock_count > 0)
		return 0;
	next = sim_unpend_first(s, &m->wait_q);
	if (next) {
		m->owner = sim_host_to_target(s, next->k);
		m->lock_count = 1;
		reschedule(s);
	} else {
		m->owner = 0;
	}
	return 0;
}

/* ---- k_heap ---------------------------------------------------------------------------- */

static void *translate(void *ctx, uint64_t taddr, size_t len, bool write)
{
	(void)write;
	return sim_target_to_host(ctx, taddr, len ? len : 1);
}

int k_heap_init_cfg(struct k_heap *h, void *mem, size_t bytes, const struct sys_heap_config *cfg,
		    const char *name)
{
	struct sim *s = g_sim;
	struct sys_heap_config c;
	struct sys_heap *heap;
	struct sim_kobj *o;
	int rc;

	if (!s || !h || !mem || !sim_host_in_arena(s, h, sizeof(*h)) ||
	    !sim_host_in_arena(s, mem, bytes))
		return -EINVAL;
	if (cfg)
		c = *cfg;
	else
		sys_heap_config_default(&c);
	c.mem.translate = translate;
	c.mem.ctx = s;
	c.target_base_set = true;
	c.target_base = sim_host_to_target(s, mem);
	heap = calloc(1, sizeof(*heap));
	if (!heap)
		return -ENOMEM;
	rc = sys_heap_init_checked(heap, mem, bytes, &c, true);
	if (rc != SYS_HEAP_INIT_OK) {
		free(heap);
		return rc;
	}
	o = sim_kobj_lookup_exact(s, h);
	if (o && o->type == K_OBJ_HEAP) {
		free(o->heap);
	} else {
		o = sim_kobj_add(s, h, sizeof(*h), K_OBJ_HEAP, NULL, NULL, NULL, 0, &rc);
		if (!o) {
			free(heap);
			return rc;
		}
	}
	if (name)
		sim_copy_name(o->name, name, sizeof(o->name));
	o->heap = heap;
	sim_kobj_mark_initialized(s, o);
	memset(h, 0, sizeof(*h));
	h->heap.heap = sim_host_to_target(s, heap->heap);
	h->heap.init_mem = sim_host_to_target(s, mem);
	h->heap.init_bytes = (uint32_t)bytes;
	sim_event(s, SIM_EV_NOTE, "k_heap %s init at 0x%08x on 0x%08x+0x%zx", o->name,
		  (unsigned)sim_host_to_target(s, h), (unsigned)h->heap.init_mem, bytes);
	return 0;
}

/* Zephyr's k_heap_init returns nothing, so a buffer it cannot use is said
 * here (stderr and the trace); the k_heap stays unregistered and every later
 * call on it is a "not a k_heap" fault, never a silent NULL. */
void k_heap_init(struct k_heap *h, void *mem, size_t bytes)
{
	struct sim *s = g_sim;
	int rc = k_heap_init_cfg(h, mem, bytes, NULL, NULL);
	const char *why;

	if (rc == 0)
		return;
	why = !s			      ? "no simulator is running"
	      : rc == SYS_HEAP_INIT_TOO_SMALL ? "the buffer is too small for a heap"
	      : rc == SYS_HEAP_INIT_TOO_BIG   ? "the buffer is too big for a heap"
	      : rc == -ENOMEM		      ? "out of host memory"
	      : !h || !sim_host_in_arena(s, h, sizeof(*h))
		      ? "the k_heap object is not in the simulator's arena"
		      : "the buffer is NULL or not in the simulator's arena";
	fprintf(stderr, "sim: k_heap_init(k_heap %p, buffer %p, %zu bytes) failed: %s; this k_heap "
			"is unusable\n",
		(void *)h, mem, bytes, why);
	if (s)
		sim_event(s, SIM_EV_NOTE, "k_heap_init failed: %s", why);
}

struct sys_heap *sim_k_heap_sys(struct k_heap *h)
{
	struct sim *s = g_sim;
	struct sim_kobj *o = s ? sim_kobj_lookup_exact(s, h) : NULL;

	return o && o->type == K_OBJ_HEAP ? o->heap : NULL;
}

static bool word_ok(struct sim *s, struct sim_kobj *o, const uint32_t *p, uint32_t want,
		    const char *where)
{
	struct sim_finding f;

	if (!sim_finding_forged_word(s, &f, p, want))
		return true;
	sim_fmt(f.message, sizeof(f.message),
		 "%s: k_heap %s field %s reads 0x%08x, kernel set 0x%08x: the kernel would "
		 "follow the forged value",
		 where, o->name, f.field, (unsigned)*p, (unsigned)want);
	sim_finding_add(s, &f);
	return false;
}

/* The k_heap as the kernel is about to use it, or NULL (finding reported). */
static struct sim_kobj *heap_enter(struct sim *s, struct k_heap *h, const char *where)
{
	struct sim_kobj *o = sim_kobj_lookup_exact(s, h);
	const struct sys_heap *hp;

	if (!o || o->type != K_OBJ_HEAP || !o->heap) {
		struct sim_finding f;

		sim_finding_new(s, &f, SIM_FINDING_KERNEL_FAULT);
		f.taddr = sim_host_to_target(s, h);
		sim_fmt(f.message, sizeof(f.message), "%s on 0x%08llx, which is not a k_heap",
			 where, (unsigned long long)f.taddr);
		sim_finding_add(s, &f);
		return NULL;
	}
	hp = o->heap;
	if (!word_ok(s, o, &h->heap.heap, sim_host_to_target(s, hp->heap), where) ||
	    !word_ok(s, o, &h->heap.init_mem, sim_host_to_target(s, hp->init_mem), where) ||
	    !word_ok(s, o, &h->heap.init_bytes, (uint32_t)hp->init_bytes, where))
		return NULL;
	s->heap_check_hit = false;
	return o;
}

struct sys_heap *sim_k_heap_use(struct k_heap *h, const char *where)
{
	struct sim_kobj *o = g_sim ? heap_enter(g_sim, h, where) : NULL;

	return o ? o->heap : NULL;
}

enum heap_op { OP_ALLOC, OP_REALLOC };

/* Upstream's k_heap_aligned_alloc asserts that align is 0 or a power of two
 * before the sys_heap sees it (which would read e.g. 24 as "16, rewound by
 * 8"). The port keeps __ASSERT-only checks on, so this one is too: reported
 * through the heap check handler as the caller error it is. */
static bool kheap_align_ok(struct k_heap *h, size_t align, const char *where)
{
	struct sim *s = g_sim;
	struct sim_kobj *o = s ? sim_kobj_lookup_exact(s, h) : NULL;
	struct sys_heap_check chk = { .name = "caller error", .where = where, .refused = true };
	sys_heap_check_fn fn;
	void *ctx;

	if ((align & (align - 1)) == 0)
		return true;
	chk.heap = o && o->type == K_OBJ_HEAP ? o->heap : NULL;
	chk.owner = chk.heap;
	sys_heap_get_check_handler(&fn, &ctx);
	fn(&chk, ctx);
	return false;
}

static void *heap_alloc_loop(struct k_heap *h, enum heap_op op, void *ptr, size_t align,
			     size_t bytes, k_timeout_t timeout, const char *where)
{
	struct sim *s = g_sim;
	struct sim_kobj *o;
	uint64_t end;
	void *ret = NULL;

	if (!s)
		return NULL;
	o = heap_enter(s, h, where);
	if (!o)
		return NULL;
	end = timeout.us < 0 ? UINT64_MAX : s->now + (uint64_t)timeout.us;
	if (!sim_spin_take(s, &h->lock, where))
		return NULL;
	for (;;) {
		if (op == OP_REALLOC)
			ret = sys_heap_aligned_realloc(o->heap, ptr, align, bytes);
		else if (align)
			ret = sys_heap_aligned_alloc(o->heap, align, bytes);
		else
			ret = sys_heap_alloc(o->heap, bytes);
		if (ret || timeout.us == 0 || !s->current || s->heap_check_hit ||
		    sim_syscall_aborted())
			break;
		/* Wait for a free, then try again with what is left of the timeout. */
		if (end != UINT64_MAX)
			timeout.us = end > s->now ? (int64_t)(end - s->now) : 0;
		(void)sim_pend_curr(s, &h->lock, &h->wait_q, timeout);
		if (!sim_spin_take(s, &h->lock, where))
			return NULL;
	}
	sim_spin_give(s, &h->lock);
	return ret;
}

void *k_heap_alloc(struct k_heap *h, size_t bytes, k_timeout_t timeout)
{
	return heap_alloc_loop(h, OP_ALLOC, NULL, 0, bytes, timeout, "k_heap_alloc");
}

void *k_heap_aligned_alloc(struct k_heap *h, size_t align, size_t bytes, k_timeout_t timeout)
{
	if (!kheap_align_ok(h, align, "k_heap_aligned_alloc"))
		return NULL;
	return heap_alloc_loop(h, OP_ALLOC, NULL, align, bytes, timeout, "k_heap_aligned_alloc");
}

void *sim_k_heap_sys_aligned_alloc(struct k_heap *h, size_t align, size_t bytes)
{
	/* Findings name this path k_heap_aligned_alloc, as the layouts report it. */
	return heap_alloc_loop(h, OP_ALLOC, NULL, align, bytes, K_NO_WAIT, "k_heap_aligned_alloc");
}

void *k_heap_calloc(struct k_heap *h, size_t num, size_t size, k_timeout_t timeout)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(num, size, &bytes))
		return NULL;
	p = k_heap_alloc(h, bytes, timeout);
	if (p)
		memset(p, 0, bytes);
	return p;
}

void *k_heap_realloc(struct k_heap *h, void *ptr, size_t bytes, k_timeout_t timeout)
{
	return heap_alloc_loop(h, OP_REALLOC, ptr, 0, bytes, timeout, "k_heap_realloc");
}

void k_heap_free(struct k_heap *h, void *ptr)
{
	struct sim *s = g_sim;
	struct sim_kobj *o;

	if (!s)
		return;
	o = heap_enter(s, h, "k_heap_free");
	if (!o || !sim_spin_take(s, &h->lock, "k_heap_free"))
		return;
	sys_heap_free(o->heap, ptr);
	/* Everyone waiting retries (Zephyr's z_unpend_all + reschedule). */
	if (sim_unpend_all(s, &h->wait_q)) {
		sim_spin_give(s, &h->lock);
		reschedule(s);
		return;
	}
	sim_spin_give(s, &h->lock);
}

/* ---- the heap check handler ---------------------------------------------------------------- */

void sim_heap_check(const struct sys_heap_check *c, void *ctx)
{
	struct sim *s = ctx;
	struct sim_thread *t = s->current;
	struct sim_finding f;
	const char *heap_name = "";
	bool wild = c->id == SYS_HEAP_CHECK_WILD_ACCESS;

	s->heap_check_hit = true;
	for (size_t i = 0; c->heap && i < s->nkobjs; i++)
		if (s->kobjs[i].registered && s->kobjs[i].heap == c->heap)
			heap_name = s->kobjs[i].name;
	if (t && t->in_user_mode) {
		/* User code running its own heap: a user-level panic, not a kernel finding. */
		char msg[160];

		sim_fmt(msg, sizeof(msg), "sys_heap check \"%s\" in %s (user heap)",
			 c->name ? c->name : "?", c->where ? c->where : "?");
		sim_thread_die(s, t, SIM_OOPS_HEAP_CHECK, msg);
	}
	if (c->refused && t && t->sc_id >= 0) {
		/* The heap refused a bad argument and changed nothing (an oob_heap
		 * pointer check, a non-power-of-two alignment): the kernel defended
		 * itself, so the caller is oopsed when the syscall returns. */
		sim_fmt(t->sc_refused, sizeof(t->sc_refused), "heap refused the call: %s in %s",
			 c->name ? c->name : "?", c->where ? c->where : "?");
		return;
	}
	sim_finding_new(s, &f, wild ? SIM_FINDING_KERNEL_FAULT : SIM_FINDING_HEAP_CHECK);
	f.heap_check = c->id;
	f.heap_refused = c->refused;
	if (!wild && c->heap && c->chunk) {
		const uint8_t *hdr = (const uint8_t *)c->heap->heap +
				     SYS_HEAP_CHUNK_UNIT * (size_t)c->chunk;
		size_t off;
		enum sim_view v;

		if (sim_locate(s, hdr, 1, &off, &v))
			sim_finding_set_addr(s, &f, off, v);
	}
	if (wild) {
		f.taddr = c->addr;
		f.view = SIM_VIEW_NONE;
	}
	if (!f.object[0])
		sim_copy_name(f.object, heap_name, sizeof(f.object));
	if (!f.object_type[0])
		sim_copy_name(f.object_type, "k_heap", sizeof(f.object_type));
	if (wild)
		sim_fmt(f.message, sizeof(f.message),
			 "%s on heap %s: metadata led the kernel to 0x%08llx, outside the arena (wild "
			 "access)",
			 c->where ? c->where : "sys_heap", heap_name, (unsigned long long)c->addr);
	else
		sim_fmt(f.message, sizeof(f.message), "sys_heap check \"%s\" in %s on heap %s, chunk %u",
			 c->name ? c->name : "?", c->where ? c->where : "?", heap_name,
			 (unsigned)c->chunk);
	sim_finding_add(s, &f);
}
