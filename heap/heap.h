/*
 * heap/ — heapsim's allocator layer: a placement-exact reimplementation of
 * Zephyr's sys_heap (behaviour: docs/spec/sys_heap.md, docs/heap.md) and
 * the out-of-band-metadata oob_heap.
 *
 * Everything the real sys_heap keeps in the buffer (heap header, bucket heads,
 * chunk headers, free-list links, canaries) is kept there here too, with the
 * byte layout of the target chosen per heap (32- or 64-bit words), so a 64-bit
 * host reproduces a 32-bit Xtensa heap byte for byte.
 *
 * Public header of the layer: the layers above (sim/, sched/, fuzz/) include
 * only this file.
 */
#ifndef HEAPSIM_HEAP_H
#define HEAPSIM_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Per-heap configuration (chosen at init; CMake options set the defaults)   */
/* ------------------------------------------------------------------------ */

enum sys_heap_hardening {
	SYS_HEAP_HARDENING_NONE,
	SYS_HEAP_HARDENING_BASIC,
	SYS_HEAP_HARDENING_MODERATE,
	SYS_HEAP_HARDENING_FULL,
	SYS_HEAP_HARDENING_EXTREME,
};

/* How many hardening levels there are (NONE .. EXTREME). */
#define SYS_HEAP_HARDENING_LEVELS (SYS_HEAP_HARDENING_EXTREME + 1)

enum sys_heap_size_mode {
	SYS_HEAP_SIZE_AUTO,       /* 16-bit fields below 0x8000 chunks, else 32 */
	SYS_HEAP_SIZE_SMALL_ONLY, /* 32-bit word mode only */
	SYS_HEAP_SIZE_BIG_ONLY,
};

/*
 * How the heap reaches memory outside its own buffer. A corrupted header can
 * make the heap read or write far from the buffer, as upstream does; instead
 * of touching arbitrary host memory the port asks this hook to translate the
 * *target* address. NULL result: no memory there; the access is reported
 * through the check handler as "wild access" and the call stops.
 * Without a hook every out-of-buffer access is a wild access.
 */
struct sys_heap_mem_hook {
	void *(*translate)(void *ctx, uint64_t target_addr, size_t len, bool write);
	void *ctx;
};

struct sys_heap_config {
	unsigned word_bits;               /* 32 (default) or 64 */
	enum sys_heap_hardening hardening;
	enum sys_heap_size_mode size_mode;
	bool runtime_stats;
	bool internal_checks;             /* upstream CHECK()s */
	int alloc_loops;                  /* CONFIG_SYS_HEAP_ALLOC_LOOPS */
	uint32_t canary_base;
	bool target_base_set;             /* false: the buffer's real address */
	uint64_t target_base;             /* target address of the init buffer */
	struct sys_heap_mem_hook mem;
};

/* Fills `cfg` with the build's defaults (upstream Kconfig defaults). */
void sys_heap_config_default(struct sys_heap_config *cfg);

/* Names for levels, "none".."extreme"; parse is case-insensitive, -1 on error. */
const char *sys_heap_hardening_name(enum sys_heap_hardening level);
int sys_heap_hardening_parse(const char *name);

/* ------------------------------------------------------------------------ */
/* The heap                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Upstream's struct sys_heap holds the pointer to the in-band header and the
 * init arguments; the port adds the per-heap configuration. `heap` points at
 * the heap start S (upstream's struct z_heap lives there, in the buffer).
 */
struct sys_heap {
	void *heap;
	void *init_mem;
	size_t init_bytes;
	struct sys_heap_config cfg;
};

struct sys_memory_stats {
	size_t free_bytes;
	size_t allocated_bytes;
	size_t max_allocated_bytes;
};

/* Init errors returned by sys_heap_init_checked (also reported as checks). */
#define SYS_HEAP_INIT_OK 0
#define SYS_HEAP_INIT_TOO_BIG (-1)
#define SYS_HEAP_INIT_TOO_SMALL (-2)
#define SYS_HEAP_INIT_BAD_CONFIG (-3)

/* Init with the default configuration. */
void sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes);
/* Init with `cfg` (NULL: defaults). Returns SYS_HEAP_INIT_*; a rejected size
 * is also reported through the check handler ("init too big"/"init too small")
 * unless `quiet`. */
