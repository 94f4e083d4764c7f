/*
 * heapsim's Zephyr drop-in: the toolchain attribute macros Zephyr code uses,
 * for gcc and clang on a host.
 */
#ifndef ZEPHYR_INCLUDE_TOOLCHAIN_H_
#define ZEPHYR_INCLUDE_TOOLCHAIN_H_

#ifndef __aligned
#define __aligned(x) __attribute__((__aligned__(x)))
#endif
#ifndef __packed
#define __packed __attribute__((__packed__))
#endif
#ifndef __used
#define __used __attribute__((__used__))
#endif
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif
#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif
#ifndef __weak
#define __weak __attribute__((__weak__))
#endif
#ifndef __noinit
#define __noinit /* a host has no noinit section */
#endif
#ifndef __nocache
#define __nocache /* host memory is coherent */
#endif
#ifndef __printf_like
#define __printf_like(f, a) __attribute__((__format__(__printf__, f, a)))
#endif
#ifndef FUNC_NORETURN
#define FUNC_NORETURN __attribute__((__noreturn__))
#endif
#ifndef ALWAYS_INLINE
#define ALWAYS_INLINE inline __attribute__((__always_inline__))
#endif
#ifndef CODE_UNREACHABLE
#define CODE_UNREACHABLE __builtin_unreachable()
#endif
#ifndef likely
#define likely(x) (__builtin_expect((bool)!!(x), true) != 0L)
#define unlikely(x) (__builtin_expect((bool)!!(x), false) != 0L)
#endif
#ifndef BUILD_ASSERT
#define BUILD_ASSERT(expr, ...) _Static_assert((expr), "" __VA_ARGS__)
#endif
#ifndef ARG_UNUSED
#define ARG_UNUSED(x) (void)(x)
#endif

#endif /* ZEPHYR_INCLUDE_TOOLCHAIN_H_ */
