/*
 * Fatal errors of the Zephyr drop-in: k_panic, k_oops, failed __ASSERTs and
 * heap checks all end in k_sys_fatal_error_handler(), which a test may define.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zephyr_internal.h"

static _Thread_local char last_message[256];
/* What assert_print() said since the last fatal error: the message of the
 * panic that assert_post_action() raises. */
static _Thread_local char assert_text[256];
static unsigned long fatal_count;

static const char *reason_name(unsigned int reason)
{
	switch (reason) {
	case K_ERR_CPU_EXCEPTION:
		return "CPU exception";
	case K_ERR_KERNEL_OOPS:
		return "kernel oops";
	case K_ERR_KERNEL_PANIC:
		return "kernel panic";
	default:
		return "fatal error";
	}
}

/* Zephyr's default halts the system; a host process aborts. */
__attribute__((weak)) void k_sys_fatal_error_handler(unsigned int reason,
						     const struct arch_esf *esf)
{
	(void)esf;
	fprintf(stderr, ">>> ZEPHYR FATAL ERROR %u: %s\n>>> %s\n", reason, reason_name(reason),
		last_message);
	abort();
}

/* Zephyr's default turns a failed assertion into a kernel panic. */
__attribute__((weak)) void assert_post_action(const char *file, unsigned int line)
{
	z_heapsim_fatal(K_ERR_KERNEL_PANIC, file, line, "%s",
			assert_text[0] ? assert_text : "assertion failed");
}

void assert_print(const char *fmt, ...)
{
	size_t used;
	va_list ap;

	/* Each failed assertion starts with this line (__ASSERT, the library's
	 * own): the text kept is that of the latest one. */
	if (!strncmp(fmt, "ASSERTION FAIL", 14))
		assert_text[0] = '\0';
	used = strlen(assert_text);

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vsnprintf(assert_text + used, sizeof(assert_text) - used, fmt, ap);
	va_end(ap);
	/* One line: inner line breaks and tabs become spaces, a final break goes. */
	for (char *c = assert_text + used; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = c[1] ? ' ' : '\0';
}

void z_heapsim_fatal(unsigned int reason, const char *file, unsigned int line, const char *fmt,
		     ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	if (file && n >= 0 && (size_t)n < sizeof(last_message))
		snprintf(last_message + n, sizeof(last_message) - (size_t)n, " (%s:%u)", file, line);
	assert_text[0] = '\0';
	__atomic_add_fetch(&fatal_count, 1, __ATOMIC_RELAXED);
	/* The handler may longjmp out: a k_heap lock must not stay taken. */
	zh_unlock_if_held();
	k_sys_fatal_error_handler(reason, NULL);
}

/* As on Zephyr, a thread whose fatal error's handler returns is aborted; the
 * thread of a host thread (main()) cannot be, so the process aborts. */
void zh_end_thread_after_fatal(unsigned int reason)
{
	zh_thread_end_after_fatal();
	fprintf(stderr, ">>> thread cannot continue after %s\n", reason_name(reason));
	abort();
}

void z_heapsim_explicit_fatal(unsigned int reason, const char *file, unsigned int line)
{
	z_heapsim_fatal(reason, file, line, "%s", reason == K_ERR_KERNEL_OOPS ? "k_oops()" : "k_panic()");
	zh_end_thread_after_fatal(reason);
}

const char *heapsim_fatal_message(void)
{
	return last_message;
}

unsigned long heapsim_fatal_count(void)
{
	return __atomic_load_n(&fatal_count, __ATOMIC_RELAXED);
}

/* As a failed __ASSERT in Zephyr's own code: through assert_post_action(),
 * which a test may override. */
bool zh_assert(bool ok, bool asserts, const char *what, const char *where)
{
	if (ok || !asserts)
		return true;
	assert_print("ASSERTION FAIL [%s] in %s\n", what, where);
	assert_post_action(__FILE__, __LINE__);
	return false;
}

void zh_fault(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "E: %s\n", msg);
	z_heapsim_fatal(K_ERR_CPU_EXCEPTION, NULL, 0, "%s", msg);
}