int sys_heap_init_checked(struct sys_heap *heap, void *mem, size_t bytes,
			  const struct sys_heap_config *cfg, bool quiet);

void *sys_heap_alloc(struct sys_heap *heap, size_t bytes);
void *sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes);
void *sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes);
void *sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align,
			       size_t bytes);
void sys_heap_free(struct sys_heap *heap, void *ptr);
size_t sys_heap_usable_size(struct sys_heap *heap, void *ptr);

/* Upstream's verdict, computed exactly as upstream does (it temporarily flips
 * used bits and may leave them flipped on a false verdict). */
bool sys_heap_validate(struct sys_heap *heap);

/* Port only: a read-only, always-terminating, stricter check for oracles.
 * Returns true when intact; on false, `why` (if not NULL) names the first
 * broken invariant and `chunk` the chunk involved. Never calls the handler. */
bool sys_heap_check_strict(const struct sys_heap *heap, const char **why,
			   uint32_t *chunk);

/* 0, or -EINVAL for NULL arguments, -ENOTSUP when the heap keeps no stats. */
int sys_heap_runtime_stats_get(struct sys_heap *heap, struct sys_memory_stats *stats);
int sys_heap_runtime_stats_reset_max(struct sys_heap *heap);

struct z_heap_stress_result {
	uint32_t total_allocs;
	uint32_t successful_allocs;
	uint32_t total_frees;
	uint64_t accumulated_in_use_bytes;
};

/*
 * Upstream's random alloc/free driver. `word_bits` (32 or 64) is the port's
 * addition: it fixes the record size (two target pointers) that turns
 * scratch_bytes into a record count, and the width of the size mask, exactly
 * as a target of that width computes them. Returns 0, or -EINVAL for
 * total_bytes ≥ 0xffffffff/100 (reported as "caller error").
 */
int sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
		    void (*free_fn)(void *arg, void *p), void *arg,
		    size_t total_bytes, uint32_t op_count, void *scratch_mem,
		    size_t scratch_bytes, int target_percent,
		    struct z_heap_stress_result *result, unsigned word_bits);

/* ------------------------------------------------------------------------ */
/* Layout introspection (for the simulator's audit, traces and tests)        */
/* ------------------------------------------------------------------------ */

struct sys_heap_layout {
	uint32_t end_chunk;       /* as read from the heap header */
	uint32_t chunk0_units;    /* heap header chunk size */
	unsigned hdr_bytes;       /* chunk header: 4 (small) or 8 (big) */
	unsigned field_bytes;     /* 2 or 4 */
	unsigned trailer_units;   /* 1 at FULL/EXTREME */
	unsigned min_chunk;
	unsigned nb_buckets;
	size_t heads_offset;      /* byte offset of bucket head 0 from S */
	size_t heap_offset;       /* S − init_mem */
};
void sys_heap_layout_get(const struct sys_heap *heap, struct sys_heap_layout *out);

/*
 * Where the in-band metadata lives, so layers above never restate it. Chunk c's
 * header starts at byte SYS_HEAP_CHUNK_UNIT·c from S; its fields follow in
 * this order, each sys_heap_layout.field_bytes wide. The heap header (struct
 * z_heap, chunk 0) keeps end_chunk and avail_buckets at fixed offsets; the
 * bucket heads start at sys_heap_layout.heads_offset.
 */
#define SYS_HEAP_CHUNK_UNIT 8u
#define SYS_HEAP_HDR_END_CHUNK 8u     /* uint32_t end_chunk */
#define SYS_HEAP_HDR_AVAIL_BUCKETS 12u /* uint32_t avail_buckets */

enum sys_heap_chunk_field {
	SYS_HEAP_LEFT_SIZE,
	SYS_HEAP_SIZE_AND_USED,       /* size << 1 | used */
	SYS_HEAP_FREE_PREV,           /* free chunks big enough to be listed only */
	SYS_HEAP_FREE_NEXT,
};

/* Byte offset from S of field f of chunk c, fields `field_bytes` wide. */
static inline uint64_t sys_heap_chunk_field_offset(uint32_t c, enum sys_heap_chunk_field f,
						   unsigned field_bytes)
{
	return (uint64_t)c * SYS_HEAP_CHUNK_UNIT + (uint64_t)f * field_bytes;
}

