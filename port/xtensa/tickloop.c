/*
 * The LL tick loop on the target: virtual ticks drive an LL "thread" that
 * runs its tasks with the LL scheduler's own task-list code (sched/ll_core.c,
 * the same code the host's ll_sched runs): priority order, FIFO within a
 * priority, RESCHEDULE to run again next tick, COMPLETED to leave the list,
 * a task scheduled from inside a running task runs in the same tick.
 * The tasks allocate, reallocate and free from one sys_heap of SOF's LL heap
 * size (128 KiB), write a pattern into every block and check it before
 * freeing. After every tick the kernel checks the heap: validate, and the
 * runtime stats equal the bytes the tasks hold.
 *
 * TICK_USER=0 (lx106): everything in ring 0.
 * TICK_USER=1 (dc233c): the heap, the task list and the tasks' state live in
 * the user partition and the LL thread runs each tick in ring 1
 * (xrt_user_run), as in SOF's user-space LL; the kernel only counts ticks
 * and audits the heap. Both print the same lines (offsets are relative to
 * the heap buffer), and ctest compares the two outputs byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heap.h"
#include "ll_core.h"
#include "xrt.h"
#include "xrt_user.h"

#if TICK_USER
#define USER __attribute__((section(".xrt.user.tick")))
#else
#define USER
#endif

#define LL_HEAP_BYTES (128 * 1024)
#define TICKS 100
#define MAX_TASKS 8
#define MAX_HELD 8

struct task;
/* A task's work for one tick; returns LL_TASK_RESCHEDULE or _COMPLETED. */
typedef enum ll_task_state (*task_fn)(struct task *t, uint32_t tick);

struct block {
	uint8_t *p;
	size_t size;  /* bytes asked for and patterned */
	uint8_t seed;
};

struct task {
	struct ll_task lt;     /* the scheduler's part: name, priority, state */
	task_fn body;
	struct block held[MAX_HELD];
	unsigned nheld;
	uint32_t started;      /* tick of the first run */
};

/* ---- state the LL thread owns (user partition in the user variant) ------ */
struct ll_state {
	struct sys_heap heap;
	struct ll_core core;   /* the task list */
	struct task tasks[MAX_TASKS];
	uint32_t tick;
	uint32_t digest;       /* folds every returned offset of this tick */
	char ran[96];          /* names of the tasks that ran this tick */
	int error;             /* first failure seen by a task, 0 if none */
	char why[96];
};

static uint8_t ll_heap_mem[LL_HEAP_BYTES] USER __attribute__((aligned(4096)));
static struct ll_state ll USER;
#if TICK_USER
static uint8_t ll_stack[8192] USER __attribute__((aligned(16)));
#endif

static void fail(const char *why)
{
	if (!ll.error) {
		ll.error = 1;
		snprintf(ll.why, sizeof(ll.why), "tick %u: %s", (unsigned)ll.tick, why);
	}
}

static void note_offset(const void *p)
{
	uint32_t off = p ? (uint32_t)((const uint8_t *)p - ll_heap_mem) : 0xffffffffu;

	ll.digest = (ll.digest ^ off) * 16777619u; /* FNV-1a step */
}

static void pattern(struct block *b)
{
	for (size_t i = 0; i < b->size; i++)
		b->p[i] = (uint8_t)(b->seed + i);
}

static bool pattern_ok(const struct block *b, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		if (b->p[i] != (uint8_t)(b->seed + i))
			return false;
	return true;
}

static bool hold(struct task *t, void *p, size_t size)
{
	note_offset(p);
	if (!p) {
		fail("allocation failed");
		return false;
	}
	if (t->nheld == MAX_HELD) {
		fail("task holds too many blocks");
		return false;
	}
	struct block *b = &t->held[t->nheld++];
	*b = (struct block){ p, size, (uint8_t)(ll.tick * 7 + t->lt.priority) };
	pattern(b);
	return true;
}

/* Frees the oldest block after checking nobody overwrote it. */
static void release_oldest(struct task *t)
{
	if (!t->nheld)
		return;
	if (!pattern_ok(&t->held[0], t->held[0].size))
		fail("block contents changed while held");
	sys_heap_free(&ll.heap, t->held[0].p);
	memmove(&t->held[0], &t->held[1], (t->nheld - 1) * sizeof(t->held[0]));
	t->nheld--;
}

static void release_all(struct task *t)
{
	while (t->nheld)
		release_oldest(t);
}

/* ---- the tasks: shapes of SOF's LL work ----------------------------------- */

