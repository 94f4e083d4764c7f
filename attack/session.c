/*
 * A user-thread program on an LL heap layout: the environment (sched/), one
 * acting K_USER thread in the LL domain, symbolic addresses resolved in
 * kernel context, and the oracles run between steps:
 *   - every finding the simulator raised during the step (kernel fault,
 *     confinement, object changed, hang, heap check, validate);
 *   - a raw user write that changed a registered kernel object;
 *   - an allocation that overlaps a live block or lies outside the buffer;
 *   - (optionally after every step) the kernel's heap, strictly checked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attack.h"

/* What the acting thread executes, with addresses already resolved. */
struct uexec {
	enum atk_action_kind kind;
	struct k_heap *heap;   /* NULL: read zephyr_ll_heap as user code does */
	uint32_t flags;
	size_t bytes, align;
	void *ptr;
	uint8_t data[ATK_DATA_MAX];
	unsigned len;
	void *ret;
	bool unmapped;         /* a write's address: nothing is mapped there */
};

struct atk_session {
	struct atk_session_config cfg;
	struct ll_env *env;
	struct sim *sim;
	struct ll_sched *sched;
	struct sys_heap *sys;       /* NULL for oob */
	uint8_t *buf, *buf_uc;      /* heap buffer, cached and uncached */
	size_t buf_bytes;
	k_tid_t actor;
	struct k_sem *sem;
	struct uexec ex;
	bool ex_ran;                /* the last step got past step_ready */
	bool done, stopping;
	unsigned respawns;
	void *slot[ATK_SLOTS];        /* kept after a free: use-after-free needs it */
	size_t req[ATK_SLOTS];
	bool live[ATK_SLOTS];
	struct sim_audit audit;
	size_t findings_seen;
	unsigned long step;
	int core_oops;                /* a CORE_WRITE's oops reason (step_stopped) */
	struct sim_oops core_oops_info;
	struct {                      /* an interleaved CORE_WRITE, armed for the next step */
		bool armed;           /* it ran once seen == at */
		unsigned long step;   /* the step that armed it */
		int core;
		uint8_t *ptr;
		uint8_t data[ATK_DATA_MAX];
		size_t len;
		unsigned at, seen;    /* its read number; reads seen so far */
	} race;
};

#define MAX_RESPAWNS 12
#define STEP_TICKS 50   /* virtual-time budget of one step, in LL periods */

/* ---- the acting thread ---------------------------------------------------- */

static void actor_do(struct uexec *x)
{
	struct k_heap *heap = x->heap;

	switch (x->kind) {
	case ATK_ACT_ALLOC:
		x->ret = sof_heap_alloc(heap ? heap : zephyr_ll_user_heap(), x->flags, x->bytes,
					x->align);
		break;
	case ATK_ACT_FREE:
		sof_heap_free(heap ? heap : zephyr_ll_user_heap(), x->ptr);
		break;
	case ATK_ACT_WRITE:
		/* a user-mode store: the thread's rights decide */
		sim_user_store(x->ptr, x->data, x->len);
		break;
	case ATK_ACT_DMA_GET:
		(void)ll_sof_dma_get(ll_env_of(sim_current()));
		break;
	case ATK_ACT_DMA_PUT:
		(void)ll_sof_dma_put(ll_env_of(sim_current()));
		break;
	case ATK_ACT_GIVE:
		/* through the gate: an object the thread may not use oopses it */
		k_sem_give((struct k_sem *)x->ptr);
		break;
	case ATK_ACT_TICK:
	case ATK_ACT_IPC:
	case ATK_ACT_CORE_WRITE:
	case ATK_ACT_GRANT:
	case ATK_ACT_CORE_GIVE:
		break; /* not the acting thread's (atk_session_step) */
	}
}

static void actor_entry(void *p1, void *p2, void *p3)
{
	struct atk_session *u = p1;

	(void)p2, (void)p3;
	for (;;) {
		if (k_sem_take(u->sem, K_FOREVER))
			continue;
		if (u->stopping)
			return;
		actor_do(&u->ex);
		u->done = true;
	}
}

static bool alive(struct atk_session *u, k_tid_t t)
{
	enum sim_thread_state st = sim_thread_state(u->sim, t);

	return t && st != SIM_THREAD_EXITED && st != SIM_THREAD_OOPSED && st != SIM_THREAD_ABORTED;
}

static int spawn_actor(struct atk_session *u)
{
	struct sim_thread_params p;

	memset(&p, 0, sizeof(p));
	p.name = "user";
	p.entry = actor_entry;
	p.p1 = u;
	p.prio = 1;
	p.stack_bytes = 32768; /* dead threads keep their stacks: stay small */
	p.options = K_USER;
	p.domain = ll_env_domain(u->env);
	p.delay = K_NO_WAIT;
	p.soft_rights = true; /* its only arena accesses: sim_user_store and syscalls */
	u->actor = sim_thread_create(u->sim, &p);
	if (!u->actor)
		return -ENOMEM;
	k_object_access_grant(u->sem, u->actor);
	return 0;
}

/* Gives the thread its step and runs the machine until it is done, dead,
 * or out of virtual time. 0, -EIO (died), -ETIMEDOUT. */
static int actor_call(struct atk_session *u)
{
	uint32_t period = ll_env_config(u->env)->period_us;
	uint64_t deadline;

	u->done = false;
	k_sem_give(u->sem);
	deadline = sim_now_us(u->sim) + (uint64_t)STEP_TICKS * period;
	sim_run(u->sim, sim_now_us(u->sim));
	while (!u->done && alive(u, u->actor) && sim_now_us(u->sim) < deadline) {
		enum sim_run_result r = sim_run(u->sim, sim_now_us(u->sim) + period);

		if (r == SIM_RUN_BUDGET || r == SIM_RUN_STOPPED || r == SIM_RUN_IDLE)
			break;
	}
	if (u->done)
		return 0;
	return alive(u, u->actor) ? -ETIMEDOUT : -EIO;
}

/* ---- tracing ---------------------------------------------------------------- */

