/* libFuzzer target: LL scheduler task operations with allocating modules (lib_ll_sched.c). */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return fuzz_lf_init(&fuzz_targets[FUZZ_LL_SCHED], argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lf_run(&fuzz_targets[FUZZ_LL_SCHED], data, size);
}
