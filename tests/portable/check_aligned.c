/*
 * aligned_alloc for every power of two up to 4 KiB, with and without the
 * rewind bit, on a fresh heap: the offset, the chunk split into prefix /
 * block / suffix, the usable size and the stats all follow spec §aligned_alloc
 * (target base ≡ 0 mod 4096 here).
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;

static size_t roundup(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static void expect_free(uint32_t c, uint32_t units)
{
	PT_ASSERT(!pt_used(&h, &m, c));
	PT_ASSERT_EQ(pt_size(&h, &m, c), units);
}

/* one call on a fresh heap, checked against the spec's steps */
static void aligned_case(enum pt_cfg_id id, size_t align, size_t bytes)
{
	size_t rew = align & (~align + 1), A = align, gap, po, listed = 0;
	uint32_t c0, fz, padded, c, e;
	struct sys_memory_stats st;
	void *p;

	pt_heap_init_id(&h, &m, 16384, id);
	c0 = m.chunk0;
	fz = m.end - c0;
	if (align != rew) {
		A = align - rew;
		gap = rew < m.hdr ? rew : m.hdr;
	} else if (align <= m.hdr) {
		/* plain alloc */
		p = sys_heap_aligned_alloc(&h, align, bytes);
		PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, c0));
		PT_ASSERT_EQ(pt_size(&h, &m, c0), pt_conv(&m, bytes, 0));
		sys_heap_free(&h, p);
		pt_assert_pristine(&h, &m);
		return;
	} else {
		rew = 0;
		gap = m.hdr;
	}
	padded = pt_conv(&m, bytes, A - gap);
	p = sys_heap_aligned_alloc(&h, align, bytes);
	PT_ASSERT_NO_CHECK();
	if (padded > fz) {
		PT_ASSERT_NULL(p);
		pt_assert_pristine(&h, &m);
		return;
	}
	po = roundup(pt_uoff(&m, c0) + rew, A) - rew;
	c = (uint32_t)((po - m.hdr) / 8);
	e = (uint32_t)(roundup(po + bytes, 8) / 8) + m.T;
	PT_ASSERT_NOT_NULL(p);
	PT_ASSERT_EQ(pt_off(&h, p), po);
	PT_ASSERT_EQ((po + rew) % A, 0);
	/* prefix, block, suffix */
	if (c > c0) {
		expect_free(c0, c - c0);
		if (!pt_undersized(&m, c - c0))
			listed += pt_usable(&m, c - c0);
	}
	PT_ASSERT(pt_used(&h, &m, c));
	PT_ASSERT_EQ(pt_size(&h, &m, c), e - c);
	if (m.end > e) {
		expect_free(e, m.end - e);
		if (!pt_undersized(&m, m.end - e))
			listed += pt_usable(&m, m.end - e);
	}
	PT_ASSERT_EQ(sys_heap_usable_size(&h, p),
		     pt_usable(&m, e - c) - (m.big ? 0 : (po - m.hdr) % 8));
	PT_ASSERT(sys_heap_usable_size(&h, p) >= bytes);
	st = pt_stats(&h);
	PT_ASSERT_EQ(st.allocated_bytes, pt_usable(&m, e - c));
	PT_ASSERT_EQ(st.max_allocated_bytes, pt_usable(&m, e - c));
	PT_ASSERT_EQ(st.free_bytes, listed);
	if (m.T)
		PT_ASSERT_EQ(pt_rd32(&h, pt_canary_off(&m, c, e - c)),
			     pt_canary(c, e - c, h.cfg.canary_base));
	memset(p, 0x5a, bytes);
	PT_ASSERT(sys_heap_validate(&h));
	/* freeing merges prefix and suffix back: the fresh heap */
	sys_heap_free(&h, p);
	pt_assert_pristine(&h, &m);
	PT_ASSERT_NO_CHECK();
}

static void all_alignments(enum pt_cfg_id id)
{
	static const size_t sizes[] = { 1, 24, 200, 1000 };

	for (size_t a = 1; a <= 4096; a <<= 1) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			aligned_case(id, a, sizes[s]);
			/* rewind: every lower bit that makes `a | r` legal */
			for (size_t r = 1; r < a && r <= 64; r <<= 1)
				aligned_case(id, a | r, sizes[s]);
		}
	}
	aligned_case(id, 0, 24);
}

PTEST(aligned_pow2_w32_small) { all_alignments(PT_W32S); }
PTEST(aligned_pow2_w32_big) { all_alignments(PT_W32B); }
PTEST(aligned_pow2_w64) { all_alignments(PT_W64); }
PTEST(aligned_pow2_w32_small_full) { all_alignments(PT_W32S_FULL); }
PTEST(aligned_pow2_w32_big_full) { all_alignments(PT_W32B_FULL); }
PTEST(aligned_pow2_w64_full) { all_alignments(PT_W64_FULL); }

/* A request whose padded size exceeds the heap gets NULL, nothing changes. */
PTEST(aligned_too_big_is_null)
{
	pt_heap_init_id(&h, &m, 2048, PT_W32S);
	PT_ASSERT_NULL(sys_heap_aligned_alloc(&h, 1024, 1500));
	PT_ASSERT_NULL(sys_heap_aligned_alloc(&h, 4096, 8));
	PT_ASSERT_NO_CHECK();
	pt_assert_pristine(&h, &m);
}

/* Placement in a used heap: alloc_chunk picks c0 for the padded size. */
PTEST(aligned_after_blocks_w32_small)
{
	void *a, *p;
	uint32_t c0;
	size_t po;

	pt_heap_init_id(&h, &m, 8192, PT_W32S);
	a = sys_heap_alloc(&h, 100);
	c0 = m.chunk0 + pt_conv(&m, 100, 0);
	p = sys_heap_aligned_alloc(&h, 256, 40);
	po = roundup(pt_uoff(&m, c0), 256);
	PT_ASSERT_EQ(pt_off(&h, p), po);
	/* the prefix between `a` and the block is a free chunk */
	PT_ASSERT(!pt_used(&h, &m, c0));
	PT_ASSERT_EQ(pt_size(&h, &m, c0), (po - m.hdr) / 8 - c0);
	pt_assert_stats(&h, &m, (size_t)-1);
	sys_heap_free(&h, a);
	sys_heap_free(&h, p);
	pt_assert_pristine(&h, &m);
}

PTEST_SUITE(heap_aligned,
	    PTEST_ENTRY(aligned_pow2_w32_small), PTEST_ENTRY(aligned_pow2_w32_big),
	    PTEST_ENTRY(aligned_pow2_w64), PTEST_ENTRY(aligned_pow2_w32_small_full),
	    PTEST_ENTRY(aligned_pow2_w32_big_full), PTEST_ENTRY(aligned_pow2_w64_full),
	    PTEST_ENTRY(aligned_too_big_is_null), PTEST_ENTRY(aligned_after_blocks_w32_small));
