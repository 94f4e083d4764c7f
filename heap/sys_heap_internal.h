/*
 * Private to heap/: one call's view of a sys_heap and the accessors for the
 * in-band metadata. Mirrors the shape of upstream's heap.h (tiny accessors for
 * chunk fields), but every field lives at a byte offset from the heap start S
 * with the *target's* width, and every access is bounded so that a corrupted
 * chunk id never touches host memory outside what the heap may reach: a chunk
 * header wholly inside the buffer after one compare of its id, anything else
 * through mem_at() (target wrap, the memory hook, or a wild access).
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

/*
 * The port's setjmp: each public call keeps one, where a failed check lands
 * once the handler returns. GCC's and clang's builtin pair saves three words
 * (the compiler keeps nothing live across it); sanitizers and other targets
 * get the C library's, which they know how to unwind.
 */
#if defined(__SANITIZE_ADDRESS__)
#define HZ_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HZ_SANITIZED 1
#endif
#endif
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)) && \
	!defined(HZ_SANITIZED)
typedef void *hz_jmp_buf[5];
#define hz_setjmp(b) __builtin_setjmp(b)
#define hz_longjmp(b) __builtin_longjmp((b), 1)
#else
typedef jmp_buf hz_jmp_buf;
#define hz_setjmp(b) setjmp(b)
#define hz_longjmp(b) longjmp((b), 1)
#endif

/*
 * Which compiled copy of the algorithm a call runs; hz_mode_for() picks it
 * once per call. A heap with 64-bit words (its field width cannot change)
 * that runs no internal checks gets a copy compiled for that word and width,
 * with the context kept in registers; at MODERATE, the Zephyr default, the
 * copy also knows the hardening level and whether stats are kept. Every
 * other heap runs the generic copy, which re-derives the width whenever
 * end_chunk may have changed, as upstream re-reads it on each access.
 */
enum hz_mode {
	HZ_GENERIC,
	HZ_BIG64,             /* 64-bit words (32-bit fields), no internal checks, below EXTREME */
	HZ_BIG64_MODERATE,    /* and MODERATE without stats (Zephyr's defaults) */
	HZ_BIG64_MODERATE_STATS, /* and MODERATE with stats */
};

/*
 * One call's view of a heap. A call's context never leaves its copy of the
 * algorithm (the checked paths get it by value), so the compiler keeps it in
 * registers across the stores into the heap.
 */
struct hz {
	enum hz_mode mode;
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
	bool asserts;         /* __ASSERT-only checks exist */
	bool ub_traps;        /* undefined behaviour stops the call (sanitizer) */
	bool stats;
	unsigned heads;       /* byte offset of bucket head 0 */
	uint32_t direct_c;    /* chunks below this have their whole header in the buffer */
	uint32_t direct_lo;   /* writes to chunks below this may alias end_chunk */
	hz_jmp_buf *jb;       /* NULL: a read-only walker that must never report */
	bool soft_fault;      /* a walker hit memory outside the buffer */
	const char *where;
};

/* The target's word size, fixed in the fast modes. */
HZ_INLINE bool hz_w64(const struct hz *h)
{
	return h->mode != HZ_GENERIC || h->w64;
}

/* The target's size_t: 0xffffffff or ~0. */
HZ_INLINE uint64_t hz_mask(const struct hz *h)
{
	return hz_w64(h) ? ~(uint64_t)0 : 0xffffffffu;
}

/* Hand one failed check to the handler (returns if the handler does). */
void hz_report(enum sys_heap_check_id id, bool refused, const struct sys_heap *heap,
	       uint32_t chunk, const char *where, uint64_t addr);

/* Report a failed check and leave the call through its jmp_buf. */
_Noreturn void hz_fail_at(const struct sys_heap *sh, const char *where, hz_jmp_buf *jb,
			  enum sys_heap_check_id id, bool refused, uint32_t chunk, uint64_t addr)
	__attribute__((noinline, cold));

