/* Without a handler of its own, a program's double free ends in Zephyr's
 * fatal error report and an abort (checked by ctest on the output). */
#include <zephyr/kernel.h>

K_HEAP_DEFINE(heap, 1024);

int main(void)
{
	void *p = k_heap_alloc(&heap, 16, K_NO_WAIT);

	k_heap_free(&heap, p);
	k_heap_free(&heap, p);
	return 0; /* not reached */
}
