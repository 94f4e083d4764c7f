/*
 * oob_heap's own checks (issue 7): the documented metadata formula, payload
 * separation (a twin heap whose payload is scribbled over between operations
 * behaves byte for byte like an untouched one), detection of bad pointers,
 * completeness of oob_heap_check, and the sys_heap semantics it mirrors.
 * Expected values come from docs/oob-heap.md, not from the implementation.
 */
#include <errno.h>
#include <string.h>

#include "pt_heap.h"

/* Three slices of pt_buf: heap A, heap B (the twin) and a snapshot. */
#define OOB_BYTES (16u * 1024u)
#define A_BUF (pt_buf)
#define B_BUF (pt_buf + 64 * 1024)
#define SNAP (pt_buf + 128 * 1024)
#define META_WORDS 1024

static uint64_t meta_a[META_WORDS], meta_b[META_WORDS], meta_snap[META_WORDS];
static struct oob_heap ha, hb;

/* ---- the documented layout (docs/oob-heap.md) ------------------------------- */

static uint32_t log2_floor(uint64_t x)
{
	uint32_t r = 0;

	while (x >>= 1)
		r++;
	return r;
}

/* Words of a bitmap of m bits with its summary levels. */
static uint64_t doc_words(uint64_t m)
{
	uint64_t w = 0;

	do {
		m = (m + 63) / 64;
		w += m;
	} while (m > 1);
	return w;
}

static uint64_t doc_bitmap_words(uint64_t n)
{
	uint64_t w = doc_words(n + 1) + (n + 63) / 64;

	for (uint32_t b = 0; b <= log2_floor(n); b++)
		w += doc_words((n + ((uint64_t)1 << b) - 1) >> b);
	return w;
}

static size_t doc_header_bytes(uint64_t n)
{
	return 48 + 16 * (log2_floor(n) + 2);
}

static size_t doc_meta_bytes(size_t bytes)
{
	uint64_t n = bytes / 8;

	return doc_header_bytes(n) + 8 * doc_bitmap_words(n);
}

/* ---- helpers -------------------------------------------------------------------- */

static void oob_init(struct oob_heap *h, uint8_t *buf, size_t bytes, uint64_t *meta,
		     const struct sys_heap_config *cfg)
{
	struct sys_heap_config c;

	if (!cfg) {
		sys_heap_config_default(&c);
		c.alloc_loops = 3;
		cfg = &c;
	}
	PT_ASSERT(oob_heap_metadata_bytes(bytes) <= META_WORDS * 8);
	PT_ASSERT_EQ(oob_heap_init_checked(h, buf, bytes, meta, META_WORDS * 8, cfg, false),
		     SYS_HEAP_INIT_OK);
}

static size_t off_of(const struct oob_heap *h, const void *p)
{
	return p ? (size_t)((const uint8_t *)p - (const uint8_t *)h->S) : (size_t)-1;
}

static struct sys_memory_stats stats_of(struct oob_heap *h)
{
	struct sys_memory_stats s;

	PT_ASSERT_EQ(oob_heap_runtime_stats_get(h, &s), 0);
	return s;
}

static void assert_same_stats(struct oob_heap *a, struct oob_heap *b)
{
	struct sys_memory_stats x = stats_of(a), y = stats_of(b);

	PT_ASSERT_EQ(x.free_bytes, y.free_bytes);
	PT_ASSERT_EQ(x.allocated_bytes, y.allocated_bytes);
	PT_ASSERT_EQ(x.max_allocated_bytes, y.max_allocated_bytes);
}

static void assert_intact(const struct oob_heap *h)
{
	const char *why = NULL;
	uint32_t chunk = 0;

	if (!oob_heap_check(h, &why, &chunk))
		PT_FAIL(why);
}

/* Scribbles over the whole payload buffer, slack before S included. */
static void scribble(uint8_t *buf, size_t bytes, uint32_t *rng)
{
	uint32_t mode = pt_rand(rng) % 4, v;

	for (size_t i = 0; i < bytes; i += 4) {
		switch (mode) {
		case 0: v = pt_rand(rng); break;                 /* noise */
		case 1: v = 0; break;                            /* all zero */
		case 2: v = 0xffffffffu; break;                  /* all ones */
		default: v = pt_rand(rng) % (bytes / 8 + 2); break; /* unit ids */
		}
		memcpy(buf + i, &v, bytes - i < 4 ? bytes - i : 4);
	}
}

