/*
 * The runtime's last line of defence: a CPU exception in (ring 0) code must
 * be reported with its cause and end the run with XRT_EXIT_EXCEPTION, never
 * hang or continue. Built once per fault kind (FAULT_*), each a ctest.
 */
#include <stdint.h>
#include <stdio.h>

static volatile uint32_t divisor; /* 0, unknown to the compiler */

int main(void)
{
	printf("before fault\n");
#if defined(FAULT_ILLEGAL)
	__asm__ volatile("ill");
#elif defined(FAULT_DIV0)
	printf("quotient %u\n", (unsigned)(100u / divisor));
#elif defined(FAULT_BUS)
	/* No memory behind this address on the sim machine. */
	*(volatile uint32_t *)(uintptr_t)0x10000000u = 1;
#endif
	printf("after fault: not reached\n");
	return 0;
}
