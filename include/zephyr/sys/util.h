/*
 * heapsim's Zephyr drop-in: the utility macros heap code commonly uses.
 * IS_ENABLED(CONFIG_X) is 1 when CONFIG_X is defined to 1 (as Kconfig
 * writes it, or as -DCONFIG_X gives it), else 0.
 */
#ifndef ZEPHYR_INCLUDE_SYS_UTIL_H_
#define ZEPHYR_INCLUDE_SYS_UTIL_H_

#include <stddef.h>
#include <stdint.h>

#include <zephyr/toolchain.h>

#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(array) (sizeof(array) / sizeof((array)[0]))
#endif
#ifndef CONTAINER_OF
#define CONTAINER_OF(ptr, type, field) ((type *)(((char *)(ptr)) - offsetof(type, field)))
#endif
#define BIT(n) (1UL << (n))
#define BIT64(n) (1ULL << (n))
#define BIT_MASK(n) (BIT(n) - 1UL)
#define ROUND_UP(x, align) \
	((((unsigned long)(x) + ((unsigned long)(align) - 1)) / (unsigned long)(align)) * (unsigned long)(align))
#define ROUND_DOWN(x, align) (((unsigned long)(x) / (unsigned long)(align)) * (unsigned long)(align))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define IS_POWER_OF_TWO(x) (((x) != 0U) && (((x) & ((x) - 1U)) == 0U))
#define POINTER_TO_UINT(x) ((uintptr_t)(x))
#define UINT_TO_POINTER(x) ((void *)(uintptr_t)(x))

/* IS_ENABLED: a macro defined as 1 pastes into a placeholder that shifts
 * the argument list by one, so the second item becomes 1. */
#define Z_HS_PLACEHOLDER_1 0,
#define Z_HS_SECOND(ignored, val, ...) val
#define Z_HS_ENABLED3(junk_or_zero_comma) Z_HS_SECOND(junk_or_zero_comma 1, 0, 0)
#define Z_HS_ENABLED2(value) Z_HS_ENABLED3(Z_HS_PLACEHOLDER_##value)
#ifndef IS_ENABLED
#define IS_ENABLED(config_macro) Z_HS_ENABLED2(config_macro)
#endif

#endif /* ZEPHYR_INCLUDE_SYS_UTIL_H_ */
