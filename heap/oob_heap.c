/*
 * oob_heap: sys_heap's bucketed first fit with all metadata out of band.
 *
 * The payload buffer is cut into 8-byte units; a chunk is a run of units named
 * by the unit it starts at (0 .. n-1). The metadata buffer holds:
 *   - START: one bit per unit, set where a chunk starts, plus bit n (the end)
 *     so a chunk's size is the distance to the next set bit;
 *   - USED: one bit per unit, set at the start of a used chunk;
 *   - BUCKET b (sizes 2^b .. 2^(b+1)-1 units): one bit per granule of 2^b
 *     units, set when a free chunk of bucket b starts in the granule. Such a
 *     chunk reaches past the granule's end, so it is the *last* chunk start in
 *     its granule: the bit names exactly one chunk, found with one backward
 *     search of START.
 * START and the buckets are hierarchical bitmaps (one summary bit per 64-bit
 * word, up to a single top word), so next/previous set bit cost O(levels),
 * at most 6. Every index the allocator follows comes from these bitmaps, and
 * every bitmap index is bounded by the layout fixed at init: nothing in the
 * payload buffer is ever read to decide anything.
 *
 * This file is the allocator; oob_bitmap.c lays out the metadata and
 * oob_check.c validates and describes a heap.
 */
#include <errno.h>

#include "oob_heap_internal.h"

/*
 * The calls of the measured mix (alloc, aligned alloc, free, realloc) are
 * compiled with every helper of this file inlined: the call's view (struct oc)
 * then stays in registers instead of being passed by address from helper to
 * helper, and the bitmap steps of one call share their loads. The summary
 * walks over levels 2 and up (oob_bitmap.c) and the checks stay calls.
 */
#define OOB_HOT __attribute__((flatten))

/* ---- one call's view ---------------------------------------------------------- */

static void report(const struct oc *o, enum sys_heap_check_id id, bool refused,
		   uint32_t chunk, uint64_t addr);

/* The public calls: a heap that was never set up (or whose init failed) is
 * a caller error, not a crash. */
static bool oc_enter(struct oc *o, const struct oob_heap *heap, const char *where)
{
	if (!heap || !heap->meta) {
		struct oc none = { .where = where };

		report(&none, SYS_HEAP_CHECK_CALLER_ERROR, true, 0, 0);
		return false;
	}
	oc_open(o, heap, where);
	return true;
}

static uint64_t addr_mask(const struct oob_heap *heap)
{
	return heap->cfg.word_bits == 64 ? ~(uint64_t)0 : 0xffffffffu;
}

/* Target address of a host pointer (may lie outside the buffer). */
static uint64_t target_of(const struct oob_heap *heap, const void *p)
{
	return (heap->cfg.target_base +
		((uint64_t)(uintptr_t)p - (uint64_t)(uintptr_t)heap->init_mem)) &
	       addr_mask(heap);
}

/*
 * Hands one failed check to the handler. heap.h's check names a sys_heap; an
 * oob heap passes NULL and says which call in `where` (docs/oob-heap.md).
 * Each check says whether it refused the caller's argument: the metadata is
 * out of the caller's reach, so every pointer check refuses, and only a
 * failed validation means inconsistent state.
 */
static void report(const struct oc *o, enum sys_heap_check_id id, bool refused,
		   uint32_t chunk, uint64_t addr)
{
	struct sys_heap_check chk = { sys_heap_check_name(id), NULL, chunk, o->where, addr,
				      o->heap, refused, id };
	sys_heap_check_fn fn;
	void *ctx;

	sys_heap_get_check_handler(&fn, &ctx);
	if (fn)
		fn(&chk, ctx);
}

/* ---- free lists and counters ------------------------------------------------------ */

/* The free chunk that bucket b's bit g stands for. */
static inline uint32_t granule_chunk(const struct oc *o, uint32_t b, uint32_t g)
{
	uint64_t last = ((uint64_t)g + 1) << b;

	if (last > o->n)
		last = o->n;
	return chunk_at_or_below(o, (uint32_t)last - 1);
}

static void free_add(struct oc *o, uint32_t c, uint32_t sz)
{
	uint32_t b = bucket_of(sz);

	bm_set(o->w, &o->m->bm[1 + b], c >> b);
	o->m->avail |= 1u << b;
	o->m->free_bytes += (uint64_t)sz * UNIT;
}