/* A period buffer per tick, four in flight. */
static enum ll_task_state copier(struct task *t, uint32_t tick)
{
	(void)tick;
	if (t->nheld == 4)
		release_oldest(t);
	hold(t, sys_heap_alloc(&ll.heap, 192), 192);
	return LL_TASK_RESCHEDULE;
}

/* 64-byte aligned scratch, freed in the same tick. */
static enum ll_task_state mixer(struct task *t, uint32_t tick)
{
	(void)tick;
	void *p = sys_heap_aligned_alloc(&ll.heap, 64, 512);
	if (p && ((uintptr_t)p & 63))
		fail("aligned allocation misaligned");
	if (hold(t, p, 512))
		release_oldest(t);
	return LL_TASK_RESCHEDULE;
}

/* State that grows and shrinks with realloc; contents must survive. */
static enum ll_task_state volume(struct task *t, uint32_t tick)
{
	size_t size = 32 + 16 * (tick % 20);

	if (!t->nheld)
		return hold(t, sys_heap_alloc(&ll.heap, size), size) ? LL_TASK_RESCHEDULE
									: LL_TASK_COMPLETED;
	struct block *b = &t->held[0];
	size_t keep = size < b->size ? size : b->size;
	uint8_t *p = sys_heap_realloc(&ll.heap, b->p, size);
	note_offset(p);
	if (!p) {
		fail("realloc failed");
		return LL_TASK_COMPLETED;
	}
	b->p = p;
	if (!pattern_ok(b, keep))
		fail("realloc lost contents");
	b->size = size;
	pattern(b);
	return LL_TASK_RESCHEDULE;
}

/* Big history buffers every 8 ticks, kept 5 ticks; done after 60 ticks. */
static enum ll_task_state kpb(struct task *t, uint32_t tick)
{
	if (tick % 8 == 0)
		hold(t, sys_heap_alloc(&ll.heap, 8192), 8192);
	if (t->nheld && tick % 8 == 5)
		release_oldest(t);
	if (tick - t->started >= 60) {
		release_all(t);
		return LL_TASK_COMPLETED;
	}
	return LL_TASK_RESCHEDULE;
}

static void add_task(const char *name, int prio, task_fn fn);

/* 1 KiB blocks kept two ticks, for ten ticks. */
static enum ll_task_state late(struct task *t, uint32_t tick)
{
	if (t->nheld == 2)
		release_oldest(t);
	if (tick - t->started >= 10) {
		release_all(t);
		return LL_TASK_COMPLETED;
	}
	hold(t, sys_heap_alloc(&ll.heap, 1024), 1024);
	return LL_TASK_RESCHEDULE;
}

/* Adds a task from inside a running tick at tick 10 and 50. */
static enum ll_task_state spawner(struct task *t, uint32_t tick)
{
	(void)t;
	if (tick == 10 || tick == 50)
		add_task("late", 0, late);
	return tick >= 50 ? LL_TASK_COMPLETED : LL_TASK_RESCHEDULE;
}

/* ---- the LL thread: ll_core runs the list --------------------------------- */

/* The core calls every task through this: the task's work and its checks. */
static enum ll_task_state run_task(struct ll_task *lt, void *data)
{
	struct task *t = data;

	if (!lt->runs)
		t->started = ll.tick;
	enum ll_task_state st = t->body(t, ll.tick);
	if (st == LL_TASK_COMPLETED && t->nheld)
		fail("completed task still holds memory");
	return st;
}

/* The core's call hook: logs the run order of the tick. */
static enum ll_task_state log_and_run(void *ctx, struct ll_task *lt)
{
	size_t len = strlen(ll.ran);

	(void)ctx;
	snprintf(ll.ran + len, sizeof(ll.ran) - len, "%s%s", len ? " " : "", lt->name);
	return lt->run(lt, lt->data);
}

static void core_bug(void *ctx, const struct ll_task *lt, const char *what)
{
	(void)ctx;
	(void)lt;
	fail(what);
}

/* Initialises a task in a free slot (freeing a completed one first, as its
 * owner would) and schedules it; from a running task it runs this tick. */
static void add_task(const char *name, int prio, task_fn fn)
{
	struct task *t = NULL;

	for (unsigned i = 0; i < MAX_TASKS && !t; i++) {
		struct ll_task *lt = &ll.tasks[i].lt;

		if (lt->initialised && lt->state == LL_TASK_FREE)
			ll_core_free_end(&ll.core, lt, ll_core_free_begin(&ll.core, lt));
		if (!lt->initialised)
			t = &ll.tasks[i];
	}
	if (!t) {
		fail("no task slot");
		return;
	}
	memset(t, 0, sizeof(*t));
	t->body = fn;
	if (ll_core_task_init(&t->lt, name, prio, run_task, t) != LL_CORE_OK ||
	    ll_core_schedule(&ll.core, &t->lt) != LL_CORE_OK)
		fail("task init/schedule refused");
}

