/*
 * User mode of the Zephyr drop-in: kernel objects and thread permissions,
 * memory partitions and domains, the software check of a user thread's
 * access to memory, and what syscall handlers use (copies, the oops).
 *
 * What a user thread may access: the partitions of its domain (with their
 * user rights), its stack object, the host stack its code runs on (its
 * locals live there), and the program's read-only segments (code and
 * constants, readable as on Zephyr's usual memory maps). A range may span
 * several of these.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zephyr/app_memory/app_memdomain.h>

#include "zephyr_internal.h"

#ifdef ZH_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* ---- kernel objects ---------------------------------------------------------------- */

#define MAX_THREAD_INDEXES (CONFIG_MAX_THREAD_BYTES * 8)

static pthread_mutex_t kobj_lock = PTHREAD_MUTEX_INITIALIZER;
static struct k_object objects[HEAPSIM_MAX_KOBJECTS];
static unsigned int n_objects;
static unsigned int thread_indexes_used;

static struct k_object *find_locked(const void *obj)
{
	for (unsigned int i = 0; i < n_objects; i++)
		if (objects[i].name == obj)
			return &objects[i];
	return NULL;
}

struct k_object *k_object_find(const void *obj)
{
	struct k_object *ko;

	pthread_mutex_lock(&kobj_lock);
	ko = obj ? find_locked(obj) : NULL;
	pthread_mutex_unlock(&kobj_lock);
	return ko;
}

static int register_locked(const void *obj, enum k_objects type, struct k_object **out)
{
	struct k_object *ko = find_locked(obj);

	if (ko) {
		*out = ko;
		return ko->type == type ? 0 : -EEXIST;
	}
	if (n_objects == HEAPSIM_MAX_KOBJECTS)
		return -ENOMEM;
	ko = &objects[n_objects++];
	memset(ko, 0, sizeof(*ko));
	ko->name = (void *)(uintptr_t)obj;
	ko->type = (uint8_t)type;
	if (type == K_OBJ_THREAD)
		ko->data.thread_id = thread_indexes_used < MAX_THREAD_INDEXES ? thread_indexes_used++
									     : UINT32_MAX;
	*out = ko;
	return 0;
}

int heapsim_object_register(const void *obj, enum k_objects type)
{
	struct k_object *ko;
	int rc;

	if (!obj || type <= K_OBJ_ANY || type >= K_OBJ_LAST)
		return -EINVAL;
	pthread_mutex_lock(&kobj_lock);
	rc = register_locked(obj, type, &ko);
	pthread_mutex_unlock(&kobj_lock);
	if (rc == -ENOMEM)
		fprintf(stderr, "E: more than %d kernel objects: %p is not one\n",
			HEAPSIM_MAX_KOBJECTS, obj);
	return rc;
}

void z_heapsim_stack_register(k_thread_stack_t *first, size_t each, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const void *stack = (const char *)first + i * each;
		struct k_object *ko;

		pthread_mutex_lock(&kobj_lock);
		if (register_locked(stack, K_OBJ_THREAD_STACK_ELEMENT, &ko) == 0)
			ko->data.stack_size = each;
		pthread_mutex_unlock(&kobj_lock);
	}
}

/* The thread's permission bit, -1 if it has none (not a kernel object, or
 * more threads than bits). */
static int index_locked(const struct k_thread *t)
{
	struct k_object *ko = t ? find_locked(t) : NULL;

	if (!ko || ko->type != K_OBJ_THREAD || ko->data.thread_id >= MAX_THREAD_INDEXES)
		return -1;
	return (int)ko->data.thread_id;
}

static void set_bit(struct k_object *ko, int index, bool on)
{
	if (index < 0)
		return;
	if (on)
		ko->perms[index / 8] |= (uint8_t)(1u << (index % 8));
	else
		ko->perms[index / 8] &= (uint8_t)~(1u << (index % 8));
}

static bool test_bit(const struct k_object *ko, int index)
{
	return index >= 0 && (ko->perms[index / 8] >> (index % 8)) & 1u;
}

