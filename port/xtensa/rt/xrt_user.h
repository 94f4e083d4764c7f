/*
 * User tasks on the MMU core (dc233c): ring 1 code reaches the kernel only
 * through `syscall` (a2 = number, a3.. = arguments, result in a2). On lx106
 * the same calls work, served in ring 0.
 */
#ifndef HEAPSIM_XRT_USER_H
#define HEAPSIM_XRT_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XRT_SYS_WRITE 1 /* (fd, buf, len) -> len or -EFAULT */
#define XRT_SYS_EXIT 2  /* (status): ends the calling task */

long xrt_sys_write(int fd, const void *buf, size_t len);
__attribute__((noreturn)) void xrt_sys_exit(int status);
/* printf for user tasks: formats into a buffer, one SYS_WRITE. */
int xrt_uprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct xrt_task_result {
	bool faulted;     /* killed by an exception */
	int status;       /* SYS_EXIT status when !faulted */
	uint32_t cause;   /* EXCCAUSE */
	uint32_t vaddr;   /* EXCVADDR */
	uint32_t pc;      /* faulting instruction */
};

/*
 * Runs fn(arg) in ring 1 on the stack ending at stack_top (inside the user
 * partition) until it calls xrt_sys_exit, returns (status 0) or faults; the
 * kernel then continues here. MMU core only.
 */
void xrt_user_run(void (*fn)(void *), void *arg, void *stack_top,
		  struct xrt_task_result *res);

#endif
