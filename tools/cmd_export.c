/*
 * heapsim export --scenario FINDING --out FILE.scn
 * heapsim export --xtensa FINDING --out FILE.c
 *
 * Turns a fuzz_user_syscalls finding into something a reviewer can read,
 * edit and run elsewhere. The input is decoded by the target's own decoder
 * (an observer sees every decoded action and what the session did with it);
 * steps the harness skipped (nothing to act on, a write the thread may not
 * do) are left out, the rest are written
 *   --scenario  as the scenario language, with named places instead of raw
 *               offsets where the address is a chunk field of a block, a
 *               z_heap field or a registered kernel object, under
 *               `oracles fuzzer` (the harness's rules); the file is run
 *               before it is written and must show the same class;
 *   --xtensa    as a C program for port/xtensa (export_xtensa.c).
 * Exit: 0 written; 1 FINDING shows no finding; 2 usage, bad input, or a
 * finding that cannot be expressed on the export target (said why).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "fuzz.h"
#include "heapsim.h"
#include "proof.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: heapsim export (--scenario | --xtensa) FINDING --out FILE\n"
		"                      [--target T] [--layout L] [--hardening H]\n\n"
		"Writes a fuzz_user_syscalls finding as a scenario file (--scenario) that replays\n"
		"to the same class, or as a C program for the Xtensa port (--xtensa) that runs the\n"
		"same user stores and syscalls on the target and compares its verdict with the\n"
		"host's.\n"
		"exit codes: 0 written, 1 no finding, 2 usage, bad input, or a finding the export\n"
		"            target cannot express\n");
}

/* ---- watching the decoder ------------------------------------------------ */

static void on_open(void *ctx, struct atk_session *u, const struct atk_session_config *cfg)
{
	struct export_run *x = ctx;

	x->cfg = *cfg;
	x->field_width = atk_session_field_width(u);
	/* every address of the export is through the uncached view (atk_session_last) */
	atk_session_eval_taddr(u, &(struct atk_addr){ .base = ATK_BASE_BUF, .field = ATK_FIELD_NONE,
						       .view = ATK_VIEW_UNCACHED }, &x->buf_taddr);
	x->buf_bytes = atk_session_region_size(u, ATK_BASE_BUF, 0);
	x->kheap_ok = atk_session_eval_taddr(
		u, &(struct atk_addr){ .base = ATK_BASE_KHEAP, .field = ATK_FIELD_NONE, .view = ATK_VIEW_UNCACHED },
		&x->kheap_taddr);
	x->nboot = atk_session_boot_blocks(u, x->boot, (int)(sizeof(x->boot) / sizeof(x->boot[0])));
}

static void on_step(void *ctx, struct atk_session *u, const struct atk_action *a,
		    const struct atk_event *ev)
{
	struct export_run *x = ctx;
	struct export_step *s;

	/* the program ends with the first escape's step: what a scenario run
	 * does after it (the kernel going on) is the host's trace, not the
	 * proof (the harness stops there by itself) */
	if (x->escaped)
		return;
	x->escaped = ev->cls == ATK_EV_ESCAPE;
	/* the first finding decides, as in the harness and the scenario runner */
	if (ev->cls >= ATK_EV_DETECTED && ev->cls <= ATK_EV_ESCAPE && !x->found) {
		x->found = true;
		x->finding = ev->f;
		x->finding_taddr = atk_session_uncached_taddr(u, ev->f.taddr);
	}
	if (ev->cls == ATK_EV_SKIPPED || x->n >= EXPORT_MAX_STEPS)
		return;
	s = &x->steps[x->n++];
	s->a = *a;
	s->ev = *ev;
	atk_session_last(u, &s->exec);
}

int export_decode(const struct proof_finding *pf, struct export_run *x)
{
	struct fuzz_observer obs = { on_open, on_step, x };
	struct fuzz_result r;

	memset(x, 0, sizeof(*x));
	fuzz_user_syscalls_observe(&obs);
	fuzz_run(pf->t, pf->data, pf->len, &pf->o, &r);
	fuzz_user_syscalls_observe(NULL);
	if (r.found && x->found && strcmp(atk_finding_class(&x->finding), atk_finding_class(&r.finding)))
		x->finding_taddr = 0; /* the run's finding came from the final check */
	x->found = r.found;
	x->finding = r.finding;
	fuzz_sha1_hex(pf->data, pf->len, x->name);
	return r.found ? 0 : -1;
}

