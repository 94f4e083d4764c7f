/* The kernel-object registry: what lives where, who may use it, and names for reports. */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static const char *const type_names[K_OBJ_TYPE_COUNT] = {
	[K_OBJ_ANY] = "any",        [K_OBJ_THREAD] = "k_thread",
	[K_OBJ_SEM] = "k_sem",      [K_OBJ_MUTEX] = "k_mutex",
	[K_OBJ_HEAP] = "k_heap",    [K_OBJ_MEM_DOMAIN] = "k_mem_domain",
	[K_OBJ_DATA] = "kernel data",
};

const char *k_object_type_name(enum k_objects t)
{
	return (unsigned)t < K_OBJ_TYPE_COUNT ? type_names[t] : "?";
}

/* Built-in field tables (offsets of the arena structs in sim.h). */
#define F(type, member, name, group) \
	{ (uint32_t)offsetof(type, member), (uint32_t)sizeof(((type *)0)->member), name, group }
static const struct sim_field heap_fields[] = {
	F(struct k_heap, heap.heap, "heap.heap", "sys_heap"),
	F(struct k_heap, heap.init_mem, "heap.init_mem", "sys_heap"),
	F(struct k_heap, heap.init_bytes, "heap.init_bytes", "sys_heap"),
	F(struct k_heap, wait_q.head, "wait_q.head", "wait_q"),
	F(struct k_heap, wait_q.tail, "wait_q.tail", "wait_q"),
	F(struct k_heap, lock.locked, "lock.locked", "spinlock"),
	F(struct k_heap, lock.owner, "lock.owner", "spinlock"),
};
static const struct sim_field sem_fields[] = {
	F(struct k_sem, wait_q.head, "wait_q.head", "wait_q"),
	F(struct k_sem, wait_q.tail, "wait_q.tail", "wait_q"),
	F(struct k_sem, count, "count", NULL),
	F(struct k_sem, limit, "limit", NULL),
};
static const struct sim_field mutex_fields[] = {
	F(struct k_mutex, wait_q.head, "wait_q.head", "wait_q"),
	F(struct k_mutex, wait_q.tail, "wait_q.tail", "wait_q"),
	F(struct k_mutex, owner, "owner", NULL),
	F(struct k_mutex, lock_count, "lock_count", NULL),
};
static const struct sim_field thread_fields[] = {
	F(struct k_thread, next, "next", "wait_q link"),
	F(struct k_thread, prev, "prev", "wait_q link"),
	F(struct k_thread, id, "id", NULL),
	F(struct k_thread, prio, "prio", NULL),
	F(struct k_thread, state, "state", NULL),
	F(struct k_thread, options, "options", NULL),
};
static const struct sim_field domain_fields[] = {
	F(struct k_mem_domain, num_partitions, "num_partitions", NULL),
	F(struct k_mem_domain, id, "id", NULL),
	F(struct k_mem_domain, partitions, "partitions", "partitions"),
};
#undef F

static void builtin_fields(struct sim_kobj *o)
{
	switch (o->type) {
	case K_OBJ_HEAP:
		o->fields = heap_fields, o->nfields = sizeof(heap_fields) / sizeof(heap_fields[0]);
		break;
	case K_OBJ_SEM:
		o->fields = sem_fields, o->nfields = sizeof(sem_fields) / sizeof(sem_fields[0]);
		break;
	case K_OBJ_MUTEX:
		o->fields = mutex_fields, o->nfields = sizeof(mutex_fields) / sizeof(mutex_fields[0]);
		break;
	case K_OBJ_THREAD:
		o->fields = thread_fields, o->nfields = sizeof(thread_fields) / sizeof(thread_fields[0]);
		break;
	case K_OBJ_MEM_DOMAIN:
		o->fields = domain_fields, o->nfields = sizeof(domain_fields) / sizeof(domain_fields[0]);
		break;
	default:
		break;
	}
}

const char *sim_kobj_field(const struct sim_kobj *o, size_t inoff, const char **group)
{
	for (unsigned i = 0; i < o->nfields; i++)
		if (inoff >= o->fields[i].offset && inoff - o->fields[i].offset < o->fields[i].size) {
			if (group)
				*group = o->fields[i].group;
			return o->fields[i].name;
		}
	if (group)
		*group = NULL;
	return NULL;
}

static struct sim_kobj *slot_at(struct sim *s, size_t off)
{
	for (size_t i = 0; i < s->nkobjs; i++)
		if (s->kobjs[i].off == off)
			return &s->kobjs[i];
	return NULL;
}

