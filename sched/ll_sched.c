/*
 * The LL scheduler: SOF's zephyr_ll (user-space variant) on the simulator.
 *
 * The task-list rules (order, one tick's run, schedule/cancel/free from
 * inside a task) are ll_core.c's, shared with the Xtensa target; this file
 * adds what needs the simulator (docs/sof-ll.md):
 *  - the LL lock: a k_mutex held while tasks run in the user-space variant;
 *    in the kernel variant it is dropped around each task, as SOF does;
 *  - the timer domain whose ISR gives the semaphore the LL thread takes;
 *  - free waits (up to 100 periods) for a task that is running, or cancelled
 *    after having run, to be completed by the LL thread;
 *  - the IPC thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched_internal.h"

#define FREE_WAIT_PERIODS 100 /* SOF: LL_TIMER_PERIOD_US * 100 */
#define IPC_TIMEOUT_TICKS 1000

struct ll_sched {
	struct sim *sim;
	struct ll_sched_config cfg;
	struct ll_sched_kdata *kdata;    /* kernel memory */
	uint32_t kdata_sem;              /* what the kernel wrote there */
	bool kdata_reported;
	struct k_sem *sem;
	struct k_mutex *lock;
	struct k_sem *ipc_sem;
	k_tid_t thread, ipc;
	int timer;
	bool started, stopping;

	struct ll_core core;             /* the task list and its rules */
	uint64_t processed;
	uint64_t ungiven;                /* ticks whose ISR did not give sem */
	bool isr_faulted;                /* a forged give faulted: the kernel is dead */

	void (*ipc_fn)(void *arg);
	void *ipc_arg;
	bool ipc_busy, ipc_done;
};

#define F(member, name) \
	{ (uint32_t)offsetof(struct ll_sched_kdata, member), \
	  (uint32_t)sizeof(((struct ll_sched_kdata *)0)->member), name, NULL }
static const struct sim_field kdata_fields[] = {
	F(ticks, "ticks"),         F(sem, "sem"),          F(lock, "lock"),
	F(thread, "thread"),       F(period_us, "period_us"), F(handler, "handler"),
	F(arg, "arg"),
};
#undef F

void ll_sched_config_default(struct ll_sched_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->period_us = 1000;
	cfg->user_space = true;
	cfg->thread_prio = -1;
}

/* ---- the LL lock -------------------------------------------------------- */

/*
 * Threads take the k_mutex (recursive, so ops from inside a task work). The
 * main context stands for SOF's kernel-side IPC path: it only runs while
 * every thread is switched out, which never happens inside a locked section
 * here (nothing in it pends), so it needs no lock.
 */
static void ll_lock(struct ll_sched *s)
{
	if (k_current_get())
		k_mutex_lock(s->lock, K_FOREVER);
}

static void ll_unlock(struct ll_sched *s)
{
	if (k_current_get())
		k_mutex_unlock(s->lock);
}

/* ---- task ops ------------------------------------------------------------ */

/* sched.h's return values for the core's outcomes */
static int core_errno(enum ll_core_status st)
{
	switch (st) {
	case LL_CORE_OK:
		return 0;
	case LL_CORE_EXISTS:
		return -EEXIST;
	case LL_CORE_DEADLK:
		return -EDEADLK;
	case LL_CORE_BUSY:
		return -EBUSY;
	case LL_CORE_INVALID:
		break;
	}
	return -EINVAL;
}

int ll_task_init(struct ll_task *t, const char *name, int priority, ll_task_fn run, void *data)
{
	return core_errno(ll_core_task_init(t, name, priority, run, data));
}

int ll_schedule_task(struct ll_sched *s, struct ll_task *t)
{
	int ret;

	if (!s || !t)
		return -EINVAL;
	ll_lock(s);
	ret = core_errno(ll_core_schedule(&s->core, t));
	ll_unlock(s);
	return ret;
}

int ll_schedule_task_cancel(struct ll_sched *s, struct ll_task *t)
{
	if (!s || !t)
		return -EINVAL;
	ll_lock(s);
	ll_core_cancel(&s->core, t);
	ll_unlock(s);
	return 0;
}

/* Lets virtual time pass for one period, from any context. */
static void wait_one_period(struct ll_sched *s)
{
	if (k_current_get())
		k_sleep(K_USEC(s->cfg.period_us));
	else
		sim_run(s->sim, sim_now_us(s->sim) + s->cfg.period_us);
}

