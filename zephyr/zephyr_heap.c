/*
 * sys_heap through Zephyr's API: init with the caller's Kconfig settings and
 * the host's word size, the fatal-error check handler, listener-notifying
 * calls, noalign alloc, the heap array and Zephyr's sys_heap_stress.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zephyr_internal.h"

void heapsim_kconfig_to_config(const struct heapsim_kconfig *kc, struct sys_heap_config *cfg)
{
	sys_heap_config_default(cfg);
	cfg->word_bits = sizeof(void *) * 8;
	cfg->hardening = (enum sys_heap_hardening)kc->hardening;
	cfg->size_mode = (enum sys_heap_size_mode)kc->size_mode;
	cfg->runtime_stats = kc->runtime_stats;
	cfg->internal_checks = kc->internal_checks;
	cfg->alloc_loops = kc->alloc_loops;
}

/* ---- the settings of each heap, for the check handler ---------------------- */

/* Looked up only when a check fails, so a plain list is enough. A heap
 * re-initialised at the same address replaces its entry. */
struct heap_entry {
	const struct sys_heap *heap;
	struct heapsim_kconfig kc;
};
static struct heap_entry *entries;
static size_t nentries, entries_cap;
static pthread_mutex_t entries_lock = PTHREAD_MUTEX_INITIALIZER;

static void remember(const struct sys_heap *heap, const struct heapsim_kconfig *kc)
{
	size_t i;

	pthread_mutex_lock(&entries_lock);
	for (i = 0; i < nentries && entries[i].heap != heap; i++)
		;
	if (i == nentries) {
		if (nentries == entries_cap) {
			size_t cap = entries_cap ? 2 * entries_cap : 16;
			struct heap_entry *e = realloc(entries, cap * sizeof(*e));

			if (!e) { /* out of host memory: the heap counts as asserts-on */
				pthread_mutex_unlock(&entries_lock);
				return;
			}
			entries = e;
			entries_cap = cap;
		}
		nentries++;
	}
	entries[i].heap = heap;
	entries[i].kc = *kc;
	pthread_mutex_unlock(&entries_lock);
}

struct heapsim_kconfig zh_kconfig_of(const struct sys_heap *heap)
{
	struct heapsim_kconfig kc = { .asserts = 1 };

	pthread_mutex_lock(&entries_lock);
	for (size_t i = 0; i < nentries; i++)
		if (entries[i].heap == heap)
			kc = entries[i].kc;
	pthread_mutex_unlock(&entries_lock);
	return kc;
}

/* ---- failed checks become fatal errors ------------------------------------- */

static _Thread_local unsigned long thread_failures;

unsigned long zh_thread_failures(void)
{
	return thread_failures;
}

/*
 * Upstream asserts (only under CONFIG_ASSERT) on a bad alignment and on a bad
 * init size; every other check is a hardening check (LOG_ERR + k_panic) or a
 * CHECK() the heap's settings already enabled. A NULL or unusable heap would
 * be dereferenced on the target: a fault.
 */
static void zephyr_check(const struct sys_heap_check *c, void *ctx)
{
	(void)ctx;
	thread_failures++;
	if (!c->heap || !c->heap->heap) {
		zh_fault("%s on %s heap", c->where ? c->where : "sys_heap call",
			 c->heap ? "an uninitialised or unusable" : "a NULL");
		return;
	}
	if (c->refused) {
		if (zh_kconfig_of(c->heap).asserts)
			zh_assert(false, true, c->name, c->where ? c->where : "?");
		return;
	}
	fprintf(stderr, "E: heap corruption: %s in %s (heap %p, chunk %u)\n", c->name,
		c->where ? c->where : "?", (void *)c->heap, c->chunk);
	z_heapsim_fatal(K_ERR_KERNEL_PANIC, NULL, 0, "heap check failed: %s in %s (chunk %u)",
			c->name, c->where ? c->where : "?", c->chunk);
}

void zh_install_check_handler(void)
{
	sys_heap_check_fn fn;
	void *ctx;

	sys_heap_get_check_handler(&fn, &ctx);
	if (fn == sys_heap_default_check_handler)
		sys_heap_set_check_handler(zephyr_check, NULL);
}

/* A NULL heap can reach a call before any init. */
__attribute__((constructor)) static void install_at_start(void)
{
	zh_install_check_handler();
}

/* ---- init ------------------------------------------------------------------ */

void z_heapsim_sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes,
			     const struct heapsim_kconfig *kc)
{
	struct sys_heap_config cfg;
	int rc;

	zh_install_check_handler();
	if (!heap) {
		zh_fault("sys_heap_init on a NULL heap");
		return;
	}
	heapsim_kconfig_to_config(kc, &cfg);
	remember(heap, kc);
	rc = sys_heap_init_checked(heap, mem, bytes, &cfg, true);
	if (rc != SYS_HEAP_INIT_OK) {
		const char *why = rc == SYS_HEAP_INIT_TOO_BIG ? "heap size is too big"
				  : mem ? "heap size is too small" : "no memory (NULL)";

		/* Upstream asserts; without asserts it would build a corrupt heap.
		 * Here the heap is left unusable and that is always said. */
		fprintf(stderr, "E: sys_heap_init(%p, %zu bytes): %s; the heap is unusable\n", mem,
			bytes, why);
		zh_assert(false, kc->asserts, why, "sys_heap_init");
		return;
	}
	if (kc->array_size > 0)
		(void)z_heapsim_sys_heap_array_save(heap, kc->array_size);
}

