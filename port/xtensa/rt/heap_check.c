/*
 * The target's default heap check handler (heap.h): heap/sys_heap_report.c
 * is host-only (stdio + abort), this one says the same on the console and
 * aborts the run (exit status 134, as the host's SIGABRT shows in a shell).
 */
#include <stdio.h>
#include <stdlib.h>

#include "heap.h"

void sys_heap_default_check_handler(const struct sys_heap_check *check, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "sys_heap check failed: %s in %s (heap %p, chunk %u", check->name,
		check->where ? check->where : "?", check->heap ? check->heap->heap : NULL,
		(unsigned)check->chunk);
	if (check->addr)
		fprintf(stderr, ", address 0x%llx", (unsigned long long)check->addr);
	fprintf(stderr, ")\n");
	abort();
}