int ll_schedule_task_free(struct ll_sched *s, struct ll_task *t)
{
	bool must_wait;

	if (!s || !t)
		return -EINVAL;
	ll_lock(s);
	must_wait = ll_core_free_begin(&s->core, t);
	ll_unlock(s);

	/* SOF waits on a per-task semaphore that task completion gives;
	 * polling each period gives the same outcome in virtual time. */
	for (unsigned i = 0; must_wait && i < FREE_WAIT_PERIODS && t->state != LL_TASK_FREE; i++)
		wait_one_period(s);

	ll_lock(s);
	if (must_wait && t->state != LL_TASK_FREE)
		fprintf(stderr, "ll_sched: task %s still active on free (state %s)\n", t->name,
			ll_task_state_name(t->state));
	ll_core_free_end(&s->core, t, must_wait);
	ll_unlock(s);
	return 0;
}

/* ---- one tick ------------------------------------------------------------ */

/* The core's call into a task: the kernel variant drops the lock around it. */
static enum ll_task_state call_task(void *ctx, struct ll_task *t)
{
	struct ll_sched *s = ctx;
	enum ll_task_state st;

	if (!s->cfg.user_space)
		ll_unlock(s);
	st = t->run(t, t->data);
	if (!s->cfg.user_space)
		ll_lock(s);
	return st;
}

/* SOF panics where the core finds its bookkeeping broken: so does the model. */
static void core_bug(void *ctx, const struct ll_task *t, const char *what)
{
	(void)ctx;
	fprintf(stderr, "ll_sched: %s (task %s)\n", what, t->name);
	abort();
}

static void ll_run(struct ll_sched *s)
{
	ll_lock(s);
	ll_core_tick(&s->core);
	ll_unlock(s);
}

static void ll_thread_entry(void *p1, void *p2, void *p3)
{
	struct ll_sched *s = p1;

	(void)p2, (void)p3;
	for (;;) {
		if (k_sem_take(s->sem, K_FOREVER))
			continue;
		if (s->stopping)
			return;
		ll_run(s);
		s->processed++;
	}
}

static void ipc_thread_entry(void *p1, void *p2, void *p3)
{
	struct ll_sched *s = p1;

	(void)p2, (void)p3;
	for (;;) {
		if (k_sem_take(s->ipc_sem, K_FOREVER))
			continue;
		if (s->stopping)
			return;
		if (s->ipc_fn)
			s->ipc_fn(s->ipc_arg);
		s->ipc_done = true;
	}
}

/* ---- the timer domain ---------------------------------------------------- */

/* What a forged semaphore pointer names, for the report: a k_sem the user
 * lays out (Zephyr's k_sem_give then works on the user's wait queue and
 * count), other kernel memory, or nothing mapped. */
static void describe_forged_sem(const struct ll_sched *s, uint32_t sem, char *buf, size_t len)
{
	const void *p = sim_target_to_host(s->sim, sem, SIM_K_SEM_TARGET_BYTES);
	char where[96], who[64];

	if (!p) {
		snprintf(buf, len, "nothing mapped there");
		return;
	}
	sim_describe_addr(s->sim, p, where, sizeof(where));
	if (sim_user_writable(s->sim, p, SIM_K_SEM_TARGET_BYTES, who, sizeof(who)))
		snprintf(buf, len, "user-writable (%.60s): %.100s", who, where);
	else
		snprintf(buf, len, "kernel memory: %.100s", where);
}

static void report_forged_sem(struct ll_sched *s)
{
	struct sim_finding f;
	char names[256];

	memset(&f, 0, sizeof(f));
	f.kind = SIM_FINDING_KOBJ_CHANGED;
	describe_forged_sem(s, s->kdata->sem, names, sizeof(names));
	snprintf(f.message, sizeof(f.message),
		 "timer ISR would give a k_sem at 0x%08x, an address it did not set (read from "
		 "ll_sched domain.sem, kernel wrote 0x%08x): %.120s",
		 (unsigned)s->kdata->sem, (unsigned)s->kdata_sem, names);
	snprintf(f.object, sizeof(f.object), "ll_sched domain");
	snprintf(f.object_type, sizeof(f.object_type), "ll_sched_domain");
	snprintf(f.field, sizeof(f.field), "sem");
	f.taddr = sim_host_to_target(s->sim, &s->kdata->sem);
	f.view = SIM_VIEW_CACHED;
	f.offset = offsetof(struct ll_sched_kdata, sem);
	f.nbytes = 4;
	memcpy(f.old_bytes, &s->kdata_sem, 4);
	memcpy(f.new_bytes, &s->kdata->sem, 4);
	snprintf(f.thread_name, sizeof(f.thread_name), "timer ISR");
	f.time_us = sim_now_us(s->sim);
	sim_report_finding(s->sim, &f);
}

/* Kernel context, like SOF's timer ISR: count the tick, give the semaphore
 * whose address the domain object holds. */
