/* libFuzzer target: LL scheduler task operations with allocating modules (lib_ll_sched.c). */
#define FUZZ_TARGET_ID FUZZ_LL_SCHED
#define FUZZ_STRUCTURED 1 /* operation table: the structured mutator */
#include "fuzz_entry.h"
