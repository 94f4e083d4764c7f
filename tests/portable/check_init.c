/*
 * init: the smallest accepted sizes and the ones just below (spec init step
 * 6), too big, the header bytes a fresh heap must hold, layout introspection,
 * target-base rounding, the 262144-byte quirk and the configuration defaults.
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;

struct min_case {
	unsigned word;
	enum sys_heap_hardening hard;
	enum sys_heap_size_mode mode;
	bool stats;
	size_t min_bytes; /* spec init step 6 */
};

static void smallest(const struct min_case *t)
{
	struct sys_heap_config cfg;
	struct pt_model below;
	void *p;

	pt_cfg_make(&cfg, t->word, t->hard, t->mode, t->stats);
	/* the model derives the same minimum as the spec's table */
	pt_model_init(&below, &cfg, t->min_bytes - 1);
	PT_ASSERT_EQ(below.init_result, SYS_HEAP_INIT_TOO_SMALL);
	pt_heap_init(&h, &m, t->min_bytes, &cfg);
	PT_ASSERT_EQ(m.init_result, SYS_HEAP_INIT_OK);
	/* accepted: exactly one min_chunk of free space after chunk 0 */
	PT_ASSERT_EQ(m.end - m.chunk0, m.min_chunk);
	pt_assert_pristine(&h, &m);
	p = sys_heap_alloc(&h, 1);
	PT_ASSERT_EQ(pt_off(&h, p), pt_uoff(&m, m.chunk0));
	PT_ASSERT_NULL(sys_heap_alloc(&h, 1));
	sys_heap_free(&h, p);
	pt_assert_pristine(&h, &m);

	/* one byte less: rejected, reported once unless quiet */
	pt_record_checks();
	memset(&h, 0, sizeof(h));
	PT_ASSERT_EQ(sys_heap_init_checked(&h, pt_buf, t->min_bytes - 1, &cfg, true),
		     SYS_HEAP_INIT_TOO_SMALL);
	PT_ASSERT_NO_CHECK();
	PT_ASSERT_EQ(sys_heap_init_checked(&h, pt_buf, t->min_bytes - 1, &cfg, false),
		     SYS_HEAP_INIT_TOO_SMALL);
	PT_ASSERT_CHECK("init too small");
}

#define S32 SYS_HEAP_SIZE_AUTO
#define MOD SYS_HEAP_HARDENING_MODERATE
#define FUL SYS_HEAP_HARDENING_FULL
static const struct min_case mins[] = {
	{ 32, MOD, S32, true, 52 },
	{ 32, FUL, S32, true, 68 },
	{ 32, MOD, SYS_HEAP_SIZE_BIG_ONLY, true, 64 },
	{ 32, FUL, SYS_HEAP_SIZE_BIG_ONLY, true, 80 },
	{ 64, MOD, S32, true, 80 },
	{ 64, FUL, S32, true, 96 },
	{ 32, MOD, S32, false, 44 },
	{ 32, FUL, S32, false, 60 },
	{ 64, MOD, S32, false, 56 },
	{ 64, FUL, S32, false, 72 },
};

PTEST(init_min_w32_stats) { smallest(&mins[0]); }
PTEST(init_min_w32_stats_full) { smallest(&mins[1]); }
PTEST(init_min_w32_big_stats) { smallest(&mins[2]); }
PTEST(init_min_w32_big_stats_full) { smallest(&mins[3]); }
PTEST(init_min_w64_stats) { smallest(&mins[4]); }
PTEST(init_min_w64_stats_full) { smallest(&mins[5]); }
PTEST(init_min_w32) { smallest(&mins[6]); }
PTEST(init_min_w32_full) { smallest(&mins[7]); }
PTEST(init_min_w64) { smallest(&mins[8]); }
PTEST(init_min_w64_full) { smallest(&mins[9]); }

PTEST(init_too_small_tiny_sizes)
{
	struct sys_heap_config cfg;

	for (int id = 0; id < PT_CFG_COUNT; id++) {
		pt_cfg(&cfg, (enum pt_cfg_id)id);
		for (size_t b = 0; b < 24; b++) {
			pt_record_checks();
			PT_ASSERT_EQ(sys_heap_init_checked(&h, pt_buf, b, &cfg, true),
				     SYS_HEAP_INIT_TOO_SMALL);
		}
	}
}

