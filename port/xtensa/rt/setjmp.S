/*
 * setjmp/longjmp for the call0 ABI: a0 (return address), a1 (stack pointer)
 * and the callee-saved a12..a15 are all the state a caller relies on.
 * jmp_buf layout (words): a0 a1 a12 a13 a14 a15.
 */
	.text
	.literal_position

	.global setjmp
	.type setjmp, @function
	.align 4
setjmp:
	s32i	a0, a2, 0
	s32i	a1, a2, 4
	s32i	a12, a2, 8
	s32i	a13, a2, 12
	s32i	a14, a2, 16
	s32i	a15, a2, 20
	movi	a2, 0
	ret
	.size setjmp, . - setjmp

	/* longjmp(env, val): setjmp returns val again, or 1 when val is 0. */
	.global longjmp
	.type longjmp, @function
	.align 4
longjmp:
	l32i	a0, a2, 0
	l32i	a1, a2, 4
	l32i	a12, a2, 8
	l32i	a13, a2, 12
	l32i	a14, a2, 16
	l32i	a15, a2, 20
	movi	a2, 1
	movnez	a2, a3, a3
	ret
	.size longjmp, . - longjmp
