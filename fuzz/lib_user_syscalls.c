/*
 * fuzz_user_syscalls: bytes → an LL heap layout, then interleaved actions of
 * a user thread in the LL domain:
 *   - sof_heap_alloc / sof_heap_free with fuzzer-chosen flags, sizes,
 *     alignments, pointers (interior, forged) and heap handles;
 *   - raw writes of fuzzer bytes at fuzzer offsets into named targets (the
 *     audit's kernel-trusted user-writable bytes, the domain's partitions,
 *     chunk headers, free chunks, z_heap, the k_heap object, ...), through
 *     either view; a write the thread may not do is skipped, not faulted;
 *   - chunk-field writes with heap-aware values (chunk ids of live blocks);
 *   - LL ticks;
 *   - on the SOF-main layouts also: forged fields of SOF main's user-heap
 *     kernel objects and sysuser variables, sof_dma_get / sof_dma_put, a
 *     forwarded IPC, and a write from a second core's LL thread between two
 *     kernel steps (op 7). Their heaps are 32-bit only.
 * Naming targets (instead of raw arena offsets) is what lets a fuzzer hit
 * the few kernel-trusted bytes of a layout within seconds.
 *
 * Oracles (attack/session.c): no kernel-mode fault, no confinement violation, no
 * kernel object changed outside its API, no overlapping/outside blocks, no
 * hang; the kernel's heap still validates (strict check after every step);
 * a sys_heap check firing in kernel mode (a kernel assertion the user
 * triggered) — except "caller error", the argument asserts SOF's verifier
 * leaves to sys_heap, and oob_heap's checks, which are its defined API
 * errors. -oracle=escape keeps only the escapes.
 *
 * Input: [layout][config] then actions; each action is one byte (kind in
 * bits 0-2, argument in bits 3-7) and its operands.
 */
#include <string.h>

#include "fuzz.h"

#define MAX_STEPS 64

static const enum atk_base target_bases[] = {
	ATK_BASE_AUDIT, ATK_BASE_PART, ATK_BASE_HDR, ATK_BASE_FREE, ATK_BASE_ZHEAP, ATK_BASE_END, ATK_BASE_KHEAP, ATK_BASE_BUF, ATK_BASE_SLOT, ATK_BASE_KDATA,
};
#define NTARGETS (sizeof(target_bases) / sizeof(target_bases[0]))
/* their names, in that order (the dictionary's) */
static const char *const target_names[] = {
	"audit", "part", "hdr", "free", "zheap", "end", "kheap", "buf", "slot", "kdata",
};
_Static_assert(sizeof(target_names) / sizeof(target_names[0]) == NTARGETS, "a name per write target");

static const uint32_t good_flags[] = {
	SOF_MEM_FLAG_USER, SOF_MEM_FLAG_USER | SOF_MEM_FLAG_COHERENT, SOF_MEM_FLAG_USER | SOF_MEM_FLAG_DMA,
	SOF_MEM_FLAG_USER | SOF_MEM_FLAG_LARGE_BUFFER,
};

static void decode_target(struct atk_session *u, struct fuzz_in *in, struct atk_addr *a)
{
	uint8_t sel = fuzz_u8(in);
	uint16_t off = fuzz_u16(in);
	size_t size;

	memset(a, 0, sizeof(*a));
	a->base = target_bases[sel % NTARGETS];
	a->idx = sel >> 4;
	a->field = ATK_FIELD_NONE;
	if (a->base == ATK_BASE_SLOT || a->base == ATK_BASE_HDR)
		a->idx &= 7;
	size = atk_session_region_size(u, a->base, a->idx);
	a->off = size ? off % size : 0;
}

static size_t decode_align(struct fuzz_in *in)
{
	uint8_t b = fuzz_u8(in);

	if (b == 0)
		return 0;
	if (b == 0xff)
		return fuzz_u32(in); /* anything: SOF does not bound it */
	return (size_t)1 << (b & 15);
}

/* A write of fuzzer bytes into one of SOF main's objects: a user-heap
 * kernel object's field, or a sysuser variable (zephyr_ll_heap, the locks). */
