/*
 * heapsim's Zephyr drop-in: <zephyr/sys/multi_heap.h>. One allocator over up
 * to MAX_MULTI_HEAPS sys_heaps: a user choice function picks the heap for each
 * allocation; frees and reallocs find the heap that holds the block by its
 * address (the heaps' buffers, kept sorted).
 */
#ifndef ZEPHYR_INCLUDE_SYS_MULTI_HEAP_H_
#define ZEPHYR_INCLUDE_SYS_MULTI_HEAP_H_

#include <stddef.h>

#include <zephyr/types.h>
#include <zephyr/sys/sys_heap.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_MULTI_HEAPS 8

struct sys_multi_heap;

/* Picks a heap for (cfg, align, size) and allocates from it; NULL fails the call. */
typedef void *(*sys_multi_heap_fn_t)(struct sys_multi_heap *mheap, void *cfg, size_t align,
				     size_t size);

struct sys_multi_heap_rec {
	struct sys_heap *heap;
	void *user_data;
};

struct sys_multi_heap {
	unsigned int nheaps;
	sys_multi_heap_fn_t choice;
	struct sys_multi_heap_rec heaps[MAX_MULTI_HEAPS];
};

void sys_multi_heap_init(struct sys_multi_heap *heap, sys_multi_heap_fn_t choice_fn);
/* More than MAX_MULTI_HEAPS heaps is an assertion failure (the heap is not added). */
void sys_multi_heap_add_heap(struct sys_multi_heap *mheap, struct sys_heap *heap, void *user_data);
void *sys_multi_heap_alloc(struct sys_multi_heap *mheap, void *cfg, size_t bytes);
void *sys_multi_heap_aligned_alloc(struct sys_multi_heap *mheap, void *cfg, size_t align,
				   size_t bytes);
/* The record of the heap whose buffer holds addr, or NULL. */
const struct sys_multi_heap_rec *sys_multi_heap_get_heap(const struct sys_multi_heap *mheap,
							 void *addr);
/* NULL does nothing; a block in none of the heaps is ignored, as upstream. */
void sys_multi_heap_free(struct sys_multi_heap *mheap, void *block);
void *sys_multi_heap_aligned_realloc(struct sys_multi_heap *mheap, void *cfg, void *ptr,
				     size_t align, size_t bytes);
#define sys_multi_heap_realloc(mheap, cfg, ptr, bytes) \
	sys_multi_heap_aligned_realloc(mheap, cfg, ptr, 0, bytes)

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_MULTI_HEAP_H_ */
