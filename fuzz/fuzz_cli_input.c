/* libFuzzer target: the scenario and heap-trace parsers (lib_cli_input.c). */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return fuzz_lf_init(&fuzz_targets[FUZZ_CLI_INPUT], argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lf_run(&fuzz_targets[FUZZ_CLI_INPUT], data, size);
}
