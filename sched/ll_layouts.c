/*
 * The LL heap layouts of SOF PR #10807 and the environment that hosts them
 * (memory maps: docs/sof-ll.md).
 *
 * Every layout gets the same frame: an LL memory domain "ll_domain" with a
 * user partition "app_sysuser" (holding the user variable zephyr_ll_heap),
 * the LL scheduler, and the two syscalls. A layout decides where struct
 * k_heap and the heap buffer live and what the domain may write. Each one
 * allocates the buffer and then, immediately after it, the page of kernel
 * data (the LL scheduler's timer domain object): in SOF the buffer is a
 * static array and kernel .bss follows it, and that is the data a forged
 * chunk id past the buffer reaches first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sched_internal.h"

/* ---- helpers used by the layouts ----------------------------------------- */

int ll_env_add_partition(struct ll_env *env, void *start, size_t size, uint32_t attr)
{
	struct k_mem_partition part = { (uintptr_t)start, size, attr };

	return k_mem_domain_add_partition(env->domain, &part);
}

/* The buffer and its uncached alias, both user RW (mirrored regions). */
int ll_env_share_buffer(struct ll_env *env, void *region, size_t bytes)
{
	int err = ll_env_add_partition(env, region, bytes, K_MEM_PARTITION_P_RW_U_RW);

	if (!err && env->cfg.alias_partition)
		err = ll_env_add_partition(env, sim_uncached(env->sim, region), bytes,
					   K_MEM_PARTITION_P_RW_U_RW);
	return err;
}

static void heap_config(const struct ll_env *env, struct sys_heap_config *hc)
{
	sys_heap_config_default(hc);
	hc->word_bits = env->cfg.word_bits;
	hc->hardening = env->cfg.hardening;
	sys_heap_config_profile(hc, env->cfg.profile);
	hc->runtime_stats = env->cfg.runtime_stats;
}

/* SOF initialises the heap on the buffer's uncached address: init_mem is
 * what z_vrfy_sof_heap_free compares uncached pointers with. */
int ll_env_heap_init(struct ll_env *env, void *buf_uncached, size_t bytes, const char *name)
{
	struct sys_heap_config hc;
	int err;

	heap_config(env, &hc);
	err = k_heap_init_cfg(env->heap, buf_uncached, bytes, &hc, name);
	if (err)
		return err;
	env->sys = sim_k_heap_sys(env->heap);
	return env->sys ? 0 : -EINVAL;
}

/* The heap buffer followed by the page of kernel data. */
static int buffer_and_kdata(struct ll_env *env, size_t bytes, const char *name)
{
	env->buf = sim_region_alloc(env->sim, bytes, name);
	env->kdata = sim_region_alloc(env->sim, env->page, "ll_kdata");
	return env->buf && env->kdata ? 0 : -ENOMEM;
}

/* ---- the layouts --------------------------------------------------------- */

/*
 * pr10807-v2: one page-aligned region holds struct k_heap, then the buffer
 * (from the next cache line); the whole region is user RW in the LL domain.
 */
static int setup_v2(struct ll_env *env)
{
	size_t hdr = LL_DCACHE_LINE;
	int err = buffer_and_kdata(env, env->cfg.heap_bytes, "ll_heap_region");
	uint8_t *region = env->buf;

	if (err)
		return err;
	env->heap = (struct k_heap *)region;
	env->buf = region + hdr;
	env->buf_bytes = env->cfg.heap_bytes - hdr;
	err = ll_env_heap_init(env, sim_uncached(env->sim, env->buf), env->buf_bytes, "ll_heap");
	return err ? err : ll_env_share_buffer(env, region, env->cfg.heap_bytes);
}

/*
 * kernel-only: struct k_heap is kernel data and the buffer is in no
 * partition: user code can only hold the pointers the syscalls return and
 * pass them back (docs/sof-ll.md: what modules can and cannot do then).
 */
static int setup_kernel_only(struct ll_env *env)
{
	int err;

	env->heap = sim_kobj_alloc(env->sim, sizeof(struct k_heap), 8, "ll_heap");
	if (!env->heap)
		return -ENOMEM;
	err = buffer_and_kdata(env, env->cfg.heap_bytes, "ll_heap_buf");
	if (err)
		return err;
	env->buf_bytes = env->cfg.heap_bytes;
	return ll_env_heap_init(env, sim_uncached(env->sim, env->buf), env->buf_bytes, "ll_heap");
}

