/*
 * The arena: one memfd mapped as a cached view, an uncached alias and a
 * private "backdoor" the simulator uses for its own bookkeeping writes, plus
 * the per-page rights table and the region / kernel-object allocators.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_internal.h"

struct sim *g_sim;

size_t sim_page_size(void)
{
	static size_t page;

	if (!page)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

void sim_config_default(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->arena_bytes = 1u << 20;
	cfg->kernel_bytes = 64u << 10;
	cfg->max_partitions = 16;
	cfg->stack_bytes = 64u << 10;
	cfg->protect = true;
	cfg->confine = true;
	cfg->trace = true;
	cfg->trace_max = 8192;
	cfg->switch_budget = 0;
	{
		const char *hard = getenv("HEAPSIM_HARD_RIGHTS");
		const char *check = getenv("HEAPSIM_SOFT_CHECK");

		cfg->soft_rights = !(hard && !strcmp(hard, "1"));
		cfg->soft_check = check && !strcmp(check, "1");
	}
}

static bool config_ok(const struct sim_config *c)
{
	size_t pg = sim_page_size();

	if (!c->arena_bytes || c->arena_bytes % pg || c->arena_bytes > SIM_ARENA_MAX)
		return false;
	if (!c->kernel_bytes || c->kernel_bytes % pg || c->kernel_bytes >= c->arena_bytes)
		return false;
	if (!c->max_partitions || c->max_partitions > SIM_DOMAIN_PARTS_MAX)
		return false;
	if (c->stack_bytes < 16384 || c->stack_bytes % pg)
		return false;
	return true;
}

/* ---- the arena mapping, kept across simulators ---------------------------------
 * Creating a memfd and mapping it three times costs page-table changes and
 * page faults on every fresh page; a fuzzer creates one simulator per input.
 * So sim_destroy keeps the mapping (contents zeroed, page rights as they
 * are, with the table of them) and the next sim_create of the same size takes
 * it over: no memfd, mmap, munmap or mprotect per input. The kernel opens
 * what it needs lazily anyway, and the pages it opened last time are most
 * likely the ones it opens next. Only one simulator exists at a time
 * (g_sim), so one kept arena is enough.
 */

struct sim_pt_counts g_pt; /* sim/'s own calls, whatever simulator they were for */

void sim_page_table_counts(struct sim_pt_counts *out)
{
	*out = g_pt;
}

uint64_t sim_page_table_changes(void)
{
	return g_pt.mprotect + g_pt.mmap + g_pt.munmap + g_pt.memfd;
}

struct arena_map {
	int fd;
	size_t size;
	uint8_t *view[2], *backdoor;
	uint8_t *snap_pool;      /* confinement's page copies: one per page at most */
	uint8_t *cur;            /* the rights of each view's pages now (sim_cur) */
};

static struct arena_map g_kept = { .fd = -1 };

static void *map_view(int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	g_pt.mmap++;
	return p == MAP_FAILED ? NULL : p;
}

static void unmap_arena(struct arena_map *m)
{
	for (int v = 0; v < 2; v++) {
		if (!m->view[v])
			continue;
#ifdef SIM_ASAN
		/* Dead fibers leave poisoned frames; a later mapping here must not inherit them. */
		ASAN_UNPOISON_MEMORY_REGION(m->view[v], m->size);
#endif
		munmap(m->view[v], m->size);
		g_pt.munmap++;
	}
	if (m->backdoor) {
		munmap(m->backdoor, m->size);
		g_pt.munmap++;
	}
	if (m->fd >= 0)
		close(m->fd);
	free(m->snap_pool);
	free(m->cur);
	*m = (struct arena_map){ .fd = -1 };
}

static bool map_arena(struct arena_map *m, size_t size)
{
	if (g_kept.fd >= 0 && g_kept.size == size) {
		*m = g_kept;
		g_kept = (struct arena_map){ .fd = -1 };
		return true;
	}
	unmap_arena(&g_kept); /* another size: not worth keeping two */
	m->size = size;
	m->fd = memfd_create("heapsim-arena", MFD_CLOEXEC);
	g_pt.memfd++;
	if (m->fd < 0 || ftruncate(m->fd, (off_t)size) != 0)
		return false;
	m->view[0] = map_view(m->fd, size);
	m->view[1] = map_view(m->fd, size);
	m->backdoor = map_view(m->fd, size);
	m->snap_pool = malloc(size);
	m->cur = malloc(2 * (size / sim_page_size()));
	if (m->cur)
		memset(m->cur, R_RW, 2 * (size / sim_page_size()));
	return m->view[0] && m->view[1] && m->backdoor && m->snap_pool && m->cur;
}

void sim_arena_drop_kept(void)
{
	unmap_arena(&g_kept);
}

/* Zeroes the pages an input may have dirtied: only pages that were writable
 * through a view, or written through the backdoor, can hold non-zero bytes.
 * A page is read first (most stay zero, and a read costs less than a write). */
SIM_NO_COVERAGE
static void zero_dirty_pages(struct sim *s)
{
	size_t pg;

	SIM_FOR_EACH_BIT(s->dirty, s->npages, pg) {
		uint8_t *p = s->backdoor + pg * s->page;
		const uint64_t *w = (const uint64_t *)p;
		uint64_t any = 0;

		for (size_t i = 0; i < s->page / sizeof(*w); i++)
			any |= w[i];
		if (any)
			memset(p, 0, s->page);
	}
}

void sim_page_rights_changed(struct sim *s, size_t pg)
{
	uint64_t bit = 1ull << (pg % 64);

	if (s->cur[pg] == R_RW || s->cur[s->npages + pg] == R_RW) {
		s->open[pg / 64] |= bit;
		s->dirty[pg / 64] |= bit;
	} else {
		s->open[pg / 64] &= ~bit;
	}
}

void sim_mark_dirty(struct sim *s, size_t off, size_t n)
{
	for (size_t pg = off / s->page; n && pg <= (off + n - 1) / s->page; pg++)
		s->dirty[pg / 64] |= 1ull << (pg % 64);
}

static void unmap_all(struct sim *s)
{
	struct arena_map m = { s->fd, s->size, { s->view[0], s->view[1] }, s->backdoor, s->snap_pool,
			       s->cur };

	s->fd = -1;
	s->snap_pool = NULL;
	s->cur = NULL;
	if (m.fd < 0 || !m.view[0] || !m.view[1] || !m.backdoor || !m.snap_pool || !m.cur || !s->dirty) {
		unmap_arena(&m);
		return;
	}
	/* Keep it for the next simulator: all zero, rights as they are. */
#ifdef SIM_ASAN
	ASAN_UNPOISON_MEMORY_REGION(m.view[0], m.size);
	ASAN_UNPOISON_MEMORY_REGION(m.view[1], m.size);
#endif
	zero_dirty_pages(s);
	unmap_arena(&g_kept);
	g_kept = m;
}

SIM_NO_COVERAGE
static bool memchr_not(const uint8_t *p, uint8_t c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return true;
	return false;
}

static void open_all(struct sim *s)
{
	bool was = s->protect;

	s->protect = true;
	memset(s->want, R_RW, s->npages);
	sim_apply_rights(s, s->want);
	s->protect = was;
}

/* The last simulator's struct, for the next one: it is large (its tables of
 * threads, regions and syscalls), and a fresh allocation of that size is
 * fresh pages to fault in, once per input. */
static struct sim *g_spare;

/* The views, the memfd and the per-page tables: what sim_create allocates. */
static void release_arena(struct sim *s)
{
	unmap_all(s);
	free(s->want);
	free(s->scratch);
	free(s->fp_page);
	free(s->open);
	free(s->dirty);
	free(s->page_region);
	free(s->snaps);
}

