/*
 * k_heap, the k_malloc family, time and ISR context for host programs written
 * against Zephyr's kernel API. k_heaps share one host mutex; waiters sleep on
 * a condition variable that every free broadcasts.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <zephyr/irq_offload.h>

#include "zephyr_internal.h"

/* ---- the lock ---------------------------------------------------------------- */

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t heap_freed;
static pthread_once_t heap_freed_once = PTHREAD_ONCE_INIT;
static _Thread_local bool lock_held;

/* Timed waits use deadlines on the monotonic clock, which the default
 * (realtime) condition variable would misread. */
static void init_heap_freed(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&heap_freed, &a);
	pthread_condattr_destroy(&a);
}

void zh_lock(void)
{
	pthread_once(&heap_freed_once, init_heap_freed);
	pthread_mutex_lock(&heap_lock);
	lock_held = true;
}

void zh_unlock(void)
{
	if (lock_held) {
		lock_held = false;
		pthread_mutex_unlock(&heap_lock);
	}
}

void zh_unlock_if_held(void)
{
	zh_unlock();
}

/* ---- time and ISR context ------------------------------------------------------ */

static _Thread_local unsigned isr_depth;

bool k_is_in_isr(void)
{
	return isr_depth > 0;
}

void irq_offload(irq_offload_routine_t routine, const void *parameter)
{
	if (!routine)
		return;
	isr_depth++;
	routine(parameter);
	isr_depth--;
}

static struct timespec now_mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static struct timespec start_time;

__attribute__((constructor)) static void note_start(void)
{
	start_time = now_mono();
}

int64_t k_uptime_get(void)
{
	struct timespec t = now_mono();

	return (int64_t)(t.tv_sec - start_time.tv_sec) * 1000 + (t.tv_nsec - start_time.tv_nsec) / 1000000;
}

int32_t k_msleep(int32_t ms)
{
	return k_sleep(K_MSEC(ms));
}

int32_t k_usleep(int32_t us)
{
	return k_sleep(K_USEC(us));
}

void k_busy_wait(uint32_t usec_to_wait)
{
	zh_sleep_ns((int64_t)usec_to_wait * 1000);
}

/* ---- k_heap -------------------------------------------------------------------- */

void z_heapsim_k_heap_init(struct k_heap *heap, void *mem, size_t bytes,
			   const struct heapsim_kconfig *kc)
{
	if (!heap) {
		zh_fault("k_heap_init on a NULL k_heap");
		return;
	}
	heap->kconfig = *kc;
	heap->wait_q.waiters = 0;
	heap->state = -1; /* until the sys_heap says otherwise */
	z_heapsim_sys_heap_init(&heap->heap, mem, bytes, kc);
	if (heap->heap.heap)
		heap->state = 1;
	else
		fprintf(stderr, "E: k_heap_init(%p): buffer %p of %zu bytes cannot hold a heap; "
				"every call on this k_heap will fail\n",
			(void *)heap, mem, bytes);
}

void z_heapsim_k_heap_static_init(struct k_heap *heap)
{
	struct heapsim_kconfig kc = heap->kconfig;

	zh_lock();
	if (heap->state == 0)
		z_heapsim_k_heap_init(heap, heap->heap.init_mem, heap->heap.init_bytes, &kc);
	zh_unlock();
}

/* Takes the lock on a usable heap; a NULL or unusable one is a fault. */
static bool heap_enter(struct k_heap *h, const char *where)
{
	if (!h) {
		zh_fault("%s on a NULL k_heap", where);
		return false;
	}
	if (h->state == 0) /* a K_HEAP_DEFINE heap used before its constructor ran */
		z_heapsim_k_heap_static_init(h);
	if (h->state != 1) {
		zh_fault("%s on k_heap %p, which was never successfully initialised", where, (void *)h);
		return false;
	}
	zh_lock();
	return true;
}

