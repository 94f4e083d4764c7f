/*
 * SOF's heap syscalls, as PR #10807 adds them (zephyr/syscall/alloc.c and
 * zephyr/lib/alloc.c in SOF), with exactly SOF's checks:
 *
 *   sof_heap_alloc(heap, flags, bytes, align)
 *     verify: flags within USER|COHERENT|DMA|LARGE_BUFFER; heap == the LL heap.
 *     No bound on bytes or align.
 *   sof_heap_free(heap, ptr)
 *     verify: heap == the LL heap; for ptr != NULL: its uncached address lies
 *     in [init_mem, init_mem + init_bytes) as read from the heap object, and
 *     one byte at ptr is writable by the caller. Nothing says ptr starts a
 *     live block: sys_heap_free then runs on user-writable metadata.
 *
 * With the cached heap (CONFIG_SOF_ZEPHYR_HEAP_CACHED) every block is cache
 * line aligned and rounded, a block is returned through the cached view
 * unless COHERENT, and freeing a cached pointer first flushes and invalidates
 * sys_heap_usable_size(ptr) bytes: a privileged cache operation whose length
 * comes from a chunk header the user can write. The model checks that range
 * against the heap buffer and reports a confinement finding past its end
 * (on hardware, an invalidate there discards the kernel's unwritten data).
 *
 * Options beyond SOF (named, off by default):
 *   strict_verify: free needs the start of a live block; alloc needs an
 *     alignment that is 0 or a power of two.
 * The kernel-only layout cannot use the write check (the caller can never
 * write the buffer there, so every free would oops): it checks for a live
 * block start instead, which is what such a design would have to do.
 */
#include <errno.h>
#include <string.h>

#include "sched_internal.h"

#define SYSCALL_ALLOC "sof_heap_alloc"
#define SYSCALL_FREE "sof_heap_free"

/* ---- the kernel's block bookkeeping (shadow) ------------------------------ */

#define SH_EMPTY 0u
#define SH_DELETED 1u

static uint32_t sh_hash(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x7feb352du;
	k ^= k >> 15;
	return k & (LL_SHADOW_CAP - 1);
}

static int sh_find(const struct ll_shadow *sh, uint32_t key)
{
	uint32_t i = sh_hash(key);

	for (uint32_t n = 0; n < LL_SHADOW_CAP; n++, i = (i + 1) & (LL_SHADOW_CAP - 1)) {
		if (sh->key[i] == SH_EMPTY)
			return -1;
		if (sh->key[i] == key)
			return (int)i;
	}
	return -1;
}

/* Rebuilds the table without tombstones when they pile up. */
static void sh_compact(struct ll_shadow *sh)
{
	static struct ll_shadow tmp;
	size_t live = 0;

	tmp = *sh;
	memset(sh->key, 0, sizeof(sh->key));
	for (uint32_t i = 0; i < LL_SHADOW_CAP; i++) {
		uint32_t k = tmp.key[i], j;

		if (k == SH_EMPTY || k == SH_DELETED)
			continue;
		for (j = sh_hash(k); sh->key[j] != SH_EMPTY; j = (j + 1) & (LL_SHADOW_CAP - 1))
			;
		sh->key[j] = k;
		sh->size[j] = tmp.size[i];
		live++;
	}
	sh->used = live;
}

static void sh_insert(struct ll_shadow *sh, uint32_t key, uint32_t size)
{
	uint32_t i;

	if (key <= SH_DELETED)
		return;
	if (sh->used >= LL_SHADOW_CAP * 3 / 4)
		sh_compact(sh);
	if (sh->used >= LL_SHADOW_CAP * 3 / 4) {
		sh->untracked++;
		return;
	}
	for (i = sh_hash(key); sh->key[i] > SH_DELETED && sh->key[i] != key;
	     i = (i + 1) & (LL_SHADOW_CAP - 1))
		;
	if (sh->key[i] == SH_EMPTY)
		sh->used++;
	sh->key[i] = key;
	sh->size[i] = size;
}

static bool sh_remove(struct ll_shadow *sh, uint32_t key, uint32_t *size)
{
	int i = sh_find(sh, key);

	if (i < 0)
		return false;
	*size = sh->size[i];
	sh->key[i] = SH_DELETED;
	return true;
}

/* ---- addresses ------------------------------------------------------------ */

/* The uncached target address of a host pointer (0 outside the arena): SOF's
 * sys_cache_uncached_ptr_get is plain address arithmetic. */