PTEST(init_too_big)
{
	struct sys_heap_config cfg;

	/* SMALL_ONLY: more than 0x7fff units */
	pt_cfg_make(&cfg, 32, MOD, SYS_HEAP_SIZE_SMALL_ONLY, true);
	pt_record_checks();
	PT_ASSERT_EQ(sys_heap_init_checked(&h, pt_buf, 0x8000 * 8, &cfg, false),
		     SYS_HEAP_INIT_TOO_BIG);
	PT_ASSERT_CHECK("init too big");
	/* the largest SMALL_ONLY heap is fine */
	pt_heap_init(&h, &m, 0x8000 * 8 - 1, &cfg);
	PT_ASSERT_EQ(m.init_result, SYS_HEAP_INIT_OK);
	pt_assert_pristine(&h, &m);
#if SIZE_MAX > 0xffffffffu
	/* more than 0x7fffffff units; rejected before the buffer is touched */
	pt_cfg_make(&cfg, 64, MOD, S32, true);
	pt_record_checks();
	PT_ASSERT_EQ(sys_heap_init_checked(&h, pt_buf, (size_t)0x80000000u * 8, &cfg, true),
		     SYS_HEAP_INIT_TOO_BIG);
#endif
}

/* The bytes a fresh heap writes, at the spec's offsets. */
static void header_bytes(enum pt_cfg_id id, size_t bytes)
{
	uint32_t c0, fsz;

	pt_heap_init_id(&h, &m, bytes, id);
	c0 = m.chunk0;
	fsz = m.end - c0;
	PT_ASSERT_EQ(pt_rd32(&h, 8), m.end);
	PT_ASSERT_EQ(pt_avail(&h), 1u << pt_bucket(&m, fsz));
	for (unsigned b = 0; b < m.nb; b++)
		PT_ASSERT_EQ(pt_head(&h, &m, b), b == pt_bucket(&m, fsz) ? c0 : 0);
	/* chunk 0: used, its size, left 0; the padding after the heads is
	 * never written (buffer was zero) */
	PT_ASSERT_EQ(pt_field(&h, &m, 0, PT_LEFT), 0);
	PT_ASSERT_EQ(pt_field(&h, &m, 0, PT_SIZE_USED), c0 << 1 | 1);
	for (size_t off = m.H + 4 * m.nb; off < 8 * (size_t)(c0 - m.T); off++)
		PT_ASSERT_EQ(pt_S(&h)[off], 0);
	if (m.T) /* FULL: chunk 0's canary */
		PT_ASSERT_EQ(pt_rd32(&h, pt_canary_off(&m, 0, c0)),
			     pt_canary(0, c0, h.cfg.canary_base));
	/* the free chunk and the end marker */
	PT_ASSERT_EQ(pt_field(&h, &m, c0, PT_SIZE_USED), fsz << 1);
	PT_ASSERT_EQ(pt_field(&h, &m, c0, PT_LEFT), c0);
	PT_ASSERT_EQ(pt_field(&h, &m, m.end, PT_SIZE_USED), 1);
	PT_ASSERT_EQ(pt_field(&h, &m, m.end, PT_LEFT), fsz);
	/* stats counters */
	PT_ASSERT_EQ(pt_rd32(&h, 16), pt_usable(&m, fsz));
	PT_ASSERT_EQ(pt_rd32(&h, 16 + m.word / 8), 0);
	pt_assert_pristine(&h, &m);
}