static void tr(struct atk_session *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tr(struct atk_session *u, const char *fmt, ...)
{
	va_list ap;

	if (!u->cfg.trace)
		return;
	va_start(ap, fmt);
	vfprintf(u->cfg.trace, fmt, ap);
	va_end(ap);
}

static void on_event(const struct sim_event *e, void *ctx)
{
	struct atk_session *u = ctx;

	if (e->kind == SIM_EV_FAULT || e->kind == SIM_EV_FINDING || e->kind == SIM_EV_THREAD_OOPS)
		tr(u, "      %s: %s\n", sim_event_kind_name(e->kind), e->text);
}

static void describe(struct atk_session *u, const void *p, char *buf, size_t len)
{
	if (!p)
		snprintf(buf, len, "NULL");
	else if (!sim_host_in_arena(u->sim, p, 1))
		snprintf(buf, len, "a pointer outside the arena");
	else
		sim_describe_addr(u->sim, p, buf, len);
}

/* ---- lifetime ------------------------------------------------------------------ */

int atk_session_open(struct atk_session **out, const struct atk_session_config *cfg)
{
	struct ll_env_config ec;
	struct atk_session *u;
	int err;

	*out = NULL;
	if (!ll_layout_find(cfg->layout))
		return -ENOENT;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->cfg = *cfg;
	ll_env_config_default(&ec);
	ec.layout = cfg->layout;
	ec.hardening = (enum sys_heap_hardening)cfg->hardening;
	if (cfg->word_bits)
		ec.word_bits = cfg->word_bits;
	if (cfg->heap_bytes)
		ec.heap_bytes = cfg->heap_bytes;
	ec.runtime_stats = cfg->runtime_stats;
	ec.sim.protect = !cfg->protect_off;
	ec.sim.trace = cfg->trace != NULL;
	ec.sim.switch_budget = 200000;
	err = ll_env_create(&ec, &u->env);
	if (err) {
		free(u);
		return err;
	}
	u->sim = ll_env_sim(u->env);
	if (cfg->kread_off)
		sim_kread_set_enabled(u->sim, false);
	u->sched = ll_env_sched(u->env);
	u->sys = ll_env_sys_heap(u->env);
	u->buf = ll_env_heap_buffer(u->env, &u->buf_bytes);
	u->buf_uc = sim_uncached(u->sim, u->buf);
	if (cfg->trace)
		sim_set_event_hook(u->sim, on_event, u);
	u->sem = sim_kobj_alloc(u->sim, sizeof(*u->sem), 8, "user sem");
	err = !u->sem || k_sem_init(u->sem, 0, 1) ? -ENOMEM : spawn_actor(u);
	if (!err && sim_audit(u->sim, &u->audit))
		err = -ENOMEM;
	if (err) {
		atk_session_close(u);
		return err;
	}
	/* Whatever setup itself reported is not the program's doing. */
	sim_findings(u->sim, &u->findings_seen);
	tr(u, "layout %s (%s), hardening %s, %u-bit heap of %zu bytes%s\n", cfg->layout,
	   ll_layout_find(cfg->layout)->description,
	   sys_heap_hardening_name((enum sys_heap_hardening)cfg->hardening), ec.word_bits,
	   u->buf_bytes, cfg->protect_off ? ", page protection off" : "");
	*out = u;
	return 0;
}

void atk_session_close(struct atk_session *u)
{
	if (!u)
		return;
	u->stopping = true;
	sim_kread_set_hook(u->sim, NULL, NULL);
	sim_audit_free(&u->audit);
	ll_env_destroy(u->env);
	free(u);
}

bool atk_session_is_oob(const struct atk_session *u)
{
	return u->sys == NULL;
}

unsigned long atk_session_steps(const struct atk_session *u)
{
	return u->step;
}

bool atk_session_slot_live(const struct atk_session *u, int slot)
{
	return slot >= 0 && slot < ATK_SLOTS && u->live[slot];
}

/* ---- the heap as the kernel sees it (read-only) -------------------------------- */

struct hshape {
	uint8_t *S;       /* uncached host address of the heap start */
	unsigned hdr, w;
	uint32_t end, chunk0;
};

static void shape(struct atk_session *u, struct hshape *h)
{
	struct sys_heap_layout l;

	memset(h, 0, sizeof(*h));
	if (!u->sys) { /* oob: payload only; pretend a small sys_heap's offsets */
		h->S = u->buf_uc;
		h->hdr = 4;
		h->w = 2;
		h->end = (uint32_t)(u->buf_bytes / SYS_HEAP_CHUNK_UNIT);
		return;
	}
	sys_heap_layout_get(u->sys, &l);
	h->S = u->sys->heap;
	h->hdr = l.hdr_bytes;
	h->w = l.field_bytes;
	h->end = l.end_chunk;
	h->chunk0 = l.chunk0_units;
}

/* The idx-th free chunk in address order (the heap's bounded walk). */
static bool nth_free(struct atk_session *u, int idx, uint32_t *out, int *count)
{
	struct sys_heap_walk w;
	struct sys_heap_chunk ch;
	int found = 0;

	if (u->sys)
		for (sys_heap_walk_begin(&w, u->sys); sys_heap_walk_next(&w, &ch);)
			if (!ch.used && found++ == idx) {
				*out = ch.id;
				return true;
			}
	if (count)
		*count = found;
	return false;
}

/*
 * The header of the chunk holding block pointer p, kernel view: the chunk
 * sys_heap computes from p, or — once the block was freed and merged with
 * a neighbour — the free chunk that now contains it (found by walking).
 */
static uint8_t *chunk_of(struct atk_session *u, const struct hshape *h, void *p)
{
	uint8_t *uc = sim_uncached(u->sim, p);
	struct sys_heap_walk w;
	struct sys_heap_chunk ch;
	uint32_t want;

	if (!u->sys || uc < h->S + h->hdr)
		return uc - h->hdr;
	want = (uint32_t)((size_t)(uc - h->hdr - h->S) / SYS_HEAP_CHUNK_UNIT);
	for (sys_heap_walk_begin(&w, u->sys); sys_heap_walk_next(&w, &ch);)
		if (want >= ch.id && want - ch.id < ch.size)
			return h->S + ch.offset;
	return h->S + (size_t)want * SYS_HEAP_CHUNK_UNIT;
}

/* ---- resolving addresses ------------------------------------------------------------ */

static uint8_t *to_host(struct atk_session *u, uint64_t taddr)
{
	return sim_target_to_host(u->sim, taddr, 1);
}

/* The bases inside the heap: blocks, chunk headers, free chunks, the heap
 * header and its bucket heads, the end marker. */
static bool heap_region(struct atk_session *u, const struct hshape *h, enum atk_base b, int idx,
			uint8_t **p, size_t *size)
{
	switch (b) {
	case ATK_BASE_SLOT:
	case ATK_BASE_HDR:
		if (idx < 0 || idx >= ATK_SLOTS || !u->slot[idx])
			return false;
		if (b == ATK_BASE_SLOT) {
			*p = u->slot[idx];
			*size = u->req[idx] ? u->req[idx] : 1;
		} else {
			*p = chunk_of(u, h, u->slot[idx]);
			*size = h->hdr + 2 * h->w;
		}
		return true;
	case ATK_BASE_FREE: {
		uint32_t c;
		int n = 0;

		if (!u->sys) {
			*p = u->buf_uc;
			*size = 16;
			return true;
		}
		if (!nth_free(u, idx, &c, &n) && (n == 0 || !nth_free(u, idx % n, &c, NULL)))
			return false;
		*p = h->S + (size_t)c * SYS_HEAP_CHUNK_UNIT;
		*size = h->hdr + 2 * h->w;
		return true;
	}
	case ATK_BASE_ZHEAP:
		*p = h->S;
		*size = u->sys ? (size_t)h->chunk0 * SYS_HEAP_CHUNK_UNIT : 16;
		return true;
	case ATK_BASE_END:
		*p = h->S + (size_t)h->end * SYS_HEAP_CHUNK_UNIT - (u->sys ? 0 : 8);
		*size = 8;
		return true;
	case ATK_BASE_BUCKET:
		if (u->sys) {
			struct sys_heap_layout l;

			sys_heap_layout_get(u->sys, &l);
			*p = h->S + l.heads_offset + 4 * (size_t)idx;
		} else {
			*p = h->S + 16 + 4 * (size_t)idx;
		}
		*size = 4;
		return true;
	default:
		return false;
	}
}

/* Partition idx (modulo their number) of the LL domain. */
static bool partition_region(struct atk_session *u, int idx, uint8_t **p, size_t *size)
{
	struct k_mem_domain *d = ll_env_domain(u->env);
	size_t n = atk_session_count(u, ATK_BASE_PART), k = 0;

	if (!n)
		return false;
	idx = (int)((size_t)idx % n);
	for (unsigned i = 0; i < SIM_DOMAIN_PARTS_MAX; i++) {
		if (!d->partitions[i].used || (int)k++ != idx)
			continue;
		*p = to_host(u, d->partitions[i].start);
		*size = d->partitions[i].size;
		return *p != NULL;
	}
	return false;
}

/* The bases around the heap: kernel objects, the buffer, the scheduler's
 * data, audit items, partitions, the user's heap variable. */
static bool env_region(struct atk_session *u, enum atk_base b, int idx, uint8_t **p,
		       size_t *size)
{
	struct sim_kobj_info info;
	size_t in;

	switch (b) {
	case ATK_BASE_KHEAP:
		*p = (uint8_t *)ll_env_heap(u->env);
		*size = sim_kobj_find(u->sim, *p, &info, &in) ? info.size : sizeof(struct k_heap);
		return true;
	case ATK_BASE_BUF:
		*p = u->buf;
		*size = u->buf_bytes;
		return true;
	case ATK_BASE_BUF_END:
		/* what follows is the layout's: one chunk unit of it is named */
		*p = u->buf + u->buf_bytes;
		*size = SYS_HEAP_CHUNK_UNIT;
		return true;
	case ATK_BASE_KDATA:
		*p = (uint8_t *)ll_sched_kdata(u->sched);
		*size = sizeof(struct ll_sched_kdata);
		return true;
	case ATK_BASE_KSEM:
		*p = (uint8_t *)ll_sched_sem(u->sched);
		*size = sizeof(struct k_sem);
		return true;
	case ATK_BASE_KSEM_KOBJ:
		*p = sim_kobj_record(u->sim, ll_sched_sem(u->sched));
		*size = SIM_KOBJ_REC_BYTES;
		return *p != NULL;
	case ATK_BASE_AUDIT: {
		const struct sim_audit_item *it;

		if (!u->audit.count)
			return false;
		it = &u->audit.items[(size_t)idx % u->audit.count];
		*p = sim_target_to_host(u->sim, it->taddr, it->bytes);
		*size = it->bytes;
		return *p != NULL;
	}
	case ATK_BASE_PART:
		return partition_region(u, idx, p, size);
	case ATK_BASE_VAR:
		*p = (uint8_t *)ll_env_user_heap_var(u->env);
		*size = 4;
		return true;
	case ATK_BASE_SOF:
		/* SOF main's objects; nothing on the other layouts */
		*p = ll_sof_object(u->env, ll_sof_object_name((unsigned)idx % LL_SOF_OBJECTS), size);
		return *p != NULL;
	case ATK_BASE_SOF_SEM:
		*p = idx >= 0 ? (uint8_t *)ll_sof_core_sem(u->env, (unsigned)idx) : NULL;
		*size = sizeof(struct k_sem);
		return *p != NULL;
	default:
		return false;
	}
}

static bool region(struct atk_session *u, enum atk_base b, int idx, uint8_t **p, size_t *size)
{
	struct hshape h;

	*p = NULL;
	*size = 0;
	shape(u, &h);
	switch (b) {
	case ATK_BASE_NULL:
	case ATK_BASE_ABS:
		return true;
	case ATK_BASE_SLOT:
	case ATK_BASE_HDR:
	case ATK_BASE_FREE:
	case ATK_BASE_ZHEAP:
	case ATK_BASE_END:
	case ATK_BASE_BUCKET:
		return heap_region(u, &h, b, idx, p, size);
	default:
		return env_region(u, b, idx, p, size);
	}
}

size_t atk_session_count(const struct atk_session *u, enum atk_base base)
{
	if (base == ATK_BASE_AUDIT)
		return u->audit.count;
	if (base == ATK_BASE_PART) {
		struct k_mem_domain *d = ll_env_domain(u->env);
		size_t n = 0;

		for (unsigned i = 0; i < SIM_DOMAIN_PARTS_MAX; i++)
			n += d->partitions[i].used != 0;
		return n;
	}
	return 1;
}

size_t atk_session_region_size(struct atk_session *u, enum atk_base base, int idx)
{
	uint8_t *p;
	size_t size;

	return region(u, base, idx, &p, &size) ? size : 0;
}

/* A pointer value for an address expression; *ok false when its base names
 * nothing now (empty slot, no free chunk). Offsets add in the target's 32-bit
 * address space; an address outside the arena is kept as a forged pointer
 * whose value is that target address: only the verifier ever looks at it. */
static void *resolve(struct atk_session *u, const struct atk_addr *a, bool *ok)
{
	struct hshape h;
	uint8_t *p;
	size_t size;
	uintptr_t v;

	*ok = region(u, a->base, a->idx, &p, &size);
	if (!*ok)
		return NULL;
	if (a->base == ATK_BASE_NULL)
		return (void *)(uintptr_t)a->off;
	if (a->base == ATK_BASE_ABS) {
		p = to_host(u, (uint64_t)a->off);
		return p ? p : (void *)(uintptr_t)a->off;
	}
	shape(u, &h);
	v = (uintptr_t)a->off;
	if (a->field >= 0)
		v += (uintptr_t)a->field * h.w;
	if (p && sim_host_in_arena(u->sim, p, 1)) {
		/* in the target's address space, modulo 2^32: a sum that leaves
		 * the base's view names what the target has there, not whatever
		 * the host mapped next to it */
		uint32_t t;
		uint8_t *q;

		if (a->view != ATK_VIEW_ASIS)
			p = sim_to_view(u->sim, p, a->view == ATK_VIEW_CACHED ? SIM_VIEW_CACHED : SIM_VIEW_UNCACHED);
		t = (uint32_t)(sim_host_to_target(u->sim, p) + (uint32_t)v);
		q = to_host(u, t);
		return q ? q : (void *)(uintptr_t)t;
	}
	return (uint8_t *)((uintptr_t)p + v);
}

bool atk_session_eval_id(struct atk_session *u, int slot, uint64_t *out)
{
	struct hshape h;
	uint8_t *uc;

	if (slot < 0 || slot >= ATK_SLOTS || !u->slot[slot])
		return false;
	shape(u, &h);
	uc = chunk_of(u, &h, u->slot[slot]);
	*out = (uint64_t)((uc - h.S) / SYS_HEAP_CHUNK_UNIT);
	return true;
}

bool atk_session_eval_units(struct atk_session *u, int slot, uint64_t *out)
{
	struct sys_heap_chunk ch;
	uint64_t c;

	if (!atk_session_eval_id(u, slot, &c))
		return false;
	/* what the header says, as far as it lies in the buffer (else size 0) */
	memset(&ch, 0, sizeof(ch));
	if (u->sys)
		(void)sys_heap_chunk_get(u->sys, (uint32_t)c, &ch);
	*out = ch.size;
	return true;
}

bool atk_session_eval_taddr(struct atk_session *u, const struct atk_addr *a, uint64_t *out)
{
	bool ok;
	void *p = resolve(u, a, &ok);

	if (!ok)
		return false;
	/* outside the arena resolve gives the target address itself */
	*out = sim_host_in_arena(u->sim, p, 1) ? sim_host_to_target(u->sim, p) : (uint64_t)(uintptr_t)p;
	return true;
}

bool atk_session_eval_chunkid(struct atk_session *u, const struct atk_addr *a, uint64_t *out)
{
	struct hshape h;
	bool ok;
	uint8_t *p = resolve(u, a, &ok);

	if (!ok || !sim_host_in_arena(u->sim, p, 1))
		return false;
	shape(u, &h);
	p = sim_uncached(u->sim, p);
	*out = (uint64_t)(p - h.S) / SYS_HEAP_CHUNK_UNIT;
	/* the heap follows ids forward only, as far as its field holds: say
	 * when this one cannot name ADDR (the field write keeps the low bits) */
	if (p < h.S || *out > (h.w == 2 ? 0xffffu : 0xffffffffu))
		tr(u, "      note: chunkid(0x%08x): the address lies %s, where no %u-bit chunk id "
		      "reaches; the value wraps\n", (unsigned)sim_host_to_target(u->sim, p),
		   p < h.S ? "before the heap start" : "too far past it", h.w * 8);
	return true;
}

uint32_t atk_session_canary_base(struct atk_session *u)
{
	return u->sys ? u->sys->cfg.canary_base : 0;
}

static bool value(struct atk_session *u, const struct atk_value *v, uint64_t *out)
{
	switch (v->kind) {
	case ATK_VAL_NUM:
		*out = (uint64_t)v->add;
		return true;
	case ATK_VAL_ID:
		if (!atk_session_eval_id(u, v->addr.idx, out))
			return false;
		*out += (uint64_t)v->add;
		return true;
	case ATK_VAL_TADDR:
		if (!atk_session_eval_taddr(u, &v->addr, out))
			return false;
		*out += (uint64_t)v->add;
		return true;
	case ATK_VAL_EXPR:
		return v->eval && v->eval(u, v->expr, out);
	}
	return false;
}

/* ---- events ----------------------------------------------------------------------- */

static void finding_from_sim(struct atk_session *u, const struct sim_finding *s, struct atk_finding *f)
{
	static const enum sim_finding_kind map[] = {
		[SIM_FINDING_KERNEL_FAULT] = SIM_FINDING_KERNEL_FAULT,
		[SIM_FINDING_CONFINEMENT] = SIM_FINDING_CONFINEMENT,
		[SIM_FINDING_KOBJ_CHANGED] = SIM_FINDING_KOBJ_CHANGED,
		[SIM_FINDING_HEAP_CHECK] = SIM_FINDING_HEAP_CHECK,
		[SIM_FINDING_VALIDATE] = SIM_FINDING_VALIDATE,
		[SIM_FINDING_HANG] = SIM_FINDING_HANG,
		[SIM_FINDING_OTHER] = SIM_FINDING_OTHER,
		[SIM_FINDING_KERNEL_TRUSTS_USER] = SIM_FINDING_KERNEL_TRUSTS_USER,
	};

	f->kind = (unsigned)s->kind < sizeof(map) / sizeof(map[0]) && map[s->kind] ? map[s->kind]
										    : SIM_FINDING_OTHER;
	snprintf(f->message, sizeof(f->message), "%s", s->message);
	snprintf(f->syscall, sizeof(f->syscall), "%s", s->syscall);
	snprintf(f->object, sizeof(f->object), "%s", s->object);
	snprintf(f->object_type, sizeof(f->object_type), "%s", s->object_type);
	snprintf(f->field, sizeof(f->field), "%s", s->field);
	f->taddr = s->taddr;
	f->offset = s->offset;
	f->nbytes = s->nbytes < ATK_FINDING_BYTES ? s->nbytes : ATK_FINDING_BYTES;
	memcpy(f->old_bytes, s->old_bytes, f->nbytes);
	memcpy(f->new_bytes, s->new_bytes, f->nbytes);
	(void)u;
}

static void event_set(struct atk_session *u, struct atk_event *ev, enum atk_event_class cls, const char *by)
{
	ev->cls = cls;
	snprintf(ev->by, sizeof(ev->by), "%s", by);
	ev->f.op = (long)u->step;
	snprintf(ev->f.layout, sizeof(ev->f.layout), "%s", u->cfg.layout);
	snprintf(ev->f.profile, sizeof(ev->f.profile), "%s",
		 sys_heap_profile_name(ll_env_config(u->env)->profile));
	snprintf(ev->f.hardening, sizeof(ev->f.hardening), "%s",
		 sys_heap_hardening_name((enum sys_heap_hardening)u->cfg.hardening));
	ev->f.word_bits = ll_env_config(u->env)->word_bits;
}

/* The first new finding the simulator raised in this step decides. */
static bool sim_events_of_step(struct atk_session *u, struct atk_event *ev)
{
	size_t n;
	const struct sim_finding *fs = sim_findings(u->sim, &n);
	bool any = false;

	for (size_t i = u->findings_seen; i < n && !any; i++) {
		const struct sim_finding *s = &fs[i];

		memset(&ev->f, 0, sizeof(ev->f));
		finding_from_sim(u, s, &ev->f);
		if (s->kind == SIM_FINDING_HEAP_CHECK) {
			event_set(u, ev, ATK_EV_DETECTED, sys_heap_check_name(s->heap_check));
			ev->refused = s->heap_refused;
		} else if (s->kind == SIM_FINDING_VALIDATE) {
			event_set(u, ev, ATK_EV_CORRUPT, "validate");
		} else {
			event_set(u, ev, ATK_EV_ESCAPE, sim_finding_kind_long_name(ev->f.kind));
		}
		any = true;
	}
	u->findings_seen = n;
	return any;
}

static const char *oops_name(int reason)
{
	switch (reason) {
	case SIM_OOPS_FAULT: return "fault";
	case SIM_OOPS_SYSCALL_VERIFY: return "syscall check";
	case SIM_OOPS_SYSCALL_UNKNOWN: return "unknown syscall";
	case SIM_OOPS_KERNEL_FINDING: return "kernel finding";
	case SIM_OOPS_PRIVILEGED: return "privileged call";
	case SIM_OOPS_HEAP_CHECK: return "user heap check";
	default: return "oops";
	}
}

/* A raw write that changed bytes of a registered kernel object. */
static bool kobj_changed(struct atk_session *u, uint8_t *p, const uint8_t *old, unsigned len,
			 struct atk_event *ev)
{
	for (unsigned i = 0; i < len; i++) {
		struct sim_kobj_info info;
		size_t in;
		char where[160];
		unsigned n = 0;

		if (p[i] == old[i] || !sim_kobj_find(u->sim, p + i, &info, &in))
			continue;
		memset(&ev->f, 0, sizeof(ev->f));
		ev->f.kind = SIM_FINDING_KOBJ_CHANGED;
		describe(u, p + i, where, sizeof(where));
		snprintf(ev->f.message, sizeof(ev->f.message),
			 "user thread changed %s %s outside its API: %s", info.type_name, info.name,
			 where);
		snprintf(ev->f.object, sizeof(ev->f.object), "%s", info.name);
		snprintf(ev->f.object_type, sizeof(ev->f.object_type), "%s", info.type_name);
		{
			const char *paren = strchr(where, '(');

			snprintf(ev->f.field, sizeof(ev->f.field), "%.*s",
				 paren ? (int)strcspn(paren + 1, ")") : 0, paren ? paren + 1 : "");
		}
		ev->f.taddr = sim_host_to_target(u->sim, p + i);
		ev->f.offset = in;
		for (unsigned j = i; j < len && n < ATK_FINDING_BYTES; j++, n++) {
			ev->f.old_bytes[n] = old[j];
			ev->f.new_bytes[n] = p[j];
		}
		ev->f.nbytes = n;
		event_set(u, ev, ATK_EV_ESCAPE, "kernel-object-changed");
		return true;
	}
	return false;
}

/* The allocator handed out a block that overlaps a live one, or lies
 * outside its buffer: the user now owns memory it must not. */
/* p's offset from the (uncached) heap buffer; below it wraps to a huge value */
static inline size_t buf_off(const struct atk_session *u, const void *p)
{
	return (size_t)((uintptr_t)p - (uintptr_t)u->buf_uc);
}

static bool bad_block(struct atk_session *u, int s, struct atk_event *ev)
{
	uint8_t *p = sim_uncached(u->sim, u->slot[s]);
	size_t n = u->req[s] ? u->req[s] : 1;
	/* offsets from the buffer, not host addresses, in every comparison:
	 * what a fuzzer traces must not change from one run to the next */
	size_t at = buf_off(u, p);

	memset(&ev->f, 0, sizeof(ev->f));
	ev->f.kind = SIM_FINDING_OTHER;
	snprintf(ev->f.syscall, sizeof(ev->f.syscall), "sof_heap_alloc");
	snprintf(ev->f.object, sizeof(ev->f.object), "ll_heap");
	if (!p || n > u->buf_bytes || at > u->buf_bytes - n) {
		char where[160];

		describe(u, u->slot[s], where, sizeof(where));
		snprintf(ev->f.message, sizeof(ev->f.message),
			 "sof_heap_alloc returned a block outside the heap buffer: %s", where);
		ev->f.taddr = p ? sim_host_to_target(u->sim, p) : 0;
		event_set(u, ev, ATK_EV_ESCAPE, "block outside heap");
		return true;
	}
	for (int i = 0; i < ATK_SLOTS; i++) {
		uint8_t *q = u->live[i] ? sim_uncached(u->sim, u->slot[i]) : NULL;
		size_t m = u->req[i] ? u->req[i] : 1;

		if (i == s || !q || !(at < buf_off(u, q) + m && buf_off(u, q) < at + n))
			continue;
		snprintf(ev->f.message, sizeof(ev->f.message),
			 "sof_heap_alloc returned heap+0x%zx (%zu bytes), overlapping live block "
			 "heap+0x%zx (%zu bytes): two owners for the same memory",
			 (size_t)(p - u->buf_uc), n, (size_t)(q - u->buf_uc), m);
		ev->f.taddr = sim_host_to_target(u->sim, p);
		event_set(u, ev, ATK_EV_ESCAPE, "overlapping blocks");
		return true;
	}
	return false;
}

static bool heap_corrupt(struct atk_session *u, struct atk_event *ev)
{
	const char *why = NULL;
	uint32_t chunk = 0;

	if (u->sys ? sys_heap_check_strict(u->sys, &why, &chunk) : ll_env_validate(u->env))
		return false;
	sim_findings(u->sim, &u->findings_seen); /* ll_env_validate's own report */
	memset(&ev->f, 0, sizeof(ev->f));
	ev->f.kind = SIM_FINDING_VALIDATE;
	snprintf(ev->f.object, sizeof(ev->f.object), "ll_heap");
	snprintf(ev->f.object_type, sizeof(ev->f.object_type), "k_heap");
	if (u->sys) {
		struct hshape h;
		char where[160];

		shape(u, &h);
		describe(u, h.S + (size_t)chunk * SYS_HEAP_CHUNK_UNIT, where, sizeof(where));
		snprintf(ev->f.message, sizeof(ev->f.message),
			 "the kernel's heap metadata no longer validates: %s (chunk %u: %s)", why,
			 chunk, where);
		snprintf(ev->f.field, sizeof(ev->f.field), "chunk %u", chunk);
		ev->f.taddr = sim_host_to_target(u->sim, h.S + (size_t)chunk * 8);
	} else {
		snprintf(ev->f.message, sizeof(ev->f.message),
			 "the kernel's oob heap metadata no longer validates");
	}
	event_set(u, ev, ATK_EV_CORRUPT, "validate");
	return true;
}

/* ---- one step ----------------------------------------------------------------------- */

static void flags_text(uint32_t f, char *buf, size_t len)
{
	static const char *const names[] = { "KERNEL", "USER", "COHERENT", "DMA", "LARGE_BUFFER", "L3" };
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 6; i++)
		if (f & (1u << i))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "", names[i]);
	if (f & ~0x3fu)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s0x%x", n ? "|" : "", f & ~0x3fu);
	if (!n)
		snprintf(buf, len, "0");
}

