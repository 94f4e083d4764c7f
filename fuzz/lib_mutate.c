/*
 * The structured mutator and the dictionaries, both driven by a target's
 * operation table (struct fuzz_program_shape, declared next to its decoder).
 *
 * Byte mutation rarely keeps a program's framing: one inserted byte turns
 * every later operand into an op byte. Mutating whole operations, and one
 * field of one operation within what that field means, keeps the rest of the
 * program as it was, so a fuzzer can go one step deeper from an input that
 * already reached something.
 */
#include <string.h>

#include "fuzz.h"

/* ---- framing ---------------------------------------------------------------- */

static inline uint8_t byte_at(const uint8_t *p, size_t n, size_t at)
{
	return at < n ? p[at] : 0; /* the decoders read zeros past the end */
}

static inline unsigned field_width(const struct fuzz_field *f, uint8_t opb)
{
	return f->width != FUZZ_WIDTH_FROM_OP ? f->width : 1u + ((opb >> 3) & 7);
}

static bool kind_applies(const struct fuzz_op_kind *k, bool sof_main)
{
	return k->layouts == FUZZ_OP_ANY || (k->layouts == FUZZ_OP_SOF_MAIN) == sof_main;
}

static const struct fuzz_op_kind *kind_of(const struct fuzz_program_shape *sh, uint8_t opb, bool sof_main)
{
	for (size_t i = 0; i < sh->nkinds; i++)
		if ((opb & sh->kinds[i].mask) == sh->kinds[i].value && kind_applies(&sh->kinds[i], sof_main))
			return &sh->kinds[i];
	return NULL;
}

/* Is field i of k present, given the op byte and the first bytes of the
 * fields before it (first[j], present[j])? */
static bool field_present(const struct fuzz_field *f, uint8_t opb, const uint8_t *first, const bool *present)
{
	uint8_t b;

	if (f->if_field == 0)
		b = opb;
	else if (present[f->if_field - 1])
		b = first[f->if_field - 1];
	else
		return false;
	return (b & f->if_mask) == f->if_value;
}

size_t fuzz_op_frame(const struct fuzz_program_shape *sh, const uint8_t *p, size_t n, size_t at,
		     bool sof_main, struct fuzz_op *op)
{
	uint8_t opb = byte_at(p, n, at), first[FUZZ_OP_FIELDS] = { 0 };
	bool present[FUZZ_OP_FIELDS] = { false };
	size_t pos = at + 1;

	memset(op, 0, sizeof(*op));
	op->at = at;
	op->kind = kind_of(sh, opb, sof_main);
	for (unsigned i = 0; op->kind && i < op->kind->nfields; i++) {
		const struct fuzz_field *f = &op->kind->f[i];

		present[i] = field_present(f, opb, first, present);
		if (!present[i])
			continue;
		first[i] = byte_at(p, n, pos);
		op->f[op->nfields].kind = f->kind;
		op->f[op->nfields].width = (uint8_t)field_width(f, opb);
		op->f[op->nfields].at = pos;
		op->nfields++;
		pos += field_width(f, opb);
	}
	op->len = (pos < n ? pos : n) - at;
	return pos - at;
}

bool fuzz_program_sof_main(const uint8_t *p, size_t n, const struct fuzz_opts *o)
{
	const struct ll_layout *l = o && o->layout ? ll_layout_find(o->layout)
						   : ll_layout_at(byte_at(p, n, 0) % ll_layout_count());

	return l && l->sof_main;
}

bool fuzz_op_agrees(const struct fuzz_program_shape *sh, const uint8_t *p, size_t n, size_t start,
		    size_t end, bool sof_main)
{
	struct fuzz_op op;

	fuzz_op_frame(sh, p, n, start, sof_main, &op);
	return op.kind && op.len == end - start;
}

/* A program's operations, as framed (at most the decoder's max_ops; the
 * bytes after them are a tail the decoder never reads). */
#define MAX_FRAMED 512
struct program {
	size_t header;
	size_t nops;
	struct fuzz_op op[MAX_FRAMED];
	size_t end;             /* where the framed operations end */
	bool sof_main;
};

