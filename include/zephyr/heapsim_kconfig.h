/*
 * heapsim's Zephyr drop-in: how Kconfig-style macros reach the heaps.
 *
 * On Zephyr, Kconfig fixes the heap's behaviour for the whole image. Here the
 * CONFIG_* macros visible where a heap is *initialised* (sys_heap_init,
 * k_heap_init, K_HEAP_DEFINE) are captured in a struct heapsim_kconfig and
 * become that heap's settings:
 *
 *   CONFIG_SYS_HEAP_HARDENING_{NONE,BASIC,MODERATE,FULL,EXTREME}
 *                                  hardening level; default MODERATE, BASIC
 *                                  when CONFIG_ASSERT is off (upstream defaults)
 *   CONFIG_SYS_HEAP_RUNTIME_STATS  runtime stats kept in the heap
 *   CONFIG_SYS_HEAP_ALLOC_LOOPS    free-list entries tried (default 3)
 *   CONFIG_SYS_HEAP_SMALL_ONLY / CONFIG_SYS_HEAP_BIG_ONLY
 *                                  chunk header width (32-bit hosts only:
 *                                  64-bit heaps are always big)
 *   CONFIG_SYS_HEAP_VALIDATE       upstream's internal CHECK()s (with CONFIG_ASSERT)
 *   CONFIG_ASSERT                  __ASSERT-only checks (bad alignment, heap
 *                                  too small or too big) raise a fatal error;
 *                                  off, the call just fails
 *   CONFIG_SYS_HEAP_ARRAY_SIZE     heaps recorded for sys_heap_array_get()
 *
 * The word mode is always the host's pointer width, so pointers returned by
 * sys_heap_alloc() are aligned to sizeof(void *) as Zephyr guarantees.
 */
#ifndef ZEPHYR_INCLUDE_HEAPSIM_KCONFIG_H_
#define ZEPHYR_INCLUDE_HEAPSIM_KCONFIG_H_

#include <stdint.h>

#include "heap.h"

/* A Kconfig bool is on when defined to a non-zero value (-DCONFIG_X defines it as 1). */
#if defined(CONFIG_ASSERT) && (CONFIG_ASSERT + 0)
#define Z_HEAPSIM_ASSERT 1
#else
#define Z_HEAPSIM_ASSERT 0
#endif

#if defined(CONFIG_SYS_HEAP_HARDENING_EXTREME) && (CONFIG_SYS_HEAP_HARDENING_EXTREME + 0)
#define Z_HEAPSIM_HARDENING 4 /* SYS_HEAP_HARDENING_EXTREME */
#elif defined(CONFIG_SYS_HEAP_HARDENING_FULL) && (CONFIG_SYS_HEAP_HARDENING_FULL + 0)
#define Z_HEAPSIM_HARDENING 3 /* SYS_HEAP_HARDENING_FULL */
#elif defined(CONFIG_SYS_HEAP_HARDENING_MODERATE) && (CONFIG_SYS_HEAP_HARDENING_MODERATE + 0)
#define Z_HEAPSIM_HARDENING 2 /* SYS_HEAP_HARDENING_MODERATE */
#elif defined(CONFIG_SYS_HEAP_HARDENING_BASIC) && (CONFIG_SYS_HEAP_HARDENING_BASIC + 0)
#define Z_HEAPSIM_HARDENING 1 /* SYS_HEAP_HARDENING_BASIC */
#elif defined(CONFIG_SYS_HEAP_HARDENING_NONE) && (CONFIG_SYS_HEAP_HARDENING_NONE + 0)
#define Z_HEAPSIM_HARDENING 0 /* SYS_HEAP_HARDENING_NONE */
#elif Z_HEAPSIM_ASSERT
#define Z_HEAPSIM_HARDENING 2 /* SYS_HEAP_HARDENING_MODERATE */
#else
#define Z_HEAPSIM_HARDENING 1 /* SYS_HEAP_HARDENING_BASIC */
#endif

#if defined(CONFIG_SYS_HEAP_RUNTIME_STATS) && (CONFIG_SYS_HEAP_RUNTIME_STATS + 0)
#define Z_HEAPSIM_STATS 1
#else
#define Z_HEAPSIM_STATS 0
#endif

#if defined(CONFIG_SYS_HEAP_SMALL_ONLY) && (CONFIG_SYS_HEAP_SMALL_ONLY + 0)
#define Z_HEAPSIM_SIZE_MODE SYS_HEAP_SIZE_SMALL_ONLY
#elif defined(CONFIG_SYS_HEAP_BIG_ONLY) && (CONFIG_SYS_HEAP_BIG_ONLY + 0)
#define Z_HEAPSIM_SIZE_MODE SYS_HEAP_SIZE_BIG_ONLY
#else
#define Z_HEAPSIM_SIZE_MODE SYS_HEAP_SIZE_AUTO
#endif

/* Upstream's CHECK() is __ASSERT under CONFIG_SYS_HEAP_VALIDATE (EXTREME selects it).
 * The levels above are numbers, not the enum, so that #if can compare them. */
#if Z_HEAPSIM_ASSERT && ((defined(CONFIG_SYS_HEAP_VALIDATE) && (CONFIG_SYS_HEAP_VALIDATE + 0)) || \
			 Z_HEAPSIM_HARDENING == 4)
#define Z_HEAPSIM_INTERNAL_CHECKS 1
#else
#define Z_HEAPSIM_INTERNAL_CHECKS 0
#endif