/*
 * pr10807-v3 (merged): the objects of kernel-only, but the buffer is a user
 * RW partition (and alias); user code learns the heap's address from the
 * zephyr_ll_heap variable.
 */
static int setup_v3(struct ll_env *env)
{
	int err = setup_kernel_only(env);

	return err ? err : ll_env_share_buffer(env, env->buf, env->buf_bytes);
}

/*
 * oob: the fix (issue 7). The heap object and the allocator's metadata are
 * kernel data; the user RW buffer holds payload only.
 */
static int setup_oob(struct ll_env *env)
{
	int err = buffer_and_kdata(env, env->cfg.heap_bytes, "ll_heap_buf");

	if (err)
		return err;
	env->buf_bytes = env->cfg.heap_bytes;
	err = ll_env_oob_attach(env);
	return err ? err : ll_env_share_buffer(env, env->buf, env->buf_bytes);
}

/* The oob heap object and metadata (kernel memory) over env->buf. */
int ll_env_oob_attach(struct ll_env *env)
{
	struct sys_heap_config hc;
	size_t meta_bytes = oob_heap_metadata_bytes(env->buf_bytes);
	struct ll_oob_kheap *k;
	void *buf_uc;
	int err;

	if (!meta_bytes)
		return -EINVAL;
	k = sim_kobj_alloc(env->sim, sizeof(*k), 8, "ll_heap");
	if (!k)
		return -ENOMEM;
	env->oob_meta = sim_region_alloc(env->sim, meta_bytes, "ll_heap_meta");
	if (!env->oob_meta)
		return -ENOMEM;
	buf_uc = sim_uncached(env->sim, env->buf);

	heap_config(env, &hc);
	hc.target_base_set = true;
	hc.target_base = sim_host_to_target(env->sim, buf_uc);
	if (oob_heap_init_checked(&env->oob, buf_uc, env->buf_bytes, env->oob_meta, meta_bytes,
				  &hc, true) != SYS_HEAP_INIT_OK)
		return -EINVAL;

	k->meta = sim_host_to_target(env->sim, env->oob_meta);
	k->meta_bytes = (uint32_t)meta_bytes;
	k->init_mem = sim_host_to_target(env->sim, buf_uc);
	k->init_bytes = (uint32_t)env->buf_bytes;
	err = sim_kobj_register(env->sim, k, sizeof(*k), K_OBJ_DATA, "oob_heap", "ll_heap", NULL, 0);
	if (!err)
		err = sim_kobj_register(env->sim, env->oob_meta, meta_bytes, K_OBJ_DATA,
					"oob_heap metadata", "ll_heap metadata", NULL, 0);
	if (err)
		return err;
	env->oobk = k;
	env->heap = (struct k_heap *)k;
	return 0;
}

static const struct ll_layout layouts[] = {
	{ "pr10807-v2",
	  "PR v1/v2: struct k_heap and its buffer in one user RW region (spinlock and wait "
	  "queue user-writable)",
	  true, true, setup_v2, true, true, false, NULL },
	{ "pr10807-v3",
	  "PR v3 (merged): struct k_heap in kernel memory; buffer user RW with in-band "
	  "sys_heap metadata",
	  true, true, setup_v3, true, false, false, NULL },
	{ "kernel-only",
	  "baseline: buffer and metadata in kernel memory; user code only passes pointers back",
	  false, false, setup_kernel_only, false, false, false, NULL },
	{ "oob",
	  "the fix: k_heap-like object and out-of-band metadata in kernel memory; buffer user "
	  "RW holds payload only",
	  false, true, setup_oob, false, false, false, NULL },
	/* SOF main 12dd7265291c (ll_sof_main.c). The four above keep their
	 * places: fuzz inputs index this table. */
	{ "sof-main",
	  "SOF main as it ships: in-band sys_heap metadata; zephyr_domain, scheduler, task and "
	  "ipc_user objects in the user heap; zephyr_ll_heap and zephyr_ll_locks[] user-writable",
	  true, true, ll_sof_setup, true, true, true, ll_sof_boot },
	{ "sof-main-oob",
	  "SOF main with out-of-band heap metadata only: the kernel-trusted objects stay in "
	  "user-writable memory",
	  true, true, ll_sof_setup, false, true, true, ll_sof_boot },
	{ "sof-main-fixed",
	  "what SOF needs: out-of-band heap metadata and every kernel-trusted object (domain, "
	  "scheduler, IPC, DMA heap pointer, lock pointers) in kernel memory",
	  false, true, ll_sof_setup, false, false, true, ll_sof_boot },
};