static bool prepare(struct atk_session *u, const struct atk_action *a, char *what, size_t wlen)
{
	struct uexec *x = &u->ex;
	char where[160], fl[64];
	bool ok = true;

	memset(x, 0, sizeof(*x));
	x->kind = a->kind;
	if (a->forged_heap) {
		x->heap = resolve(u, &a->heap, &ok);
		if (!ok)
			return false;
	}
	switch (a->kind) {
	case ATK_ACT_ALLOC:
		x->flags = a->flags;
		x->bytes = (size_t)a->bytes;
		x->align = (size_t)a->align;
		flags_text(a->flags, fl, sizeof(fl));
		snprintf(what, wlen, "sof_heap_alloc(%s, %s, %zu, %zu) into slot %c",
			 a->forged_heap ? "forged heap" : "zephyr_ll_heap", fl, x->bytes, x->align,
			 'A' + a->slot);
		return true;
	case ATK_ACT_FREE:
		x->ptr = resolve(u, &a->at, &ok);
		if (!ok)
			return false;
		describe(u, x->ptr, where, sizeof(where));
		snprintf(what, wlen, "sof_heap_free(%s, %s)",
			 a->forged_heap ? "forged heap" : "zephyr_ll_heap", where);
		return true;
	case ATK_ACT_DMA_GET:
	case ATK_ACT_DMA_PUT:
	case ATK_ACT_IPC:
		if (!ll_env_layout(u->env)->sof_main)
			return false;
		snprintf(what, wlen, "%s", a->kind == ATK_ACT_DMA_GET ? "sof_dma_get()" :
					   a->kind == ATK_ACT_DMA_PUT ? "sof_dma_put()" :
					   "the kernel IPC task forwards an IPC (ipc_user_forward_cmd)");
		return true;
	case ATK_ACT_GRANT:
		if (!ll_sof_core_thread(u->env, (unsigned)a->slot) || a->slot < 1)
			return false;
		snprintf(what, wlen, "core %d is brought up: user_ll_grant_access gives its LL thread "
			 "access to the object zephyr_ll_locks[%d] names", a->slot, a->slot);
		return true;
	case ATK_ACT_CORE_GIVE:
		if (!ll_sof_core_thread(u->env, (unsigned)a->slot) || a->slot < 1)
			return false;
		x->ptr = resolve(u, &a->at, &ok);
		if (!ok || !x->ptr || !sim_host_in_arena(u->sim, x->ptr, 1))
			return false;
		describe(u, x->ptr, where, sizeof(where));
		snprintf(what, wlen, "core %d's LL thread calls k_sem_give(%s)", a->slot, where);
		return true;
	case ATK_ACT_GIVE:
		/* any pointer: the gate refuses what names no semaphore */
		x->ptr = resolve(u, &a->at, &ok);
		if (!ok)
			return false;
		describe(u, x->ptr, where, sizeof(where));
		snprintf(what, wlen, "k_sem_give(%s)", where);
		return true;
	case ATK_ACT_CORE_WRITE:
		if (!ll_sof_core_thread(u->env, (unsigned)a->slot) || a->slot < 1)
			return false;
		__attribute__((fallthrough)); /* resolved as a write */
	case ATK_ACT_WRITE: {
		uint64_t v;
		unsigned w = a->width == ATK_WIDTH_FIELD ? 0 : a->width;
		int n;

		x->ptr = resolve(u, &a->at, &ok);
		if (!ok)
			return false;
		if (!x->ptr || !sim_host_in_arena(u->sim, x->ptr, 1)) {
			x->unmapped = true;
			return false;
		}
		if (a->width == ATK_WIDTH_FIELD) {
			struct hshape h;

			shape(u, &h);
			w = h.w;
		}
		if (w) {
			if (!value(u, &a->value, &v))
				return false;
			for (unsigned i = 0; i < w && i < ATK_DATA_MAX; i++)
				x->data[i] = (uint8_t)(v >> (8 * i));
			x->len = w;
		} else {
			memcpy(x->data, a->data, a->len);
			x->len = a->len;
		}
		if (!sim_host_in_arena(u->sim, x->ptr, x->len))
			return false;
		describe(u, x->ptr, where, sizeof(where));
		n = a->kind != ATK_ACT_CORE_WRITE ? snprintf(what, wlen, "user writes")
		    : a->at_read ? snprintf(what, wlen, "core %d's LL thread will write, during the next "
					"step before the kernel's read #%u of user-writable memory,",
					a->slot, a->at_read)
				 : snprintf(what, wlen, "core %d's LL thread writes (between two kernel steps)",
					    a->slot);
		for (unsigned i = 0; i < x->len && n > 0 && (size_t)n < wlen; i++)
			n += snprintf(what + n, wlen - (size_t)n, " %02x", x->data[i]);
		if (n > 0 && (size_t)n < wlen)
			snprintf(what + n, wlen - (size_t)n, " at %s", where);
		return true;
	}
	case ATK_ACT_TICK:
		snprintf(what, wlen, "LL scheduler runs %u tick%s", a->ticks, a->ticks == 1 ? "" : "s");
		return true;
	}
	return false;
}

