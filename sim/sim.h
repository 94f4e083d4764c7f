/*
 * sim/ — heapsim's pretend machine: the part of Zephyr on ACE Xtensa that SOF's
 * user-space LL heap depends on, run on a Linux host.
 *
 *   - one memfd "arena" mapped twice: a cached view and an uncached alias
 *     (SOF's mirrored regions), both always carrying the same page rights;
 *   - memory partitions grouped in memory domains (Zephyr's API and rules);
 *   - kernel and user threads as fibers on one OS thread, deterministic,
 *     with virtual time; entering user mode applies the thread's domain
 *     rights to every arena page with mprotect;
 *   - kernel objects (spinlock, wait queue, k_sem, k_mutex, k_heap) living in
 *     the arena and listed in a registry used by syscall verification;
 *   - a syscall gate with Zephyr-like verification helpers, least-privilege
 *     confinement of each syscall to its declared write footprint;
 *   - SIGSEGV on arena pages turned into fault reports, oopses and findings;
 *   - an audit listing every kernel-trusted byte user mode can write.
 *
 * Public header of the layer: sched/, fuzz/ and tools/ include only this file
 * (and heap.h, which it includes). One simulator exists at a time: the Zephyr-
 * shaped k_* functions act on it without taking a `struct sim *`.
 *
 * Addresses. Code running in the simulator (kernel or user) works with *host
 * pointers* into either view of the arena; that is what it dereferences and
 * what syscalls receive. Every host pointer into the arena also has a
 * *target address* (what an Xtensa core would see): SIM_CACHED_BASE + offset
 * for the cached view, SIM_UNCACHED_BASE + offset for the alias. Values the
 * kernel stores *inside* the arena (heap pointers, wait-queue links) are
 * 32-bit target addresses, as on the target, so that a user who rewrites
 * them makes the kernel follow a target address the simulator can check,
 * never a raw host pointer. Traces, findings and the audit print target
 * addresses and offsets only (never host addresses), so they are
 * deterministic.
 */
#ifndef HEAPSIM_SIM_H
#define HEAPSIM_SIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heap.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sim;

/* ======================================================================== */
/* Configuration, lifetime, statistics                                       */
/* ======================================================================== */

/* Target address bases of the two views (ACE: cached 0xA..., uncached 0x4...). */
#define SIM_CACHED_BASE 0xA0000000u
#define SIM_UNCACHED_BASE 0x40000000u
/* Largest arena: the two target windows must not overlap or wrap. */
#define SIM_ARENA_MAX (256u << 20)

#define SIM_MAX_THREADS 64     /* per sim; ids 1..64, permission bits are per id */
#define SIM_MAX_SYSCALLS 64
#define SIM_FOOTPRINT_MAX 8    /* ranges a syscall may declare as its footprint */
#define SIM_NAME_MAX 48

struct sim_config {
	size_t arena_bytes;      /* multiple of the page size; default 1 MiB */
	size_t kernel_bytes;     /* kernel data region at the arena's start; default 64 KiB */
	unsigned max_partitions; /* per domain (CONFIG_MAX_DOMAIN_PARTITIONS); default 16 */
	size_t stack_bytes;      /* default thread stack (in the arena); default 64 KiB */
	bool protect;            /* false: never call mprotect (benchmark baseline); default true */
	bool confine;            /* least-privilege confinement of syscalls; default true */
	bool trace;              /* record the event trace; default true */
	size_t trace_max;        /* events kept (later ones are counted, not kept); default 8192 */
	uint64_t switch_budget;  /* context switches per sim_run before it gives up (0: none) */
	bool soft_rights;        /* honour threads' soft_rights (below); default true, false
				  * when HEAPSIM_HARD_RIGHTS=1 (the reference: page rights for all) */
	bool soft_check;         /* a soft thread in user mode sees every arena page closed, so
				  * a plain access it makes aborts (a simulator bug); default
				  * false, true when HEAPSIM_SOFT_CHECK=1 (tests) */
};

void sim_config_default(struct sim_config *cfg);

/*
 * Creates the arena and the kernel data region and makes this the current
 * simulator. NULL with errno set: EBUSY (another sim is alive), EINVAL (bad
 * config: sizes not page multiples, kernel region ≥ arena, arena > SIM_ARENA_MAX),
 * or the error of memfd_create/mmap. Installs the sim's sys_heap check handler
 * (the previous one is restored by sim_destroy).
 */
struct sim *sim_create(const struct sim_config *cfg);
/* Frees everything, including fibers that never finished. NULL is ignored. */
void sim_destroy(struct sim *sim);
/* The live simulator, or NULL. */
struct sim *sim_current(void);

/* Host page size; partitions must be aligned to it. */
size_t sim_page_size(void);

struct sim_stats {
	uint64_t mprotect_calls;     /* one per coalesced run of one view */
	uint64_t pages_changed;      /* page rights changes (per page and view) */
	uint64_t to_user;            /* kernel → user mode switches */
	uint64_t to_kernel;          /* user → kernel mode switches */
	uint64_t context_switches;   /* fiber switches */
	uint64_t syscalls;
	uint64_t faults;             /* arena SIGSEGVs handled */
	uint64_t oopses;
	uint64_t findings;
	uint64_t events_dropped;     /* beyond trace_max */
};
void sim_stats_get(const struct sim *sim, struct sim_stats *out);
/* Page-table changes the simulator made in this process so far, whatever
 * simulator they were for: what a fuzzer pays per input besides computing.
 * mprotect: page rights (and fiber stack guards); the rest: mappings. */
struct sim_pt_counts {
	uint64_t mprotect, mmap, munmap, memfd;
};
void sim_page_table_counts(struct sim_pt_counts *out);
uint64_t sim_page_table_changes(void); /* the sum of the four */
/* sim_destroy keeps the arena mapping (zeroed, read-write) for the next
 * sim_create of the same size; this unmaps it (the next arena is mapped
 * afresh, wherever the host puts it). */
