/*
 * Usable size, low-to-high placement, fill-to-exhaustion and free-all.
 * Expected chunk sizes and offsets: conv() and the chunk layout of the spec.
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;
static void *ptrs[4096];

/* usable size = chunk bytes − header (− trailer) for every size 1..4096 */
static void usable_range(enum pt_cfg_id id)
{
	pt_heap_init_id(&h, &m, 16384, id);
	for (size_t n = 1; n <= 4096; n++) {
		uint32_t units = pt_conv(&m, n, 0);
		void *p = sys_heap_alloc(&h, n);
		size_t u;

		PT_ASSERT_NOT_NULL(p);
		PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, m.chunk0));
		PT_ASSERT_EQ(pt_size(&h, &m, m.chunk0), units);
		PT_ASSERT(pt_used(&h, &m, m.chunk0));
		u = sys_heap_usable_size(&h, p);
		PT_ASSERT_EQ(u, 8 * (size_t)pt_size(&h, &m, m.chunk0) - m.hdr - 8 * m.T);
		PT_ASSERT(u >= n && u - n < 8);
		if (m.T)
			PT_ASSERT_EQ(pt_rd32(&h, pt_canary_off(&m, m.chunk0, units)),
				     pt_canary(m.chunk0, units, h.cfg.canary_base));
		sys_heap_free(&h, p);
	}
	pt_assert_pristine(&h, &m);
	PT_ASSERT_NO_CHECK();
}

PTEST(usable_size_w32_small) { usable_range(PT_W32S); }
PTEST(usable_size_w32_big) { usable_range(PT_W32B); }
PTEST(usable_size_w64) { usable_range(PT_W64); }
PTEST(usable_size_w32_small_full) { usable_range(PT_W32S_FULL); }
PTEST(usable_size_w32_big_full) { usable_range(PT_W32B_FULL); }
PTEST(usable_size_w64_full) { usable_range(PT_W64_FULL); }

/*
 * A fresh heap hands out chunks low to high: each block starts where the
 * previous one ended. The free tail stays listed while it is not undersized;
 * an alloc succeeds exactly when the tail is listed and big enough.
 */
static void low_to_high(enum pt_cfg_id id, size_t bytes, uint32_t seed)
{
	uint32_t next, rng = seed, fails = 0;
	size_t live = 0;

	pt_heap_init_id(&h, &m, bytes, id);
	next = m.chunk0;
	while (fails < 8) {
		size_t n = pt_rand(&rng) % 300 + 1;
		uint32_t units = pt_conv(&m, n, 0), tail = m.end - next;
		bool fits = tail && !pt_undersized(&m, tail) && units <= tail;
		void *p = sys_heap_alloc(&h, n);

		if (!fits) {
			PT_ASSERT_NULL(p);
			fails++;
			continue;
		}
		PT_ASSERT_NOT_NULL(p);
		PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, next));
		memset(p, (int)live, n);
		ptrs[live++] = p;
		next += units;
	}
	/* top up with 1-byte blocks until the tail is used or unlisted */
	for (;;) {
		uint32_t units = pt_conv(&m, 1, 0), tail = m.end - next;
		bool fits = tail && !pt_undersized(&m, tail) && units <= tail;
		void *p = sys_heap_alloc(&h, 1);

		if (!fits) {
			PT_ASSERT_NULL(p);
			break;
		}
		PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, next));
		ptrs[live++] = p;
		next += units;
	}
	pt_assert_stats(&h, &m, (size_t)-1);
	PT_ASSERT(sys_heap_validate(&h));
	/* free in a scrambled order */
	for (size_t i = live; i > 0; i--) {
		size_t j = pt_rand(&rng) % i;

		sys_heap_free(&h, ptrs[j]);
		ptrs[j] = ptrs[i - 1];
	}
	pt_assert_pristine(&h, &m);
	PT_ASSERT_NO_CHECK();
}

PTEST(low_to_high_w32_small) { low_to_high(PT_W32S, 8192, 1); }
PTEST(low_to_high_w32_big) { low_to_high(PT_W32B, 8192, 2); }
PTEST(low_to_high_w64) { low_to_high(PT_W64, 8192, 3); }
PTEST(low_to_high_w32_small_full) { low_to_high(PT_W32S_FULL, 8192, 4); }
PTEST(low_to_high_w64_full) { low_to_high(PT_W64_FULL, 8192, 5); }

/* A 32-bit AUTO heap above 0x7fff units: 32-bit fields, 8-byte headers. */
PTEST(low_to_high_w32_auto_big)
{
	struct sys_heap_config cfg;

	pt_cfg_make(&cfg, 32, SYS_HEAP_HARDENING_MODERATE, SYS_HEAP_SIZE_AUTO, true);
	pt_heap_init(&h, &m, 300000, &cfg);
	PT_ASSERT(m.big);
	PT_ASSERT_EQ(m.hdr, 8);
	for (int i = 0; i < 64; i++) {
		void *p = sys_heap_alloc(&h, 3000);

		PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, m.chunk0 + (uint32_t)i * pt_conv(&m, 3000, 0)));
		ptrs[i] = p;
	}
	for (int i = 0; i < 64; i++)
		sys_heap_free(&h, ptrs[i]);
	pt_assert_pristine(&h, &m);
}

