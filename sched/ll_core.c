/*
 * The LL task-list rules, modelled from SOF's src/schedule/zephyr_ll.c:
 *  - the task list is kept in priority order, FIFO within a priority;
 *  - each tick the head of the list is taken until the list is empty: a
 *    CANCEL task is completed without running, any other is moved to the
 *    tick's run list, marked RUNNING and run; COMPLETED, a pending free or a
 *    cancel during the run complete it; otherwise it stays (still RUNNING)
 *    and the run list is put back at the end of the tick;
 *  - so a task scheduled from inside a task runs in the same tick, placed by
 *    priority among the tasks not yet run; a task cancelled from inside a
 *    task is dropped when the loop reaches it (not yet run) or at the start
 *    of the next tick (already run).
 * Portable: see ll_core.h.
 */
#include <string.h>

#include "ll_core.h"

const char *ll_task_state_name(enum ll_task_state s)
{
	static const char *const names[] = {
		[LL_TASK_INIT] = "init",         [LL_TASK_QUEUED] = "queued",
		[LL_TASK_RUNNING] = "running",   [LL_TASK_RESCHEDULE] = "reschedule",
		[LL_TASK_COMPLETED] = "completed", [LL_TASK_CANCEL] = "cancel",
		[LL_TASK_FREE] = "free",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* ---- lists (circular, with a sentinel) ---------------------------------- */

static void list_init(struct ll_task *h)
{
	h->next = h->prev = h;
}

static bool list_empty(const struct ll_task *h)
{
	return h->next == h;
}

static void list_del(struct ll_task *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = t->prev = NULL;
	t->on_list = false;
}

/* Inserts t before `at` (at == head: append). */
static void list_insert_before(struct ll_task *t, struct ll_task *at)
{
	t->prev = at->prev;
	t->next = at;
	at->prev->next = t;
	at->prev = t;
	t->on_list = true;
}

static bool on_main_list(const struct ll_core *c, const struct ll_task *t)
{
	for (const struct ll_task *it = c->head.next; it != &c->head; it = it->next)
		if (it == t)
			return true;
	return false;
}

/* ---- task ops ------------------------------------------------------------ */

void ll_core_init(struct ll_core *c)
{
	memset(c, 0, sizeof(*c));
	list_init(&c->head);
	list_init(&c->run_head);
}

enum ll_core_status ll_core_task_init(struct ll_task *t, const char *name, int priority,
				      ll_task_fn run, void *data)
{
	size_t len;

	if (!t || !run)
		return LL_CORE_INVALID;
	if (t->initialised)
		return LL_CORE_EXISTS;
	memset(t, 0, sizeof(*t));
	name = name ? name : "task";
	len = strnlen(name, sizeof(t->name) - 1);
	memcpy(t->name, name, len); /* truncated, NUL from the memset */
	t->priority = priority;
	t->run = run;
	t->data = data;
	t->state = LL_TASK_INIT;
	t->initialised = true;
	return LL_CORE_OK;
}

/* Off the list it is on, state FREE (SOF's task completion). */
static void task_done(struct ll_core *c, struct ll_task *t)
{
	if (t->on_list)
		list_del(t);
	t->state = LL_TASK_FREE;
	if (!c->n_tasks) {
		/* SOF panics here; only a bug in the caller can get here */
		if (c->bug)
			c->bug(c->ctx, t, "task count underrun");
		return;
	}
	c->n_tasks--;
}

/* Priority order, FIFO within a priority: before the first lower-priority task. */
static void task_insert(struct ll_core *c, struct ll_task *t)
{
	struct ll_task *it;

	t->state = LL_TASK_QUEUED;
	for (it = c->head.next; it != &c->head; it = it->next)
		if (t->priority < it->priority)
			break;
	list_insert_before(t, it);
}

enum ll_core_status ll_core_schedule(struct ll_core *c, struct ll_task *t)
{
	if (!t->initialised || t->freeing)
		return LL_CORE_DEADLK; /* schedule after free: SOF guards against it */
	if (on_main_list(c, t) && t->state != LL_TASK_CANCEL)
		return LL_CORE_OK; /* already scheduled: SOF keeps it as it is */
	if (t->state == LL_TASK_CANCEL) {
		/* still on a list: revive it instead of queueing it twice */
		t->state = LL_TASK_QUEUED;
		return LL_CORE_OK;
	}
	if (t->on_list) {
		/*
		 * On this tick's run list (it ran and asked to be rescheduled).
		 * SOF does not look there and would link the node into the main
		 * list while it is still on the run list, corrupting both; the
		 * model refuses instead (docs/sof-ll.md).
		 */
		return LL_CORE_BUSY;
	}
	task_insert(c, t);
	c->n_tasks++;
	return LL_CORE_OK;
}

void ll_core_cancel(struct ll_core *c, struct ll_task *t)
{
	(void)c;
	/* only a task on a list can be cancelled; the tick completes it */
	if (t->state != LL_TASK_INIT && t->state != LL_TASK_FREE)
		t->state = LL_TASK_CANCEL;
}

bool ll_core_free_begin(struct ll_core *c, struct ll_task *t)
{
	bool must_wait, on_list = true;

	switch (t->state) {
	case LL_TASK_INIT:
	case LL_TASK_FREE:
		on_list = false;
		must_wait = false;
		break;
	case LL_TASK_QUEUED:
		must_wait = false;
		break;
	case LL_TASK_CANCEL:
		/* a task that never ran is only on the main list: safe to drop */
		must_wait = t->ran;
		break;
	default:
		must_wait = true;
	}
	if (on_list && !must_wait)
		task_done(c, t);
	t->freeing = true;
	return must_wait;
}

bool ll_core_free_end(struct ll_core *c, struct ll_task *t, bool must_wait)
{
	bool forced = must_wait && t->state != LL_TASK_FREE;

	if (forced)
		task_done(c, t);
	t->initialised = false;
	return forced;
}

/* ---- one tick ------------------------------------------------------------ */

static enum ll_task_state run_one(struct ll_core *c, struct ll_task *t)
{
	enum ll_task_state st = c->call ? c->call(c->ctx, t) : t->run(t, t->data);

	t->runs++;
	c->task_runs++;
	return st == LL_TASK_COMPLETED ? LL_TASK_COMPLETED : LL_TASK_RESCHEDULE;
}

unsigned ll_core_tick(struct ll_core *c)
{
	struct ll_task *t;
	unsigned ran = 0;

	while (!list_empty(&c->head)) {
		t = c->head.next;
		if (t->state == LL_TASK_CANCEL) {
			task_done(c, t);
			continue;
		}
		t->ran = true;
		t->state = LL_TASK_RUNNING;
		list_del(t);
		list_insert_before(t, &c->run_head);

		enum ll_task_state st = run_one(c, t);

		ran++;
		if (t->freeing || st == LL_TASK_COMPLETED || t->state == LL_TASK_CANCEL)
			task_done(c, t);
	}
	/* rescheduled tasks go back in the order they ran */
	while (!list_empty(&c->run_head)) {
		t = c->run_head.next;
		list_del(t);
		list_insert_before(t, &c->head);
	}
	return ran;
}

void ll_core_foreach(const struct ll_core *c, void (*fn)(struct ll_task *t, void *ctx), void *ctx)
{
	struct ll_task *it, *next;

	if (!fn)
		return;
	for (it = c->head.next; it != &c->head; it = next) {
		next = it->next;
		fn(it, ctx);
	}
}
