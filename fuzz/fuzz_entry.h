/*
 * The libFuzzer entry points of one target, included once by its thin file
 * (fuzz_TARGET.c) after it defines FUZZ_TARGET_ID (and FUZZ_STRUCTURED when
 * the target has an operation table: then the structured mutator is linked
 * in). A layout-pinned binary is the same file compiled with
 * -DFUZZ_PIN_LAYOUT='"NAME"': no flag or environment is needed to run it.
 */
#ifndef HEAPSIM_FUZZ_ENTRY_H
#define HEAPSIM_FUZZ_ENTRY_H

#include "fuzz.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ENTRY_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(FUZZ_ENTRY_ASAN)
#define FUZZ_ENTRY_ASAN 1
#endif
#ifdef FUZZ_ENTRY_ASAN
/*
 * Each input creates and frees the simulator's own state (~0.45 MB: struct
 * sim, the snapshot pool). ASan's default 256 MB quarantine keeps all of it
 * resident: RSS climbs by ~200 MB over the first few hundred inputs before
 * it levels off. The heap under test lives in the simulator's mmap'd arena,
 * never in malloc, so that quarantine only guards the harness's bookkeeping;
 * 16 MB (the last ~35 inputs' worth) still catches a use after free there.
 * ASAN_OPTIONS given at run time win over these defaults.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
#ifdef __GLIBC__
	/* Every input allocates and frees the same ~140 KB of bookkeeping at the
	 * top of the heap: by default glibc gives it back to the system after
	 * each input and faults it in again (two brk calls and a page fault per
	 * page, per input). Keep it. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
#ifdef FUZZ_PIN_LAYOUT
	return fuzz_lf_init_pinned(&fuzz_targets[FUZZ_TARGET_ID], FUZZ_PIN_LAYOUT, argc, argv);
#else
	return fuzz_lf_init(&fuzz_targets[FUZZ_TARGET_ID], argc, argv);
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lf_run(&fuzz_targets[FUZZ_TARGET_ID], data, size);
}

#ifdef FUZZ_STRUCTURED
/* libFuzzer's byte mutator (the replay main has its own). */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size, unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	return fuzz_mutate(&fuzz_targets[FUZZ_TARGET_ID], fuzz_lf_opts(), data, size, max_size, seed,
			   LLVMFuzzerMutate);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size, unsigned int seed)
{
	return fuzz_cross_over(&fuzz_targets[FUZZ_TARGET_ID], fuzz_lf_opts(), data1, size1, data2, size2,
			       out, max_out_size, seed);
}
#endif

#endif /* HEAPSIM_FUZZ_ENTRY_H */
