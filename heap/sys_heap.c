/*
 * sys_heap: the allocator, placement-exact with Zephyr's (docs/spec/sys_heap.md).
 * Reads top-down: configuration, context and checks; chunk and free-list
 * primitives; hardening checks; alloc_chunk; the public calls.
 */
#include <errno.h>

#include "sys_heap_internal.h"

#ifndef HEAPSIM_DEFAULT_WORD_BITS
#define HEAPSIM_DEFAULT_WORD_BITS 32
#endif
#ifndef HEAPSIM_DEFAULT_HARDENING
#define HEAPSIM_DEFAULT_HARDENING SYS_HEAP_HARDENING_MODERATE
#endif
#ifndef HEAPSIM_DEFAULT_ALLOC_LOOPS
#define HEAPSIM_DEFAULT_ALLOC_LOOPS 3
#endif
#ifndef HEAPSIM_DEFAULT_RUNTIME_STATS
#define HEAPSIM_DEFAULT_RUNTIME_STATS 0
#endif

enum { STAT_FREE, STAT_ALLOCATED, STAT_MAX };

/* ---- configuration ------------------------------------------------------ */

void sys_heap_config_default(struct sys_heap_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->word_bits = HEAPSIM_DEFAULT_WORD_BITS;
	cfg->hardening = HEAPSIM_DEFAULT_HARDENING;
	cfg->size_mode = SYS_HEAP_SIZE_AUTO;
	cfg->runtime_stats = HEAPSIM_DEFAULT_RUNTIME_STATS;
	cfg->internal_checks = cfg->hardening >= SYS_HEAP_HARDENING_EXTREME;
	cfg->alloc_loops = HEAPSIM_DEFAULT_ALLOC_LOOPS;
	cfg->canary_base = 0x5A6B7C8Du;
}

static const char *const level_names[SYS_HEAP_HARDENING_LEVELS] = { "none", "basic", "moderate", "full", "extreme" };

const char *sys_heap_hardening_name(enum sys_heap_hardening level)
{
	return (unsigned)level < SYS_HEAP_HARDENING_LEVELS ? level_names[level] : "?";
}

int sys_heap_hardening_parse(const char *name)
{
	for (int i = 0; i < SYS_HEAP_HARDENING_LEVELS; i++) {
		const char *a = name, *b = level_names[i];

		while (*a && (*a | 0x20) == *b) {
			a++;
			b++;
		}
		if (*a == 0 && *b == 0)
			return i;
	}
	return -1;
}

/* ---- the check handler -------------------------------------------------- */

static sys_heap_check_fn check_fn = sys_heap_default_check_handler;
static void *check_ctx;

void sys_heap_set_check_handler(sys_heap_check_fn fn, void *ctx)
{
	check_fn = fn ? fn : sys_heap_default_check_handler;
	check_ctx = fn ? ctx : NULL;
}

void sys_heap_get_check_handler(sys_heap_check_fn *fn, void **ctx)
{
	*fn = check_fn;
	*ctx = check_ctx;
}

static const char *const check_names[SYS_HEAP_CHECK_COUNT] = {
#define CHECK_NAME_(id, name) [SYS_HEAP_CHECK_##id] = name,
	SYS_HEAP_CHECK_TABLE(CHECK_NAME_)
#undef CHECK_NAME_
};

const char *sys_heap_check_name(enum sys_heap_check_id id)
{
	return (unsigned)id < SYS_HEAP_CHECK_COUNT && check_names[id] ? check_names[id] : "?";
}

void hz_report(enum sys_heap_check_id id, bool refused, const struct sys_heap *heap,
	       uint32_t chunk, const char *where, uint64_t addr)
{
	struct sys_heap_check chk = { sys_heap_check_name(id), heap, chunk, where, addr,
				      heap, refused, id };

	check_fn(&chk, check_ctx);
}

_Noreturn void hz_fail(struct hz *h, enum sys_heap_check_id id, uint32_t chunk, uint64_t addr)
{
	hz_report(id, false, h->sh, chunk, h->where, addr);
	longjmp(*h->jb, 1);
}