static void decode_sof_write(struct atk_session *u, struct fuzz_in *in, struct atk_action *a)
{
	uint8_t sel = fuzz_u8(in), off = fuzz_u8(in);
	size_t size;

	a->at.base = ATK_BASE_SOF;
	a->at.idx = sel % LL_SOF_OBJECTS;
	size = atk_session_region_size(u, ATK_BASE_SOF, a->at.idx);
	a->at.off = size >= 4 ? (off % (size / 4)) * 4 : 0;
	a->len = 4;
	fuzz_bytes(in, a->data, a->len);
}

/* Op 7 on the SOF-main layouts: SOF main's own steps besides ticks. */
static void decode_sof(struct atk_session *u, struct fuzz_in *in, uint8_t arg, struct atk_action *a)
{
	switch ((arg >> 2) & 3) {
	case 0:
		a->kind = ATK_ACT_TICK;
		a->ticks = 1 + (arg & 1);
		break;
	case 1:
		a->kind = ATK_ACT_WRITE;
		decode_sof_write(u, in, a);
		break;
	case 2:
		a->kind = arg & 1 ? ATK_ACT_DMA_PUT : ATK_ACT_DMA_GET;
		break;
	default:
		if (!(arg & 1)) {
			a->kind = ATK_ACT_IPC;
			break;
		}
		a->kind = ATK_ACT_CORE_WRITE;
		a->slot = 1 + (int)((arg >> 4) & 1); /* core 1 or 2 (3 cores by default) */
		decode_sof_write(u, in, a);
		break;
	}
}

static void decode(struct atk_session *u, struct fuzz_in *in, bool sof, struct atk_action *a)
{
	uint8_t op = fuzz_u8(in), arg = op >> 3;

	memset(a, 0, sizeof(*a));
	a->at.field = ATK_FIELD_NONE;
	a->heap.field = ATK_FIELD_NONE;
	switch (op & 7) {
	case 0:
	case 1: {
		uint8_t fb = fuzz_u8(in);

		a->kind = ATK_ACT_ALLOC;
		a->slot = arg & 7;
		a->flags = fb & 0x80 ? fb & 0x3f : good_flags[fb & 3];
		a->bytes = fuzz_size(in, 0x10000);
		a->align = decode_align(in);
		if (arg & 8) { /* a forged heap handle */
			a->forged_heap = true;
			decode_target(u, in, &a->heap);
		}
		break;
	}
	case 2:
		a->kind = ATK_ACT_FREE;
		a->at.base = ATK_BASE_SLOT;
		a->at.idx = arg & 7;
		if (arg & 8) /* an interior pointer of a live block */
			a->at.off = (int8_t)fuzz_u8(in);
		if (!atk_session_slot_live(u, a->at.idx)) {
			a->at.base = ATK_BASE_NULL; /* free(NULL) is allowed */
			a->at.off = 0;
		}
		break;
	case 3:
		a->kind = ATK_ACT_FREE;
		decode_target(u, in, &a->at);
		a->at.view = (enum atk_view)((arg >> 3) % 3);
		break;
	case 4:
	case 5:
		a->kind = ATK_ACT_WRITE;
		decode_target(u, in, &a->at);
		a->at.view = (enum atk_view)((arg >> 3) % 3);
		a->len = 1 + (arg & 7);
		fuzz_bytes(in, a->data, a->len);
		break;
	case 6: {
		uint8_t fb = fuzz_u8(in);

		a->kind = ATK_ACT_WRITE;
		a->width = ATK_WIDTH_FIELD;
		a->at.base = fb & 4 ? ATK_BASE_FREE : ATK_BASE_HDR;
		a->at.idx = arg & 7;
		a->at.field = fb & 3;
		a->at.view = (enum atk_view)((fb >> 3) % 3);
		if (fb & 0x20) { /* a live block's chunk id, give or take */
			a->value.kind = ATK_VAL_ID;
			a->value.addr.idx = (fb >> 6) | (arg & 4);
			a->value.add = (int8_t)fuzz_u8(in);
		} else {
			a->value.kind = ATK_VAL_NUM;
			a->value.add = fuzz_u16(in);
		}
		break;
	}
	default:
		if (sof) {
			decode_sof(u, in, arg, a);
			break;
		}
		a->kind = ATK_ACT_TICK; /* a tick costs as much as ten syscalls: keep them short */
		a->ticks = 1 + (arg & 1);
		break;
	}
}