/* ---- scenario text --------------------------------------------------------- */

static void put_off(FILE *f, int64_t off)
{
	if (off > 0)
		fprintf(f, "+%lld", (long long)off);
	else if (off < 0)
		fprintf(f, "-%llu", (unsigned long long)-(uint64_t)off);
}

static const char *field_name(int field)
{
	static const char *const names[] = { ".left", ".size", ".prev", ".next" };

	return field >= 0 && field < 4 ? names[field] : ".hdr";
}

/* A chunk-header offset that lands on a field start gets the field's name. */
static void name_field(struct atk_addr *a, unsigned w)
{
	if (a->field != ATK_FIELD_NONE || a->off < 0 || !w || a->off % w || a->off / w >= 4)
		return;
	a->field = (int)(a->off / w);
	a->off = 0;
}

void export_addr(FILE *f, const struct atk_addr *in, unsigned width, unsigned word_bits)
{
	struct atk_addr a = *in;

	switch (a.base) {
	case ATK_BASE_NULL:
		fprintf(f, "null");
		break;
	case ATK_BASE_ABS:
		fprintf(f, "0x%llx", (unsigned long long)a.off);
		a.off = 0;
		break;
	case ATK_BASE_SLOT:
		fprintf(f, "%c", 'A' + a.idx);
		break;
	case ATK_BASE_HDR:
		name_field(&a, width);
		fprintf(f, "%c%s", 'A' + a.idx, field_name(a.field));
		break;
	case ATK_BASE_FREE:
		name_field(&a, width);
		fprintf(f, "free[%d]%s", a.idx, a.field == ATK_FIELD_NONE ? "" : field_name(a.field));
		break;
	case ATK_BASE_END:
		name_field(&a, width);
		fprintf(f, "end%s", a.field == ATK_FIELD_NONE ? "" : field_name(a.field));
		break;
	case ATK_BASE_ZHEAP:
		/* the scenario language names these two z_heap fields (32-bit heap) */
		if (word_bits == 32 && a.off == 8) {
			fprintf(f, "zheap.end_chunk");
			a.off = 0;
		} else if (word_bits == 32 && a.off == 12) {
			fprintf(f, "zheap.avail");
			a.off = 0;
		} else {
			fprintf(f, "zheap");
		}
		break;
	case ATK_BASE_BUCKET:
		fprintf(f, "zheap.bucket[%d]", a.idx);
		break;
	case ATK_BASE_KHEAP:
		if (a.off == (int64_t)offsetof(struct k_heap, lock)) {
			fprintf(f, "kheap.lock");
			a.off = 0;
		} else if (a.off == (int64_t)offsetof(struct k_heap, wait_q)) {
			fprintf(f, "kheap.wait_q");
			a.off = 0;
		} else {
			fprintf(f, "kheap");
		}
		break;
	case ATK_BASE_KDATA:
		if (a.off == (int64_t)offsetof(struct ll_sched_kdata, sem)) {
			fprintf(f, "kdata.sem");
			a.off = 0;
		} else {
			fprintf(f, "kdata");
		}
		break;
	case ATK_BASE_KSEM:
		fprintf(f, "ksem");
		break;
	case ATK_BASE_KSEM_KOBJ:
		fprintf(f, "ksem.kobj");
		break;
	case ATK_BASE_BUF:
		fprintf(f, "buf");
		break;
	case ATK_BASE_BUF_END:
		fprintf(f, "buf.end");
		break;
	case ATK_BASE_VAR:
		fprintf(f, "var");
		break;
	case ATK_BASE_AUDIT:
		fprintf(f, "audit[%d]", a.idx);
		break;
	case ATK_BASE_PART:
		fprintf(f, "part[%d]", a.idx);
		break;
	case ATK_BASE_SOF:
		/* sof.OBJECT+offset: the scenario language's names of SOF main's
		 * kernel-trusted objects (their fields are plain offsets here) */
		fprintf(f, "sof.%s", ll_sof_object_name((unsigned)a.idx % LL_SOF_OBJECTS));
		break;
	case ATK_BASE_SOF_SEM:
		fprintf(f, "sof.core_sem[%d]", a.idx);
		break;
	default:
		fprintf(f, "null");
		break;
	}
	if (a.field != ATK_FIELD_NONE && a.base != ATK_BASE_HDR && a.base != ATK_BASE_FREE &&
	    a.base != ATK_BASE_END)
		a.off += a.field * (int64_t)width;
	put_off(f, a.off);
	if (a.view == ATK_VIEW_CACHED)
		fprintf(f, "@cached");
	else if (a.view == ATK_VIEW_UNCACHED)
		fprintf(f, "@uncached");
}

