/*
 * free() merges with free neighbours: none, right, left, both, plus the
 * bucket bookkeeping and (FULL) the 0xDEADBEEF poison in the merged chunk.
 * Layout: A B C D at chunk0.., then the free tail; sizes in units.
 */
#include <string.h>

#include "pt_heap.h"

enum { UA = 3, UB = 4, UC = 5, UD = 6 };

static struct sys_heap h;
static struct pt_model m;

struct blocks {
	void *a, *b, *c, *d;
	uint32_t ca, cb, cc, cd, tail;
};

static void *alloc_units(uint32_t units)
{
	void *p = sys_heap_alloc(&h, pt_bytes_for(&m, units));

	PT_ASSERT_NOT_NULL(p);
	PT_ASSERT_EQ(pt_size(&h, &m, pt_chunk_of(&h, &m, p)), units);
	return p;
}

static void setup(struct blocks *k, enum pt_cfg_id id)
{
	pt_heap_init_id(&h, &m, 4096, id);
	k->a = alloc_units(UA + m.T);
	k->b = alloc_units(UB + m.T);
	k->c = alloc_units(UC + m.T);
	k->d = alloc_units(UD + m.T);
	k->ca = m.chunk0;
	k->cb = k->ca + UA + m.T;
	k->cc = k->cb + UB + m.T;
	k->cd = k->cc + UC + m.T;
	k->tail = k->cd + UD + m.T;
	PT_ASSERT_EQ(pt_chunk_of(&h, &m, k->d), k->cd);
}

/* chunk `c` is free, `units` long, listed as the head of its bucket */
static void assert_free_chunk(uint32_t c, uint32_t units)
{
	unsigned b = pt_bucket(&m, units);

	PT_ASSERT(!pt_used(&h, &m, c));
	PT_ASSERT_EQ(pt_size(&h, &m, c), units);
	PT_ASSERT_EQ(pt_field(&h, &m, c + units, PT_LEFT), units);
	PT_ASSERT(pt_avail(&h) & (1u << b));
	PT_ASSERT_EQ(pt_head(&h, &m, b), c);
	if (m.T) /* FULL: poison in the first 4 bytes of the last unit */
		PT_ASSERT_EQ(pt_rd32(&h, pt_canary_off(&m, c, units)), 0xDEADBEEFu);
}

static void finish(struct blocks *k, uint32_t free_chunks)
{
	struct pt_walk w;

	pt_walk(&h, &m, &w);
	PT_ASSERT_EQ(w.free_chunks, free_chunks);
	pt_assert_stats(&h, &m, (size_t)-1);
	PT_ASSERT(sys_heap_validate(&h));
	PT_ASSERT_NO_CHECK();
	(void)k;
}

static void merge_none(enum pt_cfg_id id)
{
	struct blocks k;

	setup(&k, id);
	sys_heap_free(&h, k.b);
	assert_free_chunk(k.cb, UB + m.T);
	PT_ASSERT(pt_used(&h, &m, k.ca) && pt_used(&h, &m, k.cc));
	finish(&k, 2);
}

static void merge_right(enum pt_cfg_id id)
{
	struct blocks k;

	setup(&k, id);
	sys_heap_free(&h, k.c);
	sys_heap_free(&h, k.b);
	assert_free_chunk(k.cb, UB + UC + 2 * m.T);
	PT_ASSERT(pt_used(&h, &m, k.ca) && pt_used(&h, &m, k.cd));
	PT_ASSERT_EQ(pt_field(&h, &m, k.cd, PT_LEFT), k.cd - k.cb);
	finish(&k, 2);
}

static void merge_left(enum pt_cfg_id id)
{
	struct blocks k;

	setup(&k, id);
	sys_heap_free(&h, k.a);
	sys_heap_free(&h, k.b);
	assert_free_chunk(k.ca, UA + UB + 2 * m.T);
	PT_ASSERT(pt_used(&h, &m, k.cc));
	finish(&k, 2);
}

static void merge_both(enum pt_cfg_id id)
{
	struct blocks k;

	setup(&k, id);
	sys_heap_free(&h, k.a);
	sys_heap_free(&h, k.c);
	sys_heap_free(&h, k.b);
	assert_free_chunk(k.ca, UA + UB + UC + 3 * m.T);
	PT_ASSERT(pt_used(&h, &m, k.cd));
	finish(&k, 2);
	/* and the last one merges into the free tail: the fresh heap again */
	sys_heap_free(&h, k.d);
	pt_assert_pristine(&h, &m);
}

