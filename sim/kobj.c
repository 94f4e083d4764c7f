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
/* Zephyr's struct k_object (kernel/include... sys/kobject.h: name, perms,
 * type, flags, data; __packed, __aligned(4)) with CONFIG_MAX_THREAD_BYTES 4,
 * as SOF's user-space overlay sets it. */
static const struct sim_field record_fields[] = {
	{ SIM_KOBJ_REC_NAME, 4, "name", NULL },
	{ SIM_KOBJ_REC_PERMS, SIM_KOBJ_PERM_BYTES, "perms", NULL },
	{ SIM_KOBJ_REC_TYPE, 1, "type", NULL },
	{ SIM_KOBJ_REC_FLAGS, 1, "flags", NULL },
	{ SIM_KOBJ_REC_DATA, 4, "data", NULL },
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

static void rec_name(struct sim *s, const struct sim_kobj *o);

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
	rec_name(s, o);
}

/* ---- k_object records -------------------------------------------------------------- */

/*
 * Zephyr keeps what the syscall gate checks about an object (its address,
 * which threads may use it, its type, whether it is initialised) in a
 * struct k_object in kernel RAM: the generated table for static objects, a
 * dyn_obj from the kernel heap for k_object_alloc'd ones. Kernel objects a
 * syscall can name (threads, semaphores, mutexes) get such a record here, in
 * the kernel region's top, allocated downward so that no other kernel
 * object moves; k_object_validate decides from its bytes. A kernel store
 * into a record (a forged wait-queue link, say) therefore changes what the
 * gate allows, as on the target. A thread's index (its permission bit) is
 * id-1, kept in its own record's data; ids past the record's 32 bits keep
 * their bits in the registry.
 */
#define REC_BYTES SIM_KOBJ_REC_BYTES
#define REC_NAME SIM_KOBJ_REC_NAME
#define REC_PERMS SIM_KOBJ_REC_PERMS
#define REC_TYPE SIM_KOBJ_REC_TYPE
#define REC_FLAGS SIM_KOBJ_REC_FLAGS
#define REC_DATA SIM_KOBJ_REC_DATA
#define REC_FLAG_INITIALIZED 0x01u
#define REC_FLAG_PUBLIC 0x02u /* any thread may use it (k_object_access_all_grant) */

/* The object's target address, through the view it was registered by. */
static uint32_t kobj_taddr(const struct sim_kobj *o)
{
	return (uint32_t)((o->view == SIM_VIEW_CACHED ? SIM_CACHED_BASE : SIM_UNCACHED_BASE) + o->off);
}

static bool has_record(enum k_objects t)
{
	return t == K_OBJ_THREAD || t == K_OBJ_SEM || t == K_OBJ_MUTEX;
}

static uint8_t *rec_bytes(const struct sim *s, const struct sim_kobj *o)
{
	return s->backdoor + o->rec;
}

static void rec_put(struct sim *s, const struct sim_kobj *o, size_t at, const void *v, size_t n)
{
	sim_bd_write(s, s->view[0] + o->rec + at, v, n);
}

static void rec_name(struct sim *s, const struct sim_kobj *o)
{
	char name[SIM_NAME_MAX];
	struct sim_kobj *r;

	if (!o->rec)
		return;
	r = slot_at(s, o->rec);
	sim_fmt(name, sizeof(name), "of %s", o->name);
	if (r)
		sim_copy_name(r->name, name, sizeof(r->name));
}

/* Records go downward from the region's end (a page multiple) in steps of
 * REC_BYTES, so krec stays aligned; the next one lies at krec - REC_BYTES. */
static bool rec_room(const struct sim *s)
{
	return s->krec >= s->kbrk + REC_BYTES;
}

/* Gives the object at index i its record: 0, or the registry's error. */
static int rec_create(struct sim *s, size_t i)
{
	struct sim_kobj *o = &s->kobjs[i], *r;
	size_t at = s->krec - REC_BYTES;
	uint8_t img[REC_BYTES] = { 0 };
	uint32_t name = kobj_taddr(o);
	int err;

	if (!rec_room(s))
		return -ENOMEM;
	memcpy(img + REC_NAME, &name, 4);
	img[REC_TYPE] = (uint8_t)o->type;
	r = sim_kobj_add(s, s->view[0] + at, REC_BYTES, K_OBJ_DATA, "k_object", NULL, record_fields,
			 sizeof(record_fields) / sizeof(record_fields[0]), &err);
	if (!r)
		return err;
	r->initialized = true;
	s->krec = at;
	o = &s->kobjs[i]; /* the registry may have moved */
	o->rec = at;
	sim_bd_write(s, s->view[0] + at, img, sizeof(img));
	rec_name(s, o);
	return 0;
}

/* Removes o's record (its slot, its bytes; the space when it is the lowest). */
static void rec_remove(struct sim *s, size_t rec)
{
	struct sim_kobj *r = slot_at(s, rec);
	uint8_t zero[REC_BYTES] = { 0 };

	sim_bd_write(s, s->view[0] + rec, zero, sizeof(zero));
	if (r)
		*r = s->kobjs[--s->nkobjs];
	if (rec == s->krec)
		s->krec += REC_BYTES;
}

bool sim_kobj_is_record(const struct sim_kobj *o)
{
	return o->fields == record_fields;
}

bool sim_kobj_perm_test(const struct sim *s, const struct sim_kobj *o, uint32_t id)
{
	if (!id || id > 64)
		return false;
	if (o->rec && id <= 8 * SIM_KOBJ_PERM_BYTES)
		return rec_bytes(s, o)[REC_PERMS + (id - 1) / 8] >> ((id - 1) % 8) & 1;
	return o->perms >> (id - 1) & 1;
}