static void frame_program(const struct fuzz_program_shape *sh, const struct fuzz_opts *o, const uint8_t *p,
			  size_t n, struct program *pr)
{
	unsigned max = sh->max_ops < MAX_FRAMED ? sh->max_ops : MAX_FRAMED;
	size_t pos;

	pr->header = sh->header_bytes(o);
	pr->sof_main = fuzz_program_sof_main(p, n, o);
	pr->nops = 0;
	for (pos = pr->header; pos < n && pr->nops < max; pr->nops++)
		pos += fuzz_op_frame(sh, p, n, pos, pr->sof_main, &pr->op[pr->nops]);
	pr->end = pos < n ? pos : n;
}

/* ---- values worth trying, per field kind ----------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s += 0x9E3779B97F4A7C15ull; /* splitmix64 */
	uint64_t z = r->s;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned below(struct rng *r, unsigned n)
{
	return n ? (unsigned)(rnd(r) % n) : 0;
}

static void put16(uint8_t *v, unsigned x)
{
	v[0] = (uint8_t)x;
	v[1] = (uint8_t)(x >> 8);
}

static void put32(uint8_t *v, uint32_t x)
{
	put16(v, x & 0xffff);
	put16(v + 2, x >> 16);
}

/* A byte count next to a chunk boundary: chunks are 8-byte units and a
 * block starts after a 4- or 8-byte header, so n = 8k - header + {-1,0,1}
 * decides whether one more unit is needed. Encoded as fuzz_size() reads it
 * (scale 11: exact below 2048). */
static unsigned boundary_size(struct rng *r)
{
	static const int hdr[] = { 0, 4, 8 };
	unsigned k = 1u << below(r, 8);
	int n = (int)(8 * (k + below(r, k))) - hdr[below(r, 3)] + (int)below(r, 3) - 1;

	if (n < 0)
		n = 0;
	if (n > 2047)
		n = 2047;
	return 11u << 12 | (unsigned)n;
}

/* Power-of-two alignments, and sys_heap's rewind form (align | rewind,
 * rewind a smaller power of two: the block starts rewind bytes before an
 * aligned address). */
static uint32_t align_value(struct rng *r)
{
	uint32_t a = 1u << (2 + below(r, 11));

	switch (below(r, 4)) {
	case 0: return a;
	case 1: return a | (1u << below(r, 4)); /* a rewind of 1..8 */
	case 2: return a | 4;
	default: return (uint32_t)rnd(r); /* anything: SOF does not bound it */
	}
}

/* Where the fields of chunk headers and free-list links are: 16-bit fields
 * in small heaps, 32-bit in big ones, at the start of a chunk or one or two
 * units into its neighbours. */
static unsigned metadata_offset(struct rng *r)
{
	static const unsigned field[] = { 0, 1, 2, 3, 4, 6, 8, 12 };

	return 8 * below(r, 3) + field[below(r, 8)];
}

static void data_value(struct rng *r, uint8_t *v, unsigned width)
{
	uint32_t x;

	switch (below(r, 6)) {
	case 0: x = 1; break;                            /* a held spinlock, a small id */
	case 1: x = 2 * (1 + below(r, 64)) + 1; break;   /* a chunk size with the used bit */
	case 2: x = 1 + below(r, 64); break;             /* a chunk id */
	case 3: x = 0; break;
	case 4: x = 0xffffffffu; break;
	default: x = (uint32_t)rnd(r); break;
	}
	for (unsigned i = 0; i < width; i++)
		v[i] = (uint8_t)(i < 4 ? x >> (8 * i) : rnd(r));
}

static void field_value(struct rng *r, uint8_t kind, unsigned width, uint8_t *v)
{
	memset(v, 0, width);
	switch (kind) {
	case FUZZ_F_FLAGS:
		v[0] = below(r, 4) ? (uint8_t)below(r, 4) : (uint8_t)(0x80 | below(r, 0x40));
		break;
	case FUZZ_F_SIZE:
		put16(v, below(r, 4) ? boundary_size(r) : (unsigned)rnd(r) & 0xffff);
		break;
	case FUZZ_F_ALIGN:
		v[0] = below(r, 3) == 0 ? 0 : below(r, 3) ? (uint8_t)(1 + below(r, 12)) : 0xff;
		break;
	case FUZZ_F_ALIGN32:
		put32(v, align_value(r));
		break;
	case FUZZ_F_OFFSET:
		put16(v, below(r, 4) ? metadata_offset(r) : (unsigned)rnd(r) & 0xffff);
		break;
	case FUZZ_F_DATA:
		data_value(r, v, width);
		break;
	case FUZZ_F_DELTA:
		v[0] = (uint8_t)(int8_t)((int)below(r, 17) - 8);
		break;
	case FUZZ_F_FIELDSEL: /* mostly "a live chunk's id, give or take" */
		v[0] = (uint8_t)(rnd(r) | (below(r, 4) ? 0x20 : 0));
		break;
	case FUZZ_F_PRIO:
	case FUZZ_F_SOFSEL:
	case FUZZ_F_SOFOFF:
		v[0] = (uint8_t)below(r, 16);
		break;
	default: /* BYTE, WORD, TARGET, TASKCFG: anything */
		for (unsigned i = 0; i < width; i++)
			v[i] = (uint8_t)rnd(r);
		break;
	}
}

