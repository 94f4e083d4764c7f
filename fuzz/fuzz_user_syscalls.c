/* libFuzzer target: user-thread syscalls and raw writes on an LL heap layout (lib_user_syscalls.c). */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return fuzz_lf_init(&fuzz_targets[FUZZ_USER_SYSCALLS], argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lf_run(&fuzz_targets[FUZZ_USER_SYSCALLS], data, size);
}
