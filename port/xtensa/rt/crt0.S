/*
 * Reset and start-up. QEMU ignores the ELF entry and starts the CPU at the
 * core's reset vector with PS.EXCM set, so the linker script puts
 * .xrt.reset there; it jumps to _start, which
 *   - points VECBASE at our vectors and clears PS.EXCM (with EXCM set, any
 *     exception would loop forever in the double-exception vector),
 *   - sets the stack, zeroes .bss (and the user partition's variables),
 *   - on the MMU core, sets up the rings (mmu.S),
 *   - calls xrt_start (C), which runs main and exits with its result.
 */
	.section .xrt.reset, "ax"
	.global _xrt_reset
_xrt_reset:
	j	1f
	.literal_position
	.align 4
1:	movi	a0, _start
	jx	a0

	.section .text._start, "ax"
	.literal_position
	.global _start
	.type _start, @function
	.align 4
_start:
	movi	a2, _xrt_vectors
	wsr	a2, vecbase
	/* PS: UM=1 (exceptions use the user vector), EXCM=0, INTLEVEL=15
	 * (no interrupts: the tests are single-threaded, ticks are virtual). */
	movi	a2, 0x2f
	wsr	a2, ps
	rsync
	movi	a1, __stack_top
	movi	a2, __bss_start
	movi	a3, __bss_end
	call0	zero_words
#ifdef XRT_MMU
	movi	a2, __xrt_user_bss
	movi	a3, __xrt_user_bss_end
	call0	zero_words
	call0	xrt_mmu_init
#endif
	movi	a0, 0
	call0	xrt_start
4:	j	4b
	.size _start, . - _start

	/* zero_words(a2 = start, a3 = end): word stores, no stack. */
	.align 4
zero_words:
	movi	a4, 0
1:	bgeu	a2, a3, 2f
	s32i	a4, a2, 0
	addi	a2, a2, 4
	j	1b
2:	ret
