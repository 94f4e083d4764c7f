/*
 * SOF main (12dd7265291c) as it is, with CONFIG_SOF_USERSPACE_LL: the
 * layouts sof-main, sof-main-oob and sof-main-fixed, and the kernel paths of
 * SOF main that read objects a user thread can write (docs/sof-ll.md has the
 * table: model function → SOF/Zephyr function).
 *
 *  - The LL heap buffer is a runtime allocation from a kernel heap
 *    (rballoc_align from sof_heap): what follows it is that heap's in-band
 *    chunk header, in kernel-only memory.
 *  - zephyr_domain_init allocates struct zephyr_domain from the user heap;
 *    ll_schedule_domain, zephyr_ll (one per core) and struct ipc_user too.
 *  - zephyr_domain_timer_fn (the timer ISR) reads domain_thread[core].handler
 *    and .sem there every tick and gives that semaphore.
 *  - ipc_user_forward_cmd (the kernel IPC task) writes the message into
 *    ipc_user and calls k_event_set / k_sem_take on pointers read there.
 *  - z_vrfy_sof_dma_get runs z_impl_sof_dma_get before any check; dma_init
 *    allocates the channel array from the heap named by the user-writable
 *    variable zephyr_ll_heap and writes into it.
 *  - user_ll_grant_access calls k_thread_access_grant(thread,
 *    zephyr_ll_locks[core]) with the array in the sysuser partition.
 *  - CONFIG_CORE_COUNT cores, each with its LL thread and domain slot.
 *
 * sof-main-oob moves only the heap metadata out of band; sof-main-fixed also
 * keeps every object above (and the DMA heap pointer, the lock array) in
 * kernel memory, reached from kernel-only pointers. Every kernel read goes
 * through sim_kread32, which records reads of user-writable memory.
 *
 * Objects are laid out with 32-bit target words, as on the DSP; pointers in
 * them are target addresses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_internal.h"

struct sof_domain_thread {
	uint32_t ll_thread;
	uint32_t sem;
	uint32_t handler;  /* non-zero: the core's LL is registered */
	uint32_t arg;
};
struct sof_zephyr_domain {
	uint32_t timer;
	struct sof_domain_thread domain_thread[LL_CORES_MAX];
	uint32_t ll_domain;
};
struct sof_ll_schedule_domain {
	uint32_t ops;      /* zephyr_domain_ops */
	uint32_t lock;
	uint32_t type;
	uint32_t priv_data; /* the zephyr_domain */
};
struct sof_zephyr_ll {
	uint32_t tasks_next, tasks_prev;
	uint32_t lock;
	uint32_t ll_domain;
	uint32_t heap;
	uint32_t n_tasks;
	uint32_t core;
};
struct sof_ipc_user {
	uint32_t sem;
	uint32_t event;
	uint32_t thread[LL_CORES_MAX];
	uint32_t ipc;
	uint32_t ipc_msg_pri, ipc_msg_ext;
	uint32_t result;
};
/* A k_event, as far as the model needs it. */
struct sof_k_event {
	uint32_t events;
	uint32_t wait_q[2];
};
/* The platform's DMA controller (kernel .data). */
struct sof_dma {
	uint32_t heap;      /* heap the channel array came from */
	uint32_t chan;      /* channel array, 0 before dma_init */
	uint32_t chan_count;
	uint32_t sref;
};
struct sof_dma_chan {
	uint32_t dma;
	uint32_t index;
	uint32_t status;
	uint32_t priv;
};
#define SOF_DMA_CHANNELS 4u