size_t ll_layout_count(void)
{
	return sizeof(layouts) / sizeof(layouts[0]);
}

const struct ll_layout *ll_layout_at(size_t i)
{
	return i < ll_layout_count() ? &layouts[i] : NULL;
}

const struct ll_layout *ll_layout_find(const char *name)
{
	for (size_t i = 0; name && i < ll_layout_count(); i++)
		if (!strcmp(layouts[i].name, name))
			return &layouts[i];
	return NULL;
}

/* ---- the environment ----------------------------------------------------- */

void ll_env_config_default(struct ll_env_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->layout = "pr10807-v3";
	cfg->heap_bytes = 0x20000;
	cfg->word_bits = 32;
	cfg->hardening = SYS_HEAP_HARDENING_MODERATE;
	cfg->profile = SYS_HEAP_PROFILE_DEBUG;
	cfg->cores = 3;
	cfg->cached_heap = true;
	cfg->alias_partition = true;
	cfg->user_space = true;
	cfg->soft_rights = true;
	cfg->period_us = 1000;
	sim_config_default(&cfg->sim);
	cfg->sim.arena_bytes = 2u << 20;
}

static int check_config(const struct ll_env_config *c, size_t page)
{
	if (!c->heap_bytes || c->heap_bytes % page || c->heap_bytes > (64u << 20))
		return -EINVAL;
	if (c->word_bits != 32 && c->word_bits != 64)
		return -EINVAL;
	if ((unsigned)c->hardening > SYS_HEAP_HARDENING_EXTREME || !c->period_us)
		return -EINVAL;
	if ((unsigned)c->profile >= SYS_HEAP_PROFILE_COUNT || c->cores < LL_CORES_MIN ||
	    c->cores > LL_CORES_MAX)
		return -EINVAL;
	return 0;
}

/* The common frame: LL domain, sysuser partition. */
static int frame(struct ll_env *env)
{
	int err;

	env->domain = sim_kobj_alloc(env->sim, sizeof(*env->domain), 8, "ll_domain");
	if (!env->domain)
		return -ENOMEM;
	err = k_mem_domain_init(env->domain, 0, NULL);
	if (err)
		return err;
	sim_domain_set_name(env->domain, "ll_domain");
	env->sysuser = sim_region_alloc(env->sim, env->page, "app_sysuser");
	if (!env->sysuser)
		return -ENOMEM;
	env->heap_var = env->sysuser;
	return ll_env_add_partition(env, env->sysuser, env->page, K_MEM_PARTITION_P_RW_U_RW);
}

/* Grows the arena to hold the kernel region, the heap (and oob metadata),
 * the user and kernel-data pages, two thread stacks and some room. */
static void fit_arena(struct ll_env_config *c, const struct ll_layout *l)
{
	size_t page = sim_page_size(), stack = c->sim.stack_bytes ? c->sim.stack_bytes : 65536;
	size_t need = c->sim.kernel_bytes + c->heap_bytes + oob_heap_metadata_bytes(c->heap_bytes) +
		      2 * stack + 8 * page + (256u << 10);

	/* SOF main: the kernel heap around the buffer, one more thread per core
	 * and the kernel IPC task */
	if (l->sof_main)
		need += 4 * page + (c->cores + 1) * stack;

	need = (need + page - 1) / page * page;
	if (c->sim.arena_bytes < need)
		c->sim.arena_bytes = need;
}

static int build(struct ll_env *env)
{
	struct ll_sched_config sc;
	int err;

	/* checked before fit_arena sizes (and sim_create maps) an arena for it */
	env->page = sim_page_size();
	err = check_config(&env->cfg, env->page);
	if (err)
		return err;
	fit_arena(&env->cfg, env->layout);
	env->sim = sim_create(&env->cfg.sim);
	if (!env->sim)
		return errno ? -errno : -ENOMEM;
	err = frame(env);
	if (!err)
		err = env->layout->setup(env);
	if (err)
		return err;

	ll_sched_config_default(&sc);
	sc.period_us = env->cfg.period_us;
	sc.user_space = env->cfg.user_space;
	sc.soft_rights = env->cfg.soft_rights;
	sc.domain = env->domain;
	sc.kdata = env->kdata;
	env->sched = ll_sched_create(env->sim, &sc);
	if (!env->sched)
		return -errno;
	/* what SOF publishes for user code: the heap's address */
	*env->heap_var = sim_host_to_target(env->sim, env->heap);
	err = ll_syscalls_register(env);
	if (!err && env->layout->boot)
		err = env->layout->boot(env);
	return err ? err : ll_sched_start(env->sched);
}

