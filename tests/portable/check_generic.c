/*
 * Allocator-independent behaviour, run once per test_allocator (sys_heap,
 * oob_heap, ...): no overlap, alignment, contents kept by realloc, stats that
 * count usable bytes, exhaustion then free-all back to the initial state,
 * NULL/0 edge cases, caller errors and double frees reported.
 * Nothing here knows a byte layout.
 */
#include <string.h>

#include "allocator.h"
#include "pt_heap.h"

#define A ((const struct test_allocator *)ptest_arg)
#define LIVE 64

static uint8_t self[TEST_ALLOCATOR_SELF_MAX] PT_ALIGNED(16);

struct block {
	uint8_t *p;
	size_t n; /* requested */
	uint8_t seed;
};

static struct block live[LIVE];

static void ga_init(const struct test_allocator *a, size_t bytes)
{
	PT_ASSERT(a->self_size <= sizeof(self));
	PT_ASSERT(bytes <= PT_BUF_BYTES);
	memset(self, 0, sizeof(self));
	memset(pt_buf, 0, bytes);
	memset(live, 0, sizeof(live));
	pt_record_checks();
	PT_ASSERT_EQ(a->init(self, pt_buf, bytes, NULL), 0);
	PT_ASSERT(a->validate(self));
}

static struct sys_memory_stats ga_stats(const struct test_allocator *a)
{
	struct sys_memory_stats st;

	PT_ASSERT_EQ(a->stats(self, &st), 0);
	PT_ASSERT(st.max_allocated_bytes >= st.allocated_bytes);
	return st;
}

static void put(struct block *b, uint8_t seed)
{
	b->seed = seed;
	for (size_t i = 0; i < b->n; i++)
		b->p[i] = (uint8_t)(seed ^ (i * 13));
}

static bool intact(const struct block *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->p[i] != (uint8_t)(b->seed ^ (i * 13)))
			return false;
	return true;
}

/* [p, p + usable) inside the buffer and disjoint from every other block */
static void assert_disjoint(const struct test_allocator *a, int k)
{
	uint8_t *p = live[k].p, *e = p + a->usable_size(self, p);

	PT_ASSERT(p >= pt_buf && e <= pt_buf + PT_BUF_BYTES);
	for (int j = 0; j < LIVE; j++) {
		uint8_t *q = live[j].p;

		if (j == k || !q)
			continue;
		PT_ASSERT(e <= q || q + a->usable_size(self, q) <= p);
	}
}

PTEST(g_zero_and_null)
{
	struct sys_memory_stats st0, st1;

	ga_init(A, 4096);
	st0 = ga_stats(A);
	PT_ASSERT_NULL(A->alloc(self, 0));
	PT_ASSERT_NULL(A->aligned_alloc(self, 64, 0));
	PT_ASSERT_NULL(A->realloc(self, NULL, 0));
	A->free(self, NULL);
	st1 = ga_stats(A);
	PT_ASSERT(memcmp(&st0, &st1, sizeof(st0)) == 0);
	PT_ASSERT_NO_CHECK();
	PT_ASSERT(A->validate(self));
}

PTEST(g_no_overlap_random_mix)
{
	uint32_t rng = 77;

	ga_init(A, 65536);
	for (int op = 0; op < 4000; op++) {
		int k = (int)(pt_rand(&rng) % LIVE);
		uint32_t r = pt_rand(&rng);
		size_t n = r % (r & 0x10000 ? 4096 : 256) + 1;
		struct block *b = &live[k];

		if (b->p) {
			PT_ASSERT(intact(b));
			if (r & 1) {
				uint8_t *q = A->realloc(self, b->p, n);

				if (q) {
					b->n = n < b->n ? n : b->n;
					b->p = q;
					PT_ASSERT(intact(b));
					b->n = n;
					put(b, (uint8_t)op);
					assert_disjoint(A, k);
				}
				continue;
			}
			A->free(self, b->p);
			b->p = NULL;
			continue;
		}
		b->p = (r & 2) ? A->aligned_alloc(self, (size_t)1 << ((r >> 28) % 13), n)
			       : A->alloc(self, n);
		if (!b->p)
			continue;
		if (r & 2)
			PT_ASSERT_EQ((uintptr_t)b->p % ((size_t)1 << ((r >> 28) % 13)), 0);
		b->n = n;
		PT_ASSERT(A->usable_size(self, b->p) >= n);
		put(b, (uint8_t)op);
		assert_disjoint(A, k);
		if (op % 64 == 0)
			PT_ASSERT(A->validate(self));
	}
	for (int k = 0; k < LIVE; k++) {
		if (live[k].p) {
			PT_ASSERT(intact(&live[k]));
			A->free(self, live[k].p);
		}
	}
	PT_ASSERT(A->validate(self));
	PT_ASSERT_EQ(ga_stats(A).allocated_bytes, 0);
	PT_ASSERT_NO_CHECK();
}

