/*
 * The LL scheduler's task-list rules (SOF src/schedule/zephyr_ll.c), with no
 * simulator underneath: task states, priority order with FIFO within a
 * priority, schedule/cancel/free from any context including a running task,
 * one tick's run over the list. docs/sof-ll.md lists the rules.
 *
 * Portable on purpose: only <stdbool.h>, <stddef.h>, <stdint.h> and
 * <string.h>, no locks, no errno, no allocation. The host scheduler
 * (ll_sched.c: threads, k_mutex, timer on sim/) and the bare-metal Xtensa
 * tick loop (port/xtensa/tickloop.c) both run their task lists with it, so
 * the rules exist once. sched.h includes this header; code that cannot
 * include sim.h (the target) includes only this one.
 *
 * Locking is the caller's: every call below expects the LL lock held.
 */
#ifndef HEAPSIM_LL_CORE_H
#define HEAPSIM_LL_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Task states. INIT, QUEUED, RUNNING, CANCEL and FREE are what SOF stores in
 * task->state; RESCHEDULE and COMPLETED are what a task's run function
 * returns (SOF never stores them). FREE is "completed": off every list.
 * As in SOF's user-space zephyr_ll, a task that returned RESCHEDULE keeps
 * RUNNING while it waits for the next tick.
 */
enum ll_task_state {
	LL_TASK_INIT = 0,
	LL_TASK_QUEUED,
	LL_TASK_RUNNING,
	LL_TASK_RESCHEDULE, /* return value: run me again next tick */
	LL_TASK_COMPLETED,  /* return value: done, take me off the list */
	LL_TASK_CANCEL,
	LL_TASK_FREE,
};
const char *ll_task_state_name(enum ll_task_state s);

struct ll_task;
/* Runs on the LL thread (user mode in the user-space variant). Anything other
 * than RESCHEDULE or COMPLETED counts as RESCHEDULE, as in SOF. */
typedef enum ll_task_state (*ll_task_fn)(struct ll_task *task, void *data);

/*
 * A task. The caller owns the memory; the fields are the scheduler's (read
 * them, do not write them). Lower priority value = runs first.
 */
struct ll_task {
	struct ll_task *next, *prev;   /* on the task list or the tick's run list */
	bool on_list;
	bool initialised;              /* SOF: task->priv_data != NULL */
	bool ran;                      /* SOF: pdata->run (set once it has run) */
	bool freeing;                  /* SOF: pdata->freeing */
	enum ll_task_state state;
	int priority;
	ll_task_fn run;
	void *data;
	char name[32];
	uint64_t runs;                 /* times run() was called */
};

/* Outcomes of the core's ops; sched.h's API turns them into -errno. */
enum ll_core_status {
	LL_CORE_OK = 0,
	LL_CORE_INVALID,   /* NULL task or run function */
	LL_CORE_EXISTS,    /* init of an initialised task */
	LL_CORE_DEADLK,    /* schedule of a task being freed or not initialised */
	LL_CORE_BUSY,      /* schedule of a task waiting on this tick's run list */
};

/* A task list: one per LL core. Lives wherever the LL thread can write it. */
struct ll_core {
	struct ll_task head;           /* the task list (sentinel) */
	struct ll_task run_head;       /* tasks run in the current tick */
	unsigned n_tasks;              /* tasks on either list */
	uint64_t task_runs;
	/*
	 * Calls t->run for the tick (NULL: call it directly). The host's kernel
	 * variant drops the LL lock around the call here, as SOF does; the
	 * target logs which task ran.
	 */
	enum ll_task_state (*call)(void *ctx, struct ll_task *t);
	/* A rule was broken that only a bug in the caller can break (SOF
	 * panics); if it returns, the count is left alone. NULL: ignored. */
	void (*bug)(void *ctx, const struct ll_task *t, const char *what);
	void *ctx;
};

void ll_core_init(struct ll_core *c);
enum ll_core_status ll_core_task_init(struct ll_task *t, const char *name, int priority,
				      ll_task_fn run, void *data);

/* schedule_task: queue by priority (FIFO within one), keep, revive, or refuse. */
enum ll_core_status ll_core_schedule(struct ll_core *c, struct ll_task *t);
/* schedule_task_cancel: marks a task that is on a list; the tick completes it. */
void ll_core_cancel(struct ll_core *c, struct ll_task *t);
/*
 * schedule_task_free in two halves, so the caller can wait in between
 * without the lock: _begin completes a task that cannot be running and
 * marks it freeing; it returns true if the LL thread must complete it
 * first (it is running, or cancelled after having run). _end completes it
 * if it still is not (returns true then: the wait ran out) and makes it
 * uninitialised.
 */
bool ll_core_free_begin(struct ll_core *c, struct ll_task *t);
bool ll_core_free_end(struct ll_core *c, struct ll_task *t, bool must_wait);

/* One tick: runs the list until it is empty, then puts the rescheduled
 * tasks back in the order they ran. Returns the tasks run. */
unsigned ll_core_tick(struct ll_core *c);

/* Visits the task list in order (tasks not yet run this tick); fn may
 * complete the task it is given. */
void ll_core_foreach(const struct ll_core *c, void (*fn)(struct ll_task *t, void *ctx),
		     void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSIM_LL_CORE_H */
