/*
 * Zephyr's Xtensa data-cache range operations, as the kernel runs them on a
 * 32-bit target (include/zephyr/arch/xtensa/cache.h):
 *
 *   first = ROUND_DOWN(addr, line); last = ROUND_UP(addr + bytes, line)
 *   for (l = first; bytes && l < last; l += line) dhwbi l
 *
 * all in the target's 32-bit size_t. A length for which addr + bytes wraps
 * past 2^32 gives last ≤ first: zero iterations, a no-op. A length that does
 * not wrap writes back and invalidates every line up to `last`.
 *
 * What the model reports: lines outside the heap buffer that hold
 * kernel-only memory (not writable by any user thread), naming the kernel objects on them and how many were
 * dirty, i.e. held kernel data written since the line's last write-back.
 * The flush+invalidate used on the free path writes those back first, so
 * no data is lost there; an invalidate-only operation (dhi) over the same
 * lines would discard them, which the finding states.
 *
 * Dirty lines, simply: the cache and memory agree at power-on (the arena
 * starts zeroed); a kernel line is dirty when its bytes differ from what
 * they were at its last write-back by one of these operations.
 */
#include <stdlib.h>
#include <string.h>

#include "sched_internal.h"

struct ll_cache {
	uint8_t *written_back;   /* per arena byte (cached view): contents at the last write-back */
	size_t bytes;
};

void ll_cache_free(struct ll_env *env)
{
	if (env->cache)
		free(env->cache->written_back);
	free(env->cache);
	env->cache = NULL;
}

static struct ll_cache *cache_of(struct ll_env *env)
{
	if (!env->cache) {
		env->cache = calloc(1, sizeof(*env->cache));
		if (!env->cache)
			return NULL;
		env->cache->bytes = sim_arena_size(env->sim);
		env->cache->written_back = calloc(1, env->cache->bytes);
		if (!env->cache->written_back) {
			free(env->cache);
			env->cache = NULL;
		}
	}
	return env->cache;
}

struct cache_damage {
	uint32_t lines, dirty;
	uint32_t first_taddr;
	const uint8_t *first;
	char objects[160];
	unsigned nobjects;
};

static void add_object(struct cache_damage *d, const char *name)
{
	size_t used = strlen(d->objects);

	if (strstr(d->objects, name) || d->nobjects >= 4)
		return;
	snprintf(d->objects + used, sizeof(d->objects) - used, "%s%s", used ? ", " : "", name);
	d->nobjects++;
}

/* One line of kernel-only memory under the operation. */
static void kernel_line(struct ll_env *env, struct ll_cache *c, uint8_t *line, size_t off,
			unsigned len, struct cache_damage *d)
{
	struct sim_kobj_info info;
	size_t in;

	if (!d->lines++) {
		d->first_taddr = sim_host_to_target(env->sim, line);
		d->first = line;
	}
	for (unsigned i = 0; i < len; i += 8)
		if (sim_kobj_find(env->sim, line + i, &info, &in))
			add_object(d, info.name);
	if (c && memcmp(c->written_back + off, line, len)) {
		d->dirty++;
		memcpy(c->written_back + off, line, len);
	}
}

static void report(struct ll_env *env, uint32_t addr, uint32_t bytes, const struct cache_damage *d)
{
	struct sim_finding f;
	char where[96];

	/* no registered object there: say which region it is */
	if (!d->objects[0])
		sim_describe_addr(env->sim, d->first, where, sizeof(where));
	memset(&f, 0, sizeof(f));
	f.kind = SIM_FINDING_CONFINEMENT;
	snprintf(f.message, sizeof(f.message),
		 "cache flush+invalidate of %u bytes at 0x%08x, length from a user-writable header: "
		 "%u kernel-only lines from 0x%08x (%.48s), %u dirty (an invalidate would lose them)",
		 (unsigned)bytes, (unsigned)addr, (unsigned)d->lines, (unsigned)d->first_taddr,
		 d->objects[0] ? d->objects : where, (unsigned)d->dirty);
	snprintf(f.syscall, sizeof(f.syscall), "sof_heap_free");
	snprintf(f.field, sizeof(f.field), "cache flush+invalidate");
	if (d->objects[0]) {
		size_t n = strcspn(d->objects, ",");

		snprintf(f.object, sizeof(f.object), "%.*s", (int)n, d->objects);
	}
	f.taddr = d->first_taddr;
	f.view = SIM_VIEW_CACHED;
	if (k_current_get()) {
		f.thread = k_current_get()->id;
		snprintf(f.thread_name, sizeof(f.thread_name), "%s",
			 sim_thread_name(env->sim, k_current_get()));
	}
	f.time_us = sim_now_us(env->sim);
	sim_report_finding(env->sim, &f);
}

void ll_cache_flush_invd_range(struct ll_env *env, uint32_t addr, uint32_t bytes)
{
	const uint32_t line = env->cache_line;
	const uint32_t first = addr & ~(line - 1);
	const uint32_t last = (addr + bytes + line - 1) & ~(line - 1);
	uint8_t *base = sim_arena_base(env->sim, SIM_VIEW_CACHED);
	const uint8_t *buf = env->buf, *buf_end = buf + env->buf_bytes;
	uint32_t tbase = sim_host_to_target(env->sim, base);
	uint32_t tend = tbase + (uint32_t)sim_arena_size(env->sim);
	struct cache_damage d;
	struct ll_cache *c;
	uint32_t from, to;

	if (!bytes || first >= last)
		return; /* zero iterations on the target */
	/* A hit operation changes only lines the cache can hold: the cached view
	 * of memory that exists. */
	from = first > tbase ? first : tbase;
	to = last < tend ? last : tend;
	if (from >= to)
		return;
	memset(&d, 0, sizeof(d));
	c = NULL;
	for (uint32_t l = from; l < to; l += line) {
		uint8_t *p = base + (l - tbase);

		/* the heap's own buffer (blocks and their headers) is what the
		 * operation is for; user-writable lines hold no kernel data */
		if ((p >= buf && p < buf_end) || sim_user_writable(env->sim, p, line, NULL, 0))
			continue;
		if (!c)
			c = cache_of(env);
		kernel_line(env, c, p, l - tbase, line, &d);
	}
	if (d.lines)
		report(env, addr, bytes, &d);
}