static uint32_t uncached_taddr(const struct ll_env *env, const void *p)
{
	void *uc = sim_uncached(env->sim, p);

	return uc ? sim_host_to_target(env->sim, uc) : 0;
}

static bool is_cached_ptr(const struct ll_env *env, const void *p)
{
	size_t off;

	return sim_host_locate(env->sim, p, &off) == SIM_VIEW_CACHED;
}

/* init_mem / init_bytes as the verifier reads them: from the heap object
 * (user-writable in v2, as in SOF). */
static void heap_range(const struct ll_env *env, uint32_t *start, uint32_t *bytes)
{
	if (env->oobk) {
		*start = env->oobk->init_mem;
		*bytes = env->oobk->init_bytes;
	} else {
		*start = env->heap->heap.init_mem;
		*bytes = env->heap->heap.init_bytes;
	}
}

static size_t target_size(const struct ll_env *env, uintptr_t v)
{
	return env->cfg.word_bits == 32 ? (size_t)(uint32_t)v : (size_t)v;
}

/* ---- the kernel side of the allocator ------------------------------------- */

static void *kernel_alloc(struct ll_env *env, size_t align, size_t bytes)
{
	k_spinlock_key_t key;
	void *p;

	if (!env->oobk)
		return sim_k_heap_sys_aligned_alloc(env->heap, align, bytes);
	key = k_spin_lock(&env->oobk->lock);
	/* a lock that reads as held is a deadlock on the target: stop there */
	p = sim_syscall_aborted() ? NULL : oob_heap_aligned_alloc(&env->oob, align, bytes);
	k_spin_unlock(&env->oobk->lock, key);
	return p;
}

static size_t kernel_usable_size(struct ll_env *env, void *uc)
{
	struct k_spinlock *lock = env->oobk ? &env->oobk->lock : &env->heap->lock;
	k_spinlock_key_t key = k_spin_lock(lock);
	size_t n = sim_syscall_aborted() ? 0
		   : env->oobk		 ? oob_heap_usable_size(&env->oob, uc)
					 : sys_heap_usable_size(env->sys, uc);

	k_spin_unlock(lock, key);
	return n;
}

static void kernel_free(struct ll_env *env, void *uc)
{
	k_spinlock_key_t key;

	if (!env->oobk) {
		k_heap_free(env->heap, uc);
		return;
	}
	key = k_spin_lock(&env->oobk->lock);
	if (!sim_syscall_aborted())
		oob_heap_free(&env->oob, uc);
	k_spin_unlock(&env->oobk->lock, key);
}

/* ---- the cache operation of the cached free path --------------------------- */

/* First registered kernel object in [from, to) of the arena (cached view). */
static bool first_kobj(const struct ll_env *env, const uint8_t *from, const uint8_t *to,
		       struct sim_kobj_info *info, const uint8_t **at)
{
	for (const uint8_t *p = from; p < to; p += 4) {
		size_t in;

		if (!sim_host_in_arena(env->sim, p, 1))
			return false;
		if (sim_kobj_find(env->sim, p, info, &in)) {
			*at = p;
			return true;
		}
	}
	return false;
}

static void report_cache_overrun(struct ll_env *env, const uint8_t *ptr, size_t len)
{
	const uint8_t *end = (const uint8_t *)env->buf + env->buf_bytes, *at = end;
	/* ptr passed the syscall's check: in the buffer (or past its end). A
	 * forged length can be near SIZE_MAX: stay in integers (offsets from the
	 * buffer, not host addresses), saturate, and scan no further than the
	 * arena could reach. */
	size_t off = (size_t)((uintptr_t)ptr - (uintptr_t)env->buf), beyond;
	size_t past;

	if (off <= env->buf_bytes) {
		past = len - (env->buf_bytes - off);
	} else {
		beyond = off - env->buf_bytes;
		past = len > SIZE_MAX - beyond ? SIZE_MAX : len + beyond;
	}
	size_t scan = past < sim_arena_size(env->sim) ? past : sim_arena_size(env->sim);
	struct sim_kobj_info info;
	struct sim_finding f;
	char where[96];
	bool hit;

	hit = first_kobj(env, end, end + scan, &info, &at);
	sim_describe_addr(env->sim, at, where, sizeof(where));
	memset(&f, 0, sizeof(f));
	f.kind = SIM_FINDING_CONFINEMENT;
	snprintf(f.message, sizeof(f.message),
		 "cache flush+invalidate of %zu bytes (length from a user-writable chunk "
		 "header) runs %zu bytes past the heap buffer: %.96s",
		 len, past, where);
	snprintf(f.syscall, sizeof(f.syscall), "sof_heap_free");
	if (hit) {
		snprintf(f.object, sizeof(f.object), "%s", info.name);
		snprintf(f.object_type, sizeof(f.object_type), "%s", info.type_name);
	}
	snprintf(f.field, sizeof(f.field), "cache invalidate");
	f.taddr = sim_host_to_target(env->sim, at);
	f.view = SIM_VIEW_CACHED;
	f.offset = (size_t)(at - end);
	f.user = false;
	if (k_current_get()) {
		f.thread = k_current_get()->id;
		snprintf(f.thread_name, sizeof(f.thread_name), "%s",
			 sim_thread_name(env->sim, k_current_get()));
	}
	f.time_us = sim_now_us(env->sim);
	sim_report_finding(env->sim, &f);
}