/* An acting thread, the action resolved, a write the thread may do (when
 * the fuzzer asks to check first): false with ev SKIPPED otherwise. */
static bool step_ready(struct atk_session *u, const struct atk_action *a, char *what, size_t wlen,
		       struct atk_event *ev)
{
	if (!alive(u, u->actor)) {
		if (u->respawns++ >= MAX_RESPAWNS || spawn_actor(u)) {
			event_set(u, ev, ATK_EV_SKIPPED, "no acting thread");
			ev->no_actor = true;
			return false;
		}
		tr(u, "      (a new user thread takes over)\n");
	}
	if (!prepare(u, a, what, wlen)) {
		/* a user store where the target maps nothing faults there, as a
		 * store the thread's rights refuse does (the fuzzer skips both) */
		if (a->kind == ATK_ACT_WRITE && u->ex.unmapped && !u->cfg.precheck_writes) {
			memset(&ev->f, 0, sizeof(ev->f));
			snprintf(ev->f.message, sizeof(ev->f.message),
				 "user store to 0x%08x: nothing is mapped there", (unsigned)(uintptr_t)u->ex.ptr);
			tr(u, "%4lu. %s\n", u->step, ev->f.message);
			event_set(u, ev, ATK_EV_BLOCKED, "fault");
			return false;
		}
		tr(u, "%4lu. (skipped: nothing to act on)\n", u->step);
		event_set(u, ev, ATK_EV_SKIPPED, "unresolved");
		return false;
	}
	if ((a->kind == ATK_ACT_WRITE || a->kind == ATK_ACT_CORE_WRITE) && u->cfg.precheck_writes &&
	    !sim_user_can_access(u->sim,
				 a->kind == ATK_ACT_WRITE ? u->actor
							  : ll_sof_core_thread(u->env, (unsigned)a->slot),
				 u->ex.ptr, u->ex.len, true)) {
		tr(u, "%4lu. (skipped: %s — not writable by the user thread)\n", u->step, what);
		event_set(u, ev, ATK_EV_SKIPPED, "not writable");
		return false;
	}
	return true;
}