/*
 * Report a failed check and stop the call. Returns only in a read-only walker
 * (jb == NULL), which never calls it.
 */
HZ_INLINE _Noreturn void hz_fail(const struct hz *h, enum sys_heap_check_id id, uint32_t chunk,
				 uint64_t addr)
{
	hz_fail_at(h->sh, h->where, h->jb, id, false, chunk, addr);
}

/* Report that the call refused the caller's argument (the heap is as it was)
 * and stop the call. */
HZ_INLINE _Noreturn void hz_refuse(const struct hz *h)
{
	hz_fail_at(h->sh, h->where, h->jb, SYS_HEAP_CHECK_CALLER_ERROR, true, 0, 0);
}

/* An upstream CHECK(): fires only when internal checks are on. */
HZ_INLINE void hz_internal(const struct hz *h, bool ok, uint32_t chunk)
{
	if (!ok && h->mode == HZ_GENERIC && h->checks)
		hz_fail(h, SYS_HEAP_CHECK_INTERNAL, chunk, 0);
}

/* Memory outside the buffer, at target address `t`: the hook, or a wild
 * access. NULL for a walker (jb == NULL), which gets zeroes (hz_zeroes). */
uint8_t *hz_mem_slow(const struct sys_heap *sh, const char *where, hz_jmp_buf *jb, uint64_t t,
		     uint64_t len, bool write) __attribute__((noinline, cold));
uint8_t *hz_zeroes(void) __attribute__((noinline, cold));

/* Host address of `len` bytes at byte offset `off` from S (target-wrapped). */
HZ_INLINE uint8_t *mem_at(struct hz *h, uint64_t off, uint64_t len, bool write)
{
	uint8_t *p;

	off &= hz_mask(h);
	if (__builtin_expect(len <= h->span && off <= h->span - len, 1))
		return h->S + off;
	p = hz_mem_slow(h->sh, h->where, h->jb, (h->tS + off) & hz_mask(h), len, write);
	if (!p) {
		h->soft_fault = true;
		p = hz_zeroes();
	}
	return p;
}

HZ_INLINE uint32_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

HZ_INLINE uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

HZ_INLINE uint32_t rd16(struct hz *h, uint64_t off)
{
	return ld16(mem_at(h, off, 2, false));
}

HZ_INLINE uint32_t rd32(struct hz *h, uint64_t off)
{
	return ld32(mem_at(h, off, 4, false));
}

/* Big heaps have 32-bit chunk fields: fixed for the call in the fast modes,
 * else as last derived from end_chunk. */
HZ_INLINE bool big_heap(const struct hz *h)
{
	return h->mode != HZ_GENERIC || h->big;
}

/* The width as end_chunk now says (generic mode, AUTO size mode). */
HZ_INLINE void hz_width_refresh(struct hz *h)
{
	if (h->big_fixed < 0)
		h->big = rd32(h, HDR_END_CHUNK) > 0x7fffu;
}

/*
 * Every write goes through here. A write that may land on end_chunk (bytes
 * 8..11 of the header, or anything reached through the memory hook, which may
 * alias it) re-derives the chunk width, as upstream re-reads it on each access.
 */