/* sys_cache_data_flush_and_invd_range(ptr, len), privileged. */
static void cache_flush_invalidate(struct ll_env *env, uint8_t *ptr, size_t len)
{
	/* the offset from the buffer (a pointer below it wraps to a huge one):
	 * comparisons of offsets, never of host addresses */
	size_t at = (size_t)((uintptr_t)ptr - (uintptr_t)env->buf);

	if (at > env->buf_bytes || len > env->buf_bytes - at)
		report_cache_overrun(env, ptr, len);
}

/* ---- sof_heap_alloc ---------------------------------------------------------- */

static bool is_ll_heap(const struct ll_env *env, uintptr_t heap)
{
	/* zephyr_ll_user_heap_verify: the one real heap, by address — compared
	 * as target addresses (arena offsets), so the comparison a fuzzer traces
	 * holds no host pointer */
	return sim_host_to_target(env->sim, (const void *)heap) ==
	       sim_host_to_target(env->sim, env->heap);
}

static int vrfy_alloc(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	struct ll_env *env = ctx;
	uint32_t flags = (uint32_t)a[1];
	size_t align = target_size(env, a[3]);

	K_OOPS(K_SYSCALL_VERIFY_MSG(!(flags & ~SOF_MEM_FLAG_USER_ALLOWED),
				    "flags outside USER|COHERENT|DMA|LARGE_BUFFER"));
	K_OOPS(K_SYSCALL_VERIFY_MSG(is_ll_heap(env, a[0]), "not the LL user heap"));
	if (env->cfg.strict_verify)
		K_OOPS(K_SYSCALL_VERIFY_MSG(!(align & (align - 1)),
					    "strict: alignment not a power of two"));
	return 0;
}

static uintptr_t impl_alloc(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	struct ll_env *env = ctx;
	uint32_t flags = (uint32_t)a[1];
	size_t bytes = target_size(env, a[2]), align = target_size(env, a[3]);
	size_t mask = env->cfg.word_bits == 32 ? 0xffffffffu : SIZE_MAX;
	uint8_t *p;

	if (env->cfg.cached_heap) {
		/* keep cached blocks off the cache lines of chunk headers */
		if (align < LL_DCACHE_LINE)
			align = LL_DCACHE_LINE;
		bytes = ((bytes + LL_DCACHE_LINE - 1) & ~(size_t)(LL_DCACHE_LINE - 1)) & mask;
	}
	p = kernel_alloc(env, align, bytes);
	if (!p) {
		env->stats.alloc_failures++;
		return 0;
	}
	env->stats.allocs++;
	{
		size_t usable = env->oobk ? oob_heap_usable_size(&env->oob, p)
					  : sys_heap_usable_size(env->sys, p);

		sh_insert(env->shadow, uncached_taddr(env, p), (uint32_t)usable);
		env->stats.in_use += usable;
		env->stats.live_blocks++;
		if (env->stats.in_use > env->stats.peak)
			env->stats.peak = env->stats.in_use;
	}
	if (env->cfg.cached_heap && !(flags & SOF_MEM_FLAG_COHERENT))
		p = sim_cached(env->sim, p);
	return (uintptr_t)p;
}

/* Everything sys_heap (or oob_heap) may write: the object, its buffer, and
 * for oob the metadata. */
