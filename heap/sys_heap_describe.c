/*
 * Read-only views of a heap for the simulator and the tools: the layout, a
 * usage summary, and what a given byte of the buffer is. None of them writes
 * the heap or calls the check handler; all are bounded on a corrupted heap.
 */
#include <stdio.h>

#include "sys_heap_internal.h"

static bool open_view(struct hz *h, const struct sys_heap *heap)
{
	if (!heap || !heap->heap)
		return false;
	hz_open(h, (struct sys_heap *)heap, "view", NULL);
	return true;
}

void sys_heap_layout_get(const struct sys_heap *heap, struct sys_heap_layout *out)
{
	struct hz h;
	uint32_t x;

	memset(out, 0, sizeof(*out));
	if (!open_view(&h, heap))
		return;
	out->end_chunk = end_chunk(&h);
	out->chunk0_units = chunk_size(&h, 0);
	out->hdr_bytes = hdr_bytes(&h);
	out->field_bytes = big_heap(&h) ? 4 : 2;
	out->trailer_units = h.T;
	out->min_chunk = min_chunk(&h);
	x = out->end_chunk - out->min_chunk + 1;
	out->nb_buckets = x ? 32 - (unsigned)__builtin_clz(x) : 0;
	out->heads_offset = heads_offset(&h);
	out->heap_offset = (size_t)(h.S - (uint8_t *)heap->init_mem);
}

/* Walks chunks from right(0) while they stay in range; calls `fn` on each. */
static bool walk_chunks(struct hz *h, bool (*fn)(struct hz *, uint32_t, void *), void *arg)
{
	uint32_t end = end_chunk(h), c;

	if ((uint64_t)end * CHUNK_UNIT > h->span)
		return false;
	for (c = right_chunk(h, 0); c < end; c = right_chunk(h, c)) {
		uint32_t sz = chunk_size(h, c);

		if (sz == 0 || sz > end - c)
			return false;
		if (!fn(h, c, arg))
			return true;
	}
	return c == end;
}

static bool add_usage(struct hz *h, uint32_t c, void *arg)
{
	struct sys_heap_usage *u = arg;
	uint64_t bytes = chunksz_to_bytes(h, chunk_size(h, c));

	if (chunk_used(h, c)) {
		u->used_chunks++;
		u->used_bytes += bytes;
	} else if (!undersized(h, c)) {
		u->free_chunks++;
		u->free_bytes += bytes;
		if (bytes > u->largest_free)
			u->largest_free = bytes;
	}
	return true;
}

bool sys_heap_usage_get(const struct sys_heap *heap, struct sys_heap_usage *out)
{
	struct hz h;

	memset(out, 0, sizeof(*out));
	return open_view(&h, heap) && walk_chunks(&h, add_usage, out);
}

struct find {
	uint64_t off;
	uint32_t chunk;
};

static bool find_chunk(struct hz *h, uint32_t c, void *arg)
{
	struct find *f = arg;

	if ((uint64_t)(c + chunk_size(h, c)) * CHUNK_UNIT <= f->off)
		return true;
	f->chunk = c;
	return false;
}

bool sys_heap_describe_offset(const struct sys_heap *heap, size_t off, char *buf, size_t buflen)
{
	static const char *const field_names[] = { "LEFT_SIZE", "SIZE_AND_USED", "FREE_PREV",
						   "FREE_NEXT" };
	struct hz h;
	struct find f = { off, 0 };
	unsigned w, hdr, in;
	uint64_t base;

	if (!open_view(&h, heap)) {
		snprintf(buf, buflen, "no heap");
		return false;
	}
	hdr = hdr_bytes(&h);
	w = hdr / 2;
	if (off < (uint64_t)chunk_size(&h, 0) * CHUNK_UNIT) {
		unsigned heads = heads_offset(&h);

		if (off < hdr)
			snprintf(buf, buflen, "z_heap chunk 0 %s", field_names[off / w]);
		else if (off >= HDR_END_CHUNK && off < HDR_END_CHUNK + 4)
			snprintf(buf, buflen, "z_heap end_chunk");
		else if (off >= HDR_AVAIL && off < HDR_AVAIL + 4)
			snprintf(buf, buflen, "z_heap avail_buckets");
		else if (off >= HDR_STATS && off < heads)
			snprintf(buf, buflen, "z_heap runtime stats");
		else if (off >= heads && off < heads + 4u * 32)
			snprintf(buf, buflen, "z_heap bucket head %u", (unsigned)(off - heads) / 4);
		else
			snprintf(buf, buflen, "z_heap padding");
		return true;
	}
	if (off >= (uint64_t)end_chunk(&h) * CHUNK_UNIT) {
		snprintf(buf, buflen, "end marker header");
		return off < (uint64_t)end_chunk(&h) * CHUNK_UNIT + hdr;
	}
	if (!walk_chunks(&h, find_chunk, &f) && f.chunk == 0) {
		snprintf(buf, buflen, "heap+0x%zx (chunk list unreadable)", off);
		return true;
	}
	base = (uint64_t)f.chunk * CHUNK_UNIT;
	in = (unsigned)(off - base);
	if (in < hdr) {
		snprintf(buf, buflen, "%s chunk %u %s", chunk_used(&h, f.chunk) ? "used" : "free",
			 f.chunk, field_names[in / w]);
		return true;
	}
	if (!chunk_used(&h, f.chunk) && !undersized(&h, f.chunk) && in < 2 * hdr) {
		snprintf(buf, buflen, "free chunk %u %s", f.chunk, field_names[in / w]);
		return true;
	}
	if (h.T && in >= (chunk_size(&h, f.chunk) - 1u) * CHUNK_UNIT &&
	    in < (chunk_size(&h, f.chunk) - 1u) * CHUNK_UNIT + 4) {
		snprintf(buf, buflen, "%s chunk %u canary", chunk_used(&h, f.chunk) ? "used" : "free",
			 f.chunk);
		return true;
	}
	snprintf(buf, buflen, "%s chunk %u payload+%u", chunk_used(&h, f.chunk) ? "used" : "free",
		 f.chunk, in - hdr);
	return false;
}
