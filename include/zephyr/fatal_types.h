/* heapsim's Zephyr drop-in: the reasons a fatal error is raised with. */
#ifndef ZEPHYR_INCLUDE_FATAL_TYPES_H_
#define ZEPHYR_INCLUDE_FATAL_TYPES_H_

enum k_fatal_error_reason {
	K_ERR_CPU_EXCEPTION,   /* a fault: on the host, a NULL or unusable heap */
	K_ERR_SPURIOUS_IRQ,
	K_ERR_STACK_CHK_FAIL,
	K_ERR_KERNEL_OOPS,
	K_ERR_KERNEL_PANIC,    /* k_panic(), failed assertions, heap hardening checks */
	K_ERR_ARCH_START = 16,
};

#endif /* ZEPHYR_INCLUDE_FATAL_TYPES_H_ */