static void put_flags(FILE *f, uint32_t fl)
{
	static const char *const names[] = { "KERNEL", "USER", "COHERENT", "DMA", "LARGE_BUFFER", "L3" };
	static const uint32_t bits[] = { SOF_MEM_FLAG_KERNEL, SOF_MEM_FLAG_USER, SOF_MEM_FLAG_COHERENT,
					 SOF_MEM_FLAG_DMA, SOF_MEM_FLAG_LARGE_BUFFER, SOF_MEM_FLAG_L3 };
	bool any = false;

	for (unsigned i = 0; i < 6; i++)
		if (fl & bits[i]) {
			fprintf(f, "%s%s", any ? "|" : "", names[i]);
			fl &= ~bits[i];
			any = true;
		}
	if (fl || !any)
		fprintf(f, "%s0x%x", any ? "|" : "", fl);
}

static void put_value(FILE *f, const struct atk_value *v)
{
	switch (v->kind) {
	case ATK_VAL_ID:
		fprintf(f, "id(%c)", 'A' + v->addr.idx);
		put_off(f, v->add);
		break;
	default:
		fprintf(f, "0x%llx", (unsigned long long)v->add);
		break;
	}
}

static void put_action(FILE *f, const struct export_run *x, const struct atk_action *a)
{
	unsigned w = x->field_width, wb = x->cfg.word_bits;

	switch (a->kind) {
	case ATK_ACT_ALLOC:
		fprintf(f, "alloc %c %llu", 'A' + a->slot, (unsigned long long)a->bytes);
		if (a->align)
			fprintf(f, " align %llu", (unsigned long long)a->align);
		fprintf(f, " flags ");
		put_flags(f, a->flags);
		if (a->forged_heap) {
			fprintf(f, " heap ");
			export_addr(f, &a->heap, w, wb);
		}
		break;
	case ATK_ACT_FREE:
		fprintf(f, "free ");
		export_addr(f, &a->at, w, wb);
		if (a->forged_heap) {
			fprintf(f, " heap ");
			export_addr(f, &a->heap, w, wb);
		}
		break;
	case ATK_ACT_CORE_WRITE:
		/* the same write, done by another core's LL thread */
		if (a->at_read)
			fprintf(f, "on core %d read %u ", a->slot, a->at_read);
		else
			fprintf(f, "core %d ", a->slot);
		/* fall through */
	case ATK_ACT_WRITE:
		if (a->width == 0) {
			fprintf(f, "write bytes ");
			export_addr(f, &a->at, w, wb);
			for (unsigned i = 0; i < a->len; i++)
				fprintf(f, " %02x", a->data[i]);
		} else {
			static const char *const wn[] = { "", "u8", "u16", "", "u32", "", "", "", "u64" };

			fprintf(f, "write %s ", a->width == ATK_WIDTH_FIELD ? "field" : wn[a->width & 15]);
			export_addr(f, &a->at, w, wb);
			fputc(' ', f);
			put_value(f, &a->value);
		}
		break;
	case ATK_ACT_TICK:
		fprintf(f, "tick %u", a->ticks);
		break;
	case ATK_ACT_DMA_GET:
		fprintf(f, "dma get");
		break;
	case ATK_ACT_DMA_PUT:
		fprintf(f, "dma put");
		break;
	case ATK_ACT_IPC:
		fprintf(f, "ipc");
		break;
	case ATK_ACT_GRANT:
		fprintf(f, "grant core %d", a->slot);
		break;
	case ATK_ACT_CORE_GIVE:
		fprintf(f, "core %d give ", a->slot);
		export_addr(f, &a->at, w, wb);
		break;
	case ATK_ACT_GIVE:
		fprintf(f, "give ");
		export_addr(f, &a->at, w, wb);
		break;
	}
	fputc('\n', f);
}

