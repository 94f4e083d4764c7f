/*
 * heapsim's Zephyr drop-in: kernel objects and the permissions user threads
 * hold on them (Zephyr's <zephyr/sys/kobject.h>).
 *
 * Zephyr finds its kernel objects in a table generated at build time; a host
 * build has none, so heapsim registers what its kernel creates: every
 * k_thread (on k_thread_create) and every K_THREAD_STACK_DEFINE stack (before
 * main()). Objects of kernel types the drop-in does not implement (k_sem, ...)
 * can be registered with heapsim_object_register() so that a syscall handler's
 * K_SYSCALL_OBJ() checks them as Zephyr would.
 */
#ifndef ZEPHYR_INCLUDE_SYS_KOBJECT_H_
#define ZEPHYR_INCLUDE_SYS_KOBJECT_H_

#include <stddef.h>
#include <stdint.h>

#include <zephyr/sys/util.h>

#ifdef __cplusplus
extern "C" {
#endif

struct k_thread;

enum k_objects {
	K_OBJ_ANY,
	K_OBJ_CONDVAR,
	K_OBJ_EVENT,
	K_OBJ_FUTEX,
	K_OBJ_MEM_SLAB,
	K_OBJ_MSGQ,
	K_OBJ_MUTEX,
	K_OBJ_PIPE,
	K_OBJ_POLL_SIGNAL,
	K_OBJ_QUEUE,
	K_OBJ_SEM,
	K_OBJ_STACK,
	K_OBJ_SYS_MUTEX,
	K_OBJ_THREAD,
	K_OBJ_THREAD_STACK_ELEMENT,
	K_OBJ_TIMER,
	K_OBJ_NET_SOCKET,
	K_OBJ_LAST
};

/* Threads that can hold permissions: one bit each. Zephyr's default is 2
 * bytes (16 threads); a host test may create more. */
#ifndef CONFIG_MAX_THREAD_BYTES
#define CONFIG_MAX_THREAD_BYTES 8
#endif
#if CONFIG_MAX_THREAD_BYTES != 8
#error "heapsim's kernel is built with CONFIG_MAX_THREAD_BYTES 8 (64 threads)"
#endif

#define K_OBJ_FLAG_INITIALIZED BIT(0)
#define K_OBJ_FLAG_PUBLIC BIT(1)
#define K_OBJ_FLAG_ALLOC BIT(2)
#define K_OBJ_FLAG_DRIVER BIT(3)

/* Zephyr's object metadata: the object's address (name), the threads
 * allowed to use it, its type and flags. */
struct k_object {
	void *name;
	uint8_t perms[CONFIG_MAX_THREAD_BYTES];
	uint8_t type;
	uint8_t flags;
	union {
		unsigned int thread_id; /* K_OBJ_THREAD: its permission bit */
		size_t stack_size;      /* K_OBJ_THREAD_STACK_ELEMENT */
		uintptr_t unused;
	} data;
};

/* The metadata of a registered object, or NULL. */
struct k_object *k_object_find(const void *obj);

/* As Zephyr: grant / revoke a thread's access to an object (objects the
 * kernel does not know are ignored); release drops the caller's access;
 * all_grant makes the object usable by every thread. */
void k_object_access_grant(const void *object, struct k_thread *thread);
void k_object_access_revoke(const void *object, struct k_thread *thread);
void k_object_release(const void *object);
void k_object_access_all_grant(const void *object);
/* Marks an object initialised (what Zephyr's k_sem_init etc. do) and
 * uninitialised again. */
void k_object_init(const void *obj);
void k_object_uninit(const void *obj);
/* Marks initialised and leaves only the calling thread with access. */
void k_object_recycle(const void *obj);

/* heapsim: makes `obj` a kernel object of `type` (not yet initialised, no
 * thread has access). Returns 0, -EINVAL for a NULL object or a bad type,
 * -EEXIST if it is registered with another type, -ENOMEM when the table
 * (HEAPSIM_MAX_KOBJECTS entries) is full. */
int heapsim_object_register(const void *obj, enum k_objects type);
#define HEAPSIM_MAX_KOBJECTS 1024

/* k_thread_access_grant(thread, obj1, obj2, ...) */
void z_heapsim_access_grant_list(struct k_thread *thread, const void *const *objects);
#define k_thread_access_grant(thread, ...)                                                 \
	z_heapsim_access_grant_list((thread), (const void *const[]){ __VA_ARGS__, NULL })

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_KOBJECT_H_ */