struct ll_sof {
	struct ll_env *env;
	bool fixed;
	unsigned cores;
	struct k_heap *sof_heap;
	struct sof_zephyr_domain *zd;
	struct sof_ll_schedule_domain *lld;
	struct sof_zephyr_ll *zll[LL_CORES_MAX];
	struct sof_ipc_user *ipc;
	uint32_t *locks;                 /* zephyr_ll_locks[cores] */
	uint32_t *dma_heap_var;          /* what dma_init reads: zephyr_ll_heap, or a kernel copy */
	void *domain_ops;                /* zephyr_domain_ops */
	struct k_spinlock *domain_lock;
	struct k_mutex *lock_obj[LL_CORES_MAX];
	struct k_sem *core_sem[LL_CORES_MAX];
	k_tid_t core_thread[LL_CORES_MAX];
	uint64_t core_ticks[LL_CORES_MAX];
	void (*core_action)(struct ll_env *env, unsigned core, void *ctx);
	void *core_action_ctx;
	unsigned core_action_core;
	struct k_sem *ipc_sem, *ipc_kick;
	struct sof_k_event *ipc_event;
	k_tid_t ipc_task;
	bool ipc_pending;
	struct sof_dma *dma;
	int sc_dma_get, sc_dma_put;
};

static uint32_t taddr(const struct ll_env *env, const void *p)
{
	return p ? sim_host_to_target(env->sim, p) : 0;
}

/* ---- placement: the user heap (sof-main, -oob) or kernel memory (-fixed) ---- */

static const struct sim_field no_fields[1];

/* An object SOF allocates with sof_heap_alloc(zephyr_ll_user_heap(), ...),
 * registered as kernel data so the audit and the oracles name it. */
static void *sof_object(struct ll_sof *sof, size_t bytes, const char *type, const char *name)
{
	struct ll_env *env = sof->env;
	void *p;

	if (sof->fixed) {
		p = sim_kobj_alloc(env->sim, bytes, 8, name);
	} else {
		/* from kernel context: the syscall's implementation runs directly */
		p = sof_heap_alloc(ll_env_heap(env), SOF_MEM_FLAG_USER, bytes, 0);
	}
	if (!p)
		return NULL;
	memset(p, 0, bytes);
	if (sim_kobj_register(env->sim, p, bytes, K_OBJ_DATA, type, name, no_fields, 0))
		return NULL;
	return p;
}

/* ---- setup: the heap buffer from a kernel heap ----------------------------- */

int ll_sof_setup(struct ll_env *env)
{
	size_t page = env->page, kbytes = env->cfg.heap_bytes + 4 * page;
	struct sys_heap_config hc;
	struct ll_sof *sof;
	void *kbuf;
	int err;

	if (env->cfg.word_bits != 32)
		return -EINVAL; /* SOF's DSPs are 32-bit */
	sof = calloc(1, sizeof(*sof));
	if (!sof)
		return -ENOMEM;
	env->sof = sof;
	sof->env = env;
	sof->cores = env->cfg.cores;
	sof->fixed = !env->layout->kobj_exposed;
	sof->sc_dma_get = sof->sc_dma_put = -1;

	/* sof_heap: SOF's kernel heap, in-band metadata in kernel memory */
	sof->sof_heap = sim_kobj_alloc(env->sim, sizeof(struct k_heap), 8, "sof_heap");
	kbuf = sim_region_alloc(env->sim, kbytes, "sof_heap_buf");
	if (!sof->sof_heap || !kbuf)
		return -ENOMEM;
	sys_heap_config_default(&hc);
	hc.hardening = env->cfg.hardening;
	sys_heap_config_profile(&hc, env->cfg.profile);
	err = k_heap_init_cfg(sof->sof_heap, kbuf, kbytes, &hc, "sof_heap");
	if (err)
		return err;
	/* rballoc_align(USER | COHERENT, size, PAGE): the LL heap buffer */
	env->buf = k_heap_aligned_alloc(sof->sof_heap, page, env->cfg.heap_bytes, K_NO_WAIT);
	if (!env->buf)
		return -ENOMEM;
	env->buf_bytes = env->cfg.heap_bytes;
	if (env->layout->meta_exposed) {
		env->heap = sim_kobj_alloc(env->sim, sizeof(struct k_heap), 8, "ll_heap");
		if (!env->heap)
			return -ENOMEM;
		err = ll_env_heap_init(env, sim_uncached(env->sim, env->buf), env->buf_bytes, "ll_heap");
	} else {
		err = ll_env_oob_attach(env);
	}
	if (!err)
		err = ll_env_share_buffer(env, env->buf, env->buf_bytes);
	return err;
}

