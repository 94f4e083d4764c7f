/*
 * User tasks on the MMU core: the kernel side of xrt_user.h.
 * A task runs in ring 1 until it exits (syscall) or faults; either way the
 * exception handler records the result and resumes the kernel where
 * xrt_user_run was called (setjmp/longjmp on the kernel stack). The task's
 * registers and stack are simply abandoned, as a killed thread's would be.
 */
#include <errno.h>
#include <setjmp.h>

#include "xrt.h"
#include "xrt_user.h"

void xrt_enter_user(void (*fn)(void *), void *arg, void *stack_top);
void xrt_leave_exception(void);

extern char __xrt_user[], __xrt_user_end[];
extern char __xrt_rom[], __xrt_rom_end[];

static jmp_buf kernel_ctx;
static struct xrt_task_result *task_res;

static bool from_user(const struct xrt_frame *f)
{
	return ((f->ps >> 6) & 3) != 0; /* PS.RING of the interrupted code */
}

/* A user buffer must lie in the user partition or in read-only sysrom:
 * a kernel that wrote out whatever the task named would leak its pages. */
static bool user_readable(uint32_t p, uint32_t len)
{
	uintptr_t u0 = (uintptr_t)__xrt_user, u1 = (uintptr_t)__xrt_user_end;
	uintptr_t r0 = (uintptr_t)__xrt_rom, r1 = (uintptr_t)__xrt_rom_end;

	if (p + len < p)
		return false;
	return (p >= u0 && p + len <= u1) || (p >= r0 && p + len <= r1);
}

__attribute__((noreturn)) static void resume_kernel(void)
{
	xrt_leave_exception();
	longjmp(kernel_ctx, 1);
}

void xrt_user_run(void (*fn)(void *), void *arg, void *stack_top,
		  struct xrt_task_result *res)
{
	*res = (struct xrt_task_result){ 0 };
	task_res = res;
	if (setjmp(kernel_ctx) == 0) {
		xrt_user_mode = true;
		xrt_enter_user(fn, arg, stack_top);
	}
	xrt_user_mode = false;
	task_res = NULL;
}

bool xrt_syscall(struct xrt_frame *f)
{
	bool user = from_user(f);

	switch (f->a[2]) {
	case XRT_SYS_WRITE:
		if (user && !user_readable(f->a[4], f->a[5])) {
			f->a[2] = (uint32_t)-EFAULT;
			return true;
		}
		xrt_write((int)f->a[3], (const char *)(uintptr_t)f->a[4], f->a[5]);
		f->a[2] = f->a[5];
		return true;
	case XRT_SYS_EXIT:
		if (!user || task_res == NULL)
			xrt_exit((int)f->a[3]);
		task_res->status = (int)f->a[3];
		resume_kernel();
	default:
		return false;
	}
}

void xrt_user_fault(struct xrt_frame *f)
{
	if (!from_user(f) || task_res == NULL)
		return; /* the kernel's own fault: fatal (exception.c) */
	task_res->faulted = true;
	task_res->cause = f->cause;
	task_res->vaddr = f->vaddr;
	task_res->pc = f->pc;
	resume_kernel();
}