/* ---- one operation as values, and back to bytes ------------------------------ */

#define MAX_FIELD_BYTES 8
struct opval {
	const struct fuzz_op_kind *k;
	uint8_t opb;
	uint8_t v[FUZZ_OP_FIELDS][MAX_FIELD_BYTES];
};

/* Every field gets a value: the input's where present, else a fresh one
 * (used if a change to the op byte or a selector makes it present). */
static void opval_read(struct rng *r, const struct fuzz_program_shape *sh, const uint8_t *p, size_t n,
		       size_t at, bool sof_main, struct opval *ov)
{
	struct fuzz_op op;
	unsigned j = 0;

	fuzz_op_frame(sh, p, n, at, sof_main, &op);
	ov->k = op.kind;
	ov->opb = byte_at(p, n, at);
	for (unsigned i = 0; ov->k && i < ov->k->nfields; i++)
		field_value(r, ov->k->f[i].kind, MAX_FIELD_BYTES, ov->v[i]);
	/* present fields, in order, are the frame's fields */
	for (unsigned i = 0; ov->k && i < ov->k->nfields && j < op.nfields; i++) {
		uint8_t first[FUZZ_OP_FIELDS] = { 0 };
		bool present[FUZZ_OP_FIELDS] = { false };

		for (unsigned q = 0; q < i; q++) {
			present[q] = field_present(&ov->k->f[q], ov->opb, first, present);
			first[q] = ov->v[q][0];
		}
		if (!field_present(&ov->k->f[i], ov->opb, first, present))
			continue;
		for (unsigned b = 0; b < op.f[j].width && b < MAX_FIELD_BYTES; b++)
			ov->v[i][b] = byte_at(p, n, op.f[j].at + b);
		j++;
	}
}

static size_t opval_write(const struct opval *ov, uint8_t *out, size_t room)
{
	uint8_t first[FUZZ_OP_FIELDS] = { 0 };
	bool present[FUZZ_OP_FIELDS] = { false };
	size_t pos = 0;

	if (!room)
		return 0;
	out[pos++] = ov->opb;
	for (unsigned i = 0; ov->k && i < ov->k->nfields; i++) {
		const struct fuzz_field *f = &ov->k->f[i];
		unsigned w = field_width(f, ov->opb);

		present[i] = field_present(f, ov->opb, first, present);
		first[i] = ov->v[i][0];
		if (!present[i])
			continue;
		if (pos + w > room)
			return 0;
		memcpy(out + pos, ov->v[i], w);
		pos += w;
	}
	return pos;
}

/* A fresh operation of a kind that applies to the program's layout. */
static void opval_new(struct rng *r, const struct fuzz_program_shape *sh, bool sof_main, struct opval *ov)
{
	const struct fuzz_op_kind *k;

	do
		k = &sh->kinds[below(r, (unsigned)sh->nkinds)];
	while (!kind_applies(k, sof_main));
	ov->k = k;
	/* the kind's bits, any argument bits */
	ov->opb = (uint8_t)((rnd(r) & ~k->mask) | k->value);
	for (unsigned i = 0; i < k->nfields; i++)
		field_value(r, k->f[i].kind, MAX_FIELD_BYTES, ov->v[i]);
}

/* Changes one thing of the operation: an argument bit of its op byte, or one
 * field, within what the field means. */
static void opval_mutate(struct rng *r, struct opval *ov)
{
	uint8_t arg_bits = (uint8_t)~ov->k->mask;
	unsigned which = below(r, ov->k->nfields + (arg_bits ? 1u : 0u));

	if (!ov->k->nfields && !arg_bits)
		return; /* nothing to choose */
	if (which < ov->k->nfields) {
		field_value(r, ov->k->f[which].kind, MAX_FIELD_BYTES, ov->v[which]);
		return;
	}
	do /* one argument bit (slot, length, view, forged or not...) */
		which = below(r, 8);
	while (!(arg_bits >> which & 1));
	ov->opb ^= (uint8_t)(1u << which);
}

