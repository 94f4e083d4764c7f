/*
 * heapsim's Zephyr drop-in: fatal errors. Everything that would end in
 * z_fatal_error() on Zephyr (k_panic(), k_oops(), a failed __ASSERT, a heap
 * hardening check, a NULL or unusable heap) calls k_sys_fatal_error_handler().
 * The default prints the reason and aborts; a test defines its own to observe
 * the error. When that handler returns from a failure inside a heap call, the
 * call returns its failure value (NULL, false, 0 or nothing) as if the
 * offending thread had been aborted; a test may also longjmp out of it.
 */
#ifndef ZEPHYR_INCLUDE_FATAL_H_
#define ZEPHYR_INCLUDE_FATAL_H_

#include <zephyr/fatal_types.h>
#include <zephyr/toolchain.h>

#ifdef __cplusplus
extern "C" {
#endif

struct arch_esf; /* never filled on the host: the handler gets NULL */

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf);

/* heapsim extras: the message of the last fatal error on this thread ("" if
 * none) and how many fatal errors were raised in the process so far. */
const char *heapsim_fatal_message(void);
unsigned long heapsim_fatal_count(void);

/* Raises a fatal error (what k_panic()/k_oops() expand to). Returns only if
 * the handler returns. */
void z_heapsim_fatal(unsigned int reason, const char *file, unsigned int line, const char *fmt,
		     ...) __printf_like(4, 5);

#define k_panic() z_heapsim_explicit_fatal(K_ERR_KERNEL_PANIC, __FILE__, __LINE__)
#define k_oops() z_heapsim_explicit_fatal(K_ERR_KERNEL_OOPS, __FILE__, __LINE__)
/* The calling thread cannot go on after k_panic()/k_oops(): if the handler
 * returns, the process aborts (use longjmp in the handler to keep going). */
FUNC_NORETURN void z_heapsim_explicit_fatal(unsigned int reason, const char *file,
					    unsigned int line);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_FATAL_H_ */
