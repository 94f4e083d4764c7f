/*
 * The audit: which kernel objects and which kernel-trusted heap metadata lie
 * in pages some user thread could write. A page counts as user-writable when
 * any domain (threads or not yet) has a P_RW_U_RW partition over it through
 * either view, or it is a user thread's stack; rights are per page and the
 * same in both views, so "through any view" is covered by construction.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

struct grant {
	char who[SIM_NAME_MAX];
	char view[16];
};

/* Per page: who grants user write access (first found), or who[0] == 0. */
static struct grant *writable_map(const struct sim *s)
{
	struct grant *g = calloc(s->npages, sizeof(*g));

	if (!g)
		return NULL;
	for (unsigned d = 0; d < s->ndomains; d++) {
		const struct sim_domain *dom = &s->domains[d];

		for (unsigned i = 0; i < dom->nparts; i++) {
			const struct sim_part *p = &dom->parts[i];

			if (!(p->attr & K_MEM_PARTITION_U_W))
				continue;
			for (size_t pg = p->off / s->page; pg < (p->off + p->size) / s->page; pg++)
				if (!g[pg].who[0]) {
					sim_fmt(g[pg].who, sizeof(g[pg].who), "domain %s", dom->name);
					sim_copy_name(g[pg].view, sim_view_name(p->view), sizeof(g[pg].view));
				}
		}
	}
	for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
		const struct sim_thread *t = &s->threads[i];

		if (!t->used || !t->user || t->state >= SIM_THREAD_EXITED)
			continue;
		size_t first = (size_t)((const uint8_t *)t->stack - s->view[0]) / s->page;

		for (size_t pg = first; pg < first + t->stack_bytes / s->page; pg++)
			if (!g[pg].who[0]) {
				sim_fmt(g[pg].who, sizeof(g[pg].who), "stack of %s", t->name);
				sim_copy_name(g[pg].view, "both", sizeof(g[pg].view));
			}
	}
	return g;
}

/* First user-writable page in [off, off+len), or -1. */
static long exposed_page(const struct sim *s, const struct grant *g, size_t off, size_t len)
{
	if (!len)
		return -1;
	for (size_t pg = off / s->page; pg <= (off + len - 1) / s->page; pg++)
		if (g[pg].who[0])
			return (long)pg;
	return -1;
}

static struct sim_audit_item *new_item(struct sim_audit *a, size_t *cap)
{
	if (a->count == *cap) {
		size_t n = *cap ? 2 * *cap : 8;
		struct sim_audit_item *it = realloc(a->items, n * sizeof(*it));

		if (!it)
			return NULL;
		a->items = it;
		*cap = n;
	}
	memset(&a->items[a->count], 0, sizeof(a->items[0]));
	return &a->items[a->count++];
}

static void fill_grant(struct sim_audit_item *it, const struct grant *g)
{
	sim_copy_name(it->domain, g->who, sizeof(it->domain));
	sim_copy_name(it->partition_view, g->view, sizeof(it->partition_view));
}

/* "sys_heap, wait_q, spinlock": the field groups lying in exposed pages. */
static void exposed_groups(const struct sim *s, const struct grant *g, const struct sim_kobj *o,
			   char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < o->nfields; i++) {
		const struct sim_field *f = &o->fields[i];
		const char *name = f->group ? f->group : f->name;

		if (exposed_page(s, g, o->off + f->offset, f->size) < 0 || strstr(buf, name))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? ", " : "", name);
	}
}

/* One chunk header at arena offset `off`: counted if a user can write it. */
static void note_header(const struct sim *s, const struct grant *g, size_t off, unsigned bytes,
			bool free_chunk, uint32_t *headers, uint32_t *frees, long *first_page)
{
	long p = exposed_page(s, g, off, bytes);

	if (p < 0)
		return;
	(*headers)++;
	if (free_chunk)
		(*frees)++;
	if (*first_page < 0)
		*first_page = p;
}

/* The in-band metadata of a kernel-trusted heap lying in user-writable pages. */
static int audit_heap(const struct sim *s, const struct grant *g, const struct sim_kobj *o,
		      struct sim_audit *a, size_t *cap)
{
	const struct sys_heap *hp = o->heap;
	struct sys_heap_layout lay;
	const uint8_t *S = hp->heap;
	size_t soff, hdr_off;
	enum sim_view v;
	uint32_t headers = 0, frees = 0;
	long pg;
	struct sim_audit_item *it;
	struct sys_heap_walk w;
	struct sys_heap_chunk ch;

