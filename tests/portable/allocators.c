/* The allocators every generic suite runs against (allocator.h). */
#include "allocator.h"
#include "pt_heap.h"

_Static_assert(PT_BUF_BYTES <= TEST_ALLOCATOR_MAX_BYTES, "the checks' buffer exceeds what adapters accept");

const struct test_allocator *const test_allocators[] = {
	&sys_heap_test_allocator,
	&oob_heap_test_allocator,
	NULL,
};
