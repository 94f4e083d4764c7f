/* Zephyr heap code, built against an installed heapsim. */
#include <stdio.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/multi_heap.h>

K_HEAP_DEFINE(heap, 2048);

int main(void)
{
	void *p = k_heap_alloc(&heap, 64, K_NO_WAIT);
	void *q = k_malloc(64);

	if (!p || !q || (uintptr_t)p % sizeof(void *)) {
		printf("FAIL\n");
		return 1;
	}
	k_heap_free(&heap, p);
	k_free(q);
	printf("package ok\n");
	return 0;
}