int ll_env_create(const struct ll_env_config *cfg, struct ll_env **out)
{
	struct ll_env_config def;
	const struct ll_layout *layout;
	struct ll_env *env;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cfg) {
		ll_env_config_default(&def);
		cfg = &def;
	}
	if (sim_current())
		return -EBUSY;
	layout = ll_layout_find(cfg->layout);
	if (!layout)
		return -ENOENT;
	env = calloc(1, sizeof(*env));
	if (!env)
		return -ENOMEM;
	env->shadow = calloc(1, sizeof(*env->shadow));
	if (!env->shadow) {
		free(env);
		return -ENOMEM;
	}
	env->cfg = *cfg;
	env->layout = layout;
	env->cache_line = LL_DCACHE_LINE;
	err = build(env);
	if (err) {
		ll_env_destroy(env);
		return err;
	}
	*out = env;
	return 0;
}

void ll_env_destroy(struct ll_env *env)
{
	if (!env)
		return;
	ll_sof_destroy(env);
	ll_sched_destroy(env->sched);
	sim_destroy(env->sim);
	ll_cache_free(env);
	free(env->shadow);
	free(env);
}

struct sim *ll_env_sim(const struct ll_env *env)
{
	return env ? env->sim : NULL;
}

struct ll_sched *ll_env_sched(const struct ll_env *env)
{
	return env ? env->sched : NULL;
}

const struct ll_layout *ll_env_layout(const struct ll_env *env)
{
	return env ? env->layout : NULL;
}

const struct ll_env_config *ll_env_config(const struct ll_env *env)
{
	return env ? &env->cfg : NULL;
}

struct k_mem_domain *ll_env_domain(const struct ll_env *env)
{
	return env ? env->domain : NULL;
}

struct k_heap *ll_env_heap(const struct ll_env *env)
{
	return env ? env->heap : NULL;
}

struct sys_heap *ll_env_sys_heap(const struct ll_env *env)
{
	return env ? env->sys : NULL;
}

void *ll_env_heap_buffer(const struct ll_env *env, size_t *bytes)
{
	if (bytes)
		*bytes = env ? env->buf_bytes : 0;
	return env ? env->buf : NULL;
}

uint32_t *ll_env_user_heap_var(const struct ll_env *env)
{
	return env ? env->heap_var : NULL;
}

void ll_env_heap_stats(const struct ll_env *env, struct ll_heap_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (env)
		*out = env->stats;
}

static void report_invalid(struct ll_env *env, const char *why, uint32_t chunk)
{
	struct sim_finding f;

	memset(&f, 0, sizeof(f));
	f.kind = SIM_FINDING_VALIDATE;
	snprintf(f.message, sizeof(f.message), "%s: heap metadata inconsistent: %s (chunk %u)",
		 env->layout->name, why ? why : "?", (unsigned)chunk);
	snprintf(f.object, sizeof(f.object), "ll_heap");
	snprintf(f.object_type, sizeof(f.object_type), "%s", env->oobk ? "oob_heap" : "k_heap");
	snprintf(f.field, sizeof(f.field), "%s", why ? why : "");
	f.taddr = sim_host_to_target(env->sim, env->buf);
	f.view = SIM_VIEW_CACHED;
	f.time_us = sim_now_us(env->sim);
	sim_report_finding(env->sim, &f);
}

/*
 * The read-only strict check stands in for sys_heap_validate here: validate
 * rewrites used bits (left so on a false verdict) and ends a forged free-list
 * cycle in a check. The heap-ops fuzz target runs both, on heaps of its own.
 */
bool ll_env_validate(struct ll_env *env)
{
	const char *why = NULL;
	uint32_t chunk = 0;
	bool ok;

	if (!env)
		return false;
	ok = env->oobk ? oob_heap_check(&env->oob, &why, &chunk)
		       : sys_heap_check_strict(env->sys, &why, &chunk);
	if (!ok && !env->validate_reported) {
		env->validate_reported = true;
		report_invalid(env, why, chunk);
	}
	return ok;
}