_Noreturn void hz_refuse(struct hz *h)
{
	hz_report(SYS_HEAP_CHECK_CALLER_ERROR, true, h->sh, 0, h->where, 0);
	longjmp(*h->jb, 1);
}

/* ---- per-call context ---------------------------------------------------- */

void hz_open(struct hz *h, struct sys_heap *heap, const char *where, jmp_buf *jb)
{
	const struct sys_heap_config *cfg = &heap->cfg;
	uint8_t *S = heap->heap;

	h->sh = heap;
	h->S = S;
	h->w64 = cfg->word_bits == 64;
	if (h->w64 || cfg->size_mode == SYS_HEAP_SIZE_BIG_ONLY)
		h->big_fixed = 1;
	else
		h->big_fixed = cfg->size_mode == SYS_HEAP_SIZE_SMALL_ONLY ? 0 : -1;
	h->mask = h->w64 ? ~(uint64_t)0 : 0xffffffffu;
	h->tS = (cfg->target_base + (uint64_t)(S - (uint8_t *)heap->init_mem)) & h->mask;
	h->span = heap->init_bytes - (size_t)(S - (uint8_t *)heap->init_mem);
	h->hard = cfg->hardening;
	h->T = cfg->hardening >= SYS_HEAP_HARDENING_FULL;
	h->checks = cfg->internal_checks;
	h->stats = cfg->runtime_stats;
	h->jb = jb;
	h->soft_fault = false;
	h->where = where;
	h->big = h->big_fixed > 0;
	hz_width_refresh(h);
}

void hz_width_refresh(struct hz *h)
{
	if (h->big_fixed < 0)
		h->big = end_chunk(h) > 0x7fffu;
}

/* Memory outside the init buffer: only a corrupted id leads here. */
uint8_t *hz_mem_slow(struct hz *h, uint64_t off, uint64_t len, bool write)
{
	static uint8_t nowhere[8];
	uint64_t t = (h->tS + off) & h->mask;
	const struct sys_heap_mem_hook *mem = &h->sh->cfg.mem;

	if (!h->jb) {
		/* Read-only walkers only read, and stop at the first oddity. */
		h->soft_fault = true;
		memset(nowhere, 0, sizeof(nowhere));
		return nowhere;
	}
	if (mem->translate) {
		uint8_t *p = mem->translate(mem->ctx, t, (size_t)len, write);

		if (p)
			return p;
	}
	hz_fail(h, SYS_HEAP_CHECK_WILD_ACCESS, 0, t);
}

void chunk_set(struct hz *h, uint32_t c, enum chunk_field f, uint32_t v)
{
	bool big = big_heap(h);

	if (h->checks) {
		hz_internal(h, c <= end_chunk(h), c);
		hz_internal(h, big || v <= 0xffffu, c);
	}
	if (big)
		wr32(h, field_off(c, f, true), v);
	else
		wr16(h, field_off(c, f, false), v);
}

int bucket_idx(struct hz *h, uint32_t sz)
{
	uint32_t x = sz - min_chunk(h) + 1u;

	if (x == 0) /* log2(0): undefined upstream */
		hz_fail(h, SYS_HEAP_CHECK_INTERNAL, 0, 0);
	return 31 - __builtin_clz(x);
}

/* ---- target addresses ----------------------------------------------------- */

static inline uint64_t host_to_target(struct hz *h, const void *p)
{
	return (h->tS + (uint64_t)((const uint8_t *)p - h->S)) & h->mask;
}

static inline void *target_to_host(struct hz *h, uint64_t t)
{
	return h->S + ((t - h->tS) & h->mask);
}

/* Upstream's mem_to_chunkid: a signed pointer difference divided by the
 * unsigned CHUNK_UNIT — unsigned division on a 32-bit target, truncation
 * toward zero on a 64-bit one. */
static uint32_t ptr_chunk(struct hz *h, uint64_t tp)
{
	uint64_t d = (tp - hdr_bytes(h) - h->tS) & h->mask;

	if (h->w64)
		return (uint32_t)((int64_t)d / (int64_t)CHUNK_UNIT);
	return (uint32_t)(d / CHUNK_UNIT);
}

static uint64_t ptr_gap(struct hz *h, uint64_t tp)
{
	if (big_heap(h))
		return 0;
	return ((tp - hdr_bytes(h) - h->tS) & h->mask) % CHUNK_UNIT;
}

