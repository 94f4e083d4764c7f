/*
 * heapsim's Zephyr drop-in: the part of <zephyr/kernel.h> that heap code and
 * its host tests use — k_heap (K_HEAP_DEFINE, k_heap_*), the k_malloc family,
 * timeouts, priorities, sleeping, ISR context (irq_offload), fatal errors,
 * threads (kernel/thread.h), memory domains (app_memory/mem_domain.h) and
 * kernel objects (sys/kobject.h).
 *
 * Everything works from a plain main(): K_HEAP_DEFINE heaps are initialised
 * before main() runs, as Zephyr's boot does, and k_malloc() draws on a system
 * heap of HEAPSIM_HEAP_MEM_POOL_SIZE bytes that heapsim's build fixes. A
 * k_heap is a host object: a sys_heap with a host lock, whose waiters (a
 * timeout other than K_NO_WAIT) sleep on a condition variable in real time.
 *
 * This header and heapsim's simulator header (sim.h, with its arena-resident
 * k_heap) cannot be used in the same file, and heapsim::zephyr and the
 * simulator library cannot be linked into one program: both define k_heap_*.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_H_
#define ZEPHYR_INCLUDE_KERNEL_H_

#ifdef HEAPSIM_SIM_H
#error "<zephyr/kernel.h> (host k_heap) and heapsim's sim.h (simulated k_heap) cannot share a file"
#endif

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zephyr/types.h>
#include <zephyr/toolchain.h>
#include <zephyr/fatal.h>
#include <zephyr/sys/util.h>
#include <zephyr/sys/__assert.h>
#include <zephyr/sys/sys_heap.h>
#include <zephyr/heapsim_kconfig.h>
#include <zephyr/kernel/thread.h>
#include <zephyr/kernel/thread_stack.h>
#include <zephyr/app_memory/mem_domain.h>
#include <zephyr/sys/kobject.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- time ------------------------------------------------------------------ */

#ifndef CONFIG_SYS_CLOCK_TICKS_PER_SEC
#define CONFIG_SYS_CLOCK_TICKS_PER_SEC 10000
#endif

typedef int64_t k_ticks_t;
typedef struct {
	k_ticks_t ticks;
} k_timeout_t;

#define K_TICKS_FOREVER ((k_ticks_t)-1)
#define Z_TIMEOUT_NO_WAIT ((k_timeout_t){ .ticks = 0 })
#define Z_TIMEOUT_TICKS(t) ((k_timeout_t){ .ticks = (k_ticks_t)(t) })
#define Z_FOREVER Z_TIMEOUT_TICKS(K_TICKS_FOREVER)
/* Rounded up: a timeout never expires early. */
#define Z_HEAPSIM_TO_TICKS(n, per_sec) \
	(((k_ticks_t)(n) * CONFIG_SYS_CLOCK_TICKS_PER_SEC + (per_sec) - 1) / (per_sec))
#define Z_TIMEOUT_MS(t) Z_TIMEOUT_TICKS(Z_HEAPSIM_TO_TICKS(MAX((int64_t)(t), 0), 1000))
#define Z_TIMEOUT_US(t) Z_TIMEOUT_TICKS(Z_HEAPSIM_TO_TICKS(MAX((int64_t)(t), 0), 1000000))
#define Z_TIMEOUT_NS(t) Z_TIMEOUT_TICKS(Z_HEAPSIM_TO_TICKS(MAX((int64_t)(t), 0), 1000000000))

#define K_NO_WAIT Z_TIMEOUT_NO_WAIT
#define K_FOREVER Z_FOREVER
#define K_TICKS(t) Z_TIMEOUT_TICKS(t)
#define K_NSEC(t) Z_TIMEOUT_NS(t)
#define K_USEC(t) Z_TIMEOUT_US(t)
#define K_MSEC(ms) Z_TIMEOUT_MS(ms)
#define K_SECONDS(s) K_MSEC((s) * 1000)
#define K_MINUTES(m) K_SECONDS((m) * 60)
#define K_HOURS(h) K_MINUTES((h) * 60)
#define K_TIMEOUT_EQ(a, b) ((a).ticks == (b).ticks)

int32_t k_msleep(int32_t ms);
int32_t k_usleep(int32_t us);
/* K_FOREVER sleeps for good, as on Zephyr. Returns 0 (no early wake-ups). */
int32_t k_sleep(k_timeout_t timeout);
void k_busy_wait(uint32_t usec_to_wait);
void k_yield(void);
/* Milliseconds since the program started. */
int64_t k_uptime_get(void);
static inline uint32_t k_uptime_get_32(void)
{
	return (uint32_t)k_uptime_get();
}
/* True while an irq_offload() routine runs on this thread. */
bool k_is_in_isr(void);

/* ---- thread priorities (Zephyr's default Kconfig) ------------------------- */