void ll_sof_destroy(struct ll_env *env)
{
	free(env->sof);
	env->sof = NULL;
}

/* ---- the timer ISR: zephyr_domain_timer_fn ---------------------------------- */

/* The k_sem given for real, or NULL. A forged pointer (reported by the
 * oracle already) is followed as ll_sched_give_forged says. */
static struct k_sem *give_sem(struct ll_env *env, uint32_t sem_t, struct k_sem *expect)
{
	if (sem_t == taddr(env, expect)) {
		k_sem_give(expect);
		return expect;
	}
	return ll_sched_give_forged(env->sched, sem_t);
}

static void sof_timer_isr(struct ll_sched *s, void *ctx)
{
	struct ll_env *env = ctx;
	struct ll_sof *sof = env->sof;
	char what[64];
	bool gave = false; /* core 0's LL thread got its semaphore */

	/* the domain comes from the kernel k_timer's user data */
	for (unsigned core = 0; core < sof->cores; core++) {
		struct sof_domain_thread *dt = &sof->zd->domain_thread[core];
		uint32_t sem;

		snprintf(what, sizeof(what), "zephyr_domain.domain_thread[%u].handler", core);
		if (!sim_kread32(&dt->handler, "zephyr_domain_timer_fn", what, SIM_KREAD_VALUE,
				 SIM_KREAD_UNDECLARED, 1))
			continue;
		snprintf(what, sizeof(what), "zephyr_domain.domain_thread[%u].sem", core);
		sem = sim_kread32(&dt->sem, "zephyr_domain_timer_fn", what, SIM_KREAD_KOBJ,
				  SIM_KREAD_UNDECLARED, taddr(env, sof->core_sem[core]));
		gave |= give_sem(env, sem, sof->core_sem[core]) == sof->core_sem[0];
	}
	if (!gave)
		ll_sched_tick_ungiven(s);
}

/* ---- secondary cores' LL threads ---------------------------------------------- */

static void core_thread_entry(void *p1, void *p2, void *p3)
{
	struct ll_env *env = p1;
	unsigned core = (unsigned)(uintptr_t)p2;
	struct ll_sof *sof = env->sof;

	(void)p3;
	for (;;) {
		if (k_sem_take(sof->core_sem[core], K_FOREVER))
			continue;
		sof->core_ticks[core]++;
		if (sof->core_action && sof->core_action_core == core) {
			void (*fn)(struct ll_env *, unsigned, void *) = sof->core_action;

			sof->core_action = NULL;
			fn(env, core, sof->core_action_ctx);
		}
	}
}

static k_tid_t spawn_core(struct ll_env *env, unsigned core)
{
	struct sim_thread_params p;
	char name[32];

	snprintf(name, sizeof(name), "ll_thread_core%u", core);
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.entry = core_thread_entry;
	p.p1 = env;
	p.p2 = (void *)(uintptr_t)core;
	p.prio = -1;
	p.options = K_USER;
	p.domain = env->domain;
	p.delay = K_NO_WAIT;
	p.soft_rights = env->cfg.soft_rights; /* its user code: the core actions' sim_user_store */
	return sim_thread_create(env->sim, &p);
}

/* ---- boot: zephyr_domain_init, zephyr_ll_init_context, grants ---------------- */

/* user_ll_grant_access: an object-permission grant on the pointer read from
 * zephyr_ll_locks[core]. */