static void free_remove(struct oc *o, uint32_t c, uint32_t sz)
{
	uint32_t b = bucket_of(sz);

	if (bm_clear(o->w, &o->m->bm[1 + b], c >> b))
		o->m->avail &= ~(1u << b);
	o->m->free_bytes -= (uint64_t)sz * UNIT;
}

static void allocated_add(struct oc *o, uint64_t units)
{
	o->m->allocated_bytes += units * UNIT;
	if (o->m->allocated_bytes > o->m->max_allocated_bytes)
		o->m->max_allocated_bytes = o->m->allocated_bytes;
}

/* Units for `bytes`, or NONE when more than the heap has. */
static uint32_t units_for(const struct oc *o, uint64_t bytes)
{
	uint64_t u = bytes / UNIT + (bytes % UNIT != 0);

	return u <= o->n ? (uint32_t)u : NONE;
}

/* ---- EXTREME: the full check before each operation -------------------------------- */

static bool full_check(const struct oc *o)
{
	if (o->heap->cfg.hardening < SYS_HEAP_HARDENING_EXTREME)
		return true;
	if (oob_heap_check(o->heap, NULL, NULL))
		return true;
	report(o, SYS_HEAP_CHECK_VALIDATION_FAILED, false, 0, 0);
	return false;
}

/* ---- allocation --------------------------------------------------------------------- */

/* Takes free chunk c (size sz) of bucket b found at granule g off its bucket. */
static uint32_t take(struct oc *o, uint32_t b, uint32_t g, uint32_t c, uint32_t sz)
{
	o->m->bm[1 + b].cursor = g + 1;
	free_remove(o, c, sz);
	return c;
}

/*
 * sys_heap's alloc_chunk: up to ALLOC_LOOPS chunks of the best-fit bucket,
 * starting at the bucket's cursor (sys_heap: its head) and leaving the cursor
 * past each one tried (sys_heap: the head rotates); then any chunk of the
 * smallest larger non-empty bucket, which always fits. The chunk is taken off
 * its bucket but not split. Returns NONE when nothing fits.
 */
static uint32_t alloc_chunk(struct oc *o, uint32_t need, uint32_t *size_out)
{
	struct oob_meta *m = o->m;
	uint32_t b = bucket_of(need), c, sz, g;

	if (m->avail & (1u << b)) {
		struct oob_bm *bm = &m->bm[1 + b];
		uint32_t first = bm_next_wrap(o->w, bm, bm->cursor);
		int i = o->heap->cfg.alloc_loops;

		g = first;
		for (;;) {
			c = granule_chunk(o, b, g);
			sz = chunk_size(o, c);
			if (sz >= need) {
				*size_out = sz;
				return take(o, b, g, c, sz);
			}
			bm->cursor = g + 1;
			/* The last try needs no next granule. */
			if (--i == 0)
				break;
			g = bm_next_wrap(o->w, bm, bm->cursor);
			if (g == first)
				break;
		}
	}

	uint32_t above = m->avail & ~((2u << b) - 1);

	if (!above)
		return NONE;
	b = (uint32_t)__builtin_ctz(above);
	g = bm_next_wrap(o->w, &m->bm[1 + b], m->bm[1 + b].cursor);
	c = granule_chunk(o, b, g);
	sz = chunk_size(o, c);
	*size_out = sz;
	return take(o, b, g, c, sz);
}

/* Cuts [c, c+sz) at `at` and lists the right part [at, c+sz) as free. Its
 * right neighbour is used: c came from a free chunk, and no two free chunks
 * touch. */
static void split_off_free(struct oc *o, uint32_t at, uint32_t end)
{
	set_start(o, at);
	free_add(o, at, end - at);
}

static void *use(struct oc *o, uint32_t c, uint32_t units)
{
	set_used(o, c, true);
	allocated_add(o, units);
	return o->S + (size_t)c * UNIT;
}

static void *do_alloc(struct oc *o, size_t bytes)
{
	uint32_t need, c, sz;

	if (bytes == 0 || !full_check(o))
		return NULL;
	need = units_for(o, bytes);
	if (need == NONE)
		return NULL;
	c = alloc_chunk(o, need, &sz);
	if (c == NONE)
		return NULL;
	if (sz > need)
		split_off_free(o, c + need, c + sz);
	return use(o, c, need);
}