struct sim *sim_create(const struct sim_config *cfg)
{
	struct sim_config def;
	struct sim *s;

	if (g_sim) {
		errno = EBUSY;
		return NULL;
	}
	if (!cfg) {
		sim_config_default(&def);
		cfg = &def;
	}
	if (!config_ok(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	s = g_spare ? g_spare : calloc(1, sizeof(*s));
	g_spare = NULL;
	if (!s)
		return NULL;
	{
		/* the event buffer is kept too: it grows to the same size each time */
		struct sim_event *ev = s->events;
		size_t cap = s->events_cap;

		memset(s, 0, sizeof(*s));
		s->events = ev;
		s->events_cap = cap;
	}
	s->cfg = *cfg;
	s->page = sim_page_size();
	s->size = cfg->arena_bytes;
	s->npages = s->size / s->page;
	s->protect = cfg->protect;
	s->confine = cfg->confine;
	{
		struct arena_map m = { .fd = -1 };
		bool ok = map_arena(&m, s->size);

		s->fd = m.fd;
		s->view[0] = m.view[0];
		s->view[1] = m.view[1];
		s->backdoor = m.backdoor;
		s->snap_pool = m.snap_pool;
		s->cur = m.cur;
		if (!ok)
			goto fail;
	}
	s->want = malloc(s->npages);
	s->scratch = malloc(s->npages);
	s->fp_page = calloc(s->npages, 1);
	s->open = calloc((s->npages + 63) / 64, sizeof(uint64_t));
	s->dirty = calloc((s->npages + 63) / 64, sizeof(uint64_t));
	s->page_region = malloc(s->npages * sizeof(*s->page_region));
	s->snaps = malloc(s->npages * sizeof(*s->snaps));
	if (!s->view[0] || !s->view[1] || !s->backdoor || !s->cur || !s->want || !s->scratch || !s->fp_page ||
	    !s->page_region || !s->snaps || !s->snap_pool || !s->open || !s->dirty)
		goto fail;
	if (memchr_not(s->cur, R_RW, 2 * s->npages)) {
		/* A kept arena with pages closed: setup code in the main context
		 * may fault on them before the first sim_run installs the handler;
		 * without page protection they must not stay closed at all. */
		if (s->protect)
			sim_signals_ensure(s);
		else
			open_all(s);
	}
	for (size_t pg = 0; pg < s->npages; pg++)
		sim_page_rights_changed(s, pg);
	for (size_t i = 0; i < s->npages; i++)
		s->page_region[i] = -1;

	/* The kernel data region: kernel objects and kernel data, never a partition. */
	s->kernel_pages = cfg->kernel_bytes / s->page;
	s->regions[0] = (struct sim_region){ 0, cfg->kernel_bytes, REG_KERNEL, "kernel" };
	s->nregions = 1;
	for (size_t i = 0; i < s->kernel_pages; i++)
		s->page_region[i] = 0;
	s->kbrk = 16; /* offset 0 stays unused: no object at the view base */
	s->krec = cfg->kernel_bytes;

	for (unsigned i = 0; i <= SIM_MAX_THREADS; i++)
		s->threads[i].sc_id = -1;
	g_sim = s;
	sys_heap_get_check_handler(&s->prev_check_fn, &s->prev_check_ctx);
	sys_heap_set_check_handler(sim_heap_check, s);
	sim_syscalls_builtin(s);
	return s;
fail: {
	int e = errno ? errno : ENOMEM;

	release_arena(s);
	free(s);
	errno = e;
	return NULL;
}
}

void sim_destroy(struct sim *s)
{
	if (!s)
		return;
	sim_threads_free(s);
	sys_heap_set_check_handler(s->prev_check_fn, s->prev_check_ctx);
	sim_kobj_free_all(s);
	for (unsigned i = 0; i < s->ndomains; i++)
		free(s->domains[i].urights);
	release_arena(s);
	free(s->findings);
	sim_kread_free(s);
	if (g_sim == s)
		g_sim = NULL;
	sim_signals_release();
	if (g_spare) {
		free(s->events);
		free(s);
	} else {
		g_spare = s;
	}
}

struct sim *sim_current(void)
{
	return g_sim;
}

void sim_stats_get(const struct sim *s, struct sim_stats *out)
{
	*out = s->stats;
}

void sim_stats_reset(struct sim *s)
{
	memset(&s->stats, 0, sizeof(s->stats));
}

/* ---- views and translation ------------------------------------------------ */

const char *sim_view_name(enum sim_view v)
{
	return v == SIM_VIEW_CACHED ? "cached" : v == SIM_VIEW_UNCACHED ? "uncached" : "none";
}

size_t sim_arena_size(const struct sim *s)
{
	return s->size;
}

void *sim_arena_base(const struct sim *s, enum sim_view v)
{
	return v == SIM_VIEW_CACHED || v == SIM_VIEW_UNCACHED ? s->view[v] : NULL;
}

bool sim_locate(const struct sim *s, const void *p, size_t len, size_t *off, enum sim_view *v)
{
	uintptr_t a = (uintptr_t)p;

	for (int i = 0; i < 2; i++) {
		uintptr_t b = (uintptr_t)s->view[i];

		/* one offset, compared with sizes: a below b wraps past s->size,
		 * and no host address is an operand a fuzzer could trace */
		if (a - b < s->size && len <= s->size - (a - b)) {
			*off = a - b;
			*v = (enum sim_view)i;
			return true;
		}
	}
	return false;
}

enum sim_view sim_host_locate(const struct sim *s, const void *p, size_t *off)
{
	enum sim_view v;
	size_t o;

	if (!sim_locate(s, p, 1, &o, &v))
		return SIM_VIEW_NONE;
	if (off)
		*off = o;
	return v;
}

bool sim_host_in_arena(const struct sim *s, const void *p, size_t len)
{
	size_t o;
	enum sim_view v;

	return sim_locate(s, p, len ? len : 1, &o, &v);
}

sim_taddr_t sim_host_to_target(const struct sim *s, const void *p)
{
	size_t o;
	enum sim_view v;

	if (!sim_locate(s, p, 1, &o, &v))
		return 0;
	return (v == SIM_VIEW_CACHED ? SIM_CACHED_BASE : SIM_UNCACHED_BASE) + (sim_taddr_t)o;
}

void *sim_target_to_host(const struct sim *s, uint64_t t, size_t len)
{
	static const uint32_t base[2] = { SIM_CACHED_BASE, SIM_UNCACHED_BASE };

	for (int i = 0; i < 2; i++) {
		if (t >= base[i] && t - base[i] < s->size && len <= s->size - (t - base[i]))
			return s->view[i] + (t - base[i]);
	}
	return NULL;
}

void *sim_to_view(const struct sim *s, const void *p, enum sim_view v)
{
	size_t o;
	enum sim_view from;

	if (v != SIM_VIEW_CACHED && v != SIM_VIEW_UNCACHED)
		return NULL;
	if (!sim_locate(s, p, 1, &o, &from))
		return NULL;
	return s->view[v] + o;
}

/* ---- page rights ------------------------------------------------------------ */

static __attribute__((noreturn)) void mprotect_failed(size_t first, size_t n)
{
	/* Out of VMAs or a bad range: the simulator cannot enforce rights any more. */
	fprintf(stderr, "heapsim sim: mprotect of pages %zu+%zu failed (%s)\n", first, n,
		strerror(errno));
	abort();
}

/*
 * Makes view v's rights table `want`. Only pages whose rights differ are
 * changed; runs of equal wanted rights are coalesced (unchanged pages inside
 * a run are re-set: one call is cheaper than two), one call per run.
 */
SIM_NO_COVERAGE
void sim_apply_view_rights(struct sim *s, int v, const uint8_t *want)
{
	uint8_t *cur = sim_cur(s, v);
	size_t i = 0, n = s->npages;

	if (!s->protect)
		return;
	while (i < n) {
		size_t j, last;

		if (cur[i] == want[i]) {
			i++;
			continue;
		}
		last = i;
		for (j = i + 1; j < n && want[j] == want[i]; j++)
			if (cur[j] != want[j])
				last = j;
		j = last + 1;
		if (mprotect(s->view[v] + i * s->page, (j - i) * s->page, want[i]) != 0)
			mprotect_failed(i, j - i);
		s->stats.mprotect_calls++;
		g_pt.mprotect++;
		for (size_t k = i; k < j; k++)
			if (cur[k] != want[i]) {
				cur[k] = want[i];
				sim_page_rights_changed(s, k);
				s->stats.pages_changed++;
			}
		i = j;
	}
}

/* Both views: what user mode sees, and the kernel's rights outside a
 * confinement window. */
void sim_apply_rights(struct sim *s, const uint8_t *want)
{
	sim_apply_view_rights(s, SIM_VIEW_CACHED, want);
	sim_apply_view_rights(s, SIM_VIEW_UNCACHED, want);
}

void sim_rights_kernel(struct sim *s)
{
	memset(s->want, R_RW, s->npages);
	sim_apply_rights(s, s->want);
}

/* What thread t may do to page pg in user mode (one page of sim_user_rights_of). */
uint8_t sim_user_page_rights(const struct sim *s, const struct sim_thread *t, size_t pg)
{
	if (t->stack) {
		size_t first = (size_t)((uint8_t *)t->stack - s->view[0]) / s->page;

		if (pg >= first && pg < first + t->stack_bytes / s->page)
			return R_RW;
	}
	return t->dom && t->dom->urights ? t->dom->urights[pg] : R_NONE;
}

/* What thread t may do in user mode: its domain's partitions and its own stack. */
SIM_NO_COVERAGE
void sim_user_rights_of(const struct sim *s, const struct sim_thread *t, uint8_t *out)
{
	if (t->dom && t->dom->urights)
		memcpy(out, t->dom->urights, s->npages);
	else
		memset(out, R_NONE, s->npages);
	if (t->stack) {
		size_t off = (size_t)((uint8_t *)t->stack - s->view[0]) / s->page;

		memset(out + off, R_RW, t->stack_bytes / s->page);
	}
}


void sim_rights_user(struct sim *s, struct sim_thread *t)
{
	sim_user_rights_of(s, t, s->want);
	sim_apply_rights(s, s->want);
}

/* One page of one view: the lazy kernel-rights path (from the fault handler). */
void sim_page_set(struct sim *s, int v, size_t page, uint8_t r)
{
	if (mprotect(s->view[v] + page * s->page, s->page, r) != 0)
		mprotect_failed(page, 1);
	s->stats.mprotect_calls++;
	g_pt.mprotect++;
	sim_cur(s, v)[page] = r;
	sim_page_rights_changed(s, page);
	s->stats.pages_changed++;
}

void sim_rights_for_thread(struct sim *s, struct sim_thread *t)
{
	if (!t)
		sim_rights_kernel(s);
	else if (t->in_user_mode)
		sim_rights_user(s, t);
	else
		sim_rights_kernel(s);
}

void sim_set_protect(struct sim *s, bool on)
{
	if (on == s->protect)
		return;
	if (!on)
		sim_rights_kernel(s);
	s->protect = on;
	if (on)
		sim_rights_for_thread(s, s->current);
}

void sim_set_confine(struct sim *s, bool on)
{
	s->confine = on;
}

/* ---- the simulator's own writes ---------------------------------------------- */

/* Kernel API bookkeeping (wait-queue links, thread state) goes through the
 * backdoor: it works whatever the current rights, and a confinement window
 * in progress learns the new bytes so they are not reported. */
void sim_bd_write(struct sim *s, void *p, const void *src, size_t n)
{
	size_t off;
	enum sim_view v;

	if (!sim_locate(s, p, n, &off, &v))
		return;
	memcpy(s->backdoor + off, src, n);
	sim_mark_dirty(s, off, n);
	if (s->window_open)
		sim_window_patch(s, off, src, n);
}

void sim_bd_w32(struct sim *s, uint32_t *p, uint32_t v)
{
	sim_bd_write(s, p, &v, sizeof(v));
}

/* ---- regions ------------------------------------------------------------------ */

int sim_region_of(const struct sim *s, size_t off)
{
	return off < s->size ? s->page_region[off / s->page] : -1;
}

SIM_NO_COVERAGE
void *sim_region_alloc_kind(struct sim *s, size_t bytes, enum region_kind kind, const char *name)
{
	size_t n = (bytes + s->page - 1) / s->page, run = 0;
	int slot = -1;

	if (!bytes || bytes > s->size)
		return NULL;
	for (unsigned i = 1; i < s->nregions; i++)
		if (s->regions[i].kind == REG_FREE) {
			slot = (int)i;
			break;
		}
	if (slot < 0) {
		if (s->nregions == SIM_MAX_REGIONS)
			return NULL;
		slot = (int)s->nregions;
	}
	for (size_t i = s->kernel_pages; i < s->npages; i++) {
		run = s->page_region[i] < 0 ? run + 1 : 0;
		if (run == n) {
			size_t first = i + 1 - n;
			struct sim_region *r = &s->regions[slot];

			if (slot == (int)s->nregions)
				s->nregions++;
			r->off = first * s->page;
			r->size = n * s->page;
			r->kind = kind;
			sim_copy_name(r->name, name ? name : "region", sizeof(r->name));
			for (size_t k = first; k <= i; k++)
				s->page_region[k] = (int16_t)slot;
			memset(s->backdoor + r->off, 0, r->size);
#ifdef SIM_ASAN
			ASAN_UNPOISON_MEMORY_REGION(s->view[0] + r->off, r->size);
			ASAN_UNPOISON_MEMORY_REGION(s->view[1] + r->off, r->size);
#endif
			return s->view[0] + r->off;
		}
	}
	return NULL;
}

void *sim_region_alloc(struct sim *s, size_t bytes, const char *name)
{
	return sim_region_alloc_kind(s, bytes, REG_USER, name);
}

SIM_NO_COVERAGE
int sim_region_free(struct sim *s, void *region)
{
	size_t off;
	enum sim_view v;
	int r;

	if (!sim_locate(s, region, 1, &off, &v))
		return -EINVAL;
	r = sim_region_of(s, off);
	if (r <= 0 || s->regions[r].off != off || s->regions[r].kind == REG_FREE)
		return -EINVAL;
	for (unsigned d = 0; d < s->ndomains; d++)
		for (unsigned i = 0; i < s->domains[d].nparts; i++) {
			const struct sim_part *p = &s->domains[d].parts[i];

			if (p->off < off + s->regions[r].size && off < p->off + p->size)
				return -EBUSY;
		}
	for (size_t k = off / s->page; k < (off + s->regions[r].size) / s->page; k++)
		s->page_region[k] = -1;
	s->regions[r].kind = REG_FREE;
	return 0;
}

void *sim_kobj_alloc(struct sim *s, size_t bytes, size_t align, const char *name)
{
	size_t off;

	if (!align)
		align = 8;
	if (!bytes || (align & (align - 1)))
		return NULL;
	off = (s->kbrk + align - 1) & ~(align - 1);
	if (off > s->krec || bytes > s->krec - off)
		return NULL;
	s->kbrk = off + bytes;
	if (name)
		sim_kobj_set_name(s, s->view[0] + off, name);
	return s->view[0] + off;
}