int ll_sof_core_grant(struct ll_env *env, unsigned core)
{
	struct ll_sof *sof = env ? env->sof : NULL;
	char what[48];
	uint32_t lock;
	void *obj;

	if (!sof)
		return -ENOTSUP;
	if (core >= sof->cores)
		return -EINVAL;
	snprintf(what, sizeof(what), "zephyr_ll_locks[%u]", core);
	lock = sim_kread32(&sof->locks[core], "user_ll_grant_access", what, SIM_KREAD_KOBJ,
			   SIM_KREAD_UNDECLARED, taddr(env, sof->lock_obj[core]));
	obj = sim_target_to_host(env->sim, lock, 1);
	if (obj)
		k_object_access_grant(obj, sof->core_thread[core]);
	return 0;
}

/* zephyr_ll_init_context for one core: follows sch->ll_domain and its ops
 * (domain_thread_init), fills the core's domain slot, grants access. */
static int init_core(struct ll_env *env, unsigned core)
{
	struct ll_sof *sof = env->sof;
	struct sof_zephyr_ll *sch;
	struct sof_domain_thread *dt;
	char name[32];
	uint32_t d;

	snprintf(name, sizeof(name), "zephyr_ll[%u]", core);
	sch = sof_object(sof, sizeof(*sch), "zephyr_ll", name);
	if (!sch)
		return -ENOMEM;
	sof->zll[core] = sch;
	sch->tasks_next = sch->tasks_prev = taddr(env, sch);
	sch->ll_domain = taddr(env, sof->lld);
	sch->heap = taddr(env, ll_env_heap(env));
	sch->core = core;

	snprintf(name, sizeof(name), "ll_lock_core%u", core);
	sof->lock_obj[core] = sim_kobj_alloc(env->sim, sizeof(struct k_mutex), 8, name);
	if (!sof->lock_obj[core] || k_mutex_init(sof->lock_obj[core]))
		return -ENOMEM;
	sch->lock = taddr(env, sof->lock_obj[core]);
	sof->locks[core] = taddr(env, sof->lock_obj[core]);

	if (core == 0) {
		sof->core_sem[0] = ll_sched_sem(env->sched);
		sof->core_thread[0] = ll_sched_thread(env->sched);
	} else {
		snprintf(name, sizeof(name), "ll_sem_core%u", core);
		sof->core_sem[core] = sim_kobj_alloc(env->sim, sizeof(struct k_sem), 8, name);
		if (!sof->core_sem[core] || k_sem_init(sof->core_sem[core], 0, 1))
			return -ENOMEM;
		sof->core_thread[core] = spawn_core(env, core);
		if (!sof->core_thread[core])
			return -ENOMEM;
		k_object_access_grant(sof->core_sem[core], sof->core_thread[core]);
	}

	/* what zephyr_ll_init_context follows: sch->ll_domain, domain->ops */
	d = sim_kread32(&sch->ll_domain, "zephyr_ll_init_context", "zephyr_ll.ll_domain",
			SIM_KREAD_POINTER, SIM_KREAD_UNDECLARED, taddr(env, sof->lld));
	if (d == taddr(env, sof->lld))
		(void)sim_kread32(&sof->lld->ops, "zephyr_ll_init_context",
				  "ll_schedule_domain.ops", SIM_KREAD_POINTER, SIM_KREAD_UNDECLARED,
				  taddr(env, sof->domain_ops));
	/* domain_thread_init (zephyr_domain_register): the core's slot */
	dt = &sof->zd->domain_thread[core];
	dt->ll_thread = taddr(env, sof->core_thread[core]);
	dt->sem = taddr(env, sof->core_sem[core]);
	dt->arg = taddr(env, sch);
	dt->handler = 1; /* zephyr_ll_run */
	(void)sim_kread32(&dt->sem, "zephyr_domain_register", "zephyr_domain.domain_thread.sem",
			  SIM_KREAD_KOBJ, SIM_KREAD_UNDECLARED, dt->sem);
	return ll_sof_core_grant(env, core);
}

/* ---- IPC: ipc_user_forward_cmd on the kernel IPC task -------------------------- */