static struct sim_kobj *new_slot(struct sim *s)
{
	if (s->nkobjs == s->kobj_cap) {
		size_t cap = s->kobj_cap ? 2 * s->kobj_cap : 64;
		struct sim_kobj *n = realloc(s->kobjs, cap * sizeof(*n));

		if (!n)
			return NULL;
		s->kobjs = n;
		s->kobj_cap = cap;
	}
	memset(&s->kobjs[s->nkobjs], 0, sizeof(s->kobjs[0]));
	return &s->kobjs[s->nkobjs++];
}

void sim_kobj_set_name(struct sim *s, void *addr, const char *name)
{
	size_t off;
	enum sim_view v;
	struct sim_kobj *o;

	if (!s || !name || !sim_locate(s, addr, 1, &off, &v))
		return;
	o = slot_at(s, off);
	if (!o) {
		o = new_slot(s);
		if (!o)
			return;
		o->off = off;
		o->view = v;
	}
	sim_copy_name(o->name, name, sizeof(o->name));
}

struct sim_kobj *sim_kobj_add(struct sim *s, void *addr, size_t size, enum k_objects type,
			      const char *type_name, const char *name, const struct sim_field *f,
			      unsigned nf, int *err)
{
	size_t off;
	enum sim_view v;
	struct sim_kobj *o;

	if (!size || !sim_locate(s, addr, size, &off, &v)) {
		*err = -EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < s->nkobjs; i++) {
		const struct sim_kobj *q = &s->kobjs[i];

		if (q->registered && off < q->off + q->size && q->off < off + size) {
			*err = -EEXIST;
			return NULL;
		}
	}
	o = slot_at(s, off);
	if (!o) {
		o = new_slot(s);
		if (!o) {
			*err = -ENOMEM;
			return NULL;
		}
	}
	/* `name` is a fallback: a name reserved by sim_kobj_alloc wins. */
	if (!o->name[0] && name)
		sim_copy_name(o->name, name, sizeof(o->name));
	if (!o->name[0])
		sim_fmt(o->name, sizeof(o->name), "%s@0x%08x", k_object_type_name(type),
			 (unsigned)sim_host_to_target(s, addr));
	o->off = off;
	o->view = v;
	o->size = size;
	o->type = type;
	sim_copy_name(o->type_name, type_name ? type_name : k_object_type_name(type),
		      sizeof(o->type_name));
	o->owner = s->current ? s->current->id : 0;
	o->perms = s->current ? 1ull << (s->current->id - 1) : 0;
	o->registered = true;
	if (f) {
		o->fields = f;
		o->nfields = nf;
	} else {
		builtin_fields(o);
	}
	return o;
}

int sim_kobj_register(struct sim *s, void *addr, size_t size, enum k_objects type,
		      const char *type_name, const char *name, const struct sim_field *fields,
		      unsigned nfields)
{
	int err = 0;
	struct sim_kobj *o;

	if ((unsigned)type >= K_OBJ_TYPE_COUNT || type == K_OBJ_ANY)
		return -EINVAL;
	o = sim_kobj_add(s, addr, size, type, type_name, name, fields, nfields, &err);
	if (!o)
		return err;
	if (name)
		sim_copy_name(o->name, name, sizeof(o->name));
	o->initialized = true;
	return 0;
}

int sim_kobj_unregister(struct sim *s, void *addr)
{
	size_t off;
	enum sim_view v;
	struct sim_kobj *o;

	if (!sim_locate(s, addr, 1, &off, &v))
		return -EINVAL;
	o = slot_at(s, off);
	if (!o || !o->registered)
		return -ENOENT;
	if (o->heap)
		free(o->heap);
	*o = s->kobjs[--s->nkobjs];
	return 0;
}

void sim_kobj_free_all(struct sim *s)
{
	for (size_t i = 0; i < s->nkobjs; i++)
		free(s->kobjs[i].heap);
	free(s->kobjs);
	s->kobjs = NULL;
	s->nkobjs = s->kobj_cap = 0;
}

struct sim_kobj *sim_kobj_lookup_exact(struct sim *s, const void *p)
{
	size_t off;
	enum sim_view v;
	struct sim_kobj *o;

	if (!sim_locate(s, p, 1, &off, &v))
		return NULL;
	o = slot_at(s, off);
	/* Objects are known by the address they were created at, as in Zephyr's
	 * object table: the other view's alias of an object is not that object. */
	return o && o->registered && o->view == v ? o : NULL;
}

