/*
 * sys_heap_print_info: the heap's layout, its bucket table, usage totals and
 * (optionally) every chunk, read from the buffer without changing it. The
 * walk is bounded by the heap's end and stops at the first chunk that does
 * not make sense, saying so.
 */
#include <stdio.h>
#include <string.h>

#include "zephyr_internal.h"

struct view {
	const uint8_t *S;
	size_t span;            /* bytes from S to the end of the buffer */
	struct sys_heap_layout l;
};

static uint32_t field(const struct view *v, uint32_t c, unsigned i)
{
	size_t off = (size_t)c * 8 + i * v->l.field_bytes;
	uint32_t x = 0;

	if (off + v->l.field_bytes > v->span)
		return 0;
	memcpy(&x, v->S + off, v->l.field_bytes); /* little-endian hosts only, as the port */
	return x;
}

static uint32_t size_of(const struct view *v, uint32_t c) { return field(v, c, 1) >> 1; }
static bool used(const struct view *v, uint32_t c) { return field(v, c, 1) & 1u; }

static size_t usable(const struct view *v, uint32_t units)
{
	size_t overhead = v->l.hdr_bytes + 8u * v->l.trailer_units;

	return (size_t)units * 8 > overhead ? (size_t)units * 8 - overhead : 0;
}

void sys_heap_print_info(struct sys_heap *heap, bool dump_chunks)
{
	struct sys_heap_usage u;
	struct view v;
	uint32_t c, end;

	if (!heap || !heap->heap) {
		zh_fault("sys_heap_print_info on %s heap", heap ? "an unusable" : "a NULL");
		return;
	}
	v.S = heap->heap;
	v.span = heap->init_bytes - (size_t)(v.S - (const uint8_t *)heap->init_mem);
	sys_heap_layout_get(heap, &v.l);
	end = v.l.end_chunk;
	printf("Heap at %p contains %u units in %u buckets (%u-byte chunk headers, %s)\n\n",
	       (void *)heap->heap, end, v.l.nb_buckets, v.l.hdr_bytes,
	       sys_heap_hardening_name(heap->cfg.hardening));

	printf("  bucket#    min units        total      largest      largest\n"
	       "             threshold       chunks      (units)      (bytes)\n"
	       "  -----------------------------------------------------------\n");
	for (unsigned b = 0; b < v.l.nb_buckets; b++) {
		uint32_t first, count = 0, largest = 0;
		size_t head_off = v.l.heads_offset + 4u * b;

		if (head_off + 4 > v.span)
			break;
		memcpy(&first, v.S + head_off, 4);
		/* Each list is walked at most end times: a looping list still ends. */
		for (c = first; c && c < end && count < end; c = field(&v, c, 3)) {
			uint32_t sz = size_of(&v, c);

			count++;
			largest = sz > largest ? sz : largest;
			if (field(&v, c, 3) == first)
				break;
		}
		if (count)
			printf("%9u %12u %12u %12u %12zu\n", b, (1u << b) + v.l.min_chunk - 1, count,
			       largest, usable(&v, largest));
	}
	if (sys_heap_usage_get(heap, &u))
		printf("\n%zu free bytes, %zu allocated bytes, %zu overhead bytes (%u used, %u free "
		       "chunks)\n",
		       u.free_bytes, u.used_bytes,
		       (size_t)end * 8 - u.free_bytes - u.used_bytes, u.used_chunks, u.free_chunks);
	else
		printf("\nthe chunk list is inconsistent: no totals\n");

	if (!dump_chunks)
		return;
	printf("\n  chunk    units  state   left\n");
	for (c = size_of(&v, 0); c < end;) {
		uint32_t sz = size_of(&v, c);

		printf("%7u %8u  %-6s %6u\n", c, sz, used(&v, c) ? "used" : "free", field(&v, c, 0));
		if (sz == 0 || sz > end - c) {
			printf("  chunk %u has an impossible size: dump stops\n", c);
			return;
		}
		c += sz;
	}
	printf("%7u %8u  end\n", end, size_of(&v, end));
}
