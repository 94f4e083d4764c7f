/* sched/ private declarations shared by the layer's .c files. */
#ifndef HEAPSIM_SCHED_INTERNAL_H
#define HEAPSIM_SCHED_INTERNAL_H

#include "sched.h"

/*
 * The oob layout's heap object, in kernel memory (arena layout, 32-bit
 * words): what SOF would keep instead of struct k_heap. Addresses are
 * target addresses; the host struct oob_heap is the kernel's private copy.
 */
struct ll_oob_kheap {
	struct k_spinlock lock;
	uint32_t meta;        /* metadata buffer (kernel-only) */
	uint32_t meta_bytes;
	uint32_t init_mem;    /* payload buffer, uncached alias */
	uint32_t init_bytes;
};

/* Kernel bookkeeping of live blocks: uncached target address → usable bytes. */
#define LL_SHADOW_CAP 16384u /* power of two; ≥ 2 × the most blocks a run keeps */
struct ll_shadow {
	uint32_t key[LL_SHADOW_CAP];   /* 0 empty, 1 deleted */
	uint32_t size[LL_SHADOW_CAP];
	size_t used;                   /* live + deleted slots */
	uint64_t untracked;            /* insertions that found no room */
};

struct ll_env {
	struct ll_env_config cfg;
	const struct ll_layout *layout;
	struct sim *sim;
	size_t page;

	struct k_mem_domain *domain;
	void *sysuser;                 /* user partition: zephyr_ll_heap and friends */
	uint32_t *heap_var;

	struct k_heap *heap;           /* the kernel's heap object (k_heap or oob) */
	struct sys_heap *sys;          /* NULL for oob */
	void *buf;                     /* buffer, cached view */
	size_t buf_bytes;
	void *kdata;                   /* kernel data placed right after the buffer */

	struct ll_oob_kheap *oobk;     /* oob layout only */
	struct oob_heap oob;
	void *oob_meta;

	struct ll_sched *sched;

	struct ll_shadow *shadow;
	struct ll_heap_stats stats;
	bool validate_reported;
};

/* ll_layouts.c */
int ll_env_add_partition(struct ll_env *env, void *start, size_t size, uint32_t attr);
int ll_env_heap_init(struct ll_env *env, void *buf_uncached, size_t bytes, const char *name);

/* ll_syscalls.c */
int ll_syscalls_register(struct ll_env *env);

#endif /* HEAPSIM_SCHED_INTERNAL_H */
