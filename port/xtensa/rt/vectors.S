/*
 * Exception vectors (VECBASE = _xrt_vectors) and the common entry.
 * Offsets differ per core: lx106 (no MMU): kernel 0x30, user 0x50,
 * double 0x70; dc233c (MMU): kernel 0x300, user 0x340, double 0x3c0.
 * Each vector only jumps; the entry saves the interrupted registers in
 * xrt_exc_frame, switches to the exception stack and calls
 * xrt_exception(frame) with EXCM still set (no nesting: an exception
 * inside is a double exception, which reports and exits).
 */
#ifdef XRT_MMU
#define VEC_KERNEL 0x300
#define VEC_USER 0x340
#define VEC_DOUBLE 0x3c0
#else
#define VEC_KERNEL 0x30
#define VEC_USER 0x50
#define VEC_DOUBLE 0x70
#endif

/* struct xrt_frame offsets (xrt.h) */
#define F_PC 64
#define F_PS 68
#define F_SAR 72
#define F_CAUSE 76
#define F_VADDR 80

	.section .xrt.vectors, "ax"
	.global _xrt_vectors
_xrt_vectors:
	.org	VEC_KERNEL
	j	xrt_exc_entry
	.org	VEC_USER
	j	xrt_exc_entry
	.org	VEC_DOUBLE
	j	xrt_double_entry
	.org	VEC_DOUBLE + 0x40

	.literal_position
	.align 4
xrt_exc_entry:
	wsr	a1, excsave1
	movi	a1, xrt_exc_frame
	s32i	a0, a1, 0
	s32i	a2, a1, 8
	rsr	a2, excsave1
	s32i	a2, a1, 4
	s32i	a3, a1, 12
	s32i	a4, a1, 16
	s32i	a5, a1, 20
	s32i	a6, a1, 24
	s32i	a7, a1, 28
	s32i	a8, a1, 32
	s32i	a9, a1, 36
	s32i	a10, a1, 40
	s32i	a11, a1, 44
	s32i	a12, a1, 48
	s32i	a13, a1, 52
	s32i	a14, a1, 56
	s32i	a15, a1, 60
	rsr	a2, epc1
	s32i	a2, a1, F_PC
	rsr	a2, ps
	s32i	a2, a1, F_PS
	rsr	a2, sar
	s32i	a2, a1, F_SAR
	rsr	a2, exccause
	s32i	a2, a1, F_CAUSE
	rsr	a2, excvaddr
	s32i	a2, a1, F_VADDR

	mov	a2, a1
	movi	a1, xrt_exc_stack_top
	call0	xrt_exception

	/* Resume at frame->pc with the (possibly updated) registers. */
	movi	a1, xrt_exc_frame
	l32i	a2, a1, F_PC
	wsr	a2, epc1
	l32i	a2, a1, F_SAR
	wsr	a2, sar
	l32i	a0, a1, 0
	l32i	a2, a1, 8
	l32i	a3, a1, 12
	l32i	a4, a1, 16
	l32i	a5, a1, 20
	l32i	a6, a1, 24
	l32i	a7, a1, 28
	l32i	a8, a1, 32
	l32i	a9, a1, 36
	l32i	a10, a1, 40
	l32i	a11, a1, 44
	l32i	a12, a1, 48
	l32i	a13, a1, 52
	l32i	a14, a1, 56
	l32i	a15, a1, 60
	l32i	a1, a1, 4
	rsync
	rfe

	.section .rodata.xrt_double_msg, "a"
double_msg:
	.ascii	"xrt: double exception (fault inside the exception handler)\n"
double_msg_end:
	.equ	double_msg_len, double_msg_end - double_msg

	/* Double exception: nothing can be trusted; say so and stop. */
	.section .xrt.vectors, "ax"
	.literal_position
	.align 4
xrt_double_entry:
	movi	a2, 4			/* semihosting write */
	movi	a3, 2			/* stderr */
	movi	a4, double_msg
	movi	a5, double_msg_len
	simcall
	movi	a2, 1			/* semihosting exit */
	movi	a3, 71			/* XRT_EXIT_DOUBLE */
	simcall
1:	j	1b


	.section .bss.xrt_exc, "aw", @nobits
	.align 4
	.global xrt_exc_frame
xrt_exc_frame:
	.space	84
	.align 16
xrt_exc_stack:
	.space	4096
	.global xrt_exc_stack_top
xrt_exc_stack_top:
