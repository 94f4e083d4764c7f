/*
 * fuzz_ll_sched: bytes → a layout, then main-context scheduler operations on
 * up to eight tasks (create + schedule, schedule again, cancel, free) and
 * tick advances. Each task is a small module: on the LL thread, in user
 * mode, it allocates a block through sof_heap_alloc on its first run, checks
 * and refreshes its contents every run, resizes it now and then, and frees
 * it when it completes.
 *
 * Oracles, against a model of SOF's zephyr_ll list (docs/sof-ll.md):
 *   - every tick runs exactly the live tasks, each once, in list order:
 *     priority, FIFO within a priority (inserted after every task of equal or
 *     more urgent priority; a revived cancelled task keeps its place);
 *   - a task's data is never changed by anyone else;
 *   - no finding from the simulator;
 *   - after every task is cancelled and freed and its block released, the
 *     heap is as empty as at the start and validates.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define NTASKS 8
#define MAX_OPS 48
#define MAX_TICKS 48

struct mtask {
	struct ll_task task;
	struct llrun *run;         /* back pointer for the log */
	int id;
	int prio;
	bool created, freed;
	/* model */
	bool listed;               /* on the model's list */
	bool cancelled;
	bool ran_since_queued;     /* SOF state RUNNING rather than QUEUED */
	bool ever_ran;             /* SOF pdata->run */
	uint64_t order;            /* insertion sequence, for FIFO */
	/* behaviour */
	unsigned complete_after;   /* complete on this run (0: never) */
	size_t bytes;
	uint8_t *block;
	uint32_t seed;
	bool data_error;
};

struct llrun {
	struct ll_env *env;
	struct ll_sched *sched;
	bool user_heap;            /* the layout lets tasks touch their blocks */
	struct mtask t[NTASKS];
	int log[NTASKS * 2];
	unsigned nlog;
	uint64_t seq;
	const struct fuzz_opts *o;
	struct fuzz_result *res;
	unsigned long op;
	size_t findings_seen;
};

static void tr(struct llrun *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tr(struct llrun *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->o->trace)
		return;
	va_start(ap, fmt);
	vfprintf(r->o->trace, fmt, ap);
	va_end(ap);
}