/* ---- whole-program mutations -------------------------------------------------- */

/* Output under construction: bounded by max and by the decoder's max_ops. */
struct out {
	uint8_t *p;
	size_t n, max;
	unsigned ops, max_ops;
};

static bool emit(struct out *o, const uint8_t *p, size_t n)
{
	if (o->n + n > o->max)
		return false;
	memmove(o->p + o->n, p, n);
	o->n += n;
	return true;
}

static bool emit_op(struct out *o, const uint8_t *src, const struct fuzz_op *op)
{
	if (o->ops >= o->max_ops)
		return false;
	if (!emit(o, src + op->at, op->len))
		return false;
	o->ops++;
	return true;
}

static bool emit_opval(struct out *o, const struct opval *ov)
{
	uint8_t buf[1 + FUZZ_OP_FIELDS * MAX_FIELD_BYTES];
	size_t len = opval_write(ov, buf, sizeof(buf));

	if (!len || o->ops >= o->max_ops)
		return false;
	if (!emit(o, buf, len))
		return false;
	o->ops++;
	return true;
}

enum edit { ED_INSERT, ED_DELETE, ED_DUPLICATE, ED_SWAP, ED_FIELD, ED_HEADER, ED_SKELETON, ED_NEDITS };

/* How often each edit is chosen, in eighths (the byte fallback aside). A
 * skeleton is a whole technique where a single inserted operation is one
 * step of one: it gets a quarter of the edits, so that each of the four
 * technique classes is tried early (bench/class-depth.sh), while the
 * single-operation edits keep three quarters to explore around it. */
static const uint8_t edit_weight[ED_NEDITS] = { 1, 1, 1, 1, 1, 1, 2 };

static enum edit pick_edit(struct rng *r, bool skeletons)
{
	unsigned total = 0, x;
	int e;

	for (e = 0; e < ED_NEDITS; e++)
		total += e == ED_SKELETON && !skeletons ? 0 : edit_weight[e];
	x = below(r, total);
	for (e = 0; x >= edit_weight[e]; e++)
		x -= edit_weight[e];
	return (enum edit)e;
}

/* A technique skeleton, whole, with fresh random words where it asks. */
static bool emit_skeleton(struct out *o, struct rng *r, const struct fuzz_program_shape *sh)
{
	const struct fuzz_skeleton *k = &sh->skeletons[below(r, (unsigned)sh->nskeletons)];
	size_t at = o->n, nops = 0;
	struct fuzz_op op;

	for (size_t pos = 0; pos < k->len; nops++)
		pos += fuzz_op_frame(sh, k->bytes, k->len, pos, false, &op);
	if (o->ops + nops > o->max_ops || !emit(o, k->bytes, k->len))
		return false;
	for (int i = 0; i < FUZZ_SKELETON_FRESH && k->fresh[i]; i++)
		put16(o->p + at + k->fresh[i], (unsigned)rnd(r));
	o->ops += (unsigned)nops;
	return true;
}

static size_t byte_fallback(uint8_t *data, size_t size, size_t max, struct rng *r, fuzz_byte_mutator bm)
{
	if (bm)
		return bm(data, size, max);
	if (!size) {
		data[0] = (uint8_t)rnd(r);
		return 1;
	}
	data[below(r, (unsigned)size)] ^= (uint8_t)(1u << below(r, 8));
	return size;
}

