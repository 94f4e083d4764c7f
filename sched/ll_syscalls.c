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
 * comes from a chunk header the user can write. It runs as Zephyr's Xtensa
 * loop in 32-bit arithmetic (ll_cache.c): a wrapping length is a no-op, a
 * non-wrapping one that reaches kernel-only lines is a confinement finding.
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
		*start = sim_kread32(&env->heap->heap.init_mem, "z_vrfy_sof_heap_free",
				     "k_heap.heap.init_mem", SIM_KREAD_VALUE, SIM_KREAD_VERIFIER, 0);
		*bytes = sim_kread32(&env->heap->heap.init_bytes, "z_vrfy_sof_heap_free",
				     "k_heap.heap.init_bytes", SIM_KREAD_VALUE, SIM_KREAD_VERIFIER, 0);
	}
}

static size_t target_size(const struct ll_env *env, uintptr_t v)
{
	return env->cfg.word_bits == 32 ? (size_t)(uint32_t)v : (size_t)v;
}

/* ---- the kernel side of the allocator ------------------------------------- */

/*
 * SOF's heap_alloc_aligned / heap_free (zephyr/lib/alloc.c): sys_heap_*
 * directly on &heap->heap under k_spin_lock(&heap->lock) — never
 * k_heap_alloc/k_heap_free, so the k_heap wait queue is never read or
 * written on these paths. Where the k_heap object (v2) or the in-band
 * metadata is user-writable, the reads go into the kernel-reads-user
 * inventory: the object's words and lock as undeclared trust (a forged word
 * is the KOBJ_CHANGED finding sim_k_heap_use reports), the metadata as the
 * declared in-band exposure.
 */
static void note_heap_reads(struct ll_env *env, const char *path)
{
	if (env->oobk)
		return;
	sim_kread_note(&env->heap->heap, sizeof(env->heap->heap), path, "k_heap.heap (struct sys_heap)",
		       SIM_KREAD_POINTER, SIM_KREAD_UNDECLARED);
	sim_kread_note(&env->heap->lock, sizeof(env->heap->lock), path, "k_heap.lock",
		       SIM_KREAD_LOCK, SIM_KREAD_UNDECLARED);
	sim_kread_note(env->sys->heap, 16, path, "ll_heap in-band metadata (z_heap, chunk headers)",
		       SIM_KREAD_POINTER, SIM_KREAD_HEAP_INBAND);
}

static struct k_spinlock *heap_lock(struct ll_env *env)
{
	return env->oobk ? &env->oobk->lock : &env->heap->lock;
}

/* The sys_heap the kernel is about to run, or NULL (finding reported). */
static struct sys_heap *heap_use(struct ll_env *env, const char *path)
{
	note_heap_reads(env, path);
	return sim_k_heap_use(env->heap, path);
}

static void *kernel_alloc(struct ll_env *env, size_t align, size_t bytes)
{
	struct sys_heap *sys = env->oobk ? NULL : heap_use(env, "heap_alloc_aligned");
	k_spinlock_key_t key;
	void *p = NULL;

	if (!env->oobk && !sys)
		return NULL;
	key = k_spin_lock(heap_lock(env));
	/* a lock that reads as held is a deadlock on the target: stop there */
	if (!sim_syscall_aborted())
		p = env->oobk ? oob_heap_aligned_alloc(&env->oob, align, bytes)
			      : sys_heap_aligned_alloc(sys, align, bytes);
	k_spin_unlock(heap_lock(env), key);
	return p;
}

static size_t heap_usable(struct ll_env *env, struct sys_heap *sys, void *uc)
{
	return env->oobk ? oob_heap_usable_size(&env->oob, uc) : sys_heap_usable_size(sys, uc);
}

/*
 * heap_free: under one lock, a cached pointer's usable size (read from the
 * chunk header), the flush+invalidate of that many bytes from the cached
 * address, then the free of the uncached address.
 */
static void kernel_free(struct ll_env *env, uint8_t *ptr)
{
	struct sys_heap *sys = env->oobk ? NULL : heap_use(env, "heap_free");
	void *uc = sim_uncached(env->sim, ptr);
	k_spinlock_key_t key;

	if (!env->oobk && !sys)
		return;
	key = k_spin_lock(heap_lock(env));
	if (!sim_syscall_aborted() && env->cfg.cached_heap && is_cached_ptr(env, ptr)) {
		uint32_t len = (uint32_t)heap_usable(env, sys, uc);

		if (!sim_syscall_aborted())
			ll_cache_flush_invd_range(env, sim_host_to_target(env->sim, ptr), len);
	}
	if (!sim_syscall_aborted()) {
		if (env->oobk)
			oob_heap_free(&env->oob, uc);
		else
			sys_heap_free(sys, uc);
	}
	k_spin_unlock(heap_lock(env), key);
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
		/* SOF's cached heap: min_align = MAX(line, align), bytes = ALIGN_UP(bytes, line),
		 * in the target's size_t */
		if (align < env->cache_line)
			align = env->cache_line;
		bytes = ((bytes + env->cache_line - 1) & ~(size_t)(env->cache_line - 1)) & mask;
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

	if (!ptr)
		return 0;
	kernel_free(env, ptr);
	env->stats.frees++;
	/* the block is gone from the kernel's books even if the free stopped
	 * half-way: no later allocation can be its owner's */
	if (sh_remove(env->shadow, uncached_taddr(env, ptr), &size)) {
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
	uint32_t var;

	if (!env)
		return NULL;
	sim_user_load(&var, env->heap_var, sizeof(var)); /* user code reads zephyr_ll_heap */
	return sim_target_to_host(env->sim, var, sizeof(struct k_heap));
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
