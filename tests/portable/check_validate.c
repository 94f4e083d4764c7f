/*
 * sys_heap_validate detects hand-made header corruption of every kind: size,
 * used bit, left size, free-list prev/next, bucket head, avail bitmap. Byte
 * positions come from the spec's layout: field i of chunk c at 8c + i·w,
 * avail_buckets at 12, bucket head b at H + 4b.
 *
 * Heap: A B C D E used, then B and D freed (alone in buckets 2 and 3), then
 * the free tail in a high bucket.
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;
static uint32_t cA, cB, cC, cD, cE;

static const enum pt_cfg_id cfgs[] = { PT_W32S, PT_W32B, PT_W64, PT_W32S_FULL, PT_W64_FULL };
#define NCFG (sizeof(cfgs) / sizeof(cfgs[0]))

static void build_cfg(enum pt_cfg_id id, bool internal, bool stats)
{
	struct sys_heap_config cfg;
	uint32_t c[5];

	pt_cfg(&cfg, id);
	cfg.internal_checks = internal;
	cfg.runtime_stats = stats;
	pt_build_abcde(&h, &m, &cfg, c);
	cA = c[0], cB = c[1], cC = c[2], cD = c[3], cE = c[4];
}

static void build(enum pt_cfg_id id, bool internal)
{
	build_cfg(id, internal, true);
}

/* validate says false and no check fired (internal checks off) */
static void expect_invalid(void)
{
	PT_ASSERT(!sys_heap_check_strict(&h, NULL, NULL));
	PT_ASSERT(!sys_heap_validate(&h));
	PT_ASSERT_NO_CHECK();
}

PTEST(validate_intact)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		PT_ASSERT(sys_heap_validate(&h));
		/* validate restores every used bit it borrowed */
		PT_ASSERT(sys_heap_validate(&h));
		PT_ASSERT(pt_used(&h, &m, cA) && !pt_used(&h, &m, cB));
		PT_ASSERT(pt_used(&h, &m, cE) && !pt_used(&h, &m, cD));
	}
}

PTEST(validate_size_of_used_chunk)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cA, PT_SIZE_USED, pt_field(&h, &m, cA, PT_SIZE_USED) + 2);
		expect_invalid();
	}
}

PTEST(validate_size_of_free_chunk)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cB, PT_SIZE_USED, pt_field(&h, &m, cB, PT_SIZE_USED) - 2);
		expect_invalid();
	}
}

PTEST(validate_size_zero)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cE, PT_SIZE_USED, 1);
		expect_invalid();
	}
}

PTEST(validate_size_past_end)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cC, PT_SIZE_USED, (m.end - cC + 1) << 1 | 1);
		expect_invalid();
	}
}

PTEST(validate_used_bit_cleared)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cC, PT_SIZE_USED, pt_field(&h, &m, cC, PT_SIZE_USED) & ~1u);
		expect_invalid();
	}
}

/* Without stats upstream's walk cannot see a free, listed chunk marked used
 * (spec: "a used chunk linked into a free list passes"); the strict check
 * can. With stats the counters give it away. */
PTEST(validate_used_bit_set_on_listed_chunk)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cB, PT_SIZE_USED, pt_field(&h, &m, cB, PT_SIZE_USED) | 1);
		expect_invalid();
		build_cfg(cfgs[i], false, false);
		pt_set_field(&h, &m, cB, PT_SIZE_USED, pt_field(&h, &m, cB, PT_SIZE_USED) | 1);
		PT_ASSERT(!sys_heap_check_strict(&h, NULL, NULL));
		PT_ASSERT(sys_heap_validate(&h));
		PT_ASSERT(!pt_used(&h, &m, cB)); /* and it is left marked free */
		PT_ASSERT_NO_CHECK();
	}
}

PTEST(validate_left_size)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cC, PT_LEFT, pt_field(&h, &m, cC, PT_LEFT) + 1);
		expect_invalid();
	}
}