#ifdef CONFIG_SYS_HEAP_ALLOC_LOOPS
#define Z_HEAPSIM_ALLOC_LOOPS (CONFIG_SYS_HEAP_ALLOC_LOOPS)
#else
#define Z_HEAPSIM_ALLOC_LOOPS 3
#endif

#ifdef CONFIG_SYS_HEAP_ARRAY_SIZE
#define Z_HEAPSIM_ARRAY_SIZE (CONFIG_SYS_HEAP_ARRAY_SIZE)
#else
#define Z_HEAPSIM_ARRAY_SIZE 0
#endif

/* The settings of one heap, as the Kconfig macros above gave them. */
struct heapsim_kconfig {
	uint8_t hardening;        /* enum sys_heap_hardening */
	uint8_t size_mode;        /* enum sys_heap_size_mode */
	uint8_t runtime_stats;
	uint8_t asserts;          /* CONFIG_ASSERT */
	uint8_t internal_checks;
	int32_t alloc_loops;
	int32_t array_size;       /* CONFIG_SYS_HEAP_ARRAY_SIZE */
};

#define Z_HEAPSIM_KCONFIG_INIT                                                    \
	{                                                                         \
		.hardening = Z_HEAPSIM_HARDENING, .size_mode = Z_HEAPSIM_SIZE_MODE, \
		.runtime_stats = Z_HEAPSIM_STATS, .asserts = Z_HEAPSIM_ASSERT,       \
		.internal_checks = Z_HEAPSIM_INTERNAL_CHECKS,                       \
		.alloc_loops = Z_HEAPSIM_ALLOC_LOOPS,                               \
		.array_size = Z_HEAPSIM_ARRAY_SIZE,                                 \
	}

/* The heap configuration these settings give on this host. */
void heapsim_kconfig_to_config(const struct heapsim_kconfig *kc, struct sys_heap_config *cfg);

/*
 * Z_HEAP_MIN_SIZE: the smallest 8-aligned buffer that can return a 1-byte
 * allocation with these settings (a heap that small has three buckets); Z_HEAP_MIN_SIZE_FOR(n): one that can return
 * an n-byte allocation (at most a few bytes more than the exact minimum: the
 * bucket table is sized for the largest heap of that size class).
 */
#define Z_HEAPSIM_TRAILER (Z_HEAPSIM_HARDENING >= SYS_HEAP_HARDENING_FULL ? 8 : 0)
#define Z_HEAPSIM_HDR                                                                     \
	(sizeof(void *) > 4 || Z_HEAPSIM_SIZE_MODE == SYS_HEAP_SIZE_BIG_ONLY ? 8 : 4)
#define Z_HEAPSIM_HEADS (Z_HEAPSIM_STATS ? (sizeof(void *) > 4 ? 40 : 28) : 16)
#define Z_HEAPSIM_ROUND8(x) ((((x) + 7) / 8) * 8)
/* floor(log2(x)) + 1 for x ≥ 1, as a constant expression. */
#define Z_HEAPSIM_BITS(x)                                                                 \
	(1 + ((x) >= 2) + ((x) >= 4) + ((x) >= 8) + ((x) >= 16) + ((x) >= 32) + ((x) >= 64) + \
	 ((x) >= 128) + ((x) >= 256) + ((x) >= 512) + ((x) >= 1024) + ((x) >= 2048) +          \
	 ((x) >= 4096) + ((x) >= 8192) + ((x) >= 16384) + ((x) >= 32768) + ((x) >= 65536) +    \
	 ((x) >= 131072) + ((x) >= 262144) + ((x) >= 524288) + ((x) >= 1048576) +              \
	 ((x) >= 2097152) + ((x) >= 4194304) + ((x) >= 8388608) + ((x) >= 16777216) +          \
	 ((x) >= 33554432) + ((x) >= 67108864) + ((x) >= 134217728) + ((x) >= 268435456) +     \
	 ((x) >= 536870912) + ((x) >= 1073741824ull) + ((x) >= 2147483648ull))
/* A small 32-bit heap becomes big (8-byte headers) above 0x7fff units. */
#define Z_HEAPSIM_HDR_FOR(n) ((n) > 0x3ff00 ? 8 : Z_HEAPSIM_HDR)
#define Z_HEAPSIM_CHUNK0_FOR(n)                                                           \
	(Z_HEAPSIM_ROUND8(Z_HEAPSIM_HEADS + 4 * Z_HEAPSIM_BITS((size_t)(n) / 8 + 64)) +       \
	 Z_HEAPSIM_TRAILER)
#define Z_HEAP_MIN_SIZE_FOR(bytes)                                                        \
	(Z_HEAPSIM_CHUNK0_FOR(bytes) + Z_HEAPSIM_ROUND8((size_t)(bytes) + Z_HEAPSIM_HDR_FOR(bytes)) + \
	 Z_HEAPSIM_TRAILER + Z_HEAPSIM_HDR_FOR(bytes))
#define Z_HEAP_MIN_SIZE                                                                   \
	(Z_HEAPSIM_ROUND8(Z_HEAPSIM_HEADS + 12) + Z_HEAPSIM_TRAILER +                           \
	 Z_HEAPSIM_ROUND8(Z_HEAPSIM_HDR + 1) + Z_HEAPSIM_TRAILER + Z_HEAPSIM_HDR)

#endif /* ZEPHYR_INCLUDE_HEAPSIM_KCONFIG_H_ */
