/*
 * sched/ — SOF's low-latency (LL) scheduler in a user-space thread and the LL
 * heap layouts of SOF PR #10807, on top of sim/ (docs/sof-ll.md).
 *
 *   - an LL scheduler with zephyr_ll's task rules: tasks run each tick in
 *     priority order, FIFO within a priority; schedule/cancel/free from any
 *     context, including from inside a running task;
 *   - a timer domain: a virtual-time timer whose "ISR" gives the semaphore the
 *     LL thread takes; in the user-space variant the LL thread is a K_USER
 *     thread in the LL memory domain, holding a k_mutex while it runs tasks;
 *   - the LL heap layouts, selectable by name (ll_layout_find);
 *   - the syscalls sof_heap_alloc / sof_heap_free with SOF's verification;
 *   - a small set of user-mode modules and a pipeline driver that runs them.
 *
 * Public header of the layer: fuzz/ and tools/ include only this file (and
 * sim.h, heap.h through it). Its task-list part is the sub-header ll_core.h,
 * kept free of sim.h so the Xtensa target can build it alone. One
 * environment exists at a time, like the sim.
 */
#ifndef HEAPSIM_SCHED_H
#define HEAPSIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ll_core.h" /* the portable task-list core: see there */
#include "sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* LL scheduler (SOF src/schedule/zephyr_ll.c, user-space variant)           */
/* ======================================================================== */

/*
 * enum ll_task_state, struct ll_task and the task-list rules are in
 * ll_core.h (included above): the same code runs the task list on the
 * bare-metal Xtensa target, which has no sim.h.
 */

struct ll_sched;

struct ll_sched_config {
	uint32_t period_us;            /* tick period; default 1000 */
	bool user_space;               /* LL thread K_USER in `domain`; default true */
	struct k_mem_domain *domain;   /* the LL memory domain (user_space) */
	int thread_prio;               /* LL thread priority; default -1 (IPC runs at 0) */
	/* Where the scheduler's kernel data (the timer domain object) goes: NULL
	 * = sim_kobj_alloc; layouts place it right after the heap buffer. */
	void *kdata;
	/* The timer ISR a layout models instead of the default one (SOF main's
	 * zephyr_domain_timer_fn): called in ISR context each tick, after the
	 * tick is counted; it gives the semaphores itself. NULL: default. */
	void (*isr)(struct ll_sched *s, void *ctx);
	void *isr_ctx;
	/* The tasks' user code touches the arena only through sim_user_store and
	 * sim_user_load: the LL and IPC threads are soft_rights threads
	 * (sim.h). Default false. */
	bool soft_rights;
};
void ll_sched_config_default(struct ll_sched_config *cfg);

/*
 * Kernel data of the timer domain (SOF's zephyr_domain): read by the timer
 * "ISR" in kernel context, registered as "ll_sched domain" (type
 * "ll_sched_domain") so faults, confinement and the audit name it.
 * Pointers are target addresses, as on the target.
 */
struct ll_sched_kdata {
	uint32_t ticks;       /* timer expiries so far */
	uint32_t sem;         /* the semaphore the ISR gives each tick */
	uint32_t lock;        /* the LL k_mutex */
	uint32_t thread;      /* the LL k_thread */
	uint32_t period_us;
	uint32_t handler;     /* SOF: domain handler cookie (ll run) */
	uint32_t arg;         /* SOF: handler argument */
};

/* Creates the scheduler: kernel data, k_sem, k_mutex, the LL thread (not
 * started). NULL with errno (EINVAL, ENOMEM). Needs a live sim. */
struct ll_sched *ll_sched_create(struct sim *sim, const struct ll_sched_config *cfg);
/* Aborts the threads and stops the timer; the sim stays alive. */
void ll_sched_destroy(struct ll_sched *s);
/* Starts the timer (first tick one period from now) and the threads. */
int ll_sched_start(struct ll_sched *s);

/*
 * SOF's scheduler ops. Callable from the main context (kernel, as SOF's IPC
 * paths once were), from a thread (the IPC thread below) and from inside a
 * running task. Return values as SOF: schedule 0 or -EDEADLK (task being
 * freed / not initialised), cancel 0, free 0.
 *   init: -EEXIST if already initialised (SOF: priv_data set), -EINVAL.
 */
int ll_task_init(struct ll_task *t, const char *name, int priority, ll_task_fn run, void *data);
int ll_schedule_task(struct ll_sched *s, struct ll_task *t);
int ll_schedule_task_cancel(struct ll_sched *s, struct ll_task *t);
int ll_schedule_task_free(struct ll_sched *s, struct ll_task *t);