static bool finding(struct llrun *r, enum sim_finding_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool finding(struct llrun *r, enum sim_finding_kind k, const char *fmt, ...)
{
	struct atk_finding *f = &r->res->finding;
	va_list ap;

	if (r->res->found)
		return false;
	r->res->found = true;
	f->kind = k;
	f->op = (long)r->op;
	snprintf(f->object, sizeof(f->object), "ll_sched");
	snprintf(f->layout, sizeof(f->layout), "%s", ll_env_config(r->env)->layout);
	snprintf(f->hardening, sizeof(f->hardening), "%s",
		 sys_heap_hardening_name(ll_env_config(r->env)->hardening));
	snprintf(f->profile, sizeof(f->profile), "%s",
		 sys_heap_profile_name(ll_env_config(r->env)->profile));
	f->word_bits = ll_env_config(r->env)->word_bits;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	tr(r, "   !! %s\n", f->message);
	return false;
}

/* ---- the task (LL thread, user mode) ---- */

/* The block is touched as user code touches it (ll_user_fill: the modules'
 * own pattern), seeded per task and per block, so that one task's bytes in
 * another's block do not pass. */
static uint8_t block_seed(const struct mtask *m)
{
	return (uint8_t)(m->seed * 37u + (uint32_t)m->id);
}

static void fill(struct mtask *m)
{
	if (m->block)
		ll_user_fill(m->block, m->bytes, block_seed(m));
}

static bool intact(const struct mtask *m)
{
	return !m->block || ll_user_intact(m->block, m->bytes, block_seed(m));
}

static void get_block(struct mtask *m, bool touch)
{
	m->block = sof_heap_alloc(zephyr_ll_user_heap(), SOF_MEM_FLAG_USER, m->bytes, 0);
	m->seed++;
	if (touch)
		fill(m);
}

static void put_block(struct mtask *m)
{
	if (m->block)
		sof_heap_free(zephyr_ll_user_heap(), m->block);
	m->block = NULL;
}

static enum ll_task_state task_run(struct ll_task *t, void *data)
{
	struct mtask *m = data;
	struct llrun *r = m->run;

	if (r->nlog < sizeof(r->log) / sizeof(r->log[0]))
		r->log[r->nlog++] = m->id;
	if (r->user_heap && !intact(m))
		m->data_error = true;
	if (!m->block)
		get_block(m, r->user_heap);
	else if (t->runs % 3 == 2) { /* a module whose buffer changes size */
		put_block(m);
		m->bytes = m->bytes % 700 + 40;
		get_block(m, r->user_heap);
	}
	if (m->complete_after && t->runs + 1 >= m->complete_after) {
		put_block(m);
		return LL_TASK_COMPLETED;
	}
	return LL_TASK_RESCHEDULE;
}

/* ---- the model's list ---- */

static void model_insert(struct llrun *r, struct mtask *m)
{
	m->listed = true;
	m->cancelled = false;
	m->ran_since_queued = false;
	m->order = ++r->seq;
}

/* Expected run order: listed, not cancelled, by (priority, insertion). */
static unsigned expected(struct llrun *r, int *out)
{
	unsigned n = 0;

	for (int i = 0; i < NTASKS; i++)
		if (r->t[i].listed && !r->t[i].cancelled)
			out[n++] = i;
	for (unsigned a = 1; a < n; a++)
		for (unsigned b = a; b > 0; b--) {
			struct mtask *x = &r->t[out[b - 1]], *y = &r->t[out[b]];

			if (x->prio < y->prio || (x->prio == y->prio && x->order < y->order))
				break;
			int tmp = out[b - 1];
			out[b - 1] = out[b];
			out[b] = tmp;
		}
	return n;
}

static bool sim_clean(struct llrun *r)
{
	size_t n;
	const struct sim_finding *f = sim_findings(ll_env_sim(r->env), &n);

	if (n > r->findings_seen) {
		char line[320];

		sim_finding_format(&f[r->findings_seen], line, sizeof(line));
		return finding(r, SIM_FINDING_HARNESS, "the simulator reported a finding for benign modules: %s",
			       line);
	}
	return true;
}

static uint64_t ticks_processed(struct llrun *r)
{
	struct ll_sched_stats st;

	ll_sched_stats_get(r->sched, &st);
	return st.ticks_processed;
}

/* The log of one processed tick against the order the model expected. */
static bool check_tick(struct llrun *r, const int *want, unsigned n)
{
	tr(r, "      ran:");
	for (unsigned i = 0; i < r->nlog; i++)
		tr(r, " t%d(p%d)", r->log[i], r->t[r->log[i]].prio);
	tr(r, "\n");
	if (r->nlog != n)
		return finding(r, SIM_FINDING_MODEL_MISMATCH, "tick ran %u tasks, %u were scheduled", r->nlog, n);
	for (unsigned i = 0; i < n; i++)
		if (r->log[i] != want[i])
			return finding(r, SIM_FINDING_MODEL_MISMATCH,
				       "tick ran t%d (priority %d) as number %u, expected t%d (priority %d)",
				       r->log[i], r->t[r->log[i]].prio, i + 1, want[i], r->t[want[i]].prio);
	for (unsigned i = 0; i < n; i++)
		r->t[want[i]].ran_since_queued = r->t[want[i]].ever_ran = true;
	/* cancelled tasks leave the list at the tick; completed ones after their run */
	for (int i = 0; i < NTASKS; i++) {
		struct mtask *m = &r->t[i];

		if (m->listed && m->cancelled)
			m->listed = false;
		if (m->listed && m->complete_after && m->task.runs >= m->complete_after)
			m->listed = false;
		if (m->data_error)
			return finding(r, SIM_FINDING_MODEL_MISMATCH, "task t%d's block changed under it", i);
	}
	return sim_clean(r);
}

static bool one_tick(struct llrun *r)
{
	int want[NTASKS];
	unsigned n = expected(r, want);

	r->nlog = 0;
	if (ll_sched_run_ticks(r->sched, 1) != 1)
		return finding(r, SIM_FINDING_HANG, "the LL thread did not process a tick");
	return check_tick(r, want, n);
}

/* ---- operations ---- */

static void op_create(struct llrun *r, struct mtask *m, struct fuzz_in *in)
{
	int prio = (int)(fuzz_u8(in) % 8) - 2;
	uint8_t b = fuzz_u8(in);
	char name[8];

	if (m->created && !m->freed)
		return;
	memset(&m->task, 0, sizeof(m->task));
	m->run = r;
	m->prio = prio;
	m->created = true;
	m->freed = false;
	m->listed = false;
	m->complete_after = b & 7;
	m->ever_ran = false;
	m->bytes = 16 + (size_t)(b >> 3) * 24;
	m->block = NULL;
	m->data_error = false;
	snprintf(name, sizeof(name), "t%d", m->id);
	ll_task_init(&m->task, name, prio, task_run, m);
	tr(r, "%4lu. create t%d priority %d, %zu-byte buffer, %s\n", r->op, m->id, prio, m->bytes,
	   m->complete_after ? "completes" : "runs until cancelled");
	if (!ll_schedule_task(r->sched, &m->task))
		model_insert(r, m);
}

static void op_schedule(struct llrun *r, struct mtask *m)
{
	int rc;

	if (!m->created)
		return;
	rc = ll_schedule_task(r->sched, &m->task);
	tr(r, "%4lu. schedule t%d -> %d\n", r->op, m->id, rc);
	if (m->freed) {
		if (rc != -EDEADLK)
			finding(r, SIM_FINDING_MODEL_MISMATCH, "schedule of freed t%d returned %d, not -EDEADLK",
				m->id, rc);
		return;
	}
	if (rc) {
		finding(r, SIM_FINDING_MODEL_MISMATCH, "schedule of t%d returned %d", m->id, rc);
		return;
	}
	if (!m->listed)
		model_insert(r, m);
	else if (m->cancelled) /* revived in place, queued again */
		m->cancelled = m->ran_since_queued = false;
}

static void op_cancel(struct llrun *r, struct mtask *m)
{
	if (!m->created || m->freed)
		return;
	tr(r, "%4lu. cancel t%d\n", r->op, m->id);
	ll_schedule_task_cancel(r->sched, &m->task);
	if (m->listed)
		m->cancelled = true;
}

/* Releases a stopped task's block from user mode (the IPC thread). */
static void release(void *arg)
{
	put_block(arg);
}

/*
 * Freeing a task that is on the list and has run waits for the LL thread
 * (SOF waits on the task's semaphore): one tick passes inside the call, in
 * which a task that was not cancelled runs one last time.
 */
static void op_free(struct llrun *r, struct mtask *m)
{
	int want[NTASKS], rc;
	unsigned n = expected(r, want);
	bool waits = m->listed && (m->cancelled ? m->ever_ran : m->ran_since_queued);
	uint64_t before = ticks_processed(r), passed;

	if (!m->created || m->freed)
		return;
	tr(r, "%4lu. free t%d%s\n", r->op, m->id, waits ? " (waits for the LL thread)" : "");
	r->nlog = 0;
	rc = ll_schedule_task_free(r->sched, &m->task);
	passed = ticks_processed(r) - before;
	m->freed = true;
	if (rc) {
		finding(r, SIM_FINDING_MODEL_MISMATCH, "free of t%d returned %d", m->id, rc);
		return;
	}
	if (passed != (waits ? 1u : 0u)) {
		finding(r, SIM_FINDING_MODEL_MISMATCH, "free of t%d let %llu ticks pass, expected %u", m->id,
			(unsigned long long)passed, waits ? 1u : 0u);
		return;
	}
	if (waits && !check_tick(r, want, n))
		return;
	m->listed = false;
	if (m->block && ll_sched_ipc_call(r->sched, release, m))
		finding(r, SIM_FINDING_HARNESS, "could not release t%d's block", m->id);
}

/* Back to where the run started: the blocks the kernel allocated at boot
 * (SOF main's domain objects) are the only ones left. */
static bool heap_empty(struct llrun *r, const struct ll_heap_stats *st0,
		       const struct sys_heap_usage *use0)
{
	struct ll_heap_stats st;
	struct sys_heap_usage use;
	struct sys_heap *sys = ll_env_sys_heap(r->env);

	ll_env_heap_stats(r->env, &st);
	if (st.live_blocks != st0->live_blocks || st.in_use != st0->in_use)
		return finding(r, SIM_FINDING_MODEL_MISMATCH, "%zu blocks (%zu bytes) still live after every "
			       "task stopped", st.live_blocks - st0->live_blocks, st.in_use - st0->in_use);
	if (!ll_env_validate(r->env))
		return finding(r, SIM_FINDING_VALIDATE, "heap does not validate after every task stopped");
	if (sys && (!sys_heap_usage_get(sys, &use) || use.used_chunks != use0->used_chunks ||
		    use.free_bytes != use0->free_bytes))
		return finding(r, SIM_FINDING_MODEL_MISMATCH, "heap not back to its start: %u used chunks "
			       "(%u at start), %zu free bytes (%zu at start)", use.used_chunks,
			       use0->used_chunks, use.free_bytes, use0->free_bytes);
	return true;
}

/*
 * The byte layout of a program, as a table (fuzz.h) for the structured
 * mutator and the dictionary; the run loop checks each operation against
 * it. Op byte: kind in bits 0-2, task in bits 3-5.
 */
static const struct fuzz_op_kind op_kinds[] = {
	{ "create", 6, 0, FUZZ_OP_ANY, 0, 2, {
		{ FUZZ_F_PRIO, 1, 0, 0, 0 },
		{ FUZZ_F_TASKCFG, 1, 0, 0, 0 } } },      /* completion, buffer size */
	{ "schedule", 7, 2, FUZZ_OP_ANY, 0, 0, { { 0 } } },
	{ "cancel", 7, 3, FUZZ_OP_ANY, 0, 0, { { 0 } } },
	{ "free", 7, 4, FUZZ_OP_ANY, 0, 0, { { 0 } } },
	{ "ticks", 7, 5, FUZZ_OP_ANY, 0, 0, { { 0 } } },
	{ "ticks_b", 7, 6, FUZZ_OP_ANY, 0, 0, { { 0 } } },
	{ "ticks_c", 7, 7, FUZZ_OP_ANY, 0, 0, { { 0 } } },
};

/* the layout byte, then the hardening byte unless the options pin it */
static size_t header_bytes(const struct fuzz_opts *o)
{
	return o && o->hardening >= 0 ? 1 : 2;
}

const struct fuzz_program_shape fuzz_ll_sched_shape = {
	op_kinds, sizeof(op_kinds) / sizeof(op_kinds[0]), MAX_OPS, header_bytes, NULL, 0, NULL, 0, NULL, 0,
};

void fuzz_ll_sched_run(const uint8_t *d, size_t n, const struct fuzz_opts *o,
		       struct fuzz_result *res)
{
	struct llrun *r = calloc(1, sizeof(*r));
	struct ll_env_config ec;
	struct sys_heap_usage use0 = { 0 };
	struct ll_heap_stats st0;
	struct fuzz_in in;
	unsigned ticks = 0;
	uint8_t l;

	if (!r) {
		res->skipped = true;
		return;
	}
	r->o = o;
	r->res = res;
	fuzz_in_init(&in, d, n);
	l = fuzz_u8(&in);
	ll_env_config_default(&ec);
	ec.layout = o->layout ? o->layout : ll_layout_at(l % ll_layout_count())->name;
	ec.hardening = o->hardening >= 0 ? (enum sys_heap_hardening)o->hardening
					 : (enum sys_heap_hardening)(fuzz_u8(&in) % SYS_HEAP_HARDENING_LEVELS);
	ec.heap_bytes = 0x8000;
	ec.sim.protect = !o->protect_off;
	ec.sim.trace = false;
	if (ll_env_create(&ec, &r->env)) {
		res->skipped = true;
		free(r);
		return;
	}
	r->sched = ll_env_sched(r->env);
	r->user_heap = ll_env_layout(r->env)->user_heap_access;
	sim_findings(ll_env_sim(r->env), &r->findings_seen);
	if (ll_env_sys_heap(r->env))
		sys_heap_usage_get(ll_env_sys_heap(r->env), &use0);
	ll_env_heap_stats(r->env, &st0);
	for (int i = 0; i < NTASKS; i++)
		r->t[i].id = i;
	tr(r, "layout %s, hardening %s, LL period %u us\n", ec.layout,
	   sys_heap_hardening_name(ec.hardening), ec.period_us);
	for (r->op = 1; r->op <= MAX_OPS && !fuzz_in_done(&in) && !res->found; r->op++) {
		size_t at = in.pos;
		uint8_t op = fuzz_u8(&in);
		struct mtask *m = &r->t[(op >> 3) % NTASKS];

		switch (op & 7) {
		case 0:
		case 1: op_create(r, m, &in); break;
		case 2: op_schedule(r, m); break;
		case 3: op_cancel(r, m); break;
		case 4: op_free(r, m); break;
		default: {
			unsigned k = 1 + (op >> 3) % 3;

			tr(r, "%4lu. %u tick%s\n", r->op, k, k > 1 ? "s" : "");
			for (unsigned i = 0; i < k && ticks < MAX_TICKS && !res->found; i++, ticks++)
				one_tick(r);
			break;
		}
		}
		res->ops = r->op;
		if (!fuzz_op_agrees(&fuzz_ll_sched_shape, d, n, at, in.pos, false))
			finding(r, SIM_FINDING_HARNESS, "operation at byte %zu decoded to another length "
				"than the operation table says", at);
	}
	/* stop everything; a cancelled task completes at the next tick */
	for (int i = 0; i < NTASKS && !res->found; i++)
		if (r->t[i].created && !r->t[i].freed)
			op_cancel(r, &r->t[i]);
	if (!res->found)
		one_tick(r);
	for (int i = 0; i < NTASKS && !res->found; i++)
		if (r->t[i].created && !r->t[i].freed)
			op_free(r, &r->t[i]);
	if (!res->found && sim_clean(r))
		heap_empty(r, &st0, &use0);
	ll_env_destroy(r->env);
	free(r);
}
