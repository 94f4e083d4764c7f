/*
 * One behaviour suite, several allocators (issue 7): the generic portable
 * checks (PTEST_GENERIC_SUITE) reach the allocator only through this table,
 * so sys_heap and oob_heap run the same check code.
 *
 * An allocator keeps its state in `self`, a runner-provided block of
 * self_size bytes (≤ TEST_ALLOCATOR_SELF_MAX, 16-aligned, zeroed before init).
 * Keep large metadata in your own static storage and point to it from self.
 *
 * Add an allocator: define a `const struct test_allocator` in a portable file
 * and list it in test_allocators[] (tests/portable/allocators.c).
 *
 * The benches (bench/heapsim_bench.c) measure the same adapters, so what is
 * timed is what the checks exercise.
 */
#ifndef HEAPSIM_TEST_ALLOCATOR_H
#define HEAPSIM_TEST_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>

#include "heap.h"

#define TEST_ALLOCATOR_SELF_MAX 1024
/* Largest buffer an adapter must accept: the benches' biggest heap (the
 * checks' shared buffer is smaller). Sizes oob_heap's static metadata. */
#define TEST_ALLOCATOR_MAX_BYTES (1024u * 1024u)

struct test_allocator {
	const char *name;
	size_t self_size;
	/* 0 on success; a rejected size gives non-zero and no check report.
	 * cfg NULL: the defaults with runtime stats on. */
	int (*init)(void *self, void *buf, size_t bytes,
		    const struct sys_heap_config *cfg);
	void *(*alloc)(void *self, size_t bytes);
	void *(*aligned_alloc)(void *self, size_t align, size_t bytes);
	void *(*realloc)(void *self, void *ptr, size_t bytes);
	void *(*aligned_realloc)(void *self, void *ptr, size_t align, size_t bytes);
	void (*free)(void *self, void *ptr);
	size_t (*usable_size)(void *self, void *ptr);
	bool (*validate)(void *self);
	int (*stats)(void *self, struct sys_memory_stats *stats);
	/* optional (NULL): largest free block etc. */
	bool (*usage)(void *self, struct sys_heap_usage *usage);
};

extern const struct test_allocator sys_heap_test_allocator;
extern const struct test_allocator oob_heap_test_allocator;

/* NULL-terminated list the generic suites run against. */
extern const struct test_allocator *const test_allocators[];

#endif /* HEAPSIM_TEST_ALLOCATOR_H */
