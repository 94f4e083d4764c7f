/* libFuzzer target: heap calls on one sys_heap / oob_heap (lib_heap_ops.c). */
#define FUZZ_TARGET_ID FUZZ_HEAP_OPS
#include "fuzz_entry.h"