static uint64_t chunk_mem_target(struct hz *h, uint32_t c)
{
	return (h->tS + (uint64_t)c * CHUNK_UNIT + hdr_bytes(h)) & h->mask;
}

/* Bytes (plus an alignment allowance x) to chunk units; never overflows. */
static uint32_t bytes_to_chunksz(struct hz *h, uint64_t bytes, uint64_t x)
{
	uint64_t n = bytes / 8 + x / 8 + (bytes % 8 + x % 8 + hdr_bytes(h) + 7) / 8 + h->T;
	uint32_t end = end_chunk(h);

	return n < end ? (uint32_t)n : end;
}

/* A request the target's size_t cannot express is as impossible as the
 * largest one it can. */
static uint64_t target_size(struct hz *h, size_t v)
{
	return (uint64_t)v > h->mask ? h->mask : (uint64_t)v;
}

/* ---- stats -------------------------------------------------------------- */

/* Counters are the target's size_t: adding 0 - x subtracts x modulo its width. */
static void stats_add(struct hz *h, int i, uint64_t delta)
{
	if (h->stats)
		stat_set(h, i, stat_get(h, i) + delta);
}

/* Adds or removes a chunk's usable bytes; reads the chunk only if stats are kept. */
static void stats_chunk(struct hz *h, int i, uint32_t c, bool add)
{
	uint64_t bytes;

	if (!h->stats)
		return;
	bytes = chunksz_to_bytes(h, chunk_size(h, c));
	stats_add(h, i, add ? bytes : 0 - bytes);
}

static void allocated_grow(struct hz *h, uint64_t delta)
{
	if (!h->stats)
		return;
	stat_set(h, STAT_ALLOCATED, stat_get(h, STAT_ALLOCATED) + delta);
	if (stat_get(h, STAT_ALLOCATED) > stat_get(h, STAT_MAX))
		stat_set(h, STAT_MAX, stat_get(h, STAT_ALLOCATED));
}

/* ---- canaries (FULL) ------------------------------------------------------ */

static uint32_t canary_value(struct hz *h, uint32_t c)
{
	return ((c << 16) | (c >> 16)) ^ chunk_size(h, c) ^ h->sh->cfg.canary_base;
}

static void canary_write(struct hz *h, uint32_t c)
{
	if (h->hard >= SYS_HEAP_HARDENING_FULL)
		wr32(h, canary_off(h, c), canary_value(h, c));
}

static void canary_verify(struct hz *h, uint32_t c)
{
	uint32_t v;

	if (h->hard < SYS_HEAP_HARDENING_FULL)
		return;
	v = rd32(h, canary_off(h, c));
	if (v != canary_value(h, c))
		hz_fail(h, v == CANARY_POISON ? SYS_HEAP_CHECK_CANARY_DOUBLE_FREE : SYS_HEAP_CHECK_CANARY_CORRUPTION, c, 0);
}

/* ---- free lists ------------------------------------------------------------ */

static void free_list_remove_bidx(struct hz *h, uint32_t c, int b)
{
	hz_internal(h, bucket_head(h, b) != 0, c);
	hz_internal(h, avail_buckets(h) & (1u << b), c);

	if (next_free(h, c) == c) {
		set_bucket_head(h, b, 0);
		set_avail_buckets(h, avail_buckets(h) & ~(1u << b));
	} else {
		uint32_t first = prev_free(h, c), second = next_free(h, c);

		if (h->hard >= SYS_HEAP_HARDENING_MODERATE &&
		    (next_free(h, first) != c || prev_free(h, second) != c))
			hz_fail(h, SYS_HEAP_CHECK_FREE_LIST_LINKAGE, c, 0);
		set_bucket_head(h, b, second);
		set_next_free(h, first, second);
		set_prev_free(h, second, first);
	}
	stats_chunk(h, STAT_FREE, c, false);
}

static void free_list_remove(struct hz *h, uint32_t c)
{
	if (!undersized(h, c))
		free_list_remove_bidx(h, c, bucket_idx(h, chunk_size(h, c)));
}