static void ipc_forward(struct ll_env *env)
{
	struct ll_sof *sof = env->sof;
	struct sof_ipc_user *pdata = sof->ipc;
	uint32_t ev, sem;

	/* the kernel copies the message into ipc_user and writes its own pointer */
	pdata->ipc_msg_pri = 0x11000000u;
	pdata->ipc_msg_ext = 0;
	pdata->ipc = taddr(env, sof->ipc_task);
	ev = sim_kread32(&pdata->event, "ipc_user_forward_cmd", "ipc_user.event", SIM_KREAD_KOBJ,
			 SIM_KREAD_UNDECLARED, taddr(env, sof->ipc_event));
	if (ev == taddr(env, sof->ipc_event))
		sof->ipc_event->events |= 1u; /* k_event_set(pdata->event, IPC_USER_EVENT_CMD) */
	sem = sim_kread32(&pdata->sem, "ipc_user_forward_cmd", "ipc_user.sem", SIM_KREAD_KOBJ,
			  SIM_KREAD_UNDECLARED, taddr(env, sof->ipc_sem));
	/* k_sem_take(pdata->sem, timeout): the user thread's reply is not modelled,
	 * so the take does not wait */
	if (sem == taddr(env, sof->ipc_sem))
		(void)k_sem_take(sof->ipc_sem, K_NO_WAIT);
	(void)sim_kread32(&pdata->result, "ipc_user_forward_cmd", "ipc_user.result",
			  SIM_KREAD_VALUE, SIM_KREAD_UNDECLARED, 0);
}

static void ipc_task_entry(void *p1, void *p2, void *p3)
{
	struct ll_env *env = p1;

	(void)p2, (void)p3;
	for (;;) {
		if (k_sem_take(env->sof->ipc_kick, K_FOREVER))
			continue;
		ipc_forward(env);
		env->sof->ipc_pending = false;
	}
}

int ll_sof_ipc_forward(struct ll_env *env)
{
	struct ll_sof *sof = env ? env->sof : NULL;

	if (!sof)
		return -ENOTSUP;
	if (k_current_get())
		return -EINVAL;
	sof->ipc_pending = true;
	k_sem_give(sof->ipc_kick);
	sim_run(env->sim, sim_now_us(env->sim));
	return sof->ipc_pending ? -EIO : 0;
}

static int init_ipc(struct ll_env *env)
{
	struct ll_sof *sof = env->sof;
	struct sim_thread_params p;

	sof->ipc = sof_object(sof, sizeof(*sof->ipc), "ipc_user", "ipc_user");
	sof->ipc_sem = sim_kobj_alloc(env->sim, sizeof(struct k_sem), 8, "ipc_user sem");
	sof->ipc_kick = sim_kobj_alloc(env->sim, sizeof(struct k_sem), 8, "ipc_task kick");
	sof->ipc_event = sim_kobj_alloc(env->sim, sizeof(*sof->ipc_event), 8, "ipc_user event");
	if (!sof->ipc || !sof->ipc_sem || !sof->ipc_kick || !sof->ipc_event ||
	    k_sem_init(sof->ipc_sem, 0, 1) || k_sem_init(sof->ipc_kick, 0, 1) ||
	    sim_kobj_register(env->sim, sof->ipc_event, sizeof(*sof->ipc_event), K_OBJ_DATA,
			      "k_event", "ipc_user event", no_fields, 0))
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	p.name = "ipc_task";
	p.entry = ipc_task_entry;
	p.p1 = env;
	p.prio = 0;
	p.delay = K_NO_WAIT;
	sof->ipc_task = sim_thread_create(env->sim, &p);
	if (!sof->ipc_task)
		return -ENOMEM;
	sof->ipc->sem = taddr(env, sof->ipc_sem);
	sof->ipc->event = taddr(env, sof->ipc_event);
	sof->ipc->thread[0] = taddr(env, ll_sched_ipc_thread(env->sched));
	k_object_access_grant(sof->ipc_sem, ll_sched_ipc_thread(env->sched));
	return 0;
}

/* ---- DMA: sof_dma_get / sof_dma_put ---------------------------------------------- */