struct sim_kobj *sim_kobj_containing(const struct sim *s, size_t off, size_t *inoff)
{
	for (size_t i = 0; i < s->nkobjs; i++) {
		struct sim_kobj *o = &s->kobjs[i];

		if (o->registered && off >= o->off && off - o->off < o->size) {
			if (inoff)
				*inoff = off - o->off;
			return o;
		}
	}
	return NULL;
}

bool sim_kobj_find(const struct sim *s, const void *p, struct sim_kobj_info *out, size_t *offset)
{
	size_t off, in;
	enum sim_view v;
	const struct sim_kobj *o;

	if (!sim_locate(s, p, 1, &off, &v))
		return false;
	o = sim_kobj_containing(s, off, &in);
	if (!o)
		return false;
	if (out) {
		out->type = o->type;
		out->type_name = o->type_name;
		out->name = o->name;
		out->taddr = (o->view == SIM_VIEW_CACHED ? SIM_CACHED_BASE : SIM_UNCACHED_BASE) +
			     (sim_taddr_t)o->off;
		out->size = o->size;
		out->owner = o->owner;
		out->perms = o->perms;
		out->initialized = o->initialized;
	}
	if (offset)
		*offset = in;
	return true;
}

int k_object_validate(const void *obj, enum k_objects type, int init)
{
	struct sim *s = g_sim;
	struct sim_kobj *o;
	struct sim_thread *t;

	if (!s)
		return -EBADF;
	o = sim_kobj_lookup_exact(s, obj);
	if (!o || (type != K_OBJ_ANY && o->type != type))
		return -EBADF;
	t = s->current;
	if (t && t->user && !(o->perms & (1ull << (t->id - 1))))
		return -EPERM;
	if (init > 0 && !o->initialized)
		return -EINVAL;
	if (init < 0 && o->initialized)
		return -EADDRINUSE;
	return 0;
}

void k_object_access_grant(const void *obj, k_tid_t thread)
{
	struct sim *s = g_sim;
	struct sim_kobj *o = s ? sim_kobj_lookup_exact(s, obj) : NULL;
	struct sim_thread *t = s ? sim_thread_of(s, thread) : NULL;

	if (o && t)
		o->perms |= 1ull << (t->id - 1);
}

/* ---- naming addresses ------------------------------------------------------------ */

void sim_region_label(const struct sim *s, size_t off, char *buf, size_t len)
{
	int r = sim_region_of(s, off);

	if (r < 0 || s->regions[r].kind == REG_FREE)
		sim_fmt(buf, len, "arena+0x%zx", off);
	else
		sim_fmt(buf, len, "%s+0x%zx", s->regions[r].name, off - s->regions[r].off);
}

/* The kernel-trusted heap whose buffer holds arena offset `off`, if any. */
static const struct sim_kobj *heap_with_buffer(const struct sim *s, size_t off, size_t *from_S)
{
	for (size_t i = 0; i < s->nkobjs; i++) {
		const struct sim_kobj *o = &s->kobjs[i];
		size_t boff, soff;
		enum sim_view v;

		if (!o->registered || !o->heap || !o->heap->heap)
			continue;
		if (!sim_locate(s, o->heap->init_mem, 1, &boff, &v) ||
		    !sim_locate(s, o->heap->heap, 1, &soff, &v))
			continue;
		if (off >= soff && off < boff + o->heap->init_bytes) {
			*from_S = off - soff;
			return o;
		}
	}
	return NULL;
}

void sim_describe_addr(const struct sim *s, const void *p, char *buf, size_t len)
{
	size_t off, in;
	enum sim_view v;
	const struct sim_kobj *o;
	char where[64];

	if (!len)
		return;
	if (!s || !sim_locate(s, p, 1, &off, &v)) {
		sim_fmt(buf, len, "outside the arena");
		return;
	}
	sim_region_label(s, off, where, sizeof(where));
	o = sim_kobj_containing(s, off, &in);
	if (o) {
		const char *f = sim_kobj_field(o, in, NULL);

		sim_fmt(buf, len, "%s %s: %s %s +0x%zx%s%s%s", where, sim_view_name(v), o->type_name,
			 o->name, in, f ? " (" : "", f ? f : "", f ? ")" : "");
		return;
	}
	o = heap_with_buffer(s, off, &in);
	if (o) {
		char piece[64];

		if (!sys_heap_describe_offset(o->heap, in, piece, sizeof(piece)) && !piece[0])
			sim_fmt(piece, sizeof(piece), "heap data");
		sim_fmt(buf, len, "%s %s: heap of %s, %s", where, sim_view_name(v), o->name, piece);
		return;
	}
	sim_fmt(buf, len, "%s %s", where, sim_view_name(v));
}