static void free_list_add(struct hz *h, uint32_t c)
{
	int b;
	uint32_t second;

	if (undersized(h, c))
		return;
	b = bucket_idx(h, chunk_size(h, c));
	second = bucket_head(h, b);
	if (second == 0) {
		hz_internal(h, !(avail_buckets(h) & (1u << b)), c);
		set_avail_buckets(h, avail_buckets(h) | (1u << b));
		set_bucket_head(h, b, c);
		set_prev_free(h, c, c);
		set_next_free(h, c, c);
	} else {
		uint32_t first;

		hz_internal(h, avail_buckets(h) & (1u << b), c);
		first = prev_free(h, second);
		if (h->hard >= SYS_HEAP_HARDENING_MODERATE && next_free(h, first) != second)
			hz_fail(h, SYS_HEAP_CHECK_FREE_LIST_LINKAGE, c, 0);
		/* In at the tail: the head stays where it is. */
		set_prev_free(h, c, first);
		set_next_free(h, c, second);
		set_next_free(h, first, c);
		set_prev_free(h, second, c);
	}
	stats_chunk(h, STAT_FREE, c, true);
}

/* Leaves both halves marked free; touches no list. */
static void split_chunks(struct hz *h, uint32_t lc, uint32_t rc)
{
	uint32_t sz0 = chunk_size(h, lc), lsz = rc - lc, rsz = sz0 - lsz;

	hz_internal(h, rc > lc, lc);
	hz_internal(h, rc - lc < sz0, lc);
	set_chunk_size(h, lc, lsz);
	set_chunk_size(h, rc, rsz);
	set_left_size(h, rc, lsz);
	set_left_size(h, right_chunk(h, rc), rsz);
}

static void merge_chunks(struct hz *h, uint32_t lc, uint32_t rc)
{
	uint32_t newsz = chunk_size(h, lc) + chunk_size(h, rc);

	set_chunk_size(h, lc, newsz);
	set_left_size(h, right_chunk(h, rc), newsz);
}

/* ---- hardening checks ------------------------------------------------------ */

/* A free chunk about to be taken or merged must look free and be linked to
 * its neighbours; a left neighbour we did not just check gets its canary read. */
static void free_chunk_check(struct hz *h, uint32_t f, bool left_trusted)
{
	if (h->hard < SYS_HEAP_HARDENING_MODERATE)
		return;
	if (chunk_used(h, f) || left_chunk(h, right_chunk(h, f)) != f ||
	    right_chunk(h, left_chunk(h, f)) != f)
		hz_fail(h, SYS_HEAP_CHECK_FREE_CHUNK_LINKAGE, f, 0);
	if (!left_trusted)
		canary_verify(h, left_chunk(h, f));
}

static void full_check(struct hz *h)
{
	if (h->hard >= SYS_HEAP_HARDENING_EXTREME && !hz_validate(h))
		hz_fail(h, SYS_HEAP_CHECK_VALIDATION_FAILED, 0, 0);
}

/* The checks free and in-place realloc run on a caller's chunk. */
static void used_chunk_checks(struct hz *h, uint32_t c, enum sys_heap_check_id unused_check)
{
	canary_verify(h, c);
	if (h->hard >= SYS_HEAP_HARDENING_BASIC) {
		if (!chunk_used(h, c))
			hz_fail(h, unused_check, c, 0);
		if (left_chunk(h, right_chunk(h, c)) != c)
			hz_fail(h, SYS_HEAP_CHECK_OVERFLOW, c, 0);
	}
	if (h->hard >= SYS_HEAP_HARDENING_MODERATE && right_chunk(h, left_chunk(h, c)) != c)
		hz_fail(h, SYS_HEAP_CHECK_LEFT_NEIGHBOUR, c, 0);
	full_check(h);
}

/* ---- alloc_chunk -------------------------------------------------------------- */

