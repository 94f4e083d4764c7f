/* Target assert: reports like glibc's and aborts (exit status 134). */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
__attribute__((noreturn)) void xrt_assert_fail(const char *expr, const char *file,
					       int line, const char *func);
#define assert(e) ((e) ? (void)0 : xrt_assert_fail(#e, __FILE__, __LINE__, __func__))
#endif
#ifndef static_assert
#define static_assert _Static_assert
#endif