/* How the step ended for the thread: a hang or an oops (true, ev set). */
static bool step_stopped(struct atk_session *u, int rc, struct atk_event *ev)
{
	if (rc == -ETIMEDOUT) {
		memset(&ev->f, 0, sizeof(ev->f));
		ev->f.kind = SIM_FINDING_HANG;
		snprintf(ev->f.message, sizeof(ev->f.message),
			 "the user thread's step did not finish within %u LL periods of virtual time",
			 STEP_TICKS);
		event_set(u, ev, ATK_EV_ESCAPE, "hang");
		return true;
	}
	if (rc == -EIO) {
		struct sim_oops o;

		memset(&o, 0, sizeof(o));
		if (u->core_oops) { /* a second core's thread died doing the step */
			o = u->core_oops_info;
			u->core_oops = 0;
			event_set(u, ev, ATK_EV_BLOCKED, oops_name(o.reason));
			snprintf(ev->f.message, sizeof(ev->f.message), "%s", o.message);
			return true;
		}
		sim_thread_oops(u->sim, u->actor, &o);
		tr(u, "      user thread oopsed: %s\n", o.message);
		event_set(u, ev, ATK_EV_BLOCKED, oops_name(o.reason));
		snprintf(ev->f.message, sizeof(ev->f.message), "%s", o.message);
		return true;
	}
	return false;
}