void sim_arena_drop_kept(void);
void sim_stats_reset(struct sim *sim);

/*
 * Turns page-rights switching on or off at run time (benchmarks compare the
 * two in one run). Off: every page is RW in both views and stays so; modes,
 * verification and the registry still work, faults simply never happen.
 */
void sim_set_protect(struct sim *sim, bool on);
void sim_set_confine(struct sim *sim, bool on);

/* ======================================================================== */
/* Arena: views, address translation, region allocation                      */
/* ======================================================================== */

typedef uint32_t sim_taddr_t; /* a target address */

enum sim_view {
	SIM_VIEW_CACHED,
	SIM_VIEW_UNCACHED,
	SIM_VIEW_NONE,  /* not in the arena */
};
const char *sim_view_name(enum sim_view v); /* "cached", "uncached", "none" */

size_t sim_arena_size(const struct sim *sim);
void *sim_arena_base(const struct sim *sim, enum sim_view v);

/* Which view `p` points into (SIM_VIEW_NONE outside); *off gets its offset. */
enum sim_view sim_host_locate(const struct sim *sim, const void *p, size_t *off);
/* Is [p, p+len) entirely inside one view of the arena? */
bool sim_host_in_arena(const struct sim *sim, const void *p, size_t len);
/* Host pointer → target address (0 if not in the arena). */
sim_taddr_t sim_host_to_target(const struct sim *sim, const void *p);
/* Target address → host pointer in the matching view (NULL outside). */
void *sim_target_to_host(const struct sim *sim, uint64_t taddr, size_t len);
/* The same arena byte seen through view `v` (NULL if p is not in the arena). */
void *sim_to_view(const struct sim *sim, const void *p, enum sim_view v);
static inline void *sim_cached(const struct sim *sim, const void *p)
{
	return sim_to_view(sim, p, SIM_VIEW_CACHED);
}
static inline void *sim_uncached(const struct sim *sim, const void *p)
{
	return sim_to_view(sim, p, SIM_VIEW_UNCACHED);
}

/*
 * Page-granular allocation of arena regions (heap buffers, partitions,
 * stacks) outside the kernel data region. Returns a cached-view host pointer,
 * zeroed, or NULL when the arena is full / bytes is 0. Regions start out
 * kernel-only: a partition is what grants user access. `name` is kept for
 * fault reports and the audit ("region ll_heap_buf").
 */
void *sim_region_alloc(struct sim *sim, size_t bytes, const char *name);
/* Returns a region to the arena; it must not be in any domain. 0 / -EINVAL / -EBUSY. */
int sim_region_free(struct sim *sim, void *region);

/*
 * Allocation inside the kernel data region (kernel-only pages): for kernel
 * objects and kernel data. Zeroed; `align` a power of two (0: 8). The name
 * becomes the registry name of the object later initialised there (k_sem_init,
 * k_heap_init, ...). NULL when the region is full.
 */
void *sim_kobj_alloc(struct sim *sim, size_t bytes, size_t align, const char *name);

/* ======================================================================== */
/* Partitions and memory domains (Zephyr API and error codes)                */
/* ======================================================================== */

/* Attribute bits: privileged (kernel) and user rights; X = executable. */
#define K_MEM_PARTITION_P_R 0x01u
#define K_MEM_PARTITION_P_W 0x02u
#define K_MEM_PARTITION_P_X 0x04u
#define K_MEM_PARTITION_U_R 0x10u
#define K_MEM_PARTITION_U_W 0x20u
#define K_MEM_PARTITION_U_X 0x40u
typedef uint32_t k_mem_partition_attr_t;

#define K_MEM_PARTITION_P_RW_U_NA (K_MEM_PARTITION_P_R | K_MEM_PARTITION_P_W) /* kernel-only */
#define K_MEM_PARTITION_P_RO_U_RO (K_MEM_PARTITION_P_R | K_MEM_PARTITION_U_R)
#define K_MEM_PARTITION_P_RW_U_RO (K_MEM_PARTITION_P_RW_U_NA | K_MEM_PARTITION_U_R)
#define K_MEM_PARTITION_P_RW_U_RW (K_MEM_PARTITION_P_RW_U_RO | K_MEM_PARTITION_U_W)
#define K_MEM_PARTITION_P_RX_U_RX \
	(K_MEM_PARTITION_P_RO_U_RO | K_MEM_PARTITION_P_X | K_MEM_PARTITION_U_X)
#define K_MEM_PARTITION_P_RWX_U_RWX /* always rejected (W^X) */ \
	(K_MEM_PARTITION_P_RW_U_RW | K_MEM_PARTITION_P_X | K_MEM_PARTITION_U_X)
#define K_MEM_PARTITION_IS_WRITABLE(a) (((a) & (K_MEM_PARTITION_P_W | K_MEM_PARTITION_U_W)) != 0)
#define K_MEM_PARTITION_IS_EXECUTABLE(a) (((a) & (K_MEM_PARTITION_P_X | K_MEM_PARTITION_U_X)) != 0)

/* start: a host pointer into either view of the arena, as an integer. */
struct k_mem_partition {
	uintptr_t start;
	size_t size;
	k_mem_partition_attr_t attr;
};

/*
 * A memory domain lives in kernel memory (allocate it with sim_kobj_alloc and
 * pass it to k_mem_domain_init, which registers it as a "k_mem_domain").
 * Its partitions are copies, as in Zephyr. Layout is the simulator's; the
 * arena copy is what the audit and confinement watch.
 */
#define SIM_DOMAIN_PARTS_MAX 64
struct k_mem_domain {
	uint32_t num_partitions;
	uint32_t id;  /* the sim's domain number, for traces */
	struct {
		uint32_t start;  /* target address (view kept) */
		uint32_t size;
		uint32_t attr;
		uint32_t used;
	} partitions[SIM_DOMAIN_PARTS_MAX];
};

