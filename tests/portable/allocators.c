/* The allocators every generic suite runs against (allocator.h). */
#include "allocator.h"

const struct test_allocator *const test_allocators[] = {
	&sys_heap_test_allocator,
	&oob_heap_test_allocator,
	NULL,
};