PTEST(init_header_bytes)
{
	static const size_t sizes[] = { 512, 2048, 4096, 65536, 131072, 262136 };

	for (int id = 0; id < PT_CFG_COUNT; id++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			header_bytes((enum pt_cfg_id)id, sizes[i]);
}

/* The port's layout introspection agrees with the spec's formulas. */
PTEST(init_layout_get)
{
	static const size_t sizes[] = { 52, 100, 2048, 65536, 262136, 262144, 300000 };
	struct sys_heap_layout l;

	for (int id = 0; id < PT_CFG_COUNT; id++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct sys_heap_config cfg;

			pt_cfg(&cfg, (enum pt_cfg_id)id);
			pt_heap_init(&h, &m, sizes[i], &cfg);
			if (m.init_result != SYS_HEAP_INIT_OK)
				continue;
			sys_heap_layout_get(&h, &l);
			PT_ASSERT_EQ(l.end_chunk, m.end);
			PT_ASSERT_EQ(l.chunk0_units, m.chunk0);
			PT_ASSERT_EQ(l.hdr_bytes, m.hdr);
			PT_ASSERT_EQ(l.field_bytes, m.fw);
			PT_ASSERT_EQ(l.trailer_units, m.T);
			PT_ASSERT_EQ(l.min_chunk, m.min_chunk);
			PT_ASSERT_EQ(l.nb_buckets, m.nb);
			PT_ASSERT_EQ(l.heads_offset, m.H);
			PT_ASSERT_EQ(l.heap_offset, 0);
		}
	}
}

/* 262144–262151 bytes, 32-bit AUTO: an 8-byte end reservation, yet 32767
 * units: a small heap with 16-bit fields. */
PTEST(init_262144_quirk)
{
	struct sys_heap_config cfg;

	pt_cfg_make(&cfg, 32, MOD, S32, true);
	for (size_t b = 262144; b <= 262151; b++) {
		pt_heap_init(&h, &m, b, &cfg);
		PT_ASSERT_EQ(m.end, 32767);
		PT_ASSERT(!m.big);
		PT_ASSERT_EQ(pt_off(&h, sys_heap_alloc(&h, 1)), pt_uoff(&m, m.chunk0));
		PT_ASSERT_EQ(pt_size(&h, &m, m.chunk0), 1);
	}
	/* 262152: 32768 units, big */
	pt_heap_init(&h, &m, 262152, &cfg);
	PT_ASSERT(m.big);
	PT_ASSERT_EQ(m.hdr, 8);
	PT_ASSERT_EQ(pt_off(&h, sys_heap_alloc(&h, 1)), pt_uoff(&m, m.chunk0));
}

/* S = target base rounded up to 8, E = (base + bytes − F) rounded down. */
PTEST(init_target_base_rounding)
{
	struct sys_heap_config cfg;
	struct sys_heap_layout l;
	uint8_t *p;

	for (uint64_t base = 1; base < 8; base++) {
		pt_cfg_make(&cfg, 32, MOD, S32, true);
		cfg.target_base_set = true;
		cfg.target_base = 0x60000000u + base;
		pt_record_checks();
		memset(&h, 0, sizeof(h));
		PT_ASSERT_EQ(sys_heap_init_checked(&h, pt_buf, 1003, &cfg, true), 0);
		sys_heap_layout_get(&h, &l);
		PT_ASSERT_EQ(l.heap_offset, 8 - base);
		PT_ASSERT_PTR_EQ(h.heap, pt_buf + 8 - base);
		/* 999 bytes after F = 4: E − S = 992, end 124, 7 buckets,
		 * chunk0 = ⌈(28 + 4·7)/8⌉ = 7 */
		PT_ASSERT_EQ(l.end_chunk, ((base + 1003 - 4) / 8 * 8 - 8) / 8);
		PT_ASSERT_EQ(l.end_chunk, 124);
		PT_ASSERT_EQ(l.chunk0_units, 7);
		p = sys_heap_alloc(&h, 10);
		PT_ASSERT_EQ(p - pt_buf, 8 - base + 8 * 7 + 4);
		PT_ASSERT(sys_heap_validate(&h));
		PT_ASSERT_NO_CHECK();
	}
}