static bool may_wait(struct k_heap *h, k_timeout_t *timeout, const char *where)
{
	if (K_TIMEOUT_EQ(*timeout, K_NO_WAIT))
		return false;
	if (k_is_in_isr()) {
		zh_assert(false, h->kconfig.asserts, "!k_is_in_isr() || timeout == K_NO_WAIT", where);
		*timeout = K_NO_WAIT;
		return false;
	}
	return true;
}

enum heap_op { OP_ALLOC, OP_ALIGNED, OP_REALLOC };

/* One attempt, then (if allowed) wait for a free and retry until the timeout. */
static void *alloc_wait(struct k_heap *h, enum heap_op op, void *ptr, size_t align, size_t bytes,
			k_timeout_t timeout, const char *where)
{
	bool wait = may_wait(h, &timeout, where);
	struct timespec deadline = now_mono();
	void *p = NULL;

	if (!heap_enter(h, where))
		return NULL;
	if (wait && !K_TIMEOUT_EQ(timeout, K_FOREVER)) {
		int64_t ns = deadline.tv_nsec + zh_ticks_to_ns(timeout.ticks);

		deadline.tv_sec += ns / 1000000000;
		deadline.tv_nsec = ns % 1000000000;
	}
	for (;;) {
		unsigned long failures = zh_thread_failures();

		if (op == OP_ALLOC)
			p = sys_heap_noalign_alloc(&h->heap, 0, bytes);
		else if (op == OP_ALIGNED)
			p = z_heapsim_sys_heap_aligned_alloc(&h->heap, align, bytes);
		else
			p = z_heapsim_sys_heap_realloc(&h->heap, ptr, bytes);
		/* A failed check or a free by realloc(ptr, 0) ends the call too. */
		if (p || !wait || zh_thread_failures() != failures || (op == OP_REALLOC && bytes == 0))
			break;
		if (!lock_held)
			return NULL; /* the fatal handler released it: the call is over */
		/* Other threads of this host thread run until a free wakes this one. */
		int64_t deadline_ns = K_TIMEOUT_EQ(timeout, K_FOREVER)
					      ? -1
					      : (int64_t)deadline.tv_sec * 1000000000 + deadline.tv_nsec;
		zh_unlock();
		int woke = zh_sched_heap_wait(h, deadline_ns);

		zh_lock();
		if (woke == 1)
			continue;
		if (woke == 0) {
			p = NULL;
			break;
		}
		h->wait_q.waiters++;
		lock_held = false;
		int rc = K_TIMEOUT_EQ(timeout, K_FOREVER)
				 ? pthread_cond_wait(&heap_freed, &heap_lock)
				 : pthread_cond_timedwait(&heap_freed, &heap_lock, &deadline);
		lock_held = true;
		h->wait_q.waiters--;
		if (rc == ETIMEDOUT) {
			p = NULL;
			break;
		}
	}
	zh_unlock();
	return p;
}

void *k_heap_alloc(struct k_heap *h, size_t bytes, k_timeout_t timeout)
{
	return alloc_wait(h, OP_ALLOC, NULL, 0, bytes, timeout, "k_heap_alloc");
}

void *k_heap_aligned_alloc(struct k_heap *h, size_t align, size_t bytes, k_timeout_t timeout)
{
	/* Upstream's __ASSERT: under CONFIG_ASSERT a bad alignment is a fatal
	 * error; without it the sys_heap refuses the call (NULL). */
	if (h && !zh_assert((align & (align - 1)) == 0, h->kconfig.asserts,
			    "align must be a power of 2", "k_heap_aligned_alloc"))
		return NULL;
	return alloc_wait(h, OP_ALIGNED, NULL, align, bytes, timeout, "k_heap_aligned_alloc");
}

void *k_heap_calloc(struct k_heap *h, size_t num, size_t size, k_timeout_t timeout)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(num, size, &bytes))
		return NULL;
	p = k_heap_alloc(h, bytes, timeout);
	if (p)
		memset(p, 0, bytes);
	return p;
}

void *k_heap_realloc(struct k_heap *h, void *ptr, size_t bytes, k_timeout_t timeout)
{
	return alloc_wait(h, OP_REALLOC, ptr, 0, bytes, timeout, "k_heap_realloc");
}