static uint32_t alloc_chunk(struct hz *h, uint32_t sz)
{
	int b;
	uint32_t bmask;

	full_check(h);
	b = bucket_idx(h, sz);
	if (h->checks)
		hz_internal(h, b <= bucket_idx(h, end_chunk(h)), 0);

	/* A bounded number of tries in the best-fit bucket; the head rotates. */
	if (bucket_head(h, b) != 0) {
		uint32_t first = bucket_head(h, b);
		long long i = h->sh->cfg.alloc_loops;

		do {
			uint32_t c = bucket_head(h, b);

			if (chunk_size(h, c) >= sz) {
				free_chunk_check(h, c, false);
				free_list_remove_bidx(h, c, b);
				return c;
			}
			set_bucket_head(h, b, next_free(h, c));
			hz_internal(h, bucket_head(h, b) != 0, c);
		} while (--i != 0 && bucket_head(h, b) != first);
	}

	/* Otherwise the smallest non-empty bucket that surely fits. */
	bmask = avail_buckets(h) & (uint32_t)~((2ull << b) - 1);
	if (bmask) {
		int mb = __builtin_ctz(bmask);
		uint32_t c = bucket_head(h, mb);

		free_chunk_check(h, c, false);
		free_list_remove_bidx(h, c, mb);
		hz_internal(h, chunk_size(h, c) >= sz, c);
		return c;
	}
	return 0;
}

static void mark_allocated(struct hz *h, uint32_t c)
{
	set_chunk_used(h, c, true);
	canary_write(h, c);
	allocated_grow(h, chunksz_to_bytes(h, chunk_size(h, c)));
}

/* ---- the calls, on an open context ------------------------------------------- */

static void *do_alloc(struct hz *h, size_t bytes)
{
	uint32_t n, c;

	if (bytes == 0)
		return NULL;
	n = bytes_to_chunksz(h, target_size(h, bytes), 0);
	c = alloc_chunk(h, n);
	if (c == 0)
		return NULL;
	if (chunk_size(h, c) > n) {
		split_chunks(h, c, c + n);
		free_list_add(h, c + n);
	}
	mark_allocated(h, c);
	return target_to_host(h, chunk_mem_target(h, c));
}

static void *do_aligned_alloc(struct hz *h, size_t align_in, size_t bytes_in)
{
	uint64_t align = target_size(h, align_in), bytes = target_size(h, bytes_in);
	uint64_t rew = align & (0 - align), gap, p, tend;
	uint32_t padded, c0, c, e;

	if (align != rew) {
		align -= rew;
		gap = rew < hdr_bytes(h) ? rew : hdr_bytes(h);
	} else {
		if (align <= hdr_bytes(h))
			return do_alloc(h, bytes);
		rew = 0;
		gap = hdr_bytes(h);
	}
	if (align & (align - 1))
		hz_refuse(h);
	if (bytes == 0)
		return NULL;

	padded = bytes_to_chunksz(h, bytes, align - gap);
	c0 = alloc_chunk(h, padded);
	if (c0 == 0)
		return NULL;

	p = (((chunk_mem_target(h, c0) + rew + align - 1) & ~(align - 1)) - rew) & h->mask;
	c = ptr_chunk(h, p);
	tend = ((p + bytes + CHUNK_UNIT - 1) & ~(uint64_t)(CHUNK_UNIT - 1)) & h->mask;
	e = (uint32_t)(((tend - h->tS) & h->mask) / CHUNK_UNIT) + h->T;
	hz_internal(h, c0 <= c && c < e && e <= c0 + padded, c0);

	if (c > c0) {
		split_chunks(h, c0, c);
		free_list_add(h, c0);
	}
	if (right_chunk(h, c) > e) {
		split_chunks(h, c, e);
		free_list_add(h, e);
	}
	mark_allocated(h, c);
	return target_to_host(h, p);
}

static void do_free(struct hz *h, void *ptr)
{
	uint32_t c, l, r;

	if (!ptr)
		return;
	c = ptr_chunk(h, host_to_target(h, ptr));
	used_chunk_checks(h, c, SYS_HEAP_CHECK_DOUBLE_FREE);

	set_chunk_used(h, c, false);
	stats_chunk(h, STAT_ALLOCATED, c, false);

	r = right_chunk(h, c);
	if (!chunk_used(h, r)) {
		free_chunk_check(h, r, true);
		free_list_remove(h, r);
		merge_chunks(h, c, r);
	}
	l = left_chunk(h, c);
	if (!chunk_used(h, l)) {
		free_chunk_check(h, l, false);
		free_list_remove(h, l);
		merge_chunks(h, l, c);
		c = l;
	} else {
		canary_verify(h, l);
	}
	if (h->hard >= SYS_HEAP_HARDENING_FULL)
		wr32(h, canary_off(h, c), CANARY_POISON);
	free_list_add(h, c);
}

