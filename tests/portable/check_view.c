/*
 * What heap.h lets layers above see without restating the heap's layout:
 * the read-only chunk walk and field offsets, and the identity of each check
 * (id, printed name, refused or detected). Expected values come from the
 * spec's layout via pt_model and pt_field, never from the walker itself.
 */
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;
static uint32_t c[5];

/* The walk of the A..E heap: every chunk in address order, each field as
 * the headers hold it, and free chunks with their list links. */
static void walk_abcde(enum pt_cfg_id id)
{
	static const bool used[6] = { true, false, true, false, true, false };
	struct sys_heap_config cfg;
	struct sys_heap_walk w;
	struct sys_heap_chunk ch;
	uint32_t want[6];
	unsigned n = 0;

	pt_cfg(&cfg, id);
	pt_build_abcde(&h, &m, &cfg, c);
	memcpy(want, c, sizeof(c));
	want[5] = c[4] + pt_size(&h, &m, c[4]);
	for (sys_heap_walk_begin(&w, &h); sys_heap_walk_next(&w, &ch); n++) {
		PT_ASSERT(n < 6);
		PT_ASSERT_EQ(ch.id, want[n]);
		PT_ASSERT_EQ(ch.offset, 8 * (size_t)want[n]);
		PT_ASSERT_EQ(ch.size, pt_size(&h, &m, ch.id));
		PT_ASSERT_EQ(ch.used, used[n]);
		PT_ASSERT_EQ(ch.left, pt_field(&h, &m, ch.id, PT_LEFT));
		PT_ASSERT_EQ(ch.listed, !used[n]);
		PT_ASSERT_EQ(ch.prev, used[n] ? 0 : pt_field(&h, &m, ch.id, PT_PREV));
		PT_ASSERT_EQ(ch.next, used[n] ? 0 : pt_field(&h, &m, ch.id, PT_NEXT));
	}
	PT_ASSERT_EQ(n, 6);
	PT_ASSERT(sys_heap_walk_complete(&w));
	PT_ASSERT(!sys_heap_walk_next(&w, &ch)); /* stays finished */
	/* B and D are alone in their buckets: their links point at themselves. */
	PT_ASSERT(sys_heap_chunk_get(&h, c[1], &ch));
	PT_ASSERT(ch.prev == c[1] && ch.next == c[1]);
	PT_ASSERT_NO_CHECK();
}

PTEST(view_walk_w32_small) { walk_abcde(PT_W32S); }
PTEST(view_walk_w32_big) { walk_abcde(PT_W32B); }
PTEST(view_walk_w64) { walk_abcde(PT_W64); }
PTEST(view_walk_w32_full) { walk_abcde(PT_W32S_FULL); }
PTEST(view_walk_w64_full) { walk_abcde(PT_W64_FULL); }

/* The offsets heap.h gives are where the spec puts the fields. */
PTEST(view_field_offsets)
{
	struct sys_heap_config cfg;
	struct sys_heap_layout l;

	for (int id = PT_W32S; id <= PT_W64; id++) {
		pt_cfg(&cfg, (enum pt_cfg_id)id);
		pt_build_abcde(&h, &m, &cfg, c);
		sys_heap_layout_get(&h, &l);
		PT_ASSERT_EQ(l.field_bytes, m.fw);
		PT_ASSERT_EQ(sys_heap_chunk_field_offset(c[3], SYS_HEAP_LEFT_SIZE, l.field_bytes),
			     8 * (size_t)c[3]);
		PT_ASSERT_EQ(sys_heap_chunk_field_offset(c[3], SYS_HEAP_SIZE_AND_USED, l.field_bytes),
			     8 * (size_t)c[3] + m.fw);
		PT_ASSERT_EQ(sys_heap_chunk_field_offset(c[3], SYS_HEAP_FREE_PREV, l.field_bytes),
			     8 * (size_t)c[3] + 2 * m.fw);
		PT_ASSERT_EQ(sys_heap_chunk_field_offset(c[3], SYS_HEAP_FREE_NEXT, l.field_bytes),
			     8 * (size_t)c[3] + 3 * m.fw);
		PT_ASSERT_EQ(pt_rd32(&h, SYS_HEAP_HDR_END_CHUNK), m.end);
		PT_ASSERT_EQ(pt_rd32(&h, SYS_HEAP_HDR_AVAIL_BUCKETS), pt_avail(&h));
		PT_ASSERT_EQ(SYS_HEAP_CHUNK_UNIT, 8);
	}
}

/* A corrupted size ends the walk there, incomplete, without a check firing
 * and without reading past the buffer. */
