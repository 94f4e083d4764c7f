/*
 * heapsim's Zephyr drop-in: what a syscall's verification handler (z_vrfy_*)
 * uses to check a user thread's arguments (Zephyr's
 * <zephyr/internal/syscall_handler.h>).
 *
 * Zephyr generates the code that traps into the kernel; a host build cannot,
 * so a syscall is made with HEAPSIM_SYSCALL(name, args...) (or
 * HEAPSIM_SYSCALL_VOID for a void one), which does what the generated
 * wrapper and marshaller do: from a user thread it calls z_vrfy_<name>(args)
 * in kernel mode (k_is_user_context() false, k_is_in_user_syscall() true);
 * from supervisor mode it calls z_impl_<name>(args) directly. The usual
 * replacement for `#include <syscalls/foo.h>` is, for each syscall:
 *
 *	static inline int foo(char *buf, size_t len)
 *	{
 *		return HEAPSIM_SYSCALL(foo, buf, len);
 *	}
 *
 * The checks are Zephyr's: the K_SYSCALL_* macros return 0 when the check
 * passes and non-zero (after logging on stderr) when it fails, and
 * K_OOPS(non-zero) is a fatal K_ERR_KERNEL_OOPS that aborts the calling
 * thread. Memory checks hold the buffer against the calling thread's memory
 * domain, its stack and the program's read-only data.
 */
#ifndef ZEPHYR_INCLUDE_SYSCALL_HANDLER_H_
#define ZEPHYR_INCLUDE_SYSCALL_HANDLER_H_

#include <stdbool.h>
#include <stddef.h>

#include <zephyr/kernel.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __syscall
#define __syscall
#endif

enum _obj_init_check {
	_OBJ_INIT_TRUE = 0,
	_OBJ_INIT_FALSE = -1,
	_OBJ_INIT_ANY = 1
};

/* The thread running now (Zephyr's _current). */
#define _current k_current_get()
#define arch_current_thread() k_current_get()

/* True while a syscall from a user thread is being handled. */
bool k_is_in_user_syscall(void);

/* 0 if the calling thread may, in user mode, read (write: and write) all of
 * [addr, addr + size); -EPERM otherwise. Size 0 passes. */
int arch_buffer_validate(const void *addr, size_t size, int write);
/* strnlen() that reports an unreadable byte (*err = -1) instead of faulting.
 * As on Zephyr it checks only that the memory exists, not the caller's
 * rights. */
size_t arch_user_string_nlen(const char *s, size_t maxsize, int *err);

int k_object_validate(struct k_object *ko, enum k_objects otype, enum _obj_init_check init);
void k_object_dump_error(int retval, const void *obj, struct k_object *ko, enum k_objects otype);
void k_thread_perms_inherit(struct k_thread *parent, struct k_thread *child);
void k_thread_perms_set(struct k_object *ko, struct k_thread *thread);
void k_thread_perms_clear(struct k_object *ko, struct k_thread *thread);
void k_thread_perms_all_clear(struct k_thread *thread);

static inline size_t k_usermode_string_nlen(const char *src, size_t maxlen, int *err)
{
	return arch_user_string_nlen(src, maxlen, err);
}
/* 0, or EFAULT (positive, as Zephyr) when the caller may not read src /
 * write dst. */
int k_usermode_from_copy(void *dst, const void *src, size_t size);
int k_usermode_to_copy(void *dst, const void *src, size_t size);
/* 0, EFAULT, or EINVAL when no NUL is found within maxlen bytes. */
int k_usermode_string_copy(char *dst, const char *src, size_t maxlen);
/* Copies into a block of the system heap (k_free it); NULL on error. */
void *k_usermode_alloc_from_copy(const void *src, size_t size);
char *k_usermode_string_alloc_copy(const char *src, size_t maxlen);

/* A failed check's message, kept for the oops that follows it. */
void z_heapsim_syscall_failed(const char *func, const char *fmt, ...) __printf_like(2, 3);
/* The oops of a syscall: fatal K_ERR_KERNEL_OOPS, then the calling thread is
 * aborted (in the thread of main(), the process aborts). */
FUNC_NORETURN void arch_syscall_oops(void *ssf);

#define K_OOPS(expr)                                                                       \
	do {                                                                               \
		if (expr)                                                                  \
			arch_syscall_oops(_current->syscall_frame);                        \
	} while (false)