/* One chunk as its header says (read-only; nothing is checked or trusted). */
struct sys_heap_chunk {
	uint32_t id;              /* chunk id: the header is at byte 8·id from S */
	size_t offset;            /* that byte offset */
	uint32_t size;            /* units of 8 bytes, from SIZE_AND_USED */
	bool used;
	uint32_t left;            /* LEFT_SIZE: units of the chunk before */
	bool listed;              /* free and big enough to carry list links */
	uint32_t prev, next;      /* FREE_PREV / FREE_NEXT when listed, else 0 */
};

/* Reads chunk c's header. false (and *out zeroed) when the header does not
 * lie inside the heap's buffer. Never calls the check handler. */
bool sys_heap_chunk_get(const struct sys_heap *heap, uint32_t c, struct sys_heap_chunk *out);

/*
 * Walks the chunks in address order, from the first after the heap header
 * up to (not including) the end marker, as the heap's own read-only views do:
 *
 *	struct sys_heap_walk w;
 *	struct sys_heap_chunk ch;
 *
 *	for (sys_heap_walk_begin(&w, heap); sys_heap_walk_next(&w, &ch);)
 *		...;
 *
 * Bounded on a corrupted heap: the walk stops at a chunk whose size is zero
 * or reaches past end_chunk, or whose header lies outside the buffer;
 * sys_heap_walk_complete then tells whether it reached the end marker.
 */
struct sys_heap_walk {
	const struct sys_heap *heap;
	uint32_t next;            /* chunk to read next */
	uint32_t end;             /* end_chunk as read at begin */
	bool done;
	bool complete;
};
void sys_heap_walk_begin(struct sys_heap_walk *w, const struct sys_heap *heap);
bool sys_heap_walk_next(struct sys_heap_walk *w, struct sys_heap_chunk *out);
bool sys_heap_walk_complete(const struct sys_heap_walk *w);

/* Byte offset `off` from S describes which piece of in-band metadata?
 * Writes a short description ("chunk 63 FREE_NEXT", "z_heap avail_buckets",
 * "bucket head 5", "chunk 12 payload") into buf; returns true if the byte is
 * allocator metadata the kernel trusts. Walks the heap read-only, bounded. */
bool sys_heap_describe_offset(const struct sys_heap *heap, size_t off, char *buf,
			      size_t buflen);

/* Totals from one read-only walk of the chunk list (bounded; stops at the
 * first inconsistency and returns false). Used for fragmentation figures. */
struct sys_heap_usage {
	size_t free_bytes;        /* usable bytes in free chunks */
	size_t largest_free;      /* usable bytes of the largest free chunk */
	uint32_t free_chunks;
	uint32_t used_chunks;     /* excluding chunk 0 and the end marker */
	size_t used_bytes;        /* usable bytes in used chunks */
};
bool sys_heap_usage_get(const struct sys_heap *heap, struct sys_heap_usage *out);

/* ------------------------------------------------------------------------ */
/* heap-trace: replay a text trace of calls (docs/spec/heap-trace.md)        */
/* ------------------------------------------------------------------------ */

enum heap_trace_status {
	HEAP_TRACE_OK = 0,
	HEAP_TRACE_VALIDATE_FAILED = 1,
	HEAP_TRACE_BAD_INPUT = 2,     /* malformed line, bad size: nothing ran */
	HEAP_TRACE_CHECK_FIRED = 3,   /* a heap check fired; output stops there */
};

/* Where the runner writes: `out` gets the trace output, `err` diagnostics. */
struct heap_trace_io {
	void (*out)(void *ctx, const char *text, size_t len);
	void (*err)(void *ctx, const char *text, size_t len);
	void *ctx;
};

/* Checks the whole trace without running it. Returns HEAP_TRACE_OK and the
 * number of slots it creates, or HEAP_TRACE_BAD_INPUT (reason to io->err). */
int heap_trace_check(const char *text, size_t len, size_t *nslots,
		     const struct heap_trace_io *io);

