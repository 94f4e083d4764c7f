/*
 * Hardening checks fire with the spec's names, at the levels that have them,
 * and the call stops: a check that fires leaves the heap as it was. Caller
 * errors (bad alignment) go to the same handler.
 *
 * Heap: A B C D E (used, 5 units + trailer each) at chunk0, then the free
 * tail; B (and D) freed where a case needs free chunks.
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;
static void *pA, *pB, *pC, *pD, *pE;
static uint32_t cA, cB, cC, cD;

static void build_level(unsigned word, enum sys_heap_hardening level, bool internal)
{
	struct sys_heap_config cfg;
	uint32_t u = 5 + (level >= SYS_HEAP_HARDENING_FULL);

	pt_cfg_make(&cfg, word, level, SYS_HEAP_SIZE_AUTO, true);
	cfg.internal_checks = internal;
	pt_heap_init(&h, &m, 4096, &cfg);
	pA = sys_heap_alloc(&h, pt_bytes_for(&m, u));
	pB = sys_heap_alloc(&h, pt_bytes_for(&m, u));
	pC = sys_heap_alloc(&h, pt_bytes_for(&m, u));
	pD = sys_heap_alloc(&h, pt_bytes_for(&m, u));
	pE = sys_heap_alloc(&h, pt_bytes_for(&m, u));
	PT_ASSERT_NOT_NULL(pE);
	cA = m.chunk0, cB = cA + u, cC = cB + u, cD = cC + u;
	PT_ASSERT_NO_CHECK();
}

static void build(unsigned word, enum sys_heap_hardening level)
{
	build_level(word, level, false);
}

/* Snapshot of the buffer to show a stopped call changed nothing. */
static uint8_t snap[4096];

static void take_snapshot(void)
{
	memcpy(snap, pt_buf, sizeof(snap));
}

static bool unchanged(void)
{
	return memcmp(snap, pt_buf, sizeof(snap)) == 0;
}

PTEST(double_free_reported)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		for (int lv = SYS_HEAP_HARDENING_BASIC; lv <= SYS_HEAP_HARDENING_MODERATE; lv++) {
			build(w, (enum sys_heap_hardening)lv);
			sys_heap_free(&h, pB);
			take_snapshot();
			sys_heap_free(&h, pB);
			PT_ASSERT_CHECK("double free");
			PT_ASSERT(unchanged());
			PT_ASSERT(sys_heap_validate(&h));
		}
	}
}

/* FULL: the canary is checked first, the freed chunk's poison gives it away */
PTEST(canary_double_free_at_full)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_FULL);
		sys_heap_free(&h, pB);
		take_snapshot();
		sys_heap_free(&h, pB);
		PT_ASSERT_CHECK("canary double free");
		PT_ASSERT(unchanged());
		PT_ASSERT(sys_heap_validate(&h));
	}
}

/* The right neighbour's LEFT_SIZE no longer points back: overflow. */
PTEST(overflow_reported)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_BASIC);
		pt_set_field(&h, &m, cC, PT_LEFT, pt_field(&h, &m, cC, PT_LEFT) + 1);
		take_snapshot();
		sys_heap_free(&h, pB);
		PT_ASSERT_CHECK("overflow");
		PT_ASSERT(unchanged());
		PT_ASSERT(pt_used(&h, &m, cB));
	}
}

/* NONE has no checks: the same free goes through silently. */
PTEST(overflow_unchecked_at_none)
{
	build(32, SYS_HEAP_HARDENING_NONE);
	pt_set_field(&h, &m, cC, PT_LEFT, pt_field(&h, &m, cC, PT_LEFT) + 1);
	sys_heap_free(&h, pB);
	PT_ASSERT_NO_CHECK();
	PT_ASSERT(!pt_used(&h, &m, cB));
}

/* FULL: a linear overflow out of A hits A's canary before C's header. */
PTEST(canary_corruption_on_overflow_at_full)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_FULL);
		memset(pA, 0x41, sys_heap_usable_size(&h, pA) + 4);
		take_snapshot();
		sys_heap_free(&h, pA);
		PT_ASSERT_CHECK("canary corruption");
		PT_ASSERT(unchanged());
		/* usable_size verifies the canary too and returns 0 */
		pt_record_checks();
		PT_ASSERT_EQ(sys_heap_usable_size(&h, pA), 0);
		PT_ASSERT_CHECK("canary corruption");
	}
}

