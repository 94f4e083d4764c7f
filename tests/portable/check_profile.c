/*
 * Build profiles (heap.h): the table, and what the heap does without
 * asserts or sanitizers where upstream only asserts or is undefined.
 *
 *  - A non-power-of-two alignment is refused only when asserts exist; under
 *    production upstream's arithmetic runs on it: Zephyr's ROUND_UP is a
 *    division, so the pointer plus the rewind is a multiple of the alignment.
 *  - bucket_idx of a size-0 chunk is log2(0): Xtensa computes bucket -1,
 *    whose head is the word before the bucket array (avail_buckets without
 *    runtime stats). A sanitizer (fuzz profile) stops the call there.
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;

static void build(enum sys_heap_profile p, unsigned word, enum sys_heap_hardening hard, bool stats)
{
	struct sys_heap_config cfg;

	pt_cfg_make(&cfg, word, hard, SYS_HEAP_SIZE_AUTO, stats);
	sys_heap_config_profile(&cfg, p);
	pt_heap_init(&h, &m, 4096, &cfg);
	PT_ASSERT_NO_CHECK();
}

PTEST(profile_table)
{
	const struct sys_heap_profile_info *prod = sys_heap_profile_info(SYS_HEAP_PROFILE_PRODUCTION);
	const struct sys_heap_profile_info *dbg = sys_heap_profile_info(SYS_HEAP_PROFILE_DEBUG);
	const struct sys_heap_profile_info *fz = sys_heap_profile_info(SYS_HEAP_PROFILE_FUZZ);

	PT_ASSERT(!prod->asserts && !prod->ub_traps);
	PT_ASSERT_EQ(prod->hardening, SYS_HEAP_HARDENING_BASIC);
	PT_ASSERT(dbg->asserts && !dbg->ub_traps);
	PT_ASSERT_EQ(dbg->hardening, SYS_HEAP_HARDENING_MODERATE);
	PT_ASSERT(fz->asserts && fz->ub_traps);
	PT_ASSERT_EQ(fz->hardening, SYS_HEAP_HARDENING_FULL);
	PT_ASSERT_EQ(sys_heap_profile_parse("Production"), SYS_HEAP_PROFILE_PRODUCTION);
	PT_ASSERT_EQ(sys_heap_profile_parse("fuzz"), SYS_HEAP_PROFILE_FUZZ);
	PT_ASSERT_EQ(sys_heap_profile_parse("release"), -1);
	PT_ASSERT_EQ(sys_heap_profile_parse(""), -1);
	PT_ASSERT(sys_heap_profile_info(SYS_HEAP_PROFILE_COUNT) == NULL);
}

/* 0x70 = 0x40|0x20|0x10: rewind 16, alignment 96. */
PTEST(production_runs_a_non_power_of_two_alignment)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		uint64_t t;
		uint8_t *p;

		build(SYS_HEAP_PROFILE_PRODUCTION, w, SYS_HEAP_HARDENING_BASIC, true);
		p = sys_heap_aligned_alloc(&h, 0x70, 40);
		PT_ASSERT_NO_CHECK();
		PT_ASSERT_NOT_NULL(p);
		t = (uint64_t)(uintptr_t)p;
		if (w == 32)
			t &= 0xffffffffu;
		PT_ASSERT_EQ((t + 16) % 96, 0);
		PT_ASSERT(sys_heap_usable_size(&h, p) >= 40);
		PT_ASSERT(sys_heap_validate(&h));
		sys_heap_free(&h, p);
		PT_ASSERT_NO_CHECK();

		/* with asserts the same call is refused */
		build(SYS_HEAP_PROFILE_DEBUG, w, SYS_HEAP_HARDENING_BASIC, true);
		PT_ASSERT_NULL(sys_heap_aligned_alloc(&h, 0x70, 40));
		PT_ASSERT_CHECK("caller error");
	}
}

/*
 * A full small heap (avail_buckets 0, no stats) whose used chunk B is forged
 * to size 0 with its links pointing at itself; freeing B at NONE puts a
 * size-0 chunk on bucket -1: the head written there is avail_buckets.
 */
static uint32_t free_size0_chunk(enum sys_heap_profile p)
{
	uint32_t cB;
	void *pB;

	build(p, 32, SYS_HEAP_HARDENING_NONE, false);
	PT_ASSERT_NOT_NULL(sys_heap_alloc(&h, pt_bytes_for(&m, 4)));
	pB = sys_heap_alloc(&h, pt_bytes_for(&m, 4));
	PT_ASSERT_NOT_NULL(sys_heap_alloc(&h, pt_bytes_for(&m, m.end - m.chunk0 - 8)));
	PT_ASSERT_EQ(pt_rd32(&h, 12), 0);
	cB = m.chunk0 + 4;
	PT_ASSERT_PTR_EQ(pB, pt_S(&h) + 8 * cB + m.hdr);
	pt_set_field(&h, &m, cB, PT_SIZE_USED, 1);
	pt_set_field(&h, &m, cB, PT_PREV, cB);
	pt_set_field(&h, &m, cB, PT_NEXT, cB);
	pt_record_checks();
	sys_heap_free(&h, pB);
	return cB;
}

PTEST(bucket_minus_one_is_avail_buckets_on_the_target)
{
	for (int p = SYS_HEAP_PROFILE_PRODUCTION; p <= SYS_HEAP_PROFILE_DEBUG; p++) {
		uint32_t cB = free_size0_chunk((enum sys_heap_profile)p);

		PT_ASSERT_NO_CHECK();
		PT_ASSERT_EQ(pt_rd32(&h, 12), cB);
	}
}

PTEST(bucket_minus_one_trapped_under_fuzz)
{
	free_size0_chunk(SYS_HEAP_PROFILE_FUZZ);
	PT_ASSERT_CHECK("internal");
}

PTEST_SUITE(heap_profile, PTEST_ENTRY(profile_table),
	    PTEST_ENTRY(production_runs_a_non_power_of_two_alignment),
	    PTEST_ENTRY(bucket_minus_one_is_avail_buckets_on_the_target),
	    PTEST_ENTRY(bucket_minus_one_trapped_under_fuzz));