OOB_HOT void *oob_heap_alloc(struct oob_heap *heap, size_t bytes)
{
	struct oc o;

	return oc_enter(&o, heap, "oob_heap_alloc") ? do_alloc(&o, bytes) : NULL;
}

/*
 * sys_heap's alignment argument: a power of two, or a power of two plus a
 * "rewind" (its lowest set bit) asking for p + rewind to be aligned. Blocks
 * start on 8-byte units, so a rewind must be a multiple of 8.
 */
static void *do_aligned_alloc(struct oc *o, size_t align_in, size_t bytes)
{
	uint64_t align = align_in, rew = align & (~align + 1);
	uint32_t need, c0, sz0, c, e;

	if (align != rew) {
		align -= rew;
	} else {
		if (align <= UNIT)
			return do_alloc(o, bytes);
		rew = 0;
	}
	if ((align & (align - 1)) || rew % UNIT) {
		report(o, SYS_HEAP_CHECK_CALLER_ERROR, true, 0, 0);
		return NULL;
	}
	if (bytes == 0 || !full_check(o))
		return NULL;
	need = units_for(o, bytes);
	/* Worst case: align/8 − 1 units before an aligned unit. */
	if (need == NONE || align / UNIT > o->n - need + 1)
		return NULL;
	c0 = alloc_chunk(o, need + (uint32_t)(align / UNIT) - 1, &sz0);
	if (c0 == NONE)
		return NULL;

	uint64_t t = target_of(o->heap, o->S) + (uint64_t)c0 * UNIT + rew;

	c = c0 + (uint32_t)(((align - (t & (align - 1))) & (align - 1)) / UNIT);
	e = c + need;
	/* Both pieces border used chunks: c0 was free, so its neighbours are used. */
	if (c > c0) {
		set_start(o, c);
		free_add(o, c0, c - c0);
	}
	if (c0 + sz0 > e)
		split_off_free(o, e, c0 + sz0);
	return use(o, c, need);
}

OOB_HOT void *oob_heap_aligned_alloc(struct oob_heap *heap, size_t align, size_t bytes)
{
	struct oc o;

	return oc_enter(&o, heap, "oob_heap_aligned_alloc") ? do_aligned_alloc(&o, align, bytes)
							      : NULL;
}

/* ---- pointers back to chunks ------------------------------------------------------- */

/*
 * The chunk of a block pointer, or NONE after reporting why it is not the
 * start of a live block. Only the metadata decides: a pointer is a block
 * start iff it is unit-aligned inside the payload and START and USED say so.
 */
static uint32_t block_of(struct oc *o, const void *ptr, enum sys_heap_check_id unused_check)
{
	uint64_t p = (uintptr_t)ptr, s = (uintptr_t)o->S, off, c;

	if (p < s || p - s >= (uint64_t)o->n * UNIT) {
		report(o, SYS_HEAP_CHECK_FOREIGN_POINTER, true, 0, target_of(o->heap, ptr));
		return NONE;
	}
	off = p - s;
	c = off / UNIT;
	if (off % UNIT || !is_start(o, (uint32_t)c)) {
		report(o, SYS_HEAP_CHECK_NOT_A_BLOCK_START, true, (uint32_t)c, target_of(o->heap, ptr));
		return NONE;
	}
	if (!is_used(o, (uint32_t)c)) {
		report(o, unused_check, true, (uint32_t)c, target_of(o->heap, ptr));
		return NONE;
	}
	return (uint32_t)c;
}

/* ---- free ---------------------------------------------------------------------------- */

static void free_chunk(struct oc *o, uint32_t c)
{
	uint32_t sz = chunk_size(o, c), r = c + sz;

	set_used(o, c, false);
	o->m->allocated_bytes -= (uint64_t)sz * UNIT;
	if (r < o->n && !is_used(o, r)) {
		uint32_t rs = chunk_size(o, r);

		free_remove(o, r, rs);
		clear_start(o, r);
		sz += rs;
	}
	if (c > 0) {
		uint32_t l = chunk_at_or_below(o, c - 1);

		if (!is_used(o, l)) {
			free_remove(o, l, c - l);
			clear_start(o, c);
			sz += c - l;
			c = l;
		}
	}
	free_add(o, c, sz);
}

