/* heapsim's own heap API (heap.h), built against an installed heapsim. */
#include <stdio.h>

#include "heap.h"

int main(void)
{
	static unsigned char buf[4096] __attribute__((aligned(8)));
	struct sys_heap h;

	sys_heap_init(&h, buf, sizeof(buf));
	if (!sys_heap_alloc(&h, 10) || !sys_heap_validate(&h))
		return 1;
	printf("heap ok\n");
	return 0;
}