static size_t do_usable_size(struct hz *h, void *ptr)
{
	uint64_t tp = host_to_target(h, ptr);
	uint32_t c = ptr_chunk(h, tp);

	canary_verify(h, c);
	return (size_t)((chunksz_to_bytes(h, chunk_size(h, c)) - ptr_gap(h, tp)) & h->mask);
}

static bool inplace_realloc(struct hz *h, void *ptr, uint64_t bytes)
{
	uint64_t tp = host_to_target(h, ptr);
	uint32_t c = ptr_chunk(h, tp);
	uint32_t n = bytes_to_chunksz(h, bytes, ptr_gap(h, tp));
	uint32_t sz, r;

	used_chunk_checks(h, c, SYS_HEAP_CHECK_NOT_IN_USE);
	sz = chunk_size(h, c);
	if (sz == n)
		return true;

	if (sz > n) {
		uint32_t s = c + n;

		stats_add(h, STAT_ALLOCATED, 0 - (uint64_t)CHUNK_UNIT * (sz - n));
		split_chunks(h, c, s);
		set_chunk_used(h, c, true);
		canary_write(h, c);
		r = right_chunk(h, s);
		if (!chunk_used(h, r)) {
			free_chunk_check(h, r, true);
			free_list_remove(h, r);
			merge_chunks(h, s, r);
		}
		free_list_add(h, s);
		return true;
	}

	r = right_chunk(h, c);
	if (!chunk_used(h, r) && sz + chunk_size(h, r) >= n) {
		uint32_t k = n - sz;

		allocated_grow(h, (uint64_t)CHUNK_UNIT * k);
		free_chunk_check(h, r, true);
		free_list_remove(h, r);
		if (k < chunk_size(h, r)) {
			split_chunks(h, r, r + k);
			free_list_add(h, r + k);
		}
		merge_chunks(h, c, r);
		set_chunk_used(h, c, true);
		canary_write(h, c);
		return true;
	}
	return false;
}

/* Allocate elsewhere, copy what fits, free the old block. */
static void *move_block(struct hz *h, void *ptr, void *q, uint64_t bytes)
{
	uint64_t old = do_usable_size(h, ptr);
	uint64_t n = old < bytes ? old : bytes;

	memmove(mem_at(h, (uint64_t)((uint8_t *)q - h->S), n, true),
		mem_at(h, (uint64_t)((uint8_t *)ptr - h->S), n, false), (size_t)n);
	do_free(h, ptr);
	return q;
}

/* ---- public API ------------------------------------------------------------- */

/*
 * Each public call opens a context whose jmp_buf is where a failed check lands
 * once the handler returns. setjmp must run in the caller's own frame, hence a
 * macro rather than a function.
 */
#define OPEN_OR_RETURN(h, heap, name, failed)                                     \
	struct hz h;                                                              \
	jmp_buf jb_;                                                              \
	if (!(heap) || !(heap)->heap) {                                           \
		hz_report(SYS_HEAP_CHECK_CALLER_ERROR, true, (heap), 0, (name), 0); \
		return failed;                                                    \
	}                                                                         \
	hz_open(&h, (heap), (name), &jb_);                                        \
	if (setjmp(jb_))                                                          \
		return failed;

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes)
{
	OPEN_OR_RETURN(h, heap, "sys_heap_alloc", NULL);
	return do_alloc(&h, bytes);
}

void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes)
{
	OPEN_OR_RETURN(h, heap, "sys_heap_aligned_alloc", NULL);
	return do_aligned_alloc(&h, align, bytes);
}

void sys_heap_free(struct sys_heap *heap, void *ptr)
{
	OPEN_OR_RETURN(h, heap, "sys_heap_free", );
	do_free(&h, ptr);
}

size_t sys_heap_usable_size(struct sys_heap *heap, void *ptr)
{
	OPEN_OR_RETURN(h, heap, "sys_heap_usable_size", 0);
	return do_usable_size(&h, ptr);
}

