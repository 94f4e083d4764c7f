/* libFuzzer target: heap calls on one sys_heap / oob_heap (lib_heap_ops.c). */
#define FUZZ_TARGET_ID FUZZ_HEAP_OPS
#define FUZZ_STRUCTURED 1 /* operation table: the structured mutator */
#include "fuzz_entry.h"
