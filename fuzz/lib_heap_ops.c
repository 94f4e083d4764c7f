/*
 * fuzz_heap_ops: bytes → one heap (size, word mode, hardening, stats, size
 * mode, alloc loops, allocator) and a sequence of alloc / aligned alloc /
 * realloc / aligned realloc / free / usable_size calls on it, checked against
 * a shadow model after every call:
 *   - live blocks never overlap and lie inside the heap's chunk area;
 *   - alignment (with sys_heap's "rewind" form) is honoured;
 *   - usable size ≥ request; block contents (a per-block pattern) survive
 *     everything, realloc included;
 *   - the heap's own checks never fire, except "caller error" exactly when
 *     the model predicts a bad alignment;
 *   - sys_heap_check_strict and sys_heap_validate (oob: oob_heap_check) pass;
 *   - runtime stats equal the model's allocated and max-allocated bytes.
 * No simulator: this is the allocator alone, used correctly.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_BYTES 65600u
#define NSLOTS 16
#define MAX_OPS 512
#define TARGET_BASE 0x20000000u

struct blk {
	uint8_t *p;
	size_t req;
	size_t usable;
	size_t counted;   /* what the stats count for it: usable(c) */
	uint32_t seed;
};

struct hops {
	bool oob;
	struct sys_heap sh;
	struct oob_heap oh;
	uint8_t *mem, *meta;
	size_t bytes;
	uint8_t *lo, *hi;        /* where blocks may lie */
	struct blk b[NSLOTS];
	uint32_t next_seed;
	size_t allocated, max_allocated;
	bool stats;
	bool big;                /* sys_heap with 8-byte chunk headers */
	/* the check handler's record for the current call */
	enum sys_heap_check_id check;
	unsigned nchecks;
	/* run bookkeeping */
	const struct fuzz_opts *o;
	struct fuzz_result *res;
	unsigned long op;
};

/* ---- the allocator under test: sys_heap or oob_heap, same calls ---- */

static void *h_alloc(struct hops *h, size_t n)
{
	return h->oob ? oob_heap_alloc(&h->oh, n) : sys_heap_alloc(&h->sh, n);
}
static void *h_aligned(struct hops *h, size_t a, size_t n)
{
	return h->oob ? oob_heap_aligned_alloc(&h->oh, a, n) : sys_heap_aligned_alloc(&h->sh, a, n);
}
static void *h_realloc(struct hops *h, void *p, size_t n)
{
	return h->oob ? oob_heap_realloc(&h->oh, p, n) : sys_heap_realloc(&h->sh, p, n);
}
static void *h_arealloc(struct hops *h, void *p, size_t a, size_t n)
{
	return h->oob ? oob_heap_aligned_realloc(&h->oh, p, a, n)
		      : sys_heap_aligned_realloc(&h->sh, p, a, n);
}
static void h_free(struct hops *h, void *p)
{
	if (h->oob)
		oob_heap_free(&h->oh, p);
	else
		sys_heap_free(&h->sh, p);
}
static size_t h_usable(struct hops *h, void *p)
{
	return h->oob ? oob_heap_usable_size(&h->oh, p) : sys_heap_usable_size(&h->sh, p);
}

/* Stats count usable(c): a small heap's usable_size subtracts the pointer's
 * gap inside its unit (spec: gap(p)), the stats do not. */
static size_t counted_bytes(struct hops *h, uint8_t *p, size_t usable)
{
	struct sys_heap_layout l;

	if (h->oob)
		return usable;
	sys_heap_layout_get(&h->sh, &l);
	if (l.hdr_bytes == 8)
		return usable;
	return usable + (size_t)(p - l.hdr_bytes - (uint8_t *)h->sh.heap) % 8;
}

static uint64_t taddr(struct hops *h, const void *p)
{
	return TARGET_BASE + (uint64_t)((const uint8_t *)p - h->mem);
}

/* ---- findings ---- */