/* dma_init: the channel array from the heap sof_sys_user_heap_get() names,
 * allocated in kernel mode (no verifier), then zeroed and filled. */
static int dma_init(struct ll_env *env)
{
	struct ll_sof *sof = env->sof;
	uint32_t heap = sim_kread32(sof->dma_heap_var, "dma_init",
				    sof->fixed ? "kernel copy of the LL heap pointer"
					       : "zephyr_ll_heap (sof_sys_user_heap_get)",
				    SIM_KREAD_POINTER, SIM_KREAD_UNDECLARED, taddr(env, ll_env_heap(env)));
	struct sof_dma_chan *chan;

	if (heap != taddr(env, ll_env_heap(env)))
		return -EFAULT; /* a forged heap: reported by the oracle; not followed */
	/* SOF allocates the channel array from that (user) heap; a user thread can
	 * then free it behind the kernel's back (the free verifier checks no
	 * ownership). The fixed layout keeps this kernel state in the kernel heap. */
	chan = sof->fixed ? k_heap_alloc(sof->sof_heap, SOF_DMA_CHANNELS * sizeof(*chan), K_NO_WAIT)
			  : sof_heap_alloc(ll_env_heap(env), SOF_MEM_FLAG_USER | SOF_MEM_FLAG_COHERENT,
					   SOF_DMA_CHANNELS * sizeof(*chan), 0);
	if (!chan)
		return -ENOMEM;
	memset(chan, 0, SOF_DMA_CHANNELS * sizeof(*chan));
	for (unsigned i = 0; i < SOF_DMA_CHANNELS; i++) {
		chan[i].dma = taddr(env, sof->dma);
		chan[i].index = i;
	}
	sof->dma->heap = heap;
	sof->dma->chan = taddr(env, chan);
	sof->dma->chan_count = SOF_DMA_CHANNELS;
	return 0;
}

/* z_vrfy_sof_dma_get: the implementation first, then the check. */
static uintptr_t vrfy_then_impl_dma_get(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	struct ll_env *env = ctx;
	struct ll_sof *sof = env->sof;
	int err = 0;

	(void)a;
	if (!sof->dma->chan)
		err = dma_init(env);
	if (!err)
		sof->dma->sref++;
	/* the check after the fact: the handle is the platform's one DMA */
	return err ? (uintptr_t)(intptr_t)err : taddr(env, sof->dma);
}

static uintptr_t impl_dma_put(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	struct ll_env *env = ctx;
	struct ll_sof *sof = env->sof;
	void *chan;

	(void)a;
	if (!sof->dma->sref || --sof->dma->sref || !sof->dma->chan)
		return 0;
	/* frees through dma->heap (kernel memory) */
	chan = sim_target_to_host(env->sim, sof->dma->chan, 1);
	if (chan && sof->fixed)
		k_heap_free(sof->sof_heap, chan);
	else if (chan)
		sof_heap_free(ll_env_heap(env), chan);
	sof->dma->chan = 0;
	return 0;
}

static int no_check(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx, (void)a;
	return 0;
}

static void dma_footprint(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS], struct sim_footprint *fp)
{
	struct ll_env *env = ctx;

	(void)a;
	sim_footprint_add(fp, env->sof->dma, sizeof(*env->sof->dma));
	if (env->sof->fixed)
		sim_footprint_add_heap(fp, env->sof->sof_heap);
	if (env->oobk) {
		sim_footprint_add(fp, env->oobk, sizeof(*env->oobk));
		sim_footprint_add(fp, env->oob_meta, env->oob.meta_bytes);
		sim_footprint_add(fp, env->buf, env->buf_bytes);
	} else {
		sim_footprint_add_heap(fp, env->heap);
	}
}