void zh_kobj_thread_created(struct k_thread *t, struct k_thread *parent, bool inherit)
{
	struct k_object *ko, *sko;
	int me, from;

	pthread_mutex_lock(&kobj_lock);
	if (register_locked(t, K_OBJ_THREAD, &ko) == 0) {
		me = index_locked(t);
		ko->flags |= K_OBJ_FLAG_INITIALIZED;
		set_bit(ko, me, true); /* every thread has access to itself */
		t->z_heapsim.index = me;
		from = index_locked(parent);
		if (inherit && from >= 0)
			for (unsigned int i = 0; i < n_objects; i++)
				if (test_bit(&objects[i], from) && objects[i].name != parent)
					set_bit(&objects[i], me, true);
	} else {
		t->z_heapsim.index = -1;
	}
	sko = t->stack_obj ? find_locked(t->stack_obj) : NULL;
	if (sko && sko->type == K_OBJ_THREAD_STACK_ELEMENT)
		sko->flags |= K_OBJ_FLAG_INITIALIZED;
	pthread_mutex_unlock(&kobj_lock);
}

void zh_kobj_thread_exited(struct k_thread *t)
{
	struct k_object *ko, *sko;
	int me;

	pthread_mutex_lock(&kobj_lock);
	ko = find_locked(t);
	me = index_locked(t);
	if (ko)
		ko->flags &= (uint8_t)~K_OBJ_FLAG_INITIALIZED;
	sko = t->stack_obj ? find_locked(t->stack_obj) : NULL;
	if (sko)
		sko->flags &= (uint8_t)~K_OBJ_FLAG_INITIALIZED;
	/* Zephyr drops an ended thread's permissions (public objects stay public). */
	for (unsigned int i = 0; i < n_objects; i++)
		set_bit(&objects[i], me, false);
	pthread_mutex_unlock(&kobj_lock);
}

static void grant(const void *object, struct k_thread *thread, bool on)
{
	struct k_object *ko;

	pthread_mutex_lock(&kobj_lock);
	ko = object ? find_locked(object) : NULL;
	if (ko)
		set_bit(ko, index_locked(thread), on);
	pthread_mutex_unlock(&kobj_lock);
}

void k_object_access_grant(const void *object, struct k_thread *thread)
{
	grant(object, thread, true);
}

void k_object_access_revoke(const void *object, struct k_thread *thread)
{
	grant(object, thread, false);
}

void k_object_release(const void *object)
{
	grant(object, k_current_get(), false);
}

void z_heapsim_access_grant_list(struct k_thread *thread, const void *const *objects_)
{
	for (; *objects_; objects_++)
		grant(*objects_, thread, true);
}

void k_thread_perms_set(struct k_object *ko, struct k_thread *thread)
{
	pthread_mutex_lock(&kobj_lock);
	set_bit(ko, index_locked(thread), true);
	pthread_mutex_unlock(&kobj_lock);
}

void k_thread_perms_clear(struct k_object *ko, struct k_thread *thread)
{
	pthread_mutex_lock(&kobj_lock);
	set_bit(ko, index_locked(thread), false);
	pthread_mutex_unlock(&kobj_lock);
}

void k_thread_perms_all_clear(struct k_thread *thread)
{
	pthread_mutex_lock(&kobj_lock);
	int me = index_locked(thread);

	for (unsigned int i = 0; i < n_objects; i++)
		set_bit(&objects[i], me, false);
	pthread_mutex_unlock(&kobj_lock);
}

void k_thread_perms_inherit(struct k_thread *parent, struct k_thread *child)
{
	pthread_mutex_lock(&kobj_lock);
	int from = index_locked(parent), to = index_locked(child);

	if (from >= 0 && to >= 0)
		for (unsigned int i = 0; i < n_objects; i++)
			if (test_bit(&objects[i], from) && objects[i].name != parent)
				set_bit(&objects[i], to, true);
	pthread_mutex_unlock(&kobj_lock);
}

