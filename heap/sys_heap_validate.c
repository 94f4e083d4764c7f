/*
 * sys_heap_validate: upstream's verdict, computed the way upstream computes it
 * (used bits are borrowed as "seen" marks and restored at the end), plus the
 * port's read-only strict check for the simulator's oracles.
 */
#include "sys_heap_internal.h"

static bool in_bounds(struct hz *h, uint32_t c)
{
	return c >= right_chunk(h, 0) && c < end_chunk(h) && chunk_size(h, c) < end_chunk(h);
}

static bool valid_chunk(struct hz *h, uint32_t c)
{
	uint32_t sz = chunk_size(h, c);

	if (sz == 0 || c + sz > end_chunk(h) || !in_bounds(h, c))
		return false;
	if (right_chunk(h, left_chunk(h, c)) != c || left_chunk(h, right_chunk(h, c)) != c)
		return false;
	if (chunk_used(h, c))
		return !undersized(h, c);
	if (!chunk_used(h, left_chunk(h, c)) || !chunk_used(h, right_chunk(h, c)))
		return false;
	return undersized(h, c) ||
	       (in_bounds(h, prev_free(h, c)) && in_bounds(h, next_free(h, c)));
}

static bool stats_match(struct hz *h)
{
	uint64_t used = 0, free = 0;

	for (uint32_t c = right_chunk(h, 0); c < end_chunk(h); c = right_chunk(h, c)) {
		if (chunk_used(h, c))
			used += chunksz_to_bytes(h, chunk_size(h, c));
		else if (!undersized(h, c))
			free += chunksz_to_bytes(h, chunk_size(h, c));
	}
	return (used & hz_mask(h)) == stat_get(h, 1) && (free & hz_mask(h)) == stat_get(h, 0);
}

bool hz_validate(struct hz *h)
{
	uint32_t c, prev;
	int nb;

	/* 1: a linear walk that lands exactly on the end marker. */
	for (c = right_chunk(h, 0); c < end_chunk(h); c = right_chunk(h, c))
		if (!valid_chunk(h, c))
			return false;
	if (c != end_chunk(h))
		return false;

	/* 2: counters agree with the walk. */
	if (h->stats && !stats_match(h))
		return false;

	/* 3: every listed chunk is sane; mark it seen (used). */
	nb = bucket_idx(h, end_chunk(h)) + 1;
	for (int b = 0; b < nb; b++) {
		uint32_t c0 = bucket_head(h, b), n = 0;
		bool empty = !(avail_buckets(h) & (1u << b));

		hz_internal(h, empty == (c0 == 0), c0);
		hz_internal(h, c0 == 0 || valid_chunk(h, c0), c0);
		for (c = c0; c != 0 && (n == 0 || c != c0); n++, c = next_free(h, c)) {
			if (!valid_chunk(h, c))
				return false;
			/* Listed chunks are distinct ids below end until one repeats;
			 * a repeat that is not the head loops forever upstream. */
			if (n > end_chunk(h))
				hz_fail(h, SYS_HEAP_CHECK_ENDLESS_LOOP, c, 0);
			set_chunk_used(h, c, true);
		}
		if (empty != (n == 0))
			return false;
	}

	/* 4: now every chunk must be seen, and left sizes must chain. */
	prev = 0;
	for (c = right_chunk(h, 0); c < end_chunk(h); c = right_chunk(h, c)) {
		if (!chunk_used(h, c) && !undersized(h, c))
			return false;
		if (left_chunk(h, c) != prev)
			return false;
		prev = c;
		set_chunk_used(h, c, undersized(h, c));
	}
	if (c != end_chunk(h))
		return false;

	/* 5: every listed chunk was seen by the walk (now marked free). */
	for (int b = 0; b < nb; b++) {
		uint32_t c0 = bucket_head(h, b), n = 0;

		if (c0 == 0)
			continue;
		for (c = c0; n == 0 || c != c0; n++, c = next_free(h, c)) {
			if (chunk_used(h, c))
				return false;
			set_chunk_used(h, c, true);
		}
	}

	/* 6: the used bits are all inverted now; flip them back. */
	for (c = right_chunk(h, 0); c < end_chunk(h); c = right_chunk(h, c))
		set_chunk_used(h, c, !chunk_used(h, c));
	return true;
}

/* ---- strict check (port only) ------------------------------------------------ */

/* The strict check is an oracle run over the heap, not a path the kernel
 * takes: in fuzz builds its walk stays out of sanitizer coverage (and out of
 * inlining into covered code), so the fuzzer's feedback is the kernel's. */
#if defined(__clang__)
#define ORACLE __attribute__((no_sanitize("coverage"), noinline))
#else
#define ORACLE
#endif

/*
 * Read-only and O(chunks): list membership is compared per bucket as a count
 * and a sum of mixed chunk ids (walk side vs. list side). With every element
 * checked to be a free chunk start whose links agree both ways, equal counts
 * and sums mean the lists hold exactly the free chunks.
 */
struct strict {
	struct hz h;
	const char *why;
	uint32_t chunk;
	uint32_t count[32];
	uint64_t idsum[32];
};

ORACLE
static bool broken(struct strict *s, const char *why, uint32_t c)
{
	s->why = why;
	s->chunk = c;
	return false;
}

ORACLE
static uint64_t mix_id(uint32_t c)
{
	uint64_t x = c * 0x9E3779B97F4A7C15ull;

	return x ^ (x >> 29);
}

ORACLE
static uint32_t canary_of(struct hz *h, uint32_t c)
{
	return ((c << 16) | (c >> 16)) ^ chunk_size(h, c) ^ h->sh->cfg.canary_base;
}