static int init_dma(struct ll_env *env)
{
	struct ll_sof *sof = env->sof;
	struct sim_syscall_def def;

	sof->dma = sim_kobj_alloc(env->sim, sizeof(*sof->dma), 8, "dma0");
	if (!sof->dma || sim_kobj_register(env->sim, sof->dma, sizeof(*sof->dma), K_OBJ_DATA,
					   "dma", "dma0", no_fields, 0))
		return -ENOMEM;
	memset(&def, 0, sizeof(def));
	def.ctx = env;
	def.name = "sof_dma_get";
	def.nargs = 1;
	def.verify = no_check;
	def.impl = vrfy_then_impl_dma_get;
	def.footprint = dma_footprint;
	sof->sc_dma_get = sim_syscall_register(env->sim, &def);
	def.name = "sof_dma_put";
	def.impl = impl_dma_put;
	sof->sc_dma_put = sim_syscall_register(env->sim, &def);
	return sof->sc_dma_get < 0 || sof->sc_dma_put < 0 ? -ENOSPC : 0;
}

int ll_sof_dma_get(struct ll_env *env)
{
	if (!env || !env->sof)
		return -ENOTSUP;
	return (int)(intptr_t)sim_syscall(env->sof->sc_dma_get, 0, 0, 0, 0, 0, 0) < 0 ? -EIO : 0;
}

int ll_sof_dma_put(struct ll_env *env)
{
	if (!env || !env->sof)
		return -ENOTSUP;
	sim_syscall(env->sof->sc_dma_put, 0, 0, 0, 0, 0, 0);
	return 0;
}

/* ---- boot ------------------------------------------------------------------------ */

int ll_sof_boot(struct ll_env *env)
{
	struct ll_sof *sof = env->sof;
	uint8_t *sysuser = env->sysuser;
	int err;

	/* the sysuser partition: zephyr_ll_heap at 0 (ll_layouts.c), the lock
	 * array after it; the common partition's zephyr_domain_ops is modelled
	 * on the same page */
	if (sof->fixed) {
		sof->locks = sim_kobj_alloc(env->sim, 4 * LL_CORES_MAX, 8, "zephyr_ll_locks");
		sof->dma_heap_var = sim_kobj_alloc(env->sim, 4, 4, "dma heap pointer");
		sof->domain_ops = sim_kobj_alloc(env->sim, 32, 8, "zephyr_domain_ops");
		if (!sof->locks || !sof->dma_heap_var || !sof->domain_ops)
			return -ENOMEM;
		*sof->dma_heap_var = taddr(env, ll_env_heap(env));
	} else {
		sof->locks = (uint32_t *)(sysuser + 64);
		sof->dma_heap_var = env->heap_var;
		sof->domain_ops = sysuser + 128;
	}
	sof->domain_lock = sim_kobj_alloc(env->sim, sizeof(struct k_spinlock), 8, "ll domain lock");
	if (!sof->domain_lock)
		return -ENOMEM;

	/* zephyr_domain_init: the domain and the ll_schedule_domain */
	sof->zd = sof_object(sof, sizeof(*sof->zd), "zephyr_domain", "zephyr_domain");
	sof->lld = sof_object(sof, sizeof(*sof->lld), "ll_schedule_domain", "ll_schedule_domain");
	if (!sof->zd || !sof->lld)
		return -ENOMEM;
	sof->lld->ops = taddr(env, sof->domain_ops);
	sof->lld->lock = taddr(env, sof->domain_lock);
	sof->lld->priv_data = taddr(env, sof->zd);
	sof->zd->ll_domain = taddr(env, sof->lld);
	for (unsigned core = 0; core < sof->cores; core++) {
		err = init_core(env, core);
		if (err)
			return err;
	}
	err = init_ipc(env);
	if (!err)
		err = init_dma(env);
	if (err)
		return err;
	ll_sched_set_isr(env->sched, sof_timer_isr, env);
	return 0;
}

/* ---- objects by name (scenarios, fuzzing) ---------------------------------------- */