static void set_flags(const void *obj, uint8_t set, uint8_t clear)
{
	struct k_object *ko;

	pthread_mutex_lock(&kobj_lock);
	ko = obj ? find_locked(obj) : NULL;
	if (ko)
		ko->flags = (uint8_t)((ko->flags & ~clear) | set);
	pthread_mutex_unlock(&kobj_lock);
}

void k_object_access_all_grant(const void *object)
{
	set_flags(object, K_OBJ_FLAG_PUBLIC, 0);
}

void k_object_init(const void *obj)
{
	set_flags(obj, K_OBJ_FLAG_INITIALIZED, 0);
}

void k_object_uninit(const void *obj)
{
	set_flags(obj, 0, K_OBJ_FLAG_INITIALIZED);
}

void k_object_recycle(const void *obj)
{
	struct k_object *ko;

	pthread_mutex_lock(&kobj_lock);
	ko = obj ? find_locked(obj) : NULL;
	if (ko) {
		memset(ko->perms, 0, sizeof(ko->perms));
		set_bit(ko, index_locked(k_current_get()), true);
		ko->flags |= K_OBJ_FLAG_INITIALIZED;
	}
	pthread_mutex_unlock(&kobj_lock);
}

/* Zephyr's order: wrong or unknown object, then permission, then state. */
int k_object_validate(struct k_object *ko, enum k_objects otype, enum _obj_init_check init)
{
	int rc = 0;

	pthread_mutex_lock(&kobj_lock);
	if (!ko || (otype != K_OBJ_ANY && ko->type != otype))
		rc = -EBADF;
	else if (!(ko->flags & K_OBJ_FLAG_PUBLIC) && !test_bit(ko, index_locked(k_current_get())))
		rc = -EPERM;
	else if (init == _OBJ_INIT_TRUE && !(ko->flags & K_OBJ_FLAG_INITIALIZED))
		rc = -EINVAL;
	else if (init == _OBJ_INIT_FALSE && (ko->flags & K_OBJ_FLAG_INITIALIZED))
		rc = -EADDRINUSE;
	pthread_mutex_unlock(&kobj_lock);
	return rc;
}

/* What the last failed check said on this host thread: the oops's message. */
static _Thread_local char check_detail[160];
static _Thread_local char check_message[400];

static void set_detail(const char *fmt, ...) __printf_like(1, 2);
static void set_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(check_detail, sizeof(check_detail), fmt, ap);
	va_end(ap);
	fprintf(stderr, "E: %s\n", check_detail);
}

void k_object_dump_error(int retval, const void *obj, struct k_object *ko, enum k_objects otype)
{
	(void)ko;
	switch (retval) {
	case -EBADF:
		set_detail("%p is not a valid kernel object of type %d", obj, (int)otype);
		break;
	case -EPERM:
		set_detail("thread %p does not have permission on object %p", (void *)k_current_get(),
			   obj);
		break;
	case -EINVAL:
		set_detail("object %p used before initialization", obj);
		break;
	case -EADDRINUSE:
		set_detail("object %p is already in use", obj);
		break;
	default:
		break;
	}
}

/* ---- memory partitions and domains ------------------------------------------------ */

struct k_mem_domain k_mem_domain_default; /* all zero: a valid empty domain */

static pthread_mutex_t domain_lock = PTHREAD_MUTEX_INITIALIZER;

int arch_mem_domain_max_partitions_get(void)
{
	return CONFIG_MAX_DOMAIN_PARTITIONS;
}

