/*
 * oob_heap's read-only side: the full consistency check (EXTREME runs it
 * before each call), usage totals and the description of an offset.
 */
#include "oob_heap_internal.h"

/* ---- validate -------------------------------------------------------------------------- */

#define BROKEN(msg, c)                                                        \
	do {                                                                  \
		if (why)                                                      \
			*why = (msg);                                         \
		if (chunk)                                                    \
			*chunk = (c);                                         \
		return false;                                                 \
	} while (0)

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
	if (m->nb != nb || oob_layout(NULL, m->units) > heap->meta_bytes)
		return false;
	for (uint32_t i = 0; i <= nb; i++) {
		if (i == 1) {
			if (m->used_off != at)
				return false;
			at += (m->units + 63) / 64;
		}
		at += oob_bm_layout(&want, i == 0 ? m->units + 1 : oob_granules(m->units, i - 1), at);
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
		if (!oob_bm_consistent(o.w, &m->bm[i]))
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
