/*
 * heapsim export --xtensa: a finding as a C program for port/xtensa
 * (port/xtensa/proof/proof_prog.h). The host run gives every step resolved
 * to target addresses; they are written as offsets from the heap buffer or
 * the k_heap object, which the target lays out as the layout does (v2: one
 * user region holding struct k_heap and then the buffer; v3: the buffer in
 * the user partition, struct k_heap in kernel memory). The host's verdict
 * goes with it; the target program computes its own and compares.
 * sof-main is laid out as v3 (the buffer user RW, struct k_heap in kernel
 * memory), after the objects SOF main allocates in the user heap at boot
 * (zephyr_domain, ...): the program allocates them first, and the target
 * checks they land where the host put them.
 * Not expressible (exit 2, said why): other layouts, a 64-bit heap (the
 * target is 32-bit), a user write outside the buffer and the k_heap object,
 * SOF main's own kernel paths (DMA, IPC, second cores, the grant) and the
 * verdicts only they or its registry of user-heap objects decide
 * (kernel-trusts-user, kernel-object-changed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "heapsim.h"

struct where {
	int region; /* 0 null, 1 buffer, 2 k_heap, 3 elsewhere */
	int64_t off;
};

static bool in_range(uint64_t p, uint64_t start, uint64_t len)
{
	return p >= start && p - start < len;
}

static struct where locate(const struct export_run *x, uint64_t p, bool v2)
{
	struct where w = { 3, 0 };
	uint64_t region = v2 ? x->kheap_taddr : x->buf_taddr;
	/* v2's region: struct k_heap, then the buffer to its end */
	uint64_t region_len = x->buf_bytes + (v2 ? x->buf_taddr - x->kheap_taddr : 0);

	if (!p) {
		w.region = 0;
	} else if (in_range(p, region, region_len)) {
		w.region = 1;
		w.off = (int64_t)(p - x->buf_taddr);
	} else if (x->kheap_ok && in_range(p, x->kheap_taddr, sizeof(struct k_heap))) {
		w.region = 2;
		w.off = (int64_t)(p - x->kheap_taddr);
	}
	return w;
}

static void c_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			fputc(*s, f);
	}
	fputc('"', f);
}

static const char *region_name(int r)
{
	static const char *const n[] = { "PROOF_NULL", "PROOF_BUF", "PROOF_KHEAP", "PROOF_BUF" };

	return n[r];
}

/* One step as a C initializer; false (why in err) if the target cannot do it. */
static bool put_step(FILE *f, const struct export_run *x, size_t i, bool v2, char *err, size_t elen)
{
	const struct export_step *s = &x->steps[i];
	const struct atk_exec_info *e = &s->exec;
	char what[256] = "";
	FILE *m = fmemopen(what, sizeof(what) - 1, "w");
	struct where w = locate(x, e->ptr, v2);
	bool forged = e->forged_heap && e->heap != x->kheap_taddr;

	if (m) {
		if (s->a.kind == ATK_ACT_WRITE || s->a.kind == ATK_ACT_FREE)
			export_addr(m, &s->a.at, x->field_width, x->cfg.word_bits);
		fclose(m);
	}
	switch (s->a.kind) {
	case ATK_ACT_ALLOC:
		fprintf(f, "\t{ .op = PROOF_ALLOC, .slot = %d, .bytes = 0x%llx, .align = 0x%llx, "
			   ".flags = 0x%x, .forged_heap = %d,\n\t  .host = \"alloc %c\" },\n",
			s->a.slot, (unsigned long long)(e->bytes & 0xffffffffu),
			(unsigned long long)(e->align & 0xffffffffu), e->flags, forged, 'A' + s->a.slot);
		return true;
	case ATK_ACT_FREE:
		/* a pointer elsewhere is refused by the syscall's check on both sides */
		fprintf(f, "\t{ .op = PROOF_FREE, .region = %s, .off = %lld, .cached = %d, "
			   ".forged_heap = %d,\n\t  .host = ",
			w.region == 3 ? "PROOF_BUF" : region_name(w.region),
			w.region == 3 ? (long long)x->cfg.heap_bytes * 4 : (long long)w.off, e->ptr_cached,
			forged);
		{
			char h[300];

			snprintf(h, sizeof(h), "free %s%s", what, w.region == 3 ? " (outside the layout)" : "");
			c_string(f, h);
		}
		fprintf(f, " },\n");
		return true;
	case ATK_ACT_WRITE:
		if (w.region == 0 || w.region == 3) {
			snprintf(err, elen, "step %zu writes 0x%llx (%s), outside the heap buffer and the "
				 "k_heap object: the target has no such user memory", i + 1,
				 (unsigned long long)e->ptr, what);
			return false;
		}
		fprintf(f, "\t{ .op = PROOF_WRITE, .region = %s, .off = %lld, .len = %u, .data = {",
			region_name(w.region), (long long)w.off, e->len);
		for (unsigned b = 0; b < e->len && b < ATK_DATA_MAX; b++)
			fprintf(f, "%s0x%02x", b ? ", " : " ", e->data[b]);
		fprintf(f, " },\n\t  .host = ");
		{
			char h[300];

			snprintf(h, sizeof(h), "write %s", what);
			c_string(f, h);
		}
		fprintf(f, " },\n");
		return true;
	case ATK_ACT_TICK:
		fprintf(f, "\t{ .op = PROOF_TICK, .bytes = %u, .host = \"tick %u\" },\n", s->a.ticks,
			s->a.ticks);
		return true;
	case ATK_ACT_DMA_GET:
	case ATK_ACT_DMA_PUT:
	case ATK_ACT_IPC:
	case ATK_ACT_CORE_WRITE:
	case ATK_ACT_GRANT:
	case ATK_ACT_CORE_GIVE:
		snprintf(err, elen, "step %zu is a SOF-main step (DMA, IPC or a second core), which the "
			 "target program does not model", i + 1);
		return false;
	case ATK_ACT_GIVE:
		snprintf(err, elen, "step %zu is a k_sem_give syscall, which the target program does "
			 "not model (its kernel side is the heap syscalls)", i + 1);
		return false;
	}
	snprintf(err, elen, "step %zu: unknown action", i + 1);
	return false;
}