/*
 * The byte layout decode() reads, as a table (fuzz.h): the structured
 * mutator and the dictionary use it, and fuzz_user_syscalls_run checks every
 * decoded action against it. Op byte: kind in bits 0-2, argument in 3-7.
 */
#define OPB(bit) (1u << (3 + (bit))) /* argument bit `bit` of the op byte */
static const struct fuzz_op_kind op_kinds[] = {
	{ "alloc", 6, 0, FUZZ_OP_ANY, OPB(3), 6, {
		{ FUZZ_F_FLAGS, 1, 0, 0, 0 },
		{ FUZZ_F_SIZE, 2, 0, 0, 0 },
		{ FUZZ_F_ALIGN, 1, 0, 0, 0 },
		{ FUZZ_F_ALIGN32, 4, 3, 0xff, 0xff },     /* align selector 0xff */
		{ FUZZ_F_TARGET, 1, 0, OPB(3), OPB(3) },  /* a forged heap handle */
		{ FUZZ_F_OFFSET, 2, 0, OPB(3), OPB(3) } } },
	{ "free_slot", 7, 2, FUZZ_OP_ANY, OPB(3), 1, {
		{ FUZZ_F_DELTA, 1, 0, OPB(3), OPB(3) } } }, /* an interior pointer */
	{ "free_target", 7, 3, FUZZ_OP_ANY, 0, 2, {
		{ FUZZ_F_TARGET, 1, 0, 0, 0 },
		{ FUZZ_F_OFFSET, 2, 0, 0, 0 } } },
	{ "write", 6, 4, FUZZ_OP_ANY, 0, 3, {
		{ FUZZ_F_TARGET, 1, 0, 0, 0 },
		{ FUZZ_F_OFFSET, 2, 0, 0, 0 },
		{ FUZZ_F_DATA, FUZZ_WIDTH_FROM_OP, 0, 0, 0 } } },
	{ "field_write", 7, 6, FUZZ_OP_ANY, 0, 3, {
		{ FUZZ_F_FIELDSEL, 1, 0, 0, 0 },
		{ FUZZ_F_DELTA, 1, 1, 0x20, 0x20 },       /* a live chunk's id + this */
		{ FUZZ_F_WORD, 2, 1, 0x20, 0 } } },       /* a number */
	{ "tick", 7, 7, FUZZ_OP_NOT_SOF_MAIN, 0, 0, { { 0 } } },
	/* op 7 on the SOF-main layouts: bits 5-6 and 3 choose (decode_sof) */
	{ "sof_tick", 0x67, 0x07, FUZZ_OP_SOF_MAIN, 0, 0, { { 0 } } },
	{ "sof_write", 0x67, 0x27, FUZZ_OP_SOF_MAIN, 0, 3, {
		{ FUZZ_F_SOFSEL, 1, 0, 0, 0 },
		{ FUZZ_F_SOFOFF, 1, 0, 0, 0 },
		{ FUZZ_F_DATA, 4, 0, 0, 0 } } },
	{ "sof_dma", 0x67, 0x47, FUZZ_OP_SOF_MAIN, 0, 0, { { 0 } } },
	{ "sof_ipc", 0x6f, 0x67, FUZZ_OP_SOF_MAIN, 0, 0, { { 0 } } },
	{ "sof_core_write", 0x6f, 0x6f, FUZZ_OP_SOF_MAIN, 0, 3, {
		{ FUZZ_F_SOFSEL, 1, 0, 0, 0 },
		{ FUZZ_F_SOFOFF, 1, 0, 0, 0 },
		{ FUZZ_F_DATA, 4, 0, 0, 0 } } },
};

static size_t header_bytes(const struct fuzz_opts *o)
{
	(void)o;
	return 2; /* layout, configuration: read even when pinned */
}

/*
 * The catalogue's techniques as operations (attack/scenarios/NAME.scn), for the
 * mutator to insert whole. A 64-byte block is `alloc` 00/08/10/18/20 (slot
 * 0-4), flags 01 (USER|COHERENT) or 00 (USER), size b040, no alignment; 64-byte
 * allocations take 16 chunk units each (cache-line aligned), the first one on
 * a fresh 32-bit heap is chunk 15. Each was checked on pr10807-v3 at hardening
 * basic to reach its class (fuzz.h); test_mutator frames each exactly.
 */