/* ---- metadata formula -------------------------------------------------------------- */

PTEST(oob_metadata_formula)
{
	static const size_t sizes[] = { 8, 15, 16, 64, 100, 512, 1000, 4096, 4104,
					65536, 131072, 0x80000, 0x100000, 0x2000000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		PT_ASSERT_EQ(oob_heap_metadata_bytes(sizes[i]), doc_meta_bytes(sizes[i]));
	PT_ASSERT_EQ(oob_heap_metadata_bytes(0), 0);
	PT_ASSERT_EQ(oob_heap_metadata_bytes(7), 0);
	if (sizeof(size_t) > 4)
		PT_ASSERT_EQ(oob_heap_metadata_bytes((size_t)0x80000000u * 8), 0);

	/* The compile-time bound holds (sizes near powers of two and odd ones). */
	for (size_t bytes = 8; bytes <= 0x4000000; bytes = bytes * 3 / 2 + 1)
		PT_ASSERT(oob_heap_metadata_bytes(bytes) <= OOB_HEAP_METADATA_BYTES_MAX(bytes));
	PT_ASSERT(oob_heap_metadata_bytes(65536) <= OOB_HEAP_METADATA_BYTES_MAX(65536));

	/* The ≤ 10 % goal, with room: under 7.5 % from 32 KiB up. */
	for (size_t bytes = 32 * 1024; bytes <= 0x4000000; bytes *= 2)
		PT_ASSERT((uint64_t)oob_heap_metadata_bytes(bytes) * 1000 <= (uint64_t)bytes * 75);
}

PTEST(oob_init_sizes)
{
	size_t need = oob_heap_metadata_bytes(1000);

	pt_record_checks();
	/* Metadata one byte short, or not 8-aligned: a bad configuration. */
	PT_ASSERT_EQ(oob_heap_init_checked(&ha, A_BUF, 1000, meta_a, need - 1, NULL, true),
		     SYS_HEAP_INIT_BAD_CONFIG);
	PT_ASSERT_EQ(oob_heap_init_checked(&ha, A_BUF, 1000, (uint8_t *)meta_a + 4, need,
					   NULL, true),
		     SYS_HEAP_INIT_BAD_CONFIG);
	PT_ASSERT_NO_CHECK();
	PT_ASSERT_EQ(oob_heap_init_checked(&ha, A_BUF, 1000, meta_a, need - 1, NULL, false),
		     SYS_HEAP_INIT_BAD_CONFIG);
	PT_ASSERT_CHECK("caller error");
	pt_record_checks();
	PT_ASSERT_EQ(oob_heap_init_checked(&ha, A_BUF, 7, meta_a, sizeof(meta_a), NULL, false),
		     SYS_HEAP_INIT_TOO_SMALL);
	PT_ASSERT_CHECK("init too small");
	/* A heap whose init failed refuses every call. */
	pt_record_checks();
	PT_ASSERT_NULL(oob_heap_alloc(&ha, 8));
	PT_ASSERT_CHECK("caller error");
	pt_record_checks();
	oob_heap_free(&ha, A_BUF);
	PT_ASSERT_CHECK("caller error");
	PT_ASSERT(!oob_heap_validate(&ha));
	PT_ASSERT_EQ(oob_heap_units(&ha), 0);
	pt_record_checks();
	/* 3 bytes in: S is 5 bytes on, the last whole unit ends at 96 → 11 units. */
	memset(A_BUF, 0xa5, 200);
	PT_ASSERT_EQ(oob_heap_init_checked(&ha, A_BUF + 3, 100, meta_a,
					   oob_heap_metadata_bytes(100), NULL, false),
		     SYS_HEAP_INIT_OK);
	PT_ASSERT_EQ(oob_heap_payload_offset(&ha), 5);
	PT_ASSERT_EQ(oob_heap_units(&ha), 11);
	/* init never writes the payload buffer */
	for (size_t i = 0; i < 200; i++)
		PT_ASSERT_EQ(A_BUF[i], 0xa5);
	PT_ASSERT_NO_CHECK();
}

/* A fresh heap is one free chunk; blocks come low to high, 8-byte units. */
PTEST(oob_fresh_heap_and_usable_sizes)
{
	struct sys_memory_stats s;
	uint8_t *p, *q;
	size_t next = 0;

	pt_record_checks();
	oob_init(&ha, A_BUF, OOB_BYTES, meta_a, NULL);
	s = stats_of(&ha);
	PT_ASSERT_EQ(s.free_bytes, OOB_BYTES);
	PT_ASSERT_EQ(s.allocated_bytes, 0);
	PT_ASSERT_EQ(s.max_allocated_bytes, 0);
	PT_ASSERT_NULL(oob_heap_alloc(&ha, 0));
	PT_ASSERT_NULL(oob_heap_alloc(&ha, OOB_BYTES + 1));
	p = oob_heap_alloc(&ha, OOB_BYTES);
	PT_ASSERT_PTR_EQ(p, A_BUF);
	PT_ASSERT_EQ(oob_heap_usable_size(&ha, p), OOB_BYTES);
	PT_ASSERT_NULL(oob_heap_alloc(&ha, 1));
	oob_heap_free(&ha, p);

	for (size_t n = 1; next + ((n + 7) & ~(size_t)7) <= OOB_BYTES; n += 13) {
		q = oob_heap_alloc(&ha, n);
		PT_ASSERT_EQ(off_of(&ha, q), next);
		PT_ASSERT_EQ(oob_heap_usable_size(&ha, q), (n + 7) & ~(size_t)7);
		next += (n + 7) & ~(size_t)7;
	}
	s = stats_of(&ha);
	PT_ASSERT_EQ(s.allocated_bytes, next);
	PT_ASSERT_EQ(s.free_bytes, OOB_BYTES - next);
	assert_intact(&ha);
	PT_ASSERT_NO_CHECK();
}

/* ---- payload separation --------------------------------------------------------------- */

#define TWIN_SLOTS 64

/*
 * One random operation on both heaps. A's payload was scribbled over, B's
 * was not: results, usable sizes, stats and the metadata bytes must agree.
 * Ops that move no data must leave A's payload exactly as scribbled.
 */
static void twin_op(void **pa, void **pb, uint32_t *rng, uint32_t *scr)
{
	uint32_t r = pt_rand(rng), k = r % TWIN_SLOTS, op = (r >> 8) % 8;
	size_t n = (r >> 12) % 8 == 0 ? pt_rand(rng) % 3000 : pt_rand(rng) % 200;
	size_t align = (size_t)8 << (pt_rand(rng) % 7);
	void *ra, *rb;
	bool moves_data = false;

	scribble(A_BUF, OOB_BYTES + 64, scr);
	memcpy(SNAP, A_BUF, OOB_BYTES + 64);
	if (!pa[k]) {
		if (op < 5) {
			ra = oob_heap_alloc(&ha, n);
			rb = oob_heap_alloc(&hb, n);
		} else {
			ra = oob_heap_aligned_alloc(&ha, align, n);
			rb = oob_heap_aligned_alloc(&hb, align, n);
		}
	} else if (op < 4) {
		oob_heap_free(&ha, pa[k]);
		oob_heap_free(&hb, pb[k]);
		ra = rb = NULL;
	} else {
		moves_data = true;
		if (op < 7) {
			ra = oob_heap_realloc(&ha, pa[k], n);
			rb = oob_heap_realloc(&hb, pb[k], n);
		} else {
			ra = oob_heap_aligned_realloc(&ha, pa[k], align, n);
			rb = oob_heap_aligned_realloc(&hb, pb[k], align, n);
		}
		if (!ra && n) { /* failed: the old block stays */
			ra = pa[k];
			rb = pb[k];
		}
	}
	PT_ASSERT_EQ(off_of(&ha, ra), off_of(&hb, rb));
	if (ra)
		PT_ASSERT_EQ(oob_heap_usable_size(&ha, ra), oob_heap_usable_size(&hb, rb));
	assert_same_stats(&ha, &hb);
	PT_ASSERT(memcmp(meta_a, meta_b, sizeof(meta_a)) == 0);
	assert_intact(&ha);
	if (!moves_data || !ra || ra == pa[k]) {
		PT_ASSERT(memcmp(SNAP, A_BUF, OOB_BYTES + 64) == 0);
	} else {
		/* A moved block: only the new block's bytes may change. */
		size_t lo = off_of(&ha, ra), hi = lo + oob_heap_usable_size(&ha, ra);

		PT_ASSERT(memcmp(SNAP, A_BUF, lo) == 0);
		PT_ASSERT(memcmp(SNAP + hi, A_BUF + hi, OOB_BYTES + 64 - hi) == 0);
	}
	pa[k] = ra;
	pb[k] = rb;
}

PTEST(oob_payload_writes_never_change_state)
{
	void *pa[TWIN_SLOTS] = { 0 }, *pb[TWIN_SLOTS] = { 0 };
	uint32_t rng = 0x1234567u, scr = 0x89abcdefu;

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	memset(meta_b, 0, sizeof(meta_b));
	oob_init(&ha, A_BUF, OOB_BYTES, meta_a, NULL);
	oob_init(&hb, B_BUF, OOB_BYTES, meta_b, NULL);
	for (int i = 0; i < 3000; i++)
		twin_op(pa, pb, &rng, &scr);
	PT_ASSERT_NO_CHECK();
}

/* The same with EXTREME (a full check before each operation) and loops ≤ 0. */
PTEST(oob_payload_writes_never_change_state_extreme)
{
	void *pa[TWIN_SLOTS] = { 0 }, *pb[TWIN_SLOTS] = { 0 };
	uint32_t rng = 0x31337u, scr = 0x600dd00du;
	struct sys_heap_config cfg;

	pt_record_checks();
	sys_heap_config_default(&cfg);
	cfg.hardening = SYS_HEAP_HARDENING_EXTREME;
	cfg.alloc_loops = 0;
	memset(meta_a, 0, sizeof(meta_a));
	memset(meta_b, 0, sizeof(meta_b));
	oob_init(&ha, A_BUF, OOB_BYTES, meta_a, &cfg);
	oob_init(&hb, B_BUF, OOB_BYTES, meta_b, &cfg);
	for (int i = 0; i < 600; i++)
		twin_op(pa, pb, &rng, &scr);
	PT_ASSERT_NO_CHECK();
}

/* ---- bad pointers ------------------------------------------------------------------------ */

/* One bad call: exactly one check of that name, nothing changed. */
static void expect_rejected(const char *name, uint32_t chunk)
{
	PT_ASSERT_EQ(pt_checks.count, 1);
	if (!pt_streq(pt_checks.first, name))
		PT_FAIL(name);
	PT_ASSERT_EQ(pt_checks.first_chunk, chunk);
	PT_ASSERT(memcmp(meta_snap, meta_a, sizeof(meta_a)) == 0);
	pt_record_checks();
}

static void bad_free(void *p, const char *name, uint32_t chunk)
{
	memcpy(meta_snap, meta_a, sizeof(meta_a));
	oob_heap_free(&ha, p);
	expect_rejected(name, chunk);
}

PTEST(oob_bad_pointers_detected)
{
	uint8_t *p1, *p2, *p3, *S;
	uint32_t units;

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	/* Start 4 bytes into pt_buf: 4 bytes of slack before S. */
	oob_init(&ha, A_BUF + 4, 4096, meta_a, NULL);
	S = ha.S;
	units = oob_heap_units(&ha);
	PT_ASSERT_EQ(units, 511);
	p1 = oob_heap_alloc(&ha, 32); /* units 0..3 */
	p2 = oob_heap_alloc(&ha, 64); /* units 4..11 */
	p3 = oob_heap_alloc(&ha, 16); /* units 12..13, free tail from 14 */
	PT_ASSERT_PTR_EQ(p1, S);
	PT_ASSERT_PTR_EQ(p3, S + 96);
	oob_heap_free(&ha, p2);
	PT_ASSERT_NO_CHECK();

	bad_free(p1 + 8, "not a block start", 1);       /* inside a used block */
	bad_free(p1 + 3, "not a block start", 0);       /* not unit-aligned */
	bad_free(p2, "double free", 4);                 /* a free chunk's start */
	bad_free(p2 + 16, "not a block start", 6);      /* inside a free chunk */
	bad_free(S + 14 * 8, "double free", 14);        /* never allocated: free tail */
	bad_free(S + 100 * 8, "not a block start", 100);
	bad_free(S - 4, "foreign pointer", 0);          /* the slack before S */
	bad_free(S + (size_t)units * 8, "foreign pointer", 0); /* one past the end */
	bad_free(B_BUF, "foreign pointer", 0);

	memcpy(meta_snap, meta_a, sizeof(meta_a));
	PT_ASSERT_NULL(oob_heap_realloc(&ha, p1 + 8, 100));
	expect_rejected("not a block start", 1);
	PT_ASSERT_NULL(oob_heap_realloc(&ha, p2, 100));
	expect_rejected("not in use", 4);
	PT_ASSERT_NULL(oob_heap_aligned_realloc(&ha, p3 + 8, 64, 100));
	expect_rejected("not a block start", 13);
	PT_ASSERT_EQ(oob_heap_usable_size(&ha, p2), 0);
	expect_rejected("not in use", 4);
	PT_ASSERT_EQ(oob_heap_usable_size(&ha, S - 4), 0);
	expect_rejected("foreign pointer", 0);

	/* The live blocks are untouched and still free normally. */
	PT_ASSERT_EQ(oob_heap_usable_size(&ha, p1), 32);
	oob_heap_free(&ha, p1);
	oob_heap_free(&ha, p3);
	PT_ASSERT_NO_CHECK();
	PT_ASSERT_EQ(stats_of(&ha).free_bytes, (size_t)units * 8);
	assert_intact(&ha);
}

/* A second free after the block merged into a free neighbour: its start is
 * gone, so it reads as "not a block start" (docs/oob-heap.md). */
PTEST(oob_double_free_after_merge)
{
	uint8_t *a, *b, *c;

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	oob_init(&ha, A_BUF, 4096, meta_a, NULL);
	a = oob_heap_alloc(&ha, 8);
	b = oob_heap_alloc(&ha, 8);
	c = oob_heap_alloc(&ha, 8);
	oob_heap_free(&ha, a);
	oob_heap_free(&ha, b); /* merges into a */
	PT_ASSERT_NO_CHECK();
	bad_free(b, "not a block start", 1);
	bad_free(a, "double free", 0);
	oob_heap_free(&ha, c);
	PT_ASSERT_NO_CHECK();
	assert_intact(&ha);
}

/* ---- oob_heap_check sees every bit of the bitmaps ---------------------------------------- */

PTEST(oob_check_detects_every_bitmap_bit_flip)
{
	uint8_t *m = (uint8_t *)meta_a;
	size_t bytes = 2048, start = doc_header_bytes(bytes / 8);
	size_t end = oob_heap_metadata_bytes(bytes);
	void *p[8];

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	oob_init(&ha, A_BUF, bytes, meta_a, NULL);
	for (int i = 0; i < 8; i++)
		p[i] = oob_heap_alloc(&ha, 8 + 40 * (size_t)i);
	oob_heap_free(&ha, p[1]);
	oob_heap_free(&ha, p[4]);
	oob_heap_free(&ha, p[5]);
	assert_intact(&ha);
	for (size_t bit = start * 8; bit < end * 8; bit++) {
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		PT_ASSERT(!oob_heap_validate(&ha));
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* Header fields the check recomputes: magic, units, nb, avail, used_off,
	 * nwords, free and allocated bytes (bytes 0..39). */
	for (size_t bit = 0; bit < 40 * 8; bit++) {
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		PT_ASSERT(!oob_heap_validate(&ha));
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_intact(&ha);
	PT_ASSERT_NO_CHECK();
}

/*
 * The last bitmap (the largest bucket's) is checked like the others: a bit
 * past its end names it as a bitmap summary error. (Its count of set bits
 * would also be off, but that is a later, coarser check: the first broken
 * invariant is the one reported.)
 */
PTEST(oob_check_covers_the_last_bitmap)
{
	uint8_t *m = (uint8_t *)meta_a;
	size_t bytes = 2048, end = oob_heap_metadata_bytes(bytes);
	uint32_t nb = log2_floor(bytes / 8) + 1, chunk = 0;
	const char *why = NULL;

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	oob_init(&ha, A_BUF, bytes, meta_a, NULL);
	assert_intact(&ha);
	/* bucket nb−1 has one or two granules: one word, the metadata's last */
	m[end - 1] ^= 0x80;
	PT_ASSERT(!oob_heap_check(&ha, &why, &chunk));
	PT_ASSERT(pt_streq(why, "bitmap summary"));
	PT_ASSERT_EQ(chunk, nb);
	m[end - 1] ^= 0x80;
	assert_intact(&ha);
	PT_ASSERT_NO_CHECK();
}

/* The stats call refuses NULL and a heap whose init failed (no metadata). */
PTEST(oob_stats_guards)
{
	struct sys_memory_stats s;
	struct oob_heap never;

	memset(&never, 0, sizeof(never));
	PT_ASSERT_EQ(oob_heap_runtime_stats_get(NULL, &s), -EINVAL);
	PT_ASSERT_EQ(oob_heap_runtime_stats_get(&never, &s), -EINVAL);
	pt_record_checks();
	PT_ASSERT_EQ(oob_heap_init_checked(&ha, A_BUF, 7, meta_a, sizeof(meta_a), NULL, true),
		     SYS_HEAP_INIT_TOO_SMALL);
	PT_ASSERT_EQ(oob_heap_runtime_stats_get(&ha, &s), -EINVAL);
	/* a live heap answers, and NULL stats are still refused */
	oob_init(&ha, A_BUF, 1024, meta_a, NULL);
	PT_ASSERT_EQ(oob_heap_runtime_stats_get(&ha, NULL), -EINVAL);
	PT_ASSERT_NOT_NULL(oob_heap_alloc(&ha, 100));
	s = stats_of(&ha);
	PT_ASSERT_EQ(s.allocated_bytes, 104);
	PT_ASSERT_EQ(s.max_allocated_bytes, 104);
	PT_ASSERT_NO_CHECK();
}

/* A heap larger than its word size can address, or with more units than the
 * bitmaps index, is refused as too big, before the buffer is touched. */
PTEST(oob_init_refuses_too_big)
{
	struct sys_heap_config cfg;

	if (sizeof(size_t) <= 4)
		return; /* such sizes do not exist on a 32-bit host */
	sys_heap_config_default(&cfg);
	cfg.word_bits = 32;
	pt_record_checks();
	PT_ASSERT_EQ(oob_heap_init_checked(&ha, A_BUF, (size_t)0xffffffffu + 1, meta_a,
					   sizeof(meta_a), &cfg, false),
		     SYS_HEAP_INIT_TOO_BIG);
	PT_ASSERT_CHECK("init too big");
	PT_ASSERT_EQ(oob_heap_units(&ha), 0);
	/* 64-bit words address it, but 2^31 units are more than the bitmaps hold */
	cfg.word_bits = 64;
	pt_record_checks();
	PT_ASSERT_EQ(oob_heap_init_checked(&ha, A_BUF, (size_t)0x80000000u * 8, meta_a,
					   sizeof(meta_a), &cfg, false),
		     SYS_HEAP_INIT_TOO_BIG);
	PT_ASSERT_CHECK("init too big");
	PT_ASSERT_EQ(oob_heap_units(&ha), 0);
}

/* EXTREME runs the check before each operation and refuses to go on. */
PTEST(oob_extreme_refuses_broken_metadata)
{
	struct sys_heap_config cfg;
	size_t words = doc_header_bytes(4096 / 8);
	void *p;

	pt_record_checks();
	sys_heap_config_default(&cfg);
	cfg.hardening = SYS_HEAP_HARDENING_EXTREME;
	memset(meta_a, 0, sizeof(meta_a));
	oob_init(&ha, A_BUF, 4096, meta_a, &cfg);
	p = oob_heap_alloc(&ha, 100);
	PT_ASSERT_NOT_NULL(p);
	((uint8_t *)meta_a)[words + 8] ^= 0x10; /* START bit 68: splits the free tail */
	memcpy(meta_snap, meta_a, sizeof(meta_a));
	PT_ASSERT_NULL(oob_heap_alloc(&ha, 8));
	expect_rejected("validation failed", 0);
	oob_heap_free(&ha, p);
	expect_rejected("validation failed", 0);
}

/* ---- sys_heap semantics it mirrors -------------------------------------------------------- */

/*
 * ALLOC_LOOPS: the best-fit bucket is tried from its cursor, which moves past
 * every chunk tried, as sys_heap's bucket head does. Bucket 2 holds free
 * chunks of 4, 5 and 6 units; a 7-unit request tries all three, then takes
 * the tail; the next 4-unit request starts after the 6-unit chunk, wraps and
 * takes the 4-unit one.
 */
PTEST(oob_alloc_loops_rotate_like_sys_heap)
{
	uint8_t *S, *f[3], *tail;

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	oob_init(&ha, A_BUF, 4096, meta_a, NULL);
	S = ha.S;
	for (int i = 0; i < 3; i++) {
		f[i] = oob_heap_alloc(&ha, 8 * (4 + (size_t)i));
		PT_ASSERT_NOT_NULL(oob_heap_alloc(&ha, 8)); /* keeps them apart */
	}
	for (int i = 0; i < 3; i++)
		oob_heap_free(&ha, f[i]);
	tail = S + 8 * (4 + 1 + 5 + 1 + 6 + 1);
	PT_ASSERT_PTR_EQ(oob_heap_alloc(&ha, 56), tail);
	PT_ASSERT_PTR_EQ(oob_heap_alloc(&ha, 32), f[0]);
	/* With one loop only the chunk at the cursor (5 units) is tried. */
	ha.cfg.alloc_loops = 1;
	PT_ASSERT_PTR_EQ(oob_heap_alloc(&ha, 48), tail + 56);
	PT_ASSERT_PTR_EQ(oob_heap_alloc(&ha, 48), f[2]);
	PT_ASSERT_NO_CHECK();
	assert_intact(&ha);
}

PTEST(oob_aligned_and_rewind)
{
	uint8_t *p;
	size_t total = 8192;

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	oob_init(&ha, A_BUF, total, meta_a, NULL);
	PT_ASSERT_NOT_NULL(oob_heap_alloc(&ha, 8)); /* S is no longer free */
	for (size_t align = 16; align <= 2048; align *= 2) {
		p = oob_heap_aligned_alloc(&ha, align, 24);
		PT_ASSERT_NOT_NULL(p);
		PT_ASSERT_EQ((uintptr_t)p % align, 0);
		PT_ASSERT_EQ(oob_heap_usable_size(&ha, p), 24);
	}
	/* 16 + 8: rewind 8, so p + 8 is 16-aligned */
	p = oob_heap_aligned_alloc(&ha, 24, 8);
	PT_ASSERT_EQ(((uintptr_t)p + 8) % 16, 0);
	/* prefix and suffix pieces went back to the free lists */
	PT_ASSERT_EQ(stats_of(&ha).free_bytes + stats_of(&ha).allocated_bytes, total);
	assert_intact(&ha);
	PT_ASSERT_NO_CHECK();
	/* a rewind below 8 cannot be met by 8-aligned blocks */
	memcpy(meta_snap, meta_a, sizeof(meta_a));
	PT_ASSERT_NULL(oob_heap_aligned_alloc(&ha, 20, 8));
	expect_rejected("caller error", 0);
	PT_ASSERT_NULL(oob_heap_aligned_alloc(&ha, 48 + 8, 8)); /* 48 not a power of two */
	expect_rejected("caller error", 0);
	PT_ASSERT_NULL(oob_heap_aligned_realloc(&ha, p, 24, 8));
	expect_rejected("caller error", 0);
	/* alignment bigger than the heap: NULL, no check */
	PT_ASSERT_NULL(oob_heap_aligned_alloc(&ha, 16384, 8));
	PT_ASSERT_NO_CHECK();
}

PTEST(oob_realloc_in_place_and_moving)
{
	uint8_t *a, *b, *c;

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	oob_init(&ha, A_BUF, 4096, meta_a, NULL);
	a = oob_heap_alloc(&ha, 64);
	b = oob_heap_alloc(&ha, 64);
	memset(a, 0x11, 64);
	/* shrink in place: the tail becomes a free chunk */
	PT_ASSERT_PTR_EQ(oob_heap_realloc(&ha, a, 20), a);
	PT_ASSERT_EQ(oob_heap_usable_size(&ha, a), 24);
	/* grow in place into the free tail piece */
	PT_ASSERT_PTR_EQ(oob_heap_realloc(&ha, a, 64), a);
	/* grow past b: moves, copies, frees the old block */
	c = oob_heap_realloc(&ha, a, 200);
	PT_ASSERT_PTR_EQ(c, b + 64);
	for (int i = 0; i < 64; i++)
		PT_ASSERT_EQ(c[i], 0x11);
	PT_ASSERT_PTR_EQ(oob_heap_alloc(&ha, 64), a);
	/* too big: NULL, the block stays */
	PT_ASSERT_NULL(oob_heap_realloc(&ha, c, 8192));
	PT_ASSERT_EQ(oob_heap_usable_size(&ha, c), 200);
	PT_ASSERT_NULL(oob_heap_realloc(&ha, c, 0));
	PT_ASSERT_EQ(stats_of(&ha).allocated_bytes, 128);
	PT_ASSERT(stats_of(&ha).max_allocated_bytes >= 328);
	PT_ASSERT_NO_CHECK();
	assert_intact(&ha);
}

/* Every byte of the payload is payload; the description names its chunk. */
PTEST(oob_describe_offset)
{
	char d[40];
	uint8_t *a;

	pt_record_checks();
	memset(meta_a, 0, sizeof(meta_a));
	oob_init(&ha, A_BUF, 4096, meta_a, NULL);
	PT_ASSERT_NOT_NULL(oob_heap_alloc(&ha, 100));
	a = oob_heap_alloc(&ha, 8);
	PT_ASSERT_PTR_EQ(a, A_BUF + 104);
	PT_ASSERT(!oob_heap_describe_offset(&ha, 0, d, sizeof(d)));
	PT_ASSERT(pt_streq(d, "chunk 0 payload (used)"));
	PT_ASSERT(!oob_heap_describe_offset(&ha, 103, d, sizeof(d)));
	PT_ASSERT(pt_streq(d, "chunk 0 payload (used)"));
	PT_ASSERT(!oob_heap_describe_offset(&ha, 104, d, sizeof(d)));
	PT_ASSERT(pt_streq(d, "chunk 13 payload (used)"));
	PT_ASSERT(!oob_heap_describe_offset(&ha, 4095, d, sizeof(d)));
	PT_ASSERT(pt_streq(d, "chunk 14 payload (free)"));
	PT_ASSERT(!oob_heap_describe_offset(&ha, 4096, d, sizeof(d)));
	PT_ASSERT(pt_streq(d, "outside the heap"));
	PT_ASSERT(!oob_heap_describe_offset(&ha, 104, d, 9)); /* truncated, terminated */
	PT_ASSERT(pt_streq(d, "chunk 13"));
	PT_ASSERT_NO_CHECK();
}

PTEST_SUITE(oob_heap,
	    PTEST_ENTRY(oob_metadata_formula),
	    PTEST_ENTRY(oob_init_sizes),
	    PTEST_ENTRY(oob_fresh_heap_and_usable_sizes),
	    PTEST_ENTRY(oob_payload_writes_never_change_state),
	    PTEST_ENTRY(oob_payload_writes_never_change_state_extreme),
	    PTEST_ENTRY(oob_bad_pointers_detected),
	    PTEST_ENTRY(oob_double_free_after_merge),
	    PTEST_ENTRY(oob_check_detects_every_bitmap_bit_flip),
	    PTEST_ENTRY(oob_check_covers_the_last_bitmap), PTEST_ENTRY(oob_stats_guards),
	    PTEST_ENTRY(oob_init_refuses_too_big),
	    PTEST_ENTRY(oob_extreme_refuses_broken_metadata),
	    PTEST_ENTRY(oob_alloc_loops_rotate_like_sys_heap),
	    PTEST_ENTRY(oob_aligned_and_rewind),
	    PTEST_ENTRY(oob_realloc_in_place_and_moving),
	    PTEST_ENTRY(oob_describe_offset));
