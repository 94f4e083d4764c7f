/*
 * Runtime stats after every call: free and allocated bytes must equal the
 * sums of usable bytes of an independent walk over the chunk headers, and
 * max_allocated must follow spec (rises in alloc, aligned_alloc and in-place
 * growth; a move peaks at old + new block). Plus get/reset_max edge cases.
 */
#include <errno.h>
#include <string.h>

#include "pt_heap.h"

#define SLOTS 48

static struct sys_heap h;
static struct pt_model m;

static size_t chunk_usable(void *p)
{
	return pt_usable(&m, pt_size(&h, &m, pt_chunk_of(&h, &m, p)));
}

static size_t max_of(size_t a, size_t b)
{
	return a > b ? a : b;
}

static void random_calls(enum pt_cfg_id id, size_t bytes, uint32_t seed)
{
	void *slot[SLOTS] = { 0 };
	uint32_t rng = seed;
	size_t max = 0;

	pt_heap_init_id(&h, &m, bytes, id);
	for (int op = 0; op < 1500; op++) {
		uint32_t r = pt_rand(&rng), i = r % SLOTS;
		size_t n = pt_rand(&rng) % (r & 0x100 ? 600 : 60) + 1;
		size_t align = (size_t)1 << (pt_rand(&rng) % 10);
		size_t old;
		void *q;

		switch ((r >> 12) % 5) {
		case 0:
		case 1:
			if (slot[i])
				sys_heap_free(&h, slot[i]);
			slot[i] = sys_heap_alloc(&h, n);
			max = max_of(max, pt_stats(&h).allocated_bytes);
			break;
		case 2:
			if (slot[i])
				sys_heap_free(&h, slot[i]);
			slot[i] = sys_heap_aligned_alloc(&h, align, n);
			max = max_of(max, pt_stats(&h).allocated_bytes);
			break;
		case 3:
			old = slot[i] ? chunk_usable(slot[i]) : 0;
			q = r & 0x200 ? sys_heap_aligned_realloc(&h, slot[i], align, n)
				      : sys_heap_realloc(&h, slot[i], n);
			if (q && slot[i] && q != slot[i]) /* moved: old + new at once */
				max = max_of(max, pt_stats(&h).allocated_bytes + old);
			else
				max = max_of(max, pt_stats(&h).allocated_bytes);
			if (q || !n)
				slot[i] = q;
			break;
		default:
			sys_heap_free(&h, slot[i]);
			slot[i] = NULL;
			break;
		}
		pt_assert_stats(&h, &m, max);
		PT_ASSERT(sys_heap_validate(&h));
		if (op % 300 == 299) {
			PT_ASSERT_EQ(sys_heap_runtime_stats_reset_max(&h), 0);
			max = pt_stats(&h).allocated_bytes;
			pt_assert_stats(&h, &m, max);
		}
	}
	for (int i = 0; i < SLOTS; i++)
		sys_heap_free(&h, slot[i]);
	pt_assert_pristine(&h, &m);
	PT_ASSERT_EQ(pt_stats(&h).max_allocated_bytes, max);
	PT_ASSERT_NO_CHECK();
}

PTEST(stats_every_call_w32_small) { random_calls(PT_W32S, 8192, 11); }
PTEST(stats_every_call_w32_big) { random_calls(PT_W32B, 8192, 12); }
PTEST(stats_every_call_w64) { random_calls(PT_W64, 8192, 13); }
PTEST(stats_every_call_w32_small_full) { random_calls(PT_W32S_FULL, 8192, 14); }
PTEST(stats_every_call_w32_big_full) { random_calls(PT_W32B_FULL, 16384, 15); }
PTEST(stats_every_call_w64_full) { random_calls(PT_W64_FULL, 16384, 16); }

/* The counters live in the heap header at 16, one size_t each. */
PTEST(stats_header_bytes)
{
	struct sys_memory_stats st;
	unsigned w;

	for (int id = 0; id < PT_CFG_COUNT; id++) {
		pt_heap_init_id(&h, &m, 2048, (enum pt_cfg_id)id);
		w = m.word / 8;
		sys_heap_alloc(&h, 100);
		st = pt_stats(&h);
		PT_ASSERT_EQ(pt_rd32(&h, 16), st.free_bytes);
		PT_ASSERT_EQ(pt_rd32(&h, 16 + w), st.allocated_bytes);
		PT_ASSERT_EQ(pt_rd32(&h, 16 + 2 * w), st.max_allocated_bytes);
		if (w == 8)
			PT_ASSERT_EQ(pt_rd32(&h, 20) | pt_rd32(&h, 28) | pt_rd32(&h, 36), 0);
	}
}

PTEST(stats_bad_arguments)
{
	struct sys_memory_stats st;
	struct sys_heap_config cfg;

	pt_heap_init_id(&h, &m, 2048, PT_W32S);
	PT_ASSERT_EQ(sys_heap_runtime_stats_get(NULL, &st), -EINVAL);
	PT_ASSERT_EQ(sys_heap_runtime_stats_get(&h, NULL), -EINVAL);
	PT_ASSERT_EQ(sys_heap_runtime_stats_reset_max(NULL), -EINVAL);
	/* a heap without stats keeps no counters to report */
	pt_cfg_make(&cfg, 32, SYS_HEAP_HARDENING_MODERATE, SYS_HEAP_SIZE_AUTO, false);
	pt_heap_init(&h, &m, 2048, &cfg);
	PT_ASSERT(sys_heap_runtime_stats_get(&h, &st) < 0);
	PT_ASSERT_NO_CHECK();
}

PTEST(stats_reset_max)
{
	void *a, *b;

	pt_heap_init_id(&h, &m, 2048, PT_W64);
	a = sys_heap_alloc(&h, 200);
	b = sys_heap_alloc(&h, 300);
	sys_heap_free(&h, b);
	PT_ASSERT_EQ(pt_stats(&h).max_allocated_bytes,
		     pt_usable(&m, pt_conv(&m, 200, 0)) + pt_usable(&m, pt_conv(&m, 300, 0)));
	PT_ASSERT_EQ(sys_heap_runtime_stats_reset_max(&h), 0);
	PT_ASSERT_EQ(pt_stats(&h).max_allocated_bytes, pt_usable(&m, pt_conv(&m, 200, 0)));
	/* shrinking never raises max */
	PT_ASSERT_PTR_EQ(sys_heap_realloc(&h, a, 10), a);
	PT_ASSERT_EQ(pt_stats(&h).max_allocated_bytes, pt_usable(&m, pt_conv(&m, 200, 0)));
	PT_ASSERT_NO_CHECK();
}

PTEST_SUITE(heap_stats,
	    PTEST_ENTRY(stats_every_call_w32_small), PTEST_ENTRY(stats_every_call_w32_big),
	    PTEST_ENTRY(stats_every_call_w64), PTEST_ENTRY(stats_every_call_w32_small_full),
	    PTEST_ENTRY(stats_every_call_w32_big_full), PTEST_ENTRY(stats_every_call_w64_full),
	    PTEST_ENTRY(stats_header_bytes), PTEST_ENTRY(stats_bad_arguments),
	    PTEST_ENTRY(stats_reset_max));