/*
 * Zephyr's rules, checked in this order for each partition:
 *   NULL / size 0 / unknown attribute bits or W^X (writable and executable) /
 *   start or size not aligned to the host page / start+size wraps / outside
 *   the arena (simulator rule) / overlaps a partition of the same domain
 *   (compared as addresses, so a buffer's cached and uncached partitions do
 *   not overlap) → -EINVAL.
 * k_mem_domain_init: num_parts > max_partitions, or parts NULL with
 * num_parts > 0 → -EINVAL; domain not in the arena → -EINVAL (re-init of a
 * known domain replaces its partitions). add_partition: unknown domain →
 * -EINVAL; checks first, then no free slot → -ENOSPC.
 * remove_partition: not found → -ENOENT. add_thread: not a thread → -EINVAL.
 * Domain calls are supervisor-only: called from user mode they oops the caller.
 *
 * Rights are per arena page, the same through both views: a partition through
 * either view grants its user rights to the page in both views (SOF adds the
 * cached and the uncached partition of a buffer together).
 */
int k_mem_domain_init(struct k_mem_domain *domain, uint8_t num_parts,
		      struct k_mem_partition *parts[]);
int k_mem_domain_add_partition(struct k_mem_domain *domain, struct k_mem_partition *part);
int k_mem_domain_remove_partition(struct k_mem_domain *domain, struct k_mem_partition *part);
struct k_thread;
typedef struct k_thread *k_tid_t;
int k_mem_domain_add_thread(struct k_mem_domain *domain, k_tid_t thread);

/* Names a domain for traces and the audit (default "domain<N>"). */
void sim_domain_set_name(struct k_mem_domain *domain, const char *name);

/* ======================================================================== */
/* Virtual time and threads                                                  */
/* ======================================================================== */

/* Timeouts in virtual microseconds. */
typedef struct {
	int64_t us; /* -1: forever */
} k_timeout_t;
#define K_NO_WAIT ((k_timeout_t){ 0 })
#define K_FOREVER ((k_timeout_t){ -1 })
#define K_USEC(t) ((k_timeout_t){ (int64_t)(t) })
#define K_MSEC(t) ((k_timeout_t){ (int64_t)(t) * 1000 })
#define K_TIMEOUT_EQ(a, b) ((a).us == (b).us)

uint64_t sim_now_us(const struct sim *sim);
static inline int64_t k_uptime_get(void);

/*
 * The arena part of a thread (a registered "k_thread" kernel object in the
 * kernel region). Wait queues link these by target address. The host part
 * (fiber context, stack bookkeeping) is private to the simulator.
 */
struct k_thread {
	uint32_t next;   /* wait-queue link: target address of the next k_thread, 0 */
	uint32_t prev;
	uint32_t id;     /* 1..SIM_MAX_THREADS */
	int32_t prio;    /* lower value = more urgent, as in Zephyr */
	uint32_t state;  /* enum sim_thread_state */
	uint32_t options;
};

#define K_USER 0x4u       /* thread option: runs in user mode */
#define K_INHERIT_PERMS 0x8u

enum sim_thread_state {
	SIM_THREAD_READY = 1,
	SIM_THREAD_RUNNING,
	SIM_THREAD_PENDED,    /* on a wait queue, maybe with a timeout */
	SIM_THREAD_SLEEPING,
	SIM_THREAD_EXITED,    /* entry returned */
	SIM_THREAD_OOPSED,    /* killed by a fault, failed syscall check or finding */
	SIM_THREAD_ABORTED,   /* k_thread_abort */
};

typedef void (*k_thread_entry_t)(void *p1, void *p2, void *p3);

struct sim_thread_params {
	const char *name;
	k_thread_entry_t entry;
	void *p1, *p2, *p3;
	int prio;
	uint32_t options;            /* K_USER, K_INHERIT_PERMS */
	size_t stack_bytes;          /* 0: the sim's default */
	struct k_mem_domain *domain; /* user threads: their domain (NULL: none yet) */
	k_timeout_t delay;           /* start after (K_NO_WAIT: ready now) */
	/* The thread's user code touches the arena only through sim_user_store:
	 * its rights are checked there, in software, against the same table the
	 * page rights are made from, so entering user mode changes no page
	 * rights (a fast round trip). Plain user code must leave this false. */
	bool soft_rights;
};

/*
 * Creates a thread; its stack is an arena region (user-writable only by that
 * thread, in user mode). Returns NULL when out of threads/arena. Callable
 * from kernel context (main or a kernel thread); threads only run inside
 * sim_run. A new thread's permissions: none (plus its creator's with
 * K_INHERIT_PERMS, as in Zephyr).
 */
k_tid_t sim_thread_create(struct sim *sim, const struct sim_thread_params *params);

k_tid_t k_current_get(void);   /* NULL in the main (boot/scheduler) context */
void k_yield(void);
int32_t k_sleep(k_timeout_t t); /* returns 0 (no early wake-ups are modelled) */
void k_thread_abort(k_tid_t t);
/* Waits (pends) until t is dead. 0, -EBUSY (K_NO_WAIT and alive), -EAGAIN
 * (timeout), -EDEADLK (t is the caller). From main context: runs the
 * scheduler until t is dead. */
int k_thread_join(k_tid_t t, k_timeout_t timeout);
/* Drops a kernel thread to user mode for good (Zephyr's k_thread_user_mode_enter),
 * then calls entry; never returns. */
void k_thread_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3);

enum sim_thread_state sim_thread_state(const struct sim *sim, k_tid_t t);
const char *sim_thread_name(const struct sim *sim, k_tid_t t);
bool sim_thread_is_user(const struct sim *sim, k_tid_t t);
/* The thread's stack (cached-view host pointer) and size. */
void *sim_thread_stack(const struct sim *sim, k_tid_t t, size_t *bytes);
/* Is the code running now in user mode? (false in main context) */
bool sim_in_user_mode(void);
/*
 * A user-mode store by the current thread, as plain code does it: byte by
 * byte, in order. A byte the thread may not write is a user fault there (the
 * thread oopses, as on a page fault; earlier bytes stay written). Page
 * rights decide, or for a soft_rights thread the same check in software.
 */