/*
 * FULL: a request whose own bucket is empty is served from a larger one (the
 * smallest non-empty bucket above it). The free chunk taken there has a used
 * left neighbour no earlier step verified: its canary is read first, so an
 * overflow out of that neighbour is caught here, before the allocation
 * hides it behind a fresh header.
 */
PTEST(larger_bucket_alloc_verifies_left_canary_at_full)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		uint32_t small;

		build(w, SYS_HEAP_HARDENING_FULL);
		sys_heap_free(&h, pD);
		/* the smallest request lands in a bucket below D's: the
		 * larger-bucket path, and D (not the big tail) is taken */
		small = m.min_chunk;
		while (8 * small <= m.hdr + 8 * m.T) /* room for one byte */
			small++;
		PT_ASSERT(pt_bucket(&m, small) < pt_bucket(&m, cD - cC));
		memset(pC, 0x41, sys_heap_usable_size(&h, pC) + 4);
		take_snapshot();
		PT_ASSERT_NULL(sys_heap_alloc(&h, pt_bytes_for(&m, small)));
		PT_ASSERT_CHECK("canary corruption");
		PT_ASSERT(unchanged());
		/* the same request on an intact heap is served from D */
		build(w, SYS_HEAP_HARDENING_FULL);
		sys_heap_free(&h, pD);
		PT_ASSERT(sys_heap_alloc(&h, pt_bytes_for(&m, small)) == pD);
		PT_ASSERT_NO_CHECK();
	}
}

/* B's own LEFT_SIZE is wrong: right(left(B)) ≠ B, from MODERATE on. */
PTEST(left_neighbour_reported)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_MODERATE);
		pt_set_field(&h, &m, cB, PT_LEFT, pt_field(&h, &m, cB, PT_LEFT) - 1);
		take_snapshot();
		sys_heap_free(&h, pB);
		PT_ASSERT_CHECK("left neighbour");
		PT_ASSERT(unchanged());
		pt_record_checks();
		PT_ASSERT_NULL(sys_heap_realloc(&h, pB, 1000));
		PT_ASSERT_CHECK("left neighbour");
	}
}

/* B free and listed; its right neighbour's LEFT_SIZE no longer points back. */
PTEST(free_chunk_linkage_reported)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_MODERATE);
		sys_heap_free(&h, pB);
		pt_set_field(&h, &m, cC, PT_LEFT, pt_field(&h, &m, cC, PT_LEFT) + 1);
		take_snapshot();
		/* the request fits B exactly: alloc_chunk takes B */
		PT_ASSERT_NULL(sys_heap_alloc(&h, pt_bytes_for(&m, cC - cB)));
		PT_ASSERT_CHECK("free-chunk linkage");
		PT_ASSERT(unchanged());
	}
}

/* Two free chunks in one bucket; B's next link is rewritten to point at a
 * used chunk whose "prev" (payload) does not point back: removal checks. */
PTEST(free_list_linkage_on_remove)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_MODERATE);
		sys_heap_free(&h, pB);
		sys_heap_free(&h, pD);
		PT_ASSERT_EQ(pt_field(&h, &m, cB, PT_NEXT), cD);
		memset(pC, 0, 8);
		pt_set_field(&h, &m, cB, PT_NEXT, cC);
		take_snapshot();
		PT_ASSERT_NULL(sys_heap_alloc(&h, pt_bytes_for(&m, cC - cB)));
		PT_ASSERT_CHECK("free-list linkage");
		PT_ASSERT(unchanged());
	}
}

/* ... and on add: the list tail's next no longer points at the head. */
PTEST(free_list_linkage_on_add)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_MODERATE);
		sys_heap_free(&h, pB);
		/* B alone: prev = next = B. Make B.prev name C (payload 0). */
		memset(pC, 0, 8);
		pt_set_field(&h, &m, cB, PT_PREV, cC);
		sys_heap_free(&h, pD); /* D has B's size: same bucket */
		PT_ASSERT_CHECK("free-list linkage");
		/* the add is the last step: D is already marked free */
		PT_ASSERT_EQ(pt_field(&h, &m, cB, PT_PREV), cC);
	}
}