OOB_HOT void oob_heap_free(struct oob_heap *heap, void *ptr)
{
	struct oc o;
	uint32_t c;

	if (!ptr)
		return;
	if (!oc_enter(&o, heap, "oob_heap_free"))
		return;
	c = block_of(&o, ptr, SYS_HEAP_CHECK_DOUBLE_FREE);
	if (c != NONE && full_check(&o))
		free_chunk(&o, c);
}

size_t oob_heap_usable_size(struct oob_heap *heap, void *ptr)
{
	struct oc o;
	uint32_t c;

	if (!oc_enter(&o, heap, "oob_heap_usable_size"))
		return 0;
	c = block_of(&o, ptr, SYS_HEAP_CHECK_NOT_IN_USE);
	return c == NONE ? 0 : (size_t)chunk_size(&o, c) * UNIT;
}

/* ---- realloc --------------------------------------------------------------------------- */

/* sys_heap's in-place resize: shrink by splitting off the tail (merged with a
 * free right neighbour), grow into a free right neighbour. */
static bool resize_in_place(struct oc *o, uint32_t c, uint32_t need)
{
	uint32_t sz = chunk_size(o, c), r = c + sz;
	bool r_free = r < o->n && !is_used(o, r);
	uint32_t rs = r_free ? chunk_size(o, r) : 0;

	if (need == NONE)
		return false;
	if (sz == need)
		return true;
	if (sz > need) {
		uint32_t end = r;

		o->m->allocated_bytes -= (uint64_t)(sz - need) * UNIT;
		if (r_free) {
			free_remove(o, r, rs);
			clear_start(o, r);
			end += rs;
		}
		split_off_free(o, c + need, end);
		return true;
	}
	if (!r_free || (uint64_t)sz + rs < need)
		return false;
	free_remove(o, r, rs);
	clear_start(o, r);
	if (need < sz + rs)
		split_off_free(o, c + need, r + rs);
	allocated_add(o, need - sz);
	return true;
}

/* Moves the block at c (pointer p) into q and frees it. */
static void *move_block(struct oc *o, uint32_t c, void *p, void *q, size_t bytes)
{
	size_t have = (size_t)chunk_size(o, c) * UNIT;

	if (q) {
		memcpy(q, p, have < bytes ? have : bytes);
		free_chunk(o, c);
	}
	return q;
}

OOB_HOT void *oob_heap_realloc(struct oob_heap *heap, void *ptr, size_t bytes)
{
	struct oc o;
	uint32_t c;

	if (!ptr)
		return oob_heap_alloc(heap, bytes);
	if (bytes == 0) {
		oob_heap_free(heap, ptr);
		return NULL;
	}
	if (!oc_enter(&o, heap, "oob_heap_realloc"))
		return NULL;
	c = block_of(&o, ptr, SYS_HEAP_CHECK_NOT_IN_USE);
	if (c == NONE || !full_check(&o))
		return NULL;
	if (resize_in_place(&o, c, units_for(&o, bytes)))
		return ptr;
	return move_block(&o, c, ptr, do_alloc(&o, bytes), bytes);
}

void *oob_heap_aligned_realloc(struct oob_heap *heap, void *ptr, size_t align,
			       size_t bytes)
{
	struct oc o;
	uint32_t c;

	if (!ptr)
		return oob_heap_aligned_alloc(heap, align, bytes);
	if (bytes == 0) {
		oob_heap_free(heap, ptr);
		return NULL;
	}
	if (!oc_enter(&o, heap, "oob_heap_aligned_realloc"))
		return NULL;
	if (align & (align - 1)) {
		report(&o, SYS_HEAP_CHECK_CALLER_ERROR, true, 0, 0);
		return NULL;
	}
	c = block_of(&o, ptr, SYS_HEAP_CHECK_NOT_IN_USE);
	if (c == NONE || !full_check(&o))
		return NULL;
	if ((align == 0 || (target_of(heap, ptr) & (align - 1)) == 0) &&
	    resize_in_place(&o, c, units_for(&o, bytes)))
		return ptr;
	return move_block(&o, c, ptr, do_aligned_alloc(&o, align, bytes), bytes);
}