/* ---- the heap array -------------------------------------------------------- */

#define HEAP_ARRAY_MAX 64
static struct sys_heap *heap_array[HEAP_ARRAY_MAX];
static int heap_array_n;

int z_heapsim_sys_heap_array_save(struct sys_heap *heap, int capacity)
{
	int rc = -EINVAL;

	if (capacity > HEAP_ARRAY_MAX)
		capacity = HEAP_ARRAY_MAX;
	pthread_mutex_lock(&entries_lock);
	if (heap && heap_array_n < capacity) {
		heap_array[heap_array_n++] = heap;
		rc = 0;
	}
	pthread_mutex_unlock(&entries_lock);
	return rc;
}

int sys_heap_array_get(struct sys_heap ***heap)
{
	if (!heap)
		return -EINVAL;
	*heap = heap_array;
	return heap_array_n;
}

/* ---- calls that notify listeners ------------------------------------------- */

size_t zh_chunk_bytes(struct sys_heap *heap, void *mem)
{
	struct sys_heap_layout l;
	size_t usable = sys_heap_usable_size(heap, mem);

	sys_heap_layout_get(heap, &l);
	if (l.hdr_bytes == 4)
		usable += (size_t)(((uintptr_t)mem - (uintptr_t)heap->heap - 4) & 7);
	return usable;
}

static void notify_alloc(struct sys_heap *heap, void *mem)
{
	if (mem && zh_listeners_active())
		heap_listener_notify_alloc(HEAP_ID_FROM_POINTER(heap), mem,
					   sys_heap_usable_size(heap, mem));
}

void *z_heapsim_sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	void *p = sys_heap_alloc(heap, bytes);

	notify_alloc(heap, p);
	return p;
}

void *sys_heap_noalign_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	(void)align;
	return z_heapsim_sys_heap_alloc(heap, bytes);
}

void *z_heapsim_sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	void *p = sys_heap_aligned_alloc(heap, align, bytes);

	notify_alloc(heap, p);
	return p;
}

void z_heapsim_sys_heap_free(struct sys_heap *heap, void *mem)
{
	unsigned long failures = zh_thread_failures();
	size_t bytes;

	if (!mem || !heap || !heap->heap || !zh_listeners_active()) {
		sys_heap_free(heap, mem);
		return;
	}
	bytes = zh_chunk_bytes(heap, mem);
	sys_heap_free(heap, mem);
	if (zh_thread_failures() == failures)
		heap_listener_notify_free(HEAP_ID_FROM_POINTER(heap), mem, bytes);
}

/* In place, a changed chunk is reported as alloc (new size) then free (old
 * size), as upstream does; a moved block as alloc of the new, free of the old. */
static void *realloc_notify(struct sys_heap *heap, void *ptr, size_t align, size_t bytes,
			    bool aligned)
{
	unsigned long failures;
	size_t old;
	void *q;

	if (!ptr)
		return aligned ? z_heapsim_sys_heap_aligned_alloc(heap, align, bytes)
			       : z_heapsim_sys_heap_alloc(heap, bytes);
	if (bytes == 0) {
		z_heapsim_sys_heap_free(heap, ptr);
		return NULL;
	}
	if (!heap || !heap->heap || !zh_listeners_active())
		return aligned ? sys_heap_aligned_realloc(heap, ptr, align, bytes)
			       : sys_heap_realloc(heap, ptr, bytes);
	failures = zh_thread_failures();
	old = zh_chunk_bytes(heap, ptr);
	q = aligned ? sys_heap_aligned_realloc(heap, ptr, align, bytes)
		    : sys_heap_realloc(heap, ptr, bytes);
	if (!q || zh_thread_failures() != failures)
		return q;
	if (q != ptr) {
		heap_listener_notify_alloc(HEAP_ID_FROM_POINTER(heap), q, sys_heap_usable_size(heap, q));
		heap_listener_notify_free(HEAP_ID_FROM_POINTER(heap), ptr, old);
	} else if (zh_chunk_bytes(heap, q) != old) {
		heap_listener_notify_alloc(HEAP_ID_FROM_POINTER(heap), q, zh_chunk_bytes(heap, q));
		heap_listener_notify_free(HEAP_ID_FROM_POINTER(heap), ptr, old);
	}
	return q;
}

void *z_heapsim_sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes)
{
	return realloc_notify(heap, ptr, 0, bytes, false);
}

void *z_heapsim_sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align,
					 size_t bytes)
{
	return realloc_notify(heap, ptr, align, bytes, true);
}

/* ---- stress ------------------------------------------------------------------ */

void z_heapsim_sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
			       void (*free_fn)(void *arg, void *p), void *arg, size_t total_bytes,
			       uint32_t op_count, void *scratch_mem, size_t scratch_bytes,
			       int target_percent, struct z_heap_stress_result *result,
			       bool asserts)
{
	if (!result) {
		zh_fault("sys_heap_stress with a NULL result");
		return;
	}
	/* Upstream asserts on this; the port would report it as a NULL heap. */
	if (total_bytes >= 0xffffffffu / 100) {
		memset(result, 0, sizeof(*result));
		zh_assert(false, asserts, "total_bytes < 0xffffffff / 100", "sys_heap_stress");
		return;
	}
	(void)sys_heap_stress(alloc_fn, free_fn, arg, total_bytes, op_count, scratch_mem,
			      scratch_bytes, target_percent, result, sizeof(void *) * 8);
}