PTEST(g_alignment_every_pow2)
{
	ga_init(A, 65536);
	for (size_t align = 1; align <= 4096; align <<= 1) {
		for (size_t n = 1; n <= 1000; n += 333) {
			uint8_t *p = A->aligned_alloc(self, align, n);

			PT_ASSERT_NOT_NULL(p);
			PT_ASSERT_EQ((uintptr_t)p % align, 0);
			PT_ASSERT(A->usable_size(self, p) >= n);
			memset(p, 0xee, n);
			live[0].p = p;
			PT_ASSERT(A->validate(self));
			A->free(self, p);
		}
	}
	PT_ASSERT_EQ(ga_stats(A).allocated_bytes, 0);
	PT_ASSERT_NO_CHECK();
}

PTEST(g_realloc_keeps_contents)
{
	static const size_t steps[] = { 10, 100, 20, 3000, 1, 500, 4096, 7 };
	struct block *b = &live[0], *g = &live[1];

	ga_init(A, 65536);
	b->n = 5;
	b->p = A->alloc(self, b->n);
	put(b, 3);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		/* a neighbour that forces some of the steps to move */
		g->n = 64;
		g->p = A->alloc(self, g->n);
		put(g, 99);
		b->p = A->realloc(self, b->p, steps[i]);
		PT_ASSERT_NOT_NULL(b->p);
		b->n = b->n < steps[i] ? b->n : steps[i];
		PT_ASSERT(intact(b));
		PT_ASSERT(intact(g));
		b->n = steps[i];
		put(b, (uint8_t)i);
		A->free(self, g->p);
		g->p = NULL;
	}
	b->p = A->aligned_realloc(self, b->p, 256, 300);
	PT_ASSERT_EQ((uintptr_t)b->p % 256, 0);
	b->n = 7;
	PT_ASSERT(intact(b));
	PT_ASSERT_NULL(A->realloc(self, b->p, 0));
	PT_ASSERT_EQ(ga_stats(A).allocated_bytes, 0);
	PT_ASSERT(A->validate(self));
	PT_ASSERT_NO_CHECK();
}

/* allocated_bytes counts usable bytes of the live blocks, after every call */
PTEST(g_stats_count_usable_bytes)
{
	uint32_t rng = 5;
	size_t sum = 0, peak = 0;

	ga_init(A, 16384);
	for (int op = 0; op < 1000; op++) {
		struct block *b = &live[pt_rand(&rng) % LIVE];
		struct sys_memory_stats st;

		if (b->p) {
			sum -= A->usable_size(self, b->p);
			A->free(self, b->p);
			b->p = NULL;
		} else if ((b->p = A->alloc(self, pt_rand(&rng) % 300 + 1)) != NULL) {
			sum += A->usable_size(self, b->p);
		}
		peak = sum > peak ? sum : peak;
		st = ga_stats(A);
		PT_ASSERT_EQ(st.allocated_bytes, sum);
		PT_ASSERT_EQ(st.max_allocated_bytes, peak);
	}
	PT_ASSERT_NO_CHECK();
}

/* exhaust, free all: the initial free bytes and one free block again */
PTEST(g_exhaust_then_free_all)
{
	static const size_t sizes[] = { 1, 16, 64, 1000 };
	struct sys_memory_stats st0, st;
	struct sys_heap_usage u0, u;
	static void *ptrs[4096];

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t count = 0;

		ga_init(A, 16384);
		st0 = ga_stats(A);
		if (A->usage)
			PT_ASSERT(A->usage(self, &u0));
		while (count < 4096 && (ptrs[count] = A->alloc(self, sizes[s])) != NULL)
			count++;
		PT_ASSERT(count > 0 && count < 4096);
		PT_ASSERT(A->validate(self));
		st = ga_stats(A);
		/* full: not even the smallest request fits any more */
		PT_ASSERT(st.free_bytes < st0.free_bytes);
		for (size_t i = 0; i < count; i += 2)
			A->free(self, ptrs[i]);
		for (size_t i = 1; i < count; i += 2)
			A->free(self, ptrs[i]);
		st = ga_stats(A);
		PT_ASSERT_EQ(st.free_bytes, st0.free_bytes);
		PT_ASSERT_EQ(st.allocated_bytes, 0);
		if (A->usage) {
			PT_ASSERT(A->usage(self, &u));
			PT_ASSERT_EQ(u.free_chunks, 1);
			PT_ASSERT_EQ(u.largest_free, u0.largest_free);
			PT_ASSERT_EQ(u.used_chunks, 0);
		}
		PT_ASSERT(A->validate(self));
	}
	PT_ASSERT_NO_CHECK();
}