void *sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes)
{
	void *q;

	OPEN_OR_RETURN(h, heap, "sys_heap_realloc", NULL);
	if (!ptr)
		return do_alloc(&h, bytes);
	if (bytes == 0) {
		do_free(&h, ptr);
		return NULL;
	}
	if (inplace_realloc(&h, ptr, target_size(&h, bytes)))
		return ptr;
	q = do_alloc(&h, bytes);
	return q ? move_block(&h, ptr, q, target_size(&h, bytes)) : NULL;
}

void *sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align, size_t bytes)
{
	void *q;
	uint64_t a;

	OPEN_OR_RETURN(h, heap, "sys_heap_aligned_realloc", NULL);
	if (!ptr)
		return do_aligned_alloc(&h, align, bytes);
	if (bytes == 0) {
		do_free(&h, ptr);
		return NULL;
	}
	a = target_size(&h, align);
	if (a & (a - 1))
		hz_refuse(&h);
	if ((a == 0 || (host_to_target(&h, ptr) & (a - 1)) == 0) &&
	    inplace_realloc(&h, ptr, target_size(&h, bytes)))
		return ptr;
	q = do_aligned_alloc(&h, align, bytes);
	return q ? move_block(&h, ptr, q, target_size(&h, bytes)) : NULL;
}

bool sys_heap_validate(struct sys_heap *heap)
{
	OPEN_OR_RETURN(h, heap, "sys_heap_validate", false);
	return hz_validate(&h);
}

int sys_heap_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats)
{
	struct hz h;

	if (!heap || !heap->heap || !stats)
		return -EINVAL;
	if (!heap->cfg.runtime_stats)
		return -ENOTSUP;
	hz_open(&h, heap, "sys_heap_runtime_stats_get", NULL);
	stats->free_bytes = (size_t)stat_get(&h, STAT_FREE);
	stats->allocated_bytes = (size_t)stat_get(&h, STAT_ALLOCATED);
	stats->max_allocated_bytes = (size_t)stat_get(&h, STAT_MAX);
	return 0;
}

int sys_heap_runtime_stats_reset_max(struct sys_heap *heap)
{
	struct hz h;

	if (!heap || !heap->heap)
		return -EINVAL;
	if (!heap->cfg.runtime_stats)
		return -ENOTSUP;
	hz_open(&h, heap, "sys_heap_runtime_stats_reset_max", NULL);
	stat_set(&h, STAT_MAX, stat_get(&h, STAT_ALLOCATED));
	return 0;
}

/* ---- init ---------------------------------------------------------------------- */

static bool units_are_big(const struct sys_heap_config *cfg, uint64_t units)
{
	if (cfg->word_bits == 64 || cfg->size_mode == SYS_HEAP_SIZE_BIG_ONLY)
		return true;
	if (cfg->size_mode == SYS_HEAP_SIZE_SMALL_ONLY)
		return false;
	return units > 0x7fff;
}

static int init_reject(struct sys_heap *heap, int err, bool quiet)
{
	heap->heap = NULL;
	if (!quiet)
		hz_report(err == SYS_HEAP_INIT_TOO_BIG ? SYS_HEAP_CHECK_INIT_TOO_BIG
						     : SYS_HEAP_CHECK_INIT_TOO_SMALL,
			  true, heap, 0, "sys_heap_init", 0);
	return err;
}

/*
 * Writes the fresh heap's metadata. Kept out of sys_heap_init_checked, whose
 * frame holds the setjmp: inlined accessors there trip gcc -m32's
 * -Werror=clobbered.
 */