/* One tick of the LL thread. */
static void ll_tick(void *arg)
{
	(void)arg;
	ll.digest = 2166136261u;
	ll.ran[0] = '\0';
	ll_core_tick(&ll.core);
}

static void ll_init(void *arg)
{
	(void)arg;
	struct sys_heap_config cfg;

	ll_core_init(&ll.core);
	ll.core.call = log_and_run;
	ll.core.bug = core_bug;
	sys_heap_config_default(&cfg);
	cfg.runtime_stats = true;
	if (sys_heap_init_checked(&ll.heap, ll_heap_mem, sizeof(ll_heap_mem), &cfg, false))
		fail("heap init");
	add_task("copier", 0, copier);
	add_task("mixer", 1, mixer);
	add_task("volume", 1, volume);
	add_task("kpb", 2, kpb);
	add_task("spawner", 3, spawner);
}

/* ---- kernel side ----------------------------------------------------------- */

/* Runs fn on the LL thread: in ring 1 for the user variant. */
static bool run_ll(void (*fn)(void *))
{
#if TICK_USER
	struct xrt_task_result res;

	xrt_user_run(fn, NULL, ll_stack + sizeof(ll_stack), &res);
	if (res.faulted || res.status) {
		printf("FAIL LL thread: %s EXCCAUSE %u (%s) at 0x%08x, pc 0x%08x, status %d\n",
		       res.faulted ? "fault" : "exit", (unsigned)res.cause,
		       xrt_cause_name(res.cause), (unsigned)res.vaddr, (unsigned)res.pc,
		       res.status);
		return false;
	}
#else
	fn(NULL);
#endif
	return true;
}

static size_t held_bytes(void)
{
	size_t sum = 0;

	for (unsigned i = 0; i < MAX_TASKS; i++)
		for (unsigned j = 0; j < ll.tasks[i].nheld; j++)
			sum += sys_heap_usable_size(&ll.heap, ll.tasks[i].held[j].p);
	return sum;
}

/* The kernel's audit after each tick (ring 0 may read the user partition). */
static bool audit(void)
{
	struct sys_memory_stats st;

	if (!sys_heap_validate(&ll.heap)) {
		printf("FAIL tick %u: heap does not validate\n", (unsigned)ll.tick);
		return false;
	}
	if (sys_heap_runtime_stats_get(&ll.heap, &st) != 0 ||
	    st.allocated_bytes != held_bytes()) {
		printf("FAIL tick %u: stats say %zu bytes allocated, tasks hold %zu\n",
		       (unsigned)ll.tick, st.allocated_bytes, held_bytes());
		return false;
	}
	if (ll.tick % 10 == 0 || ll.core.n_tasks == 0)
		printf("tick %3u: [%s] digest %08x allocated %zu free %zu max %zu\n",
		       (unsigned)ll.tick, ll.ran, (unsigned)ll.digest, st.allocated_bytes,
		       st.free_bytes, st.max_allocated_bytes);
	return true;
}

int main(void)
{
	printf("LL tick loop: %u ticks, heap %u bytes, %s\n", TICKS, LL_HEAP_BYTES,
	       TICK_USER ? "LL thread in ring 1" : "ring 0");
	if (!run_ll(ll_init))
		return 1;
	for (ll.tick = 1; ll.tick <= TICKS; ll.tick++) {
		if (!run_ll(ll_tick) || !audit())
			return 1;
		if (ll.error) {
			printf("FAIL %s\n", ll.why);
			return 1;
		}
	}
	/* copier, mixer and volume run forever: a final drain frees what they hold. */
	for (unsigned i = 0; i < MAX_TASKS; i++)
		release_all(&ll.tasks[i]);
	struct sys_memory_stats st;
	sys_heap_runtime_stats_get(&ll.heap, &st);
	printf("end: %u tasks left, allocated %zu, max %zu, validate %s\n", ll.core.n_tasks,
	       st.allocated_bytes, st.max_allocated_bytes,
	       sys_heap_validate(&ll.heap) ? "ok" : "FAIL");
	return st.allocated_bytes == 0 && !ll.error ? 0 : 1;
}