void sim_user_store(void *dst, const void *src, size_t n);
/* The load: a byte the thread may not read is a user fault there. */
void sim_user_load(void *dst, const void *src, size_t n);

/* Why a thread oopsed (valid when its state is SIM_THREAD_OOPSED). */
struct sim_oops {
	int reason;               /* enum sim_oops_reason */
	char message[160];        /* deterministic text */
};
enum sim_oops_reason {
	SIM_OOPS_FAULT = 1,       /* user access fault */
	SIM_OOPS_SYSCALL_VERIFY,  /* a verification helper failed */
	SIM_OOPS_SYSCALL_UNKNOWN, /* bad syscall id */
	SIM_OOPS_KERNEL_FINDING,  /* the syscall it made produced a finding */
	SIM_OOPS_PRIVILEGED,      /* a supervisor-only call from user mode */
	SIM_OOPS_HEAP_CHECK,      /* a sys_heap check fired in user mode */
};
bool sim_thread_oops(const struct sim *sim, k_tid_t t, struct sim_oops *out);

/*
 * Runs the scheduler in the calling (main) context: the most urgent ready
 * thread runs (FIFO among equal priorities) until it yields, pends, sleeps or
 * dies; when nothing is ready the virtual clock jumps to the next timeout or
 * timer. Stops when virtual time would pass `until_us` (UINT64_MAX: no limit),
 * all threads are dead, or nothing can ever run again.
 */
enum sim_run_result {
	SIM_RUN_IDLE,      /* no thread alive */
	SIM_RUN_TIME,      /* reached until_us */
	SIM_RUN_BLOCKED,   /* threads alive but all pended forever, no timers */
	SIM_RUN_BUDGET,    /* switch_budget exhausted (also a "hang" finding) */
	SIM_RUN_STOPPED,   /* a joined thread died, or sim_run was called from a thread */
};
enum sim_run_result sim_run(struct sim *sim, uint64_t until_us);

/*
 * Periodic virtual-time timer whose callback runs in kernel context (the
 * scheduler's, like an ISR: it may give semaphores, must not block).
 * first_us: absolute virtual time of the first expiry; period_us 0 = one-shot.
 * Returns a timer id ≥ 0 or -ENOSPC.
 */
typedef void (*sim_timer_fn)(struct sim *sim, void *arg);
int sim_timer_start(struct sim *sim, uint64_t first_us, uint64_t period_us, sim_timer_fn fn,
		    void *arg);
void sim_timer_stop(struct sim *sim, int timer_id);

/* ======================================================================== */
/* Kernel primitives (arena-resident, registered)                            */
/* ======================================================================== */

/* Links are target addresses of struct k_thread; 0 = empty. */
typedef struct {
	uint32_t head;
	uint32_t tail;
} _wait_q_t;

/* Debug spinlock: `owner` is the target address of the owning k_thread
 * (or 1 for the main/ISR context). Taking a lock that reads as held is a
 * deadlock on the target: reported as a "hang" finding naming the object. */
struct k_spinlock {
	uint32_t locked;
	uint32_t owner;
};
typedef struct {
	uint32_t key;
} k_spinlock_key_t;
k_spinlock_key_t k_spin_lock(struct k_spinlock *l);
void k_spin_unlock(struct k_spinlock *l, k_spinlock_key_t key);

struct k_sem {
	_wait_q_t wait_q;
	uint32_t count;
	uint32_t limit;
};
int k_sem_init(struct k_sem *sem, unsigned initial, unsigned limit);
/* 0, -EBUSY (K_NO_WAIT, unavailable), -EAGAIN (timeout). From user mode these
 * go through the syscall gate (K_SYSCALL_OBJ checks, as in Zephyr). */
int k_sem_take(struct k_sem *sem, k_timeout_t timeout);
void k_sem_give(struct k_sem *sem);
unsigned k_sem_count_get(struct k_sem *sem);
/* Zephyr's k_sem_give on whatever lies at target address `sem`, for a kernel
 * path (`path`: the SOF/Zephyr function) that gives a semaphore through a
 * pointer it did not set: the bytes are read as the target lays out a k_sem
 * and its first waiter's k_thread (sim/zsem_give.c). Stores outside
 * user-writable memory are KERNEL_TRUSTS_USER findings, as is readying a
 * thread; a load or store where nothing is mapped, or misaligned, is a
 * KERNEL_FAULT. False when the kernel faulted. */
bool sim_k_sem_give_at(struct sim *sim, uint32_t sem, const char *path);
#define SIM_K_SEM_TARGET_BYTES 16u /* a k_sem on the target: wait_q head, tail, count, limit */

struct k_mutex {
	_wait_q_t wait_q;
	uint32_t owner;       /* target address of the owning k_thread, 0 */
	uint32_t lock_count;
};
int k_mutex_init(struct k_mutex *m);
/* 0, -EBUSY, -EAGAIN; unlock: 0, -EINVAL (not locked), -EPERM (not owner). */
int k_mutex_lock(struct k_mutex *m, k_timeout_t timeout);
int k_mutex_unlock(struct k_mutex *m);

/*
 * The k_heap object as the target sees it (Xtensa layout: the embedded
 * struct sys_heap is three 32-bit words). The simulator keeps the host
 * `struct sys_heap` (configuration, hooks) privately and checks, before every
 * operation, that the arena words still say what it set: if a user rewrote
 * them, the kernel would follow the forged pointer on the target, so that is
 * reported as a "kernel object changed" finding and the call fails.
 */
struct k_heap {
	struct {
		uint32_t heap;       /* target address of the heap start S */
		uint32_t init_mem;   /* target address of the buffer */
		uint32_t init_bytes;
	} heap;
	_wait_q_t wait_q;
	struct k_spinlock lock;
};