static bool bad_partition(const struct k_mem_domain *domain, const struct k_mem_partition *part)
{
	uintptr_t end;

	if (!part) {
		fprintf(stderr, "E: NULL k_mem_partition provided\n");
		return true;
	}
	/* Zephyr's default on MMU and MPU targets (CONFIG_EXECUTE_XOR_WRITE). */
	if (K_MEM_PARTITION_IS_EXECUTABLE(part->attr) && K_MEM_PARTITION_IS_WRITABLE(part->attr)) {
		fprintf(stderr, "E: partition %p is writable and executable\n", (void *)part);
		return true;
	}
	if (part->size == 0) {
		fprintf(stderr, "E: zero sized partition %p\n", (void *)part);
		return true;
	}
	if (__builtin_add_overflow(part->start, part->size, &end)) {
		fprintf(stderr, "E: partition %p wraps around the address space\n", (void *)part);
		return true;
	}
	/* Zephyr looks at the first num_partitions slots only: after a removal
	 * a used slot past that count is not checked, and neither is it here */
	for (int i = 0; i < domain->num_partitions; i++) {
		const struct k_mem_partition *d = &domain->partitions[i];

		if (d->size && part->start < d->start + d->size && d->start < end) {
			fprintf(stderr, "E: partition %p (%#lx, %zu bytes) overlaps %#lx (%zu bytes)\n",
				(void *)part, (unsigned long)part->start, part->size,
				(unsigned long)d->start, d->size);
			return true;
		}
	}
	return false;
}

int k_mem_domain_init(struct k_mem_domain *domain, uint8_t num_parts,
		      struct k_mem_partition *parts[])
{
	int rc = 0;

	if (!domain || (num_parts && !parts) || num_parts > CONFIG_MAX_DOMAIN_PARTITIONS)
		return -EINVAL;
	pthread_mutex_lock(&domain_lock);
	domain->num_partitions = 0;
	memset(domain->partitions, 0, sizeof(domain->partitions));
	for (unsigned int i = 0; i < num_parts; i++) {
		if (bad_partition(domain, parts[i])) {
			rc = -EINVAL;
			break;
		}
		domain->partitions[i] = *parts[i];
		domain->num_partitions++;
	}
	pthread_mutex_unlock(&domain_lock);
	return rc;
}

int k_mem_domain_add_partition(struct k_mem_domain *domain, struct k_mem_partition *part)
{
	int rc = -ENOSPC;

	if (!domain)
		return -EINVAL;
	pthread_mutex_lock(&domain_lock);
	if (bad_partition(domain, part)) {
		rc = -EINVAL;
	} else {
		for (int i = 0; i < CONFIG_MAX_DOMAIN_PARTITIONS; i++)
			if (domain->partitions[i].size == 0) {
				domain->partitions[i] = *part;
				domain->num_partitions++;
				rc = 0;
				break;
			}
		if (rc)
			fprintf(stderr, "E: no free partition slots available\n");
	}
	pthread_mutex_unlock(&domain_lock);
	return rc;
}

int k_mem_domain_remove_partition(struct k_mem_domain *domain, struct k_mem_partition *part)
{
	int rc = -ENOENT;

	if (!domain || !part)
		return -EINVAL;
	pthread_mutex_lock(&domain_lock);
	for (int i = 0; i < CONFIG_MAX_DOMAIN_PARTITIONS; i++) {
		struct k_mem_partition *d = &domain->partitions[i];

		if (d->size && d->start == part->start && d->size == part->size) {
			d->size = 0; /* a free slot */
			domain->num_partitions--;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&domain_lock);
	if (rc)
		fprintf(stderr, "E: no matching partition found\n");
	return rc;
}

int k_mem_domain_add_thread(struct k_mem_domain *domain, struct k_thread *thread)
{
	if (!domain || !thread) {
		zh_fault("k_mem_domain_add_thread(%p, %p): NULL domain or thread", (void *)domain,
			 (void *)thread);
		return -EINVAL;
	}
	pthread_mutex_lock(&domain_lock);
	thread->mem_domain_info.mem_domain = domain;
	pthread_mutex_unlock(&domain_lock);
	return 0;
}

void z_heapsim_app_partition_bounds(struct k_mem_partition *part, char *start, char *stop)
{
	if (start && stop && stop > start) {
		part->start = (uintptr_t)start;
		part->size = (size_t)(stop - start);
	}
}

/* ---- what a user thread may access ------------------------------------------------ */

struct range {
	uintptr_t lo, hi;
};

#define MAX_ROM_RANGES 64
static struct range rom[MAX_ROM_RANGES];
static int n_rom;
static pthread_once_t rom_once = PTHREAD_ONCE_INIT;

static int note_rom(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	for (int i = 0; i < info->dlpi_phnum && n_rom < MAX_ROM_RANGES; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_R) && !(ph->p_flags & PF_W)) {
			rom[n_rom].lo = info->dlpi_addr + ph->p_vaddr;
			rom[n_rom].hi = rom[n_rom].lo + ph->p_memsz;
			n_rom++;
		}
	}
	return 0;
}