/*
 * Runs the simulator until `n` more ticks have been processed by the LL
 * thread (or it died / the sim got stuck). Returns the ticks processed.
 */
uint64_t ll_sched_run_ticks(struct ll_sched *s, uint64_t n);

/*
 * Runs fn(arg) on the IPC thread: a thread in the LL domain (K_USER in the
 * user-space variant) that stands for SOF's IPC handler — module creation
 * and teardown happen there. Main context only (-EINVAL otherwise, or when a
 * call is in progress). Returns when fn returned: 0; -EIO if the thread died
 * (oops) meanwhile; -ETIMEDOUT if it did not finish within 1000 ticks of
 * virtual time. Virtual time passes only while fn waits.
 */
int ll_sched_ipc_call(struct ll_sched *s, void (*fn)(void *arg), void *arg);

struct ll_sched_stats {
	uint64_t ticks;           /* timer expiries */
	uint64_t ticks_processed; /* ticks the LL thread ran the task list for */
	uint64_t task_runs;
	uint32_t n_tasks;         /* tasks on the list now */
	bool ll_thread_alive;
	bool ipc_thread_alive;
};
void ll_sched_stats_get(const struct ll_sched *s, struct ll_sched_stats *out);
k_tid_t ll_sched_thread(const struct ll_sched *s);
k_tid_t ll_sched_ipc_thread(const struct ll_sched *s);
struct ll_sched_kdata *ll_sched_kdata(const struct ll_sched *s);
/* The semaphore the LL thread (core 0) takes each tick. */
struct k_sem *ll_sched_sem(const struct ll_sched *s);
/* Replaces the timer ISR (see ll_sched_config.isr) before the timer starts. */
void ll_sched_set_isr(struct ll_sched *s, void (*isr)(struct ll_sched *s, void *ctx), void *ctx);

/* ======================================================================== */
/* SOF heap syscalls                                                          */
/* ======================================================================== */

/* Memory flags of sof_heap_alloc (symbolic values; SOF's names). */
#define SOF_MEM_FLAG_KERNEL 0x01u
#define SOF_MEM_FLAG_USER 0x02u
#define SOF_MEM_FLAG_COHERENT 0x04u
#define SOF_MEM_FLAG_DMA 0x08u
#define SOF_MEM_FLAG_LARGE_BUFFER 0x10u
#define SOF_MEM_FLAG_L3 0x20u
/* What z_vrfy_sof_heap_alloc lets user mode pass. */
#define SOF_MEM_FLAG_USER_ALLOWED \
	(SOF_MEM_FLAG_USER | SOF_MEM_FLAG_COHERENT | SOF_MEM_FLAG_DMA | SOF_MEM_FLAG_LARGE_BUFFER)
/* PLATFORM_DCACHE_ALIGN: the cached heap aligns and rounds every block. */
#define LL_DCACHE_LINE 64u

/*
 * The syscalls as user code calls them, through the sim's gate (verify, then
 * impl). From kernel context the gate runs impl alone, unverified, as a
 * z_impl_* call would. They act on the current environment. `heap` is what zephyr_ll_user_heap() returns.
 */
void *sof_heap_alloc(struct k_heap *heap, uint32_t flags, size_t bytes, size_t align);
void sof_heap_free(struct k_heap *heap, void *ptr);
/* Reads the user-visible variable `zephyr_ll_heap` (a target address in a
 * user partition) as user code does: the heap handle to pass to syscalls. */
struct k_heap *zephyr_ll_user_heap(void);

/* ======================================================================== */
/* Layouts and the environment                                               */
/* ======================================================================== */

struct ll_env;

struct ll_layout {
	const char *name;
	const char *description;
	bool vulnerable;                /* vulnerable by design (findings expected) */
	bool user_heap_access;          /* user mode can read/write heap blocks */
	int (*setup)(struct ll_env *env);
	bool meta_exposed;              /* heap metadata user-writable */
	bool kobj_exposed;              /* kernel-trusted objects (k_heap, scheduler, IPC,
					 * DMA heap pointer, lock pointers) user-writable */
	bool sof_main;                  /* SOF main's kernel paths (ll_sof_main.c) */
	/* After the scheduler and syscalls exist, before the timer starts: SOF
	 * main's boot (domain objects from the user heap, grants). NULL: none. */
	int (*boot)(struct ll_env *env);
};
size_t ll_layout_count(void);
const struct ll_layout *ll_layout_at(size_t i);
/* NULL for an unknown name. Names are matched exactly. */
const struct ll_layout *ll_layout_find(const char *name);