/* in-place realloc of a freed block */
PTEST(not_in_use_reported)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_BASIC);
		sys_heap_free(&h, pB);
		take_snapshot();
		PT_ASSERT_NULL(sys_heap_realloc(&h, pB, 10));
		PT_ASSERT_CHECK("not in use");
		PT_ASSERT(unchanged());
	}
}

/* EXTREME runs the full validate first in alloc, free and realloc */
PTEST(validation_failed_at_extreme)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build_level(w, SYS_HEAP_HARDENING_EXTREME, false);
		pt_set_field(&h, &m, cD, PT_SIZE_USED, pt_field(&h, &m, cD, PT_SIZE_USED) + 2);
		PT_ASSERT_NULL(sys_heap_alloc(&h, 8));
		PT_ASSERT_CHECK("validation failed");
		build_level(w, SYS_HEAP_HARDENING_EXTREME, false);
		pt_set_field(&h, &m, cD, PT_SIZE_USED, pt_field(&h, &m, cD, PT_SIZE_USED) + 2);
		sys_heap_free(&h, pA);
		PT_ASSERT_CHECK("validation failed");
		PT_ASSERT(pt_used(&h, &m, cA));
	}
}

/* Same heap, same corruption, MODERATE: no full check, alloc goes on. */
PTEST(no_full_check_below_extreme)
{
	build(32, SYS_HEAP_HARDENING_MODERATE);
	pt_set_field(&h, &m, cD, PT_SIZE_USED, pt_field(&h, &m, cD, PT_SIZE_USED) + 2);
	PT_ASSERT_NOT_NULL(sys_heap_alloc(&h, 8));
	PT_ASSERT_NO_CHECK();
}

/* Non-power-of-two alignments (after the rewind bit) are caller errors. */
PTEST(caller_error_bad_alignment)
{
	static const size_t bad[] = { 7, 0x70, 0x1c0, 3 * 4096 + 4 * 4096 };
	void *p;

	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_MODERATE);
		take_snapshot();
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			pt_record_checks();
			PT_ASSERT_NULL(sys_heap_aligned_alloc(&h, bad[i], 16));
			PT_ASSERT_CHECK("caller error");
		}
		PT_ASSERT(unchanged());
		/* aligned_realloc has no rewind: 24 is bad there ... */
		pt_record_checks();
		PT_ASSERT_NULL(sys_heap_aligned_realloc(&h, pA, 24, 16));
		PT_ASSERT_CHECK("caller error");
		PT_ASSERT(pt_used(&h, &m, cA));
		/* ... but with a NULL pointer it is an aligned_alloc: 16 + rewind 8 */
		pt_record_checks();
		p = sys_heap_aligned_realloc(&h, NULL, 24, 16);
		PT_ASSERT_NOT_NULL(p);
		PT_ASSERT_EQ((pt_off(&h, p) + 8) % 16, 0);
		PT_ASSERT_NO_CHECK();
	}
}

/* Huge sizes are not errors: just NULL, nothing changes. */
PTEST(huge_sizes_return_null)
{
	for (unsigned w = 32; w <= 64; w += 32) {
		build(w, SYS_HEAP_HARDENING_MODERATE);
		take_snapshot();
		PT_ASSERT_NULL(sys_heap_alloc(&h, 0x7fffffff));
		PT_ASSERT_NULL(sys_heap_alloc(&h, 0xffffffff));
		PT_ASSERT_NULL(sys_heap_alloc(&h, (size_t)-1));
		PT_ASSERT_NULL(sys_heap_aligned_alloc(&h, 64, 0xfffffff0));
		PT_ASSERT_NULL(sys_heap_aligned_alloc(&h, 4096, (size_t)-1));
		PT_ASSERT_NULL(sys_heap_realloc(&h, pA, 0xfffffff0));
		PT_ASSERT(pt_used(&h, &m, cA));
		PT_ASSERT_NO_CHECK();
		PT_ASSERT(sys_heap_validate(&h));
		/* size 0 */
		PT_ASSERT_NULL(sys_heap_alloc(&h, 0));
		PT_ASSERT_NULL(sys_heap_aligned_alloc(&h, 64, 0));
		sys_heap_free(&h, NULL);
		PT_ASSERT_NO_CHECK();
	}
}