static __attribute__((noinline)) int lay_out(struct hz *h, struct sys_heap *heap, uint32_t end,
					      bool quiet)
{
	uint32_t chunk0, nb;

	if (end <= (heads_offset(h) + CHUNK_UNIT - 1) / CHUNK_UNIT)
		return init_reject(heap, SYS_HEAP_INIT_TOO_SMALL, quiet);
	/* end_chunk decides the header width, so write it before anything else. */
	wr32(h, HDR_END_CHUNK, end);
	nb = (uint32_t)bucket_idx(h, end) + 1;
	chunk0 = (heads_offset(h) + 4 * nb + CHUNK_UNIT - 1) / CHUNK_UNIT + h->T;
	if (chunk0 + min_chunk(h) > end)
		return init_reject(heap, SYS_HEAP_INIT_TOO_SMALL, quiet);

	set_avail_buckets(h, 0);
	if (h->stats)
		for (int i = STAT_FREE; i <= STAT_MAX; i++)
			stat_set(h, i, 0);
	for (uint32_t b = 0; b < nb; b++)
		set_bucket_head(h, (int)b, 0);

	set_chunk_size(h, 0, chunk0);
	set_left_size(h, 0, 0);
	set_chunk_used(h, 0, true);
	canary_write(h, 0);

	set_chunk_size(h, chunk0, end - chunk0);
	set_left_size(h, chunk0, chunk0);

	set_chunk_size(h, end, 0);
	set_left_size(h, end, end - chunk0);
	set_chunk_used(h, end, true);

	free_list_add(h, chunk0);
	return SYS_HEAP_INIT_OK;
}

int sys_heap_init_checked(struct sys_heap *heap, void *mem, size_t bytes_in,
			  const struct sys_heap_config *cfg_in, bool quiet)
{
	struct sys_heap_config cfg;
	uint64_t mask, bytes = bytes_in, footer, tbase, tS, tE, end;
	struct hz h;
	jmp_buf jb;

	if (cfg_in)
		cfg = *cfg_in;
	else
		sys_heap_config_default(&cfg);
	if (!heap || !mem || (cfg.word_bits != 32 && cfg.word_bits != 64) ||
	    (unsigned)cfg.hardening > SYS_HEAP_HARDENING_EXTREME ||
	    (unsigned)cfg.size_mode > SYS_HEAP_SIZE_BIG_ONLY) {
		if (heap)
			heap->heap = NULL;
		if (!quiet)
			hz_report(SYS_HEAP_CHECK_CALLER_ERROR, true, heap, 0, "sys_heap_init", 0);
		return SYS_HEAP_INIT_BAD_CONFIG;
	}
	mask = cfg.word_bits == 64 ? ~(uint64_t)0 : 0xffffffffu;
	if (!cfg.target_base_set)
		cfg.target_base = (uintptr_t)mem;
	cfg.target_base &= mask;
	heap->cfg = cfg;
	heap->init_mem = mem;
	heap->init_bytes = bytes_in;

	if (bytes > mask ||
	    bytes / CHUNK_UNIT > (cfg.size_mode == SYS_HEAP_SIZE_SMALL_ONLY && cfg.word_bits == 32
					  ? 0x7fffu : 0x7fffffffu))
		return init_reject(heap, SYS_HEAP_INIT_TOO_BIG, quiet);

	/* Reserve the end marker's header, judged on the raw size. */
	footer = units_are_big(&cfg, bytes / CHUNK_UNIT) ? 8 : 4;
	if (bytes <= footer)
		return init_reject(heap, SYS_HEAP_INIT_TOO_SMALL, quiet);
	bytes -= footer;

	tbase = cfg.target_base;
	tS = (tbase + CHUNK_UNIT - 1) & ~(uint64_t)(CHUNK_UNIT - 1);
	tE = (tbase + bytes) & ~(uint64_t)(CHUNK_UNIT - 1);
	if (tE <= tS) { /* upstream CHECK(end > addr) */
		if (cfg.internal_checks && !quiet)
			hz_report(SYS_HEAP_CHECK_INTERNAL, false, heap, 0, "sys_heap_init", 0);
		return init_reject(heap, SYS_HEAP_INIT_TOO_SMALL, quiet || cfg.internal_checks);
	}
	end = (tE - tS) / CHUNK_UNIT;

	heap->heap = (uint8_t *)mem + (tS - tbase);
	hz_open(&h, heap, "sys_heap_init", &jb);
	if (setjmp(jb)) {
		heap->heap = NULL;
		return SYS_HEAP_INIT_TOO_SMALL;
	}
	return lay_out(&h, heap, (uint32_t)end, quiet);
}

void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes)
{
	sys_heap_init_checked(heap, mem, bytes, NULL, false);
}
