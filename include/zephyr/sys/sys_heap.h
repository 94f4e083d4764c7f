/*
 * heapsim's Zephyr drop-in: <zephyr/sys/sys_heap.h>.
 *
 * The heap is heapsim's placement-exact port of Zephyr's sys_heap (heap.h);
 * this header gives it Zephyr's names and signatures. A heap initialised here
 * takes its settings from the Kconfig-style macros visible at the call (see
 * zephyr/heapsim_kconfig.h) and uses the host's pointer width as its word
 * size. struct sys_heap carries the port's per-heap configuration after
 * Zephyr's three fields (heap, init_mem, init_bytes), which keep their names.
 */
#ifndef ZEPHYR_INCLUDE_SYS_SYS_HEAP_H_
#define ZEPHYR_INCLUDE_SYS_SYS_HEAP_H_

#include <stdbool.h>
#include <stddef.h>

#include <zephyr/types.h>
#include <zephyr/toolchain.h>
#include <zephyr/sys/mem_stats.h>
#include <zephyr/heapsim_kconfig.h>

#include "heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- what the library provides (names the macros below map to) --------- */

void z_heapsim_sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes,
			     const struct heapsim_kconfig *kc);
/* The sys_heap calls that also notify heap listeners (when any is registered). */
void *z_heapsim_sys_heap_alloc(struct sys_heap *heap, size_t bytes);
void *z_heapsim_sys_heap_aligned_alloc(struct sys_heap *heap, size_t align, size_t bytes);
void *z_heapsim_sys_heap_realloc(struct sys_heap *heap, void *ptr, size_t bytes);
void *z_heapsim_sys_heap_aligned_realloc(struct sys_heap *heap, void *ptr, size_t align,
					 size_t bytes);
void z_heapsim_sys_heap_free(struct sys_heap *heap, void *mem);
void z_heapsim_sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
			       void (*free_fn)(void *arg, void *p), void *arg, size_t total_bytes,
			       uint32_t op_count, void *scratch_mem, size_t scratch_bytes,
			       int target_percent, struct z_heap_stress_result *result,
			       bool asserts);
int z_heapsim_sys_heap_array_save(struct sys_heap *heap, int capacity);

/* ---- Zephyr API beyond the port's ---------------------------------------- */

/* Like sys_heap_alloc(); `align` is ignored (what k_malloc and k_heap_alloc use). */
void *sys_heap_noalign_alloc(struct sys_heap *heap, size_t align, size_t bytes);

/* Prints the heap's layout, bucket table and usage (and every chunk if
 * dump_chunks) to stdout. Read-only; stops at the first inconsistency. */
void sys_heap_print_info(struct sys_heap *heap, bool dump_chunks);

/* Heaps recorded at init when CONFIG_SYS_HEAP_ARRAY_SIZE > 0. get: -EINVAL
 * for NULL, else the count, with *heap set to the array. */
int sys_heap_array_get(struct sys_heap ***heap);

#ifndef Z_HEAPSIM_LIBRARY
/*
 * Zephyr's names. Each wrapper is static inline so that it sees the Kconfig
 * macros of the file that calls it; it is mapped with an object-like macro so
 * that taking the function's address works too.
 */
static inline void z_heapsim_zephyr_sys_heap_init(struct sys_heap *heap, void *mem, size_t bytes)
{
	static const struct heapsim_kconfig kc = Z_HEAPSIM_KCONFIG_INIT;

	z_heapsim_sys_heap_init(heap, mem, bytes, &kc);
}
#define sys_heap_init z_heapsim_zephyr_sys_heap_init

static inline int z_heapsim_zephyr_sys_heap_array_save(struct sys_heap *heap)
{
	return z_heapsim_sys_heap_array_save(heap, Z_HEAPSIM_ARRAY_SIZE);
}
#define sys_heap_array_save z_heapsim_zephyr_sys_heap_array_save

/* Zephyr's signature: no word size (the host's), no return value. */
static inline void z_heapsim_zephyr_sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
						    void (*free_fn)(void *arg, void *p),
						    void *arg, size_t total_bytes,
						    uint32_t op_count, void *scratch_mem,
						    size_t scratch_bytes, int target_percent,
						    struct z_heap_stress_result *result)
{
	z_heapsim_sys_heap_stress(alloc_fn, free_fn, arg, total_bytes, op_count, scratch_mem,
				  scratch_bytes, target_percent, result, Z_HEAPSIM_ASSERT);
}
#define sys_heap_stress z_heapsim_zephyr_sys_heap_stress

#if defined(CONFIG_SYS_HEAP_LISTENER) && (CONFIG_SYS_HEAP_LISTENER + 0)
/* As upstream, listeners hear of direct sys_heap calls only with this option;
 * without it the calls go straight to the port (nothing added to them). */
#define sys_heap_alloc z_heapsim_sys_heap_alloc
#define sys_heap_aligned_alloc z_heapsim_sys_heap_aligned_alloc
#define sys_heap_realloc z_heapsim_sys_heap_realloc
#define sys_heap_aligned_realloc z_heapsim_sys_heap_aligned_realloc
#define sys_heap_free z_heapsim_sys_heap_free
#endif
#endif /* Z_HEAPSIM_LIBRARY */

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS_SYS_HEAP_H_ */