PTEST(g_usable_size_covers_request)
{
	ga_init(A, 16384);
	for (size_t n = 1; n <= 2048; n++) {
		uint8_t *p = A->alloc(self, n);
		size_t u = A->usable_size(self, p);

		PT_ASSERT(u >= n);
		memset(p, 0x33, u);
		A->free(self, p);
	}
	PT_ASSERT(A->validate(self));
	PT_ASSERT_NO_CHECK();
}

PTEST(g_too_big_is_null)
{
	void *p;

	ga_init(A, 4096);
	/* more than the whole buffer, whatever the metadata costs */
	PT_ASSERT_NULL(A->alloc(self, 4097));
	PT_ASSERT_NULL(A->alloc(self, 0x7fffffff));
	PT_ASSERT_NULL(A->aligned_alloc(self, 4096, 4097));
	p = A->alloc(self, 100);
	PT_ASSERT_NULL(A->realloc(self, p, 100000));
	PT_ASSERT(A->usable_size(self, p) >= 100);
	PT_ASSERT_NO_CHECK();
	PT_ASSERT(A->validate(self));
}

PTEST(g_bad_alignment_is_caller_error)
{
	void *p;

	ga_init(A, 4096);
	PT_ASSERT_NULL(A->aligned_alloc(self, 0x70, 8));
	PT_ASSERT_CHECK("caller error");
	p = A->alloc(self, 10);
	pt_record_checks();
	PT_ASSERT_NULL(A->aligned_realloc(self, p, 48, 8));
	PT_ASSERT_CHECK("caller error");
	PT_ASSERT(A->validate(self));
}

/* A second free is reported and does not damage the allocator. */
PTEST(g_double_free_reported)
{
	void *p, *q;

	ga_init(A, 4096);
	p = A->alloc(self, 40);
	q = A->alloc(self, 40);
	A->free(self, p);
	A->free(self, p);
	PT_ASSERT_EQ(pt_checks.count, 1);
	PT_ASSERT(A->validate(self));
	pt_record_checks();
	A->free(self, q);
	PT_ASSERT_NO_CHECK();
	PT_ASSERT_EQ(ga_stats(A).allocated_bytes, 0);
}

PTEST(g_heap_sizes)
{
	static const size_t sizes[] = { 512, 2048, 65536, 131072, 300000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t rng = (uint32_t)i + 1;

		ga_init(A, sizes[i]);
		for (int op = 0; op < 500; op++) {
			struct block *b = &live[pt_rand(&rng) % 16];

			if (b->p) {
				PT_ASSERT(intact(b));
				A->free(self, b->p);
				b->p = NULL;
			} else {
				b->n = pt_rand(&rng) % (sizes[i] / 8) + 1;
				b->p = A->alloc(self, b->n);
				if (b->p) {
					put(b, (uint8_t)op);
					assert_disjoint(A, (int)(b - live));
				}
			}
		}
		PT_ASSERT(A->validate(self));
	}
	PT_ASSERT_NO_CHECK();
}

PTEST_GENERIC_SUITE(alloc_generic,
		    PTEST_ENTRY(g_zero_and_null), PTEST_ENTRY(g_no_overlap_random_mix),
		    PTEST_ENTRY(g_alignment_every_pow2), PTEST_ENTRY(g_realloc_keeps_contents),
		    PTEST_ENTRY(g_stats_count_usable_bytes), PTEST_ENTRY(g_exhaust_then_free_all),
		    PTEST_ENTRY(g_usable_size_covers_request), PTEST_ENTRY(g_too_big_is_null),
		    PTEST_ENTRY(g_bad_alignment_is_caller_error),
		    PTEST_ENTRY(g_double_free_reported), PTEST_ENTRY(g_heap_sizes));
