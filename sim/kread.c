/*
 * The kernel-reads-user oracle: SMAP for the model.
 *
 * Zephyr's rule is that user mode never gets direct access to memory that
 * holds private kernel data; SOF adds that privileged code must never
 * traverse user-accessible scheduler or domain objects. The modelled kernel
 * paths (sched/) read such memory only through sim_kread32/sim_kread_note,
 * naming the SOF/Zephyr function and the object and field. Each read of a
 * user-writable byte lands in an inventory keyed by (path, field); a value
 * the kernel then trusts (pointer, length, lock, kernel object) that is not
 * what the kernel itself stored is a KERNEL_TRUSTS_USER finding. Reads the
 * design declares legitimate (syscall argument copies, a verifier's checks,
 * sys_heap on in-band metadata) are listed with that basis and never
 * reported.
 *
 * Explicit accessor calls, not page faults: exact (the reader says what it
 * reads and why) and cheap (a page lookup per read).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#define KREAD_SITES_MAX 256

struct sim_kread_log {
	struct sim_kread_site site[KREAD_SITES_MAX];
	size_t n;
	uint64_t total;
	bool disabled;
};

static const char *const use_names[] = { "value", "pointer", "length", "lock", "kernel object" };
static const char *const basis_names[] = { "undeclared", "syscall argument copy", "verifier check",
					   "sys_heap in-band metadata" };

const char *sim_kread_use_name(enum sim_kread_use u)
{
	return (unsigned)u < sizeof(use_names) / sizeof(use_names[0]) ? use_names[u] : "?";
}

const char *sim_kread_basis_name(enum sim_kread_basis b)
{
	return (unsigned)b < sizeof(basis_names) / sizeof(basis_names[0]) ? basis_names[b] : "?";
}

void sim_kread_free(struct sim *s)
{
	free(s->kread);
	s->kread = NULL;
}

static struct sim_kread_log *log_of(struct sim *s)
{
	if (!s->kread)
		s->kread = calloc(1, sizeof(*s->kread));
	return s->kread;
}

bool sim_user_writable(const struct sim *s, const void *p, size_t len, char *who, size_t wholen)
{
	size_t off;
	enum sim_view v;

	if (!s || !len || !sim_locate(s, p, len, &off, &v))
		return false;
	for (size_t pg = off / s->page; pg <= (off + len - 1) / s->page; pg++) {
		for (unsigned d = 0; d < s->ndomains; d++)
			if (s->domains[d].urights && s->domains[d].urights[pg] == R_RW) {
				if (who)
					sim_fmt(who, wholen, "domain %s", s->domains[d].name);
				return true;
			}
		for (unsigned i = 1; i <= SIM_MAX_THREADS; i++) {
			const struct sim_thread *t = &s->threads[i];
			size_t first;

			if (!t->used || !t->user || t->state >= SIM_THREAD_EXITED)
				continue;
			first = (size_t)((const uint8_t *)t->stack - s->view[0]) / s->page;
			if (pg >= first && pg < first + t->stack_bytes / s->page) {
				if (who)
					sim_fmt(who, wholen, "stack of %s", t->name);
				return true;
			}
		}
	}
	return false;
}

static const char *context_name(const struct sim *s)
{
	if (s->in_isr)
		return "ISR";
	if (!s->current)
		return "boot";
	return s->current->sc_id >= 0 ? "syscall" : "kernel thread";
}

static struct sim_kread_site *site_for(struct sim *s, struct sim_kread_log *log, const char *path,
				       const char *what)
{
	for (size_t i = 0; i < log->n; i++)
		if (!strcmp(log->site[i].path, path) && !strcmp(log->site[i].what, what))
			return &log->site[i];
	if (log->n == KREAD_SITES_MAX)
		return NULL;
	memset(&log->site[log->n], 0, sizeof(log->site[0]));
	sim_copy_name(log->site[log->n].path, path, sizeof(log->site[0].path));
	sim_copy_name(log->site[log->n].what, what, sizeof(log->site[0].what));
	sim_copy_name(log->site[log->n].context, context_name(s), sizeof(log->site[0].context));
	return &log->site[log->n++];
}

/* Records the read; returns its site when the bytes are user-writable. */
static struct sim_kread_site *record(struct sim *s, const void *p, size_t len, const char *path,
				     const char *what, enum sim_kread_use use,
				     enum sim_kread_basis basis)
{
	struct sim_kread_log *log = log_of(s);
	struct sim_kread_site *site;
	char who[SIM_NAME_MAX];
	size_t off;
	enum sim_view v;