/*
 * Initialises `h` (anywhere in the arena: kernel memory from sim_kobj_alloc
 * or a user partition — that is the layout's choice) on buffer mem/bytes
 * (also in the arena). cfg NULL: sys_heap_config_default. The sim fills
 * cfg.mem (translation of out-of-buffer target addresses into the arena,
 * either view; outside → "wild access") and cfg.target_base (the buffer's
 * target address) itself. Registers `h` as a "k_heap" object named `name`
 * (NULL: the sim_kobj_alloc name or "k_heap@<taddr>") and its buffer as
 * kernel-trusted heap metadata for the audit.
 * 0, -EINVAL (not in the arena / NULL), or the SYS_HEAP_INIT_* error.
 */
int k_heap_init_cfg(struct k_heap *h, void *mem, size_t bytes, const struct sys_heap_config *cfg,
		    const char *name);
void k_heap_init(struct k_heap *h, void *mem, size_t bytes);

/* As Zephyr: pend on the heap's wait queue until a free or the timeout. Not
 * syscalls (user mode touching a kernel k_heap faults, as on the target). */
void *k_heap_alloc(struct k_heap *h, size_t bytes, k_timeout_t timeout);
/* align must be 0 or a power of two: anything else is reported to the heap
 * check handler as "caller error" (upstream's __ASSERT) and returns NULL. */
void *k_heap_aligned_alloc(struct k_heap *h, size_t align, size_t bytes, k_timeout_t timeout);
/* What SOF's heap syscalls run: sys_heap_aligned_alloc on the k_heap's heap
 * under its lock, without k_heap_aligned_alloc's alignment check (the
 * sys_heap reads a non-power-of-two align as an alignment plus a rewind). */
void *sim_k_heap_sys_aligned_alloc(struct k_heap *h, size_t align, size_t bytes);
void *k_heap_calloc(struct k_heap *h, size_t num, size_t size, k_timeout_t timeout);
void *k_heap_realloc(struct k_heap *h, void *ptr, size_t bytes, k_timeout_t timeout);
void k_heap_free(struct k_heap *h, void *ptr);
/*
 * What a kernel path that calls sys_heap_* directly on &h->heap (SOF's
 * heap_alloc_aligned / heap_free) is about to use: the host sys_heap, or
 * NULL when h is not a k_heap or its sys_heap words are not what the kernel
 * set (a KOBJ_CHANGED finding is reported, as for k_heap_*). No lock taken.
 */
struct sys_heap *sim_k_heap_use(struct k_heap *h, const char *where);
/* The host sys_heap behind h (NULL if h is not a registered k_heap). */
struct sys_heap *sim_k_heap_sys(struct k_heap *h);

/* ======================================================================== */
/* Kernel-object registry                                                    */
/* ======================================================================== */

enum k_objects {
	K_OBJ_ANY = 0,
	K_OBJ_THREAD,
	K_OBJ_SEM,
	K_OBJ_MUTEX,
	K_OBJ_HEAP,        /* struct k_heap */
	K_OBJ_MEM_DOMAIN,
	K_OBJ_DATA,        /* other kernel data a layer registers (named type) */
	K_OBJ_TYPE_COUNT,
};
const char *k_object_type_name(enum k_objects t); /* "k_heap", "k_sem", ... */

/* A named field, for reports ("k_heap ll_heap +0x14 (lock.locked)"). */
struct sim_field {
	uint32_t offset;
	uint32_t size;
	const char *name;
	const char *group;  /* audit groups fields: "spinlock", "wait_q", NULL */
};

/*
 * Registers kernel data a layer owns (e.g. the LL scheduler's task list) so
 * that faults, confinement and the audit name it. `type_name` is free text
 * ("ll_sched_list"). `fields` (may be NULL) must outlive the sim.
 * 0, -EINVAL (not in the arena, size 0), -EEXIST (overlaps a registered object),
 * -ENOMEM.
 */
int sim_kobj_register(struct sim *sim, void *addr, size_t size, enum k_objects type,
		      const char *type_name, const char *name, const struct sim_field *fields,
		      unsigned nfields);
int sim_kobj_unregister(struct sim *sim, void *addr);

/* Sets the name of a registered object (or of memory about to be one). */
void sim_kobj_set_name(struct sim *sim, void *addr, const char *name);

struct sim_kobj_info {
	enum k_objects type;
	const char *type_name;
	const char *name;
	sim_taddr_t taddr;    /* target address of the object (its view) */
	size_t size;
	uint32_t owner;       /* thread id of the creator, 0 = main/kernel */
	uint64_t perms;       /* bit (id-1) set: thread id may use it */
	bool initialized;
};
/* The registered object containing p (either view); offset inside it. */
bool sim_kobj_find(const struct sim *sim, const void *p, struct sim_kobj_info *out, size_t *offset);

/*
 * Zephyr's k_object_validate: the object at exactly `obj` (the view it was
 * registered through) of type `type` (K_OBJ_ANY: any), usable by the current
 * thread. Returns 0; -EBADF (not an object of that type), -EPERM (the current
 * user thread has no permission), -EINVAL (init 1: not initialised),
 * -EADDRINUSE (init -1: already initialised); init 0: either.
 */
int k_object_validate(const void *obj, enum k_objects type, int init);
void k_object_access_grant(const void *obj, k_tid_t thread);

/*
 * A thread, semaphore or mutex has a record in kernel memory with what the
 * gate checks (sim/kobj.c): Zephyr's struct k_object, __packed: name (the
 * object's target address), perms (bit i for thread index i), type (enum
 * k_objects), flags (bit 0 initialised, bit 1 public), data (a thread's
 * index, id-1). k_object_validate decides from those bytes.
 * sim_kobj_record returns the record (arena memory), or NULL for other
 * objects.
 */
#define SIM_KOBJ_PERM_BYTES 4 /* CONFIG_MAX_THREAD_BYTES */
#define SIM_KOBJ_REC_NAME 0
#define SIM_KOBJ_REC_PERMS 4
#define SIM_KOBJ_REC_TYPE (SIM_KOBJ_REC_PERMS + SIM_KOBJ_PERM_BYTES)
#define SIM_KOBJ_REC_FLAGS (SIM_KOBJ_REC_TYPE + 1)
#define SIM_KOBJ_REC_DATA (SIM_KOBJ_REC_TYPE + 2)
#define SIM_KOBJ_REC_BYTES 16 /* __aligned(4) */
void *sim_kobj_record(struct sim *sim, const void *obj);