/* the merged chunk lands in the bucket of its new size, the parts leave theirs */
static void merge_buckets(enum pt_cfg_id id)
{
	struct blocks k;
	uint32_t merged;

	setup(&k, id);
	merged = UA + UB + UC + 3 * m.T;
	sys_heap_free(&h, k.a);
	sys_heap_free(&h, k.c);
	/* A and C are both listed now */
	PT_ASSERT(pt_avail(&h) & (1u << pt_bucket(&m, UA + m.T)));
	PT_ASSERT(pt_avail(&h) & (1u << pt_bucket(&m, UC + m.T)));
	sys_heap_free(&h, k.b);
	PT_ASSERT_EQ(pt_avail(&h), (1u << pt_bucket(&m, merged)) |
				    (1u << pt_bucket(&m, m.end - k.tail)));
	/* a request of exactly the merged size takes it, no split */
	PT_ASSERT_EQ(pt_off(&h, sys_heap_alloc(&h, pt_bytes_for(&m, merged))),
		     pt_uoff(&m, k.ca));
	finish(&k, 1);
}

PTEST(merge_none_w32_small) { merge_none(PT_W32S); }
PTEST(merge_right_w32_small) { merge_right(PT_W32S); }
PTEST(merge_left_w32_small) { merge_left(PT_W32S); }
PTEST(merge_both_w32_small) { merge_both(PT_W32S); }
PTEST(merge_none_w32_big) { merge_none(PT_W32B); }
PTEST(merge_right_w32_big) { merge_right(PT_W32B); }
PTEST(merge_left_w32_big) { merge_left(PT_W32B); }
PTEST(merge_both_w32_big) { merge_both(PT_W32B); }
PTEST(merge_none_w64) { merge_none(PT_W64); }
PTEST(merge_right_w64) { merge_right(PT_W64); }
PTEST(merge_left_w64) { merge_left(PT_W64); }
PTEST(merge_both_w64) { merge_both(PT_W64); }
PTEST(merge_none_w32_small_full) { merge_none(PT_W32S_FULL); }
PTEST(merge_right_w32_small_full) { merge_right(PT_W32S_FULL); }
PTEST(merge_left_w32_small_full) { merge_left(PT_W32S_FULL); }
PTEST(merge_both_w32_small_full) { merge_both(PT_W32S_FULL); }
PTEST(merge_none_w64_full) { merge_none(PT_W64_FULL); }
PTEST(merge_right_w64_full) { merge_right(PT_W64_FULL); }
PTEST(merge_left_w64_full) { merge_left(PT_W64_FULL); }
PTEST(merge_both_w64_full) { merge_both(PT_W64_FULL); }
PTEST(merge_buckets_w32_small) { merge_buckets(PT_W32S); }
PTEST(merge_buckets_w64) { merge_buckets(PT_W64); }

PTEST_SUITE(heap_merge,
	    PTEST_ENTRY(merge_none_w32_small), PTEST_ENTRY(merge_right_w32_small),
	    PTEST_ENTRY(merge_left_w32_small), PTEST_ENTRY(merge_both_w32_small),
	    PTEST_ENTRY(merge_none_w32_big), PTEST_ENTRY(merge_right_w32_big),
	    PTEST_ENTRY(merge_left_w32_big), PTEST_ENTRY(merge_both_w32_big),
	    PTEST_ENTRY(merge_none_w64), PTEST_ENTRY(merge_right_w64),
	    PTEST_ENTRY(merge_left_w64), PTEST_ENTRY(merge_both_w64),
	    PTEST_ENTRY(merge_none_w32_small_full), PTEST_ENTRY(merge_right_w32_small_full),
	    PTEST_ENTRY(merge_left_w32_small_full), PTEST_ENTRY(merge_both_w32_small_full),
	    PTEST_ENTRY(merge_none_w64_full), PTEST_ENTRY(merge_right_w64_full),
	    PTEST_ENTRY(merge_left_w64_full), PTEST_ENTRY(merge_both_w64_full),
	    PTEST_ENTRY(merge_buckets_w32_small), PTEST_ENTRY(merge_buckets_w64));