static const uint8_t sk_unlink[] = {     /* free-list-unlink: forged links, then an allocation */
	0x00, 0x01, 0x40, 0xb0, 0x00, 0x08, 0x01, 0x40, 0xb0, 0x00, /* alloc A, B */
	0x02,                                                       /* free A */
	0x06, 0x02, 0, 0, 0x06, 0x03, 0, 0,                         /* A.prev, A.next := random */
	0x10, 0x01, 0x40, 0xb0, 0x00,                               /* alloc C */
};
static const uint8_t sk_bucket[] = {     /* bucket-head-poison: a fake free chunk inside A */
	0x00, 0x00, 0x00, 0xb2, 0x00, 0x08, 0x00, 0x40, 0xb0, 0x00, /* alloc A 512, G 64 */
	0x0c, 0x08, 0x02, 0x00, 0x03, 0x00,                         /* L (chunk a+1): used, 1 unit */
	0x0c, 0x08, 0x08, 0x00, 0x01, 0x00,                         /* F (a+2): left 1 */
	0x0c, 0x08, 0x0a, 0x00, 0x28, 0x00,                         /*   free, 20 units */
	0x0c, 0x08, 0x0c, 0x00, 0, 0, 0x0c, 0x08, 0x0e, 0x00, 0, 0, /*   prev, next := random */
	0x0c, 0x08, 0xa8, 0x00, 0x14, 0x00,                         /* R (a+22): left 20 */
	0x0c, 0x08, 0xaa, 0x00, 0x05, 0x00,                         /*   used, 2 units */
	0x1c, 0x04, 0x20, 0x00, 0x11, 0x00, 0x00, 0x00,             /* zheap bucket[4] := a+2 */
	0x1c, 0x04, 0x0c, 0x00, 0x10, 0x00, 0x00, 0x00,             /* zheap avail := bucket 4 */
	0x10, 0x00, 0x40, 0xb0, 0x00,                               /* alloc C 64 (bucket 4) */
};
static const uint8_t sk_left[] = {       /* left-size-forgery: B's left skips A */
	0x00, 0x01, 0x40, 0xb0, 0x00, 0x08, 0x01, 0x40, 0xb0, 0x00, /* alloc Z, A */
	0x10, 0x01, 0x40, 0xb0, 0x00, 0x18, 0x01, 0x40, 0xb0, 0x00, /* alloc B, C */
	0x02,                                                       /* free Z */
	0x16, 0x00, 0x20, 0x00,                                     /* B.left := id(B) - id(Z) */
	0x12,                                                       /* free B */
	0x20, 0x01, 0xc0, 0xb0, 0x00,                               /* alloc D 192 */
};
/* end-marker-width: end-marker-forgery's target with cache-invalidate-size's
 * kernel step. The end marker made 256 units wide (and used), then freed
 * through its cached payload address: SOF flushes and invalidates its
 * usable size, from the heap's end into the kernel data after it. */
static const uint8_t sk_end[] = {
	0x0c, 0x05, 0x02, 0x00, 0x01, 0x02,                         /* end.size := 256 units, used */
	0x43, 0x05, 0x04, 0x00,                                     /* free end+4 @cached */
};
static const struct fuzz_skeleton skeletons[] = {
	{ "free-list-unlink", sk_unlink, sizeof(sk_unlink), { 13, 17 }, FUZZ_CLASS(UNLINK) },
	{ "bucket-head-poison", sk_bucket, sizeof(sk_bucket), { 32, 38 }, FUZZ_CLASS(FAKE_BUCKET) },
	{ "left-size-forgery", sk_left, sizeof(sk_left), { 0 }, FUZZ_CLASS(OVERLAP) },
	{ "end-marker-width", sk_end, sizeof(sk_end), { 0 }, FUZZ_CLASS(END_MARKER) },
};