#ifndef CONFIG_NUM_COOP_PRIORITIES
#define CONFIG_NUM_COOP_PRIORITIES 16
#endif
#ifndef CONFIG_NUM_PREEMPT_PRIORITIES
#define CONFIG_NUM_PREEMPT_PRIORITIES 15
#endif
#define K_PRIO_COOP(x) (-(CONFIG_NUM_COOP_PRIORITIES - (x)))
#define K_PRIO_PREEMPT(x) (x)
#define K_HIGHEST_THREAD_PRIO (-CONFIG_NUM_COOP_PRIORITIES)
#define K_LOWEST_THREAD_PRIO CONFIG_NUM_PREEMPT_PRIORITIES
#define K_IDLE_PRIO K_LOWEST_THREAD_PRIO
#define K_HIGHEST_APPLICATION_THREAD_PRIO (K_HIGHEST_THREAD_PRIO)
#define K_LOWEST_APPLICATION_THREAD_PRIO (K_LOWEST_THREAD_PRIO - 1)

/* ---- threads (see <zephyr/kernel/thread.h> for the scheduling) ----------- */

/* The drop-in's kernel has user mode, memory domains and syscalls. */
#ifndef CONFIG_USERSPACE
#define CONFIG_USERSPACE 1
#endif
#ifndef CONFIG_MAIN_THREAD_PRIORITY
#define CONFIG_MAIN_THREAD_PRIORITY 0
#endif

/*
 * As Zephyr: the thread starts after `delay` (K_NO_WAIT: now; K_FOREVER: at
 * k_thread_start), in the creator's memory domain, in user mode with K_USER,
 * with the creator's object permissions with K_INHERIT_PERMS, and with
 * access to itself. Its code runs on a host stack of its own; `stack` is its
 * stack object. Under CONFIG_ASSERT (of the calling file) these are
 * assertions: creating in an ISR, a priority outside
 * [K_HIGHEST_THREAD_PRIO, K_LOWEST_APPLICATION_THREAD_PRIO], a NULL thread,
 * stack or entry, a thread that is still running, a K_USER thread on a stack
 * that is not a K_THREAD_STACK_DEFINE stack. Whether asserted or not, such a
 * call creates nothing and returns NULL.
 */
k_tid_t z_heapsim_thread_create(bool asserts, struct k_thread *new_thread, k_thread_stack_t *stack,
				size_t stack_size, k_thread_entry_t entry, void *p1, void *p2,
				void *p3, int prio, uint32_t options, k_timeout_t delay);
#ifndef Z_HEAPSIM_LIBRARY
static inline k_tid_t z_heapsim_zephyr_thread_create(struct k_thread *new_thread,
						     k_thread_stack_t *stack, size_t stack_size,
						     k_thread_entry_t entry, void *p1, void *p2,
						     void *p3, int prio, uint32_t options,
						     k_timeout_t delay)
{
	return z_heapsim_thread_create(__ASSERT_ON, new_thread, stack, stack_size, entry, p1, p2,
				       p3, prio, options, delay);
}
#define k_thread_create z_heapsim_zephyr_thread_create
#endif

/* Starts a thread created with a K_FOREVER delay (no effect otherwise). */
void k_thread_start(k_tid_t thread);
/* 0 once the thread has exited or been aborted; -EBUSY with K_NO_WAIT,
 * -EAGAIN when the timeout expires, -EDEADLK when joining oneself or a
 * thread that is joining the caller, or when no thread could ever run
 * (after a fatal K_ERR_KERNEL_PANIC "deadlock" error: Zephyr would hang). */
int k_thread_join(struct k_thread *thread, k_timeout_t timeout);
/* Ends a thread (the caller itself does not return). Aborting an essential
 * thread is a fatal K_ERR_KERNEL_PANIC. When the thread of a host thread
 * (main()) ends, the other threads run until none can, then main's host
 * thread exits with status 0. */
void k_thread_abort(k_tid_t thread);
k_tid_t k_current_get(void);
k_tid_t k_sched_current_thread_query(void);
/* True in a user thread, outside the syscall handlers it calls. */
bool k_is_user_context(void);
/* Drops the calling thread to user mode for good and runs entry there; the
 * thread ends when entry returns. */
FUNC_NORETURN void k_thread_user_mode_enter(k_thread_entry_t entry, void *p1, void *p2, void *p3);
/* NULL thread: the caller. -EINVAL for a NULL name. Names are cut to
 * CONFIG_THREAD_MAX_NAME_LEN - 1 characters. */
int k_thread_name_set(k_tid_t thread, const char *str);
const char *k_thread_name_get(k_tid_t thread);
int k_thread_priority_get(k_tid_t thread);
void k_thread_priority_set(k_tid_t thread, int prio);
void k_thread_custom_data_set(void *value);
void *k_thread_custom_data_get(void);

/*
 * heapsim: a user thread's own access to memory, checked in software (a
 * host has no MPU). In a user thread, an access to [ptr, ptr + size) that
 * its domain's partitions, its stack and the program's read-only data do not
 * allow is a fatal K_ERR_CPU_EXCEPTION, and the thread is aborted, as an MPU
 * fault would end it. In supervisor mode it always passes.
 */
