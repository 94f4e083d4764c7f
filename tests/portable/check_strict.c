/*
 * Where upstream's validate and the port's strict check part ways (spec:
 * "Consequences" of validate, and the strict check's list of invariants),
 * and the corner paths of validate's later steps.
 *
 * Heap: pt_build_abcde (as in check_validate.c).
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;
static uint32_t cA, cB, cC, cD, cE;

static void build(enum pt_cfg_id id)
{
	struct sys_heap_config cfg;
	uint32_t c[5];

	pt_cfg(&cfg, id);
	cfg.internal_checks = false;
	pt_build_abcde(&h, &m, &cfg, c);
	cA = c[0], cB = c[1], cC = c[2], cD = c[3], cE = c[4];
}

/* strict says broken (and names why); validate's verdict is `upstream` */
static void expect(bool upstream)
{
	const char *why = NULL;

	PT_ASSERT(!sys_heap_check_strict(&h, &why, NULL));
	PT_ASSERT_NOT_NULL(why);
	PT_ASSERT_EQ(sys_heap_validate(&h), upstream);
	PT_ASSERT_NO_CHECK();
}

PTEST(strict_canary_of_used_chunk)
{
	build(PT_W32S_FULL);
	pt_wr32(&h, pt_canary_off(&m, cC, pt_size(&h, &m, cC)), 0x12345678);
	expect(true); /* validate does not look at canaries */
	build(PT_W64_FULL);
	pt_wr32(&h, pt_canary_off(&m, 0, m.chunk0), 0);
	expect(true);
}

/* "the end marker's size is never read" */
PTEST(strict_end_marker_size)
{
	build(PT_W32S);
	pt_set_field(&h, &m, m.end, PT_SIZE_USED, 5 << 1 | 1);
	expect(true);
}

/* the stats part: free_bytes off → both; max below allocated → strict only */
PTEST(strict_counters)
{
	unsigned w;

	build(PT_W32B);
	pt_wr32(&h, 16, pt_rd32(&h, 16) + 8);
	expect(false);
	build(PT_W64);
	w = m.word / 8;
	pt_wr32(&h, 16 + 2 * w, 0); /* max_allocated_bytes */
	expect(true);
}

/* "a chunk in the wrong bucket passes" */
PTEST(strict_chunk_in_wrong_bucket)
{
	build(PT_W32S);
	pt_wr32(&h, m.H + 4 * 2, 0);
	pt_wr32(&h, m.H + 4 * 1, cB);
	pt_wr32(&h, 12, (pt_avail(&h) & ~(1u << 2)) | 1u << 1);
	expect(true);
}

/* "prev/next are only bounds-checked": B and D in one list, D.prev wrong */
PTEST(strict_links_disagree)
{
	build(PT_W64);
	/* put D in bucket 2 behind B: B <-> D */
	pt_wr32(&h, m.H + 4 * 3, 0);
	pt_wr32(&h, 12, pt_avail(&h) & ~(1u << 3));
	pt_set_field(&h, &m, cB, PT_NEXT, cD);
	pt_set_field(&h, &m, cB, PT_PREV, cD);
	pt_set_field(&h, &m, cD, PT_NEXT, cB);
	pt_set_field(&h, &m, cD, PT_PREV, cA); /* in bounds, but not B */
	expect(true);
}

/* a free chunk that no list holds: validate's step 4 sees it unmarked */
PTEST(strict_free_chunk_on_no_list)
{
	build(PT_W32S);
	pt_wr32(&h, m.H + 4 * 3, 0);
	pt_wr32(&h, 12, pt_avail(&h) & ~(1u << 3));
	expect(false);
}

/* a chunk listed in two buckets: validate's step 5 finds it twice */
PTEST(strict_chunk_in_two_lists)
{
	build(PT_W32B);
	pt_wr32(&h, m.H + 4 * 1, cB);
	pt_wr32(&h, 12, pt_avail(&h) | 1u << 1);
	expect(false);
}

