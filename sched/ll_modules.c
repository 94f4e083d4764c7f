/*
 * User-mode LL modules and the standard pipeline.
 *
 * Modules are LL tasks that only use the heap syscalls. Their own state is
 * simulator (host) memory, standing for the module's private user data; the
 * blocks they get live in the heap buffer. Where the layout lets user mode
 * touch the blocks, modules fill them with a pattern and check it on the next
 * period, so anything else writing into their blocks shows up as a data
 * error. On kernel-only they can only hold the pointers and pass them back.
 *
 * Module creation and teardown run on the IPC thread (user mode in the
 * user-space variant), as SOF's IPC handlers create and free modules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched_internal.h"

#define COPIER_PERIOD_BYTES 384  /* 48 frames x 2 channels x 32 bits */
#define RESIZER_MAX 2048
#define LEAKER_MAX_BLOCKS 128
#define VALIDATE_EVERY 256       /* ticks between kernel heap checks */
#define LEAKER_RESTART 500
#define COPIER_RESTART 1500

struct ll_module {
	struct ll_env *env;
	enum ll_module_kind kind;
	struct ll_task task;
	struct k_heap *heap;       /* the handle user code read from zephyr_ll_heap */
	uint32_t rng;
	bool touch;                /* may user mode read/write the blocks? */
	uint8_t *blk[LEAKER_MAX_BLOCKS];
	uint32_t len[LEAKER_MAX_BLOCKS];
	uint8_t seed[LEAKER_MAX_BLOCKS];
	unsigned n;
	uint32_t seq;
	struct ll_module_stats st;
};

const char *ll_module_kind_name(enum ll_module_kind k)
{
	switch (k) {
	case LL_MOD_COPIER:
		return "copier";
	case LL_MOD_RESIZER:
		return "resizer";
	case LL_MOD_LEAKER:
		return "leaker";
	}
	return "?";
}

static uint32_t rng_next(uint32_t *s)
{
	/* xorshift32: deterministic per seed */
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* ---- block helpers (user mode) --------------------------------------------
 * User code's accesses to the blocks are user accesses (sim_user_store,
 * sim_user_load): the thread's rights decide, and the LL threads can keep
 * page rights still (docs/sim.md, "Soft user rights"). */

#define PIECE 256

void ll_user_fill(uint8_t *p, size_t n, uint8_t seed)
{
	uint8_t b[PIECE];

	for (size_t at = 0; at < n; at += PIECE) {
		size_t k = n - at < PIECE ? n - at : PIECE;

		for (size_t i = 0; i < k; i++)
			b[i] = (uint8_t)(seed + (at + i) * 7u);
		sim_user_store(p + at, b, k);
	}
}

bool ll_user_intact(const uint8_t *p, size_t n, uint8_t seed)
{
	uint8_t b[PIECE];

	for (size_t at = 0; at < n; at += PIECE) {
		size_t k = n - at < PIECE ? n - at : PIECE;

		sim_user_load(b, p + at, k);
		for (size_t i = 0; i < k; i++)
			if (b[i] != (uint8_t)(seed + (at + i) * 7u))
				return false;
	}
	return true;
}

static void copy(uint8_t *to, const uint8_t *from, uint32_t n)
{
	uint8_t b[PIECE];

	for (uint32_t at = 0; at < n; at += PIECE) {
		uint32_t k = n - at < PIECE ? n - at : PIECE;

		sim_user_load(b, from + at, k);
		sim_user_store(to + at, b, k);
	}
}

/* Allocates slot i; false when the heap is out of room. */
static bool get_block(struct ll_module *m, unsigned i, uint32_t bytes, uint32_t flags)
{
	uint8_t *p = sof_heap_alloc(m->heap, SOF_MEM_FLAG_USER | flags, bytes, 0);

	if (!p) {
		m->st.alloc_failures++;
		return false;
	}
	m->st.allocs++;
	m->blk[i] = p;
	m->len[i] = bytes;
	m->seed[i] = (uint8_t)rng_next(&m->rng);
	if (m->touch)
		ll_user_fill(p, bytes, m->seed[i]);
	return true;
}

static void check_block(struct ll_module *m, unsigned i)
{
	if (m->touch && m->blk[i] && !ll_user_intact(m->blk[i], m->len[i], m->seed[i]))
		m->st.data_errors++;
}

static void put_block(struct ll_module *m, unsigned i)
{
	if (!m->blk[i])
		return;
	check_block(m, i);
	sof_heap_free(m->heap, m->blk[i]);
	m->st.frees++;
	m->blk[i] = NULL;
}