struct ll_env_config {
	const char *layout;             /* name; default "pr10807-v3" */
	size_t heap_bytes;              /* default 0x20000; multiple of the page size */
	unsigned word_bits;             /* 32 (default) or 64 */
	enum sys_heap_hardening hardening; /* default MODERATE */
	enum sys_heap_profile profile;  /* default debug (asserts on) */
	bool runtime_stats;             /* CONFIG_SYS_HEAP_RUNTIME_STATS; default off */
	unsigned cores;                 /* CONFIG_CORE_COUNT, SOF-main layouts; default 3 */
	bool cached_heap;               /* CONFIG_SOF_ZEPHYR_HEAP_CACHED; default true */
	bool alias_partition;           /* also add the uncached alias partition; default true */
	bool strict_verify;             /* --strict-verify: free needs a live block start */
	bool user_space;                /* user-space LL (default true) */
	bool soft_rights;               /* the LL threads keep page rights still (ll_sched_config);
					 * default true: every user task of this layer and above
					 * touches the arena through sim_user_store/_load */
	uint32_t period_us;             /* default 1000 */
	struct sim_config sim;          /* default: 2 MiB arena (grown to fit the heap),
					 * 64 KiB kernel region */
};
void ll_env_config_default(struct ll_env_config *cfg);

/*
 * Creates the sim, the layout, the LL domain and scheduler, and registers the
 * syscalls. 0, -ENOENT (unknown layout), -EINVAL (bad config), -EBUSY (a sim
 * or env is alive), -ENOMEM, or the layout's error. *out is NULL on error.
 */
int ll_env_create(const struct ll_env_config *cfg, struct ll_env **out);
void ll_env_destroy(struct ll_env *env);
/* The env whose syscalls are registered on `sim` (NULL if none). */
struct ll_env *ll_env_of(const struct sim *sim);

struct sim *ll_env_sim(const struct ll_env *env);
struct ll_sched *ll_env_sched(const struct ll_env *env);
const struct ll_layout *ll_env_layout(const struct ll_env *env);
const struct ll_env_config *ll_env_config(const struct ll_env *env);
struct k_mem_domain *ll_env_domain(const struct ll_env *env);
/* The kernel's heap object (struct k_heap, or the oob heap object). */
struct k_heap *ll_env_heap(const struct ll_env *env);
/* The host sys_heap behind it (NULL for oob). */
struct sys_heap *ll_env_sys_heap(const struct ll_env *env);
/* The heap buffer through the cached view, and its size. */
void *ll_env_heap_buffer(const struct ll_env *env, size_t *bytes);
/* The user variable zephyr_ll_heap (a 32-bit target address). */
uint32_t *ll_env_user_heap_var(const struct ll_env *env);

/* Kernel-side accounting of the syscalls (the kernel's own bookkeeping). */
struct ll_heap_stats {
	uint64_t allocs;          /* successful sof_heap_alloc */
	uint64_t alloc_failures;  /* NULL returned */
	uint64_t frees;           /* sof_heap_free of a non-NULL pointer */
	size_t in_use;            /* usable bytes of live blocks */
	size_t peak;
	size_t live_blocks;
};
void ll_env_heap_stats(const struct ll_env *env, struct ll_heap_stats *out);

/*
 * The end-of-run consistency oracle: the heap's read-only strict check
 * (sys_heap_check_strict; oob: oob_heap_check), not sys_heap_validate. On
 * false, reports a VALIDATE finding naming the heap and the failed rule (once
 * per env) and returns false.
 */
bool ll_env_validate(struct ll_env *env);

/* CONFIG_CORE_COUNT range the SOF-main layouts accept (ACE: 3 to 5). */
#define LL_CORES_MIN 1u
#define LL_CORES_MAX 5u

/*
 * SOF main's kernel paths beyond the heap syscalls (ll_sof_main.c), on the
 * SOF-main layouts (-ENOTSUP elsewhere):
 *   ll_sof_ipc_forward: the kernel IPC task forwards one IPC through
 *     struct ipc_user (k_event_set, k_sem_take on pointers read there);
 *   ll_sof_dma_get / put: the sof_dma_get / sof_dma_put syscalls from the
 *     calling user thread (main context: from the IPC thread);
 *   ll_sof_core_grant: user_ll_grant_access for a core (secondary bring-up).
 * Objects a scenario or fuzzer may forge, by name: ll_sof_object() gives the
 * host address and size of "zephyr_domain", "ll_schedule_domain",
 * "zephyr_ll", "ipc_user", "zephyr_ll_heap", "zephyr_ll_locks" (NULL: this
 * layout has no such object); ll_sof_object_names() lists them.
 */
