/*
 * heapsim-bench's rows: an allocator adapter (tests/portable/allocator.h),
 * the hardening level it is initialised with (on top of the build's default
 * configuration), and how the table uses the row. Add a row in
 * bench_allocators.c.
 */
#ifndef HEAPSIM_BENCH_ROWS_H
#define HEAPSIM_BENCH_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "allocator.h"

struct bench_row {
	const char *name;
	const struct test_allocator *allocator;
	enum sys_heap_hardening hardening;
	bool is_reference; /* the "x glibc" column divides by this row */
	bool is_sys_heap;  /* the "x sys_heap" column divides by this row */
	/* optional: bytes of metadata kept outside the buffer for `bytes` */
	size_t (*metadata_bytes)(size_t bytes);
};

/* Ends with a row whose name is NULL; the reference first. */
extern const struct bench_row bench_rows[];

#endif /* HEAPSIM_BENCH_ROWS_H */
