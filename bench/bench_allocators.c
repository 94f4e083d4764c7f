/*
 * The rows heapsim-bench measures. The heaps are the test adapters
 * (tests/portable/allocator.h), so the bench times exactly what the portable
 * checks exercise; glibc, the reference, gets an adapter of its own here.
 */
#include <malloc.h>
#include <stdlib.h>

#include "bench_rows.h"

/* ---- glibc malloc: ignores the buffer, the size and the configuration ---- */

static int g_init(void *self, void *buf, size_t bytes, const struct sys_heap_config *cfg)
{
	(void)self;
	(void)buf;
	(void)bytes;
	(void)cfg;
	return 0;
}

static void *g_alloc(void *self, size_t bytes)
{
	(void)self;
	return malloc(bytes);
}

static void *g_aligned_alloc(void *self, size_t align, size_t bytes)
{
	void *p = NULL;

	(void)self;
	/* posix_memalign wants at least pointer alignment */
	return posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align, bytes) ? NULL : p;
}

static void *g_realloc(void *self, void *p, size_t bytes)
{
	(void)self;
	return realloc(p, bytes);
}

static void g_free(void *self, void *p)
{
	(void)self;
	free(p);
}

static size_t g_usable_size(void *self, void *p)
{
	(void)self;
	return malloc_usable_size(p);
}

/* Only the calls the bench makes; no validate, stats or usage. */
static const struct test_allocator glibc_allocator = {
	.name = "glibc malloc",
	.init = g_init,
	.alloc = g_alloc,
	.aligned_alloc = g_aligned_alloc,
	.realloc = g_realloc,
	.free = g_free,
	.usable_size = g_usable_size,
};

/* ---- the rows: glibc first (the ratio column divides by it) ------------- */

const struct bench_row bench_rows[] = {
	{ .name = "glibc malloc", .allocator = &glibc_allocator,
	  .hardening = SYS_HEAP_HARDENING_MODERATE, .is_reference = true },
	{ .name = "sys_heap (moderate)", .allocator = &sys_heap_test_allocator,
	  .hardening = SYS_HEAP_HARDENING_MODERATE, .is_sys_heap = true },
	{ .name = "sys_heap (full)", .allocator = &sys_heap_test_allocator,
	  .hardening = SYS_HEAP_HARDENING_FULL },
	{ .name = "oob_heap", .allocator = &oob_heap_test_allocator,
	  .hardening = SYS_HEAP_HARDENING_MODERATE, .metadata_bytes = oob_heap_metadata_bytes },
	{ .name = NULL },
};