	if (!S || !sim_locate(s, S, 1, &soff, &v))
		return 0;
	sys_heap_layout_get(hp, &lay);
	/* The heap header: chunk 0 with end, avail_buckets and the bucket heads. */
	hdr_off = soff;
	pg = exposed_page(s, g, hdr_off, (size_t)lay.chunk0_units * SYS_HEAP_CHUNK_UNIT);
	if (pg >= 0) {
		it = new_item(a, cap);
		if (!it)
			return -ENOMEM;
		sim_copy_name(it->object, o->name, sizeof(it->object));
		sim_copy_name(it->type, "z_heap", sizeof(it->type));
		sim_fmt(it->detail, sizeof(it->detail),
			 "in-band heap header: end_chunk, avail_buckets, %u bucket heads",
			 lay.nb_buckets);
		it->taddr = SIM_CACHED_BASE + (sim_taddr_t)hdr_off;
		it->bytes = (size_t)lay.chunk0_units * SYS_HEAP_CHUNK_UNIT;
		fill_grant(it, &g[pg]);
	}
	/* Chunk headers, from the heap's own read-only walk, and the end marker's. */
	pg = -1;
	for (sys_heap_walk_begin(&w, hp); sys_heap_walk_next(&w, &ch);)
		note_header(s, g, soff + ch.offset, lay.hdr_bytes, !ch.used, &headers, &frees, &pg);
	if (sys_heap_walk_complete(&w))
		note_header(s, g, soff + (size_t)lay.end_chunk * SYS_HEAP_CHUNK_UNIT, lay.hdr_bytes,
			    false, &headers, &frees, &pg);
	if (pg >= 0) {
		it = new_item(a, cap);
		if (!it)
			return -ENOMEM;
		sim_copy_name(it->object, o->name, sizeof(it->object));
		sim_copy_name(it->type, "chunk headers", sizeof(it->type));
		sim_fmt(it->detail, sizeof(it->detail),
			 "%u in-band chunk headers (LEFT_SIZE, SIZE_AND_USED), %u free with "
			 "FREE_PREV/FREE_NEXT links",
			 headers, frees);
		it->taddr = SIM_CACHED_BASE +
			   (sim_taddr_t)(soff + SYS_HEAP_CHUNK_UNIT * (size_t)lay.chunk0_units);
		it->bytes = (size_t)headers * lay.hdr_bytes + (size_t)frees * 2 * lay.field_bytes;
		fill_grant(it, &g[pg]);
	}
	return 0;
}

int sim_audit(struct sim *s, struct sim_audit *a)
{
	struct grant *g = writable_map(s);
	size_t cap = 0;

	memset(a, 0, sizeof(*a));
	if (!g)
		return -ENOMEM;
	for (size_t i = 0; i < s->nkobjs; i++) {
		const struct sim_kobj *o = &s->kobjs[i];
		long pg;

		if (!o->registered)
			continue;
		a->objects_checked++;
		pg = exposed_page(s, g, o->off, o->size);
		if (pg >= 0) {
			struct sim_audit_item *it = new_item(a, &cap);
			char groups[120];

			if (!it)
				goto nomem;
			exposed_groups(s, g, o, groups, sizeof(groups));
			sim_copy_name(it->object, o->name, sizeof(it->object));
			sim_copy_name(it->type, o->type_name, sizeof(it->type));
			sim_fmt(it->detail, sizeof(it->detail), "%s", groups[0] ? groups : "whole object");
			it->taddr = SIM_CACHED_BASE + (sim_taddr_t)o->off;
			it->bytes = o->size;
			fill_grant(it, &g[pg]);
		}
		if (o->heap) {
			a->heaps_checked++;
			if (audit_heap(s, g, o, a, &cap))
				goto nomem;
		}
	}
	free(g);
	return 0;
nomem:
	free(g);
	sim_audit_free(a);
	return -ENOMEM;
}

void sim_audit_free(struct sim_audit *a)
{
	free(a->items);
	memset(a, 0, sizeof(*a));
}

void sim_audit_text(const struct sim_audit *a, FILE *out)
{
	for (size_t i = 0; i < a->count; i++) {
		const struct sim_audit_item *it = &a->items[i];

		fprintf(out, "USER-WRITABLE %s %s (%s) at 0x%08x, %zu bytes, via %s (%s view)\n",
			it->type, it->object, it->detail, (unsigned)it->taddr, it->bytes, it->domain,
			it->partition_view);
	}
	fprintf(out, "audit: %zu kernel objects and %zu kernel-trusted heaps checked: ",
		a->objects_checked, a->heaps_checked);
	if (a->count)
		fprintf(out, "%zu user-writable\n", a->count);
	else
		fprintf(out, "clean\n");
}

void sim_audit_json(const struct sim_audit *a, FILE *out)
{
	fprintf(out, "{\"objects_checked\":%zu,\"heaps_checked\":%zu,\"clean\":%s,\"exposed\":[",
		a->objects_checked, a->heaps_checked, a->count ? "false" : "true");
	for (size_t i = 0; i < a->count; i++) {
		const struct sim_audit_item *it = &a->items[i];

		fputs(i ? ",{\"object\":" : "{\"object\":", out);
		sim_json_string(out, it->object);
		fputs(",\"type\":", out);
		sim_json_string(out, it->type);
		fputs(",\"detail\":", out);
		sim_json_string(out, it->detail);
		fprintf(out, ",\"taddr\":\"0x%08x\",\"bytes\":%zu,\"writable_via\":", (unsigned)it->taddr,
			it->bytes);
		sim_json_string(out, it->domain);
		fputs(",\"view\":", out);
		sim_json_string(out, it->partition_view);
		fputc('}', out);
	}
	fputs("]}\n", out);
}
