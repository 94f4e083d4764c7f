/*
 * Helpers for the portable heap checks. Expected values come from here, and
 * here they come from the spec's formulas (sys_heap.md), never from the
 * implementation: pt_model recomputes the layout of a heap from its size and
 * configuration, pt_walk reads the in-band chunk headers itself.
 *
 * Portable: heap.h, ptest.h and <string.h> only (see ptest.h).
 */
#ifndef HEAPSIM_PT_HEAP_H
#define HEAPSIM_PT_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "ptest.h"

/* One shared, 4096-aligned buffer: target base ≡ 0 mod 4096 like heap-trace.
 * Checks run one at a time, so they take turns. */
#define PT_BUF_BYTES (320u * 1024u)
extern uint8_t pt_buf[PT_BUF_BYTES];

/* Named configurations the checks iterate over. */
enum pt_cfg_id {
	PT_W32S,      /* 32-bit word, AUTO size mode, small heap: 16-bit fields */
	PT_W32B,      /* 32-bit word, BIG_ONLY: 32-bit fields on a small heap */
	PT_W64,       /* 64-bit word: always 32-bit fields */
	PT_W32S_FULL, /* as above, FULL hardening: trailer + canaries */
	PT_W32B_FULL,
	PT_W64_FULL,
	PT_CFG_COUNT
};
void pt_cfg(struct sys_heap_config *cfg, enum pt_cfg_id id);
void pt_cfg_make(struct sys_heap_config *cfg, unsigned word,
		 enum sys_heap_hardening hard, enum sys_heap_size_mode mode,
		 bool stats);

/* The heap's layout by the spec's formulas (buffer start ≡ 0 mod 8). */
struct pt_model {
	unsigned word;
	bool stats, big, internal;
	unsigned hardening;
	unsigned hdr, fw, T, min_chunk, H, nb;
	uint32_t end, chunk0;
	int init_result; /* SYS_HEAP_INIT_OK / _TOO_SMALL / _TOO_BIG */
};
void pt_model_init(struct pt_model *m, const struct sys_heap_config *cfg,
		   size_t bytes);
uint32_t pt_bucket(const struct pt_model *m, uint32_t units);
uint32_t pt_conv(const struct pt_model *m, size_t bytes, size_t x);
size_t pt_usable(const struct pt_model *m, uint32_t units);
bool pt_undersized(const struct pt_model *m, uint32_t units);
/* Bytes to ask alloc() for to get a chunk of exactly `units` units. */
size_t pt_bytes_for(const struct pt_model *m, uint32_t units);

/*
 * Zeroes `bytes` of pt_buf, installs the recording check handler, inits the
 * heap with `cfg` and fills `m`. Fails the check if init disagrees with the
 * model about accepting the size.
 */
void pt_heap_init(struct sys_heap *h, struct pt_model *m, size_t bytes,
		  const struct sys_heap_config *cfg);
void pt_heap_init_id(struct sys_heap *h, struct pt_model *m, size_t bytes,
		     enum pt_cfg_id id);

/* In-band access, offsets from the heap start S, little-endian. */
uint8_t *pt_S(const struct sys_heap *h);
uint32_t pt_rd32(const struct sys_heap *h, size_t off);
void pt_wr32(const struct sys_heap *h, size_t off, uint32_t v);
uint32_t pt_field(const struct sys_heap *h, const struct pt_model *m,
		  uint32_t c, unsigned i);
void pt_set_field(const struct sys_heap *h, const struct pt_model *m,
		  uint32_t c, unsigned i, uint32_t v);
#define PT_LEFT 0
#define PT_SIZE_USED 1
#define PT_PREV 2
#define PT_NEXT 3
uint32_t pt_size(const struct sys_heap *h, const struct pt_model *m, uint32_t c);
bool pt_used(const struct sys_heap *h, const struct pt_model *m, uint32_t c);
uint32_t pt_avail(const struct sys_heap *h);
uint32_t pt_head(const struct sys_heap *h, const struct pt_model *m, unsigned b);
size_t pt_off(const struct sys_heap *h, const void *p);   /* p − S */
uint32_t pt_chunk_of(const struct sys_heap *h, const struct pt_model *m,
		     const void *p);
/* Offset of chunk c's user pointer from S. */
size_t pt_uoff(const struct pt_model *m, uint32_t c);
/* Canary per spec: rotl16(c) ^ size ^ base. */
uint32_t pt_canary(uint32_t c, uint32_t size, uint32_t base);
size_t pt_canary_off(const struct pt_model *m, uint32_t c, uint32_t size);

/* Totals of one walk over the chunk headers from right(0) to end. */
struct pt_walk {
	uint32_t chunks, used_chunks, free_chunks, undersized_free;
	size_t used_bytes, free_bytes, largest_free; /* usable bytes */
	uint32_t first_free; /* lowest free chunk id, 0 if none */
};
/* Walk; fails the check on a broken chain (the tests only walk intact heaps). */
void pt_walk(const struct sys_heap *h, const struct pt_model *m,
	     struct pt_walk *w);

/* Asserts the heap is one free chunk after chunk 0, listed, with the stats
 * of a fresh heap. */
void pt_assert_pristine(struct sys_heap *h, const struct pt_model *m);
/* Asserts stats == walk sums (and, if max_expected != (size_t)-1, max). */
void pt_assert_stats(struct sys_heap *h, const struct pt_model *m,
		     size_t max_expected);
struct sys_memory_stats pt_stats(struct sys_heap *h);

/*
 * The heap check_validate.c and check_strict.c corrupt: chunks A B C D E
 * (4, 5, 6, 9, 8 units plus the trailer) from chunk0, then B and D freed,
 * alone in buckets 2 and 3, then the free tail. Inits a 4096-byte heap with
 * `cfg`, stores the chunk ids of A..E in c[], and asserts the heap is intact
 * and no check fired.
 */
void pt_build_abcde(struct sys_heap *h, struct pt_model *m,
		    const struct sys_heap_config *cfg, uint32_t c[5]);

/* Recording check handler: installed by pt_heap_init / pt_record_checks. */
struct pt_check_log {
	unsigned count;
	const char *first;
	const char *last;
	uint32_t first_chunk;
	enum sys_heap_check_id first_id;
	bool first_refused;
};
extern struct pt_check_log pt_checks;
void pt_record_checks(void);
bool pt_streq(const char *a, const char *b);
/* Exactly one check fired, with this name. */
#define PT_ASSERT_CHECK(nm)                                                   \
	do {                                                                  \
		PT_ASSERT_EQ(pt_checks.count, 1);                             \
		if (!pt_streq(pt_checks.first, nm))                           \
			PT_FAIL("check name is not " nm);                     \
	} while (0)
#define PT_ASSERT_NO_CHECK() PT_ASSERT_EQ(pt_checks.count, 0)

/* Deterministic generator for the checks' own random sequences. */
uint32_t pt_rand(uint32_t *state);

#endif /* HEAPSIM_PT_HEAP_H */
