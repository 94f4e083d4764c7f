/*
 * The read-only chunk walk heap.h offers to layers above (the simulator's
 * views, the attack programs): what each chunk header says, read with the
 * heap's own accessors, so no caller restates field offsets or widths.
 * Builds on the target too (no stdio).
 */
#include "sys_heap_internal.h"

static bool open_walker(struct hz *h, const struct sys_heap *heap)
{
	if (!heap || !heap->heap)
		return false;
	hz_open(h, (struct sys_heap *)heap, "view", NULL);
	return true;
}

/* A header outside the buffer is not read at all; links that reach past it
 * read as zero and set soft_fault (hz_mem_slow). */
static bool header_in_buffer(struct hz *h, uint32_t c)
{
	uint64_t off = (uint64_t)c * CHUNK_UNIT;

	return off <= h->span && h->span - off >= hdr_bytes(h);
}

static void read_chunk(struct hz *h, uint32_t c, struct sys_heap_chunk *out)
{
	out->id = c;
	out->offset = (size_t)c * CHUNK_UNIT;
	out->size = chunk_size(h, c);
	out->used = chunk_used(h, c);
	out->left = left_size(h, c);
	out->listed = !out->used && !undersized(h, c);
	out->prev = out->listed ? prev_free(h, c) : 0;
	out->next = out->listed ? next_free(h, c) : 0;
}

bool sys_heap_chunk_get(const struct sys_heap *heap, uint32_t c, struct sys_heap_chunk *out)
{
	struct hz h;

	memset(out, 0, sizeof(*out));
	if (!open_walker(&h, heap) || !header_in_buffer(&h, c))
		return false;
	read_chunk(&h, c, out);
	return !h.soft_fault;
}

void sys_heap_walk_begin(struct sys_heap_walk *w, const struct sys_heap *heap)
{
	struct hz h;

	memset(w, 0, sizeof(*w));
	w->heap = heap;
	w->done = true;
	if (!open_walker(&h, heap))
		return;
	w->end = end_chunk(&h);
	w->next = chunk_size(&h, 0);
	w->done = (uint64_t)w->end * CHUNK_UNIT > h.span;
	w->complete = !w->done && w->next == w->end;
	w->done |= w->complete;
}

bool sys_heap_walk_next(struct sys_heap_walk *w, struct sys_heap_chunk *out)
{
	struct hz h;
	uint32_t c = w->next;

	memset(out, 0, sizeof(*out));
	/* c < end and end lies inside the buffer (begin): the header does too. */
	if (w->done || !open_walker(&h, w->heap) || c >= w->end) {
		w->done = true;
		return false;
	}
	read_chunk(&h, c, out);
	if (h.soft_fault || out->size == 0 || out->size > w->end - c) {
		w->done = true;
		return false;
	}
	w->next = c + out->size;
	w->complete = w->next == w->end;
	w->done = w->complete;
	return true;
}

bool sys_heap_walk_complete(const struct sys_heap_walk *w)
{
	return w->complete;
}