/* Describes an address for traces: "kernel+0x42c cached: k_heap ll_heap
 * +0x14 (lock.locked)" or "region ll_heap_buf+0x1f8 uncached: chunk 63
 * FREE_NEXT". Always NUL-terminated, deterministic. */
void sim_describe_addr(const struct sim *sim, const void *p, char *buf, size_t len);

/* ======================================================================== */
/* Syscall gate                                                              */
/* ======================================================================== */

#define SIM_SYSCALL_ARGS 6

/* A write footprint: ranges (host pointers, any view; the whole page and
 * its alias are opened, and the bytes outside the ranges on those pages are
 * still checked). */
struct sim_footprint {
	unsigned n;
	struct {
		void *addr;
		size_t size;
	} r[SIM_FOOTPRINT_MAX];
};
/* Adds a range; adds a registered k_heap's object and its buffer. 0 / -ENOSPC. */
int sim_footprint_add(struct sim_footprint *fp, void *addr, size_t size);
int sim_footprint_add_heap(struct sim_footprint *fp, struct k_heap *h);

/*
 * Each function gets the definition's `ctx` first (the state of the layer
 * that registered the syscall, so it needs no global to find it).
 * verify: runs in kernel mode first; returns 0 to go on, or non-zero
 *   (use the K_SYSCALL_* helpers, which record why) to oops the caller.
 * impl: the implementation; its return value is the syscall's.
 * footprint: optional; adds ranges computed from the raw (not yet verified)
 *   arguments to the static `writes`. It must not dereference them; ranges
 *   outside the arena are ignored.
 */
typedef int (*sim_syscall_verify_fn)(void *ctx, uintptr_t args[SIM_SYSCALL_ARGS]);
typedef uintptr_t (*sim_syscall_impl_fn)(void *ctx, uintptr_t args[SIM_SYSCALL_ARGS]);
typedef void (*sim_syscall_footprint_fn)(void *ctx, uintptr_t args[SIM_SYSCALL_ARGS],
					 struct sim_footprint *fp);

struct sim_syscall_def {
	const char *name;
	unsigned nargs;
	sim_syscall_verify_fn verify;
	sim_syscall_impl_fn impl;
	struct sim_footprint writes;
	sim_syscall_footprint_fn footprint;
	void *ctx;                     /* passed to verify, impl and footprint */
	/* The simulator's own primitive (the built-in k_sem_*, k_mutex_*, k_yield,
	 * k_sleep): once verified it acts on one registered object of its type,
	 * writes only that object, and keeps wait queues and thread states
	 * through the backdoor. Confinement could find nothing there but a
	 * simulator bug, so no window copies pages for it. */
	bool own_primitive;
};

/* Returns the syscall id (≥ 0), -EINVAL (missing name/impl), -EEXIST (name
 * taken), -ENOSPC. Built-ins (k_sem_*, k_mutex_*, k_sleep, k_yield) are
 * registered by sim_create. */
int sim_syscall_register(struct sim *sim, const struct sim_syscall_def *def);
int sim_syscall_lookup(const struct sim *sim, const char *name);
/* The `ctx` syscall `id` was registered with (NULL for an unknown id). */
void *sim_syscall_ctx(const struct sim *sim, int id);

/*
 * The gate. From a user thread: kernel mode, open the footprint (confined
 * window), verify, impl, close the window (confinement diff), back to user
 * mode. A failed check, an unknown id, or a finding during the call oopses
 * the caller (does not return). From kernel context (main, a kernel thread,
 * or inside another syscall): calls impl directly, as z_impl_* would be,
 * without verification; an unknown id returns -ENOSYS.
 */
uintptr_t sim_syscall(int id, uintptr_t a0, uintptr_t a1, uintptr_t a2, uintptr_t a3,
		      uintptr_t a4, uintptr_t a5);
uintptr_t sim_syscall_n(int id, unsigned nargs, const uintptr_t *args);
/* True once a finding in this syscall has doomed it: implementations may stop early. */
bool sim_syscall_aborted(void);

/* Verification helpers (return 0 if fine, non-zero after recording why). */
int sim_vrfy_obj(const void *obj, enum k_objects type, int init, const char *expr);
int sim_vrfy_mem(const void *p, size_t size, bool write, const char *expr);
int sim_vrfy(bool ok, const char *expr, const char *msg);