static void find_rom(void)
{
	dl_iterate_phdr(note_rom, NULL);
}

/* The end of the allowed range that holds `at`, or 0 if none does. */
static uintptr_t allowed_from(const struct k_thread *t, uintptr_t at, bool write)
{
	const struct k_mem_domain *d = t->mem_domain_info.mem_domain;
	uintptr_t lo;
	size_t bytes;

	if (d)
		for (int i = 0; i < CONFIG_MAX_DOMAIN_PARTITIONS; i++) {
			const struct k_mem_partition *p = &d->partitions[i];
			uint32_t need = write ? Z_HEAPSIM_U_W : Z_HEAPSIM_U_R;

			if (p->size && (p->attr & need) && at >= p->start && at - p->start < p->size)
				return p->start + p->size;
		}
	if (t->stack_obj && at >= t->stack_info.start && at - t->stack_info.start < t->stack_info.size)
		return t->stack_info.start + t->stack_info.size;
	if (zh_thread_host_stack(t, &lo, &bytes) && at >= lo && at - lo < bytes)
		return lo + bytes;
#ifdef ZH_ASAN
	void *beg, *end;

	/* A local that AddressSanitizer moved off the stack is still the thread's. */
	if (__asan_addr_is_in_fake_stack(__asan_get_current_fake_stack(), (void *)at, &beg, &end))
		return (uintptr_t)end;
#endif
	if (!write) {
		pthread_once(&rom_once, find_rom);
		for (int i = 0; i < n_rom; i++)
			if (at >= rom[i].lo && at < rom[i].hi)
				return rom[i].hi;
	}
	return 0;
}

int arch_buffer_validate(const void *addr, size_t size, int write)
{
	const struct k_thread *t = k_current_get();
	uintptr_t at = (uintptr_t)addr, end;
	int rc = 0;

	if (size == 0)
		return 0;
	if (__builtin_add_overflow(at, size, &end))
		return -EPERM;
	pthread_mutex_lock(&domain_lock);
	while (at < end) {
		uintptr_t next = allowed_from(t, at, write != 0);

		if (!next) {
			rc = -EPERM;
			break;
		}
		at = next;
	}
	pthread_mutex_unlock(&domain_lock);
	return rc;
}

void heapsim_user_access(const volatile void *ptr, size_t size, bool write)
{
	struct k_thread *t;

	if (!k_is_user_context() || arch_buffer_validate((const void *)ptr, size, write) == 0)
		return;
	t = k_current_get();
	fprintf(stderr, "E: user thread %p (%s): %s of %zu bytes at %p outside its memory\n",
		(void *)t, t->name, write ? "write" : "read", size, (const void *)ptr);
	z_heapsim_fatal(K_ERR_CPU_EXCEPTION, NULL, 0,
			"user thread %p (%s): %s of %zu bytes at %p outside its memory", (void *)t,
			t->name, write ? "write" : "read", size, (const void *)ptr);
	zh_end_thread_after_fatal(K_ERR_CPU_EXCEPTION);
}

/* ---- strings and copies from user mode ------------------------------------------- */

