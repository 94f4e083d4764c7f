/*
 * Syscalls on a core without rings (lx106): everything runs in ring 0, so
 * `syscall` only exists for code shared with the MMU build; write and exit
 * go straight to semihosting.
 */
#include "xrt.h"
#include "xrt_user.h"

bool xrt_syscall(struct xrt_frame *f)
{
	switch (f->a[2]) {
	case XRT_SYS_WRITE:
		xrt_write((int)f->a[3], (const char *)(uintptr_t)f->a[4], f->a[5]);
		f->a[2] = f->a[5];
		return true;
	case XRT_SYS_EXIT:
		xrt_exit((int)f->a[3]);
	default:
		return false;
	}
}

void xrt_user_fault(struct xrt_frame *f)
{
	(void)f; /* no user ring here: every fault is the kernel's */
}