/* The number after `word` in the host's message ("... wrote N bytes"). */
static unsigned long long host_count(const char *msg, const char *word)
{
	const char *r = strstr(msg, word);

	return r ? strtoull(r + strlen(word), NULL, 10) : 0;
}

/* The cache operation's bytes past the buffer, from the host's message
 * ("cache flush+invalidate of N bytes at 0xADDR ..."): ADDR is in the
 * cached view, the buffer's offsets are the same in both. */
static unsigned long long host_cache_past(const struct export_run *x, const char *msg)
{
	unsigned long long n = 0, at = 0;
	uint64_t start = x->buf_taddr - SIM_UNCACHED_BASE + SIM_CACHED_BASE;
	const char *r = strstr(msg, "cache flush+invalidate of ");

	if (!r || sscanf(r, "cache flush+invalidate of %llu bytes at 0x%llx", &n, &at) != 2)
		return 0;
	return at + n > start + x->buf_bytes ? at + n - (start + x->buf_bytes) : 0;
}

int export_xtensa(const struct export_run *x, const char *out)
{
	const struct atk_finding *fd = &x->finding;
	bool v2 = !strcmp(x->cfg.layout, "pr10807-v2"), sof = !strcmp(x->cfg.layout, "sof-main");
	/* the session's default word size when the run did not set one */
	unsigned word_bits = x->cfg.word_bits ? x->cfg.word_bits : 32;
	/* confinement by the cached free path's flush+invalidate past the buffer
	 * (how far, from the host's message), or by a kernel store outside the
	 * footprint */
	bool cache_overrun = fd->kind == SIM_FINDING_CONFINEMENT && strstr(fd->message, "cache flush");
	unsigned long long past = cache_overrun ? host_cache_past(x, fd->message) : 0;
	bool kernel_store = fd->kind == SIM_FINDING_CONFINEMENT && !cache_overrun && x->finding_taddr;
	char err[512] = "", *text = NULL;
	size_t len = 0;
	FILE *f;
	bool ok = true;

	if (!v2 && !sof && strcmp(x->cfg.layout, "pr10807-v3")) {
		fprintf(stderr, "heapsim export: layout %s has no memory map in the Xtensa port (it has "
				"pr10807-v2, pr10807-v3 and sof-main)\n", x->cfg.layout);
		return HEAPSIM_EXIT_USAGE;
	}
	if (sof && (fd->kind == SIM_FINDING_KERNEL_TRUSTS_USER || fd->kind == SIM_FINDING_KOBJ_CHANGED)) {
		fprintf(stderr, "heapsim export: a [%s] finding on sof-main is decided by SOF main's kernel "
				"paths and its registry of user-heap objects, which the Xtensa port does not "
				"have\n", atk_finding_class(fd));
		return HEAPSIM_EXIT_USAGE;
	}
	if (cache_overrun && !past) {
		fprintf(stderr, "heapsim export: cannot read the cache operation's length and start from "
				"the host's finding (\"%s\"): the target could not compare them\n", fd->message);
		return HEAPSIM_EXIT_USAGE;
	}
	if (x->nboot < 0) {
		fprintf(stderr, "heapsim export: the target cannot place the layout's own blocks in the "
				"user heap (%s, at buf+0x%zx: no registered object, or too many)\n",
			x->boot[0].name, x->boot[0].off);
		return HEAPSIM_EXIT_USAGE;
	}
	if (word_bits != 32) {
		fprintf(stderr, "heapsim export: a %u-bit heap cannot run on the 32-bit target\n",
			word_bits);
		return HEAPSIM_EXIT_USAGE;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return HEAPSIM_EXIT_USAGE;
	fprintf(f, "/*\n * Exported by `heapsim export --xtensa` from %s:\n"
		   " * [%s] on %s, hardening %s. Runs on the dc233c core (port/xtensa/proof):\n"
		   " * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.\n */\n"
		   "#include \"proof_prog.h\"\n\nstatic const struct proof_step steps[] = {\n",
		x->name, atk_finding_class(fd), x->cfg.layout,
		sys_heap_hardening_name((enum sys_heap_hardening)x->cfg.hardening));
	for (int i = 0; i < x->nboot; i++)
		fprintf(f, "\t{ .op = PROOF_ALLOC, .slot = PROOF_SLOT_BOOT, .off = %zu, .bytes = 0x%zx, "
			   ".flags = 0x%x,\n\t  .host = \"boot: %s\" },\n",
			x->boot[i].off, x->boot[i].bytes, SOF_MEM_FLAG_USER, x->boot[i].name);
	for (size_t i = 0; ok && i < x->n; i++)
		ok = put_step(f, x, i, v2, err, sizeof(err));
	fprintf(f, "};\n\nconst struct proof_program proof_program = {\n"
		   "\t.name = \"%s\",\n\t.layout = \"%s\",\n\t.hardening = %d,\n"
		   "\t.region_bytes = %zu,\n\t.buf_in_region = %lld,\n\t.kheap_in_region = %d,\n"
		   "\t.kheap_bytes = %zu,\n\t.check_each_step = %d,\n\t.host_class = \"%s\",\n"
		   "\t.host_message = ",
		x->name, x->cfg.layout, x->cfg.hardening,
		x->buf_bytes + (v2 ? (size_t)(x->buf_taddr - x->kheap_taddr) : 0),
		v2 ? (long long)(x->buf_taddr - x->kheap_taddr) : 0LL, v2, sizeof(struct k_heap),
		x->cfg.check_each_step, atk_finding_class(fd));
	c_string(f, fd->message);
	fprintf(f, ",\n\t.host_kernel_store = %d,\n\t.host_store_off = %lld,\n\t.host_store_len = %llu,",
		kernel_store, kernel_store ? (long long)(x->finding_taddr - x->buf_taddr) : 0LL,
		kernel_store ? host_count(fd->message, " wrote ") : 0ULL);
	fprintf(f, "\n\t.host_kobj_off = %lld,\n\t.host_past = %llu,\n"
		   "\t.nsteps = sizeof(steps) / sizeof(steps[0]),\n\t.steps = steps,\n};\n",
		fd->kind == SIM_FINDING_KOBJ_CHANGED ? (long long)fd->offset : -1LL,
		past);
	if (fclose(f) || !ok) {
		if (!ok)
			fprintf(stderr, "heapsim export: not expressible on the Xtensa target: %s\n", err);
		free(text);
		return HEAPSIM_EXIT_USAGE;
	}
	f = fopen(out, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "heapsim export: cannot write %s: %s\n", out, strerror(errno));
		free(text);
		return HEAPSIM_EXIT_USAGE;
	}
	free(text);
	printf("[%s] %s: %zu steps for the Xtensa port (layout %s)\n", atk_finding_class(fd), out, x->n,
	       x->cfg.layout);
	return HEAPSIM_EXIT_CLEAN;
}
