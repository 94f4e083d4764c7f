/*
 * heapsim-bench's view of an allocator: one instance per measured row, fed the
 * same precomputed operation sequence. Add an allocator by defining one of
 * these and listing it in bench_allocators[] (bench_allocators.c).
 */
#ifndef HEAPSIM_BENCH_ALLOC_H
#define HEAPSIM_BENCH_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

struct bench_alloc {
	const char *name;
	/* Set up a heap of `bytes` over `buf` (4096-aligned; NULL for
	 * allocators that bring their own memory). Returns an opaque state or
	 * NULL when the size is not supported. */
	void *(*setup)(void *buf, size_t bytes);
	void (*teardown)(void *st);
	void *(*alloc)(void *st, size_t bytes);
	void *(*aligned_alloc)(void *st, size_t align, size_t bytes);
	void *(*realloc)(void *st, void *p, size_t bytes);
	void (*free)(void *st, void *p);
	/* optional: false if the heap is inconsistent after a run */
	bool (*check)(void *st);
	/* optional: bytes of metadata kept outside the buffer for `bytes` */
	size_t (*metadata_bytes)(size_t bytes);
	bool is_reference; /* the ratio column divides by this row */
	bool is_sys_heap;  /* the "x sys_heap" column divides by this row */
};

/* NULL-terminated; the reference (glibc) first. */
extern const struct bench_alloc *const bench_allocators[];

#endif /* HEAPSIM_BENCH_ALLOC_H */