static void ll_timer_fn(struct sim *sim, void *arg)
{
	struct ll_sched *s = arg;

	(void)sim;
	s->kdata->ticks++;
	if (s->cfg.isr) {
		s->cfg.isr(s, s->cfg.isr_ctx);
		return;
	}
	if (s->kdata->sem != s->kdata_sem) {
		/* the kernel follows a pointer it did not write: report it once */
		if (!s->kdata_reported)
			report_forged_sem(s);
		s->kdata_reported = true;
		if (ll_sched_give_forged(s, s->kdata->sem) != s->sem)
			s->ungiven++;
		return;
	}
	k_sem_give(s->sem);
}

struct k_sem *ll_sched_give_forged(struct ll_sched *s, uint32_t sem)
{
	struct sim_kobj_info info;
	size_t in;
	void *p = sim_target_to_host(s->sim, sem, SIM_K_SEM_TARGET_BYTES);

	if (!p || s->isr_faulted)
		return NULL;
	if (sim_kobj_find(s->sim, p, &info, &in) && info.type == K_OBJ_SEM && !in) {
		/* the object's own view: the simulator keys its wait queues by it */
		struct k_sem *k = sim_target_to_host(s->sim, info.taddr, sizeof(*k));

		if (k)
			k_sem_give(k);
		return k;
	}
	if (sim_user_writable(s->sim, p, SIM_K_SEM_TARGET_BYTES, NULL, 0) &&
	    !sim_k_sem_give_at(s->sim, sem, "zephyr_domain_timer_fn"))
		s->isr_faulted = true;
	return NULL;
}

/* ---- lifetime ------------------------------------------------------------ */

static k_tid_t spawn(struct ll_sched *s, const char *name, k_thread_entry_t entry, int prio)
{
	struct sim_thread_params p;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.entry = entry;
	p.p1 = s;
	p.prio = prio;
	p.options = s->cfg.user_space ? K_USER : 0;
	p.domain = s->cfg.user_space ? s->cfg.domain : NULL;
	p.delay = K_NO_WAIT;
	p.soft_rights = s->cfg.soft_rights;
	return sim_thread_create(s->sim, &p);
}

static void grant(struct ll_sched *s, k_tid_t t)
{
	k_object_access_grant(s->sem, t);
	k_object_access_grant(s->lock, t);
	k_object_access_grant(s->ipc_sem, t);
}

static int kernel_objects(struct ll_sched *s)
{
	struct sim *sim = s->sim;
	int err;

	if (!s->kdata)
		s->kdata = sim_kobj_alloc(sim, sizeof(*s->kdata), 8, "ll_sched domain");
	s->sem = sim_kobj_alloc(sim, sizeof(*s->sem), 8, "ll_sched sem");
	s->lock = sim_kobj_alloc(sim, sizeof(*s->lock), 8, "ll_sched lock");
	s->ipc_sem = sim_kobj_alloc(sim, sizeof(*s->ipc_sem), 8, "ll_ipc sem");
	if (!s->kdata || !s->sem || !s->lock || !s->ipc_sem)
		return -ENOMEM;
	err = sim_kobj_register(sim, s->kdata, sizeof(*s->kdata), K_OBJ_DATA, "ll_sched_domain",
				"ll_sched domain", kdata_fields,
				sizeof(kdata_fields) / sizeof(kdata_fields[0]));
	if (err)
		return err;
	if (k_sem_init(s->sem, 0, 1) || k_mutex_init(s->lock) || k_sem_init(s->ipc_sem, 0, 1))
		return -EINVAL;
	return 0;
}

struct ll_sched *ll_sched_create(struct sim *sim, const struct ll_sched_config *cfg)
{
	struct ll_sched *s;
	int err;

	if (!sim || (cfg && cfg->user_space && !cfg->domain) || (cfg && !cfg->period_us)) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->sim = sim;
	if (cfg)
		s->cfg = *cfg;
	else
		ll_sched_config_default(&s->cfg);
	s->kdata = s->cfg.kdata;
	s->timer = -1;
	ll_core_init(&s->core);
	s->core.call = call_task;
	s->core.bug = core_bug;
	s->core.ctx = s;

	err = kernel_objects(s);
	if (!err) {
		s->thread = spawn(s, "ll_thread", ll_thread_entry, s->cfg.thread_prio);
		s->ipc = spawn(s, "ipc_thread", ipc_thread_entry, s->cfg.thread_prio + 1);
		if (!s->thread || !s->ipc)
			err = -ENOMEM;
	}
	if (err) {
		if (s->thread)
			k_thread_abort(s->thread);
		if (s->ipc)
			k_thread_abort(s->ipc);
		free(s);
		errno = -err;
		return NULL;
	}
	grant(s, s->thread);
	grant(s, s->ipc);

	/* what the kernel writes into the domain object at init */
	s->kdata_sem = sim_host_to_target(sim, s->sem);
	s->kdata->sem = s->kdata_sem;
	s->kdata->lock = sim_host_to_target(sim, s->lock);
	s->kdata->thread = sim_host_to_target(sim, s->thread);
	s->kdata->period_us = s->cfg.period_us;
	s->kdata->handler = 1; /* "zephyr_ll_run" */
	s->kdata->arg = 0;
	return s;
}

