/*
 * Private to heap/: the oob_heap's metadata layout, one call's view of a heap
 * and the hierarchical-bitmap searches the allocator (oob_heap.c), the layout
 * (oob_bitmap.c) and the checks (oob_check.c) share.
 */
#ifndef HEAPSIM_OOB_HEAP_INTERNAL_H
#define HEAPSIM_OOB_HEAP_INTERNAL_H

#include <stdbool.h>
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

static inline uint32_t bucket_of(uint32_t units)
{
	return 31u - (uint32_t)__builtin_clz(units);
}

/* Words holding `bits` bits; also the bit count of the level above. */
static inline uint32_t words_for(uint32_t bits)
{
	return ((bits - 1) >> 6) + 1;
}

/* ---- layout (oob_bitmap.c) ------------------------------------------------------- */

/* Bits in level lv of a bitmap of nbits. */
uint32_t oob_level_bits(uint32_t nbits, unsigned lv);
/* Lays out a bitmap of nbits at word `at`; returns the words it takes. */
uint32_t oob_bm_layout(struct oob_bm *bm, uint32_t nbits, uint32_t at);
/* Granules of 2^b units covering `units`. */
uint32_t oob_granules(uint32_t units, uint32_t b);
/* Fills the header and descriptors (if m) and returns the metadata bytes. */
size_t oob_layout(struct oob_meta *m, uint32_t units);
/* Summaries match the level below; no bit at or past the end of a level. */
bool oob_bm_consistent(const uint64_t *w, const struct oob_bm *bm);

/* ---- one call's view ---------------------------------------------------------- */

struct oc {
	struct oob_heap *heap;
	struct oob_meta *m;
	uint64_t *w;
	uint8_t *S;
	uint32_t n;
	const char *where;
};

static inline uint64_t *words_of(struct oob_meta *m)
{
	return (uint64_t *)(void *)((uint8_t *)m + sizeof(*m) +
				    (size_t)(m->nb + 1) * sizeof(struct oob_bm));
}

static inline void oc_open(struct oc *o, const struct oob_heap *heap, const char *where)
{
	o->heap = (struct oob_heap *)heap;
	o->m = heap->meta;
	o->w = words_of(o->m);
	o->S = heap->S;
	o->n = o->m->units;
	o->where = where;
}

/* ---- hierarchical bitmaps --------------------------------------------------------- */

/*
 * Each search and update starts on level 0 and most end there: the bit sought
 * lies in the same 64-bit word, a set bit joins a word that already had one,
 * a cleared bit leaves others in its word. Most of the others end on level 1
 * (one summary word covers 4096 bits). Both steps are inline; the rare walks
 * over levels 2 and up are out of line (oob_bitmap.c), so the code inlined
 * into each caller stays small.
 *
 * The *_in_summary steps see one level as (off, nbits, levels): its first
 * word, its bits and the number of levels from it up. Its summary, one bit
 * per word, starts right after its last word.
 */

static inline uint64_t bit_of(uint32_t i)
{
	return (uint64_t)1 << (i & 63);
}

static inline bool bit_test(const uint64_t *w, uint32_t off, uint32_t i)
{
	return (w[off + (i >> 6)] >> (i & 63)) & 1;
}

/* Bits at or above / at or below i in i's word. */
static inline uint64_t bits_from(const uint64_t *w, uint32_t off, uint32_t i)
{
	return w[off + (i >> 6)] & (~(uint64_t)0 << (i & 63));
}

static inline uint64_t bits_upto(const uint64_t *w, uint32_t off, uint32_t i)
{
	return w[off + (i >> 6)] & (~(uint64_t)0 >> (63 - (i & 63)));
}

static inline uint32_t lowest_bit(uint32_t i, uint64_t word)
{
	return (i & ~63u) | (uint32_t)__builtin_ctzll(word);
}

static inline uint32_t highest_bit(uint32_t i, uint64_t word)
{
	return (i & ~63u) | (63u - (uint32_t)__builtin_clzll(word));
}

/* Out-of-line copies of the steps below, for levels 2 and up. */
void oob_bm_set_in_summary(uint64_t *w, uint32_t off, uint32_t nbits, uint32_t levels,
			   uint32_t i);
bool oob_bm_clear_in_summary(uint64_t *w, uint32_t off, uint32_t nbits, uint32_t levels,
			     uint32_t i);
uint32_t oob_bm_next_in_summary(const uint64_t *w, uint32_t off, uint32_t nbits,
				uint32_t levels, uint32_t i);
