/*
 * heapsim's Zephyr drop-in: __ASSERT and friends. As on Zephyr they compile
 * to nothing unless CONFIG_ASSERT is enabled; a failed assertion prints where
 * and why, then calls assert_post_action(), whose default raises a kernel
 * panic through k_sys_fatal_error_handler() (both can be overridden by a test,
 * as Zephyr's own tests do).
 */
#ifndef ZEPHYR_INCLUDE_SYS___ASSERT_H_
#define ZEPHYR_INCLUDE_SYS___ASSERT_H_

#include <stdbool.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

void assert_post_action(const char *file, unsigned int line);
void assert_print(const char *fmt, ...) __printf_like(1, 2);

#if defined(CONFIG_ASSERT) && (CONFIG_ASSERT + 0)
#define __ASSERT_ON 1
#define __ASSERT(test, fmt, ...)                                                          \
	do {                                                                              \
		if (!(test)) {                                                            \
			assert_print("ASSERTION FAIL [%s] @ %s:%d\n", #test, __FILE__,    \
				     __LINE__);                                           \
			assert_print("\t" fmt "\n", ##__VA_ARGS__);                       \
			assert_post_action(__FILE__, __LINE__);                           \
		}                                                                         \
	} while (false)
#define __ASSERT_EVAL(expr1, expr2, test, fmt, ...)                                       \
	do {                                                                              \
		expr2;                                                                    \
		__ASSERT(test, fmt, ##__VA_ARGS__);                                       \
	} while (false)
#else
#define __ASSERT_ON 0
#define __ASSERT(test, fmt, ...)                                                          \
	do {                                                                              \
	} while (false)
#define __ASSERT_EVAL(expr1, expr2, test, fmt, ...) expr1
#endif

#define __ASSERT_NO_MSG(test) __ASSERT(test, "")

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_SYS___ASSERT_H_ */