int ll_sof_ipc_forward(struct ll_env *env);
int ll_sof_dma_get(struct ll_env *env);
int ll_sof_dma_put(struct ll_env *env);
int ll_sof_core_grant(struct ll_env *env, unsigned core);
void *ll_sof_object(struct ll_env *env, const char *name, size_t *bytes);
/*
 * An interleaving point: fn(env, core, ctx) runs once on `core`'s LL thread
 * (user mode, core ≥ 1) at its next tick, i.e. after the ISR's kernel step
 * and before the next one. -ENOTSUP (not SOF main), -EINVAL (core 0 or out of
 * range), 0. Run ticks afterwards to let it happen.
 */
int ll_sof_on_core(struct ll_env *env, unsigned core,
		   void (*fn)(struct ll_env *env, unsigned core, void *ctx), void *ctx);
/* Ticks the LL thread of `core` has taken so far. */
uint64_t ll_sof_core_ticks(const struct ll_env *env, unsigned core);
const char *ll_sof_object_names(void);
/* The i-th of those names (NULL past the last): what fuzzers index. */
const char *ll_sof_object_name(unsigned i);
#define LL_SOF_OBJECTS 6
/* The LL thread of `core` (NULL: not SOF main, or out of range). */
k_tid_t ll_sof_core_thread(const struct ll_env *env, unsigned core);
/* The kernel k_sem the timer ISR gives for `core` (zephyr_domain's sem[core]
 * as the kernel stored it; NULL: not SOF main, or out of range). */
struct k_sem *ll_sof_core_sem(const struct ll_env *env, unsigned core);
/* Runs the LL pipeline of a SOF-main layout for `ticks` with one IPC forward
 * and one DMA get/put: what `heapsim audit --dynamic` inventories. */
int ll_sof_exercise(struct ll_env *env, uint64_t ticks);

/* ======================================================================== */
/* Modules and the pipeline                                                   */
/* ======================================================================== */

enum ll_module_kind {
	LL_MOD_COPIER,    /* period buffers allocated at start, freed at stop */
	LL_MOD_RESIZER,   /* buffer size changes every period */
	LL_MOD_LEAKER,    /* allocates every tick, frees everything on cancel */
};
const char *ll_module_kind_name(enum ll_module_kind k);

/* A block's contents for integrity checks, written and read back as user
 * code touches memory (sim_user_store/_load, the thread's rights): byte i of
 * a block filled with `seed` is seed + 7·i (mod 256). */
void ll_user_fill(uint8_t *p, size_t n, uint8_t seed);
bool ll_user_intact(const uint8_t *p, size_t n, uint8_t seed);

struct ll_module;
/* Creates a module (on the IPC thread: user mode) and schedules its task. */
struct ll_module *ll_module_start(struct ll_env *env, enum ll_module_kind kind, int priority,
				  uint32_t seed);
/* Cancels the task, frees it and the module's memory (IPC thread). 0 or -EIO. */
int ll_module_stop(struct ll_env *env, struct ll_module *m);

/* Module-level counters (user-side view). */
struct ll_module_stats {
	uint64_t runs;
	uint64_t allocs;
	uint64_t alloc_failures;
	uint64_t frees;
	uint64_t data_errors;     /* a module's own data changed under it */
};

struct ll_pipeline_result {
	uint64_t ticks;           /* ticks the pipeline ran (requested, unless stopped early) */
	uint64_t stop_ticks;      /* further ticks spent stopping the modules at the end */
	uint64_t task_runs;
	uint64_t allocs, frees, alloc_failures;
	size_t peak_bytes;        /* peak heap use (usable bytes of live blocks) */
	size_t heap_bytes;
	uint64_t module_restarts;
	uint64_t data_errors;
	size_t findings;
	bool heap_valid;          /* kernel validate at the end */
	bool leaked;              /* live blocks after every module stopped */
	double seconds;           /* wall time of the run */
};

/*
 * The standard pipeline: two copiers, a resizer and a leaker; the leaker is
 * restarted every 500 ticks and one copier every 1500 ticks; everything is
 * stopped at the end and the heap validated. Stops early at the first
 * finding or when the LL thread dies. 0 (clean), 1 (findings or leaks),
 * negative errno on a setup error.
 */
int ll_pipeline_run(struct ll_env *env, uint64_t ticks, struct ll_pipeline_result *out);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSIM_SCHED_H */