uint32_t oob_bm_prev_in_summary(const uint64_t *w, uint32_t off, uint32_t nbits,
				uint32_t levels, uint32_t i);

/* The level's word (i >> 6) was empty and now is not (levels > 1): mark it in
 * the summary, and so on up while the summary word was empty too. */
static inline void bm_set_in_summary(uint64_t *w, uint32_t off, uint32_t nbits,
				     uint32_t levels, uint32_t i)
{
	uint32_t words = words_for(nbits), j = i >> 6;
	uint64_t *word = &w[off + words + (j >> 6)], was = *word;

	*word = was | bit_of(j);
	if (!was && levels > 2)
		oob_bm_set_in_summary(w, off + words, words, levels - 1, j);
}

/* The level's word (i >> 6) became empty (levels > 1): unmark it above.
 * True when the top word became empty. */
static inline bool bm_clear_in_summary(uint64_t *w, uint32_t off, uint32_t nbits,
				       uint32_t levels, uint32_t i)
{
	uint32_t words = words_for(nbits), j = i >> 6;
	uint64_t *word = &w[off + words + (j >> 6)];

	*word &= ~bit_of(j);
	if (*word)
		return false;
	return levels == 2 || oob_bm_clear_in_summary(w, off + words, words, levels - 1, j);
}

/* The level has nothing from i to the end of i's word (levels > 1): the
 * summary names the next non-empty word, whose lowest bit is the answer. */
static inline uint32_t bm_next_in_summary(const uint64_t *w, uint32_t off, uint32_t nbits,
					  uint32_t levels, uint32_t i)
{
	uint32_t words = words_for(nbits), j = (i >> 6) + 1;
	uint64_t word;

	if (j >= words)
		return NONE;
	word = bits_from(w, off + words, j);
	if (word)
		j = lowest_bit(j, word);
	else if (levels == 2)
		return NONE;
	else if ((j = oob_bm_next_in_summary(w, off + words, words, levels - 1, j)) == NONE)
		return NONE;
	return lowest_bit(j << 6, w[off + j]);
}

/* The level has nothing from the start of i's word to i, and i's word is not
 * word 0 (so there is a summary): the same backwards. */
static inline uint32_t bm_prev_in_summary(const uint64_t *w, uint32_t off, uint32_t nbits,
					  uint32_t levels, uint32_t i)
{
	uint32_t words = words_for(nbits), j = (i >> 6) - 1;
	uint64_t word = bits_upto(w, off + words, j);

	if (word)
		j = highest_bit(j, word);
	else if (j < 64)
		return NONE; /* nothing in word 0 up to j: nothing at all */
	else if ((j = oob_bm_prev_in_summary(w, off + words, words, levels - 1, j)) == NONE)
		return NONE;
	return highest_bit(j << 6, w[off + j]);
}

static inline void bm_set(uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint64_t *word = &w[bm->off + (i >> 6)], was = *word;

	*word = was | bit_of(i);
	if (!was && bm->levels > 1)
		bm_set_in_summary(w, bm->off, bm->nbits, bm->levels, i);
}

/* Returns true when the whole bitmap became empty. */
static inline bool bm_clear(uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint64_t *word = &w[bm->off + (i >> 6)];

	*word &= ~bit_of(i);
	if (*word)
		return false;
	return bm->levels == 1 || bm_clear_in_summary(w, bm->off, bm->nbits, bm->levels, i);
}

/* Lowest set bit ≥ i, or NONE. */
static inline uint32_t bm_next(const uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint64_t word;

	if (i >= bm->nbits)
		return NONE;
	word = bits_from(w, bm->off, i);
	if (word)
		return lowest_bit(i, word);
	return bm->levels == 1 ? NONE : bm_next_in_summary(w, bm->off, bm->nbits, bm->levels, i);
}

/* Highest set bit ≤ i (i < nbits), or NONE. */
static inline uint32_t bm_prev(const uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint64_t word = bits_upto(w, bm->off, i);

	if (word)
		return highest_bit(i, word);
	/* Nothing in word 0 up to i means nothing at all. */
	return i < 64 ? NONE : bm_prev_in_summary(w, bm->off, bm->nbits, bm->levels, i);
}

/* bm_next from i, wrapping to 0 once. */
static inline uint32_t bm_next_wrap(const uint64_t *w, const struct oob_bm *bm, uint32_t i)
{
	uint32_t g = bm_next(w, bm, i);

	return g != NONE ? g : bm_next(w, bm, 0);
}

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

#endif /* HEAPSIM_OOB_HEAP_INTERNAL_H */