	if (!log || log->disabled || !sim_user_writable(s, p, len, who, sizeof(who)))
		return NULL;
	log->total++;
	site = site_for(s, log, path ? path : "?", what ? what : "?");
	if (!site)
		return NULL;
	if (!site->count++) {
		site->taddr = sim_host_to_target(s, p);
		site->view = sim_locate(s, p, len, &off, &v) ? v : SIM_VIEW_NONE;
		site->use = use;
		site->basis = basis;
		site->user_writable = true;
		sim_copy_name(site->grant, who, sizeof(site->grant));
	}
	return site;
}

static void report_trust(struct sim *s, const struct sim_kread_site *site, const void *p,
			 uint32_t value, uint32_t expect)
{
	struct sim_finding f;
	size_t off;
	enum sim_view v;

	sim_finding_new(s, &f, SIM_FINDING_KERNEL_TRUSTS_USER);
	if (sim_locate(s, p, 4, &off, &v))
		sim_finding_set_addr(s, &f, off, v);
	sim_copy_name(f.field, site->what, sizeof(f.field));
	f.nbytes = 4;
	memcpy(f.old_bytes, &expect, 4);
	memcpy(f.new_bytes, &value, 4);
	sim_fmt(f.message, sizeof(f.message),
		"%s %s uses %s 0x%08x read from %s in user-writable memory (%s; the kernel "
		"stored 0x%08x)",
		site->context, site->path, sim_kread_use_name(site->use), (unsigned)value,
		site->what, site->grant, (unsigned)expect);
	if (s->in_isr)
		sim_copy_name(f.thread_name, "timer ISR", sizeof(f.thread_name));
	sim_finding_add(s, &f);
}

/* An interleaving point: another core's thread may act now (the hook). */
static void interleave(struct sim *s, const struct sim_kread_site *site, const void *p, size_t len,
		       const char *path, const char *what)
{
	sim_kread_hook_fn fn = s->kread_hook;

	if (site && fn)
		fn(s->kread_hook_ctx, p, len, path ? path : "?", what ? what : "?");
}

uint32_t sim_kread32(const void *p, const char *path, const char *what, enum sim_kread_use use,
		     enum sim_kread_basis basis, uint32_t expect)
{
	struct sim *s = sim_current();
	struct sim_kread_site *site;
	uint32_t v;

	if (!s) {
		memcpy(&v, p, 4);
		return v;
	}
	site = record(s, p, 4, path, what, use, basis);
	interleave(s, site, p, 4, path, what);
	memcpy(&v, p, 4);
	if (!site || use == SIM_KREAD_VALUE || basis != SIM_KREAD_UNDECLARED || v == expect)
		return v;
	if (!site->forged++)
		report_trust(s, site, p, v, expect);
	return v;
}

void sim_kread_note(const void *p, size_t len, const char *path, const char *what,
		    enum sim_kread_use use, enum sim_kread_basis basis)
{
	struct sim *s = sim_current();

	if (s && len)
		interleave(s, record(s, p, len, path, what, use, basis), p, len, path, what);
}

void sim_kread_set_hook(struct sim *s, sim_kread_hook_fn fn, void *ctx)
{
	if (!s)
		return;
	s->kread_hook = fn;
	s->kread_hook_ctx = ctx;
}

int sim_store_by_other_core(struct sim *s, k_tid_t t, void *dst, const void *src, size_t n)
{
	if (!s || !sim_user_can_access(s, t, dst, n, true))
		return -EFAULT;
	sim_bd_write(s, dst, src, n);
	return 0;
}

const struct sim_kread_site *sim_kreads(const struct sim *s, size_t *count)
{
	*count = s && s->kread ? s->kread->n : 0;
	return s && s->kread ? s->kread->site : NULL;
}

uint64_t sim_kread_total(const struct sim *s)
{
	return s && s->kread ? s->kread->total : 0;
}

void sim_kread_set_enabled(struct sim *s, bool on)
{
	struct sim_kread_log *log = s ? log_of(s) : NULL;

	if (log)
		log->disabled = !on;
}
