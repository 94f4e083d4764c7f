/* libFuzzer target: user-thread syscalls and raw writes on an LL heap layout (lib_user_syscalls.c). */
#define FUZZ_TARGET_ID FUZZ_USER_SYSCALLS
#define FUZZ_STRUCTURED 1 /* operation table: the structured mutator */
#include "fuzz_entry.h"
