/*
 * realloc / aligned_realloc: shrink, grow in place (partly and wholly into
 * the right neighbour), grow by move with contents preserved, failure keeps
 * the old block, NULL pointer, size 0. Sizes in units, offsets from the spec.
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;

static const enum pt_cfg_id cfgs[] = { PT_W32S, PT_W32B, PT_W64, PT_W32S_FULL, PT_W64_FULL };
#define NCFG (sizeof(cfgs) / sizeof(cfgs[0]))

static void *alloc_units(uint32_t units)
{
	void *p = sys_heap_alloc(&h, pt_bytes_for(&m, units));

	PT_ASSERT_NOT_NULL(p);
	return p;
}

static void fill(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

static bool filled(const void *p, size_t n, uint8_t seed)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (uint8_t)(seed + i * 7))
			return false;
	return true;
}

static void shrink(enum pt_cfg_id id, bool guard)
{
	uint32_t c0, big = 20, small = 8;
	size_t max0;
	void *p, *q;

	pt_heap_init_id(&h, &m, 4096, id);
	c0 = m.chunk0;
	p = alloc_units(big);
	if (guard)
		alloc_units(4);
	fill(p, pt_bytes_for(&m, small), 1);
	max0 = pt_stats(&h).max_allocated_bytes;
	q = sys_heap_realloc(&h, p, pt_bytes_for(&m, small));
	PT_ASSERT_PTR_EQ(q, p);
	PT_ASSERT_EQ(pt_size(&h, &m, c0), small);
	PT_ASSERT(filled(q, pt_bytes_for(&m, small), 1));
	/* the cut-off part is free: alone, or merged into the free tail */
	PT_ASSERT(!pt_used(&h, &m, c0 + small));
	PT_ASSERT_EQ(pt_size(&h, &m, c0 + small),
		     guard ? big - small : m.end - c0 - small);
	pt_assert_stats(&h, &m, max0);
	if (m.T)
		PT_ASSERT_EQ(pt_rd32(&h, pt_canary_off(&m, c0, small)),
			     pt_canary(c0, small, h.cfg.canary_base));
	/* same number of units: success, nothing written */
	q = sys_heap_realloc(&h, p, pt_bytes_for(&m, small) - 1);
	PT_ASSERT_PTR_EQ(q, p);
	PT_ASSERT_EQ(pt_size(&h, &m, c0), small);
	PT_ASSERT(sys_heap_validate(&h));
	PT_ASSERT_NO_CHECK();
}

static void grow_in_place(enum pt_cfg_id id, bool whole)
{
	uint32_t c0, a = 6, b = 10;
	void *p, *q, *g;
	size_t before, max0, grown;

	pt_heap_init_id(&h, &m, 4096, id);
	c0 = m.chunk0;
	p = alloc_units(a);
	q = alloc_units(b);
	g = alloc_units(3 + m.T);
	sys_heap_free(&h, q);
	fill(p, pt_bytes_for(&m, a), 9);
	before = pt_stats(&h).allocated_bytes;
	max0 = pt_stats(&h).max_allocated_bytes;
	grown = before + 8 * (whole ? b : 4);
	/* whole: take all of the free neighbour; else leave a remainder */
	q = sys_heap_realloc(&h, p, pt_bytes_for(&m, whole ? a + b : a + 4));
	PT_ASSERT_PTR_EQ(q, p);
	PT_ASSERT(filled(p, pt_bytes_for(&m, a), 9));
	PT_ASSERT_EQ(pt_size(&h, &m, c0), whole ? a + b : a + 4);
	if (whole) {
		PT_ASSERT_EQ(pt_field(&h, &m, c0 + a + b, PT_LEFT), a + b);
	} else {
		PT_ASSERT(!pt_used(&h, &m, c0 + a + 4));
		PT_ASSERT_EQ(pt_size(&h, &m, c0 + a + 4), b - 4);
	}
	PT_ASSERT(pt_used(&h, &m, c0));
	pt_assert_stats(&h, &m, grown > max0 ? grown : max0);
	PT_ASSERT(sys_heap_validate(&h));
	PT_ASSERT_NO_CHECK();
	(void)g;
}

static void grow_by_move(enum pt_cfg_id id)
{
	uint32_t c0, a = 6, g = 4, n = 30;
	void *p, *q;
	size_t before;

	pt_heap_init_id(&h, &m, 4096, id);
	c0 = m.chunk0;
	p = alloc_units(a);
	alloc_units(g);
	fill(p, pt_bytes_for(&m, a), 33);
	before = pt_stats(&h).allocated_bytes;
	q = sys_heap_realloc(&h, p, pt_bytes_for(&m, n));
	/* blocked by the guard: a fresh block from the tail */
	PT_ASSERT_EQ(pt_off(&h, q), pt_uoff(&m, c0 + a + g));
	PT_ASSERT(filled(q, pt_bytes_for(&m, a), 33));
	PT_ASSERT(!pt_used(&h, &m, c0));
	PT_ASSERT_EQ(pt_size(&h, &m, c0), a);
	/* max saw old and new block at once */
	pt_assert_stats(&h, &m, before + pt_usable(&m, n));
	PT_ASSERT(sys_heap_validate(&h));
	PT_ASSERT_NO_CHECK();
}