const struct fuzz_program_shape fuzz_user_syscalls_shape = {
	op_kinds, sizeof(op_kinds) / sizeof(op_kinds[0]), MAX_STEPS, header_bytes, target_names, NTARGETS,
	skeletons, sizeof(skeletons) / sizeof(skeletons[0]), NULL, 0,
};

static const struct fuzz_observer *observer;

void fuzz_user_syscalls_observe(const struct fuzz_observer *obs)
{
	observer = obs;
}

/* Is this step's event a finding for the fuzzer? */
static bool is_finding(const struct atk_session *u, const struct ll_layout *l, const struct atk_event *ev,
		       const struct fuzz_opts *o)
{
	switch (ev->cls) {
	case ATK_EV_ESCAPE:
		return !(o->beyond_exposure && atk_event_by_design(l->name, ev));
	case ATK_EV_CORRUPT:
		return !o->escape_only;
	case ATK_EV_DETECTED:
		return !o->escape_only && !atk_session_is_oob(u) && !ev->refused;
	default:
		return false;
	}
}

/*
 * Record and continue: the input's first finding is its finding; every
 * later one only extends the chain, so that what the kernel does next with
 * a forged lock, heap or waiter shows. Listed once: a finding that repeats
 * the one before it (same kind, same message), and a heap that no longer
 * validates (once corrupt, it fails its check at every later step). A user
 * thread that oopsed is replaced by a fresh one (atk_session_step), as in
 * the scenario runner.
 */
static bool chain_has(const char *chain, const char *kind)
{
	size_t n = strlen(kind);

	for (const char *p = chain; *p; p += strcspn(p, ">"), p += *p == '>')
		if (!strncmp(p, kind, n) && (p[n] == '>' || !p[n]))
			return true;
	return false;
}

const char *const fuzz_class_names[FUZZ_NCLASSES] = {
#define X(id, name) name,
	FUZZ_CLASSES(X)
#undef X
};

/* The metadata a step's raw write hit, as FUZZ_CLASS bits (unlink, fake
 * bucket, end marker: what a later finding is credited to). */
static unsigned written_class(struct atk_session *u)
{
	struct atk_exec_info x;
	char where[192];
	void *p;

	atk_session_last(u, &x);
	if (!x.ran || (x.kind != ATK_ACT_WRITE && x.kind != ATK_ACT_CORE_WRITE))
		return 0;
	p = sim_target_to_host(sim_current(), x.ptr, 1);
	if (!p)
		return 0;
	sim_describe_addr(sim_current(), p, where, sizeof(where));
	if (strstr(where, "bucket head"))
		return FUZZ_CLASS(FAKE_BUCKET);
	if (strstr(where, "end marker"))
		return FUZZ_CLASS(END_MARKER);
	if (strstr(where, "free chunk") && (strstr(where, "FREE_PREV") || strstr(where, "FREE_NEXT")))
		return FUZZ_CLASS(UNLINK);
	return 0;
}

/* The classes a finding shows, given what was written before it. */
static unsigned finding_classes(const struct atk_event *ev, unsigned wrote)
{
	bool kernel_write = ev->cls == ATK_EV_ESCAPE && (ev->f.kind == SIM_FINDING_CONFINEMENT ||
							 ev->f.kind == SIM_FINDING_KERNEL_FAULT);
	unsigned c = 0;

	if (kernel_write)
		c |= wrote & (FUZZ_CLASS(UNLINK) | FUZZ_CLASS(FAKE_BUCKET) | FUZZ_CLASS(END_MARKER));
	if (ev->cls == ATK_EV_ESCAPE && !strcmp(ev->by, "overlapping blocks"))
		c |= FUZZ_CLASS(OVERLAP);
	return c;
}

static void record(struct fuzz_result *res, struct atk_finding *last, const struct atk_finding *f)
{
	bool again = res->found && f->kind == last->kind && !strcmp(f->message, last->message);

	if (!res->found) {
		res->found = true;
		res->finding = *f;
	}
	*last = *f;
	if (again || (f->kind == SIM_FINDING_VALIDATE &&
		      chain_has(res->chain, sim_finding_kind_long_name(f->kind))))
		return;
	atk_chain_add(res->chain, sizeof(res->chain), f->kind);
}

/* Findings after which nothing more can be learned: a hang (the kernel is
 * stuck; every further step would only wait out the hang budget again) and
 * a harness error. */