#define K_SYSCALL_VERIFY_MSG(expr, fmt, ...)                                               \
	({                                                                                 \
		bool z_failed_ = !(expr);                                                  \
		if (z_failed_)                                                             \
			z_heapsim_syscall_failed(__func__, fmt, ##__VA_ARGS__);            \
		z_failed_;                                                                 \
	})
#define K_SYSCALL_VERIFY(expr) K_SYSCALL_VERIFY_MSG(expr, #expr)

#define K_SYSCALL_MEMORY(ptr, size, write)                                                 \
	K_SYSCALL_VERIFY_MSG(arch_buffer_validate((const void *)(ptr), (size_t)(size),     \
						  (write)) == 0,                           \
			     "Memory region %p (size %zu) %s access denied", (void *)(ptr),  \
			     (size_t)(size), (write) ? "write" : "read")
#define K_SYSCALL_MEMORY_READ(ptr, size) K_SYSCALL_MEMORY(ptr, size, 0)
#define K_SYSCALL_MEMORY_WRITE(ptr, size) K_SYSCALL_MEMORY(ptr, size, 1)

#define K_SYSCALL_MEMORY_ARRAY(ptr, nmemb, size, write)                                    \
	({                                                                                 \
		size_t z_product_ = 0;                                                     \
		K_SYSCALL_VERIFY_MSG(!__builtin_mul_overflow((size_t)(nmemb),              \
							     (size_t)(size), &z_product_), \
				     "%zux%zu array is too large", (size_t)(nmemb),        \
				     (size_t)(size)) ||                                    \
			K_SYSCALL_MEMORY(ptr, z_product_, write);                          \
	})
#define K_SYSCALL_MEMORY_ARRAY_READ(ptr, nmemb, size) K_SYSCALL_MEMORY_ARRAY(ptr, nmemb, size, 0)
#define K_SYSCALL_MEMORY_ARRAY_WRITE(ptr, nmemb, size) K_SYSCALL_MEMORY_ARRAY(ptr, nmemb, size, 1)

static inline int k_object_validation_check(struct k_object *ko, const void *obj,
					    enum k_objects otype, enum _obj_init_check init)
{
	int ret = k_object_validate(ko, otype, init);

	if (ret != 0)
		k_object_dump_error(ret, obj, ko, otype);
	return ret;
}

#define K_SYSCALL_IS_OBJ(ptr, type, init)                                                  \
	K_SYSCALL_VERIFY_MSG(k_object_validation_check(k_object_find((const void *)(ptr)), \
						       (const void *)(ptr), (type),        \
						       (init)) == 0,                       \
			     "access denied")
#define K_SYSCALL_OBJ(ptr, type) K_SYSCALL_IS_OBJ(ptr, type, _OBJ_INIT_TRUE)
#define K_SYSCALL_OBJ_INIT(ptr, type) K_SYSCALL_IS_OBJ(ptr, type, _OBJ_INIT_ANY)
#define K_SYSCALL_OBJ_NEVER_INIT(ptr, type) K_SYSCALL_IS_OBJ(ptr, type, _OBJ_INIT_FALSE)

/* ---- making a syscall (heapsim; Zephyr generates this) --------------------- */

/* Enters a syscall: true (and the thread's syscall_frame set) when the
 * caller is in user mode; the matching leave clears it. */
bool z_heapsim_syscall_enter(void);
void z_heapsim_syscall_leave(bool from_user);

#define HEAPSIM_SYSCALL(name, ...)                                                         \
	({                                                                                 \
		bool z_user_ = z_heapsim_syscall_enter();                                  \
		__auto_type z_ret_ = z_user_ ? z_vrfy_##name(__VA_ARGS__)                  \
					     : z_impl_##name(__VA_ARGS__);                 \
		z_heapsim_syscall_leave(z_user_);                                          \
		z_ret_;                                                                    \
	})
#define HEAPSIM_SYSCALL_VOID(name, ...)                                                    \
	do {                                                                               \
		bool z_user_ = z_heapsim_syscall_enter();                                  \
		if (z_user_)                                                               \
			z_vrfy_##name(__VA_ARGS__);                                        \
		else                                                                       \
			z_impl_##name(__VA_ARGS__);                                        \
		z_heapsim_syscall_leave(z_user_);                                          \
	} while (false)

/* ---- Zephyr's older names ---------------------------------------------------- */

#define Z_OOPS K_OOPS
#define Z_SYSCALL_VERIFY_MSG K_SYSCALL_VERIFY_MSG
#define Z_SYSCALL_VERIFY K_SYSCALL_VERIFY
#define Z_SYSCALL_MEMORY K_SYSCALL_MEMORY
#define Z_SYSCALL_MEMORY_READ K_SYSCALL_MEMORY_READ
#define Z_SYSCALL_MEMORY_WRITE K_SYSCALL_MEMORY_WRITE
#define Z_SYSCALL_MEMORY_ARRAY_READ K_SYSCALL_MEMORY_ARRAY_READ
#define Z_SYSCALL_MEMORY_ARRAY_WRITE K_SYSCALL_MEMORY_ARRAY_WRITE
#define Z_SYSCALL_IS_OBJ K_SYSCALL_IS_OBJ
#define Z_SYSCALL_OBJ K_SYSCALL_OBJ
#define Z_SYSCALL_OBJ_INIT K_SYSCALL_OBJ_INIT
#define Z_SYSCALL_OBJ_NEVER_INIT K_SYSCALL_OBJ_NEVER_INIT
#define z_user_from_copy k_usermode_from_copy
#define z_user_to_copy k_usermode_to_copy
#define z_user_string_nlen k_usermode_string_nlen
#define z_user_string_copy k_usermode_string_copy
#define z_user_alloc_from_copy k_usermode_alloc_from_copy
#define z_user_string_alloc_copy k_usermode_string_alloc_copy
#define z_is_in_user_syscall k_is_in_user_syscall
#define z_object_find k_object_find
#define z_object_validate k_object_validate

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYSCALL_HANDLER_H_ */
