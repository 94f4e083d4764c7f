/*
 * Private to heap/: one call's view of a sys_heap and the accessors for the
 * in-band metadata. Mirrors the shape of upstream's heap.h (tiny accessors for
 * chunk fields), but every field lives at a byte offset from the heap start S
 * with the *target's* width, and every access goes through mem_at() so that a
 * corrupted chunk id never touches host memory outside what the heap may reach.
 */
#ifndef HEAPSIM_SYS_HEAP_INTERNAL_H
#define HEAPSIM_SYS_HEAP_INTERNAL_H

#include <setjmp.h>
#include <string.h>

#include "heap.h"

#define CHUNK_UNIT SYS_HEAP_CHUNK_UNIT
#define CANARY_POISON 0xDEADBEEFu

/* The accessors are the allocator's inner loop: keep them inline. */
#define HZ_INLINE static inline __attribute__((always_inline))

/* Chunk header fields, in field-width units from the chunk start (heap.h). */
enum chunk_field {
	LEFT_SIZE = SYS_HEAP_LEFT_SIZE,
	SIZE_AND_USED = SYS_HEAP_SIZE_AND_USED,
	FREE_PREV = SYS_HEAP_FREE_PREV,
	FREE_NEXT = SYS_HEAP_FREE_NEXT,
};

/* Heap header (chunk 0) byte offsets from S. */
#define HDR_END_CHUNK SYS_HEAP_HDR_END_CHUNK
#define HDR_AVAIL SYS_HEAP_HDR_AVAIL_BUCKETS
#define HDR_STATS 16u

struct hz {
	struct sys_heap *sh;
	uint8_t *S;           /* host address of the heap start */
	uint64_t tS;          /* target address of S */
	uint64_t span;        /* bytes from S to the end of the init buffer */
	uint64_t mask;        /* the target's size_t: 0xffffffff or ~0 */
	bool w64;
	int8_t big_fixed;     /* 1 / 0: the width is fixed by mode; -1: from end_chunk */
	bool big;             /* current width; re-derived whenever end_chunk may change */
	unsigned T;           /* trailer units: 1 at FULL and EXTREME */
	int hard;
	bool checks;          /* internal checks */
	bool stats;
	jmp_buf *jb;          /* NULL: a read-only walker that must never report */
	bool soft_fault;      /* a walker hit memory outside the buffer */
	const char *where;
};

/* Hand one failed check to the handler (returns if the handler does). */
void hz_report(enum sys_heap_check_id id, bool refused, const struct sys_heap *heap,
	       uint32_t chunk, const char *where, uint64_t addr);

/* Set up `h` for one public call. */
void hz_open(struct hz *h, struct sys_heap *heap, const char *where, jmp_buf *jb);

/*
 * Report a failed check and stop the call. Returns only in a read-only walker
 * (jb == NULL), which never calls it.
 */
_Noreturn void hz_fail(struct hz *h, enum sys_heap_check_id id, uint32_t chunk, uint64_t addr);

/* Report that the call refused the caller's argument (the heap is as it was)
 * and stop the call. */
_Noreturn void hz_refuse(struct hz *h);

/* An upstream CHECK(): fires only when internal checks are on. */
static inline void hz_internal(struct hz *h, bool ok, uint32_t chunk)
{
	if (!ok && h->checks)
		hz_fail(h, SYS_HEAP_CHECK_INTERNAL, chunk, 0);
}

uint8_t *hz_mem_slow(struct hz *h, uint64_t off, uint64_t len, bool write);

/* Host address of `len` bytes at byte offset `off` from S (target-wrapped). */
HZ_INLINE uint8_t *mem_at(struct hz *h, uint64_t off, uint64_t len, bool write)
{
	off &= h->mask;
	if (len <= h->span && off <= h->span - len)
		return h->S + off;
	return hz_mem_slow(h, off, len, write);
}

HZ_INLINE uint32_t rd16(struct hz *h, uint64_t off)
{
	uint16_t v;
	memcpy(&v, mem_at(h, off, 2, false), 2);
	return v;
}

HZ_INLINE uint32_t rd32(struct hz *h, uint64_t off)
{
	uint32_t v;
	memcpy(&v, mem_at(h, off, 4, false), 4);
	return v;
}

void hz_width_refresh(struct hz *h);

/*
 * Every write goes through here. A write that may land on end_chunk (bytes
 * 8..11 of the header, or anything reached through the memory hook, which may
 * alias it) re-derives the chunk width, as upstream re-reads it on each access.
 */
HZ_INLINE void wr_bytes(struct hz *h, uint64_t off, const void *src, unsigned len)
{
	uint64_t o = off & h->mask;

	memcpy(mem_at(h, off, len, true), src, len);
	if (h->big_fixed < 0 && (o < HDR_END_CHUNK + 4 || o + len > h->span))
		hz_width_refresh(h);
}

HZ_INLINE void wr16(struct hz *h, uint64_t off, uint32_t v)
{
	uint16_t x = (uint16_t)v;

	wr_bytes(h, off, &x, 2);
}

HZ_INLINE void wr32(struct hz *h, uint64_t off, uint32_t v)
{
	wr_bytes(h, off, &v, 4);
}

/* A size_t of the target (stats counters). */
static inline uint64_t rd_size(struct hz *h, uint64_t off)
{
	uint64_t v = 0;
	memcpy(&v, mem_at(h, off, h->w64 ? 8 : 4, false), h->w64 ? 8 : 4);
	return v;
}

static inline void wr_size(struct hz *h, uint64_t off, uint64_t v)
{
	wr_bytes(h, off, &v, h->w64 ? 8 : 4);
}

