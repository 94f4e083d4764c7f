/*
 * oob_heap's metadata layout: where each hierarchical bitmap lives in the
 * metadata buffer, how big the buffer must be, and the summary invariant the
 * checks verify, and the out-of-line steps of the bitmap operations over
 * levels 2 and up (levels 0 and 1 are inline in oob_heap_internal.h).
 */
#include "oob_heap_internal.h"

uint32_t oob_level_bits(uint32_t nbits, unsigned lv)
{
	return (uint32_t)(((uint64_t)nbits - 1) >> (6 * lv)) + 1;
}

/* Lays out a bitmap of nbits at word `at`; returns the words it takes. */
uint32_t oob_bm_layout(struct oob_bm *bm, uint32_t nbits, uint32_t at)
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

uint32_t oob_granules(uint32_t units, uint32_t b)
{
	return (uint32_t)(((uint64_t)units + (1u << b) - 1) >> b);
}

/* Fills the header and descriptors (if m) and returns the metadata bytes. */
size_t oob_layout(struct oob_meta *m, uint32_t units)
{
	uint32_t nb = bucket_of(units) + 1, at = 0;
	struct oob_bm tmp, *bm;

	bm = m ? &m->bm[0] : &tmp;
	at += oob_bm_layout(bm, units + 1, at);
	uint32_t used_off = at;

	at += (units + 63) / 64;
	for (uint32_t b = 0; b < nb; b++) {
		bm = m ? &m->bm[1 + b] : &tmp;
		at += oob_bm_layout(bm, oob_granules(units, b), at);
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
	return oob_layout(NULL, (uint32_t)units);
}

/* ---- levels 2 and up of bm_set/bm_clear/bm_next/bm_prev ---------------------------- */

void oob_bm_set_in_summary(uint64_t *w, uint32_t off, uint32_t nbits, uint32_t levels,
			   uint32_t i)
{
	bm_set_in_summary(w, off, nbits, levels, i);
}

bool oob_bm_clear_in_summary(uint64_t *w, uint32_t off, uint32_t nbits, uint32_t levels,
			     uint32_t i)
{
	return bm_clear_in_summary(w, off, nbits, levels, i);
}

uint32_t oob_bm_next_in_summary(const uint64_t *w, uint32_t off, uint32_t nbits,
				uint32_t levels, uint32_t i)
{
	return bm_next_in_summary(w, off, nbits, levels, i);
}

uint32_t oob_bm_prev_in_summary(const uint64_t *w, uint32_t off, uint32_t nbits,
				uint32_t levels, uint32_t i)
{
	return bm_prev_in_summary(w, off, nbits, levels, i);
}

/* Summaries match the level below; no bit at or past the end of a level. */
bool oob_bm_consistent(const uint64_t *w, const struct oob_bm *bm)
{
	uint32_t off = bm->off, below = 0;

	for (unsigned lv = 0; lv < bm->levels; lv++) {
		uint32_t bits = oob_level_bits(bm->nbits, lv), nw = words_for(bits);

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