/* The step went through: book its block (and check it), end the blocks a
 * free released. True when an oracle fired (ev set). */
static bool step_effects(struct atk_session *u, const struct atk_action *a, struct atk_event *ev)
{
	if (a->kind == ATK_ACT_ALLOC && u->ex.ret) {
		u->slot[a->slot] = u->ex.ret;
		u->req[a->slot] = u->ex.bytes;
		u->live[a->slot] = true;
		if (bad_block(u, a->slot, ev))
			return true;
	}
	return false;
}

/*
 * A free that reached the kernel ends the life of the block starting at its
 * pointer, whichever way the pointer was written — also when the free stopped
 * half-way (a finding, a heap check): no later allocation can then be this
 * owner's, and a block the allocator hands out again is not an overlap. Only
 * a free the verifier refused leaves the block as it was.
 */
static void free_ends_block(struct atk_session *u, const struct atk_action *a,
			    const struct atk_event *ev)
{
	uint8_t *uc;

	if (a->kind != ATK_ACT_FREE || !u->ex.ptr || !sim_host_in_arena(u->sim, u->ex.ptr, 1))
		return;
	if (ev->cls == ATK_EV_BLOCKED && !strcmp(ev->by, "syscall check"))
		return;
	uc = sim_uncached(u->sim, u->ex.ptr);
	for (int i = 0; i < ATK_SLOTS; i++)
		if (u->live[i] && sim_uncached(u->sim, u->slot[i]) == uc)
			u->live[i] = false;
}

