/*
 * heapsim's Zephyr drop-in: threads (Zephyr's struct k_thread and the thread
 * calls of <zephyr/kernel.h>).
 *
 * Threads are fibers on the host thread that creates them, scheduled
 * cooperatively and deterministically by priority: a thread runs when it
 * outranks a preemptible creator (k_thread_create, k_thread_start) or when
 * the running thread blocks — k_thread_join, k_sleep and friends, k_yield,
 * a k_heap wait — and then until it finishes or blocks itself. Among equal
 * priorities the longest-ready runs first. There is no time slicing and no
 * preemption outside these calls. Returning from main() ends the program
 * whatever other threads still exist.
 */
#ifndef ZEPHYR_INCLUDE_KERNEL_THREAD_H_
#define ZEPHYR_INCLUDE_KERNEL_THREAD_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zephyr/kernel/thread_stack.h>

#ifdef __cplusplus
extern "C" {
#endif

struct k_mem_domain;

typedef void (*k_thread_entry_t)(void *p1, void *p2, void *p3);

#ifndef CONFIG_THREAD_MAX_NAME_LEN
#define CONFIG_THREAD_MAX_NAME_LEN 32
#endif

/* Thread options (Zephyr's values). */
#define K_ESSENTIAL (1u << 0)
#define K_FP_REGS (1u << 1)
#define K_USER (1u << 2)
#define K_INHERIT_PERMS (1u << 3)

struct _thread_base {
	uint8_t user_options; /* K_ESSENTIAL, K_USER, ... */
	uint8_t thread_state;
	int8_t prio;
};

struct k_thread_memory_domain_info {
	struct k_mem_domain *mem_domain;
};

struct _thread_stack_info {
	uintptr_t start; /* the stack object the thread was created on */
	size_t size;
	size_t delta;
};

/* The host side of a thread, kept by the kernel. */
struct z_heapsim_thread {
	k_thread_entry_t entry;
	void *p1, *p2, *p3;
	int state;                 /* the kernel's thread state (0: never created) */
	int wait_result;           /* why a blocked thread was made ready */
	uint64_t ready_seq;        /* order among ready threads of one priority */
	int64_t wake_ns;           /* deadline of a timed wait, -1 none */
	struct k_thread *next;     /* in its host thread's list */
	struct k_thread *joining;  /* the thread it waits for in k_thread_join */
	const void *waiting_on;    /* the k_heap it waits for, or NULL */
	void *fiber;               /* host context and stack */
	void *sched;               /* the host thread's scheduler */
	int index;                 /* its bit in kernel-object permissions, -1 none */
};

struct k_thread {
	struct _thread_base base;
	struct k_thread_memory_domain_info mem_domain_info;
	/* Set while a syscall made from user mode is being handled. */
	void *syscall_frame;
	struct _thread_stack_info stack_info;
	k_thread_stack_t *stack_obj;
	char name[CONFIG_THREAD_MAX_NAME_LEN];
	void *custom_data;
	struct z_heapsim_thread z_heapsim;
};
typedef struct k_thread *k_tid_t;

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_KERNEL_THREAD_H_ */
