/*
 * sys_heap_stress: upstream's random alloc/free driver, with its generator,
 * so that the same calls give the same totals (golden: stress.tsv).
 */
#include <errno.h>
#include <stdlib.h>

#include "sys_heap_internal.h"

/* One generator per process, seeded once: successive calls continue it. */
static uint64_t rand_state = 123456789u;

static uint32_t rand32(void)
{
	rand_state = rand_state * 2862933555777941757ull + 3037000493ull;
	return (uint32_t)(rand_state >> 32);
}

static unsigned clz32(uint32_t x)
{
	return x ? (unsigned)__builtin_clz(x) : 32;
}

struct record {
	void *ptr;
	size_t size;
};

static bool want_alloc(uint32_t live, uint32_t nblocks, uint64_t pct, int target_percent)
{
	uint32_t t = (uint32_t)target_percent, fc = 0xffffffffu;

	if (live == 0)
		return true;
	if (live >= nblocks)
		return false;
	if (pct < t)
		fc = (uint32_t)pct * (0x80000000u / (t ? t : 1));
	return rand32() > fc;
}

int sys_heap_stress(void *(*alloc_fn)(void *arg, size_t bytes),
		    void (*free_fn)(void *arg, void *p), void *arg,
		    size_t total_bytes, uint32_t op_count, void *scratch_mem,
		    size_t scratch_bytes, int target_percent,
		    struct z_heap_stress_result *result, unsigned word_bits)
{
	uint64_t mask = word_bits == 64 ? ~(uint64_t)0 : 0xffffffffu;
	size_t nblocks = scratch_bytes / (2 * (word_bits / 8));
	struct record *rec = scratch_mem;
	uint64_t bytes = 0;
	uint32_t live = 0;

	memset(result, 0, sizeof(*result));
	if (total_bytes >= 0xffffffffu / 100 || (word_bits != 32 && word_bits != 64)) {
		hz_report(SYS_HEAP_CHECK_CALLER_ERROR, true, NULL, 0, "sys_heap_stress", 0);
		return -EINVAL;
	}
	/* A 64-bit host laying out a 32-bit target needs wider records. */
	if (nblocks * sizeof(*rec) > scratch_bytes) {
#ifdef HEAPSIM_FREESTANDING
		return -ENOMEM;
#else
		rec = malloc(nblocks * sizeof(*rec));
		if (!rec)
			return -ENOMEM;
#endif
	}
	for (uint32_t op = 0; op < op_count; op++) {
		uint64_t pct = (((100 * bytes) & mask) / total_bytes) & 0xffffffffu;

		if (want_alloc(live, (uint32_t)nblocks, pct, target_percent)) {
			unsigned scale = 4 + clz32(rand32());
			uint64_t m = word_bits == 64 ? (1ull << scale) - 1 : (1ull << (scale % 32)) - 1;
			size_t size = (size_t)(rand32() & m);
			void *p = alloc_fn(arg, size);

			result->total_allocs++;
			if (p) {
				result->successful_allocs++;
				rec[live].ptr = p;
				rec[live].size = size;
				live++;
				bytes = (bytes + size) & mask;
			}
		} else {
			uint32_t i = rand32() % live;
			void *p = rec[i].ptr;

			result->total_frees++;
			bytes = (bytes - rec[i].size) & mask;
			rec[i] = rec[--live];
			free_fn(arg, p);
		}
		result->accumulated_in_use_bytes += bytes;
	}
	if (rec != scratch_mem) {
#ifndef HEAPSIM_FREESTANDING
		free(rec);
#endif
	}
	return 0;
}