/* The scenario's text, without its expect line. */
static char *scenario_text(const struct export_run *x, const char *sha, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	const struct atk_finding *fd = &x->finding;

	if (!f)
		return NULL;
	fprintf(f, "scenario finding-%.12s\n", sha);
	fprintf(f, "about fuzz_user_syscalls finding %.12s exported: %s in %s on %s at %s\n", sha,
		atk_finding_class(fd), fd->syscall[0] ? fd->syscall : "a user step", fd->layout,
		fd->hardening);
	fprintf(f, "# Exported by heapsim export --scenario; steps the harness skipped are left out.\n");
	fprintf(f, "layouts %s\nhardening %s\nword %u\nheap-bytes %zu\noracles fuzzer%s%s\n\n",
		x->cfg.layout, sys_heap_hardening_name((enum sys_heap_hardening)x->cfg.hardening),
		x->cfg.word_bits, x->cfg.heap_bytes,
		fd->oracle[0] && strcmp(fd->oracle, "all") ? " " : "",
		fd->oracle[0] && strcmp(fd->oracle, "all") ? fd->oracle : "");
	for (size_t i = 0; i < x->n; i++) {
		if (i + 1 == x->n)
			fprintf(f, "# the finding: %s\n", fd->message);
		put_action(f, x, &x->steps[i].a);
	}
	if (fclose(f))
		return NULL;
	return text;
}

static int export_scenario(const struct proof_finding *pf, const struct export_run *x, const char *out)
{
	char sha[41], err[256], got[128];
	size_t len;
	char *text;
	struct atk_scenario *s;
	struct atk_verdict v;
	FILE *f;
	int rc = HEAPSIM_EXIT_USAGE;

	fuzz_sha1_hex(pf->data, pf->len, sha);
	text = scenario_text(x, sha, &len);
	if (!text)
		return HEAPSIM_EXIT_USAGE;
	s = atk_scenario_parse(text, len, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "heapsim export: the finding cannot be written as a scenario: %s\n", err);
		goto out;
	}
	atk_scenario_run(s, x->cfg.layout, x->cfg.hardening, NULL, &v);
	atk_scenario_free(s);
	if (strcmp(atk_verdict_tag(&v), atk_finding_class(&x->finding))) {
		fprintf(stderr,
			"heapsim export: the scenario replays as [%s], the finding is [%s]: not "
			"expressible as a scenario\n", atk_verdict_tag(&v), atk_finding_class(&x->finding));
		goto out;
	}
	atk_verdict_format(&v, got, sizeof(got));
	f = fopen(out, "w");
	if (!f || fwrite(text, 1, len, f) != len ||
	    fprintf(f, "\n# What the host shows (heapsim run FILE checks it).\nexpect %s %s %s\n"
		       "expect-chain %s %s %s\n",
		    x->cfg.layout, sys_heap_hardening_name((enum sys_heap_hardening)x->cfg.hardening),
		    got, x->cfg.layout, sys_heap_hardening_name((enum sys_heap_hardening)x->cfg.hardening),
		    v.chain) < 0 ||
	    fclose(f)) {
		fprintf(stderr, "heapsim export: cannot write %s: %s\n", out, strerror(errno));
		goto out;
	}
	printf("[%s] %s: %zu steps, replays as %s\n", atk_finding_class(&x->finding), out, x->n, got);
	rc = HEAPSIM_EXIT_CLEAN;
out:
	free(text);
	return rc;
}

/* ---- a catalogue cell to the target ----------------------------------------- */

/* `heapsim export --xtensa FILE.scn --layout L --hardening H`: one cell of the
 * catalogue, run on the host with an observer; only an exploitable cell is a
 * finding to reproduce on the target. */