/*
 * Fill with blocks of one size until alloc fails, check nothing but an
 * unusable tail is left, free all (order: 0 forward, 1 backward, 2 odd then
 * even) and expect exactly the fresh heap back.
 */
static void exhaust(enum pt_cfg_id id, size_t n, int order)
{
	uint32_t units, count, tail;
	struct pt_walk w;
	struct sys_heap_usage u;
	size_t live = 0;
	void *p;

	pt_heap_init_id(&h, &m, 8192, id);
	units = pt_conv(&m, n, 0);
	while ((p = sys_heap_alloc(&h, n)) != NULL) {
		PT_ASSERT(live < 4096);
		ptrs[live++] = p;
	}
	/* the model: consecutive chunks while the tail is listed and fits */
	count = 0;
	tail = m.end - m.chunk0;
	while (tail && !pt_undersized(&m, tail) && tail >= units) {
		count++;
		tail -= units;
	}
	PT_ASSERT_EQ(live, count);
	pt_walk(&h, &m, &w);
	PT_ASSERT_EQ(w.used_chunks, count);
	PT_ASSERT_EQ(w.free_chunks + w.undersized_free, tail ? 1 : 0);
	PT_ASSERT(sys_heap_usage_get(&h, &u));
	PT_ASSERT_EQ(u.used_chunks, count);
	PT_ASSERT_EQ(u.free_bytes, w.free_bytes);
	PT_ASSERT_EQ(u.largest_free, w.largest_free);
	pt_assert_stats(&h, &m, pt_usable(&m, units) * count);
	PT_ASSERT(sys_heap_validate(&h));

	if (order == 0) {
		for (size_t i = 0; i < live; i++)
			sys_heap_free(&h, ptrs[i]);
	} else if (order == 1) {
		for (size_t i = live; i > 0; i--)
			sys_heap_free(&h, ptrs[i - 1]);
	} else {
		/* odd ones first: every free then has used neighbours */
		for (size_t i = 1; i < live; i += 2)
			sys_heap_free(&h, ptrs[i]);
		pt_walk(&h, &m, &w);
		PT_ASSERT_EQ(w.used_chunks, (live + 1) / 2);
		PT_ASSERT(sys_heap_validate(&h));
		for (size_t i = 0; i < live; i += 2)
			sys_heap_free(&h, ptrs[i]);
	}
	pt_assert_pristine(&h, &m);
	PT_ASSERT_NO_CHECK();
}

PTEST(exhaust_1_forward_w32_small) { exhaust(PT_W32S, 1, 0); }
PTEST(exhaust_24_backward_w32_small) { exhaust(PT_W32S, 24, 1); }
PTEST(exhaust_100_oddeven_w32_small) { exhaust(PT_W32S, 100, 2); }
PTEST(exhaust_1_forward_w32_big) { exhaust(PT_W32B, 1, 0); }
PTEST(exhaust_60_oddeven_w64) { exhaust(PT_W64, 60, 2); }
PTEST(exhaust_8_backward_w64) { exhaust(PT_W64, 8, 1); }
PTEST(exhaust_13_oddeven_w32_small_full) { exhaust(PT_W32S_FULL, 13, 2); }
PTEST(exhaust_1_forward_w64_full) { exhaust(PT_W64_FULL, 1, 0); }

PTEST_SUITE(heap_place,
	    PTEST_ENTRY(usable_size_w32_small), PTEST_ENTRY(usable_size_w32_big),
	    PTEST_ENTRY(usable_size_w64), PTEST_ENTRY(usable_size_w32_small_full),
	    PTEST_ENTRY(usable_size_w32_big_full), PTEST_ENTRY(usable_size_w64_full),
	    PTEST_ENTRY(low_to_high_w32_small), PTEST_ENTRY(low_to_high_w32_big),
	    PTEST_ENTRY(low_to_high_w64), PTEST_ENTRY(low_to_high_w32_small_full),
	    PTEST_ENTRY(low_to_high_w64_full), PTEST_ENTRY(low_to_high_w32_auto_big),
	    PTEST_ENTRY(exhaust_1_forward_w32_small),
	    PTEST_ENTRY(exhaust_24_backward_w32_small),
	    PTEST_ENTRY(exhaust_100_oddeven_w32_small),
	    PTEST_ENTRY(exhaust_1_forward_w32_big), PTEST_ENTRY(exhaust_60_oddeven_w64),
	    PTEST_ENTRY(exhaust_8_backward_w64),
	    PTEST_ENTRY(exhaust_13_oddeven_w32_small_full),
	    PTEST_ENTRY(exhaust_1_forward_w64_full));