#define K_SYSCALL_OBJ(ptr, type) sim_vrfy_obj((const void *)(ptr), (type), 1, #ptr)
#define K_SYSCALL_OBJ_INIT(ptr, type) sim_vrfy_obj((const void *)(ptr), (type), 0, #ptr)
#define K_SYSCALL_OBJ_NEVER_INIT(ptr, type) sim_vrfy_obj((const void *)(ptr), (type), -1, #ptr)
#define K_SYSCALL_MEMORY_READ(ptr, size) \
	sim_vrfy_mem((const void *)(ptr), (size_t)(size), false, #ptr)
#define K_SYSCALL_MEMORY_WRITE(ptr, size) \
	sim_vrfy_mem((const void *)(ptr), (size_t)(size), true, #ptr)
#define K_SYSCALL_VERIFY_MSG(expr, msg) sim_vrfy((expr), #expr, (msg))
#define K_SYSCALL_VERIFY(expr) sim_vrfy((expr), #expr, NULL)
/* In a verify function: `K_OOPS(K_SYSCALL_OBJ(h, K_OBJ_HEAP));` */
#define K_OOPS(expr)             \
	do {                     \
		if (expr)        \
			return 1; \
	} while (0)

/*
 * Can thread t (its domain and stack, in user mode) read/write all of
 * [p, p+size)? Either view. What K_SYSCALL_MEMORY_* checks.
 */
bool sim_user_can_access(const struct sim *sim, k_tid_t t, const void *p, size_t size, bool write);

/*
 * Performs a user-mode access as thread t from the main context, without a
 * fiber: applies t's rights, copies (write: src → p; read: p → dst), restores
 * kernel rights. 0, or -EFAULT with the fault described in *fault (may be
 * NULL) — no oops, no finding: the caller decides. For fuzzers' raw writes.
 */
struct sim_fault {
	uint64_t taddr;           /* target address of the faulting byte */
	size_t offset;            /* arena offset */
	enum sim_view view;
	bool write;
	bool user;                /* mode at the fault */
	uint32_t thread;          /* thread id, 0 = main */
	char where[128];          /* sim_describe_addr of the address */
	char syscall[SIM_NAME_MAX];
};
int sim_user_access(struct sim *sim, k_tid_t t, void *p, void *buf, size_t len, bool write,
		    struct sim_fault *fault);

/* ======================================================================== */
/* Findings, events, trace                                                   */
/* ======================================================================== */

enum sim_finding_kind {
	SIM_FINDING_KERNEL_FAULT = 1, /* kernel touched memory it must not (wild target address, fault) */
	SIM_FINDING_CONFINEMENT,      /* a syscall wrote outside its footprint */
	SIM_FINDING_KOBJ_CHANGED,     /* a kernel object changed other than through its API */
	SIM_FINDING_HEAP_CHECK,       /* a sys_heap check fired in kernel mode */
	SIM_FINDING_VALIDATE,         /* sys_heap_validate failed (reported by a layer above) */
	SIM_FINDING_HANG,             /* deadlock on a spinlock / switch budget exhausted */
	SIM_FINDING_OTHER,
	SIM_FINDING_MODEL_MISMATCH,   /* a heap result differs from a shadow model (layer above) */
	SIM_FINDING_HARNESS,          /* the harness above the simulator misbehaved (layer above) */
	SIM_FINDING_KERNEL_TRUSTS_USER, /* kernel used a value it read from user-writable memory */
};
/* The simulator's own reports spell a kind short ("kobj-changed"); finding
 * records of the layers above spell it long ("kernel-object-changed"). Both
 * spellings are kept because saved traces and records use them. */
const char *sim_finding_kind_name(enum sim_finding_kind k);      /* "?" if unknown */
const char *sim_finding_kind_long_name(enum sim_finding_kind k); /* "unknown" if unknown */

#define SIM_FINDING_BYTES 16
struct sim_finding {
	enum sim_finding_kind kind;
	char message[256];             /* one line, deterministic */
	char syscall[SIM_NAME_MAX];    /* "" outside syscalls */
	char object[SIM_NAME_MAX];     /* registered name, "" if none */
	char object_type[SIM_NAME_MAX];
	char field[SIM_NAME_MAX];      /* field or heap-metadata piece, "" */
	uint64_t taddr;                /* target address involved (0: none) */
	enum sim_view view;
	size_t offset;                 /* offset inside the object (or region) */
	unsigned nbytes;               /* bytes changed (old/new below, up to 16) */
	uint8_t old_bytes[SIM_FINDING_BYTES];
	uint8_t new_bytes[SIM_FINDING_BYTES];
	uint32_t thread;               /* thread id, 0 = main */
	char thread_name[SIM_NAME_MAX];
	bool user;                     /* mode when it happened */
	uint64_t time_us;
	/* HEAP_CHECK and the heap's wild access: which check fired, and whether it
	 * refused the caller's argument (heap unchanged) rather than found the
	 * heap inconsistent. SYS_HEAP_CHECK_NONE for other findings. */
	enum sys_heap_check_id heap_check;
	bool heap_refused;
};

/* All findings so far (pointer valid until the next finding or sim_destroy). */
const struct sim_finding *sim_findings(const struct sim *sim, size_t *count);
/* Lets a layer above report its own oracle's finding (e.g. VALIDATE). */
void sim_report_finding(struct sim *sim, const struct sim_finding *f);
/* One line (no newline) / a JSON object with stable key order. */
void sim_finding_format(const struct sim_finding *f, char *buf, size_t len);
void sim_finding_json(const struct sim_finding *f, FILE *out);
/* `s` as a quoted JSON string (quote, backslash and control bytes escaped;
 * NULL as ""), for every JSON writer above the simulator too. */
void sim_json_string(FILE *out, const char *s);

enum sim_event_kind {
	SIM_EV_THREAD_CREATE = 1,
	SIM_EV_THREAD_START,
	SIM_EV_THREAD_EXIT,
	SIM_EV_THREAD_OOPS,
	SIM_EV_THREAD_ABORT,
	SIM_EV_SWITCH,      /* scheduler runs a thread */
	SIM_EV_PEND,
	SIM_EV_WAKE,
	SIM_EV_TIMEOUT,
	SIM_EV_SLEEP,
	SIM_EV_TIMER,
	SIM_EV_SYSCALL,     /* entry */
	SIM_EV_SYSCALL_RET,
	SIM_EV_FAULT,
	SIM_EV_FINDING,
	SIM_EV_DOMAIN,
	SIM_EV_NOTE,        /* sim_trace_note from a layer above */
};
struct sim_event {
	uint64_t seq;
	uint64_t time_us;
	enum sim_event_kind kind;
	uint32_t thread;     /* 0 = main */
	char text[160];
};
const char *sim_event_kind_name(enum sim_event_kind k);
typedef void (*sim_event_hook)(const struct sim_event *e, void *ctx);
void sim_set_event_hook(struct sim *sim, sim_event_hook fn, void *ctx);
/* Adds a NOTE event (printf-style) so layers above can interleave their steps. */
void sim_trace_note(struct sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "seq time thread kind text" lines. */
void sim_trace_write(const struct sim *sim, FILE *out);

/* ======================================================================== */
/* Audit                                                                     */
/* ======================================================================== */

struct sim_audit_item {
	char object[SIM_NAME_MAX];       /* registered name */
	char type[SIM_NAME_MAX];         /* "k_heap", "z_heap", "chunk headers", ... */
	char detail[160];                /* "spinlock, wait_q" / "42 chunk headers, 3 free" */
	sim_taddr_t taddr;               /* cached-view target address of the exposed bytes */
	size_t bytes;                    /* exposed bytes (whole object or metadata piece) */
	char domain[SIM_NAME_MAX];       /* a domain (or "stack of <thread>") granting the write */
	char partition_view[16];         /* view through which that partition was granted */
};
struct sim_audit {
	size_t count;
	struct sim_audit_item *items;    /* owned: sim_audit_free */
	size_t objects_checked;
	size_t heaps_checked;
};

/*
 * Walks the registry and the domains: every kernel object, and the in-band
 * metadata of every kernel-trusted heap (its z_heap header with bucket
 * heads, and its chunk headers), lying in a page that some user thread could
 * write (through any domain — with or without threads yet — or its stack,
 * through either view). 0 with *out filled (count 0: clean), -ENOMEM.
 */
int sim_audit(struct sim *sim, struct sim_audit *out);
void sim_audit_free(struct sim_audit *a);
void sim_audit_text(const struct sim_audit *a, FILE *out);
void sim_audit_json(const struct sim_audit *a, FILE *out);

/* ======================================================================== */
/* Kernel reads of user-writable memory (the model's SMAP: sim/kread.c)      */
/* ======================================================================== */

/* What the kernel does with the value it read. */
enum sim_kread_use {
	SIM_KREAD_VALUE,     /* plain data (a count, a flag) */
	SIM_KREAD_POINTER,   /* followed as an address */
	SIM_KREAD_LENGTH,    /* a length or size the kernel acts on */
	SIM_KREAD_LOCK,      /* a lock pointer */
	SIM_KREAD_KOBJ,      /* a kernel-object reference (k_sem, k_event, k_thread...) */
};
/* Why a read is allowed by the design (SIM_KREAD_UNDECLARED: it is not). */
enum sim_kread_basis {
	SIM_KREAD_UNDECLARED,
	SIM_KREAD_ARG_COPY,   /* copying a syscall argument */
	SIM_KREAD_VERIFIER,   /* a syscall verifier's own check */
	SIM_KREAD_HEAP_INBAND, /* sys_heap on its in-band metadata (the known exposure) */
};
const char *sim_kread_use_name(enum sim_kread_use u);
const char *sim_kread_basis_name(enum sim_kread_basis b);

/* One inventory line: a (kernel path, object.field) pair, with its counts. */
struct sim_kread_site {
	char path[SIM_NAME_MAX];   /* the SOF/Zephyr function, "zephyr_domain_timer_fn" */
	char context[16];          /* "ISR", "syscall", "kernel thread", "boot" */
	char what[96];             /* "zephyr_domain.domain_thread[1].sem" */
	sim_taddr_t taddr;         /* first address read */
	enum sim_view view;
	enum sim_kread_use use;
	enum sim_kread_basis basis;
	bool user_writable;        /* false: the read was of kernel-only memory */
	char grant[SIM_NAME_MAX];  /* who grants user write ("domain ll_domain") */
	uint64_t count;
	uint64_t forged;           /* reads whose value differed from what the kernel set */
};

/*
 * A 32-bit read by modelled kernel code (the path names the SOF/Zephyr
 * function). Reads of kernel-only memory are not recorded. A read of
 * user-writable memory is recorded in the inventory; when it is trusted
 * (use ≠ VALUE, basis UNDECLARED) and the value is not `expect` (what the
 * kernel itself stored there), a KERNEL_TRUSTS_USER finding is reported
 * once per site. Returns the value read. p must be in the arena.
 */
uint32_t sim_kread32(const void *p, const char *path, const char *what, enum sim_kread_use use,
		     enum sim_kread_basis basis, uint32_t expect);
/* Records a read of `len` bytes whose value the caller handles itself. */
void sim_kread_note(const void *p, size_t len, const char *path, const char *what,
		    enum sim_kread_use use, enum sim_kread_basis basis);
/* Is any byte of [p, p+len) writable by some user thread (any domain or a
 * user stack)? `who` (may be NULL) gets the first grant. */
bool sim_user_writable(const struct sim *sim, const void *p, size_t len, char *who, size_t wholen);
/* The inventory so far (pointer valid until the next read or sim_destroy). */
const struct sim_kread_site *sim_kreads(const struct sim *sim, size_t *count);
/* Reads of user-writable bytes since sim_create (all sites). */
uint64_t sim_kread_total(const struct sim *sim);
/* The oracle can be switched off (benchmarks): reads are then not examined. */
void sim_kread_set_enabled(struct sim *sim, bool on);

/*
 * Interleaving points: `fn` runs just before each kernel read of
 * user-writable memory that sim_kread32 / sim_kread_note record (for a note:
 * at the note), with the read's place, path and field — where a thread on
 * another core can act between two kernel steps, deterministically. NULL
 * removes it. The hook must not read through sim_kread32 itself.
 */
typedef void (*sim_kread_hook_fn)(void *ctx, const void *p, size_t len, const char *path,
				  const char *what);
void sim_kread_set_hook(struct sim *sim, sim_kread_hook_fn fn, void *ctx);
/* A store of n bytes by user thread t running on another core while the
 * current thread runs (an interleaving point): checked against t's rights,
 * written through the simulator's backdoor so that it is not the current
 * syscall's write. 0, or -EFAULT (t may not write there; nothing written). */
int sim_store_by_other_core(struct sim *sim, k_tid_t t, void *dst, const void *src, size_t n);

/* ======================================================================== */

static inline int64_t k_uptime_get(void)
{
	struct sim *s = sim_current();

	return s ? (int64_t)(sim_now_us(s) / 1000) : 0;
}

#ifdef __cplusplus
}
#endif

#endif /* HEAPSIM_SIM_H */
