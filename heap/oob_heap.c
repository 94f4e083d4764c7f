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
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "heap.h"

#define UNIT 8u
#define OOB_MAGIC 0x4f4f4248u /* "HBOO" */
#define MAX_LEVELS 6          /* 64^6 > 2^31 + 1 bits */
#define NONE UINT32_MAX
#define MAX_UNITS 0x7fffffffu

/* A hierarchical bitmap: level 0 holds the bits, level k+1 one bit per word
 * of level k that is not zero, the last level is a single word. */
struct oob_bm {
	uint32_t nbits;
	uint32_t off;             /* first word; the levels follow, lowest first */
	uint32_t levels;
	uint32_t cursor;          /* buckets: granule where the next search starts */
};

/* The metadata buffer: this header, bm[0] = START, bm[1 + b] = bucket b, then
 * the 64-bit words of all bitmaps (USED is flat, at used_off). */
struct oob_meta {
	uint32_t magic;
	uint32_t units;
	uint32_t nb;              /* buckets: bucket(units) + 1 */
	uint32_t avail;           /* bit b: bucket b is not empty */
	uint32_t used_off;
	uint32_t nwords;
	uint64_t free_bytes;
	uint64_t allocated_bytes;
	uint64_t max_allocated_bytes;
	struct oob_bm bm[];
};

_Static_assert(sizeof(struct oob_meta) == 48, "formula in oob_heap.h");
_Static_assert(sizeof(struct oob_bm) == 16, "formula in oob_heap.h");

/* ---- layout ---------------------------------------------------------------- */

static uint32_t bucket_of(uint32_t units)
{
	return 31u - (uint32_t)__builtin_clz(units);
}

static uint32_t level_bits(uint32_t nbits, unsigned lv)
{
	return (uint32_t)(((uint64_t)nbits - 1) >> (6 * lv)) + 1;
}

/* Words holding `bits` bits; also the bit count of the level above. */
static inline uint32_t words_for(uint32_t bits)
{
	return ((bits - 1) >> 6) + 1;
}

/* Lays out a bitmap of nbits at word `at`; returns the words it takes. */
static uint32_t bm_layout(struct oob_bm *bm, uint32_t nbits, uint32_t at)
{
	uint32_t words = 0, bits = nbits;
	unsigned lv = 0;

	for (;; lv++) {
		uint32_t w = words_for(bits);

		words += w;
		if (w == 1)
			break;
		bits = w;
	}
	bm->nbits = nbits;
	bm->off = at;
	bm->levels = lv + 1;
	bm->cursor = 0;
	return words;
}

static uint32_t granules(uint32_t units, uint32_t b)
{
	return (uint32_t)(((uint64_t)units + (1u << b) - 1) >> b);
}

/* Fills the header and descriptors (if m) and returns the metadata bytes. */
static size_t layout(struct oob_meta *m, uint32_t units)
{
	uint32_t nb = bucket_of(units) + 1, at = 0;
	struct oob_bm tmp, *bm;

	bm = m ? &m->bm[0] : &tmp;
	at += bm_layout(bm, units + 1, at);
	uint32_t used_off = at;

	at += (units + 63) / 64;
	for (uint32_t b = 0; b < nb; b++) {
		bm = m ? &m->bm[1 + b] : &tmp;
		at += bm_layout(bm, granules(units, b), at);
	}
	if (m) {
		m->magic = OOB_MAGIC;
		m->units = units;
		m->nb = nb;
		m->avail = 0;
		m->used_off = used_off;
		m->nwords = at;
		m->free_bytes = m->allocated_bytes = m->max_allocated_bytes = 0;
	}
	return sizeof(struct oob_meta) + (size_t)(nb + 1) * sizeof(struct oob_bm) +
	       (size_t)at * 8;
}

size_t oob_heap_metadata_bytes(size_t buffer_bytes)
{
	uint64_t units = buffer_bytes / UNIT;

	if (units < 1 || units > MAX_UNITS)
		return 0;
	return layout(NULL, (uint32_t)units);
}

/* ---- one call's view ---------------------------------------------------------- */

struct oc {
	struct oob_heap *heap;
	struct oob_meta *m;
	uint64_t *w;
	uint8_t *S;
	uint32_t n;
	const char *where;
};

