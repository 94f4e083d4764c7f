/* sched/ private declarations shared by the layer's .c files. */
#ifndef HEAPSIM_SCHED_INTERNAL_H
#define HEAPSIM_SCHED_INTERNAL_H

#include "sched.h"

/*
 * For an ISR set with ll_sched_set_isr. A tick in which it did not give the
 * LL thread's semaphore: ll_sched_run_ticks counts that expiry as the tick.
 */
void ll_sched_tick_ungiven(struct ll_sched *s);
/*
 * The timer ISR gives a semaphore through a pointer it did not set
 * (zephyr_domain_timer_fn): a registered k_sem is given (a wake-up the user
 * chose); one in user-writable memory is a k_sem the user lays out, given as
 * Zephyr would (sim_k_sem_give_at); other kernel memory, or nothing, is not
 * followed. After a kernel fault the target's kernel is dead and nothing is
 * given any more. Returns the registered k_sem given, or NULL.
 */
struct k_sem *ll_sched_give_forged(struct ll_sched *s, uint32_t sem);

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
	uint32_t cache_line;           /* data cache line (64 on ACE) */
	struct ll_cache *cache;        /* ll_cache.c: written-back contents */
	struct ll_sof *sof;            /* ll_sof_main.c: SOF main's kernel paths */
	struct ll_heap_stats stats;
	bool validate_reported;
};

/* ll_layouts.c */
int ll_env_add_partition(struct ll_env *env, void *start, size_t size, uint32_t attr);
int ll_env_heap_init(struct ll_env *env, void *buf_uncached, size_t bytes, const char *name);

/* ll_cache.c: Zephyr's Xtensa flush+invalidate loop on target addresses */
void ll_cache_flush_invd_range(struct ll_env *env, uint32_t addr, uint32_t bytes);
void ll_cache_free(struct ll_env *env);

/* ll_sof_main.c */
int ll_sof_setup(struct ll_env *env);
int ll_sof_boot(struct ll_env *env);
void ll_sof_destroy(struct ll_env *env);
int ll_env_share_buffer(struct ll_env *env, void *region, size_t bytes);
int ll_env_oob_attach(struct ll_env *env);

/* ll_syscalls.c */
int ll_syscalls_register(struct ll_env *env);

#endif /* HEAPSIM_SCHED_INTERNAL_H */
