/*
 * C side of the exception entry (vectors.S) and the program start.
 * A syscall is dispatched and resumed after the instruction; any other
 * exception is first offered to the user-task layer (MMU core: a fault in
 * ring 1 kills the task), else it is a bug in kernel code: report the CPU
 * state and end the run with XRT_EXIT_EXCEPTION — never hang, never go on.
 */
#include <errno.h>
#include <stdio.h>

#include "xrt.h"

#define SYSCALL_INSN_BYTES 3

const char *xrt_cause_name(uint32_t cause)
{
	switch (cause) {
	case 0: return "IllegalInstruction";
	case 1: return "Syscall";
	case 2: return "InstructionFetchError";
	case 3: return "LoadStoreError";
	case 5: return "Alloca";
	case 6: return "IntegerDivideByZero";
	case 8: return "Privileged";
	case 9: return "LoadStoreAlignment";
	case 12: return "InstrPIFDataError";
	case 13: return "LoadStorePIFDataError";
	case 14: return "InstrPIFAddrError";
	case 15: return "LoadStorePIFAddrError";
	case 16: return "InstTLBMiss";
	case 17: return "InstTLBMultiHit";
	case 18: return "InstFetchPrivilege";
	case 20: return "InstFetchProhibited";
	case 24: return "LoadStoreTLBMiss";
	case 25: return "LoadStoreTLBMultiHit";
	case 26: return "LoadStorePrivilege";
	case 28: return "LoadProhibited";
	case 29: return "StoreProhibited";
	default: return "?";
	}
}

void xrt_exception(struct xrt_frame *f)
{
	bool user_mode = xrt_user_mode;

	xrt_user_mode = false; /* the handler is kernel code: console direct */
	if (f->cause == XRT_CAUSE_SYSCALL) {
		f->pc += SYSCALL_INSN_BYTES;
		if (!xrt_syscall(f))
			f->a[2] = (uint32_t)-ENOSYS;
		xrt_user_mode = user_mode;
		return;
	}
	xrt_user_fault(f);
	fprintf(stderr,
		"xrt: unexpected exception: EXCCAUSE %u (%s) at pc 0x%08x, "
		"EXCVADDR 0x%08x, PS 0x%08x, a0 0x%08x, sp 0x%08x\n",
		(unsigned)f->cause, xrt_cause_name(f->cause), (unsigned)f->pc,
		(unsigned)f->vaddr, (unsigned)f->ps, (unsigned)f->a[0],
		(unsigned)f->a[1]);
	xrt_exit(XRT_EXIT_EXCEPTION);
}

/* The cores we use have no divider: the helpers in divmod.c report a zero
 * divisor as the hardware would (IntegerDivideByZero). */
void xrt_divide_by_zero(void)
{
	fprintf(stderr, "xrt: integer division by zero (called from 0x%08x)\n",
		(unsigned)(uintptr_t)__builtin_return_address(0));
	xrt_exit(XRT_EXIT_EXCEPTION);
}

void xrt_start(void);
void xrt_start(void)
{
	xrt_exit(main());
}