PTEST(view_walk_stops_on_corruption)
{
	struct sys_heap_config cfg;
	struct sys_heap_walk w;
	struct sys_heap_chunk ch;
	unsigned n = 0;

	pt_cfg(&cfg, PT_W32S);
	pt_build_abcde(&h, &m, &cfg, c);
	pt_set_field(&h, &m, c[2], PT_SIZE_USED, 0 << 1 | 1); /* C: size 0 */
	for (sys_heap_walk_begin(&w, &h); sys_heap_walk_next(&w, &ch); n++)
		;
	PT_ASSERT_EQ(n, 2); /* A, B */
	PT_ASSERT(!sys_heap_walk_complete(&w));

	pt_build_abcde(&h, &m, &cfg, c);
	pt_set_field(&h, &m, c[2], PT_SIZE_USED, 0x7fff << 1 | 1); /* C: past the end */
	n = 0;
	for (sys_heap_walk_begin(&w, &h); sys_heap_walk_next(&w, &ch); n++)
		;
	PT_ASSERT_EQ(n, 2);
	PT_ASSERT(!sys_heap_walk_complete(&w));

	pt_build_abcde(&h, &m, &cfg, c);
	pt_wr32(&h, SYS_HEAP_HDR_END_CHUNK, 0x7fffffffu); /* end far outside the buffer */
	sys_heap_walk_begin(&w, &h);
	PT_ASSERT(!sys_heap_walk_next(&w, &ch));
	PT_ASSERT(!sys_heap_walk_complete(&w));
	PT_ASSERT_NO_CHECK();
}

PTEST(view_chunk_get_bounds)
{
	struct sys_heap_config cfg;
	struct sys_heap_chunk ch;

	pt_cfg(&cfg, PT_W32S);
	pt_build_abcde(&h, &m, &cfg, c);
	PT_ASSERT(sys_heap_chunk_get(&h, c[0], &ch));
	PT_ASSERT(ch.used && ch.size == pt_size(&h, &m, c[0]));
	PT_ASSERT(!sys_heap_chunk_get(&h, 4096 / 8, &ch)); /* past the buffer */
	PT_ASSERT_EQ(ch.size, 0);
	PT_ASSERT(!sys_heap_chunk_get(&h, 0xffffffffu, &ch));
	PT_ASSERT(!sys_heap_chunk_get(NULL, 0, &ch));
	PT_ASSERT_NO_CHECK();
}

/* One name per check, the spec's; out-of-range ids print as "?". */
PTEST(view_check_names)
{
	static const struct {
		enum sys_heap_check_id id;
		const char *name;
	} spec[] = {
		{ SYS_HEAP_CHECK_CALLER_ERROR, "caller error" },
		{ SYS_HEAP_CHECK_DOUBLE_FREE, "double free" },
		{ SYS_HEAP_CHECK_WILD_ACCESS, "wild access" },
		{ SYS_HEAP_CHECK_FREE_LIST_LINKAGE, "free-list linkage" },
		{ SYS_HEAP_CHECK_CANARY_DOUBLE_FREE, "canary double free" },
		{ SYS_HEAP_CHECK_NOT_A_BLOCK_START, "not a block start" },
	};

	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++)
		PT_ASSERT(pt_streq(sys_heap_check_name(spec[i].id), spec[i].name));
	for (int a = 1; a < SYS_HEAP_CHECK_COUNT; a++) {
		PT_ASSERT(!pt_streq(sys_heap_check_name((enum sys_heap_check_id)a), "?"));
		for (int b = 1; b < a; b++)
			PT_ASSERT(!pt_streq(sys_heap_check_name((enum sys_heap_check_id)a),
					    sys_heap_check_name((enum sys_heap_check_id)b)));
	}
	PT_ASSERT(pt_streq(sys_heap_check_name(SYS_HEAP_CHECK_NONE), "?"));
	PT_ASSERT(pt_streq(sys_heap_check_name(SYS_HEAP_CHECK_COUNT), "?"));
}

/* The check says what it is and whether it refused the argument (heap as it
 * was) or found the heap inconsistent. */
PTEST(view_check_identity_and_refused)
{
	struct sys_heap_config cfg;
	void *p;

	pt_cfg(&cfg, PT_W32S);
	pt_heap_init(&h, &m, 4096, &cfg);
	p = sys_heap_alloc(&h, 64);
	PT_ASSERT_NOT_NULL(p);

	pt_record_checks();
	PT_ASSERT_NULL(sys_heap_aligned_alloc(&h, 0x70, 16));
	PT_ASSERT_CHECK("caller error");
	PT_ASSERT_EQ(pt_checks.first_id, SYS_HEAP_CHECK_CALLER_ERROR);
	PT_ASSERT(pt_checks.first_refused);

	sys_heap_free(&h, p);
	pt_record_checks();
	sys_heap_free(&h, p);
	PT_ASSERT_CHECK("double free");
	PT_ASSERT_EQ(pt_checks.first_id, SYS_HEAP_CHECK_DOUBLE_FREE);
	PT_ASSERT(!pt_checks.first_refused);

	pt_record_checks();
	PT_ASSERT_EQ(sys_heap_init_checked(&h, pt_buf, 16, &cfg, false), SYS_HEAP_INIT_TOO_SMALL);
	PT_ASSERT_CHECK("init too small");
	PT_ASSERT_EQ(pt_checks.first_id, SYS_HEAP_CHECK_INIT_TOO_SMALL);
	PT_ASSERT(pt_checks.first_refused);
}

PTEST_SUITE(heap_view,
	    PTEST_ENTRY(view_walk_w32_small), PTEST_ENTRY(view_walk_w32_big),
	    PTEST_ENTRY(view_walk_w64), PTEST_ENTRY(view_walk_w32_full),
	    PTEST_ENTRY(view_walk_w64_full), PTEST_ENTRY(view_field_offsets),
	    PTEST_ENTRY(view_walk_stops_on_corruption), PTEST_ENTRY(view_chunk_get_bounds),
	    PTEST_ENTRY(view_check_names), PTEST_ENTRY(view_check_identity_and_refused));