static int export_cell(const char *file, const char *layout, const char *hard, const char *out)
{
	struct atk_observer obs = { on_open, on_step, NULL };
	struct atk_scenario *s;
	struct atk_verdict v;
	struct export_run *x;
	char err[256];
	size_t len;
	char *text;
	int h, rc;

	if (!layout || !hard || !ll_layout_find(layout) || (h = sys_heap_hardening_parse(hard)) < 0) {
		fprintf(stderr, "heapsim export: a scenario cell needs a known --layout and --hardening\n");
		return HEAPSIM_EXIT_USAGE;
	}
	text = (char *)cli_read_file(file, 256u << 10, &len);
	if (!text) {
		fprintf(stderr, "heapsim export: cannot read %s: %s\n", file, strerror(errno));
		return HEAPSIM_EXIT_USAGE;
	}
	s = atk_scenario_parse(text, len, err, sizeof(err));
	free(text);
	if (!s) {
		fprintf(stderr, "%s: %s\n", file, err);
		return HEAPSIM_EXIT_USAGE;
	}
	if (!atk_scenario_applies(s, layout, h)) {
		fprintf(stderr, "heapsim export: %s does not apply to layout %s at %s (its layouts and "
				"hardening lines): no such cell\n", file, layout, hard);
		atk_scenario_free(s);
		return HEAPSIM_EXIT_USAGE;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		atk_scenario_free(s);
		return HEAPSIM_EXIT_USAGE;
	}
	obs.ctx = x;
	atk_scenario_run_observed(s, layout, h, NULL, &v, &obs);
	snprintf(x->name, sizeof(x->name), "scenario %s", atk_scenario_name(s));
	atk_scenario_free(s);
	if (v.cls != ATK_V_EXPLOITABLE || !x->found) {
		char got[128];

		atk_verdict_format(&v, got, sizeof(got));
		fprintf(stderr, "heapsim export: %s on %s at %s is %s: only exploitable cells are findings "
				"to reproduce on the target\n", file, layout, hard, got);
		free(x);
		return HEAPSIM_EXIT_USAGE;
	}
	rc = export_xtensa(x, out);
	free(x);
	return rc;
}

/* ---- the command ----------------------------------------------------------- */

int heapsim_cmd_export(int argc, char **argv)
{
	static const struct option opts[] = { { "scenario", required_argument, NULL, 's' },
					      { "xtensa", required_argument, NULL, 'x' },
					      { "out", required_argument, NULL, 'o' },
					      { "target", required_argument, NULL, 't' },
					      { "layout", required_argument, NULL, 'L' },
					      { "hardening", required_argument, NULL, 'H' },
					      { 0 } };
	const char *file = NULL, *out = NULL, *target = NULL, *layout = NULL, *hard = NULL, *v;
	struct proof_finding pf;
	struct export_run *x;
	struct cli_parser p;
	int c, kind = 0, r;

	cli_parser_init(&p, "export", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		switch (c) {
		case CLI_HELP:
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		case 's':
		case 'x':
			if (file) {
				fprintf(stderr, "heapsim export: one of --scenario / --xtensa, once\n");
				return HEAPSIM_EXIT_USAGE;
			}
			file = v;
			kind = c;
			break;
		case 'o': out = v; break;
		case 't': target = v; break;
		case 'L': layout = v; break;
		case 'H': hard = v; break;
		case CLI_OPERAND:
			return cli_unexpected(&p, v);
		default:
			help(stderr);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (!file || !out) {
		help(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	if (strlen(file) > 4 && !strcmp(file + strlen(file) - 4, ".scn"))
		return kind == 'x' ? export_cell(file, layout, hard, out)
				   : (fprintf(stderr, "heapsim export: %s is a scenario already\n", file),
				      HEAPSIM_EXIT_USAGE);
	r = proof_load("export", file, &(struct proof_pins){ target, layout, hard, NULL }, &pf);
	if (r) {
		free(pf.data);
		return r;
	}
	if (pf.t != &fuzz_targets[FUZZ_USER_SYSCALLS]) {
		fprintf(stderr, "heapsim export: only fuzz_user_syscalls findings decode to user actions "
				"(this is a %s finding)\n", pf.t->name);
		free(pf.data);
		return HEAPSIM_EXIT_USAGE;
	}
	x = calloc(1, sizeof(*x));
	if (!x || export_decode(&pf, x) < 0) {
		fprintf(stderr, "heapsim export: %s\n", x ? "the decoded run shows no finding" : "out of memory");
		free(x);
		free(pf.data);
		return HEAPSIM_EXIT_USAGE;
	}
	r = kind == 's' ? export_scenario(&pf, x, out) : export_xtensa(x, out);
	free(x);
	free(pf.data);
	return r;
}