/* Bucket of a listed size (≥ min_chunk here), without the handler. */
ORACLE
static int bucket_of(struct hz *h, uint32_t sz)
{
	uint32_t x = sz - min_chunk(h) + 1u;

	return x ? 31 - __builtin_clz(x) : 0;
}

ORACLE
static bool strict_walk(struct strict *s)
{
	struct hz *h = &s->h;
	uint32_t end = end_chunk(h), c, prev = 0;
	uint64_t used = 0, free = 0;

	if (chunk_size(h, 0) == 0 || chunk_size(h, 0) >= end || !chunk_used(h, 0))
		return broken(s, "heap header chunk", 0);
	for (c = right_chunk(h, 0); c < end; c = right_chunk(h, c)) {
		uint32_t sz = chunk_size(h, c);

		if (sz == 0 || sz > end - c)
			return broken(s, "chunk size out of range", c);
		if (left_chunk(h, c) != prev)
			return broken(s, "left size does not match the chunk before", c);
		if (chunk_used(h, c)) {
			if (undersized(h, c))
				return broken(s, "undersized chunk marked used", c);
			used += chunksz_to_bytes(h, sz);
			if (h->hard >= SYS_HEAP_HARDENING_FULL &&
			    rd32(h, canary_off(h, c)) != canary_of(h, c))
				return broken(s, "canary", c);
		} else {
			if (prev && !chunk_used(h, prev))
				return broken(s, "two adjacent free chunks", c);
			if (!undersized(h, c)) {
				int b = bucket_of(h, sz);

				free += chunksz_to_bytes(h, sz);
				s->count[b]++;
				s->idsum[b] += mix_id(c);
			}
		}
		prev = c;
	}
	if (chunk_size(h, end) != 0 || !chunk_used(h, end) || left_chunk(h, end) != prev)
		return broken(s, "end marker", end);
	if (h->hard >= SYS_HEAP_HARDENING_FULL && rd32(h, canary_off(h, 0)) != canary_of(h, 0))
		return broken(s, "canary", 0);
	if (h->stats) {
		if ((used & hz_mask(h)) != stat_get(h, 1))
			return broken(s, "allocated_bytes does not match the used chunks", 0);
		if ((free & hz_mask(h)) != stat_get(h, 0))
			return broken(s, "free_bytes does not match the free chunks", 0);
		if (stat_get(h, 2) < stat_get(h, 1))
			return broken(s, "max_allocated_bytes below allocated_bytes", 0);
	}
	return true;
}

/* A listed chunk: in range, free, a real neighbour of its neighbours. */
ORACLE
static bool looks_free(struct hz *h, uint32_t c)
{
	uint32_t end = end_chunk(h);

	if (c < right_chunk(h, 0) || c >= end || chunk_size(h, c) == 0 ||
	    chunk_size(h, c) > end - c || chunk_used(h, c) || undersized(h, c))
		return false;
	return left_chunk(h, right_chunk(h, c)) == c && right_chunk(h, left_chunk(h, c)) == c &&
	       left_chunk(h, c) < c;
}

ORACLE
static bool strict_lists(struct strict *s)
{
	struct hz *h = &s->h;
	uint32_t end = end_chunk(h), avail = avail_buckets(h);
	int nb = bucket_of(h, end) + 1;

	if (nb < 32 && (avail >> nb))
		return broken(s, "avail_buckets bit above the last bucket", 0);
	for (int b = 0; b < nb; b++) {
		uint32_t c0 = bucket_head(h, b), c = c0, n = 0;
		uint64_t sum = 0;

		if ((c0 != 0) != !!(avail & (1u << b)))
			return broken(s, "avail_buckets bit does not match the bucket head", c0);
		if (c0 == 0) {
			if (s->count[b])
				return broken(s, "a free chunk is on no list", 0);
			continue;
		}
		do {
			if (!looks_free(h, c))
				return broken(s, "free list holds something that is not a free chunk", c);
			if (bucket_of(h, chunk_size(h, c)) != b)
				return broken(s, "free chunk in the wrong bucket", c);
			if (next_free(h, c) >= end || prev_free(h, c) >= end ||
			    prev_free(h, next_free(h, c)) != c || next_free(h, prev_free(h, c)) != c)
				return broken(s, "free-list links do not agree", c);
			sum += mix_id(c);
			c = next_free(h, c);
			if (++n > s->count[b])
				return broken(s, "free list longer than the bucket's free chunks", c0);
		} while (c != c0);
		if (n != s->count[b] || sum != s->idsum[b])
			return broken(s, "a free chunk is on no list", c0);
	}
	for (int b = nb; b < 32; b++)
		if (s->count[b])
			return broken(s, "a free chunk is on no list", 0);
	return true;
}

ORACLE
bool sys_heap_check_strict(const struct sys_heap *heap, const char **why, uint32_t *chunk)
{
	struct strict s;
	bool ok;

	memset(&s, 0, sizeof(s));
	if (!heap || !heap->heap) {
		ok = broken(&s, "heap not initialised", 0);
	} else {
		hz_open(&s.h, (struct sys_heap *)heap, "sys_heap_check_strict", NULL);
		if (end_chunk(&s.h) < min_chunk(&s.h) ||
		    (uint64_t)end_chunk(&s.h) * CHUNK_UNIT + hdr_bytes(&s.h) > s.h.span)
			ok = broken(&s, "end_chunk outside the buffer", 0);
		else
			ok = strict_walk(&s) && strict_lists(&s);
		if (ok && s.h.soft_fault)
			ok = broken(&s, "metadata outside the buffer", 0);
	}
	if (why)
		*why = s.why;
	if (chunk)
		*chunk = s.chunk;
	return ok;
}