/* ---- the modules ---------------------------------------------------------- */

/* Period buffers at the first run (retried until they fit); each period
 * "copies" source to sink and checks both. */
static enum ll_task_state copier_run(struct ll_task *t, void *data)
{
	struct ll_module *m = data;

	(void)t;
	m->st.runs++;
	if (!m->blk[0] && !get_block(m, 0, COPIER_PERIOD_BYTES, 0))
		return LL_TASK_RESCHEDULE;
	if (!m->blk[1] && !get_block(m, 1, COPIER_PERIOD_BYTES, SOF_MEM_FLAG_COHERENT))
		return LL_TASK_RESCHEDULE;
	check_block(m, 0);
	check_block(m, 1);
	if (m->touch) {
		m->seed[0] = (uint8_t)++m->seq;
		ll_user_fill(m->blk[0], m->len[0], m->seed[0]);
		copy(m->blk[1], m->blk[0], m->len[0]);
		m->seed[1] = m->seed[0];
	}
	return LL_TASK_RESCHEDULE;
}

/* A buffer whose size changes every period: check, free, allocate anew. */
static enum ll_task_state resizer_run(struct ll_task *t, void *data)
{
	struct ll_module *m = data;
	uint32_t bytes = 16 + rng_next(&m->rng) % RESIZER_MAX;

	(void)t;
	m->st.runs++;
	put_block(m, 0);
	get_block(m, 0, bytes, (m->seq++ & 1) ? SOF_MEM_FLAG_COHERENT : 0);
	return LL_TASK_RESCHEDULE;
}

/* Keeps every block it gets (up to a cap) until it is cancelled. */
static enum ll_task_state leaker_run(struct ll_task *t, void *data)
{
	struct ll_module *m = data;

	(void)t;
	m->st.runs++;
	if (m->n)
		check_block(m, m->n - 1);
	if (m->n < LEAKER_MAX_BLOCKS && get_block(m, m->n, 24 + rng_next(&m->rng) % 232, 0))
		m->n++;
	return LL_TASK_RESCHEDULE;
}

/* ---- start / stop (IPC thread) -------------------------------------------- */

struct ipc_req {
	struct ll_module *m;
	int priority;
	int ret;
};

static void ipc_start(void *arg)
{
	struct ipc_req *r = arg;
	struct ll_module *m = r->m;
	static const ll_task_fn run[] = {
		[LL_MOD_COPIER] = copier_run,
		[LL_MOD_RESIZER] = resizer_run,
		[LL_MOD_LEAKER] = leaker_run,
	};

	m->heap = zephyr_ll_user_heap();
	r->ret = ll_task_init(&m->task, ll_module_kind_name(m->kind), r->priority, run[m->kind], m);
	if (!r->ret)
		r->ret = ll_schedule_task(m->env->sched, &m->task);
}

static void ipc_stop(void *arg)
{
	struct ipc_req *r = arg;
	struct ll_module *m = r->m;

	ll_schedule_task_cancel(m->env->sched, &m->task);
	ll_schedule_task_free(m->env->sched, &m->task);
	for (unsigned i = 0; i < LEAKER_MAX_BLOCKS; i++)
		put_block(m, i);
	m->n = 0;
	r->ret = 0;
}

struct ll_module *ll_module_start(struct ll_env *env, enum ll_module_kind kind, int priority,
				  uint32_t seed)
{
	struct ipc_req r = { 0 };
	struct ll_module *m;

	if (!env || (unsigned)kind > LL_MOD_LEAKER)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->env = env;
	m->kind = kind;
	m->rng = seed ? seed : 1;
	m->touch = env->layout->user_heap_access;
	r.m = m;
	r.priority = priority;
	if (ll_sched_ipc_call(env->sched, ipc_start, &r) || r.ret) {
		free(m);
		return NULL;
	}
	return m;
}

int ll_module_stop(struct ll_env *env, struct ll_module *m)
{
	struct ipc_req r = { 0 };
	int err;

	if (!env || !m)
		return -EINVAL;
	r.m = m;
	err = ll_sched_ipc_call(env->sched, ipc_stop, &r);
	free(m);
	return err ? -EIO : r.ret;
}

/* ---- the pipeline ---------------------------------------------------------- */

enum { P_COPIER_A, P_COPIER_B, P_RESIZER, P_LEAKER, P_COUNT };

static const struct {
	enum ll_module_kind kind;
	int prio;
} pipeline_def[P_COUNT] = {
	[P_COPIER_A] = { LL_MOD_COPIER, 0 },
	[P_COPIER_B] = { LL_MOD_COPIER, 1 },
	[P_RESIZER] = { LL_MOD_RESIZER, 1 },
	[P_LEAKER] = { LL_MOD_LEAKER, 2 },
};