PTEST(handler_get_set)
{
	sys_heap_check_fn fn;
	void *ctx;

	pt_record_checks();
	sys_heap_get_check_handler(&fn, &ctx);
	PT_ASSERT(fn != NULL && fn != sys_heap_default_check_handler);
	sys_heap_set_check_handler(fn, &snap);
	sys_heap_get_check_handler(&fn, &ctx);
	PT_ASSERT_PTR_EQ(ctx, &snap);
	pt_record_checks();
}

/*
 * A corrupted free-list link makes the heap write outside its buffer. At NONE
 * (no linkage check) and without internal checks nothing stops it; the
 * write must go through the mem hook at the spec's target address, and
 * without a hook it is reported as a "wild access".
 */
struct hook_log {
	unsigned calls, writes;
	uint64_t addr;
	uint8_t side[64];
};

static void *hook(void *ctx, uint64_t addr, size_t len, bool write)
{
	struct hook_log *l = ctx;

	l->calls++;
	l->writes += write;
	l->addr = addr;
	return len <= 8 ? l->side : NULL;
}

static void wild_case(unsigned word, bool with_hook)
{
	static struct hook_log log;
	struct sys_heap_config cfg;
	uint32_t far;
	void *p;

	memset(&log, 0, sizeof(log));
	pt_cfg_make(&cfg, word, SYS_HEAP_HARDENING_NONE, SYS_HEAP_SIZE_AUTO, true);
	cfg.target_base_set = true;
	cfg.target_base = 0x40000000u;
	if (with_hook) {
		cfg.mem.translate = hook;
		cfg.mem.ctx = &log;
	}
	pt_heap_init(&h, &m, 4096, &cfg);
	pA = sys_heap_alloc(&h, pt_bytes_for(&m, 5));
	pB = sys_heap_alloc(&h, pt_bytes_for(&m, 5));
	pC = sys_heap_alloc(&h, pt_bytes_for(&m, 5));
	cB = m.chunk0 + 5;
	sys_heap_free(&h, pB);
	/* B alone in its bucket; its next names a chunk past the buffer */
	far = m.end + 100;
	pt_set_field(&h, &m, cB, PT_NEXT, far);
	p = sys_heap_alloc(&h, pt_bytes_for(&m, 5));
	if (with_hook) {
		PT_ASSERT_NO_CHECK();
		PT_ASSERT_PTR_EQ(p, pB);
		PT_ASSERT(log.writes >= 1);
		/* second.prev = first: field 2 of chunk `far` */
		PT_ASSERT_EQ(log.addr, 0x40000000u + 8 * (uint64_t)far + 2 * m.fw);
		PT_ASSERT_EQ(m.fw == 2 ? log.side[0] | log.side[1] << 8 : log.side[0], cB);
	} else {
		PT_ASSERT_CHECK("wild access");
		PT_ASSERT_NULL(p);
	}
}

PTEST(wild_write_goes_through_mem_hook)
{
	wild_case(32, true);
	wild_case(64, true);
}

PTEST(wild_write_without_hook_is_reported)
{
	wild_case(32, false);
	wild_case(64, false);
}

PTEST_SUITE(heap_hardening,
	    PTEST_ENTRY(double_free_reported), PTEST_ENTRY(canary_double_free_at_full),
	    PTEST_ENTRY(overflow_reported), PTEST_ENTRY(overflow_unchecked_at_none),
	    PTEST_ENTRY(canary_corruption_on_overflow_at_full),
	    PTEST_ENTRY(larger_bucket_alloc_verifies_left_canary_at_full),
	    PTEST_ENTRY(left_neighbour_reported), PTEST_ENTRY(free_chunk_linkage_reported),
	    PTEST_ENTRY(free_list_linkage_on_remove), PTEST_ENTRY(free_list_linkage_on_add),
	    PTEST_ENTRY(not_in_use_reported), PTEST_ENTRY(validation_failed_at_extreme),
	    PTEST_ENTRY(no_full_check_below_extreme), PTEST_ENTRY(caller_error_bad_alignment),
	    PTEST_ENTRY(huge_sizes_return_null), PTEST_ENTRY(handler_get_set),
	    PTEST_ENTRY(wild_write_goes_through_mem_hook),
	    PTEST_ENTRY(wild_write_without_hook_is_reported));
