/*
 * Bucket index boundaries: bucket(sz) = ⌊log2(sz − min_chunk + 1)⌋. For every
 * bucket i a free chunk of the first size of i and one of the last size of
 * i − 1 must land in those lists (avail bit + head), and ALLOC_LOOPS decides
 * how far alloc walks a bucket before looking higher.
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;

/* Makes a free chunk of `units` at chunk0 (a used guard keeps it apart from
 * the tail), checks its bucket, then frees everything again. */
static void one_free_chunk(uint32_t units)
{
	uint32_t guard = m.min_chunk, tail = m.end - m.chunk0 - units - guard;
	unsigned b = pt_bucket(&m, units), bt = pt_bucket(&m, tail);
	void *a = sys_heap_alloc(&h, pt_bytes_for(&m, units));
	void *g = sys_heap_alloc(&h, pt_bytes_for(&m, guard));

	PT_ASSERT_EQ(pt_off(&h, a), pt_uoff(&m, m.chunk0));
	PT_ASSERT_EQ(pt_off(&h, g), pt_uoff(&m, m.chunk0 + units));
	sys_heap_free(&h, a);
	PT_ASSERT_EQ(pt_avail(&h), (1u << b) | (1u << bt));
	/* the tail was listed first; a newcomer goes in behind the head */
	PT_ASSERT_EQ(pt_head(&h, &m, b), b == bt ? m.chunk0 + units + guard : m.chunk0);
	pt_assert_stats(&h, &m, (size_t)-1);
	PT_ASSERT(sys_heap_validate(&h));
	/* a request of exactly `units` takes the first fitting entry from
	 * the head: our chunk, unless the tail shares the bucket and fits */
	a = sys_heap_alloc(&h, pt_bytes_for(&m, units));
	PT_ASSERT_EQ(pt_off(&h, a), pt_uoff(&m, b == bt && tail >= units ?
					      m.chunk0 + units + guard : m.chunk0));
	sys_heap_free(&h, a);
	sys_heap_free(&h, g);
	pt_assert_pristine(&h, &m);
}

static void boundaries(const struct sys_heap_config *cfg, size_t bytes)
{
	unsigned checked = 0;

	pt_heap_init(&h, &m, bytes, cfg);
	PT_ASSERT_EQ(m.init_result, SYS_HEAP_INIT_OK);
	for (unsigned i = 0; i < 31; i++) {
		uint32_t first = (1u << i) + m.min_chunk - 1;

		/* room for the chunk, a guard and a listed tail */
		if (first + 2 * m.min_chunk + 1 > m.end - m.chunk0)
			break;
		PT_ASSERT_EQ(pt_bucket(&m, first), i);
		one_free_chunk(first);
		if (i > 0 && !pt_undersized(&m, first - 1)) {
			PT_ASSERT_EQ(pt_bucket(&m, first - 1), i - 1);
			one_free_chunk(first - 1);
		}
		checked++;
	}
	/* every bucket below the initial chunk's was reached */
	PT_ASSERT(checked + 1 >= pt_bucket(&m, m.end - m.chunk0));
	PT_ASSERT_NO_CHECK();
}

static void boundaries_id(enum pt_cfg_id id, size_t bytes)
{
	struct sys_heap_config cfg;

	pt_cfg(&cfg, id);
	boundaries(&cfg, bytes);
}

PTEST(bucket_boundaries_w32_small) { boundaries_id(PT_W32S, 262136); }
PTEST(bucket_boundaries_w32_big) { boundaries_id(PT_W32B, 65536); }
PTEST(bucket_boundaries_w64) { boundaries_id(PT_W64, 65536); }
PTEST(bucket_boundaries_w32_small_full) { boundaries_id(PT_W32S_FULL, 65536); }
PTEST(bucket_boundaries_w64_full) { boundaries_id(PT_W64_FULL, 65536); }

PTEST(bucket_boundaries_w32_auto_big)
{
	struct sys_heap_config cfg;

	pt_cfg_make(&cfg, 32, SYS_HEAP_HARDENING_MODERATE, SYS_HEAP_SIZE_AUTO, true);
	boundaries(&cfg, PT_BUF_BYTES);
	PT_ASSERT(m.big);
}