/* Checks, then runs the trace on a heap initialised on buf/bytes with `cfg`
 * (NULL: defaults). `slots` must hold the count heap_trace_check gives.
 * Returns an enum heap_trace_status. Uses the check handler slot while
 * running and restores the previous handler. */
int heap_trace_run(const char *text, size_t len, void *buf, size_t bytes,
		   const struct sys_heap_config *cfg, void **slots, size_t nslots,
		   const struct heap_trace_io *io);

/* ------------------------------------------------------------------------ */
/* The check handler: every failed check (hardening, internal, caller error) */
/* ------------------------------------------------------------------------ */

/*
 * Every check the heaps can report: one id and one printed name each (the
 * spec's short names). Layers above decide on the id, never on the text.
 */
#define SYS_HEAP_CHECK_TABLE(X)                                               \
	X(CALLER_ERROR, "caller error")     /* a bad argument (alignment, NULL) */ \
	X(INIT_TOO_BIG, "init too big")                                       \
	X(INIT_TOO_SMALL, "init too small")                                   \
	X(INTERNAL, "internal")             /* an upstream CHECK() */          \
	X(WILD_ACCESS, "wild access")       /* metadata led outside the buffer */ \
	X(DOUBLE_FREE, "double free")                                         \
	X(NOT_IN_USE, "not in use")         /* realloc of a free block */      \
	X(OVERFLOW, "overflow")                                               \
	X(LEFT_NEIGHBOUR, "left neighbour")                                   \
	X(FREE_LIST_LINKAGE, "free-list linkage")                             \
	X(FREE_CHUNK_LINKAGE, "free-chunk linkage")                           \
	X(CANARY_CORRUPTION, "canary corruption")                             \
	X(CANARY_DOUBLE_FREE, "canary double free")                           \
	X(VALIDATION_FAILED, "validation failed")                             \
	X(ENDLESS_LOOP, "endless loop")                                       \
	X(FOREIGN_POINTER, "foreign pointer")   /* oob_heap */                \
	X(NOT_A_BLOCK_START, "not a block start") /* oob_heap */

enum sys_heap_check_id {
	SYS_HEAP_CHECK_NONE = 0, /* not a heap check */
#define SYS_HEAP_CHECK_ENUM_(id, name) SYS_HEAP_CHECK_##id,
	SYS_HEAP_CHECK_TABLE(SYS_HEAP_CHECK_ENUM_)
#undef SYS_HEAP_CHECK_ENUM_
	SYS_HEAP_CHECK_COUNT
};

/* The printed name of a check ("double free"); "?" for NONE or out of range. */
const char *sys_heap_check_name(enum sys_heap_check_id id);

struct sys_heap_check {
	const char *name;             /* sys_heap_check_name(id), for printing */
	const struct sys_heap *heap;  /* NULL for oob heaps and checks outside a heap */
	uint32_t chunk;               /* chunk involved, 0 if none */
	const char *where;            /* public call, e.g. "sys_heap_free" */
	uint64_t addr;                /* "wild access": the target address */
	const void *owner;            /* the heap object (struct sys_heap or oob_heap) */
	/*
	 * Set by the check itself. true: the call refused a bad argument and the
	 * heap is as it was (sys_heap's "caller error" and init size checks;
	 * every oob_heap pointer check). false: the heap's own state is
	 * inconsistent (corruption detected, or worse).
	 */
	bool refused;
	enum sys_heap_check_id id;
};

/*
 * Called for every failed check. The default prints the check, the heap and
 * the chunk to stderr, then aborts. If a handler returns, the call in progress
 * stops at once and returns its failure value (NULL, false, 0 or nothing).
 * A handler may also leave by longjmp (the simulator kills the thread).
 */
typedef void (*sys_heap_check_fn)(const struct sys_heap_check *check, void *ctx);
void sys_heap_set_check_handler(sys_heap_check_fn fn, void *ctx);
void sys_heap_get_check_handler(sys_heap_check_fn *fn, void **ctx);
void sys_heap_default_check_handler(const struct sys_heap_check *check, void *ctx);

#ifdef __cplusplus
}
#endif

/* The out-of-band-metadata allocator with the same API. */
#include "oob_heap.h"

#endif /* HEAPSIM_HEAP_H */