int ll_sched_start(struct ll_sched *s)
{
	uint64_t now;

	if (!s || s->started)
		return -EINVAL;
	now = sim_now_us(s->sim);
	s->timer = sim_timer_start(s->sim, now + s->cfg.period_us, s->cfg.period_us, ll_timer_fn, s);
	if (s->timer < 0)
		return s->timer;
	s->started = true;
	/* let both threads reach their semaphores before the first tick */
	sim_run(s->sim, now);
	return 0;
}

void ll_sched_destroy(struct ll_sched *s)
{
	if (!s)
		return;
	s->stopping = true;
	if (s->timer >= 0)
		sim_timer_stop(s->sim, s->timer);
	if (sim_current() == s->sim) {
		k_thread_abort(s->thread);
		k_thread_abort(s->ipc);
	}
	free(s);
}

/* ---- running ------------------------------------------------------------- */

static bool alive(const struct ll_sched *s, k_tid_t t)
{
	enum sim_thread_state st = sim_thread_state(s->sim, t);

	return st != SIM_THREAD_EXITED && st != SIM_THREAD_OOPSED && st != SIM_THREAD_ABORTED;
}

void ll_sched_tick_ungiven(struct ll_sched *s)
{
	if (s)
		s->ungiven++;
}

/* A tick is the LL thread's run, or a timer expiry whose ISR gave it nothing
 * (a forged semaphore): either way one period, so `tick N` is N ISR runs. */
uint64_t ll_sched_run_ticks(struct ll_sched *s, uint64_t n)
{
	uint64_t start, ungiven0, done = 0, last;
	unsigned stalls = 0;

	if (!s || !s->started)
		return 0;
	start = s->processed;
	ungiven0 = s->ungiven;
	while (done < n && alive(s, s->thread)) {
		enum sim_run_result r;

		last = done;
		r = sim_run(s->sim, sim_now_us(s->sim) + (n - done) * s->cfg.period_us);
		done = (s->processed - start) + (s->ungiven - ungiven0);
		if (r == SIM_RUN_BUDGET || r == SIM_RUN_STOPPED || r == SIM_RUN_IDLE)
			break;
		/* no progress twice in a row: ticks are not getting through */
		stalls = done == last ? stalls + 1 : 0;
		if (stalls >= 2)
			break;
	}
	return s->processed - start;
}

int ll_sched_ipc_call(struct ll_sched *s, void (*fn)(void *arg), void *arg)
{
	uint64_t deadline;

	if (!s || !fn || s->ipc_busy || k_current_get())
		return -EINVAL;
	if (!alive(s, s->ipc))
		return -EIO;
	s->ipc_fn = fn;
	s->ipc_arg = arg;
	s->ipc_done = false;
	s->ipc_busy = true;
	k_sem_give(s->ipc_sem);
	deadline = sim_now_us(s->sim) + (uint64_t)IPC_TIMEOUT_TICKS * s->cfg.period_us;
	/* first without letting time pass, then a period at a time */
	sim_run(s->sim, sim_now_us(s->sim));
	while (!s->ipc_done && alive(s, s->ipc) && sim_now_us(s->sim) < deadline) {
		enum sim_run_result r = sim_run(s->sim, sim_now_us(s->sim) + s->cfg.period_us);

		if (r == SIM_RUN_BUDGET || r == SIM_RUN_STOPPED || r == SIM_RUN_IDLE)
			break;
	}
	s->ipc_busy = false;
	if (s->ipc_done)
		return 0;
	return alive(s, s->ipc) ? -ETIMEDOUT : -EIO;
}

void ll_sched_stats_get(const struct ll_sched *s, struct ll_sched_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	out->ticks = s->kdata->ticks;
	out->ticks_processed = s->processed;
	out->task_runs = s->core.task_runs;
	out->n_tasks = s->core.n_tasks;
	out->ll_thread_alive = alive(s, s->thread);
	out->ipc_thread_alive = alive(s, s->ipc);
}

k_tid_t ll_sched_thread(const struct ll_sched *s)
{
	return s ? s->thread : NULL;
}

k_tid_t ll_sched_ipc_thread(const struct ll_sched *s)
{
	return s ? s->ipc : NULL;
}

struct ll_sched_kdata *ll_sched_kdata(const struct ll_sched *s)
{
	return s ? s->kdata : NULL;
}

struct k_sem *ll_sched_sem(const struct ll_sched *s)
{
	return s ? s->sem : NULL;
}

void ll_sched_set_isr(struct ll_sched *s, void (*isr)(struct ll_sched *s, void *ctx), void *ctx)
{
	if (s) {
		s->cfg.isr = isr;
		s->cfg.isr_ctx = ctx;
	}
}