void heapsim_user_access(const volatile void *ptr, size_t size, bool write);
#define HEAPSIM_USER_ACCESS(ptr, size, write) heapsim_user_access((ptr), (size), (write))

/* ---- k_heap ---------------------------------------------------------------- */

/* Zephyr's members (heap, wait_q, lock) by name; the rest is heapsim's. */
struct k_heap {
	struct sys_heap heap;
	struct {
		unsigned int waiters; /* threads sleeping in an alloc */
	} wait_q;
	struct {
		int unused;
	} lock;
	struct heapsim_kconfig kconfig; /* settings of the file that defined it */
	int state;                      /* 0 not yet initialised, 1 usable, -1 unusable */
};

void z_heapsim_k_heap_init(struct k_heap *heap, void *mem, size_t bytes,
			   const struct heapsim_kconfig *kc);
/* Initialises a K_HEAP_DEFINE heap from its init_mem/init_bytes (once). */
void z_heapsim_k_heap_static_init(struct k_heap *heap);

/*
 * K_HEAP_DEFINE heaps live in one section so that k_heap_array_get() can hand
 * them out as an array, as Zephyr's iterable sections do; a constructor
 * initialises each before main().
 */
#if defined(__clang__)
/* AddressSanitizer would pad each heap with a redzone and break the array. */
#define Z_HEAPSIM_NOASAN __attribute__((__no_sanitize__("address")))
#else
#define Z_HEAPSIM_NOASAN
#endif
#define Z_HEAPSIM_K_HEAP_SECTION                                                  \
	__attribute__((__section__("heapsim_k_heap"), __used__,                   \
		       __aligned__(__alignof__(struct k_heap)))) Z_HEAPSIM_NOASAN

#define K_HEAP_DEFINE(name, bytes)                                                        \
	static char __aligned(8) kheap_##name[MAX(bytes, Z_HEAP_MIN_SIZE)];               \
	Z_HEAPSIM_K_HEAP_SECTION struct k_heap name = {                                   \
		.heap = { .init_mem = kheap_##name,                                      \
			  .init_bytes = MAX(bytes, Z_HEAP_MIN_SIZE) },                   \
		.kconfig = Z_HEAPSIM_KCONFIG_INIT,                                        \
	};                                                                                \
	__attribute__((__constructor__)) static void z_heapsim_k_heap_ctor_##name(void)  \
	{                                                                                 \
		z_heapsim_k_heap_static_init(&name);                                      \
	}
#define K_HEAP_DEFINE_NOCACHE(name, bytes) K_HEAP_DEFINE(name, bytes)

/* k_heap_init on memory that cannot hold a heap (NULL, too small, too big)
 * raises a fatal error under CONFIG_ASSERT and always says so on stderr; the
 * heap is then unusable and every later call on it is a fatal error (a fault
 * on Zephyr). */
#ifndef Z_HEAPSIM_LIBRARY
static inline void z_heapsim_zephyr_k_heap_init(struct k_heap *heap, void *mem, size_t bytes)
{
	static const struct heapsim_kconfig kc = Z_HEAPSIM_KCONFIG_INIT;

	z_heapsim_k_heap_init(heap, mem, bytes, &kc);
}
#define k_heap_init z_heapsim_zephyr_k_heap_init
#endif

/* As Zephyr: NULL on failure; a timeout other than K_NO_WAIT waits for a free
 * (not allowed in an ISR: an assertion, then K_NO_WAIT). A NULL heap is a
 * fatal error (a fault on Zephyr). aligned_alloc: align must be 0 or a power
 * of two (assertion under CONFIG_ASSERT; without it the call fails). */
void *k_heap_alloc(struct k_heap *h, size_t bytes, k_timeout_t timeout);
void *k_heap_aligned_alloc(struct k_heap *h, size_t align, size_t bytes, k_timeout_t timeout);
void *k_heap_calloc(struct k_heap *h, size_t num, size_t size, k_timeout_t timeout);
void *k_heap_realloc(struct k_heap *h, void *ptr, size_t bytes, k_timeout_t timeout);
void k_heap_free(struct k_heap *h, void *mem);
/* The K_HEAP_DEFINE heaps of the program (the system heap among them): their
 * count, with *heap set to the first. -EINVAL when heap is NULL. */
int k_heap_array_get(struct k_heap **heap);

/* ---- the k_malloc family (system heap) ------------------------------------- */

/* As Zephyr: each block keeps its k_heap pointer just below it; k_free and
 * k_realloc find the heap through it. k_malloc(0) returns a block. */
void *k_malloc(size_t size);
void *k_calloc(size_t nmemb, size_t size);
void *k_realloc(void *ptr, size_t size);
void *k_aligned_alloc(size_t align, size_t size);
void k_free(void *ptr);

/* The system heap k_malloc draws on (Zephyr's _system_heap). */
extern struct k_heap _system_heap;

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_H_ */