size_t fuzz_mutate(const struct fuzz_target *t, const struct fuzz_opts *o, uint8_t *data, size_t size,
		   size_t max, unsigned seed, fuzz_byte_mutator byte_mutate)
{
	static struct program pr; /* large; mutators run one at a time */
	static uint8_t src[1 << 16];
	const struct fuzz_program_shape *sh = t->shape;
	struct rng r = { seed * 0x2545F4914F6CDD1Dull + 1 };
	struct out out = { data, 0, max, 0, 0 };
	struct opval ov;
	enum edit e;
	size_t i, j;

	if (!sh || o->bytes_mutator || size > sizeof(src) || max < sh->header_bytes(o) + 1 || below(&r, 5) == 0)
		return byte_fallback(data, size, max, &r, byte_mutate);
	memcpy(src, data, size);
	frame_program(sh, o, src, size, &pr);
	if (size < pr.header) { /* too short for a header: give it one, zeros */
		memset(data + size, 0, pr.header - size);
		size = pr.header;
		memcpy(src, data, size);
		frame_program(sh, o, src, size, &pr);
	}
	out.max_ops = sh->max_ops;
	e = pick_edit(&r, sh->nskeletons);
	if (!pr.nops && e != ED_SKELETON)
		e = ED_INSERT;
	i = pr.nops ? below(&r, (unsigned)pr.nops) : 0;
	j = pr.nops ? below(&r, (unsigned)pr.nops) : 0;
	emit(&out, src, pr.header);
	if (e == ED_HEADER) {
		/* the configuration byte(s) after the layout byte, or the layout
		 * byte itself when the binary does not pin it */
		size_t at = o->layout && pr.header > 1 ? 1 + below(&r, (unsigned)pr.header - 1)
						       : below(&r, (unsigned)pr.header);

		out.p[at] = (uint8_t)rnd(&r);
	}
	for (size_t k = 0; k <= pr.nops; k++) {
		if (k == i && e == ED_INSERT) {
			opval_new(&r, sh, pr.sof_main, &ov);
			emit_opval(&out, &ov);
		}
		if (k == i && e == ED_SKELETON && !pr.sof_main)
			emit_skeleton(&out, &r, sh);
		if (k == pr.nops)
			break;
		if (k == i && e == ED_DELETE)
			continue;
		if (k == i && e == ED_FIELD) {
			opval_read(&r, sh, src, size, pr.op[k].at, pr.sof_main, &ov);
			if (ov.k) {
				opval_mutate(&r, &ov);
				emit_opval(&out, &ov);
				continue;
			}
		}
		if (e == ED_SWAP && (k == i || k == j)) {
			emit_op(&out, src, &pr.op[k == i ? j : i]);
			continue;
		}
		emit_op(&out, src, &pr.op[k]);
		if (k == i && e == ED_DUPLICATE)
			emit_op(&out, src, &pr.op[k]);
	}
	/* the unread tail stays: it is where an inserted operation's successors
	 * come from once an earlier one is deleted */
	if (pr.end < size)
		emit(&out, src + pr.end, size - pr.end);
	if (out.n == size && !memcmp(out.p, src, size)) /* nothing changed: let bytes change */
		return byte_fallback(data, size, max, &r, byte_mutate);
	return out.n ? out.n : byte_fallback(data, size, max, &r, byte_mutate);
}

size_t fuzz_cross_over(const struct fuzz_target *t, const struct fuzz_opts *o, const uint8_t *a,
		       size_t na, const uint8_t *b, size_t nb, uint8_t *out_p, size_t max, unsigned seed)
{
	static struct program pa, pb;
	const struct fuzz_program_shape *sh = t->shape;
	struct rng r = { seed * 0x2545F4914F6CDD1Dull + 7 };
	struct out out = { out_p, 0, max, 0, 0 };
	size_t cut, from, count;

	if (!sh || o->bytes_mutator || !na || !max) { /* bytes only: a's head, b's tail */
		size_t ca = na ? below(&r, (unsigned)na + 1) : 0, cb = nb ? below(&r, (unsigned)nb) : 0;

		out.max_ops = ~0u;
		emit(&out, a, ca);
		emit(&out, b + cb, nb - cb);
		return out.n ? out.n : (out_p[0] = 0, 1);
	}
	frame_program(sh, o, a, na, &pa);
	frame_program(sh, o, b, nb, &pb);
	out.max_ops = sh->max_ops;
	/* a's header and its first operations, then a run of b's, then the
	 * rest of a's: b's run lands in a's context */
	emit(&out, a, na < pa.header ? na : pa.header);
	cut = below(&r, (unsigned)pa.nops + 1);
	from = pb.nops ? below(&r, (unsigned)pb.nops) : 0;
	count = pb.nops ? 1 + below(&r, (unsigned)(pb.nops - from)) : 0;
	for (size_t k = 0; k < cut; k++)
		emit_op(&out, a, &pa.op[k]);
	for (size_t k = from; k < from + count; k++)
		emit_op(&out, b, &pb.op[k]);
	for (size_t k = cut; k < pa.nops; k++)
		emit_op(&out, a, &pa.op[k]);
	return out.n ? out.n : (out_p[0] = 0, 1);
}

/* ---- dictionaries ------------------------------------------------------------ */