/*
 * Bucket with free chunks X (too small), Y (too small), Z (fits), listed in
 * that order. alloc walks at most ALLOC_LOOPS entries from the head; the
 * head stays where the walk stopped.
 */
static void loops_case(int loops, enum pt_cfg_id id)
{
	struct sys_heap_config cfg;
	uint32_t base, sx, sy, sz, n, g = 0, cx, cy, cz, tailc;
	void *x, *y, *z, *gd[3], *p;

	pt_cfg(&cfg, id);
	cfg.alloc_loops = loops;
	pt_heap_init(&h, &m, 8192, &cfg);
	/* four sizes of one bucket: [2^3 + min − 1, 2^4 + min − 2] */
	base = 8 + m.min_chunk - 1;
	sx = base, sy = base + 1, sz = base + 5, n = base + 3;
	PT_ASSERT_EQ(pt_bucket(&m, sx), 3);
	PT_ASSERT_EQ(pt_bucket(&m, sz), 3);
	g = m.min_chunk;
	x = sys_heap_alloc(&h, pt_bytes_for(&m, sx));
	gd[0] = sys_heap_alloc(&h, pt_bytes_for(&m, g));
	y = sys_heap_alloc(&h, pt_bytes_for(&m, sy));
	gd[1] = sys_heap_alloc(&h, pt_bytes_for(&m, g));
	z = sys_heap_alloc(&h, pt_bytes_for(&m, sz));
	gd[2] = sys_heap_alloc(&h, pt_bytes_for(&m, g));
	PT_ASSERT_NOT_NULL(gd[2]);
	cx = m.chunk0, cy = cx + sx + g, cz = cy + sy + g, tailc = cz + sz + g;
	sys_heap_free(&h, x);
	sys_heap_free(&h, y);
	sys_heap_free(&h, z);
	PT_ASSERT_EQ(pt_head(&h, &m, 3), cx);
	PT_ASSERT_EQ(pt_field(&h, &m, cx, PT_NEXT), cy);
	PT_ASSERT_EQ(pt_field(&h, &m, cy, PT_NEXT), cz);
	PT_ASSERT_EQ(pt_field(&h, &m, cz, PT_NEXT), cx);

	p = sys_heap_alloc(&h, pt_bytes_for(&m, n));
	if (loops >= 3 || loops <= 0) {
		/* X and Y skipped, Z taken and split; the remainder is too
		 * small for bucket 3 and the head moves on to X */
		PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, cz));
		PT_ASSERT_EQ(pt_head(&h, &m, 3), cx);
	} else {
		/* gave up after `loops` entries: the tail, higher up */
		PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, tailc));
		PT_ASSERT_EQ(pt_head(&h, &m, 3), loops == 1 ? cy : cz);
	}
	pt_assert_stats(&h, &m, (size_t)-1);
	PT_ASSERT(sys_heap_validate(&h));
	PT_ASSERT_NO_CHECK();
}

PTEST(alloc_loops_3_w32_small) { loops_case(3, PT_W32S); }
PTEST(alloc_loops_2_w32_small) { loops_case(2, PT_W32S); }
PTEST(alloc_loops_1_w64) { loops_case(1, PT_W64); }
PTEST(alloc_loops_0_w64) { loops_case(0, PT_W64); }
PTEST(alloc_loops_3_w32_big_full) { loops_case(3, PT_W32B_FULL); }

PTEST_SUITE(heap_bucket,
	    PTEST_ENTRY(bucket_boundaries_w32_small), PTEST_ENTRY(bucket_boundaries_w32_big),
	    PTEST_ENTRY(bucket_boundaries_w64), PTEST_ENTRY(bucket_boundaries_w32_small_full),
	    PTEST_ENTRY(bucket_boundaries_w64_full), PTEST_ENTRY(bucket_boundaries_w32_auto_big),
	    PTEST_ENTRY(alloc_loops_3_w32_small), PTEST_ENTRY(alloc_loops_2_w32_small),
	    PTEST_ENTRY(alloc_loops_1_w64), PTEST_ENTRY(alloc_loops_0_w64),
	    PTEST_ENTRY(alloc_loops_3_w32_big_full));