static void heap_footprint(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS], struct sim_footprint *fp)
{
	struct ll_env *env = ctx;

	(void)a;
	if (!env->oobk) {
		sim_footprint_add_heap(fp, env->heap);
		return;
	}
	sim_footprint_add(fp, env->oobk, sizeof(*env->oobk));
	sim_footprint_add(fp, env->oob_meta, env->oob.meta_bytes);
	sim_footprint_add(fp, env->buf, env->buf_bytes);
}

/* ---- sof_heap_free ----------------------------------------------------------- */

static int vrfy_free(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	struct ll_env *env = ctx;
	void *ptr = (void *)a[1];
	uint32_t start, bytes, uc;

	K_OOPS(K_SYSCALL_VERIFY_MSG(is_ll_heap(env, a[0]), "not the LL user heap"));
	if (!ptr)
		return 0;
	heap_range(env, &start, &bytes);
	uc = uncached_taddr(env, ptr);
	/* an address outside the arena cannot be in the heap: same verdict */
	K_OOPS(K_SYSCALL_VERIFY_MSG(uc && uc >= start && uc - start < bytes,
				    "pointer outside the heap buffer"));
	if (env->layout->user_heap_access)
		K_OOPS(K_SYSCALL_MEMORY_WRITE(ptr, 1));
	if (env->cfg.strict_verify || !env->layout->user_heap_access)
		K_OOPS(K_SYSCALL_VERIFY_MSG(sh_find(env->shadow, uc) >= 0,
					    "not the start of a live block"));
	return 0;
}

static uintptr_t impl_free(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	struct ll_env *env = ctx;
	uint8_t *ptr = (uint8_t *)a[1];
	uint32_t size;
	void *uc;

	if (!ptr)
		return 0;
	uc = sim_uncached(env->sim, ptr);
	if (env->cfg.cached_heap && is_cached_ptr(env, ptr)) {
		cache_flush_invalidate(env, ptr, kernel_usable_size(env, uc));
		if (sim_syscall_aborted())
			return 0;
	}
	kernel_free(env, uc);
	env->stats.frees++;
	if (sh_remove(env->shadow, uncached_taddr(env, uc), &size)) {
		env->stats.in_use -= size;
		env->stats.live_blocks--;
	}
	return 0;
}

/* ---- user-side entry points --------------------------------------------------- */

/* The syscalls are found by name on the running simulator, as SOF's stubs
 * reach them by their fixed numbers. */
static int syscall_id(const char *name)
{
	struct sim *s = sim_current();

	return s ? sim_syscall_lookup(s, name) : -ENOENT;
}

void *sof_heap_alloc(struct k_heap *heap, uint32_t flags, size_t bytes, size_t align)
{
	int id = syscall_id(SYSCALL_ALLOC);

	if (id < 0)
		return NULL;
	return (void *)sim_syscall(id, (uintptr_t)heap, flags, bytes, align, 0, 0);
}

void sof_heap_free(struct k_heap *heap, void *ptr)
{
	int id = syscall_id(SYSCALL_FREE);

	if (id >= 0)
		sim_syscall(id, (uintptr_t)heap, (uintptr_t)ptr, 0, 0, 0, 0);
}

struct ll_env *ll_env_of(const struct sim *sim)
{
	int id = sim ? sim_syscall_lookup(sim, SYSCALL_ALLOC) : -ENOENT;

	return id >= 0 ? sim_syscall_ctx(sim, id) : NULL;
}

struct k_heap *zephyr_ll_user_heap(void)
{
	struct ll_env *env = ll_env_of(sim_current());

	if (!env)
		return NULL;
	return sim_target_to_host(env->sim, *env->heap_var, sizeof(struct k_heap));
}

int ll_syscalls_register(struct ll_env *env)
{
	struct sim_syscall_def def;
	int id_alloc, id_free;

	memset(&def, 0, sizeof(def));
	def.ctx = env;
	def.name = SYSCALL_ALLOC;
	def.nargs = 4;
	def.verify = vrfy_alloc;
	def.impl = impl_alloc;
	def.footprint = heap_footprint;
	id_alloc = sim_syscall_register(env->sim, &def);

	def.name = SYSCALL_FREE;
	def.nargs = 2;
	def.verify = vrfy_free;
	def.impl = impl_free;
	id_free = sim_syscall_register(env->sim, &def);
	if (id_alloc < 0)
		return id_alloc;
	return id_free < 0 ? id_free : 0;
}