static void dict_entry(FILE *out, const char *name, const uint8_t *v, size_t n)
{
	fprintf(out, "%s=\"", name);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "\\x%02x", v[i]);
	fprintf(out, "\"\n");
}

/* An operation naming each write target: op byte (a 4-byte write where the
 * length comes from the op byte) and the target's selector. */
static void dict_targets(FILE *out, const struct fuzz_program_shape *sh, const struct fuzz_op_kind *k)
{
	bool by_len = false;
	char name[96];
	uint8_t v[2];

	for (unsigned f = 0; f < k->nfields; f++)
		by_len |= k->f[f].width == FUZZ_WIDTH_FROM_OP;
	v[0] = (uint8_t)(k->value | (by_len ? 3u << 3 : 0));
	for (unsigned i = 0; i < sh->ntarget_names; i++) {
		v[1] = (uint8_t)i;
		snprintf(name, sizeof(name), "%s%s_%s", k->name, by_len ? "4" : "", sh->target_names[i]);
		dict_entry(out, name, v, 2);
	}
}

/* The width of the table's explicit alignment values (4 or 2 bytes). */
static unsigned align32_width(const struct fuzz_program_shape *sh)
{
	for (size_t i = 0; i < sh->nkinds; i++)
		for (unsigned f = 0; f < sh->kinds[i].nfields; f++)
			if (sh->kinds[i].f[f].kind == FUZZ_F_ALIGN32)
				return sh->kinds[i].f[f].width;
	return 4;
}

bool fuzz_dict_write(const struct fuzz_target *t, FILE *out)
{
	const struct fuzz_program_shape *sh = t->shape;
	bool kinds_used[FUZZ_F_KINDS] = { false };
	char name[96];
	uint8_t v[8];

	if (!sh)
		return false;
	fprintf(out, "# %s: written from the operation table of its decoder (-heapsim_dict=1)\n", t->name);
	fprintf(out, "# op bytes: the kind, and with the bits that add optional fields\n");
	for (size_t i = 0; i < sh->nkinds; i++) {
		const struct fuzz_op_kind *k = &sh->kinds[i];

		v[0] = k->value;
		dict_entry(out, k->name, v, 1);
		if (k->variants) {
			v[0] = (uint8_t)(k->value | k->variants);
			snprintf(name, sizeof(name), "%s_more", k->name);
			dict_entry(out, name, v, 1);
		}
		for (unsigned f = 0; f < k->nfields; f++)
			kinds_used[k->f[f].kind] = true;
		if (k->nfields && k->f[0].kind == FUZZ_F_TARGET)
			dict_targets(out, sh, k);
	}
	fprintf(out, "# field values: sizes at chunk boundaries, alignments with rewinds, metadata offsets\n");
	if (kinds_used[FUZZ_F_SIZE]) /* a 4- or 8-byte header before the block, and one byte either side */
		for (unsigned n = 8; n <= 1024; n *= 2) {
			static const int d[] = { -5, -4, -3, -1, 0, 1 };

			for (unsigned i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
				put16(v, 11u << 12 | (unsigned)((int)n + d[i]));
				snprintf(name, sizeof(name), "size_%d", (int)n + d[i]);
				dict_entry(out, name, v, 2);
			}
		}
	if (kinds_used[FUZZ_F_ALIGN32])
		for (unsigned a = 8; a <= 512; a *= 4) {
			put32(v, a | 4);
			snprintf(name, sizeof(name), "align_%u_rewind_4", a);
			dict_entry(out, name, v, align32_width(sh));
		}
	if (kinds_used[FUZZ_F_OFFSET])
		for (unsigned off = 0; off <= 12; off += 2) {
			put16(v, off);
			snprintf(name, sizeof(name), "offset_%u", off);
			dict_entry(out, name, v, 2);
		}
	if (kinds_used[FUZZ_F_DATA]) {
		put32(v, 1);
		dict_entry(out, "word_held_lock", v, 4);
		put32(v, 0xffffffffu);
		dict_entry(out, "word_all_ones", v, 4);
		put16(v, 0x3e81);
		dict_entry(out, "size_and_used", v, 2);
	}
	if (sh->ntokens)
		fprintf(out, "# the target's own: configuration values, selectors\n");
	for (size_t i = 0; i < sh->ntokens; i++)
		dict_entry(out, sh->tokens[i].name, sh->tokens[i].bytes, sh->tokens[i].len);
	return true;
}