/* ---- heap header -------------------------------------------------------- */

HZ_INLINE uint32_t end_chunk(struct hz *h) { return rd32(h, HDR_END_CHUNK); }
HZ_INLINE uint32_t avail_buckets(struct hz *h) { return rd32(h, HDR_AVAIL); }
HZ_INLINE void set_avail_buckets(struct hz *h, uint32_t v) { wr32(h, HDR_AVAIL, v); }

/* Big heaps have 32-bit chunk fields; decided from the header's end_chunk on
 * every access, as upstream does, so a rewritten end_chunk changes it. */
HZ_INLINE bool big_heap(struct hz *h)
{
	return h->big;
}

HZ_INLINE unsigned hdr_bytes(struct hz *h) { return big_heap(h) ? 8 : 4; }
HZ_INLINE unsigned min_chunk(struct hz *h) { return (big_heap(h) ? 2 : 1) + h->T; }

/* Offset of the first bucket head: after the stats counters when kept. */
static inline unsigned heads_offset(const struct hz *h)
{
	if (!h->stats)
		return 16;
	return h->w64 ? 40 : 28;
}

HZ_INLINE uint32_t bucket_head(struct hz *h, int b)
{
	return rd32(h, heads_offset(h) + 4u * (unsigned)b);
}

HZ_INLINE void set_bucket_head(struct hz *h, int b, uint32_t c)
{
	wr32(h, heads_offset(h) + 4u * (unsigned)b, c);
}

/* Runtime stats counters: 0 free, 1 allocated, 2 max allocated. */
static inline uint64_t stat_get(struct hz *h, int i)
{
	return rd_size(h, HDR_STATS + (unsigned)i * (h->w64 ? 8u : 4u));
}

static inline void stat_set(struct hz *h, int i, uint64_t v)
{
	wr_size(h, HDR_STATS + (unsigned)i * (h->w64 ? 8u : 4u), v & h->mask);
}

/* ---- chunk fields ------------------------------------------------------- */

HZ_INLINE uint64_t field_off(uint32_t c, enum chunk_field f, bool big)
{
	return (uint64_t)c * CHUNK_UNIT + (unsigned)f * (big ? 4u : 2u);
}

HZ_INLINE uint32_t chunk_field(struct hz *h, uint32_t c, enum chunk_field f)
{
	bool big = big_heap(h);
	uint64_t off = field_off(c, f, big);

	return big ? rd32(h, off) : rd16(h, off);
}

void chunk_set(struct hz *h, uint32_t c, enum chunk_field f, uint32_t v);

HZ_INLINE uint32_t chunk_size(struct hz *h, uint32_t c) { return chunk_field(h, c, SIZE_AND_USED) >> 1; }
HZ_INLINE bool chunk_used(struct hz *h, uint32_t c) { return chunk_field(h, c, SIZE_AND_USED) & 1u; }
HZ_INLINE uint32_t left_size(struct hz *h, uint32_t c) { return chunk_field(h, c, LEFT_SIZE); }
HZ_INLINE uint32_t prev_free(struct hz *h, uint32_t c) { return chunk_field(h, c, FREE_PREV); }
HZ_INLINE uint32_t next_free(struct hz *h, uint32_t c) { return chunk_field(h, c, FREE_NEXT); }
HZ_INLINE uint32_t right_chunk(struct hz *h, uint32_t c) { return c + chunk_size(h, c); }
HZ_INLINE uint32_t left_chunk(struct hz *h, uint32_t c) { return c - left_size(h, c); }

/* Writing a size clears the used bit. */
HZ_INLINE void set_chunk_size(struct hz *h, uint32_t c, uint32_t sz)
{
	chunk_set(h, c, SIZE_AND_USED, sz << 1);
}

HZ_INLINE void set_left_size(struct hz *h, uint32_t c, uint32_t sz) { chunk_set(h, c, LEFT_SIZE, sz); }
HZ_INLINE void set_prev_free(struct hz *h, uint32_t c, uint32_t p) { chunk_set(h, c, FREE_PREV, p); }
HZ_INLINE void set_next_free(struct hz *h, uint32_t c, uint32_t n) { chunk_set(h, c, FREE_NEXT, n); }

/* Flipping the used bit bypasses chunk_set's checks, as upstream's does. */
static inline void set_chunk_used(struct hz *h, uint32_t c, bool used)
{
	bool big = big_heap(h);
	uint64_t off = field_off(c, SIZE_AND_USED, big);
	uint32_t v = big ? rd32(h, off) : rd16(h, off);

	v = used ? (v | 1u) : (v & ~1u);
	if (big)
		wr32(h, off, v);
	else
		wr16(h, off, v);
}

/* Chunks too small to hold free-list links stay off the lists. */
HZ_INLINE bool undersized(struct hz *h, uint32_t c)
{
	return chunk_size(h, c) < min_chunk(h) && (big_heap(h) || h->T);
}

/* Usable bytes of a chunk of `sz` units: minus header and trailer. */
HZ_INLINE uint64_t chunksz_to_bytes(struct hz *h, uint32_t sz)
{
	return ((uint64_t)sz * CHUNK_UNIT - hdr_bytes(h) - CHUNK_UNIT * h->T) & h->mask;
}

int bucket_idx(struct hz *h, uint32_t sz);

/* Full check (EXTREME) and sys_heap_validate: upstream's verdict. */
bool hz_validate(struct hz *h);

/* Byte offset of a chunk's canary (first 4 bytes of its last unit). */
static inline uint64_t canary_off(struct hz *h, uint32_t c)
{
	return (uint64_t)(uint32_t)(c + chunk_size(h, c) - 1u) * CHUNK_UNIT;
}

#endif