static int probe_pipe[2] = { -1, -1 };
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void open_probe(void)
{
	if (pipe2(probe_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		probe_pipe[0] = probe_pipe[1] = -1;
}

/* Whether the byte at p can be read, without touching it: the host kernel
 * copies it into a pipe or reports EFAULT. */
static bool readable(const char *p)
{
	char c;

	pthread_once(&probe_once, open_probe);
	if (probe_pipe[1] < 0)
		return p != NULL;
	if (write(probe_pipe[1], p, 1) != 1)
		return false;
	if (read(probe_pipe[0], &c, 1) != 1)
		return false;
	return true;
}

size_t arch_user_string_nlen(const char *s, size_t maxsize, int *err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	*err = 0;
	for (size_t i = 0; i < maxsize; i++) {
		uintptr_t at = (uintptr_t)s + i; /* s may be NULL: no pointer arithmetic */

		/* Rights are per page: one probe per page the string enters. */
		if ((i == 0 || at % page == 0) && !readable((const char *)at)) {
			*err = -1;
			return 0;
		}
		if (s[i] == '\0')
			return i;
	}
	return maxsize;
}

int k_usermode_from_copy(void *dst, const void *src, size_t size)
{
	if (K_SYSCALL_MEMORY_READ(src, size))
		return EFAULT;
	memcpy(dst, src, size);
	return 0;
}

int k_usermode_to_copy(void *dst, const void *src, size_t size)
{
	if (K_SYSCALL_MEMORY_WRITE(dst, size))
		return EFAULT;
	memcpy(dst, src, size);
	return 0;
}

void *k_usermode_alloc_from_copy(const void *src, size_t size)
{
	void *dst = k_malloc(size);

	if (dst && k_usermode_from_copy(dst, src, size) != 0) {
		k_free(dst);
		dst = NULL;
	}
	return dst;
}

int k_usermode_string_copy(char *dst, const char *src, size_t maxlen)
{
	int err;
	size_t len = k_usermode_string_nlen(src, maxlen, &err);
	int rc;

	if (err)
		return EFAULT;
	if (len == maxlen) {
		fprintf(stderr, "E: string too long %p (%zu)\n", (const void *)src, len);
		return EINVAL;
	}
	rc = k_usermode_from_copy(dst, src, len + 1);
	dst[len] = '\0';
	return rc;
}

char *k_usermode_string_alloc_copy(const char *src, size_t maxlen)
{
	int err;
	size_t len = k_usermode_string_nlen(src, maxlen, &err);
	char *dst;

	if (err || len == maxlen)
		return NULL;
	dst = k_usermode_alloc_from_copy(src, len + 1);
	if (dst)
		dst[len] = '\0';
	return dst;
}

/* ---- syscalls ------------------------------------------------------------------------ */

bool k_is_in_user_syscall(void)
{
	return !k_is_in_isr() && k_current_get()->syscall_frame != NULL;
}

bool z_heapsim_syscall_enter(void)
{
	struct k_thread *t = k_current_get();

	if (!k_is_user_context())
		return false;
	t->syscall_frame = t; /* any non-NULL value: the handler runs in kernel mode */
	check_message[0] = '\0';
	return true;
}

void z_heapsim_syscall_leave(bool from_user)
{
	if (from_user)
		k_current_get()->syscall_frame = NULL;
}

void z_heapsim_syscall_failed(const char *func, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (check_detail[0])
		snprintf(check_message, sizeof(check_message), "syscall %s failed check: %s (%s)",
			 func, what, check_detail);
	else
		snprintf(check_message, sizeof(check_message), "syscall %s failed check: %s", func,
			 what);
	check_detail[0] = '\0';
	fprintf(stderr, "E: %s\n", check_message);
}

void arch_syscall_oops(void *ssf)
{
	(void)ssf;
	z_heapsim_fatal(K_ERR_KERNEL_OOPS, NULL, 0, "%s",
			check_message[0] ? check_message : "syscall oops");
	check_message[0] = '\0';
	k_current_get()->syscall_frame = NULL;
	zh_end_thread_after_fatal(K_ERR_KERNEL_OOPS);
}