static void fail_keeps_block(enum pt_cfg_id id)
{
	void *p, *q;
	struct sys_memory_stats st0, st1;

	pt_heap_init_id(&h, &m, 4096, id);
	p = alloc_units(6);
	alloc_units(4);
	fill(p, pt_bytes_for(&m, 6), 77);
	st0 = pt_stats(&h);
	q = sys_heap_realloc(&h, p, 8192);
	PT_ASSERT_NULL(q);
	PT_ASSERT(filled(p, pt_bytes_for(&m, 6), 77));
	PT_ASSERT(pt_used(&h, &m, m.chunk0));
	PT_ASSERT_EQ(pt_size(&h, &m, m.chunk0), 6);
	st1 = pt_stats(&h);
	PT_ASSERT(memcmp(&st0, &st1, sizeof(st0)) == 0);
	PT_ASSERT(sys_heap_validate(&h));
	PT_ASSERT_NO_CHECK();
}

static void null_and_zero(enum pt_cfg_id id)
{
	void *p;

	pt_heap_init_id(&h, &m, 4096, id);
	/* NULL pointer: plain alloc */
	p = sys_heap_realloc(&h, NULL, 100);
	PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, m.chunk0));
	PT_ASSERT_EQ(pt_size(&h, &m, m.chunk0), pt_conv(&m, 100, 0));
	/* size 0: free, NULL */
	PT_ASSERT_NULL(sys_heap_realloc(&h, p, 0));
	pt_assert_pristine(&h, &m);
	/* NULL and 0: nothing at all */
	PT_ASSERT_NULL(sys_heap_realloc(&h, NULL, 0));
	p = sys_heap_aligned_realloc(&h, NULL, 64, 10);
	PT_ASSERT_EQ(pt_off(&h, p) % 64, 0);
	PT_ASSERT_NULL(sys_heap_aligned_realloc(&h, p, 64, 0));
	pt_assert_pristine(&h, &m);
	PT_ASSERT_NO_CHECK();
}

PTEST(realloc_shrink_merges_tail)
{
	for (size_t i = 0; i < NCFG; i++)
		shrink(cfgs[i], false);
}

PTEST(realloc_shrink_before_guard)
{
	for (size_t i = 0; i < NCFG; i++)
		shrink(cfgs[i], true);
}

PTEST(realloc_grow_in_place_split)
{
	for (size_t i = 0; i < NCFG; i++)
		grow_in_place(cfgs[i], false);
}

PTEST(realloc_grow_in_place_whole)
{
	for (size_t i = 0; i < NCFG; i++)
		grow_in_place(cfgs[i], true);
}

PTEST(realloc_grow_by_move)
{
	for (size_t i = 0; i < NCFG; i++)
		grow_by_move(cfgs[i]);
}

PTEST(realloc_failure_keeps_block)
{
	for (size_t i = 0; i < NCFG; i++)
		fail_keeps_block(cfgs[i]);
}

PTEST(realloc_null_and_zero)
{
	for (size_t i = 0; i < NCFG; i++)
		null_and_zero(cfgs[i]);
}

/* aligned_realloc stays in place when the pointer already has the alignment */
PTEST(aligned_realloc_in_place)
{
	void *p, *q;

	for (size_t i = 0; i < NCFG; i++) {
		pt_heap_init_id(&h, &m, 4096, cfgs[i]);
		p = alloc_units(6);
		PT_ASSERT_EQ(pt_off(&h, p) % 4, 0);
		fill(p, pt_bytes_for(&m, 6), 5);
		q = sys_heap_aligned_realloc(&h, p, 4, pt_bytes_for(&m, 12));
		PT_ASSERT_PTR_EQ(q, p);
		PT_ASSERT_EQ(pt_size(&h, &m, m.chunk0), 12);
		PT_ASSERT(filled(q, pt_bytes_for(&m, 6), 5));
		/* align 0 means "no constraint" */
		q = sys_heap_aligned_realloc(&h, p, 0, pt_bytes_for(&m, 7));
		PT_ASSERT_PTR_EQ(q, p);
		PT_ASSERT_EQ(pt_size(&h, &m, m.chunk0), 7);
		pt_assert_stats(&h, &m, pt_usable(&m, 12));
		PT_ASSERT_NO_CHECK();
	}
}

/* ... and moves to an aligned block when it has not, keeping the contents */
PTEST(aligned_realloc_moves)
{
	void *p, *q;

	for (size_t i = 0; i < NCFG; i++) {
		pt_heap_init_id(&h, &m, 4096, cfgs[i]);
		p = alloc_units(6);
		PT_ASSERT(pt_off(&h, p) % 512 != 0);
		fill(p, pt_bytes_for(&m, 6), 11);
		q = sys_heap_aligned_realloc(&h, p, 512, pt_bytes_for(&m, 6));
		PT_ASSERT_NOT_NULL(q);
		PT_ASSERT(q != p);
		PT_ASSERT_EQ(pt_off(&h, q) % 512, 0);
		PT_ASSERT(filled(q, pt_bytes_for(&m, 6), 11));
		PT_ASSERT(!pt_used(&h, &m, m.chunk0));
		pt_assert_stats(&h, &m, (size_t)-1);
		PT_ASSERT(sys_heap_validate(&h));
		sys_heap_free(&h, q);
		pt_assert_pristine(&h, &m);
		PT_ASSERT_NO_CHECK();
	}
}

PTEST_SUITE(heap_realloc,
	    PTEST_ENTRY(realloc_shrink_merges_tail), PTEST_ENTRY(realloc_shrink_before_guard),
	    PTEST_ENTRY(realloc_grow_in_place_split), PTEST_ENTRY(realloc_grow_in_place_whole),
	    PTEST_ENTRY(realloc_grow_by_move), PTEST_ENTRY(realloc_failure_keeps_block),
	    PTEST_ENTRY(realloc_null_and_zero), PTEST_ENTRY(aligned_realloc_in_place),
	    PTEST_ENTRY(aligned_realloc_moves));
