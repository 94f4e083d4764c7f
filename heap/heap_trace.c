/*
 * heap-trace: parse and replay the text format of docs/spec/heap-trace.md.
 * No stdio and no malloc, so the same code runs on the Xtensa target.
 */
#include "heap.h"

#include <string.h>

enum op_kind { OP_NONE, OP_ALLOC, OP_ALIGNED_ALLOC, OP_REALLOC, OP_ALIGNED_REALLOC, OP_FREE };

struct op {
	enum op_kind kind;
	size_t arg[3];
};

struct writer {
	const struct heap_trace_io *io;
	char buf[160];
	size_t len;
};

static void put(struct writer *w, const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof(w->buf) - w->len)
		n = sizeof(w->buf) - w->len;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put_u64(struct writer *w, unsigned long long v)
{
	char tmp[24];
	int i = sizeof(tmp) - 1;

	tmp[i] = 0;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(w, tmp + i);
}

static void flush_to(struct writer *w, bool to_err)
{
	void (*fn)(void *, const char *, size_t) = to_err ? w->io->err : w->io->out;

	if (fn)
		fn(w->io->ctx, w->buf, w->len);
	w->len = 0;
}

static void say_error(const struct heap_trace_io *io, unsigned line, const char *why)
{
	struct writer w = { io, { 0 }, 0 };

	put(&w, "heap-trace: line ");
	put_u64(&w, line);
	put(&w, ": ");
	put(&w, why);
	put(&w, "\n");
	flush_to(&w, true);
}

/* ---- parsing ---------------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Next token of [*p, end): returns its length, 0 at the end of the line. */
static size_t token(const char **p, const char *end, const char **tok)
{
	const char *s = *p;

	while (s < end && is_space(*s))
		s++;
	*tok = s;
	while (s < end && !is_space(*s))
		s++;
	*p = s;
	return (size_t)(s - *tok);
}

/* NULL and *out set, or why the token is not a size: checked arithmetic, so
 * a number past size_t is refused, never wrapped. */
static const char *parse_number(const char *t, size_t n, size_t *out)
{
	unsigned base = 10;
	size_t v = 0;
	bool overflow = false;

	if (n > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		base = 16;
		t += 2;
		n -= 2;
	}
	if (n == 0)
		return "not a number (decimal or 0x hex)";
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (unsigned)((c | 0x20) - 'a' + 10);
		else
			return "not a number (decimal or 0x hex)";
		if (v > (SIZE_MAX - d) / base)
			overflow = true; /* the rest must still be digits */
		else
			v = v * base + d;
	}
	if (overflow)
		return "number out of range (more than size_t holds)";
	*out = v;
	return NULL;
}

struct op_syntax {
	const char *name;
	enum op_kind kind;
	int nargs;
	bool takes_slot;
};

static const struct op_syntax syntax[] = {
	{ "a", OP_ALLOC, 1, false },
	{ "al", OP_ALIGNED_ALLOC, 2, false },
	{ "r", OP_REALLOC, 2, true },
	{ "ar", OP_ALIGNED_REALLOC, 3, true },
	{ "f", OP_FREE, 1, true },
};

/* Parses one line; OP_NONE for blank and comment lines. Returns NULL or why. */
static const char *parse_line(const char *p, const char *end, size_t slots_so_far, struct op *op)
{
	const char *tok;
	size_t n = token(&p, end, &tok);
	const struct op_syntax *sx = NULL;

	op->kind = OP_NONE;
	if (n == 0 || tok[0] == '#')
		return NULL;
	for (size_t i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++)
		if (strlen(syntax[i].name) == n && memcmp(syntax[i].name, tok, n) == 0)
			sx = &syntax[i];
	if (!sx)
		return "unknown operation (want a, al, r, ar or f)";
	for (int i = 0; i < sx->nargs; i++) {
		n = token(&p, end, &tok);
		if (n == 0)
			return "missing argument";
		const char *why = parse_number(tok, n, &op->arg[i]);

		if (why)
			return why;
	}
	if (token(&p, end, &tok) != 0)
		return "unexpected text after the arguments";
	if (sx->takes_slot && op->arg[0] >= slots_so_far)
		return "slot was never created";
	op->kind = sx->kind;
	return NULL;
}

/* Calls fn for each line; stops at the first error. */
static int for_each_line(const char *text, size_t len, const struct heap_trace_io *io,
			 bool (*fn)(void *, const struct op *, unsigned), void *arg, size_t *nslots)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	size_t slots = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *why;
		struct op op;

		if (!eol)
			eol = end;
		line++;
		if (memchr(p, 0, (size_t)(eol - p))) {
			say_error(io, line, "NUL byte in the trace");
			return HEAP_TRACE_BAD_INPUT;
		}
		why = parse_line(p, eol, slots, &op);
		if (why) {
			say_error(io, line, why);
			return HEAP_TRACE_BAD_INPUT;
		}
		if (op.kind == OP_ALLOC || op.kind == OP_ALIGNED_ALLOC)
			slots++;
		if (op.kind != OP_NONE && fn && !fn(arg, &op, line))
			return HEAP_TRACE_CHECK_FIRED;
		p = eol + 1;
	}
	if (nslots)
		*nslots = slots;
	return HEAP_TRACE_OK;
}

