/*
 * xrt — heapsim's bare-metal runtime for Xtensa cores under QEMU's `sim`
 * machine (docs/xtensa.md). Console and exit status go through QEMU
 * semihosting, so a test's output lands on QEMU's stdout and its result is
 * QEMU's exit status.
 */
#ifndef HEAPSIM_XRT_H
#define HEAPSIM_XRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses the runtime itself uses (a program's main returns its own). */
#define XRT_EXIT_ABORT 134     /* abort(), as a host shell reports SIGABRT */
#define XRT_EXIT_EXCEPTION 70  /* unexpected CPU exception in kernel code */
#define XRT_EXIT_DOUBLE 71     /* exception inside the exception handler */

/* Semihosting: raw calls (ring 0 only: simcall is privileged from ring 1). */
long xrt_semihost_write(int fd, const void *buf, size_t len);
__attribute__((noreturn)) void xrt_semihost_exit(int status);

/* Console: line-buffered stdout (fd 1) and unbuffered stderr (fd 2). */
void xrt_putc(int fd, char c);
void xrt_write(int fd, const char *s, size_t len);
void xrt_flush(void);

/* True while a user task runs (MMU core): console and exit use syscalls. */
extern volatile bool xrt_user_mode;

/* Flushes the console and ends the QEMU run with `status`. */
__attribute__((noreturn)) void xrt_exit(int status);

/* CPU state saved by the exception entry (port/xtensa/rt/vectors.S). */
struct xrt_frame {
	uint32_t a[16];
	uint32_t pc;       /* EPC1 */
	uint32_t ps;
	uint32_t sar;
	uint32_t cause;    /* EXCCAUSE */
	uint32_t vaddr;    /* EXCVADDR */
};

#define XRT_CAUSE_ILLEGAL 0
#define XRT_CAUSE_SYSCALL 1
#define XRT_CAUSE_LOAD_STORE_ERROR 3
#define XRT_CAUSE_UNALIGNED 9
#define XRT_CAUSE_INST_FETCH_PRIVILEGE 18
#define XRT_CAUSE_DTLB_MISS 24
#define XRT_CAUSE_LOAD_STORE_PRIVILEGE 26
#define XRT_CAUSE_LOAD_PROHIBITED 28
#define XRT_CAUSE_STORE_PROHIBITED 29

const char *xrt_cause_name(uint32_t cause);

/* Called by the exception entry with EXCM set, on the exception stack.
 * Returning resumes the interrupted code at frame->pc. */
void xrt_exception(struct xrt_frame *frame);

/* Per-core hook: a fault taken in user ring (MMU core only) — returns only if
 * the fault is not a user-task fault. Weak default: returns. */
void xrt_user_fault(struct xrt_frame *frame);
/* Per-core hook: syscall from any ring; returns false for unknown calls. */
bool xrt_syscall(struct xrt_frame *frame);

/* The program's entry point, called by the startup code. */
int main(void);

#endif /* HEAPSIM_XRT_H */
