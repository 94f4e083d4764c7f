/*
 * MMU set-up for the dc233c core (docs/xtensa.md, "Protection").
 * At reset TLB way 6 maps all 4 GiB identically in eight 512 MiB ring-0
 * entries. We keep that for everything except:
 *   - sysram 0x00000000–0x1fffffff: the way-6 entry is removed and three
 *     1 MiB way-4 pages take its place (identity mapped):
 *       __xrt_kram    kernel data, bss, stacks    ring 0
 *       __xrt_kheap   k_heap buffer (heap + metadata)   ring 0
 *       __xrt_user    user partition              ring 1
 *     Everything else there (including page 0: NULL) is unmapped, so a
 *     stray access takes a TLB-miss exception instead of landing somewhere.
 *   - 0xe0000000–0xffffffff (sysrom: code, rodata): ring 1, read+execute,
 *     so user code runs from it and nobody can write it.
 * PTEVADDR points at an unmapped 4 MiB window so a TLB miss never
 * auto-refills from a page table.
 *
 * Runs before any C code, with the stack still unused: between adding the
 * way-4 pages and removing the way-6 entry two entries match the same
 * address (multi-hit), so no data access may happen there. Literals come
 * from sysrom, which is not affected.
 */
#define WAY4 4
#define WAY6 6
#define RING(r) ((r) << 4)
#define ATTR_RWX 3  /* read/write/execute, cache bypass */
#define ATTR_RX 1   /* read/execute */

/* wsr a2, <SR> for MMU registers the lx106 assembler does not know. */
#define WSR_A2(sr) .byte 0x20, (sr), 0x13
#define SR_PTEVADDR 83

	.text
	.literal_position
	.global xrt_mmu_init
	.type xrt_mmu_init, @function
	.align 4
xrt_mmu_init:
	/* DTLB way 4 (1 MiB pages at reset): the three sysram pages. */
	movi	a2, __xrt_kram + WAY4
	movi	a3, __xrt_kram + RING(0) + ATTR_RWX
	wdtlb	a3, a2
	movi	a2, __xrt_kheap + WAY4
	movi	a3, __xrt_kheap + RING(0) + ATTR_RWX
	wdtlb	a3, a2
	movi	a2, __xrt_user + WAY4
	movi	a3, __xrt_user + RING(1) + ATTR_RWX
	wdtlb	a3, a2
	/* Drop the 512 MiB identity entry that covered sysram. */
	movi	a2, 0x00000000 + WAY6
	idtlb	a2
	dsync

	/* sysrom: ring 1, read/execute, data and instruction side. */
	movi	a2, 0xe0000000 + WAY6
	movi	a3, 0xe0000000 + RING(1) + ATTR_RX
	wdtlb	a3, a2
	witlb	a3, a2
	isync

	movi	a2, __xrt_ptevaddr
	WSR_A2(SR_PTEVADDR)
	isync
	ret
	.size xrt_mmu_init, . - xrt_mmu_init

	/*
	 * xrt_enter_user(fn, arg, stack_top): leave ring 0 for ring 1 at
	 * xrt_user_entry via rfe, with a1 = stack_top, a2 = arg, a3 = fn.
	 * PS = RING 1 | UM | EXCM (rfe clears EXCM), INTLEVEL 0.
	 */
	.literal_position
	.global xrt_enter_user
	.type xrt_enter_user, @function
	.align 4
xrt_enter_user:
	mov	a5, a2
	mov	a2, a3
	mov	a3, a5
	mov	a1, a4
	movi	a5, xrt_user_entry
	wsr	a5, epc1
	movi	a5, 0x70
	wsr	a5, ps
	rsync
	rfe
	.size xrt_enter_user, . - xrt_enter_user

	/* First ring-1 instruction: call fn(arg); a return is exit(0). */
	.literal_position
	.align 4
xrt_user_entry:
	callx0	a3
	movi	a2, 2			/* XRT_SYS_EXIT */
	movi	a3, 0
	syscall
1:	j	1b

	/* Back to ring 0 kernel mode from the exception handler (the caller
	 * then longjmps onto the kernel stack): PS = UM | INTLEVEL 15. */
	.literal_position
	.global xrt_leave_exception
	.type xrt_leave_exception, @function
	.align 4
xrt_leave_exception:
	movi	a3, 0x2f
	wsr	a3, ps
	rsync
	ret
	.size xrt_leave_exception, . - xrt_leave_exception