void k_heap_free(struct k_heap *h, void *mem)
{
	if (!heap_enter(h, "k_heap_free"))
		return;
	z_heapsim_sys_heap_free(&h->heap, mem);
	if (lock_held && h->wait_q.waiters)
		pthread_cond_broadcast(&heap_freed);
	zh_unlock();
	zh_sched_heap_freed(h);
}

/* The linker's bounds of the K_HEAP_DEFINE section (absent: no such heap). */
extern struct k_heap __start_heapsim_k_heap[] __attribute__((weak));
extern struct k_heap __stop_heapsim_k_heap[] __attribute__((weak));

int k_heap_array_get(struct k_heap **heap)
{
	if (!heap)
		return -EINVAL;
	*heap = __start_heapsim_k_heap;
	if (!__start_heapsim_k_heap)
		return 0;
	for (struct k_heap *h = __start_heapsim_k_heap; h < __stop_heapsim_k_heap; h++)
		if (h->state == 0)
			z_heapsim_k_heap_static_init(h);
	return (int)(__stop_heapsim_k_heap - __start_heapsim_k_heap);
}

/* ---- the system heap and the k_malloc family ----------------------------------------- */

#ifndef HEAPSIM_HEAP_MEM_POOL_SIZE
#define HEAPSIM_HEAP_MEM_POOL_SIZE (1024 * 1024)
#endif

/* Settings of the system heap: this file's Kconfig macros, which heapsim's
 * build sets (CONFIG_ASSERT on, runtime stats as CONFIG_SYS_HEAP_RUNTIME_STATS). */
K_HEAP_DEFINE(_system_heap, HEAPSIM_HEAP_MEM_POOL_SIZE)

/* The block starts with the k_heap's address; the caller gets what follows. */
static void *with_heap_ref(void *block)
{
	struct k_heap **ref = block;

	if (!block)
		return NULL;
	*ref = &_system_heap;
	return ref + 1;
}

static void *system_alloc(size_t align, size_t size, bool aligned)
{
	size_t bytes;

	if (__builtin_add_overflow(size, sizeof(struct k_heap *), &bytes))
		return NULL;
	/* Align with a rewind of one pointer: the reference sits just below the
	 * aligned boundary (see sys_heap_aligned_alloc's rewind bit). */
	if (aligned)
		return with_heap_ref(alloc_wait(&_system_heap, OP_ALIGNED, NULL,
						align | sizeof(struct k_heap *), bytes, K_NO_WAIT,
						"k_aligned_alloc"));
	return with_heap_ref(alloc_wait(&_system_heap, OP_ALLOC, NULL, 0, bytes, K_NO_WAIT,
					"k_malloc"));
}

void *k_malloc(size_t size)
{
	return system_alloc(0, size, false);
}

void *k_aligned_alloc(size_t align, size_t size)
{
	if (!zh_assert((align & (align - 1)) == 0, true, "align must be a power of 2",
		       "k_aligned_alloc"))
		return NULL;
	return system_alloc(align, size, true);
}

void *k_calloc(size_t nmemb, size_t size)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &bytes))
		return NULL;
	p = k_malloc(bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}

void k_free(void *ptr)
{
	struct k_heap **ref = ptr;

	if (!ptr)
		return;
	ref--;
	k_heap_free(*ref, ref);
}

void *k_realloc(void *ptr, size_t size)
{
	struct k_heap **ref = ptr;
	struct k_heap *heap;
	size_t bytes;
	void *q;

	if (size == 0) {
		k_free(ptr);
		return NULL;
	}
	if (!ptr)
		return k_malloc(size);
	ref--;
	heap = *ref;
	if (__builtin_add_overflow(size, sizeof(*ref), &bytes))
		return NULL;
	q = k_heap_realloc(heap, ref, bytes, K_NO_WAIT);
	return q ? (struct k_heap **)q + 1 : NULL;
}