int heap_trace_check(const char *text, size_t len, size_t *nslots, const struct heap_trace_io *io)
{
	return for_each_line(text, len, io, NULL, NULL, nslots);
}

/* ---- running ---------------------------------------------------------------- */

struct run {
	struct sys_heap heap;
	void **slots;
	size_t nslots;
	const struct heap_trace_io *io;
	const char *fired;
	uint32_t fired_chunk;
};

static void record_check(const struct sys_heap_check *check, void *ctx)
{
	struct run *r = ctx;

	if (!r->fired) {
		r->fired = check->name;
		r->fired_chunk = check->chunk;
	}
}

static void print_result(struct run *r, void *p)
{
	struct writer w = { r->io, { 0 }, 0 };

	if (!p) {
		put(&w, "NULL\n");
	} else {
		put_u64(&w, (unsigned long long)((char *)p - (char *)r->heap.init_mem));
		put(&w, " ");
		put_u64(&w, sys_heap_usable_size(&r->heap, p));
		put(&w, "\n");
	}
	flush_to(&w, false);
}

static bool run_op(void *arg, const struct op *op, unsigned line)
{
	struct run *r = arg;
	struct sys_heap *h = &r->heap;
	void *p = NULL;

	switch (op->kind) {
	case OP_ALLOC:
		p = sys_heap_alloc(h, op->arg[0]);
		break;
	case OP_ALIGNED_ALLOC:
		p = sys_heap_aligned_alloc(h, op->arg[0], op->arg[1]);
		break;
	case OP_REALLOC:
		p = sys_heap_realloc(h, r->slots[op->arg[0]], op->arg[1]);
		break;
	case OP_ALIGNED_REALLOC:
		p = sys_heap_aligned_realloc(h, r->slots[op->arg[0]], op->arg[1], op->arg[2]);
		break;
	case OP_FREE:
		sys_heap_free(h, r->slots[op->arg[0]]);
		break;
	default:
		return true;
	}
	if (!r->fired) {
		if (op->kind == OP_ALLOC || op->kind == OP_ALIGNED_ALLOC)
			r->slots[r->nslots++] = p;
		else
			r->slots[op->arg[0]] = p;
		if (op->kind == OP_FREE) {
			struct writer w = { r->io, { 0 }, 0 };

			put(&w, "-\n");
			flush_to(&w, false);
		} else {
			print_result(r, p);
		}
	}
	if (r->fired) {
		struct writer w = { r->io, { 0 }, 0 };

		put(&w, "heap-trace: line ");
		put_u64(&w, line);
		put(&w, ": heap check failed: ");
		put(&w, r->fired);
		put(&w, " (chunk ");
		put_u64(&w, r->fired_chunk);
		put(&w, ")\n");
		flush_to(&w, true);
		return false;
	}
	return true;
}

static int finish(struct run *r)
{
	struct sys_memory_stats st;
	struct writer w = { r->io, { 0 }, 0 };
	bool ok;

	if (sys_heap_runtime_stats_get(&r->heap, &st) == 0) {
		put(&w, "stats ");
		put_u64(&w, st.free_bytes);
		put(&w, " ");
		put_u64(&w, st.allocated_bytes);
		put(&w, " ");
		put_u64(&w, st.max_allocated_bytes);
		put(&w, "\n");
		flush_to(&w, false);
	}
	ok = sys_heap_validate(&r->heap);
	if (r->fired)
		return HEAP_TRACE_CHECK_FIRED;
	put(&w, ok ? "validate ok\n" : "validate FAIL\n");
	flush_to(&w, false);
	return ok ? HEAP_TRACE_OK : HEAP_TRACE_VALIDATE_FAILED;
}

int heap_trace_run(const char *text, size_t len, void *buf, size_t bytes,
		   const struct sys_heap_config *cfg, void **slots, size_t nslots,
		   const struct heap_trace_io *io)
{
	struct run r = { .slots = slots, .io = io };
	sys_heap_check_fn old_fn;
	void *old_ctx;
	size_t need;
	int rc;

	rc = heap_trace_check(text, len, &need, io);
	if (rc != HEAP_TRACE_OK)
		return rc;
	if (need > nslots) {
		say_error(io, 0, "not enough slot storage for this trace");
		return HEAP_TRACE_BAD_INPUT;
	}
	rc = sys_heap_init_checked(&r.heap, buf, bytes, cfg, true);
	if (rc != SYS_HEAP_INIT_OK) {
		struct writer w = { io, { 0 }, 0 };

		put(&w, "heap-trace: sys_heap_init rejects ");
		put_u64(&w, bytes);
		put(&w, rc == SYS_HEAP_INIT_TOO_BIG ? " bytes: too big\n"
			: rc == SYS_HEAP_INIT_TOO_SMALL ? " bytes: too small\n"
							: " bytes: bad configuration\n");
		flush_to(&w, true);
		return HEAP_TRACE_BAD_INPUT;
	}
	sys_heap_get_check_handler(&old_fn, &old_ctx);
	sys_heap_set_check_handler(record_check, &r);
	rc = for_each_line(text, len, io, run_op, &r, NULL);
	if (rc == HEAP_TRACE_OK)
		rc = finish(&r);
	sys_heap_set_check_handler(old_fn, old_ctx);
	return rc;
}
