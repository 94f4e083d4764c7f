/* The allocators heapsim-bench measures (bench_alloc.h). */
#include <stdlib.h>

#include "bench_alloc.h"
#include "heap.h"

/* ---- glibc: the reference; ignores the buffer and the size limit ------- */

static int glibc_token;

static void *g_setup(void *buf, size_t bytes)
{
	(void)buf;
	(void)bytes;
	return &glibc_token;
}

static void g_teardown(void *st)
{
	(void)st;
}

static void *g_alloc(void *st, size_t bytes)
{
	(void)st;
	return malloc(bytes);
}

static void *g_aligned(void *st, size_t align, size_t bytes)
{
	void *p = NULL;

	(void)st;
	return posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align, bytes) ? NULL : p;
}

static void *g_realloc(void *st, void *p, size_t bytes)
{
	(void)st;
	return realloc(p, bytes);
}

static void g_free(void *st, void *p)
{
	(void)st;
	free(p);
}

static const struct bench_alloc glibc_alloc = {
	.name = "glibc malloc", .setup = g_setup, .teardown = g_teardown,
	.alloc = g_alloc, .aligned_alloc = g_aligned, .realloc = g_realloc,
	.free = g_free, .is_reference = true,
};

/* ---- sys_heap at a given hardening level ------------------------------- */

static struct sys_heap sh_heap;

static void *sh_setup_level(void *buf, size_t bytes, enum sys_heap_hardening level)
{
	struct sys_heap_config cfg;

	sys_heap_config_default(&cfg);
	cfg.hardening = level;
	if (sys_heap_init_checked(&sh_heap, buf, bytes, &cfg, true) != SYS_HEAP_INIT_OK)
		return NULL;
	return &sh_heap;
}

static void *sh_setup(void *buf, size_t bytes)
{
	return sh_setup_level(buf, bytes, SYS_HEAP_HARDENING_MODERATE);
}

static void *sh_setup_full(void *buf, size_t bytes)
{
	return sh_setup_level(buf, bytes, SYS_HEAP_HARDENING_FULL);
}

static void sh_teardown(void *st)
{
	(void)st;
}

static void *sh_alloc(void *st, size_t bytes)
{
	return sys_heap_alloc(st, bytes);
}

static void *sh_aligned(void *st, size_t align, size_t bytes)
{
	return sys_heap_aligned_alloc(st, align, bytes);
}

static void *sh_realloc(void *st, void *p, size_t bytes)
{
	return sys_heap_realloc(st, p, bytes);
}

static void sh_free(void *st, void *p)
{
	sys_heap_free(st, p);
}

static bool sh_check(void *st)
{
	return sys_heap_validate(st);
}

static const struct bench_alloc sys_heap_alloc_moderate = {
	.name = "sys_heap (moderate)", .setup = sh_setup, .teardown = sh_teardown,
	.alloc = sh_alloc, .aligned_alloc = sh_aligned, .realloc = sh_realloc,
	.free = sh_free, .check = sh_check, .is_sys_heap = true,
};

static const struct bench_alloc sys_heap_alloc_full = {
	.name = "sys_heap (full)", .setup = sh_setup_full, .teardown = sh_teardown,
	.alloc = sh_alloc, .aligned_alloc = sh_aligned, .realloc = sh_realloc,
	.free = sh_free, .check = sh_check,
};

extern const struct bench_alloc oob_heap_bench_alloc; /* bench_oob.c */

const struct bench_alloc *const bench_allocators[] = {
	&glibc_alloc,
	&sys_heap_alloc_moderate,
	&sys_heap_alloc_full,
	&oob_heap_bench_alloc,
	NULL,
};