PTEST(validate_free_prev_out_of_bounds)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cB, PT_PREV, m.end);
		expect_invalid();
	}
}

PTEST(validate_free_next_zero)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cD, PT_NEXT, 0);
		expect_invalid();
	}
}

PTEST(validate_free_next_into_chunk0)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_set_field(&h, &m, cD, PT_NEXT, m.chunk0 - 1);
		expect_invalid();
	}
}

PTEST(validate_bucket_head_cleared)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_wr32(&h, m.H + 4 * 2, 0);
		expect_invalid();
	}
}

PTEST(validate_bucket_head_of_empty_bucket)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_wr32(&h, m.H + 4 * 1, cB);
		expect_invalid();
	}
}

PTEST(validate_avail_bit_cleared)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_wr32(&h, 12, pt_avail(&h) & ~(1u << 3));
		expect_invalid();
	}
}

PTEST(validate_avail_bit_set_for_empty_bucket)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_wr32(&h, 12, pt_avail(&h) | 1u);
		expect_invalid();
	}
}

/* buckets above bucket(end) are never looked at by upstream's validate */
PTEST(validate_avail_bit_above_last_bucket_passes)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], false);
		pt_wr32(&h, 12, pt_avail(&h) | 1u << (m.nb + 2));
		PT_ASSERT(!sys_heap_check_strict(&h, NULL, NULL));
		PT_ASSERT(sys_heap_validate(&h));
		PT_ASSERT_NO_CHECK();
	}
}

/* With internal checks on, a head/bit mismatch is an internal check. */
PTEST(validate_bucket_mismatch_is_internal_check)
{
	for (size_t i = 0; i < NCFG; i++) {
		build(cfgs[i], true);
		pt_wr32(&h, m.H + 4 * 2, 0);
		PT_ASSERT(!sys_heap_validate(&h));
		PT_ASSERT_CHECK("internal");
		build(cfgs[i], true);
		pt_wr32(&h, 12, pt_avail(&h) & ~(1u << 2));
		PT_ASSERT(!sys_heap_validate(&h));
		PT_ASSERT_CHECK("internal");
	}
}

/* The strict check names what it found. */
PTEST(check_strict_reports_chunk)
{
	const char *why = NULL;
	uint32_t chunk = 0;

	build(PT_W32S, false);
	pt_set_field(&h, &m, cC, PT_LEFT, 1);
	PT_ASSERT(!sys_heap_check_strict(&h, &why, &chunk));
	PT_ASSERT_NOT_NULL(why);
	PT_ASSERT(chunk == cC || chunk == cB);
}

PTEST_SUITE(heap_validate,
	    PTEST_ENTRY(validate_intact), PTEST_ENTRY(validate_size_of_used_chunk),
	    PTEST_ENTRY(validate_size_of_free_chunk), PTEST_ENTRY(validate_size_zero),
	    PTEST_ENTRY(validate_size_past_end), PTEST_ENTRY(validate_used_bit_cleared),
	    PTEST_ENTRY(validate_used_bit_set_on_listed_chunk),
	    PTEST_ENTRY(validate_left_size), PTEST_ENTRY(validate_free_prev_out_of_bounds),
	    PTEST_ENTRY(validate_free_next_zero), PTEST_ENTRY(validate_free_next_into_chunk0),
	    PTEST_ENTRY(validate_bucket_head_cleared),
	    PTEST_ENTRY(validate_bucket_head_of_empty_bucket),
	    PTEST_ENTRY(validate_avail_bit_cleared),
	    PTEST_ENTRY(validate_avail_bit_set_for_empty_bucket),
	    PTEST_ENTRY(validate_avail_bit_above_last_bucket_passes),
	    PTEST_ENTRY(validate_bucket_mismatch_is_internal_check),
	    PTEST_ENTRY(check_strict_reports_chunk));
