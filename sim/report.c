/* Findings and the event trace: plain data, deterministic text, stable JSON. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

/* snprintf without the compiler's truncation guesses: every caller wants
 * the (rare) long text cut at the buffer's end. */
void sim_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

void sim_copy_name(char *dst, const char *src, size_t n)
{
	sim_fmt(dst, n, "%s", src ? src : "");
}

/* ---- events --------------------------------------------------------------------- */

static const char *const ev_names[] = {
	[SIM_EV_THREAD_CREATE] = "create", [SIM_EV_THREAD_START] = "start",
	[SIM_EV_THREAD_EXIT] = "exit",     [SIM_EV_THREAD_OOPS] = "oops",
	[SIM_EV_THREAD_ABORT] = "abort",   [SIM_EV_SWITCH] = "switch",
	[SIM_EV_PEND] = "pend",            [SIM_EV_WAKE] = "wake",
	[SIM_EV_TIMEOUT] = "timeout",      [SIM_EV_SLEEP] = "sleep",
	[SIM_EV_TIMER] = "timer",          [SIM_EV_SYSCALL] = "syscall",
	[SIM_EV_SYSCALL_RET] = "sysret",   [SIM_EV_FAULT] = "fault",
	[SIM_EV_FINDING] = "finding",      [SIM_EV_DOMAIN] = "domain",
	[SIM_EV_NOTE] = "note",
};

const char *sim_event_kind_name(enum sim_event_kind k)
{
	return k >= SIM_EV_THREAD_CREATE && k <= SIM_EV_NOTE ? ev_names[k] : "?";
}

static void event_v(struct sim *s, enum sim_event_kind k, const char *fmt, va_list ap)
{
	struct sim_event e;

	if (!s->cfg.trace && !s->event_hook)
		return;
	e.seq = s->ev_seq++;
	e.time_us = s->now;
	e.kind = k;
	e.thread = s->current ? s->current->id : 0;
	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	if (s->cfg.trace) {
		if (s->nevents < s->cfg.trace_max) {
			if (s->nevents == s->events_cap) {
				size_t cap = s->events_cap ? 2 * s->events_cap : 256;
				struct sim_event *n = realloc(s->events, cap * sizeof(*n));

				if (n) {
					s->events = n;
					s->events_cap = cap;
				}
			}
			if (s->nevents < s->events_cap)
				s->events[s->nevents++] = e;
			else
				s->stats.events_dropped++;
		} else {
			s->stats.events_dropped++;
		}
	}
	if (s->event_hook)
		s->event_hook(&e, s->event_ctx);
}

void sim_event(struct sim *s, enum sim_event_kind k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	event_v(s, k, fmt, ap);
	va_end(ap);
}

void sim_trace_note(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	event_v(s, SIM_EV_NOTE, fmt, ap);
	va_end(ap);
}

void sim_set_event_hook(struct sim *s, sim_event_hook fn, void *ctx)
{
	s->event_hook = fn;
	s->event_ctx = ctx;
}

void sim_trace_write(const struct sim *s, FILE *out)
{
	for (size_t i = 0; i < s->nevents; i++) {
		const struct sim_event *e = &s->events[i];

		fprintf(out, "%6llu %10lluus t%-2u %-8s %s\n", (unsigned long long)e->seq,
			(unsigned long long)e->time_us, (unsigned)e->thread,
			sim_event_kind_name(e->kind), e->text);
	}
}

/* ---- findings ------------------------------------------------------------------- */

static const struct {
	const char *name, *long_name;
} finding_names[] = {
	[SIM_FINDING_KERNEL_FAULT] = { "kernel-fault", "kernel-fault" },
	[SIM_FINDING_CONFINEMENT] = { "confinement", "confinement" },
	[SIM_FINDING_KOBJ_CHANGED] = { "kobj-changed", "kernel-object-changed" },
	[SIM_FINDING_HEAP_CHECK] = { "heap-check", "heap-check" },
	[SIM_FINDING_VALIDATE] = { "validate", "validate" },
	[SIM_FINDING_HANG] = { "hang", "hang" },
	[SIM_FINDING_OTHER] = { "other", "other" },
	[SIM_FINDING_MODEL_MISMATCH] = { "model-mismatch", "model-mismatch" },
	[SIM_FINDING_HARNESS] = { "harness", "harness" },
};

static bool finding_kind_known(enum sim_finding_kind k)
{
	return k >= SIM_FINDING_KERNEL_FAULT && k <= SIM_FINDING_HARNESS;
}

const char *sim_finding_kind_name(enum sim_finding_kind k)
{
	return finding_kind_known(k) ? finding_names[k].name : "?";
}

const char *sim_finding_kind_long_name(enum sim_finding_kind k)
{
	return finding_kind_known(k) ? finding_names[k].long_name : "unknown";
}

void sim_finding_new(struct sim *s, struct sim_finding *f, enum sim_finding_kind kind)
{
	const struct sim_thread *t = s->current;

	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->view = SIM_VIEW_NONE;
	f->time_us = s->now;
	if (t) {
		f->thread = t->id;
		sim_copy_name(f->thread_name, t->name, sizeof(f->thread_name));
		f->user = t->in_user_mode;
		if (t->sc_id >= 0)
			sim_copy_name(f->syscall, s->syscalls[t->sc_id].name, sizeof(f->syscall));
	} else {
		sim_copy_name(f->thread_name, "main", sizeof(f->thread_name));
	}
}

