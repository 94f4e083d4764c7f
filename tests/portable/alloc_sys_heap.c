/* sys_heap as a test_allocator: the generic suites' first instance. */
#include "allocator.h"

/* No cfg: fixed values, whatever the build's defaults (32-bit word, AUTO
 * size mode, MODERATE, stats on, no internal checks, 3 alloc loops). */
static void sh_default_cfg(struct sys_heap_config *cfg)
{
	sys_heap_config_default(cfg);
	cfg->word_bits = 32;
	cfg->hardening = SYS_HEAP_HARDENING_MODERATE;
	cfg->size_mode = SYS_HEAP_SIZE_AUTO;
	cfg->runtime_stats = true;
	cfg->internal_checks = false;
	cfg->alloc_loops = 3;
}

static int sh_init(void *self, void *buf, size_t bytes, const struct sys_heap_config *cfg)
{
	struct sys_heap_config def;

	if (!cfg) {
		sh_default_cfg(&def);
		cfg = &def;
	}
	return sys_heap_init_checked(self, buf, bytes, cfg, true);
}

static void *sh_alloc(void *self, size_t bytes)
{
	return sys_heap_alloc(self, bytes);
}

static void *sh_aligned_alloc(void *self, size_t align, size_t bytes)
{
	return sys_heap_aligned_alloc(self, align, bytes);
}

static void *sh_realloc(void *self, void *ptr, size_t bytes)
{
	return sys_heap_realloc(self, ptr, bytes);
}

static void *sh_aligned_realloc(void *self, void *ptr, size_t align, size_t bytes)
{
	return sys_heap_aligned_realloc(self, ptr, align, bytes);
}

static void sh_free(void *self, void *ptr)
{
	sys_heap_free(self, ptr);
}

static size_t sh_usable_size(void *self, void *ptr)
{
	return sys_heap_usable_size(self, ptr);
}

static bool sh_validate(void *self)
{
	return sys_heap_validate(self) && sys_heap_check_strict(self, NULL, NULL);
}

static int sh_stats(void *self, struct sys_memory_stats *stats)
{
	return sys_heap_runtime_stats_get(self, stats);
}

static bool sh_usage(void *self, struct sys_heap_usage *usage)
{
	return sys_heap_usage_get(self, usage);
}

const struct test_allocator sys_heap_test_allocator = {
	.name = "sys_heap",
	.self_size = sizeof(struct sys_heap),
	.init = sh_init,
	.alloc = sh_alloc,
	.aligned_alloc = sh_aligned_alloc,
	.realloc = sh_realloc,
	.aligned_realloc = sh_aligned_realloc,
	.free = sh_free,
	.usable_size = sh_usable_size,
	.validate = sh_validate,
	.stats = sh_stats,
	.usage = sh_usage,
};
