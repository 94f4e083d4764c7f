/*
 * heapsim's Zephyr drop-in: thread stack objects (Zephyr's
 * <zephyr/kernel/thread_stack.h>).
 *
 * A stack object is the memory Zephyr would run the thread on and what a
 * user thread may use as its own. On a host a thread's code runs on a host
 * stack that heapsim maps (large enough for host C code); the stack object
 * is still the thread's, and a user thread may read and write it. Define
 * stacks at file scope. K_THREAD_STACK_DEFINE stacks are kernel objects from
 * before main() (a K_USER thread needs one); K_KERNEL_STACK_DEFINE stacks are
 * not, as on Zephyr.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_THREAD_STACK_H_
#define ZEPHYR_INCLUDE_KERNEL_THREAD_STACK_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct z_thread_stack_element {
	char data;
};
typedef struct z_thread_stack_element k_thread_stack_t;

#define ARCH_STACK_PTR_ALIGN 16
#define K_THREAD_STACK_RESERVED 0
#define K_KERNEL_STACK_RESERVED 0
#define K_THREAD_STACK_LEN(size) (((size) + ARCH_STACK_PTR_ALIGN - 1) & ~(size_t)(ARCH_STACK_PTR_ALIGN - 1))
#define K_KERNEL_STACK_LEN(size) K_THREAD_STACK_LEN(size)
#define K_THREAD_STACK_SIZEOF(sym) (sizeof(sym) - K_THREAD_STACK_RESERVED)
#define K_KERNEL_STACK_SIZEOF(sym) (sizeof(sym) - K_KERNEL_STACK_RESERVED)
#define K_THREAD_STACK_BUFFER(sym) ((char *)(sym))
#define K_KERNEL_STACK_BUFFER(sym) ((char *)(sym))

/* Registers a stack object (an array of `count` stacks of `each` bytes). */
void z_heapsim_stack_register(k_thread_stack_t *first, size_t each, size_t count);

/* The first declaration takes a `static` written before the macro; the
 * constructor registers the stack before main(); the closing extern
 * declaration takes the caller's semicolon. */
#define K_THREAD_STACK_DEFINE(sym, size)                                                   \
	struct z_thread_stack_element __attribute__((__aligned__(ARCH_STACK_PTR_ALIGN)))   \
	sym[K_THREAD_STACK_LEN(size)];                                                     \
	__attribute__((__constructor__)) static void z_heapsim_stack_ctor_##sym(void)      \
	{                                                                                  \
		z_heapsim_stack_register(sym, sizeof(sym), 1);                             \
	}                                                                                  \
	extern struct z_thread_stack_element sym[K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_ARRAY_DEFINE(sym, nmemb, size)                                      \
	struct z_thread_stack_element __attribute__((__aligned__(ARCH_STACK_PTR_ALIGN)))   \
	sym[nmemb][K_THREAD_STACK_LEN(size)];                                              \
	__attribute__((__constructor__)) static void z_heapsim_stack_ctor_##sym(void)      \
	{                                                                                  \
		z_heapsim_stack_register(sym[0], sizeof(sym[0]), (nmemb));                 \
	}                                                                                  \
	extern struct z_thread_stack_element sym[nmemb][K_THREAD_STACK_LEN(size)]
#define K_THREAD_STACK_EXTERN(sym) extern k_thread_stack_t sym[]
#define K_THREAD_STACK_ARRAY_SIZEOF(sym) K_THREAD_STACK_SIZEOF((sym)[0])

#define K_KERNEL_STACK_DEFINE(sym, size)                                                   \
	struct z_thread_stack_element __attribute__((__aligned__(ARCH_STACK_PTR_ALIGN)))   \
	sym[K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_ARRAY_DEFINE(sym, nmemb, size)                                      \
	struct z_thread_stack_element __attribute__((__aligned__(ARCH_STACK_PTR_ALIGN)))   \
	sym[nmemb][K_KERNEL_STACK_LEN(size)]
#define K_KERNEL_STACK_EXTERN(sym) extern k_thread_stack_t sym[]

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_THREAD_STACK_H_ */
