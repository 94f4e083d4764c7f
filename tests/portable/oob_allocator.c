/*
 * oob_heap as a test allocator, so the generic suites run against it too.
 * The metadata cannot live in `self` (it grows with the buffer), so it comes
 * from static slots handed out in turn: a check may hold OOB_TA_SLOTS heaps
 * at once.
 */
#include <string.h>

#include "allocator.h"

#define OOB_TA_SLOTS 2
/* Enough for the biggest buffer an adapter must accept. */
#define OOB_TA_META_WORDS ((OOB_HEAP_METADATA_BYTES_MAX(TEST_ALLOCATOR_MAX_BYTES) + 7) / 8)

static uint64_t oob_ta_meta[OOB_TA_SLOTS][OOB_TA_META_WORDS];
static unsigned oob_ta_next;

static int oob_ta_init(void *self, void *buf, size_t bytes,
		       const struct sys_heap_config *cfg_in)
{
	struct sys_heap_config cfg;
	uint64_t *meta = oob_ta_meta[oob_ta_next++ % OOB_TA_SLOTS];

	if (cfg_in) {
		cfg = *cfg_in;
	} else {
		sys_heap_config_default(&cfg);
		cfg.runtime_stats = true;
	}
	return oob_heap_init_checked(self, buf, bytes, meta, sizeof(oob_ta_meta[0]),
				     &cfg, true);
}

static void *oob_ta_alloc(void *self, size_t bytes)
{
	return oob_heap_alloc(self, bytes);
}

static void *oob_ta_aligned_alloc(void *self, size_t align, size_t bytes)
{
	return oob_heap_aligned_alloc(self, align, bytes);
}

static void *oob_ta_realloc(void *self, void *ptr, size_t bytes)
{
	return oob_heap_realloc(self, ptr, bytes);
}

static void *oob_ta_aligned_realloc(void *self, void *ptr, size_t align, size_t bytes)
{
	return oob_heap_aligned_realloc(self, ptr, align, bytes);
}

static void oob_ta_free(void *self, void *ptr)
{
	oob_heap_free(self, ptr);
}

static size_t oob_ta_usable_size(void *self, void *ptr)
{
	return oob_heap_usable_size(self, ptr);
}

static bool oob_ta_validate(void *self)
{
	return oob_heap_validate(self);
}

static int oob_ta_stats(void *self, struct sys_memory_stats *stats)
{
	return oob_heap_runtime_stats_get(self, stats);
}

static bool oob_ta_usage(void *self, struct sys_heap_usage *usage)
{
	return oob_heap_usage_get(self, usage);
}

_Static_assert(sizeof(struct oob_heap) <= TEST_ALLOCATOR_SELF_MAX, "self too small");

const struct test_allocator oob_heap_test_allocator = {
	.name = "oob_heap",
	.self_size = sizeof(struct oob_heap),
	.init = oob_ta_init,
	.alloc = oob_ta_alloc,
	.aligned_alloc = oob_ta_aligned_alloc,
	.realloc = oob_ta_realloc,
	.aligned_realloc = oob_ta_aligned_realloc,
	.free = oob_ta_free,
	.usable_size = oob_ta_usable_size,
	.validate = oob_ta_validate,
	.stats = oob_ta_stats,
	.usage = oob_ta_usage,
};