static bool run_ends_at(const struct atk_event *ev)
{
	return ev->f.kind == SIM_FINDING_HANG || ev->f.kind == SIM_FINDING_HARNESS;
}

/* The decoder read another length than its table says: the mutator would
 * frame inputs wrongly. A harness bug, reported as one. */
static void decoder_disagrees(const char *layout, struct atk_event *ev, size_t at)
{
	memset(ev, 0, sizeof(*ev));
	snprintf(ev->f.layout, sizeof(ev->f.layout), "%s", layout);
	ev->f.kind = SIM_FINDING_HARNESS;
	ev->f.op = -1;
	snprintf(ev->f.object, sizeof(ev->f.object), "decoder");
	snprintf(ev->f.message, sizeof(ev->f.message),
		 "the action at byte %zu decoded to another length than the operation table says", at);
}

void fuzz_user_syscalls_run(const uint8_t *d, size_t n, const struct fuzz_opts *o,
			    struct fuzz_result *res)
{
	static const size_t heap_sizes[] = { 0x4000, 0x2000, 0x8000, 0x20000 };
	struct atk_session_config cfg;
	struct atk_session *u;
	struct fuzz_in in;
	struct atk_event ev;
	struct atk_finding last = { 0 }; /* the chain's last finding */
	unsigned wrote = 0;              /* FUZZ_CLASS bits of the metadata written so far */
	uint8_t l, c;
	bool sof, ended = false; /* the run stopped at a finding */

	fuzz_in_init(&in, d, n);
	l = fuzz_u8(&in);
	c = fuzz_u8(&in);
	memset(&cfg, 0, sizeof(cfg));
	cfg.layout = o->layout ? o->layout : ll_layout_at(l % ll_layout_count())->name;
	cfg.hardening = o->hardening >= 0 ? o->hardening : (c & 7) % SYS_HEAP_HARDENING_LEVELS;
	if (!ll_layout_find(cfg.layout)) {
		res->skipped = true;
		return;
	}
	sof = ll_layout_find(cfg.layout)->sof_main;
	/* SOF's DSPs are 32-bit: the SOF-main layouts fuzz 32-bit heaps only;
	 * elsewhere a pinned word mode (a record's) wins over the input's bit */
	cfg.word_bits = sof ? 32 : o->word_bits ? o->word_bits : c & 0x80 ? 64 : 32;
	cfg.heap_bytes = heap_sizes[(c >> 3) & 3];
	cfg.protect_off = o->protect_off;
	cfg.kread_off = o->kread_off;
	cfg.trace = o->trace;
	cfg.precheck_writes = true;
	cfg.check_each_step = !o->escape_only;
	if (atk_session_open(&u, &cfg)) {
		res->skipped = true;
		return;
	}
	if (observer && observer->opened)
		observer->opened(observer->ctx, u, &cfg);
	for (unsigned i = 0; i < MAX_STEPS && !fuzz_in_done(&in); i++) {
		struct atk_action a;
		size_t at = in.pos;

		decode(u, &in, sof, &a);
		if (!fuzz_op_agrees(&fuzz_user_syscalls_shape, d, n, at, in.pos, sof)) {
			decoder_disagrees(cfg.layout, &ev, at);
			record(res, &last, &ev.f);
			ended = true; /* a harness bug: nothing after it means anything */
			break;
		}
		atk_session_step(u, &a, &ev);
		if (observer && observer->step)
			observer->step(observer->ctx, u, &a, &ev);
		res->ops = atk_session_steps(u);
		wrote |= written_class(u);
		if (is_finding(u, ll_layout_find(cfg.layout), &ev, o)) {
			record(res, &last, &ev.f);
			res->classes |= finding_classes(&ev, wrote);
			ended = o->stop_at_first || run_ends_at(&ev);
			if (ended)
				break;
		}
		if (ev.cls == ATK_EV_SKIPPED && ev.no_actor)
			break;
	}
	if (!o->escape_only && !ended) {
		atk_session_final(u, &ev);
		if (ev.cls == ATK_EV_CORRUPT)
			record(res, &last, &ev.f);
	}
	atk_session_close(u);
}