static void tally(struct ll_pipeline_result *r, const struct ll_module *m)
{
	if (m)
		r->data_errors += m->st.data_errors;
}

static int restart(struct ll_env *env, struct ll_module **mods, int i, uint32_t seed,
		   struct ll_pipeline_result *r)
{
	tally(r, mods[i]);
	if (ll_module_stop(env, mods[i]))
		return -EIO;
	mods[i] = ll_module_start(env, pipeline_def[i].kind, pipeline_def[i].prio, seed);
	r->module_restarts++;
	return mods[i] ? 0 : -EIO;
}

/* After a finding: take the task off the scheduler from the kernel side
 * without running more module code, and drop the module. */
static void abandon(struct ll_env *env, struct ll_module *m)
{
	ll_schedule_task_cancel(env->sched, &m->task);
	ll_schedule_task_free(env->sched, &m->task);
	free(m);
}

static bool stopped(struct ll_env *env)
{
	struct ll_sched_stats ss;
	size_t nf;

	sim_findings(env->sim, &nf);
	ll_sched_stats_get(env->sched, &ss);
	return nf || !ss.ll_thread_alive || !ss.ipc_thread_alive;
}

static uint64_t next_event(uint64_t done, uint64_t every)
{
	return (done / every + 1) * every;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ll_pipeline_run(struct ll_env *env, uint64_t ticks, struct ll_pipeline_result *out)
{
	struct ll_module *mods[P_COUNT] = { 0 };
	struct ll_sched_stats ss, ss0;
	struct ll_heap_stats hs, hs0;
	double t0 = now_seconds();
	uint64_t done = 0;
	int err = 0, i;

	if (!env || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ll_sched_stats_get(env->sched, &ss0);
	/* blocks the kernel allocated before the run (SOF main's domain objects) stay */
	ll_env_heap_stats(env, &hs0);
	for (i = 0; i < P_COUNT && !err; i++) {
		mods[i] = ll_module_start(env, pipeline_def[i].kind, pipeline_def[i].prio,
					  0x1000u + (uint32_t)i);
		err = mods[i] ? 0 : -EIO;
	}
	while (!err && done < ticks && !stopped(env)) {
		uint64_t stop = ticks, e;

		e = next_event(done, VALIDATE_EVERY);
		stop = e < stop ? e : stop;
		e = next_event(done, LEAKER_RESTART);
		stop = e < stop ? e : stop;
		e = next_event(done, COPIER_RESTART);
		stop = e < stop ? e : stop;
		if (ll_sched_run_ticks(env->sched, stop - done) == 0)
			break;
		ll_sched_stats_get(env->sched, &ss);
		done = ss.ticks_processed - ss0.ticks_processed;
		if (stopped(env))
			break;
		if (done % VALIDATE_EVERY == 0 && !ll_env_validate(env))
			break;
		if (done < ticks && done % LEAKER_RESTART == 0)
			err = restart(env, mods, P_LEAKER, (uint32_t)done, out);
		if (!err && done < ticks && done % COPIER_RESTART == 0)
			err = restart(env, mods, P_COPIER_B, (uint32_t)done, out);
	}
	/* tear everything down, then the heap must be empty and consistent */
	for (i = 0; i < P_COUNT; i++) {
		tally(out, mods[i]);
		if (!mods[i])
			continue;
		if (stopped(env))
			abandon(env, mods[i]);
		else if (ll_module_stop(env, mods[i]))
			err = err ? err : -EIO;
	}
	out->heap_valid = ll_env_validate(env);

	ll_sched_stats_get(env->sched, &ss);
	ll_env_heap_stats(env, &hs);
	out->ticks = done;
	out->stop_ticks = ss.ticks_processed - ss0.ticks_processed - done;
	out->task_runs = ss.task_runs - ss0.task_runs;
	out->allocs = hs.allocs - hs0.allocs;
	out->frees = hs.frees - hs0.frees;
	out->alloc_failures = hs.alloc_failures - hs0.alloc_failures;
	out->peak_bytes = hs.peak;
	out->heap_bytes = env->buf_bytes;
	out->leaked = hs.live_blocks != hs0.live_blocks;
	sim_findings(env->sim, &out->findings);
	out->seconds = now_seconds() - t0;
	if (err && !out->findings)
		return err;
	return out->findings || out->leaked || !out->heap_valid || out->data_errors ||
			       out->ticks < ticks
		       ? 1
		       : 0;
}
