/*
 * sys_heap_stress on the port: the driver's bookkeeping adds up and leaves a
 * valid heap, in both word modes and chunk widths. (Exact golden numbers need
 * a fresh process per call, see tests/host/test_heap_host.c.)
 */
#include <errno.h>
#include <string.h>

#include "pt_heap.h"

static struct sys_heap h;
static struct pt_model m;
static uint8_t scratch[2048] PT_ALIGNED(8);

static void *stress_alloc(void *arg, size_t bytes)
{
	return sys_heap_alloc(arg, bytes);
}

static void stress_free(void *arg, void *p)
{
	sys_heap_free(arg, p);
}

static void run(unsigned word, enum sys_heap_size_mode mode, size_t bytes, int pct)
{
	struct sys_heap_config cfg;
	struct z_heap_stress_result r;
	struct pt_walk w;
	uint32_t records = sizeof(scratch) / (2 * (word / 8));

	pt_cfg_make(&cfg, word, SYS_HEAP_HARDENING_MODERATE, mode, true);
	pt_heap_init(&h, &m, bytes, &cfg);
	memset(&r, 0xff, sizeof(r));
	PT_ASSERT_EQ(sys_heap_stress(stress_alloc, stress_free, &h, bytes, 3000,
				     scratch, sizeof(scratch), pct, &r, word), 0);
	PT_ASSERT_EQ(r.total_allocs + r.total_frees, 3000);
	PT_ASSERT(r.successful_allocs <= r.total_allocs);
	PT_ASSERT(r.total_frees <= r.successful_allocs);
	PT_ASSERT(r.successful_allocs - r.total_frees <= records);
	PT_ASSERT(r.successful_allocs > 0 && r.total_frees > 0);
	PT_ASSERT(sys_heap_validate(&h));
	PT_ASSERT(sys_heap_check_strict(&h, NULL, NULL));
	/* the blocks still live are the used chunks */
	pt_walk(&h, &m, &w);
	PT_ASSERT_EQ(w.used_chunks, r.successful_allocs - r.total_frees);
	pt_assert_stats(&h, &m, (size_t)-1);
	PT_ASSERT_NO_CHECK();
}

PTEST(stress_w32_small_2k) { run(32, SYS_HEAP_SIZE_AUTO, 2048, 50); }
PTEST(stress_w32_small_64k) { run(32, SYS_HEAP_SIZE_AUTO, 65536, 90); }
PTEST(stress_w32_big_300k) { run(32, SYS_HEAP_SIZE_AUTO, 300000, 50); }
PTEST(stress_w64_2k) { run(64, SYS_HEAP_SIZE_AUTO, 2048, 90); }
PTEST(stress_w64_64k) { run(64, SYS_HEAP_SIZE_AUTO, 65536, 50); }

PTEST(stress_caller_error)
{
	struct z_heap_stress_result r;

	pt_heap_init_id(&h, &m, 2048, PT_W32S);
	PT_ASSERT_EQ(sys_heap_stress(stress_alloc, stress_free, &h, 0xffffffffu / 100, 10,
				     scratch, sizeof(scratch), 50, &r, 32), -EINVAL);
	PT_ASSERT_CHECK("caller error");
	pt_assert_pristine(&h, &m);
}

PTEST_SUITE(heap_stress,
	    PTEST_ENTRY(stress_w32_small_2k), PTEST_ENTRY(stress_w32_small_64k),
	    PTEST_ENTRY(stress_w32_big_300k), PTEST_ENTRY(stress_w64_2k),
	    PTEST_ENTRY(stress_w64_64k), PTEST_ENTRY(stress_caller_error));