/* ---- stats ----------------------------------------------------------------------------- */

int oob_heap_runtime_stats_get(struct oob_heap *heap, struct sys_memory_stats *stats)
{
	const struct oob_meta *m;

	if (!heap || !stats || !heap->meta)
		return -EINVAL;
	m = heap->meta;
	stats->free_bytes = (size_t)m->free_bytes;
	stats->allocated_bytes = (size_t)m->allocated_bytes;
	stats->max_allocated_bytes = (size_t)m->max_allocated_bytes;
	return 0;
}

size_t oob_heap_payload_offset(const struct oob_heap *heap)
{
	return heap && heap->meta ? (size_t)((uint8_t *)heap->S - (uint8_t *)heap->init_mem) : 0;
}

uint32_t oob_heap_units(const struct oob_heap *heap)
{
	return heap && heap->meta ? ((const struct oob_meta *)heap->meta)->units : 0;
}

/* ---- init ------------------------------------------------------------------------------ */

static int init_reject(struct oob_heap *heap, int err, bool quiet)
{
	static const enum sys_heap_check_id checks[] = {
		SYS_HEAP_CHECK_INIT_TOO_BIG, SYS_HEAP_CHECK_INIT_TOO_SMALL, SYS_HEAP_CHECK_CALLER_ERROR
	};
	struct oc o = { .where = "oob_heap_init" };

	if (heap)
		heap->meta = NULL;
	if (!quiet)
		report(&o, checks[-err - 1], true, 0, 0);
	return err;
}

int oob_heap_init_checked(struct oob_heap *heap, void *mem, size_t bytes,
			  void *meta, size_t meta_bytes,
			  const struct sys_heap_config *cfg_in, bool quiet)
{
	struct sys_heap_config cfg;
	uint64_t mask, tS, tE, units;
	struct oob_meta *m = meta;
	struct oc o;

	if (cfg_in)
		cfg = *cfg_in;
	else
		sys_heap_config_default(&cfg);
	if (!heap || !mem || !meta || (uintptr_t)meta % 8 ||
	    (cfg.word_bits != 32 && cfg.word_bits != 64) ||
	    (unsigned)cfg.hardening > SYS_HEAP_HARDENING_EXTREME)
		return init_reject(heap, SYS_HEAP_INIT_BAD_CONFIG, quiet);
	mask = cfg.word_bits == 64 ? ~(uint64_t)0 : 0xffffffffu;
	if (!cfg.target_base_set)
		cfg.target_base = (uintptr_t)mem;
	cfg.target_base &= mask;
	cfg.runtime_stats = true; /* always kept; the flag only mirrors sys_heap */

	if ((uint64_t)bytes > mask || bytes / UNIT > MAX_UNITS)
		return init_reject(heap, SYS_HEAP_INIT_TOO_BIG, quiet);
	tS = (cfg.target_base + UNIT - 1) & ~(uint64_t)(UNIT - 1);
	tE = (cfg.target_base + bytes) & ~(uint64_t)(UNIT - 1);
	units = tE > tS ? (tE - tS) / UNIT : 0;
	if (units < 1)
		return init_reject(heap, SYS_HEAP_INIT_TOO_SMALL, quiet);
	if (meta_bytes < oob_layout(NULL, (uint32_t)units))
		return init_reject(heap, SYS_HEAP_INIT_BAD_CONFIG, quiet);

	heap->cfg = cfg;
	heap->init_mem = mem;
	heap->init_bytes = bytes;
	heap->S = (uint8_t *)mem + (tS - cfg.target_base);
	heap->meta = meta;
	heap->meta_bytes = meta_bytes;

	oob_layout(m, (uint32_t)units);
	oc_open(&o, heap, "oob_heap_init");
	memset(o.w, 0, (size_t)m->nwords * 8);
	set_start(&o, 0);
	set_start(&o, o.n);
	free_add(&o, 0, o.n);
	return SYS_HEAP_INIT_OK;
}

void oob_heap_init(struct oob_heap *heap, void *mem, size_t bytes, void *meta,
		   size_t meta_bytes)
{
	oob_heap_init_checked(heap, mem, bytes, meta, meta_bytes, NULL, false);
}