/* Names what lies at arena offset `off`: an object and field, heap metadata, or a region. */
void sim_finding_set_addr(struct sim *s, struct sim_finding *f, size_t off, enum sim_view v)
{
	size_t in;
	const struct sim_kobj *o = sim_kobj_containing(s, off, &in);

	f->view = v;
	f->taddr = (v == SIM_VIEW_UNCACHED ? SIM_UNCACHED_BASE : SIM_CACHED_BASE) + off;
	if (o) {
		const char *fld = sim_kobj_field(o, in, NULL);

		sim_copy_name(f->object, o->name, sizeof(f->object));
		sim_copy_name(f->object_type, o->type_name, sizeof(f->object_type));
		sim_copy_name(f->field, fld, sizeof(f->field));
		f->offset = in;
		return;
	}
	for (size_t i = 0; i < s->nkobjs; i++) {
		const struct sim_kobj *h = &s->kobjs[i];
		size_t soff, boff;
		enum sim_view hv;

		if (!h->registered || !h->heap || !h->heap->heap ||
		    !sim_locate(s, h->heap->heap, 1, &soff, &hv) ||
		    !sim_locate(s, h->heap->init_mem, 1, &boff, &hv))
			continue;
		if (off >= soff && off < boff + h->heap->init_bytes) {
			char piece[64] = "";
			bool meta = sys_heap_describe_offset(h->heap, off - soff, piece, sizeof(piece));

			sim_copy_name(f->object, h->name, sizeof(f->object));
			sim_copy_name(f->object_type, meta ? "heap metadata" : "heap data",
				      sizeof(f->object_type));
			sim_copy_name(f->field, piece, sizeof(f->field));
			f->offset = off - soff;
			return;
		}
	}
	{
		int r = sim_region_of(s, off);

		sim_copy_name(f->object, r >= 0 ? s->regions[r].name : "arena", sizeof(f->object));
		sim_copy_name(f->object_type, "region", sizeof(f->object_type));
		f->offset = r >= 0 ? off - s->regions[r].off : off;
	}
}

/* A kernel-owned word the kernel would follow: false while it holds `want`;
 * otherwise starts a kobj-changed finding on it (both values recorded) and
 * leaves the message to the caller. */
bool sim_finding_forged_word(struct sim *s, struct sim_finding *f, const uint32_t *p,
			     uint32_t want)
{
	size_t off;
	enum sim_view v;

	if (*p == want)
		return false;
	sim_finding_new(s, f, SIM_FINDING_KOBJ_CHANGED);
	sim_locate(s, p, 4, &off, &v);
	sim_finding_set_addr(s, f, off, v);
	f->nbytes = 4;
	memcpy(f->old_bytes, &want, 4);
	memcpy(f->new_bytes, p, 4);
	return true;
}

void sim_doom_current(struct sim *s)
{
	if (s->current && s->current->sc_id >= 0)
		s->current->sc_doomed = true;
}

void sim_finding_add(struct sim *s, struct sim_finding *f)
{
	char line[400];

	if (s->nfindings == s->findings_cap) {
		size_t cap = s->findings_cap ? 2 * s->findings_cap : 16;
		struct sim_finding *n = realloc(s->findings, cap * sizeof(*n));

		if (!n)
			return;
		s->findings = n;
		s->findings_cap = cap;
	}
	s->findings[s->nfindings++] = *f;
	s->stats.findings++;
	sim_finding_format(f, line, sizeof(line));
	sim_event(s, SIM_EV_FINDING, "%s", line);
	/* A finding inside a syscall stops it: the caller is oopsed at the gate. */
	sim_doom_current(s);
}

void sim_report_finding(struct sim *s, const struct sim_finding *f)
{
	struct sim_finding c = *f;

	if (!c.time_us)
		c.time_us = s->now;
	sim_finding_add(s, &c);
}

const struct sim_finding *sim_findings(const struct sim *s, size_t *count)
{
	*count = s->nfindings;
	return s->findings;
}

void sim_finding_format(const struct sim_finding *f, char *buf, size_t len)
{
	sim_fmt(buf, len, "[%s] %s%s%s%s (thread %s, %s mode)", sim_finding_kind_name(f->kind),
		 f->message, f->syscall[0] ? " [syscall " : "", f->syscall,
		 f->syscall[0] ? "]" : "", f->thread_name, f->user ? "user" : "kernel");
}

void sim_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_hex(FILE *out, const uint8_t *b, unsigned n)
{
	fputc('"', out);
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "%02x", b[i]);
	fputc('"', out);
}

void sim_finding_json(const struct sim_finding *f, FILE *out)
{
	unsigned n = f->nbytes < SIM_FINDING_BYTES ? f->nbytes : SIM_FINDING_BYTES;

	fputs("{\"kind\":", out);
	sim_json_string(out, sim_finding_kind_name(f->kind));
	fputs(",\"message\":", out);
	sim_json_string(out, f->message);
	fputs(",\"syscall\":", out);
	sim_json_string(out, f->syscall);
	fputs(",\"object\":", out);
	sim_json_string(out, f->object);
	fputs(",\"object_type\":", out);
	sim_json_string(out, f->object_type);
	fputs(",\"field\":", out);
	sim_json_string(out, f->field);
	fprintf(out, ",\"taddr\":\"0x%08llx\",\"view\":", (unsigned long long)f->taddr);
	sim_json_string(out, sim_view_name(f->view));
	fprintf(out, ",\"offset\":%zu,\"nbytes\":%u,\"old\":", f->offset, f->nbytes);
	json_hex(out, f->old_bytes, n);
	fputs(",\"new\":", out);
	json_hex(out, f->new_bytes, n);
	fprintf(out, ",\"thread\":%u,\"thread_name\":", (unsigned)f->thread);
	sim_json_string(out, f->thread_name);
	fprintf(out, ",\"mode\":\"%s\",\"time_us\":%llu}", f->user ? "user" : "kernel",
		(unsigned long long)f->time_us);
}
