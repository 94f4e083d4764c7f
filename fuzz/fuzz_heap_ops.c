/* libFuzzer target: heap calls on one sys_heap / oob_heap (lib_heap_ops.c). */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return fuzz_lf_init(&fuzz_targets[FUZZ_HEAP_OPS], argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lf_run(&fuzz_targets[FUZZ_HEAP_OPS], data, size);
}