static uint64_t *words_of(struct oob_meta *m)
{
	return (uint64_t *)(void *)((uint8_t *)m + sizeof(*m) +
				    (size_t)(m->nb + 1) * sizeof(struct oob_bm));
}

static void oc_open(struct oc *o, const struct oob_heap *heap, const char *where)
{
	o->heap = (struct oob_heap *)heap;
	o->m = heap->meta;
	o->w = words_of(o->m);
	o->S = heap->S;
	o->n = o->m->units;
	o->where = where;
}

static void report(const struct oc *o, const char *name, uint32_t chunk,
		   uint64_t addr);

/* The public calls: a heap that was never set up (or whose init failed) is
 * a caller error, not a crash. */
static bool oc_enter(struct oc *o, const struct oob_heap *heap, const char *where)
{
	if (!heap || !heap->meta) {
		struct oc none = { .where = where };

		report(&none, "caller error", 0, 0);
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

static void report(const struct oc *o, const char *name, uint32_t chunk,
		   uint64_t addr)
{
	/* heap.h's check names a sys_heap; an oob heap passes NULL and says
	 * which call in `where` (docs/oob-heap.md). */
	/* oob_heap's checks all refuse an argument: its metadata is out of reach
	 * of the caller, so only validation failures mean inconsistent state. */
	struct sys_heap_check chk = { name, NULL, chunk, o->where, addr, o->heap,
				      strcmp(name, "validation failed") != 0 };
	sys_heap_check_fn fn;
	void *ctx;

	sys_heap_get_check_handler(&fn, &ctx);
	if (fn)
		fn(&chk, ctx);
}

/* ---- hierarchical bitmaps --------------------------------------------------------- */

static inline bool bit_test(const uint64_t *w, uint32_t off, uint32_t i)
{
	return (w[off + (i >> 6)] >> (i & 63)) & 1;
}

static inline void bm_set(uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint32_t off = bm->off, bits = bm->nbits;

	for (unsigned lv = 0; lv < bm->levels; lv++, i >>= 6) {
		uint64_t *word = &w[off + (i >> 6)];
		bool was_empty = *word == 0;

		*word |= (uint64_t)1 << (i & 63);
		if (!was_empty)
			return;
		off += words_for(bits);
		bits = words_for(bits);
	}
}

/* Returns true when the whole bitmap became empty. */
static inline bool bm_clear(uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint32_t off = bm->off, bits = bm->nbits;

	for (unsigned lv = 0; lv < bm->levels; lv++, i >>= 6) {
		uint64_t *word = &w[off + (i >> 6)];

		*word &= ~((uint64_t)1 << (i & 63));
		if (*word)
			return false;
		off += words_for(bits);
		bits = words_for(bits);
	}
	return true;
}

/* Lowest set bit ≥ i, or NONE. */
static inline uint32_t bm_next(const uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint32_t off[MAX_LEVELS], bits = bm->nbits;
	unsigned lv = 0;
	uint64_t word;

	if (i >= bits)
		return NONE;
	off[0] = bm->off;
	for (;;) {
		word = w[off[lv] + (i >> 6)] & (~(uint64_t)0 << (i & 63));
		if (word)
			break;
		/* Nothing left in this word: ask the level above for the next
		 * non-empty word. */
		i = (i >> 6) + 1;
		if (++lv == bm->levels)
			return NONE;
		off[lv] = off[lv - 1] + words_for(bits);
		bits = words_for(bits);
		if (i >= bits)
			return NONE;
	}
	i = (i & ~63u) | (uint32_t)__builtin_ctzll(word);
	while (lv-- > 0)
		i = (i << 6) | (uint32_t)__builtin_ctzll(w[off[lv] + i]);
	return i;
}

/* Highest set bit ≤ i (i < nbits), or NONE. */
static inline uint32_t bm_prev(const uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint32_t off[MAX_LEVELS], bits = bm->nbits;
	unsigned lv = 0;
	uint64_t word;

	off[0] = bm->off;
	for (;;) {
		word = w[off[lv] + (i >> 6)] & (~(uint64_t)0 >> (63 - (i & 63)));
		if (word)
			break;
		if (i < 64)
			return NONE;
		/* i ≥ 64 means this level has several words, so a level above. */
		i = (i >> 6) - 1;
		lv++;
		off[lv] = off[lv - 1] + words_for(bits);
		bits = words_for(bits);
	}
	i = (i & ~63u) | (63u - (uint32_t)__builtin_clzll(word));
	while (lv-- > 0)
		i = (i << 6) | (63u - (uint32_t)__builtin_clzll(w[off[lv] + i]));
	return i;
}

/* bm_next from i, wrapping to 0 once. */
static inline uint32_t bm_next_wrap(const uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint32_t g = bm_next(w, bm, i);

	return g != NONE ? g : bm_next(w, bm, 0);
}

/* ---- chunks ----------------------------------------------------------------------- */

static inline bool is_used(const struct oc *o, uint32_t c)
{
	return bit_test(o->w, o->m->used_off, c);
}

static inline void set_used(struct oc *o, uint32_t c, bool used)
{
	uint64_t *word = &o->w[o->m->used_off + (c >> 6)];
	uint64_t bit = (uint64_t)1 << (c & 63);

	*word = used ? *word | bit : *word & ~bit;
}

static inline bool is_start(const struct oc *o, uint32_t c)
{
	return bit_test(o->w, o->m->bm[0].off, c);
}

static inline void set_start(struct oc *o, uint32_t c)
{
	bm_set(o->w, &o->m->bm[0], c);
}

static inline void clear_start(struct oc *o, uint32_t c)
{
	bm_clear(o->w, &o->m->bm[0], c);
}

/* Units in chunk c: START has bit n set, so there is always a next start. */
static inline uint32_t chunk_size(const struct oc *o, uint32_t c)
{
	return bm_next(o->w, &o->m->bm[0], c + 1) - c;
}

/* The chunk that starts last at or below unit u. */
static inline uint32_t chunk_at_or_below(const struct oc *o, uint32_t u)
{
	return bm_prev(o->w, &o->m->bm[0], u);
}

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
	report(o, "validation failed", 0, 0);
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
		do {
			c = granule_chunk(o, b, g);
			sz = chunk_size(o, c);
			if (sz >= need) {
				*size_out = sz;
				return take(o, b, g, c, sz);
			}
			bm->cursor = g + 1;
			g = bm_next_wrap(o->w, bm, bm->cursor);
		} while (--i != 0 && g != first);
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

void *oob_heap_alloc(struct oob_heap *heap, size_t bytes)
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
		report(o, "caller error", 0, 0);
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

void *oob_heap_aligned_alloc(struct oob_heap *heap, size_t align, size_t bytes)
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
static uint32_t block_of(struct oc *o, const void *ptr, const char *unused_name)
{
	uint64_t p = (uintptr_t)ptr, s = (uintptr_t)o->S, off, c;

	if (p < s || p - s >= (uint64_t)o->n * UNIT) {
		report(o, "foreign pointer", 0, target_of(o->heap, ptr));
		return NONE;
	}
	off = p - s;
	c = off / UNIT;
	if (off % UNIT || !is_start(o, (uint32_t)c)) {
		report(o, "not a block start", (uint32_t)c, target_of(o->heap, ptr));
		return NONE;
	}
	if (!is_used(o, (uint32_t)c)) {
		report(o, unused_name, (uint32_t)c, target_of(o->heap, ptr));
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

void oob_heap_free(struct oob_heap *heap, void *ptr)
{
	struct oc o;
	uint32_t c;

	if (!ptr)
		return;
	if (!oc_enter(&o, heap, "oob_heap_free"))
		return;
	c = block_of(&o, ptr, "double free");
	if (c != NONE && full_check(&o))
		free_chunk(&o, c);
}

size_t oob_heap_usable_size(struct oob_heap *heap, void *ptr)
{
	struct oc o;
	uint32_t c;

	if (!oc_enter(&o, heap, "oob_heap_usable_size"))
		return 0;
	c = block_of(&o, ptr, "not in use");
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

void *oob_heap_realloc(struct oob_heap *heap, void *ptr, size_t bytes)
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
	c = block_of(&o, ptr, "not in use");
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
		report(&o, "caller error", 0, 0);
		return NULL;
	}
	c = block_of(&o, ptr, "not in use");
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

int oob_heap_runtime_stats_reset_max(struct oob_heap *heap)
{
	struct oob_meta *m;

	if (!heap || !heap->meta)
		return -EINVAL;
	m = heap->meta;
	m->max_allocated_bytes = m->allocated_bytes;
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
	static const char *const names[] = { "init too big", "init too small", "caller error" };
	struct oc o = { .where = "oob_heap_init" };

	if (heap)
		heap->meta = NULL;
	if (!quiet)
		report(&o, names[-err - 1], 0, 0);
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
	if (meta_bytes < layout(NULL, (uint32_t)units))
		return init_reject(heap, SYS_HEAP_INIT_BAD_CONFIG, quiet);

	heap->cfg = cfg;
	heap->init_mem = mem;
	heap->init_bytes = bytes;
	heap->S = (uint8_t *)mem + (tS - cfg.target_base);
	heap->meta = meta;
	heap->meta_bytes = meta_bytes;

	layout(m, (uint32_t)units);
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

/* ---- validate -------------------------------------------------------------------------- */

#define BROKEN(msg, c)                                                        \
	do {                                                                  \
		if (why)                                                      \
			*why = (msg);                                         \
		if (chunk)                                                    \
			*chunk = (c);                                         \
		return false;                                                 \
	} while (0)

/* Summaries match the level below; no bit at or past the end of a level. */
static bool bm_consistent(const uint64_t *w, const struct oob_bm *bm)
{
	uint32_t off = bm->off, below = 0;

	for (unsigned lv = 0; lv < bm->levels; lv++) {
		uint32_t bits = level_bits(bm->nbits, lv), nw = words_for(bits);

		if (bits % 64 && w[off + nw - 1] >> (bits % 64))
			return false;
		for (uint32_t i = 0; lv > 0 && i < bits; i++)
			if (bit_test(w, off, i) != (w[below + i] != 0))
				return false;
		below = off;
		off += nw;
	}
	return bm->cursor <= bm->nbits;
}

static uint32_t popcount_bits(const uint64_t *w, uint32_t off, uint32_t nbits)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < (nbits + 63) / 64; i++)
		n += (uint32_t)__builtin_popcountll(w[off + i]);
	return n;
}

/* The descriptors must be exactly what init lays out for this size: then
 * every index below stays inside the metadata buffer. */
static bool layout_matches(const struct oob_heap *heap, const struct oob_meta *m)
{
	struct oob_bm want;
	uint32_t at = 0, nb;

	if (m->magic != OOB_MAGIC || m->units < 1 || m->units > MAX_UNITS)
		return false;
	nb = bucket_of(m->units) + 1;
	if (m->nb != nb || layout(NULL, m->units) > heap->meta_bytes)
		return false;
	for (uint32_t i = 0; i <= nb; i++) {
		if (i == 1) {
			if (m->used_off != at)
				return false;
			at += (m->units + 63) / 64;
		}
		at += bm_layout(&want, i == 0 ? m->units + 1 : granules(m->units, i - 1), at);
		if (want.nbits != m->bm[i].nbits || want.off != m->bm[i].off ||
		    want.levels != m->bm[i].levels)
			return false;
	}
	return m->nwords == at;
}

bool oob_heap_check(const struct oob_heap *heap, const char **why, uint32_t *chunk)
{
	const struct oob_meta *m;
	uint32_t per_bucket[32] = { 0 };
	uint64_t free_sum = 0, used_sum = 0;
	bool prev_free = false;
	struct oc o;

	if (!heap || !heap->meta)
		BROKEN("no heap", 0);
	m = heap->meta;
	if (!layout_matches(heap, m))
		BROKEN("metadata layout", 0);
	oc_open(&o, heap, "oob_heap_check");
	for (uint32_t i = 0; i <= m->nb; i++)
		if (!bm_consistent(o.w, &m->bm[i]))
			BROKEN("bitmap summary", i);
	if (o.n % 64 && o.w[m->used_off + (o.n - 1) / 64] >> (o.n % 64))
		BROKEN("used bit past the end", o.n);
	if (!is_start(&o, 0) || !bit_test(o.w, m->bm[0].off, o.n))
		BROKEN("first chunk or end marker", 0);
	for (uint32_t i = 0; i < (o.n + 63) / 64; i++)
		if (o.w[m->used_off + i] & ~o.w[m->bm[0].off + i])
			BROKEN("used bit inside a chunk", i * 64);

	/* Walk the chunks: START is consistent, so this visits each chunk once. */
	for (uint32_t c = 0, next; c < o.n; c = next) {
		next = bm_next(o.w, &m->bm[0], c + 1);
		uint32_t sz = next - c;

		if (is_used(&o, c)) {
			used_sum += (uint64_t)sz * UNIT;
			prev_free = false;
			continue;
		}
		uint32_t b = bucket_of(sz);

		if (prev_free)
			BROKEN("adjacent free chunks", c);
		if (!bit_test(o.w, m->bm[1 + b].off, c >> b))
			BROKEN("free chunk not in its bucket", c);
		per_bucket[b]++;
		free_sum += (uint64_t)sz * UNIT;
		prev_free = true;
	}

	/* Each free chunk set its own bit (granules of one bucket hold at most
	 * one of its chunks), so equal counts leave no stray bits. */
	for (uint32_t b = 0; b < m->nb; b++) {
		uint32_t bits = popcount_bits(o.w, m->bm[1 + b].off, m->bm[1 + b].nbits);

		if (bits != per_bucket[b])
			BROKEN("bucket bit without a free chunk", b);
		if (((m->avail >> b) & 1) != (bits != 0))
			BROKEN("avail bit", b);
	}
	if (m->nb < 32 && m->avail >> m->nb)
		BROKEN("avail bit above the last bucket", m->nb);
	if (m->free_bytes != free_sum || m->allocated_bytes != used_sum ||
	    m->max_allocated_bytes < m->allocated_bytes)
		BROKEN("runtime stats", 0);
	return true;
}

bool oob_heap_validate(const struct oob_heap *heap)
{
	return oob_heap_check(heap, NULL, NULL);
}

bool oob_heap_usage_get(const struct oob_heap *heap, struct sys_heap_usage *out)
{
	struct oc o;

	memset(out, 0, sizeof(*out));
	if (!oob_heap_check(heap, NULL, NULL))
		return false;
	oc_open(&o, heap, "oob_heap_usage_get");
	for (uint32_t c = 0, next; c < o.n; c = next) {
		next = bm_next(o.w, &o.m->bm[0], c + 1);
		size_t bytes = (size_t)(next - c) * UNIT;

		if (is_used(&o, c)) {
			out->used_chunks++;
			out->used_bytes += bytes;
		} else {
			out->free_chunks++;
			out->free_bytes += bytes;
			if (bytes > out->largest_free)
				out->largest_free = bytes;
		}
	}
	return true;
}

/* ---- describe ---------------------------------------------------------------------------- */

/* Appends `text` to buf[*at..], always NUL-terminated (no stdio on the target). */
static void put_str(char *buf, size_t len, size_t *at, const char *text)
{
	while (*text && *at + 1 < len)
		buf[(*at)++] = *text++;
	if (len)
		buf[*at < len ? *at : len - 1] = 0;
}

static void put_u32(char *buf, size_t len, size_t *at, uint32_t v)
{
	char digits[11];
	int i = (int)sizeof(digits) - 1;

	digits[i] = 0;
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_str(buf, len, at, digits + i);
}

bool oob_heap_describe_offset(const struct oob_heap *heap, size_t off, char *buf,
			      size_t buflen)
{
	size_t at = 0;
	struct oc o;
	uint32_t c;

	if (!oob_heap_check(heap, NULL, NULL)) {
		put_str(buf, buflen, &at, heap && heap->meta ? "inconsistent heap" : "no heap");
		return false;
	}
	oc_open(&o, heap, "oob_heap_describe_offset");
	if (off >= (uint64_t)o.n * UNIT) {
		put_str(buf, buflen, &at, "outside the heap");
		return false;
	}
	c = chunk_at_or_below(&o, (uint32_t)(off / UNIT));
	put_str(buf, buflen, &at, "chunk ");
	put_u32(buf, buflen, &at, c);
	put_str(buf, buflen, &at, is_used(&o, c) ? " payload (used)" : " payload (free)");
	return false;
}