void sim_kobj_perm_grant(struct sim *s, struct sim_kobj *o, uint32_t id)
{
	if (!id)
		return;
	if (o->rec && id <= 8 * SIM_KOBJ_PERM_BYTES) {
		uint8_t b = rec_bytes(s, o)[REC_PERMS + (id - 1) / 8] | (uint8_t)(1u << ((id - 1) % 8));

		rec_put(s, o, REC_PERMS + (id - 1) / 8, &b, 1);
		return;
	}
	o->perms |= 1ull << (id - 1);
}

void sim_kobj_set_thread_index(struct sim *s, struct sim_kobj *o, uint32_t index)
{
	if (o->rec)
		rec_put(s, o, REC_DATA, &index, 4);
}

uint32_t sim_kobj_thread_index(const struct sim *s, const struct sim_thread *t)
{
	const struct sim_kobj *o = sim_kobj_lookup_exact((struct sim *)s, t->k);
	uint32_t index;

	if (!o || !o->rec)
		return t->id - 1;
	memcpy(&index, rec_bytes(s, o) + REC_DATA, 4);
	return index;
}

void sim_kobj_mark_initialized(struct sim *s, struct sim_kobj *o)
{
	o->initialized = true;
	if (o->rec) {
		uint8_t f = rec_bytes(s, o)[REC_FLAGS] | REC_FLAG_INITIALIZED;

		rec_put(s, o, REC_FLAGS, &f, 1);
	}
}

void *sim_kobj_record(struct sim *s, const void *obj)
{
	struct sim_kobj *o = s ? sim_kobj_lookup_exact(s, obj) : NULL;

	return o && o->rec ? s->view[0] + o->rec : NULL;
}

struct sim_kobj *sim_kobj_add(struct sim *s, void *addr, size_t size, enum k_objects type,
			      const char *type_name, const char *name, const struct sim_field *f,
			      unsigned nf, int *err)
{
	size_t off;
	enum sim_view v;
	struct sim_kobj *o, saved;
	bool fresh;

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
	if (has_record(type) && !rec_room(s)) {
		*err = -ENOMEM;
		return NULL;
	}
	o = slot_at(s, off);
	fresh = !o;
	if (o) {
		saved = *o;
	} else {
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
	o->perms = 0;
	o->rec = 0;
	o->registered = true;
	if (f) {
		o->fields = f;
		o->nfields = nf;
	} else {
		builtin_fields(o);
	}
	if (has_record(type)) {
		size_t i = (size_t)(o - s->kobjs);
		int e = rec_create(s, i);

		if (e) {
			/* as it was: a fresh slot is the last (the failed add appended none) */
			if (fresh)
				s->nkobjs--;
			else
				s->kobjs[i] = saved;
			*err = e;
			return NULL;
		}
		o = &s->kobjs[i];
	}
	if (s->current)
		sim_kobj_perm_grant(s, o, s->current->id);
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
	rec_name(s, o);
	sim_kobj_mark_initialized(s, o);
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
	if (o->rec) {
		rec_remove(s, o->rec);
		o = slot_at(s, off); /* the removal may have moved it */
	}
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
		out->taddr = kobj_taddr(o);
		out->size = o->size;
		out->owner = o->owner;
		out->perms = o->perms;
		for (uint32_t id = 1; o->rec && id <= 8 * SIM_KOBJ_PERM_BYTES; id++)
			if (sim_kobj_perm_test(s, o, id))
				out->perms |= 1ull << (id - 1);
		out->initialized = o->rec ? rec_bytes(s, o)[REC_FLAGS] & REC_FLAG_INITIALIZED
					  : o->initialized;
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
	bool initialized, public;

	if (!s)
		return -EBADF;
	o = sim_kobj_lookup_exact(s, obj);
	if (!o || (type != K_OBJ_ANY && o->type != type))
		return -EBADF;
	initialized = o->initialized;
	public = false;
	if (o->rec) {
		/* Zephyr's gate reads these from the record, whatever they now hold.
		 * A name or type that no longer says what the object is: the
		 * lookup (kept here) or the type check fails (-EBADF); the target's
		 * other outcomes of such a store (a rewritten dynamic object's name
		 * making another address that object, a type rewritten to a type
		 * asked for) are not modelled (docs/sim.md). */
		const uint8_t *r = rec_bytes(s, o);
		uint32_t name;

		memcpy(&name, r + REC_NAME, 4);
		if (name != kobj_taddr(o) || r[REC_TYPE] != (uint8_t)o->type)
			return -EBADF;
		initialized = r[REC_FLAGS] & REC_FLAG_INITIALIZED;
		public = r[REC_FLAGS] & REC_FLAG_PUBLIC;
	}
	t = s->current;
	/* the bit is the thread's index, read from its own record as Zephyr's
	 * thread_index_get does */
	if (t && t->user && !public && !sim_kobj_perm_test(s, o, sim_kobj_thread_index(s, t) + 1))
		return -EPERM;
	if (init > 0 && !initialized)
		return -EINVAL;
	if (init < 0 && initialized)
		return -EADDRINUSE;
	return 0;
}

void k_object_access_grant(const void *obj, k_tid_t thread)
{
	struct sim *s = g_sim;
	struct sim_kobj *o = s ? sim_kobj_lookup_exact(s, obj) : NULL;
	struct sim_thread *t = s ? sim_thread_of(s, thread) : NULL;

	if (o && t)
		sim_kobj_perm_grant(s, o, t->id);
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