/* The step's oracles, first hit wins: what the simulator raised, a hang
 * or oops, a kernel object a raw write changed, a bad block, (optionally)
 * a heap that no longer checks out. */
static void step_judge(struct atk_session *u, const struct atk_action *a, int rc,
		       const uint8_t *old, struct atk_event *ev)
{
	bool fired = sim_events_of_step(u, ev) || step_stopped(u, rc, ev);

	free_ends_block(u, a, ev);
	if (fired)
		return;
	if ((a->kind == ATK_ACT_WRITE || a->kind == ATK_ACT_CORE_WRITE) &&
	    kobj_changed(u, u->ex.ptr, old, u->ex.len, ev))
		return;
	if (step_effects(u, a, ev))
		return;
	if (u->cfg.check_each_step)
		heap_corrupt(u, ev);
}

/* The store of a CORE_WRITE, on that core's LL thread (user mode). */
static void core_store(struct ll_env *env, unsigned core, void *ctx)
{
	struct atk_session *u = ctx;

	(void)env, (void)core;
	sim_user_store(u->ex.ptr, u->ex.data, u->ex.len);
	u->done = true;
}

/* The syscall of a CORE_GIVE, on that core's LL thread (user mode: the
 * gate checks the thread's permission on the object). */
static void core_give(struct ll_env *env, unsigned core, void *ctx)
{
	struct atk_session *u = ctx;

	(void)env, (void)core;
	k_sem_give((struct k_sem *)u->ex.ptr);
	u->done = true;
}

/* A second core's thread died doing the step: its oops is the step's
 * outcome (step_stopped). -EIO. */
static int core_oopsed(struct atk_session *u, int core, const struct sim_oops *o)
{
	tr(u, "      core %d's thread oopsed: %s\n", core, o->message);
	u->core_oops = o->reason ? o->reason : SIM_OOPS_FAULT;
	u->core_oops_info = *o;
	return -EIO;
}

/* The interleaving point of an armed CORE_WRITE: before the kernel's
 * race.at-th read of user-writable memory in the step after it. */
static void race_hook(void *ctx, const void *p, size_t len, const char *path, const char *what)
{
	struct atk_session *u = ctx;
	k_tid_t t = ll_sof_core_thread(u->env, (unsigned)u->race.core);
	char where[160];

	(void)p, (void)len;
	if (!u->race.armed || u->race.seen == u->race.at || ++u->race.seen != u->race.at)
		return;
	describe(u, u->race.ptr, where, sizeof(where));
	if (sim_store_by_other_core(u->sim, t, u->race.ptr, u->race.data, u->race.len))
		tr(u, "      (core %d's LL thread may no longer write %s: nothing written)\n",
		   u->race.core, where);
	else
		tr(u, "      core %d's LL thread writes %zu bytes at %s, before read #%u of user-writable "
		      "memory: %s reads %s\n", u->race.core, u->race.len, where, u->race.at, path, what);
}

/* Arms an interleaved CORE_WRITE (resolved in u->ex); -EIO when the core's
 * thread may not write there at all (its store would fault: its oops). */
static int race_arm(struct atk_session *u, const struct atk_action *a)
{
	k_tid_t t = ll_sof_core_thread(u->env, (unsigned)a->slot);

	if (!sim_user_can_access(u->sim, t, u->ex.ptr, u->ex.len, true)) {
		struct sim_oops o = { SIM_OOPS_FAULT, "" };

		snprintf(o.message, sizeof(o.message), "core %d's LL thread may not write there: its "
			 "store faults", a->slot);
		return core_oopsed(u, a->slot, &o);
	}
	memset(&u->race, 0, sizeof(u->race));
	u->race.armed = true;
	u->race.step = u->step;
	u->race.core = a->slot;
	u->race.ptr = u->ex.ptr;
	u->race.len = u->ex.len;
	memcpy(u->race.data, u->ex.data, u->ex.len);
	u->race.at = a->at_read;
	sim_kread_set_hook(u->sim, race_hook, u);
	return 0;
}

/* After the step an interleaved write was armed for: disarmed, and said if
 * its read never came. */
static void race_end(struct atk_session *u)
{
	if (!u->race.armed || u->step == u->race.step)
		return;
	if (u->race.seen < u->race.at)
		tr(u, "      (core %d's write did not run: the step read user-writable memory %u "
		      "time%s)\n", u->race.core, u->race.seen, u->race.seen == 1 ? "" : "s");
	u->race.armed = false;
	sim_kread_set_hook(u->sim, NULL, NULL);
}

/* Runs fn on core `core`'s LL thread at its next tick; 0, or -EIO when
 * the thread died doing it (its oops is the step's outcome). */
static int on_core(struct atk_session *u, int core,
		   void (*fn)(struct ll_env *env, unsigned core, void *ctx))
{
	k_tid_t t = ll_sof_core_thread(u->env, (unsigned)core);

	u->done = false;
	ll_sof_on_core(u->env, (unsigned)core, fn, u);
	ll_sched_run_ticks(u->sched, 2);
	if (!u->done && sim_thread_state(u->sim, t) == SIM_THREAD_OOPSED) {
		struct sim_oops o;

		memset(&o, 0, sizeof(o));
		sim_thread_oops(u->sim, t, &o);
		return core_oopsed(u, core, &o);
	}
	return 0;
}

/* Runs a step that is not the acting thread's; 0, or -EIO when the core's
 * thread died doing it (its oops is the step's outcome). */
static int run_elsewhere(struct atk_session *u, const struct atk_action *a)
{
	switch (a->kind) {
	case ATK_ACT_TICK:
		ll_sched_run_ticks(u->sched, a->ticks);
		return 0;
	case ATK_ACT_IPC:
		/* a forward that does not come back shows as the sim's hang finding */
		(void)ll_sof_ipc_forward(u->env);
		return 0;
	case ATK_ACT_CORE_WRITE:
		return a->at_read ? race_arm(u, a) : on_core(u, a->slot, core_store);
	case ATK_ACT_CORE_GIVE:
		return on_core(u, a->slot, core_give);
	case ATK_ACT_GRANT:
		/* the kernel's read of the slot is what the oracle watches */
		(void)ll_sof_core_grant(u->env, (unsigned)a->slot);
		return 0;
	default:
		return 0;
	}
}