static bool mismatch(struct hops *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool mismatch(struct hops *h, const char *fmt, ...)
{
	struct atk_finding *f = &h->res->finding;
	va_list ap;

	if (h->res->found)
		return false;
	h->res->found = true;
	f->kind = SIM_FINDING_MODEL_MISMATCH;
	f->op = (long)h->op;
	snprintf(f->object, sizeof(f->object), "%s", h->oob ? "oob_heap" : "sys_heap");
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	if (h->o->trace)
		fprintf(h->o->trace, "   !! %s\n", f->message);
	return false;
}

static void on_check(const struct sys_heap_check *c, void *ctx)
{
	struct hops *h = ctx;

	if (!h->nchecks++)
		h->check = c->id;
}

/* A call returned; did exactly the expected check (or none) fire? */
static bool checks_as_expected(struct hops *h, const char *what, bool want_caller_error)
{
	enum sys_heap_check_id got = h->nchecks ? h->check : SYS_HEAP_CHECK_NONE;

	h->nchecks = 0;
	h->check = SYS_HEAP_CHECK_NONE;
	if (want_caller_error && got != SYS_HEAP_CHECK_CALLER_ERROR)
		return mismatch(h, "%s: expected check \"caller error\", got %s", what,
				got ? sys_heap_check_name(got) : "none");
	if (!want_caller_error && got)
		return mismatch(h, "%s: heap check \"%s\" fired on an intact heap", what,
				sys_heap_check_name(got));
	return true;
}

/* ---- the model's invariants ---- */

static uint8_t pattern(uint32_t seed, size_t i)
{
	return (uint8_t)(seed * 0x9e3779b1u >> 24 ^ (uint32_t)i * 31u ^ (uint32_t)(i >> 8));
}

static void fill(struct blk *b, size_t from)
{
	for (size_t i = from; i < b->req; i++)
		b->p[i] = pattern(b->seed, i);
}

static bool intact(struct hops *h, int s, const char *what)
{
	struct blk *b = &h->b[s];

	for (size_t i = 0; i < b->req; i++)
		if (b->p[i] != pattern(b->seed, i))
			return mismatch(h, "%s: slot %d byte %zu of %zu changed (0x%02x, want 0x%02x)",
					what, s, i, b->req, b->p[i], pattern(b->seed, i));
	return true;
}

/* Where p lies from the chunk area's start, in unsigned arithmetic (a
 * pointer below it wraps to a huge offset). Comparisons the fuzzer traces
 * then hold offsets, never host addresses: a campaign's dictionary, and so
 * the campaign, is the same on every run with one -seed. */
static inline size_t area_off(const struct hops *h, const uint8_t *p)
{
	return (size_t)((uintptr_t)p - (uintptr_t)h->lo);
}

static bool placed_ok(struct hops *h, int s, const char *what)
{
	struct blk *b = &h->b[s];
	size_t area = area_off(h, h->hi), at = area_off(h, b->p);

	if (at > area || b->req > area - at)
		return mismatch(h, "%s: block heap+0x%zx (+%zu) outside the chunk area", what,
				(size_t)((uintptr_t)b->p - (uintptr_t)h->mem), b->req);
	if (b->usable < b->req)
		return mismatch(h, "%s: usable size %zu < requested %zu", what, b->usable, b->req);
	for (int i = 0; i < NSLOTS; i++) {
		struct blk *o = &h->b[i];

		if (i == s || !o->p)
			continue;
		if (at < area_off(h, o->p) + o->req && area_off(h, o->p) < at + b->req)
			return mismatch(h, "%s: block heap+0x%zx+%zu overlaps slot %d heap+0x%zx+%zu",
					what, (size_t)(b->p - h->mem), b->req, i,
					(size_t)(o->p - h->mem), o->req);
	}
	return true;
}

/* sys_heap's alignment argument: power of two, or power of two + rewind. */
static bool align_valid(struct hops *h, size_t align, size_t *a2, size_t *rew)
{
	size_t low = align & (~align + 1);

	*a2 = align;
	*rew = 0;
	if (align == low)
		return true;
	*a2 = align - low;
	*rew = low;
	if (*a2 & (*a2 - 1))
		return false;
	return !h->oob || low % 8 == 0;
}

static bool aligned_ok(struct hops *h, uint8_t *p, size_t a2, size_t rew, const char *what)
{
	if (a2 > 1 && (taddr(h, p) + rew) % a2)
		return mismatch(h, "%s: target 0x%llx + %zu not aligned to %zu", what,
				(unsigned long long)taddr(h, p), rew, a2);
	return true;
}

static bool heap_ok(struct hops *h, const char *what)
{
	const char *why = NULL;
	uint32_t chunk = 0;

	if (h->oob) {
		if (!oob_heap_check(&h->oh, &why, &chunk))
			return mismatch(h, "%s: oob_heap_check: %s (chunk %u)", what, why, chunk);
	} else {
		if (!sys_heap_check_strict(&h->sh, &why, &chunk))
			return mismatch(h, "%s: strict check: %s (chunk %u)", what, why, chunk);
		if (!sys_heap_validate(&h->sh))
			return mismatch(h, "%s: sys_heap_validate false", what);
		if (!checks_as_expected(h, "validate", false))
			return false;
	}
	if (h->stats) {
		struct sys_memory_stats st;
		int rc = h->oob ? oob_heap_runtime_stats_get(&h->oh, &st)
				: sys_heap_runtime_stats_get(&h->sh, &st);

		if (rc)
			return mismatch(h, "%s: runtime stats get: %d", what, rc);
		if (st.allocated_bytes != h->allocated)
			return mismatch(h, "%s: stats allocated %zu, model %zu", what,
					st.allocated_bytes, h->allocated);
		if (st.max_allocated_bytes != h->max_allocated)
			return mismatch(h, "%s: stats max allocated %zu, model %zu", what,
					st.max_allocated_bytes, h->max_allocated);
	}
	return true;
}

/* ---- one operation each ---- */

static void track(struct hops *h, int s, uint8_t *p, size_t req)
{
	struct blk *b = &h->b[s];

	b->p = p;
	b->req = req;
	b->usable = h_usable(h, p);
	b->counted = counted_bytes(h, p, b->usable);
	h->allocated += b->counted;
	if (h->allocated > h->max_allocated)
		h->max_allocated = h->allocated;
	(void)checks_as_expected(h, "usable_size", false);
}

static void untrack(struct hops *h, int s)
{
	h->allocated -= h->b[s].counted;
	memset(&h->b[s], 0, sizeof(h->b[s]));
}

static void trace(struct hops *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(struct hops *h, const char *fmt, ...)
{
	va_list ap;

	if (!h->o->trace)
		return;
	fprintf(h->o->trace, "%4lu. ", h->op);
	va_start(ap, fmt);
	vfprintf(h->o->trace, fmt, ap);
	va_end(ap);
	fputc('\n', h->o->trace);
}

static void trace_result(struct hops *h, const char *call, uint8_t *p)
{
	/* The tracer's own usable_size call must not hide the program's checks. */
	enum sys_heap_check_id check = h->check;
	unsigned nchecks = h->nchecks;

	if (!h->o->trace)
		return;
	if (p)
		fprintf(h->o->trace, "%4lu. %s -> heap+0x%zx usable %zu\n", h->op, call,
			(size_t)(p - h->mem), h_usable(h, p));
	else
		fprintf(h->o->trace, "%4lu. %s -> NULL\n", h->op, call);
	h->check = check;
	h->nchecks = nchecks;
}

static void op_free(struct hops *h, int s)
{
	char call[64];

	if (!h->b[s].p)
		return;
	snprintf(call, sizeof(call), "free(slot %d = heap+0x%zx)", s, (size_t)(h->b[s].p - h->mem));
	trace(h, "%s", call);
	if (!intact(h, s, call))
		return;
	h_free(h, h->b[s].p);
	untrack(h, s);
	if (checks_as_expected(h, call, false))
		heap_ok(h, call);
}

static void op_alloc(struct hops *h, int s, size_t align, size_t req, bool aligned)
{
	char call[64];
	size_t a2 = 0, rew = 0;
	bool valid = true;
	uint8_t *p;

	op_free(h, s);
	if (h->res->found)
		return;
	if (aligned) {
		valid = align_valid(h, align, &a2, &rew);
		snprintf(call, sizeof(call), "aligned_alloc(0x%zx, %zu)", align, req);
		p = h_aligned(h, align, req);
	} else {
		snprintf(call, sizeof(call), "alloc(%zu)", req);
		p = h_alloc(h, req);
	}
	trace_result(h, call, p);
	if (!checks_as_expected(h, call, !valid))
		return;
	if (p && (!valid || req == 0)) {
		mismatch(h, "%s returned heap+0x%zx, want NULL", call, (size_t)(p - h->mem));
		return;
	}
	if (p) {
		h->b[s].seed = ++h->next_seed;
		track(h, s, p, req);
		if (!placed_ok(h, s, call) || !aligned_ok(h, p, a2, rew, call))
			return;
		fill(&h->b[s], 0);
	}
	heap_ok(h, call);
}

static void op_realloc(struct hops *h, int s, size_t align, size_t req, bool aligned)
{
	struct blk old = h->b[s];
	size_t before = h->allocated, a2 = 0, rew = 0, keep;
	bool valid = true;
	char call[80];
	uint8_t *p;

	if (!old.p) { /* realloc(NULL, n) is alloc(n) */
		op_alloc(h, s, align, req, aligned);
		return;
	}
	if (!intact(h, s, "before realloc"))
		return;
	if (aligned) {
		/* With a live block and bytes ≠ 0 the alignment must be 0 or a power of two. */
		valid = req == 0 || align == 0 || !(align & (align - 1));
		a2 = align;
		snprintf(call, sizeof(call), "aligned_realloc(slot %d, 0x%zx, %zu)", s, align, req);
		p = h_arealloc(h, old.p, align, req);
	} else {
		snprintf(call, sizeof(call), "realloc(slot %d, %zu)", s, req);
		p = h_realloc(h, old.p, req);
	}
	trace_result(h, call, p);
	if (!checks_as_expected(h, call, !valid))
		return;
	if (req == 0 || !valid) {
		if (p)
			mismatch(h, "%s returned heap+0x%zx, want NULL", call, (size_t)(p - h->mem));
		else if (req == 0)
			untrack(h, s); /* realloc to 0 frees */
		if (!h->res->found)
			heap_ok(h, call);
		return;
	}
	if (!p) { /* failure leaves the old block as it was */
		if (intact(h, s, call))
			heap_ok(h, call);
		return;
	}
	h->allocated -= old.counted;
	h->b[s].p = NULL;
	track(h, s, p, req);
	h->b[s].seed = old.seed;
	if (p != old.p && before + h->b[s].counted > h->max_allocated)
		h->max_allocated = before + h->b[s].counted; /* both live inside realloc */
	keep = old.req < req ? old.req : req;
	for (size_t i = 0; i < keep; i++)
		if (p[i] != pattern(old.seed, i)) {
			mismatch(h, "%s: byte %zu of %zu not kept (0x%02x, want 0x%02x)", call, i,
				 keep, p[i], pattern(old.seed, i));
			return;
		}
	if (!placed_ok(h, s, call) || !aligned_ok(h, p, a2 && valid ? a2 : 0, rew, call))
		return;
	fill(&h->b[s], keep);
	heap_ok(h, call);
}

static void op_usable(struct hops *h, int s)
{
	size_t u;

	if (!h->b[s].p)
		return;
	u = h_usable(h, h->b[s].p);
	trace(h, "usable_size(slot %d) -> %zu", s, u);
	if (!checks_as_expected(h, "usable_size", false))
		return;
	if (u != h->b[s].usable)
		mismatch(h, "usable_size(slot %d) %zu, was %zu", s, u, h->b[s].usable);
}

/* ---- decoding ---- */

/*
 * A rewind below 8 in a big heap is left out on purpose: upstream then
 * places p 1-7 bytes past the chunk's user pointer yet counts no gap, so
 * usable_size overstates the block and an in-place shrink splits the chunk
 * under the block's last bytes (spec: "Quirk"). That is upstream's bug, kept
 * byte-exact by heap/; it is demonstrated once in
 * fuzz/regressions/fuzz_heap_ops/README.md and not rediscovered every run.
 */
static size_t decode_align(struct hops *h, struct fuzz_in *in)
{
	uint8_t a = fuzz_u8(in);
	unsigned k = a & 15, j = (a >> 5) & 7;
	size_t align;

	if (a == 0)
		return 0;
	if (a == 0xff)
		align = fuzz_u16(in); /* anything, valid or not */
	else if ((a & 0x10) && j < k)
		align = (size_t)1 << k | (size_t)1 << j;
	else
		align = (size_t)1 << k;
	if (h->big && (align & (~align + 1)) < 8 && (align & (align - 1)))
		align &= ~(size_t)7;
	return align;
}

/*
 * The byte layout the loop below reads, as a table (fuzz.h): the structured
 * mutator frames inputs with it, the dictionary is written from it, and
 * the loop checks every operation it read against it. Op byte: kind in bits
 * 0-2, slot in bits 3-7 (modulo NSLOTS).
 */
static const struct fuzz_op_kind op_kinds[] = {
	{ "alloc", 6, 0, FUZZ_OP_ANY, 0, 1, { { FUZZ_F_SIZE, 2, 0, 0, 0 } } },
	{ "aligned_alloc", 7, 2, FUZZ_OP_ANY, 0, 3, {
		{ FUZZ_F_ALIGN, 1, 0, 0, 0 },
		{ FUZZ_F_ALIGN32, 2, 1, 0xff, 0xff },    /* align selector 0xff: 16 bits follow */
		{ FUZZ_F_SIZE, 2, 0, 0, 0 } } },
	{ "realloc", 7, 3, FUZZ_OP_ANY, 0, 1, { { FUZZ_F_SIZE, 2, 0, 0, 0 } } },
	{ "aligned_realloc", 7, 4, FUZZ_OP_ANY, 0, 3, {
		{ FUZZ_F_ALIGN, 1, 0, 0, 0 },
		{ FUZZ_F_ALIGN32, 2, 1, 0xff, 0xff },
		{ FUZZ_F_SIZE, 2, 0, 0, 0 } } },
	{ "free", 7, 5, FUZZ_OP_ANY, 0, 0, { { 0 } } },
	{ "free_b", 7, 6, FUZZ_OP_ANY, 0, 0, { { 0 } } },
	{ "usable_size", 7, 7, FUZZ_OP_ANY, 0, 0, { { 0 } } },
};

/* u16 heap size, flags, misc (setup below) */
static size_t header_bytes(const struct fuzz_opts *o)
{
	(void)o;
	return 4;
}

/* The configuration bytes and alignment selectors worth having whole. */
static const struct fuzz_token tokens[] = {
	{ "flags_32_moderate", 1, { 0x14 } },
	{ "flags_64_full", 1, { 0x17 } },
	{ "flags_extreme_stats", 1, { 0x18 } },
	{ "flags_big_only", 1, { 0x54 } },
	{ "flags_oob", 1, { 0x94 } },
	{ "align_64_rewind_2", 1, { 0x36 } },
	{ "align_1024_rewind_8", 1, { 0x7a } },
};

const struct fuzz_program_shape fuzz_heap_ops_shape = {
	op_kinds, sizeof(op_kinds) / sizeof(op_kinds[0]), MAX_OPS, header_bytes, NULL, 0, NULL, 0,
	tokens, sizeof(tokens) / sizeof(tokens[0]),
};

static bool setup(struct hops *h, struct fuzz_in *in, const struct fuzz_opts *o)
{
	uint16_t sz = fuzz_u16(in);
	uint8_t f = fuzz_u8(in), m = fuzz_u8(in);
	struct sys_heap_config cfg;
	int hard = o->hardening >= 0 ? o->hardening : ((f >> 1) & 7) % SYS_HEAP_HARDENING_LEVELS;
	int rc;

	h->oob = o->layout ? !strcmp(o->layout, "oob") : (f >> 7) & 1;
	h->bytes = 32 + (size_t)(sz & 0x7fff) * ((sz & 0x8000) ? 2 : 1);
	sys_heap_config_default(&cfg);
	cfg.word_bits = o->word_bits ? o->word_bits : (f & 1) ? 64 : 32;
	cfg.hardening = (enum sys_heap_hardening)hard;
	cfg.runtime_stats = (f >> 4) & 1;
	cfg.size_mode = ((f >> 5) & 3) == 3 ? SYS_HEAP_SIZE_AUTO : (enum sys_heap_size_mode)((f >> 5) & 3);
	cfg.alloc_loops = (int)(m & 7) - 1;
	cfg.internal_checks = (m >> 3) & 1;
	cfg.target_base_set = true;
	cfg.target_base = TARGET_BASE;
	h->stats = h->oob || cfg.runtime_stats;
	snprintf(h->res->finding.hardening, sizeof(h->res->finding.hardening), "%s",
		 sys_heap_hardening_name(cfg.hardening));
	/* the input's internal-checks bit stands in for asserts at any level */
	snprintf(h->res->finding.profile, sizeof(h->res->finding.profile), "%s",
		 sys_heap_profile_name(SYS_HEAP_PROFILE_DEBUG));
	h->res->finding.word_bits = cfg.word_bits;
	snprintf(h->res->finding.layout, sizeof(h->res->finding.layout), "%s",
		 h->oob ? "oob" : cfg.word_bits == 64 ? "sys_heap-64" : "sys_heap-32");
	/* Exactly `bytes`, page-aligned: ASan's redzone starts right after. */
	if (posix_memalign((void **)&h->mem, 4096, h->bytes))
		return false;
	memset(h->mem, m, h->bytes);
	if (h->oob) {
		size_t mb = oob_heap_metadata_bytes(h->bytes);

		if (!mb || posix_memalign((void **)&h->meta, 8, mb))
			return false;
		rc = oob_heap_init_checked(&h->oh, h->mem, h->bytes, h->meta, mb, &cfg, true);
		if (rc)
			return false;
		h->lo = (uint8_t *)h->oh.S;
		h->hi = h->lo + (size_t)oob_heap_units(&h->oh) * 8;
	} else {
		struct sys_heap_layout l;

		rc = sys_heap_init_checked(&h->sh, h->mem, h->bytes, &cfg, true);
		if (rc)
			return false;
		sys_heap_layout_get(&h->sh, &l);
		h->lo = (uint8_t *)h->sh.heap + (size_t)l.chunk0_units * 8;
		h->hi = (uint8_t *)h->sh.heap + (size_t)l.end_chunk * 8;
		h->big = l.hdr_bytes == 8;
	}
	if (o->trace)
		fprintf(o->trace, "heap: %s, %zu bytes, %u-bit words, hardening %s, stats %s, size mode %d, "
			"alloc loops %d, internal checks %s\n", h->oob ? "oob_heap" : "sys_heap",
			h->bytes, cfg.word_bits, sys_heap_hardening_name(cfg.hardening),
			h->stats ? "on" : "off", (int)cfg.size_mode, cfg.alloc_loops,
			cfg.internal_checks ? "on" : "off");
	return checks_as_expected(h, "init", false);
}

void fuzz_heap_ops_run(const uint8_t *d, size_t n, const struct fuzz_opts *o,
		       struct fuzz_result *res)
{
	struct hops *h = calloc(1, sizeof(*h));
	sys_heap_check_fn prev_fn;
	void *prev_ctx;
	struct fuzz_in in;

	if (!h) {
		res->skipped = true;
		return;
	}
	h->o = o;
	h->res = res;
	fuzz_in_init(&in, d, n);
	sys_heap_get_check_handler(&prev_fn, &prev_ctx);
	sys_heap_set_check_handler(on_check, h);
	if (!setup(h, &in, o)) {
		res->skipped = !res->found;
		goto out;
	}
	for (h->op = 1; !fuzz_in_done(&in) && h->op <= MAX_OPS && !res->found; h->op++) {
		size_t at = in.pos;
		uint8_t op = fuzz_u8(&in);
		int s = (op >> 3) % NSLOTS;

		switch (op & 7) {
		case 0:
		case 1: op_alloc(h, s, 0, fuzz_size(&in, MAX_BYTES), false); break;
		case 2: {
			size_t a = decode_align(h, &in);

			op_alloc(h, s, a, fuzz_size(&in, MAX_BYTES), true);
			break;
		}
		case 3: op_realloc(h, s, 0, fuzz_size(&in, MAX_BYTES), false); break;
		case 4: {
			size_t a = decode_align(h, &in);

			op_realloc(h, s, a, fuzz_size(&in, MAX_BYTES), true);
			break;
		}
		case 5:
		case 6: op_free(h, s); break;
		default: op_usable(h, s); break;
		}
		res->ops = h->op;
		if (!fuzz_op_agrees(&fuzz_heap_ops_shape, d, n, at, in.pos, false) && !res->found) {
			mismatch(h, "operation at byte %zu decoded to another length than the operation "
				 "table says", at);
			res->finding.kind = SIM_FINDING_HARNESS;
		}
	}
	/* Everything still live must still hold its pattern. */
	for (int s = 0; s < NSLOTS && !res->found; s++)
		if (h->b[s].p)
			intact(h, s, "end of run");
out:
	sys_heap_set_check_handler(prev_fn, prev_ctx);
	free(h->mem);
	free(h->meta);
	free(h);
}
