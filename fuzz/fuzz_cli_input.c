/* libFuzzer target: the scenario and heap-trace parsers (lib_cli_input.c). */
#define FUZZ_TARGET_ID FUZZ_CLI_INPUT
#include "fuzz_entry.h"