HZ_INLINE void wr_bytes(struct hz *h, uint64_t off, const void *src, unsigned len)
{
	uint64_t o = off & hz_mask(h);

	memcpy(mem_at(h, off, len, true), src, len);
	if (h->mode == HZ_GENERIC && h->big_fixed < 0 &&
	    (o < HDR_END_CHUNK + 4 || o + len > h->span))
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
HZ_INLINE uint64_t rd_size(struct hz *h, uint64_t off)
{
	uint64_t v = 0;

	if (hz_w64(h))
		memcpy(&v, mem_at(h, off, 8, false), 8);
	else
		v = ld32(mem_at(h, off, 4, false));
	return v;
}

HZ_INLINE void wr_size(struct hz *h, uint64_t off, uint64_t v)
{
	if (hz_w64(h))
		wr_bytes(h, off, &v, 8);
	else
		wr32(h, off, (uint32_t)v);
}

/* ---- heap header -------------------------------------------------------- */

/*
 * The header's fields at fixed offsets: end_chunk, avail_buckets, the stats
 * counters and 32 bucket heads all lie below HDR_FIXED_BYTES. A fast mode is
 * chosen only when the buffer holds that much, so there they are plain
 * loads and stores; the generic mode checks them like any other access.
 */
#define HDR_FIXED_BYTES (40u + 4u * 32u)

HZ_INLINE uint32_t hdr_rd32(struct hz *h, unsigned off)
{
	if (h->mode != HZ_GENERIC)
		return ld32(h->S + off);
	return rd32(h, off);
}

HZ_INLINE void hdr_wr32(struct hz *h, unsigned off, uint32_t v)
{
	if (h->mode != HZ_GENERIC)
		memcpy(h->S + off, &v, 4);
	else
		wr32(h, off, v);
}

HZ_INLINE uint32_t end_chunk(struct hz *h) { return hdr_rd32(h, HDR_END_CHUNK); }
HZ_INLINE uint32_t avail_buckets(struct hz *h) { return hdr_rd32(h, HDR_AVAIL); }
HZ_INLINE void set_avail_buckets(struct hz *h, uint32_t v) { hdr_wr32(h, HDR_AVAIL, v); }

HZ_INLINE unsigned hdr_bytes(const struct hz *h) { return big_heap(h) ? 8 : 4; }
HZ_INLINE unsigned min_chunk(const struct hz *h) { return (big_heap(h) ? 2 : 1) + h->T; }

/* Offset of the first bucket head: after the stats counters when kept. */
HZ_INLINE unsigned heads_offset(const struct hz *h)
{
	if (!h->stats)
		return 16;
	return hz_w64(h) ? 40 : 28;
}

/* b < 32: bucket_idx and ctz never give more. b may be -1 on the target
 * (bucket_idx of a size-0 chunk): the unsigned offset wraps to the word just
 * before the array — avail_buckets, or the last stats counter. */
HZ_INLINE uint32_t bucket_head(struct hz *h, int b)
{
	return hdr_rd32(h, h->heads + 4u * (unsigned)b);
}

HZ_INLINE void set_bucket_head(struct hz *h, int b, uint32_t c)
{
	hdr_wr32(h, h->heads + 4u * (unsigned)b, c);
}

/* BIT(b) of avail_buckets as Xtensa shifts: the amount is taken mod 32, so
 * bucket -1 is bit 31. */
HZ_INLINE uint32_t bucket_bit(int b)
{
	return 1u << ((unsigned)b & 31u);
}

/* Runtime stats counters: 0 free, 1 allocated, 2 max allocated. */
HZ_INLINE uint64_t stat_get(struct hz *h, int i)
{
	unsigned off = HDR_STATS + (unsigned)i * (hz_w64(h) ? 8u : 4u);
	uint64_t v;

	if (h->mode == HZ_GENERIC)
		return rd_size(h, off);
	if (!hz_w64(h))
		return ld32(h->S + off);
	memcpy(&v, h->S + off, 8);
	return v;
}

HZ_INLINE void stat_set(struct hz *h, int i, uint64_t v)
{
	unsigned off = HDR_STATS + (unsigned)i * (hz_w64(h) ? 8u : 4u);
	uint32_t v32 = (uint32_t)v;

	if (h->mode == HZ_GENERIC)
		wr_size(h, off, v & hz_mask(h));
	else if (hz_w64(h))
		memcpy(h->S + off, &v, 8);
	else
		memcpy(h->S + off, &v32, 4);
}

/* ---- the context --------------------------------------------------------- */

/* The copy of the algorithm a call on `heap` runs (see enum hz_mode). */
HZ_INLINE enum hz_mode hz_mode_for(const struct sys_heap *heap)
{
	const struct sys_heap_config *cfg = &heap->cfg;

	if (cfg->internal_checks || cfg->hardening >= SYS_HEAP_HARDENING_EXTREME ||
	    heap->init_bytes - (size_t)((uint8_t *)heap->heap - (uint8_t *)heap->init_mem) <
		    HDR_FIXED_BYTES)
		return HZ_GENERIC;
	if (cfg->word_bits != 64)
		return HZ_GENERIC;
	if (cfg->hardening != SYS_HEAP_HARDENING_MODERATE)
		return HZ_BIG64;
	return cfg->runtime_stats ? HZ_BIG64_MODERATE_STATS : HZ_BIG64_MODERATE;
}

/* Set up `h` for one call in `mode` (HZ_GENERIC, or hz_mode_for(heap)). */
HZ_INLINE void hz_open_mode(struct hz *h, struct sys_heap *heap, const char *where,
			    hz_jmp_buf *jb, enum hz_mode mode)
{
	const struct sys_heap_config *cfg = &heap->cfg;
	uint8_t *S = heap->heap;
	uint64_t direct;

	h->mode = mode;
	h->sh = heap;
	h->S = S;
	h->w64 = cfg->word_bits == 64;
	if (h->w64 || cfg->size_mode == SYS_HEAP_SIZE_BIG_ONLY)
		h->big_fixed = 1;
	else
		h->big_fixed = cfg->size_mode == SYS_HEAP_SIZE_SMALL_ONLY ? 0 : -1;
	h->mask = h->w64 ? ~(uint64_t)0 : 0xffffffffu;
	h->tS = (cfg->target_base + (uint64_t)(S - (uint8_t *)heap->init_mem)) & hz_mask(h);
	h->span = heap->init_bytes - (size_t)(S - (uint8_t *)heap->init_mem);
	/* The MODERATE copies know their hardening and stats, as a build
	 * configured for them would (upstream fixes both at build time). */
	h->hard = mode >= HZ_BIG64_MODERATE ? SYS_HEAP_HARDENING_MODERATE : (int)cfg->hardening;
	h->T = cfg->hardening >= SYS_HEAP_HARDENING_FULL;
	h->checks = cfg->internal_checks;
	h->asserts = cfg->asserts;
	h->ub_traps = cfg->ub_traps;
	h->stats = mode == HZ_BIG64_MODERATE_STATS || (mode != HZ_BIG64_MODERATE && cfg->runtime_stats);
	h->heads = heads_offset(h);
	h->jb = jb;
	h->soft_fault = false;
	h->where = where;
	h->big = h->big_fixed > 0;
	/* A 16-byte header fits below span: c·8 + 16 ≤ span. */
	direct = h->span >= 16 ? (h->span - 16) / CHUNK_UNIT + 1 : 0;
	h->direct_c = direct > UINT32_MAX ? UINT32_MAX : (uint32_t)direct;
	h->direct_lo = mode == HZ_GENERIC && h->big_fixed < 0 ? 2 : 0;
	if (h->direct_c < h->direct_lo)
		h->direct_c = h->direct_lo;
	if (mode == HZ_GENERIC)
		hz_width_refresh(h);
}

/* Set up `h` in the generic mode (the read-only views, validate, init). */
void hz_open(struct hz *h, struct sys_heap *heap, const char *where, hz_jmp_buf *jb);

/* ---- chunk fields ------------------------------------------------------- */

HZ_INLINE uint64_t field_off(uint32_t c, enum chunk_field f, bool big)
{
	return (uint64_t)c * CHUNK_UNIT + (unsigned)f * (big ? 4u : 2u);
}

/*
 * One range check per chunk: a header that lies wholly inside the buffer
 * (16 bytes, every field at either width) is read and written with plain
 * loads and stores. Any other id (only corrupted metadata leads there) takes
 * the checked path: target wrap, memory hook, wild access.
 */
HZ_INLINE bool header_direct(const struct hz *h, uint32_t c)
{
	return __builtin_expect(c < h->direct_c, 1);
}

/* A write that may land on end_chunk must re-derive the width (wr_bytes):
 * only chunks 0 and 1 can overlap it, and only in AUTO size mode. */
HZ_INLINE bool header_direct_write(const struct hz *h, uint32_t c)
{
	return __builtin_expect(c - h->direct_lo < h->direct_c - h->direct_lo, 1);
}

HZ_INLINE uint32_t chunk_field(struct hz *h, uint32_t c, enum chunk_field f)
{
	bool big = big_heap(h);
	const uint8_t *p;

	if (!header_direct(h, c))
		return big ? rd32(h, field_off(c, f, true)) : rd16(h, field_off(c, f, false));
	p = h->S + (size_t)c * CHUNK_UNIT;
	return big ? ld32(p + 4 * f) : ld16(p + 2 * f);
}

/* Writes a field without chunk_set's internal checks (used bits). */
HZ_INLINE void chunk_write(struct hz *h, uint32_t c, enum chunk_field f, uint32_t v)
{
	bool big = big_heap(h);
	uint16_t x = (uint16_t)v;
	uint8_t *p;

	if (!header_direct_write(h, c)) {
		if (big)
			wr32(h, field_off(c, f, true), v);
		else
			wr16(h, field_off(c, f, false), v);
		return;
	}
	p = h->S + (size_t)c * CHUNK_UNIT;
	if (big)
		memcpy(p + 4 * f, &v, 4);
	else
		memcpy(p + 2 * f, &x, 2);
}

HZ_INLINE void chunk_set(struct hz *h, uint32_t c, enum chunk_field f, uint32_t v)
{
	if (h->mode == HZ_GENERIC && h->checks) {
		hz_internal(h, c <= rd32(h, HDR_END_CHUNK), c);
		hz_internal(h, big_heap(h) || v <= 0xffffu, c);
	}
	chunk_write(h, c, f, v);
}

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
HZ_INLINE void set_chunk_used(struct hz *h, uint32_t c, bool used)
{
	uint32_t v = chunk_field(h, c, SIZE_AND_USED);

	chunk_write(h, c, SIZE_AND_USED, used ? (v | 1u) : (v & ~1u));
}

/* Chunks too small to hold free-list links stay off the lists. */
HZ_INLINE bool undersized(struct hz *h, uint32_t c)
{
	return chunk_size(h, c) < min_chunk(h) && (big_heap(h) || h->T);
}

/* Usable bytes of a chunk of `sz` units: minus header and trailer. */
HZ_INLINE uint64_t chunksz_to_bytes(struct hz *h, uint32_t sz)
{
	return ((uint64_t)sz * CHUNK_UNIT - hdr_bytes(h) - CHUNK_UNIT * h->T) & hz_mask(h);
}

HZ_INLINE int bucket_idx(struct hz *h, uint32_t sz)
{
	uint32_t x = sz - min_chunk(h) + 1u;

	/* log2 of 0 (a size-0 chunk in a small heap without trailers) is
	 * undefined in upstream's C. A sanitizer stops there; Xtensa's NSAU
	 * gives 32 for 0, so the target computes bucket -1, which the
	 * accessors then follow (bucket_head, bucket_bit). */
	if (x == 0) {
		if (h->ub_traps)
			hz_fail(h, SYS_HEAP_CHECK_INTERNAL, 0, 0);
		return -1;
	}
	return 31 - __builtin_clz(x);
}

/* Full check (EXTREME) and sys_heap_validate: upstream's verdict. */
bool hz_validate(struct hz *h);

/* Byte offset of a chunk's canary (first 4 bytes of its last unit). */
HZ_INLINE uint64_t canary_off(struct hz *h, uint32_t c)
{
	return (uint64_t)(uint32_t)(c + chunk_size(h, c) - 1u) * CHUNK_UNIT;
}

#endif