/* a head that names the middle of a chunk */
PTEST(strict_head_inside_a_chunk)
{
	build(PT_W32S);
	pt_wr32(&h, m.H + 4 * 2, cB + 2);
	expect(false);
}

/* a used chunk below min_chunk (big heap: 1 unit) */
PTEST(strict_undersized_used_chunk)
{
	build(PT_W32B);
	/* cut the last unit of A off as a 1-unit used chunk */
	pt_set_field(&h, &m, cA, PT_SIZE_USED, 3 << 1 | 1);
	pt_set_field(&h, &m, cA + 3, PT_LEFT, 3);
	pt_set_field(&h, &m, cA + 3, PT_SIZE_USED, 1 << 1 | 1);
	pt_set_field(&h, &m, cB, PT_LEFT, 1);
	expect(false);
}

/* two free chunks side by side (never after a public call) */
PTEST(strict_adjacent_free_chunks)
{
	build(PT_W32S);
	pt_set_field(&h, &m, cC, PT_SIZE_USED, pt_field(&h, &m, cC, PT_SIZE_USED) & ~1u);
	expect(false);
}

/* A cycle that misses the head never ends upstream; the port must stop,
 * report and say false. */
PTEST(validate_cycle_missing_head_terminates)
{
	build(PT_W32S);
	pt_wr32(&h, m.H + 4 * 3, 0);
	pt_wr32(&h, 12, pt_avail(&h) & ~(1u << 3));
	/* bucket 2: B -> D -> D -> ... */
	pt_set_field(&h, &m, cB, PT_NEXT, cD);
	pt_set_field(&h, &m, cD, PT_NEXT, cD);
	pt_set_field(&h, &m, cD, PT_PREV, cB);
	PT_ASSERT(!sys_heap_check_strict(&h, NULL, NULL));
	PT_ASSERT(!sys_heap_validate(&h));
	PT_ASSERT(pt_checks.count >= 1);
}

PTEST(strict_bad_heaps)
{
	struct sys_heap none;
	const char *why = NULL;

	memset(&none, 0, sizeof(none));
	PT_ASSERT(!sys_heap_check_strict(&none, &why, NULL));
	PT_ASSERT_NOT_NULL(why);
	PT_ASSERT(!sys_heap_check_strict(NULL, NULL, NULL));
	/* end_chunk past the buffer: reported, not followed */
	build(PT_W32S);
	pt_wr32(&h, 8, 0x10000);
	PT_ASSERT(!sys_heap_check_strict(&h, NULL, NULL));
	build(PT_W64);
	pt_wr32(&h, 8, 0xfffffff0u);
	PT_ASSERT(!sys_heap_check_strict(&h, NULL, NULL));
	/* chunk 0 not used */
	build(PT_W64);
	pt_set_field(&h, &m, 0, PT_SIZE_USED, m.chunk0 << 1);
	PT_ASSERT(!sys_heap_check_strict(&h, NULL, NULL));
	PT_ASSERT_NO_CHECK();
}

PTEST_SUITE(heap_strict,
	    PTEST_ENTRY(strict_canary_of_used_chunk), PTEST_ENTRY(strict_end_marker_size),
	    PTEST_ENTRY(strict_counters), PTEST_ENTRY(strict_chunk_in_wrong_bucket),
	    PTEST_ENTRY(strict_links_disagree), PTEST_ENTRY(strict_free_chunk_on_no_list),
	    PTEST_ENTRY(strict_chunk_in_two_lists), PTEST_ENTRY(strict_head_inside_a_chunk),
	    PTEST_ENTRY(strict_undersized_used_chunk), PTEST_ENTRY(strict_adjacent_free_chunks),
	    PTEST_ENTRY(validate_cycle_missing_head_terminates), PTEST_ENTRY(strict_bad_heaps));
