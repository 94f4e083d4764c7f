/*
 * oob_heap — sys_heap's API and placement idea with the metadata out of band
 * (issue 7, docs/oob-heap.md).
 *
 * Two buffers: the payload buffer holds user data only (no chunk headers, no
 * links, no canaries); the metadata buffer holds everything the allocator
 * trusts (bitmaps of chunk starts and used chunks, one bitmap per bucket,
 * counters). Put the metadata where user mode cannot write it and a write
 * anywhere in the payload buffer can neither change allocator state nor steer
 * the allocator outside its two buffers.
 *
 * Included by heap.h; do not include directly.
 */
#ifndef HEAPSIM_OOB_HEAP_H
#define HEAPSIM_OOB_HEAP_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The heap handle, like struct sys_heap: kernel memory. `meta` points at the
 * metadata buffer (8-aligned), `S` at the first 8-aligned byte of the payload
 * buffer (units are counted from there).
 */
struct oob_heap {
	void *meta;
	size_t meta_bytes;
	void *init_mem;
	size_t init_bytes;
	void *S;
	struct sys_heap_config cfg;
};

/*
 * Bytes of metadata a payload buffer of `buffer_bytes` needs, for any buffer
 * address. With n = ⌊buffer_bytes/8⌋ units and W(m) the 64-bit words of a
 * bitmap of m bits plus its summary levels (⌈m/64⌉ + ⌈m/64²⌉ + … down to one
 * word):
 *     48 + 16·(⌊log2 n⌋ + 2) + 8·(W(n+1) + ⌈n/64⌉ + Σ_{b=0}^{⌊log2 n⌋} W(⌈n/2^b⌉))
 * i.e. about 4.1 bits per 8-byte unit (6.3 %) plus a small fixed part.
 * 0 when the buffer is too small (< 8 bytes) or too big (> 2^31 units).
 */
size_t oob_heap_metadata_bytes(size_t buffer_bytes);

/*
 * A compile-time upper bound of oob_heap_metadata_bytes(bytes), for static
 * metadata arrays: W(m) ≤ m/63 + 6 and Σ_b n/2^b ≤ 2n give at most
 * 4n/63 + 202 words plus a header of at most 48 + 16·33 bytes.
 */
#define OOB_HEAP_METADATA_BYTES_MAX(bytes) \
	(576u + 8u * ((4u * ((unsigned long long)(bytes) / 8u)) / 63u + 202u))

/* Init with `cfg` (NULL: sys_heap_config_default). `meta` must be 8-aligned
 * and hold oob_heap_metadata_bytes(bytes). Returns SYS_HEAP_INIT_*; a
 * rejection is reported through the check handler unless `quiet`. */
int oob_heap_init_checked(struct oob_heap *heap, void *mem, size_t bytes,
			  void *meta, size_t meta_bytes,
			  const struct sys_heap_config *cfg, bool quiet);
/* Init with the default configuration; a rejection is reported. */
void oob_heap_init(struct oob_heap *heap, void *mem, size_t bytes, void *meta,
		   size_t meta_bytes);

/*
 * Same semantics as the sys_heap_* calls, except (docs/oob-heap.md):
 *  - usable size is the chunk's 8·units (no header to subtract);
 *  - free, realloc and usable_size of a pointer that is not the start of a
 *    live block are detected and reported ("foreign pointer", "not a block
 *    start", "double free"); the call then does nothing and returns NULL/0;
 *  - an alignment with a rewind below 8 cannot be met by 8-aligned blocks and
 *    is a "caller error".
 */
void *oob_heap_alloc(struct oob_heap *heap, size_t bytes);
void *oob_heap_aligned_alloc(struct oob_heap *heap, size_t align, size_t bytes);
void *oob_heap_realloc(struct oob_heap *heap, void *ptr, size_t bytes);
void *oob_heap_aligned_realloc(struct oob_heap *heap, void *ptr, size_t align,
			       size_t bytes);
void oob_heap_free(struct oob_heap *heap, void *ptr);
size_t oob_heap_usable_size(struct oob_heap *heap, void *ptr);

/* Full consistency check of the metadata: read-only, bounded, never reports. */
bool oob_heap_validate(const struct oob_heap *heap);
/* The same check naming the first broken invariant and the chunk involved. */
bool oob_heap_check(const struct oob_heap *heap, const char **why,
		    uint32_t *chunk);

/* Stats are always kept. 0, or -EINVAL for NULL arguments. */
int oob_heap_runtime_stats_get(struct oob_heap *heap, struct sys_memory_stats *stats);

/* Totals from one walk of the chunk bitmap (fragmentation figures). */
bool oob_heap_usage_get(const struct oob_heap *heap, struct sys_heap_usage *out);

/*
 * What byte `off` from S is, for the simulator's audit and reports (the
 * counterpart of sys_heap_describe_offset): "chunk 12 payload (used)",
 * "chunk 12 payload (free)" or "outside the heap". Always returns false:
 * no byte of the payload buffer is metadata the kernel trusts.
 */
bool oob_heap_describe_offset(const struct oob_heap *heap, size_t off, char *buf,
			      size_t buflen);

/* Offset of the payload start S from init_mem, and the number of units. */
size_t oob_heap_payload_offset(const struct oob_heap *heap);
uint32_t oob_heap_units(const struct oob_heap *heap);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSIM_OOB_HEAP_H */
