/* sys_multi_heap: a choice function picks the heap; the address finds it again. */
#include <string.h>

#include <zephyr/sys/multi_heap.h>

#include "zephyr_internal.h"

void sys_multi_heap_init(struct sys_multi_heap *heap, sys_multi_heap_fn_t choice_fn)
{
	if (!heap) {
		zh_fault("sys_multi_heap_init on a NULL multi-heap");
		return;
	}
	heap->nheaps = 0;
	heap->choice = choice_fn;
}

static uintptr_t heap_start(const struct sys_multi_heap_rec *r)
{
	return (uintptr_t)r->heap->init_mem;
}

/* Kept sorted by buffer address so that a block's heap is found by bisection. */
void sys_multi_heap_add_heap(struct sys_multi_heap *mheap, struct sys_heap *heap, void *user_data)
{
	unsigned int i;

	if (!mheap || !heap) {
		zh_fault("sys_multi_heap_add_heap with a NULL %s", mheap ? "heap" : "multi-heap");
		return;
	}
	if (!zh_assert(mheap->nheaps < MAX_MULTI_HEAPS, true, "mheap->nheaps < MAX_MULTI_HEAPS",
		       "sys_multi_heap_add_heap"))
		return;
	for (i = mheap->nheaps; i > 0 && heap_start(&mheap->heaps[i - 1]) > (uintptr_t)heap->init_mem;
	     i--)
		mheap->heaps[i] = mheap->heaps[i - 1];
	mheap->heaps[i].heap = heap;
	mheap->heaps[i].user_data = user_data;
	mheap->nheaps++;
}

static void *choose(struct sys_multi_heap *mheap, void *cfg, size_t align, size_t bytes)
{
	if (!mheap || !mheap->choice) {
		zh_fault("sys_multi_heap alloc on %s", mheap ? "a multi-heap without a choice function"
							      : "a NULL multi-heap");
		return NULL;
	}
	return mheap->choice(mheap, cfg, align, bytes);
}

void *sys_multi_heap_alloc(struct sys_multi_heap *mheap, void *cfg, size_t bytes)
{
	return choose(mheap, cfg, 0, bytes);
}

void *sys_multi_heap_aligned_alloc(struct sys_multi_heap *mheap, void *cfg, size_t align,
				   size_t bytes)
{
	return choose(mheap, cfg, align, bytes);
}

const struct sys_multi_heap_rec *sys_multi_heap_get_heap(const struct sys_multi_heap *mheap,
							 void *addr)
{
	unsigned int lo = 0, hi;

	if (!mheap)
		return NULL;
	/* The last heap starting at or below addr is the only candidate. */
	hi = mheap->nheaps;
	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (heap_start(&mheap->heaps[mid]) <= (uintptr_t)addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct sys_multi_heap_rec *r = &mheap->heaps[lo - 1];

	if ((uintptr_t)addr - heap_start(r) >= r->heap->init_bytes)
		return NULL;
	return r;
}

void sys_multi_heap_free(struct sys_multi_heap *mheap, void *block)
{
	const struct sys_multi_heap_rec *r;

	if (!block)
		return;
	r = sys_multi_heap_get_heap(mheap, block);
	if (r)
		z_heapsim_sys_heap_free(r->heap, block);
}

void *sys_multi_heap_aligned_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr,
				     size_t align, size_t bytes)
{
	const struct sys_multi_heap_rec *r;
	size_t old;
	void *q;

	if (!ptr)
		return sys_multi_heap_aligned_alloc(mheap, cfg, align, bytes);
	if (bytes == 0) {
		sys_multi_heap_free(mheap, ptr);
		return NULL;
	}
	r = sys_multi_heap_get_heap(mheap, ptr);
	if (!zh_assert(r != NULL, true, "ptr is in one of the heaps", "sys_multi_heap_realloc"))
		return NULL;
	/* The block's own heap first, which may keep it in place. */
	q = z_heapsim_sys_heap_aligned_realloc(r->heap, ptr, align, bytes);
	if (q)
		return q;
	old = sys_heap_usable_size(r->heap, ptr);
	q = sys_multi_heap_aligned_alloc(mheap, cfg, align, bytes);
	if (q) {
		memcpy(q, ptr, old < bytes ? old : bytes);
		sys_multi_heap_free(mheap, ptr);
	}
	return q;
}