PTEST(init_config_defaults)
{
	struct sys_heap_config cfg;

	memset(&cfg, 0x55, sizeof(cfg));
	sys_heap_config_default(&cfg);
	PT_ASSERT_EQ(cfg.word_bits, 32);
	PT_ASSERT_EQ(cfg.hardening, SYS_HEAP_HARDENING_MODERATE);
	PT_ASSERT_EQ(cfg.size_mode, SYS_HEAP_SIZE_AUTO);
	PT_ASSERT_EQ(cfg.alloc_loops, 3);
	PT_ASSERT_EQ(cfg.canary_base, 0x5A6B7C8Du);
	PT_ASSERT(!cfg.internal_checks);
	PT_ASSERT(!cfg.target_base_set);
	PT_ASSERT_NULL(cfg.mem.translate);
	/* sys_heap_init uses them */
	pt_record_checks();
	sys_heap_init(&h, pt_buf, 4096);
	PT_ASSERT_EQ(h.cfg.word_bits, 32);
	PT_ASSERT_EQ(h.cfg.hardening, SYS_HEAP_HARDENING_MODERATE);
	PT_ASSERT_NOT_NULL(sys_heap_alloc(&h, 100));
	PT_ASSERT(sys_heap_validate(&h));
	PT_ASSERT_NO_CHECK();
}

PTEST(init_hardening_names)
{
	static const char *names[] = { "none", "basic", "moderate", "full", "extreme" };

	for (int i = 0; i < 5; i++) {
		PT_ASSERT(pt_streq(sys_heap_hardening_name((enum sys_heap_hardening)i), names[i]));
		PT_ASSERT_EQ(sys_heap_hardening_parse(names[i]), i);
	}
	PT_ASSERT_EQ(sys_heap_hardening_parse("FuLL"), SYS_HEAP_HARDENING_FULL);
	PT_ASSERT_EQ(sys_heap_hardening_parse("EXTREME"), SYS_HEAP_HARDENING_EXTREME);
	PT_ASSERT_EQ(sys_heap_hardening_parse("full "), -1);
	PT_ASSERT_EQ(sys_heap_hardening_parse(""), -1);
	PT_ASSERT_EQ(sys_heap_hardening_parse("max"), -1);
}

/* Two heaps side by side do not interfere. */
PTEST(init_two_heaps)
{
	struct sys_heap a, b;
	struct sys_heap_config cfg;
	void *pa, *pb;

	pt_record_checks();
	pt_cfg_make(&cfg, 32, MOD, S32, true);
	memset(pt_buf, 0, 8192);
	PT_ASSERT_EQ(sys_heap_init_checked(&a, pt_buf, 4096, &cfg, true), 0);
	cfg.word_bits = 64;
	PT_ASSERT_EQ(sys_heap_init_checked(&b, pt_buf + 4096, 4096, &cfg, true), 0);
	pa = sys_heap_alloc(&a, 4000);
	pb = sys_heap_alloc(&b, 3900);
	PT_ASSERT_NOT_NULL(pa);
	PT_ASSERT_NOT_NULL(pb);
	memset(pa, 1, 4000);
	memset(pb, 2, 3900);
	PT_ASSERT(sys_heap_validate(&a) && sys_heap_validate(&b));
	sys_heap_free(&a, pa);
	sys_heap_free(&b, pb);
	PT_ASSERT(sys_heap_validate(&a) && sys_heap_validate(&b));
	PT_ASSERT_NO_CHECK();
}

PTEST_SUITE(heap_init,
	    PTEST_ENTRY(init_min_w32_stats), PTEST_ENTRY(init_min_w32_stats_full),
	    PTEST_ENTRY(init_min_w32_big_stats), PTEST_ENTRY(init_min_w32_big_stats_full),
	    PTEST_ENTRY(init_min_w64_stats), PTEST_ENTRY(init_min_w64_stats_full),
	    PTEST_ENTRY(init_min_w32), PTEST_ENTRY(init_min_w32_full),
	    PTEST_ENTRY(init_min_w64), PTEST_ENTRY(init_min_w64_full),
	    PTEST_ENTRY(init_too_small_tiny_sizes), PTEST_ENTRY(init_too_big),
	    PTEST_ENTRY(init_header_bytes), PTEST_ENTRY(init_layout_get),
	    PTEST_ENTRY(init_262144_quirk), PTEST_ENTRY(init_target_base_rounding),
	    PTEST_ENTRY(init_config_defaults), PTEST_ENTRY(init_hardening_names),
	    PTEST_ENTRY(init_two_heaps));