void atk_session_step(struct atk_session *u, const struct atk_action *a, struct atk_event *ev)
{
	uint8_t old[ATK_DATA_MAX];
	char what[320];
	int rc = 0;

	memset(ev, 0, sizeof(*ev));
	u->step++;
	u->ex_ran = false;
	if (!step_ready(u, a, what, sizeof(what), ev))
		return;
	u->ex_ran = true;
	if (a->kind == ATK_ACT_WRITE || a->kind == ATK_ACT_CORE_WRITE)
		memcpy(old, u->ex.ptr, u->ex.len);
	tr(u, "%4lu. %s\n", u->step, what);
	if (a->kind == ATK_ACT_TICK || a->kind == ATK_ACT_IPC || a->kind == ATK_ACT_CORE_WRITE ||
	    a->kind == ATK_ACT_GRANT || a->kind == ATK_ACT_CORE_GIVE)
		rc = run_elsewhere(u, a);
	else
		rc = actor_call(u);
	if (a->kind == ATK_ACT_ALLOC && u->done) {
		char where[160];

		describe(u, u->ex.ret, where, sizeof(where));
		tr(u, "      -> %s\n", where);
	}
	if (a->kind == ATK_ACT_CORE_GIVE && u->done)
		tr(u, "      -> given: the syscall gate let core %d's thread use the object\n", a->slot);
	if (a->kind == ATK_ACT_GIVE && u->done) {
		const uint8_t *rec = sim_kobj_record(u->sim, u->ex.ptr);
		const uint8_t *own = sim_kobj_record(u->sim, u->actor);
		uint32_t index;

		tr(u, "      -> given: the syscall gate let the user thread use the object");
		if (rec && own) {
			const uint8_t *perms = rec + SIM_KOBJ_REC_PERMS;

			memcpy(&index, own + SIM_KOBJ_REC_DATA, 4);
			tr(u, " (its k_object perms %02x %02x %02x %02x; the thread's index, %u, %s)",
			   perms[0], perms[1], perms[2], perms[3], (unsigned)index,
			   index < 8 * SIM_KOBJ_PERM_BYTES && perms[index / 8] >> (index % 8) & 1
				   ? "is set" : "is not set");
		}
		tr(u, "\n");
	}
	step_judge(u, a, rc, old, ev);
	race_end(u);
	if (ev->cls >= ATK_EV_DETECTED && ev->cls <= ATK_EV_ESCAPE)
		tr(u, "   => %s: %s\n", ev->cls == ATK_EV_DETECTED ? "detected" :
				   ev->cls == ATK_EV_CORRUPT ? "heap corrupted" : "ESCAPE", ev->f.message);
}

void atk_session_final(struct atk_session *u, struct atk_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (u->race.armed && u->step == u->race.step)
		tr(u, "      (core %d's write did not run: no step followed it)\n", u->race.core);
	if (heap_corrupt(u, ev))
		tr(u, "   => heap corrupted: %s\n", ev->f.message);
}

/* ---- what the last step executed (exports) ---------------------------------- */

/* Target address of p through the uncached view (one name per byte). */
static uint64_t taddr_of(const struct atk_session *u, const void *p)
{
	if (!p || !sim_host_in_arena(u->sim, p, 1))
		return (uint64_t)(uintptr_t)p;
	return sim_host_to_target(u->sim, sim_uncached(u->sim, p));
}

static bool is_cached(const struct atk_session *u, const void *p)
{
	size_t off;

	return p && sim_host_in_arena(u->sim, p, 1) && sim_host_locate(u->sim, p, &off) == SIM_VIEW_CACHED;
}

void atk_session_last(const struct atk_session *u, struct atk_exec_info *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = u->ex.kind;
	out->ran = u->ex_ran;
	out->ptr = taddr_of(u, u->ex.ptr);
	out->ptr_cached = is_cached(u, u->ex.ptr);
	out->ret = taddr_of(u, u->ex.ret);
	out->heap = taddr_of(u, u->ex.heap);
	out->bytes = u->ex.bytes;
	out->align = u->ex.align;
	out->flags = u->ex.flags;
	out->len = u->ex.len;
	memcpy(out->data, u->ex.data, sizeof(out->data));
	out->forged_heap = u->ex.heap != NULL;
}

unsigned atk_session_field_width(struct atk_session *u)
{
	struct hshape h;

	shape(u, &h);
	return h.w;
}

int atk_session_boot_blocks(struct atk_session *u, struct atk_boot_block *out, int max)
{
	struct sys_heap_walk w;
	struct sys_heap_chunk ch;
	struct sim_kobj_info info;
	struct hshape h;
	int n = 0;

	if (!u->sys)
		return 0;
	shape(u, &h);
	for (sys_heap_walk_begin(&w, u->sys); sys_heap_walk_next(&w, &ch);) {
		uint8_t *mem = h.S + ch.offset + h.hdr;
		size_t room = (size_t)ch.size * SYS_HEAP_CHUNK_UNIT - h.hdr, k = 0, in = 0;

		if (!ch.used)
			continue;
		if (n == max) {
			out[0].off = (size_t)(mem - u->buf_uc);
			snprintf(out[0].name, sizeof(out[0].name), "block %d", max + 1);
			return -1;
		}
		/* the object starts where the aligned allocation put it: at the
		 * chunk's memory or a little past it */
		while (k < room && !sim_kobj_find(u->sim, mem + k, &info, &in))
			k++;
		out[n].off = (size_t)(mem + k - u->buf_uc);
		if (k == room || in) {
			out[0].off = out[n].off;
			snprintf(out[0].name, sizeof(out[0].name), "chunk %u", ch.id);
			return -1;
		}
		out[n].bytes = info.size;
		snprintf(out[n].name, sizeof(out[n].name), "%s", info.name ? info.name : "?");
		n++;
	}
	return n;
}

/* ---- a user read (scenarios: what user code can learn) -------------------------- */

int atk_session_user_read(struct atk_session *u, const struct atk_addr *a, unsigned width,
			  uint64_t *out)
{
	bool ok = true;
	uint8_t *p;
	uint64_t v = 0;

	*out = 0;
	if (width == ATK_WIDTH_FIELD)
		width = atk_session_field_width(u);
	p = resolve(u, a, &ok);
	if (!ok || !p || !width || width > 8 || !sim_host_in_arena(u->sim, p, width))
		return -ENOENT;
	/* as user code: only what the acting thread's domain lets it read */
	if (!alive(u, u->actor) || !sim_user_can_access(u->sim, u->actor, p, width, false))
		return -EFAULT;
	memcpy(&v, p, width); /* little-endian host, as the target */
	*out = v;
	tr(u, "%4lu. user reads %u bytes at target 0x%llx: 0x%llx\n", ++u->step, width,
	   (unsigned long long)taddr_of(u, p), (unsigned long long)v);
	return 0;
}

uint64_t atk_session_uncached_taddr(const struct atk_session *u, uint64_t taddr)
{
	void *p = sim_target_to_host(u->sim, taddr, 1);

	return p ? taddr_of(u, p) : taddr;
}