void *ll_sof_object(struct ll_env *env, const char *name, size_t *bytes)
{
	struct ll_sof *sof = env ? env->sof : NULL;
	struct {
		const char *name;
		void *p;
		size_t n;
	} t[LL_SOF_OBJECTS];

	if (!sof || !name)
		return NULL;
	t[0].name = "zephyr_domain", t[0].p = sof->zd, t[0].n = sizeof(*sof->zd);
	t[1].name = "ll_schedule_domain", t[1].p = sof->lld, t[1].n = sizeof(*sof->lld);
	t[2].name = "zephyr_ll", t[2].p = sof->zll[0], t[2].n = sizeof(*sof->zll[0]);
	t[3].name = "ipc_user", t[3].p = sof->ipc, t[3].n = sizeof(*sof->ipc);
	t[4].name = "zephyr_ll_heap", t[4].p = sof->dma_heap_var, t[4].n = 4;
	t[5].name = "zephyr_ll_locks", t[5].p = sof->locks, t[5].n = 4 * sof->cores;
	if (sof->fixed) /* the user's copy of the heap pointer stays in sysuser */
		t[4].p = env->heap_var;
	for (unsigned i = 0; i < LL_SOF_OBJECTS; i++)
		if (!strcmp(t[i].name, name)) {
			if (bytes)
				*bytes = t[i].n;
			return t[i].p;
		}
	return NULL;
}

int ll_sof_on_core(struct ll_env *env, unsigned core,
		   void (*fn)(struct ll_env *env, unsigned core, void *ctx), void *ctx)
{
	struct ll_sof *sof = env ? env->sof : NULL;

	if (!sof)
		return -ENOTSUP;
	if (core == 0 || core >= sof->cores || !fn)
		return -EINVAL;
	sof->core_action = fn;
	sof->core_action_ctx = ctx;
	sof->core_action_core = core;
	return 0;
}

uint64_t ll_sof_core_ticks(const struct ll_env *env, unsigned core)
{
	const struct ll_sof *sof = env ? env->sof : NULL;

	return sof && core < sof->cores ? sof->core_ticks[core] : 0;
}

static const char *const object_names[LL_SOF_OBJECTS] = {
	"zephyr_domain", "ll_schedule_domain", "zephyr_ll", "ipc_user", "zephyr_ll_heap", "zephyr_ll_locks",
};

const char *ll_sof_object_name(unsigned i)
{
	return i < LL_SOF_OBJECTS ? object_names[i] : NULL;
}

k_tid_t ll_sof_core_thread(const struct ll_env *env, unsigned core)
{
	const struct ll_sof *sof = env ? env->sof : NULL;

	return sof && core < sof->cores ? sof->core_thread[core] : NULL;
}

struct k_sem *ll_sof_core_sem(const struct ll_env *env, unsigned core)
{
	const struct ll_sof *sof = env ? env->sof : NULL;

	return sof && core < sof->cores ? sof->core_sem[core] : NULL;
}

const char *ll_sof_object_names(void)
{
	return "zephyr_domain, ll_schedule_domain, zephyr_ll, ipc_user, zephyr_ll_heap, "
	       "zephyr_ll_locks";
}

/* ---- the dynamic audit's run ------------------------------------------------------ */

static void dma_round_trip(void *arg)
{
	struct ll_env *env = arg;

	if (!ll_sof_dma_get(env))
		ll_sof_dma_put(env);
}

int ll_sof_exercise(struct ll_env *env, uint64_t ticks)
{
	struct ll_pipeline_result r;
	int err;

	if (!env || !env->sof)
		return -ENOTSUP;
	ll_sched_run_ticks(env->sched, ticks / 2 ? ticks / 2 : 1);
	err = ll_sof_ipc_forward(env);
	if (!err)
		err = ll_sched_ipc_call(env->sched, dma_round_trip, env);
	for (unsigned core = 1; !err && core < env->sof->cores; core++)
		err = ll_sof_core_grant(env, core); /* secondary-core bring-up */
	if (err)
		return err;
	return ll_pipeline_run(env, ticks - ticks / 2, &r) < 0 ? -EIO : 0;
}
