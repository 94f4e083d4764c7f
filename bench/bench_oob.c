/* oob_heap as a heapsim-bench row (bench_alloc.h): metadata from malloc,
 * standing in for the kernel-only buffer. */
#include <stdlib.h>

#include "bench_alloc.h"
#include "heap.h"

static struct oob_heap oob_bench_heap;
static void *oob_bench_meta;

static void *oob_setup(void *buf, size_t bytes)
{
	size_t mb = oob_heap_metadata_bytes(bytes);
	struct sys_heap_config cfg;

	if (!buf || !mb || !(oob_bench_meta = malloc(mb)))
		return NULL;
	sys_heap_config_default(&cfg);
	if (oob_heap_init_checked(&oob_bench_heap, buf, bytes, oob_bench_meta, mb, &cfg,
				  true) != SYS_HEAP_INIT_OK) {
		free(oob_bench_meta);
		oob_bench_meta = NULL;
		return NULL;
	}
	return &oob_bench_heap;
}

static void oob_teardown(void *st)
{
	(void)st;
	free(oob_bench_meta);
	oob_bench_meta = NULL;
}

static void *oob_alloc(void *st, size_t bytes)
{
	return oob_heap_alloc(st, bytes);
}

static void *oob_aligned(void *st, size_t align, size_t bytes)
{
	return oob_heap_aligned_alloc(st, align, bytes);
}

static void *oob_realloc(void *st, void *p, size_t bytes)
{
	return oob_heap_realloc(st, p, bytes);
}

static void oob_free(void *st, void *p)
{
	oob_heap_free(st, p);
}

static bool oob_check(void *st)
{
	return oob_heap_validate(st);
}

const struct bench_alloc oob_heap_bench_alloc = {
	.name = "oob_heap", .setup = oob_setup, .teardown = oob_teardown,
	.alloc = oob_alloc, .aligned_alloc = oob_aligned, .realloc = oob_realloc,
	.free = oob_free, .check = oob_check, .metadata_bytes = oob_heap_metadata_bytes,
};
