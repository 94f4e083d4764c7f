/*
 * Scenarios: attack programs written by hand (format: docs/reviewer-guide.md),
 * parsed into the same user-thread actions the fuzzer runs, and classified:
 *
 *   blocked      the thread could not do it (page fault, syscall check)
 *   harmless     done; nothing the kernel trusts changed
 *   detected     a heap check fired in kernel mode before anything escaped
 *   corrupted    nothing caught it, nothing escaped, the kernel's heap is corrupt
 *   exploitable  the kernel wrote or faulted outside what the syscall may
 *                touch, a kernel object changed, the kernel hung, or the
 *                allocator handed out overlapping memory
 *
 * A user write that changes a kernel object is an escape by itself, but the
 * program keeps running so the trace shows what the kernel then does.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attack.h"

#define SC_MAX_ACTS 256
#define SC_MAX_EXPECT 64
#define SC_MAX_LINE 512
#define SC_MAX_VARS 16

/* ---- value expressions --------------------------------------------------- */

enum sc_op {
	X_NUM, X_ID, X_UNITS, X_TADDR, X_CHUNKID, X_CANARY_BASE, X_ROTL16, X_VAR,
	X_ADD, X_SUB, X_MUL, X_SHL, X_SHR, X_AND, X_OR, X_XOR,
};

struct sc_expr {
	enum sc_op op;
	uint64_t num;
	int slot;
	struct atk_addr addr;
	struct sc_expr *a, *b;
	struct sc_expr *next_alloc;  /* every node, for freeing */
};

/* `read NAME WIDTH ADDR`: a user read into a variable. */
struct sc_read {
	int var;
	unsigned width;
	struct atk_addr at;
};

struct sc_expect {
	char layout[32];   /* "*" or a name */
	int hardening;     /* -1: any */
	char verdict[160]; /* a verdict, or (chain) finding kinds joined by '>' */
	bool chain;        /* an `expect-chain` line */
};

struct atk_scenario {
	char name[64];
	char about[256];
	char escalates[256];      /* what the primitive reaches / grants (free text) */
	uint64_t layouts;         /* bit i: ll_layout_at(i) named; 0: all */
	bool hard[SYS_HEAP_HARDENING_LEVELS]; /* all false: all */
	unsigned word_bits;
	size_t heap_bytes;
	bool runtime_stats;       /* `stats on`: CONFIG_SYS_HEAP_RUNTIME_STATS */
	struct atk_action acts[SC_MAX_ACTS];
	unsigned line_of[SC_MAX_ACTS];
	size_t nacts;
	struct sc_expect expect[SC_MAX_EXPECT];
	size_t nexpect;
	struct sc_expr *exprs;
	bool uses_sof;            /* names SOF main's objects or steps: SOF-main layouts only */
	int read_of[SC_MAX_ACTS];  /* step i is reads[read_of[i]] when >= 0 (-1: an action) */
	struct sc_read reads[SC_MAX_ACTS];
	size_t nreads;
	char vars[SC_MAX_VARS][24];
	size_t nvars;
	bool fuzz_oracles;        /* `oracles fuzzer`: the fuzz_user_syscalls harness's rules */
	bool escape_only;         /* `oracles fuzzer escape|beyond`: the harness's oracle set */
	bool beyond;              /*   beyond: not the layout's by-design exposure either */
	struct atk_budget budget;
};

/* The variables of the run in progress (runs are one at a time). */
static struct {
	uint64_t val[SC_MAX_VARS];
	bool set[SC_MAX_VARS];
} run_vars;

static bool eval(struct atk_session *u, const struct sc_expr *e, uint64_t *out)
{
	uint64_t a = 0, b = 0;

	switch (e->op) {
	case X_NUM: *out = e->num; return true;
	case X_VAR:
		/* a read that failed leaves its variable unset: the step cannot run */
		*out = run_vars.val[e->slot];
		return run_vars.set[e->slot];
	case X_ID: return atk_session_eval_id(u, e->slot, out);
	case X_UNITS: return atk_session_eval_units(u, e->slot, out);
	case X_TADDR: return atk_session_eval_taddr(u, &e->addr, out);
	case X_CHUNKID: return atk_session_eval_chunkid(u, &e->addr, out);
	case X_CANARY_BASE: *out = atk_session_canary_base(u); return true;
	case X_ROTL16:
		if (!eval(u, e->a, &a))
			return false;
		a &= 0xffffffffu;
		*out = ((a << 16) | (a >> 16)) & 0xffffffffu;
		return true;
	default:
		break;
	}
	if (!eval(u, e->a, &a) || !eval(u, e->b, &b))
		return false;
	switch (e->op) {
	case X_ADD: *out = a + b; break;
	case X_SUB: *out = a - b; break;
	case X_MUL: *out = a * b; break;
	case X_SHL: *out = b < 64 ? a << b : 0; break;
	case X_SHR: *out = b < 64 ? a >> b : 0; break;
	case X_AND: *out = a & b; break;
	case X_OR: *out = a | b; break;
	default: *out = a ^ b; break;
	}
	return true;
}

static bool eval_cb(struct atk_session *u, const void *expr, uint64_t *out)
{
	return eval(u, expr, out);
}

/* ---- parsing ------------------------------------------------------------ */

struct parser {
	struct atk_scenario *s;
	unsigned line;
	char *err;
	size_t errlen;
	bool failed;
	uint32_t allocated; /* blocks an earlier alloc line names */
	bool used_stats;    /* a line named zheap's counters: word/stats are fixed now */
};

static bool fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return false;
	p->failed = true;
	n = snprintf(p->err, p->errlen, "line %u: ", p->line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static bool parse_num(const char *t, uint64_t *out)
{
	char *end;

	if (!t || !isdigit((unsigned char)*t))
		return false;
	errno = 0;
	*out = strtoull(t, &end, 0);
	return !errno && !*end;
}

/* Parses a leading number of s; advances *s. */
static bool lead_num(const char **s, uint64_t *out)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return false;
	errno = 0;
	*out = strtoull(*s, &end, 0);
	if (errno || end == *s)
		return false;
	*s = end;
	return true;
}

static bool eat(const char **s, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*s, word, n))
		return false;
	*s += n;
	return true;
}

static int slot_letter(const char **s)
{
	char c = **s;

	if (c < 'A' || c > 'Z' || isalnum((unsigned char)(*s)[1]) || (*s)[1] == '_')
		return -1;
	++*s;
	return c - 'A';
}

/* A block no earlier line allocates is a typo, not an attack: refused, so the
 * step cannot be skipped at run time and the scenario read as harmless. */
static bool slot_allocated(struct parser *p, int slot)
{
	if (p->allocated & (1u << slot))
		return true;
	return fail(p, "block %c is used before any 'alloc %c'", 'A' + slot, 'A' + slot);
}

static bool bracket_index(const char **s, int *idx)
{
	uint64_t n;

	if (!eat(s, "["))
		return true; /* optional: index 0 */
	if (!lead_num(s, &n) || n > 4095 || !eat(s, "]"))
		return false;
	*idx = (int)n;
	return true;
}

static bool chunk_field(const char **s, int *field)
{
	if (eat(s, ".left"))
		*field = ATK_FIELD_LEFT;
	else if (eat(s, ".size"))
		*field = ATK_FIELD_SIZE;
	else if (eat(s, ".prev"))
		*field = ATK_FIELD_PREV;
	else if (eat(s, ".next"))
		*field = ATK_FIELD_NEXT;
	else if (eat(s, ".hdr"))
		*field = ATK_FIELD_NONE;
	else
		return false;
	return true;
}

/* ADDR: base[.part][(+|-)N]...[@cached|@uncached]; stops at ')' or end. */
/* Parsers of one address base at *sp: 1 parsed (sp advanced), 0 not one of
 * theirs, -1 a bad one (reported). */

/* null, a number, a block (A, A.size, ...), free[N], zheap..., end... */
static int parse_heap_base(struct parser *p, const char **sp, struct atk_addr *a)
{
	uint64_t n;
	int slot;

	if (eat(sp, "null")) {
		a->base = ATK_BASE_NULL;
	} else if (isdigit((unsigned char)**sp)) {
		if (!lead_num(sp, &n))
			return fail(p, errno == ERANGE ? "offset out of range: address past 2^64"
						       : "bad address number"), -1;
		if (n > ATK_OFFSET_MAX)
			return fail(p, "offset out of range: %llu is not a 32-bit target address",
				    (unsigned long long)n), -1;
		a->base = ATK_BASE_ABS;
		a->off = (int64_t)n;
	} else if ((slot = slot_letter(sp)) >= 0) {
		if (!slot_allocated(p, slot))
			return -1;
		a->base = ATK_BASE_SLOT;
		a->idx = slot;
		if (**sp == '.') {
			a->base = ATK_BASE_HDR;
			if (!chunk_field(sp, &a->field))
				return fail(p, "unknown block field (use .hdr .left .size .prev .next)"), -1;
		}
	} else if (eat(sp, "free")) {
		a->base = ATK_BASE_FREE;
		if (!bracket_index(sp, &a->idx))
			return fail(p, "bad free[N]"), -1;
		if (**sp == '.' && !chunk_field(sp, &a->field))
			return fail(p, "unknown chunk field (use .hdr .left .size .prev .next)"), -1;
	} else if (eat(sp, "zheap")) {
		a->base = ATK_BASE_ZHEAP;
		if (eat(sp, ".end_chunk")) {
			a->off = SYS_HEAP_HDR_END_CHUNK;
		} else if (eat(sp, ".avail")) {
			a->off = SYS_HEAP_HDR_AVAIL_BUCKETS;
		} else if (eat(sp, ".bucket")) {
			a->base = ATK_BASE_BUCKET;
			if (!bracket_index(sp, &a->idx))
				return fail(p, "bad zheap.bucket[N]"), -1;
		} else {
			static const char *const stats[] = { ".free_bytes", ".allocated_bytes",
							     ".max_allocated_bytes" };

			for (unsigned k = 0; k < 3; k++) {
				if (!eat(sp, stats[k]))
					continue;
				/* the counters sit after avail_buckets, one target
				 * size_t each: where depends on `word`, so it and
				 * `stats on` come first */
				if (!p->s->runtime_stats)
					return fail(p, "zheap%s needs `stats on` on an earlier line",
						    stats[k]), -1;
				a->off = SYS_HEAP_HDR_AVAIL_BUCKETS + 4 +
					 k * (p->s->word_bits == 64 ? 8u : 4u);
				p->used_stats = true;
				break;
			}
		}
	} else if (eat(sp, "end")) {
		a->base = ATK_BASE_END;
		if (**sp == '.' && !chunk_field(sp, &a->field))
			return fail(p, "unknown end-marker field (use .left .size)"), -1;
	} else {
		return 0;
	}
	return 1;
}

/*
 * sof.OBJECT with a few named fields (target layouts of ll_sof_main.c, 32-bit
 * words): sof.zephyr_domain.sem[N] / .handler[N] (core N's slot),
 * sof.ipc_user.sem / .event, sof.zephyr_ll_locks[N]; any other offset with +N.
 */
static int parse_sof_base(struct parser *p, const char **sp, struct atk_addr *a)
{
	unsigned i;
	int n;

	p->s->uses_sof = true;
	if (eat(sp, "core_sem")) { /* a kernel k_sem: its address, as firmware symbols give it */
		if (!bracket_index(sp, &n) || n < 0 || n >= (int)LL_CORES_MAX)
			return fail(p, "bad core index (0..%u)", LL_CORES_MAX - 1), -1;
		a->base = ATK_BASE_SOF_SEM;
		a->idx = n;
		return 1;
	}
	for (i = 0; i < LL_SOF_OBJECTS; i++) {
		const char *name = ll_sof_object_name(i);
		size_t len = strlen(name);

		if (!strncmp(*sp, name, len) && !isalnum((unsigned char)(*sp)[len]) &&
		    (*sp)[len] != '_') {
			*sp += len;
			break;
		}
	}
	if (i == LL_SOF_OBJECTS)
		return fail(p, "unknown SOF object '%.32s' (%s, core_sem[N])", *sp, ll_sof_object_names()), -1;
	a->base = ATK_BASE_SOF;
	a->idx = (int)i;
	if (!strcmp(ll_sof_object_name(i), "zephyr_domain") &&
	    (eat(sp, ".sem") || eat(sp, ".handler"))) {
		bool sem = (*sp)[-1] == 'm';

		if (!bracket_index(sp, &n) || n < 0 || n >= (int)LL_CORES_MAX)
			return fail(p, "bad core index (0..%u)", LL_CORES_MAX - 1), -1;
		/* timer, then per core {ll_thread, sem, handler, arg} */
		a->off = 4 + 16 * n + (sem ? 4 : 8);
	} else if (!strcmp(ll_sof_object_name(i), "ipc_user") && eat(sp, ".sem")) {
		a->off = 0;
	} else if (!strcmp(ll_sof_object_name(i), "ipc_user") && eat(sp, ".event")) {
		a->off = 4;
	} else if (!strcmp(ll_sof_object_name(i), "zephyr_ll_locks") && **sp == '[') {
		if (!bracket_index(sp, &n) || n < 0 || n >= (int)LL_CORES_MAX)
			return fail(p, "bad core index (0..%u)", LL_CORES_MAX - 1), -1;
		a->off = 4 * n;
	}
	return 1;
}

/* kheap..., kdata..., buf, var, audit[N], part[N], sof.OBJECT... */
static int parse_kernel_base(struct parser *p, const char **sp, struct atk_addr *a)
{
	if (eat(sp, "sof.")) {
		return parse_sof_base(p, sp, a);
	} else if (eat(sp, "kheap")) {
		a->base = ATK_BASE_KHEAP;
		if (eat(sp, ".lock"))
			a->off = (int64_t)offsetof(struct k_heap, lock);
		else if (eat(sp, ".wait_q"))
			a->off = (int64_t)offsetof(struct k_heap, wait_q);
	} else if (eat(sp, "ksem")) {
		a->base = eat(sp, ".kobj") ? ATK_BASE_KSEM_KOBJ : ATK_BASE_KSEM;
	} else if (eat(sp, "kdata")) {
		a->base = ATK_BASE_KDATA;
		if (eat(sp, ".sem"))
			a->off = (int64_t)offsetof(struct ll_sched_kdata, sem);
	} else if (eat(sp, "buf")) {
		a->base = eat(sp, ".end") ? ATK_BASE_BUF_END : ATK_BASE_BUF;
	} else if (eat(sp, "var")) {
		a->base = ATK_BASE_VAR;
	} else if (eat(sp, "audit")) {
		a->base = ATK_BASE_AUDIT;
		if (!bracket_index(sp, &a->idx))
			return fail(p, "bad audit[N]"), -1;
	} else if (eat(sp, "part")) {
		a->base = ATK_BASE_PART;
		if (!bracket_index(sp, &a->idx))
			return fail(p, "bad part[N]"), -1;
	} else {
		return 0;
	}
	return 1;
}

/*
 * off ± n, or false when the sum leaves ±ATK_OFFSET_MAX: target addresses
 * are 32 bits, so a larger offset names nothing, and checking here keeps
 * the arithmetic defined (no int64 overflow, no silent wrap onto a region).
 */
static bool add_offset(int64_t *off, uint64_t n, bool neg)
{
	int64_t r;

	if (n > ATK_OFFSET_MAX)
		return false;
	r = neg ? *off - (int64_t)n : *off + (int64_t)n; /* both within ±2^33: no overflow */
	if (r > (int64_t)ATK_OFFSET_MAX || r < -(int64_t)ATK_OFFSET_MAX)
		return false;
	*off = r;
	return true;
}

/* BASE[+N|-N...][@cached|@uncached] */
static bool parse_addr_at(struct parser *p, const char **sp, struct atk_addr *a)
{
	const char *s = *sp;
	uint64_t n;
	int r;

	memset(a, 0, sizeof(*a));
	a->field = ATK_FIELD_NONE;
	r = parse_heap_base(p, &s, a);
	if (r == 0)
		r = parse_kernel_base(p, &s, a);
	if (r < 0)
		return false;
	if (r == 0)
		return fail(p, "unknown address '%.40s'", s);
	while (*s == '+' || *s == '-') {
		bool neg = *s++ == '-';

		if (!lead_num(&s, &n)) {
			/* strtoull's ERANGE: a number past 2^64 is out of range, not junk */
			if (isdigit((unsigned char)*s) && errno == ERANGE)
				return fail(p, "offset out of range (at most ±0x%llx)",
					    (unsigned long long)ATK_OFFSET_MAX);
			return fail(p, "bad offset in address");
		}
		if (!add_offset(&a->off, n, neg))
			return fail(p, "offset out of range (at most ±0x%llx)",
				    (unsigned long long)ATK_OFFSET_MAX);
	}
	if (eat(&s, "@cached"))
		a->view = ATK_VIEW_CACHED;
	else if (eat(&s, "@uncached"))
		a->view = ATK_VIEW_UNCACHED;
	*sp = s;
	return true;
}

static bool parse_addr(struct parser *p, const char *tok, struct atk_addr *a)
{
	const char *s = tok;

	if (!tok)
		return fail(p, "missing address");
	if (!parse_addr_at(p, &s, a))
		return false;
	return *s ? fail(p, "junk after address: '%.20s'", s) : true;
}

static struct sc_expr *node(struct parser *p, enum sc_op op)
{
	struct sc_expr *e = calloc(1, sizeof(*e));

	if (!e) {
		fail(p, "out of memory");
		return NULL;
	}
	e->op = op;
	e->next_alloc = p->s->exprs;
	p->s->exprs = e;
	return e;
}

static struct sc_expr *parse_or(struct parser *p, const char **s, int depth);

static struct sc_expr *parse_unary(struct parser *p, const char **s, int depth)
{
	struct sc_expr *e;
	uint64_t n;
	int slot;

	if (depth > 32) {
		fail(p, "expression too deep");
		return NULL;
	}
	if (lead_num(s, &n)) {
		e = node(p, X_NUM);
		if (e)
			e->num = n;
		return e;
	}
	if (eat(s, "(")) {
		e = parse_or(p, s, depth + 1);
		if (e && !eat(s, ")")) {
			fail(p, "missing ')'");
			return NULL;
		}
		return e;
	}
	if (eat(s, "id(") || eat(s, "units(")) {
		bool id = (*s)[-2] == 'd'; /* "id(" vs "units(" */

		slot = slot_letter(s);
		if (slot < 0 || !eat(s, ")")) {
			fail(p, "%s(X) needs a block name A-Z", id ? "id" : "units");
			return NULL;
		}
		if (!slot_allocated(p, slot))
			return NULL;
		e = node(p, id ? X_ID : X_UNITS);
		if (e)
			e->slot = slot;
		return e;
	}
	if (eat(s, "taddr(") || eat(s, "chunkid(")) {
		bool taddr = (*s)[-2] == 'r'; /* "taddr(" vs "chunkid(" */

		e = node(p, taddr ? X_TADDR : X_CHUNKID);
		if (!e || !parse_addr_at(p, s, &e->addr))
			return NULL;
		if (!eat(s, ")")) {
			fail(p, "missing ')'");
			return NULL;
		}
		return e;
	}
	if (eat(s, "canary_base")) {
		eat(s, "()");
		return node(p, X_CANARY_BASE);
	}
	if (eat(s, "rotl16(")) {
		e = node(p, X_ROTL16);
		if (!e || !(e->a = parse_or(p, s, depth + 1)))
			return NULL;
		if (!eat(s, ")")) {
			fail(p, "missing ')'");
			return NULL;
		}
		return e;
	}
	if (islower((unsigned char)**s)) {
		char name[24];
		size_t n = 0;

		while ((islower((unsigned char)**s) || isdigit((unsigned char)**s) || **s == '_') &&
		       n + 1 < sizeof(name))
			name[n++] = *(*s)++;
		name[n] = '\0';
		for (size_t i = 0; i < p->s->nvars; i++)
			if (!strcmp(p->s->vars[i], name)) {
				e = node(p, X_VAR);
				if (e)
					e->slot = (int)i;
				return e;
			}
		fail(p, "unknown variable '%s' (a 'read %s ...' line must come first)", name, name);
		return NULL;
	}
	fail(p, "bad value at '%.20s'", *s);
	return NULL;
}

/* Precedence climbing over * + - << >> & ^ |, lowest last. */
static const struct {
	const char *tok;
	enum sc_op op;
	int prec;
} binops[] = {
	{ "<<", X_SHL, 3 }, { ">>", X_SHR, 3 }, { "*", X_MUL, 5 }, { "+", X_ADD, 4 },
	{ "-", X_SUB, 4 }, { "&", X_AND, 2 }, { "^", X_XOR, 1 }, { "|", X_OR, 0 },
};

static struct sc_expr *parse_prec(struct parser *p, const char **s, int min, int depth)
{
	struct sc_expr *lhs = parse_unary(p, s, depth);

	while (lhs) {
		size_t i;

		for (i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
			if (!strncmp(*s, binops[i].tok, strlen(binops[i].tok)))
				break;
		if (i == sizeof(binops) / sizeof(binops[0]) || binops[i].prec < min)
			break;
		*s += strlen(binops[i].tok);
		{
			struct sc_expr *e = node(p, binops[i].op);

			if (!e)
				return NULL;
			e->a = lhs;
			e->b = parse_prec(p, s, binops[i].prec + 1, depth + 1);
			if (!e->b)
				return NULL;
			lhs = e;
		}
	}
	return lhs;
}

static struct sc_expr *parse_or(struct parser *p, const char **s, int depth)
{
	return parse_prec(p, s, 0, depth);
}

static bool parse_value(struct parser *p, const char *tok, struct atk_value *v)
{
	const char *s = tok;
	struct sc_expr *e;

	if (!tok)
		return fail(p, "missing value");
	e = parse_or(p, &s, 0);
	if (!e)
		return false;
	if (*s)
		return fail(p, "junk after value: '%.20s'", s);
	memset(v, 0, sizeof(*v));
	v->kind = ATK_VAL_EXPR;
	v->expr = e;
	v->eval = eval_cb;
	return true;
}

static bool parse_flags(struct parser *p, const char *tok, uint32_t *out)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "KERNEL", SOF_MEM_FLAG_KERNEL }, { "USER", SOF_MEM_FLAG_USER },
		{ "COHERENT", SOF_MEM_FLAG_COHERENT }, { "DMA", SOF_MEM_FLAG_DMA },
		{ "LARGE_BUFFER", SOF_MEM_FLAG_LARGE_BUFFER }, { "L3", SOF_MEM_FLAG_L3 },
	};
	char buf[128], *save = NULL;
	uint64_t n;

	*out = 0;
	if (!tok || strlen(tok) >= sizeof(buf))
		return fail(p, "bad flags");
	strcpy(buf, tok);
	for (char *f = strtok_r(buf, "|", &save); f; f = strtok_r(NULL, "|", &save)) {
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(f, names[i].name))
				break;
		if (i < sizeof(names) / sizeof(names[0]))
			*out |= names[i].bit;
		else if (parse_num(f, &n) && n <= 0xffffffffu)
			*out |= (uint32_t)n;
		else
			return fail(p, "unknown flag '%.20s'", f);
	}
	return true;
}

static struct atk_action *new_act(struct parser *p, enum atk_action_kind k)
{
	struct atk_scenario *s = p->s;
	struct atk_action *a;

	if (s->nacts >= SC_MAX_ACTS) {
		fail(p, "more than %d steps", SC_MAX_ACTS);
		return NULL;
	}
	s->line_of[s->nacts] = p->line;
	s->read_of[s->nacts] = -1;
	a = &s->acts[s->nacts++];
	memset(a, 0, sizeof(*a));
	a->kind = k;
	a->at.field = ATK_FIELD_NONE;
	a->heap.field = ATK_FIELD_NONE;
	return a;
}

static bool parse_alloc(struct parser *p, char **tok, int n)
{
	struct atk_action *a;
	uint64_t v;
	const char *name = n > 1 ? tok[1] : NULL;

	if (n < 3 || !name || !(name[0] >= 'A' && name[0] <= 'Z') || name[1])
		return fail(p, "usage: alloc X SIZE [align N] [flags F|F] [heap ADDR]");
	a = new_act(p, ATK_ACT_ALLOC);
	if (!a)
		return false;
	a->slot = name[0] - 'A';
	a->flags = SOF_MEM_FLAG_USER;
	if (!parse_num(tok[2], &a->bytes))
		return fail(p, "bad size '%.20s'", tok[2]);
	for (int i = 3; i < n; i += 2) {
		if (i + 1 >= n)
			return fail(p, "'%s' needs a value", tok[i]);
		if (!strcmp(tok[i], "align")) {
			if (!parse_num(tok[i + 1], &v))
				return fail(p, "bad alignment");
			a->align = v;
		} else if (!strcmp(tok[i], "flags")) {
			if (!parse_flags(p, tok[i + 1], &a->flags))
				return false;
		} else if (!strcmp(tok[i], "heap")) {
			a->forged_heap = true;
			if (!parse_addr(p, tok[i + 1], &a->heap))
				return false;
		} else {
			return fail(p, "unknown alloc option '%.20s'", tok[i]);
		}
	}
	p->allocated |= 1u << a->slot;
	return true;
}

static bool parse_free(struct parser *p, char **tok, int n)
{
	struct atk_action *a;

	if (n != 2 && !(n == 4 && !strcmp(tok[2], "heap")))
		return fail(p, "usage: free ADDR [heap ADDR]");
	a = new_act(p, ATK_ACT_FREE);
	if (!a || !parse_addr(p, tok[1], &a->at))
		return false;
	if (n == 4) {
		a->forged_heap = true;
		return parse_addr(p, tok[3], &a->heap);
	}
	return true;
}

static bool parse_write(struct parser *p, char **tok, int n)
{
	static const struct {
		const char *name;
		unsigned width;
	} widths[] = { { "u8", 1 }, { "u16", 2 }, { "u32", 4 }, { "u64", 8 }, { "field", ATK_WIDTH_FIELD } };
	struct atk_action *a;

	if (n < 4)
		return fail(p, "usage: write u8|u16|u32|u64|field ADDR VALUE, or write bytes ADDR HH...");
	a = new_act(p, ATK_ACT_WRITE);
	if (!a || !parse_addr(p, tok[2], &a->at))
		return false;
	if (!strcmp(tok[1], "bytes")) {
		for (int i = 3; i < n; i++) {
			uint64_t b;
			char hex[8];

			if (a->len >= ATK_DATA_MAX)
				return fail(p, "at most %d bytes per write", ATK_DATA_MAX);
			snprintf(hex, sizeof(hex), "0x%.4s", tok[i]);
			if (strlen(tok[i]) != 2 || !parse_num(hex, &b))
				return fail(p, "bad byte '%.8s' (two hex digits)", tok[i]);
			a->data[a->len++] = (uint8_t)b;
		}
		return true;
	}
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		if (!strcmp(tok[1], widths[i].name)) {
			a->width = widths[i].width;
			if (n != 4)
				return fail(p, "one value per write (no spaces inside it)");
			return parse_value(p, tok[3], &a->value);
		}
	return fail(p, "unknown write width '%.10s'", tok[1]);
}

/* read NAME u8|u16|u32|u64|field ADDR: the acting thread reads, as user code */
static bool parse_read(struct parser *p, char **tok, int n)
{
	static const struct {
		const char *name;
		unsigned width;
	} widths[] = { { "u8", 1 }, { "u16", 2 }, { "u32", 4 }, { "u64", 8 }, { "field", ATK_WIDTH_FIELD } };
	struct atk_scenario *s = p->s;
	struct atk_action *a;
	struct sc_read *r;
	size_t v, w;

	if (n != 4 || !islower((unsigned char)tok[1][0]) || strlen(tok[1]) >= sizeof(s->vars[0]) ||
	    strspn(tok[1], "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(tok[1]))
		return fail(p, "usage: read NAME u8|u16|u32|u64|field ADDR (NAME: lower case)");
	for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
		if (!strcmp(tok[2], widths[w].name))
			break;
	if (w == sizeof(widths) / sizeof(widths[0]))
		return fail(p, "unknown read width '%.10s'", tok[2]);
	for (v = 0; v < s->nvars; v++)
		if (!strcmp(s->vars[v], tok[1]))
			break;
	if (v == s->nvars) {
		if (s->nvars >= SC_MAX_VARS)
			return fail(p, "more than %d variables", SC_MAX_VARS);
		snprintf(s->vars[s->nvars++], sizeof(s->vars[0]), "%s", tok[1]);
	}
	/* a placeholder action keeps the step numbering; the runner does the read */
	a = new_act(p, ATK_ACT_TICK);
	if (!a)
		return false;
	a->ticks = 0;
	s->read_of[s->nacts - 1] = (int)s->nreads;
	r = &s->reads[s->nreads++];
	r->var = (int)v;
	r->width = widths[w].width;
	return parse_addr(p, tok[3], &r->at);
}

/* The layout's place in sched's table (a bit of atk_scenario.layouts), or -1. */
static int layout_index(const char *name)
{
	for (size_t i = 0; i < ll_layout_count() && i < 64; i++)
		if (!strcmp(ll_layout_at(i)->name, name))
			return (int)i;
	return -1;
}

/* scenario NAME, layouts L..., hardening H..., word 32|64, heap-bytes N */
static bool parse_setting(struct parser *p, char **tok, int n)
{
	struct atk_scenario *s = p->s;
	uint64_t v;

	if (!strcmp(tok[0], "scenario")) {
		if (n != 2 || strlen(tok[1]) >= sizeof(s->name))
			return fail(p, "usage: scenario NAME");
		strcpy(s->name, tok[1]);
	} else if (!strcmp(tok[0], "layouts")) {
		for (int i = 1; i < n; i++) {
			int l = layout_index(tok[i]);

			if (l < 0)
				return fail(p, "unknown layout '%.32s'", tok[i]);
			s->layouts |= UINT64_C(1) << l;
		}
	} else if (!strcmp(tok[0], "hardening")) {
		for (int i = 1; i < n; i++) {
			int h = sys_heap_hardening_parse(tok[i]);

			if (h < 0)
				return fail(p, "unknown hardening '%.16s'", tok[i]);
			s->hard[h] = true;
		}
	} else if (!strcmp(tok[0], "word")) {
		if (n != 2 || !parse_num(tok[1], &v) || (v != 32 && v != 64))
			return fail(p, "usage: word 32|64");
		if (p->used_stats)
			return fail(p, "word: after a line that names zheap's counters (their offsets "
				       "depend on it)");
		s->word_bits = (unsigned)v;
	} else if (!strcmp(tok[0], "oracles")) {
		if (n < 2 || n > 3 || (strcmp(tok[1], "fuzzer") && strcmp(tok[1], "scenario")) ||
		    (n == 3 && (strcmp(tok[1], "fuzzer") ||
				(strcmp(tok[2], "all") && strcmp(tok[2], "escape") && strcmp(tok[2], "beyond")))))
			return fail(p, "usage: oracles fuzzer [all|escape|beyond] | oracles scenario");
		s->fuzz_oracles = !strcmp(tok[1], "fuzzer");
		s->escape_only = n == 3 && strcmp(tok[2], "all");
		s->beyond = n == 3 && !strcmp(tok[2], "beyond");
	} else if (!strcmp(tok[0], "stats")) {
		if (n != 2 || (strcmp(tok[1], "on") && strcmp(tok[1], "off")))
			return fail(p, "usage: stats on|off");
		if (p->used_stats)
			return fail(p, "stats: after a line that names zheap's counters");
		s->runtime_stats = !strcmp(tok[1], "on");
	} else if (!strcmp(tok[0], "heap-bytes")) {
		if (n != 2 || !parse_num(tok[1], &v) || !v || v % 4096 || v > (16u << 20))
			return fail(p, "usage: heap-bytes N (a multiple of 4096, at most 16 MiB)");
		s->heap_bytes = (size_t)v;
	}
	return true;
}

static bool is_setting(const char *word)
{
	return !strcmp(word, "scenario") || !strcmp(word, "layouts") || !strcmp(word, "hardening") ||
	       !strcmp(word, "word") || !strcmp(word, "heap-bytes") || !strcmp(word, "oracles") ||
	       !strcmp(word, "stats");
}

/* dma get | dma put | ipc | core N write ... | on core N [read M] write ... |
 * core N give ADDR | grant core N: SOF main's steps */
static bool parse_sof_step(struct parser *p, char **tok, int n)
{
	struct atk_action *a;
	uint64_t core;

	p->s->uses_sof = true;
	if (!strcmp(tok[0], "dma")) {
		if (n != 2 || (strcmp(tok[1], "get") && strcmp(tok[1], "put")))
			return fail(p, "usage: dma get|put");
		return new_act(p, strcmp(tok[1], "get") ? ATK_ACT_DMA_PUT : ATK_ACT_DMA_GET) != NULL;
	}
	if (!strcmp(tok[0], "ipc")) {
		if (n != 1)
			return fail(p, "usage: ipc");
		return new_act(p, ATK_ACT_IPC) != NULL;
	}
	if (!strcmp(tok[0], "on")) { /* on core N [read M] write ...: an interleaved write */
		uint64_t at = 1;
		int w = 3;

		if (n >= 5 && !strcmp(tok[3], "read")) {
			if (!parse_num(tok[4], &at) || at < 1 || at > 1000000)
				return fail(p, "usage: on core N [read M] write ... (M: 1..1000000)");
			w = 5;
		}
		if (n < w + 1 || strcmp(tok[1], "core") || !parse_num(tok[2], &core) || core < 1 ||
		    core >= LL_CORES_MAX || strcmp(tok[w], "write"))
			return fail(p, "usage: on core N [read M] write ... (N: 1..%u, a second core)",
				    LL_CORES_MAX - 1);
		if (!parse_write(p, tok + w, n - w))
			return false;
		a = &p->s->acts[p->s->nacts - 1];
		a->kind = ATK_ACT_CORE_WRITE;
		a->slot = (int)core;
		a->at_read = (unsigned)at;
		return true;
	}
	if (!strcmp(tok[0], "grant")) { /* core N's bring-up: user_ll_grant_access */
		if (n != 3 || strcmp(tok[1], "core") || !parse_num(tok[2], &core) || core < 1 ||
		    core >= LL_CORES_MAX)
			return fail(p, "usage: grant core N (N: 1..%u, a second core)", LL_CORES_MAX - 1);
		a = new_act(p, ATK_ACT_GRANT);
		if (a)
			a->slot = (int)core;
		return a != NULL;
	}
	/* core N write ...: the write of `write`, done by core N's LL thread;
	 * core N give ADDR: its k_sem_give syscall */
	if (n < 3 || !parse_num(tok[1], &core) || core < 1 || core >= LL_CORES_MAX ||
	    (strcmp(tok[2], "write") && strcmp(tok[2], "give")))
		return fail(p, "usage: core N write ... | core N give ADDR (N: 1..%u, a second core)",
			    LL_CORES_MAX - 1);
	if (!strcmp(tok[2], "give")) {
		if (n != 4)
			return fail(p, "usage: core N give ADDR");
		a = new_act(p, ATK_ACT_CORE_GIVE);
		if (!a || !parse_addr(p, tok[3], &a->at))
			return false;
		a->slot = (int)core;
		return true;
	}
	if (!parse_write(p, tok + 2, n - 2))
		return false;
	a = &p->s->acts[p->s->nacts - 1];
	a->kind = ATK_ACT_CORE_WRITE;
	a->slot = (int)core;
	return true;
}

/* give ADDR: the acting thread's k_sem_give syscall */
static bool parse_give(struct parser *p, char **tok, int n)
{
	struct atk_action *a;

	if (n != 2)
		return fail(p, "usage: give ADDR");
	a = new_act(p, ATK_ACT_GIVE);
	return a && parse_addr(p, tok[1], &a->at);
}

static bool parse_tick(struct parser *p, char **tok, int n)
{
	struct atk_action *a;
	uint64_t v;

	if (n > 2 || (n == 2 && (!parse_num(tok[1], &v) || !v || v > 1000)))
		return fail(p, "usage: tick [N] (1..1000)");
	a = new_act(p, ATK_ACT_TICK);
	if (a)
		a->ticks = n == 2 ? (unsigned)v : 1;
	return a != NULL;
}

/* expect LAYOUT|* HARDENING|* VERDICT (the verdict may hold spaces) */
static bool parse_expect(struct parser *p, char **tok, int n)
{
	struct atk_scenario *s = p->s;
	struct sc_expect *e;

	bool chain = !strcmp(tok[0], "expect-chain");

	if (n < 4)
		return fail(p, chain ? "usage: expect-chain LAYOUT|* HARDENING|* KIND>KIND..."
				     : "usage: expect LAYOUT|* HARDENING|* VERDICT");
	if (s->nexpect >= SC_MAX_EXPECT)
		return fail(p, "too many expect lines");
	e = &s->expect[s->nexpect++];
	if (strcmp(tok[1], "*") && layout_index(tok[1]) < 0)
		return fail(p, "unknown layout '%.32s'", tok[1]);
	snprintf(e->layout, sizeof(e->layout), "%s", tok[1]);
	e->hardening = strcmp(tok[2], "*") ? sys_heap_hardening_parse(tok[2]) : -1;
	if (strcmp(tok[2], "*") && e->hardening < 0)
		return fail(p, "unknown hardening '%.16s'", tok[2]);
	/* the verdict may be written with spaces: "detected: double free" */
	snprintf(e->verdict, sizeof(e->verdict), "%s", tok[3]);
	for (int i = 4; i < n; i++) {
		size_t l = strlen(e->verdict);

		snprintf(e->verdict + l, sizeof(e->verdict) - l, " %s", tok[i]);
	}
	e->chain = chain;
	if (chain)
		return n == 4 ? true : fail(p, "write the chain without spaces: KIND>KIND");
	if (strncmp(e->verdict, "blocked", 7) && strncmp(e->verdict, "harmless", 8) &&
	    strncmp(e->verdict, "detected", 8) && strncmp(e->verdict, "corrupted", 9) &&
	    strncmp(e->verdict, "exploitable", 11))
		return fail(p, "verdict must start with blocked, harmless, detected, corrupted or "
			       "exploitable");
	return true;
}

static bool parse_line(struct parser *p, char *line)
{
	char *tok[40], *save = NULL, *about = line + strspn(line, " \t");
	int n = 0;

	/* free text: taken whole, before the line is split into words */
	if (!strncmp(about, "about", 5) && (about[5] == ' ' || about[5] == '\t' || !about[5])) {
		about += 5;
		about += strspn(about, " \t");
		snprintf(p->s->about, sizeof(p->s->about), "%s", about);
		return true;
	}
	if (!strncmp(about, "escalates", 9) && (about[9] == ' ' || about[9] == '\t')) {
		about += 9;
		about += strspn(about, " \t");
		snprintf(p->s->escalates, sizeof(p->s->escalates), "%s", about);
		return true;
	}
	for (char *t = strtok_r(line, " \t\r", &save); t && n < 40; t = strtok_r(NULL, " \t\r", &save))
		tok[n++] = t;
	if (!n || tok[0][0] == '#')
		return true;
	if (n == 40)
		return fail(p, "too many words");
	if (is_setting(tok[0]))
		return parse_setting(p, tok, n);
	if (!strcmp(tok[0], "alloc"))
		return parse_alloc(p, tok, n);
	if (!strcmp(tok[0], "free"))
		return parse_free(p, tok, n);
	if (!strcmp(tok[0], "write"))
		return parse_write(p, tok, n);
	if (!strcmp(tok[0], "tick"))
		return parse_tick(p, tok, n);
	if (!strcmp(tok[0], "dma") || !strcmp(tok[0], "ipc") || !strcmp(tok[0], "core") ||
	    !strcmp(tok[0], "grant") || !strcmp(tok[0], "on"))
		return parse_sof_step(p, tok, n);
	if (!strcmp(tok[0], "give"))
		return parse_give(p, tok, n);
	if (!strcmp(tok[0], "read"))
		return parse_read(p, tok, n);
	if (!strcmp(tok[0], "expect") || !strcmp(tok[0], "expect-chain"))
		return parse_expect(p, tok, n);
	return fail(p, "unknown statement '%.20s'", tok[0]);
}

struct atk_scenario *atk_scenario_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct atk_scenario *s = calloc(1, sizeof(*s));
	struct parser p = { s, 0, err, errlen, false, 0, false };
	char line[SC_MAX_LINE];
	size_t i = 0;

	if (errlen)
		err[0] = '\0';
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while (i < len && !p.failed) {
		size_t n = 0;

		p.line++;
		while (i < len && text[i] != '\n') {
			if (!text[i] || n + 1 >= sizeof(line)) {
				fail(&p, text[i] ? "line too long" : "NUL byte in text");
				break;
			}
			line[n++] = text[i++];
		}
		i++;
		line[n] = '\0';
		if (!p.failed)
			parse_line(&p, line);
	}
	if (!p.failed && !s->name[0])
		fail(&p, "no 'scenario NAME' line");
	if (!p.failed && !s->nacts)
		fail(&p, "no steps");
	s->budget = (struct atk_budget){ ATK_BUDGET_TICKS_DEFAULT, ATK_BUDGET_SECONDS_DEFAULT };
	if (p.failed) {
		atk_scenario_free(s);
		return NULL;
	}
	return s;
}

void atk_scenario_free(struct atk_scenario *s)
{
	if (!s)
		return;
	while (s->exprs) {
		struct sc_expr *e = s->exprs;

		s->exprs = e->next_alloc;
		free(e);
	}
	free(s);
}

const char *atk_scenario_name(const struct atk_scenario *s)
{
	return s->name;
}

const char *atk_scenario_about(const struct atk_scenario *s)
{
	return s->about;
}

bool atk_scenario_uses_sof(const struct atk_scenario *s)
{
	return s->uses_sof;
}

const char *atk_scenario_escalates(const struct atk_scenario *s)
{
	return s->escalates;
}

unsigned long atk_scenario_ticks(const struct atk_scenario *s)
{
	unsigned long n = 0;

	for (size_t i = 0; i < s->nacts; i++)
		if (s->acts[i].kind == ATK_ACT_TICK)
			n += s->acts[i].ticks;
	return n;
}

void atk_scenario_set_budget(struct atk_scenario *s, const struct atk_budget *b)
{
	s->budget = *b;
}

bool atk_verdict_over_budget(const struct atk_verdict *v)
{
	return v->cls == ATK_V_ERROR && !strcmp(v->by, "budget");
}

bool atk_scenario_applies(const struct atk_scenario *s, const char *layout, int hardening)
{
	bool any_h = false;
	int l = layout_index(layout);

	for (int i = 0; i < SYS_HEAP_HARDENING_LEVELS; i++)
		any_h |= s->hard[i];
	if (l < 0 || hardening < 0 || hardening >= SYS_HEAP_HARDENING_LEVELS)
		return false;
	if (s->uses_sof && !ll_layout_at((size_t)l)->sof_main)
		return false;
	return (!s->layouts || (s->layouts >> l & 1)) && (!any_h || s->hard[hardening]);
}

static bool expected(const struct atk_scenario *s, const char *layout, int hardening, bool chain,
		     char *buf, size_t len)
{
	for (size_t i = 0; i < s->nexpect; i++) {
		const struct sc_expect *e = &s->expect[i];

		if (e->chain != chain || (strcmp(e->layout, "*") && strcmp(e->layout, layout)) ||
		    (e->hardening >= 0 && e->hardening != hardening))
			continue;
		snprintf(buf, len, "%s", e->verdict);
		return true;
	}
	return false;
}

bool atk_scenario_expected(const struct atk_scenario *s, const char *layout, int hardening,
			    char *buf, size_t len)
{
	return expected(s, layout, hardening, false, buf, len);
}

bool atk_scenario_expected_chain(const struct atk_scenario *s, const char *layout, int hardening,
				 char *buf, size_t len)
{
	return expected(s, layout, hardening, true, buf, len);
}

/* Appends a finding kind to the run's chain. */
static void chain_add(struct atk_verdict *v, enum sim_finding_kind k)
{
	atk_chain_add(v->chain, sizeof(v->chain), k);
}

/* ---- verdicts ------------------------------------------------------------- */

const char *atk_verdict_class_name(enum atk_verdict_class c)
{
	switch (c) {
	case ATK_V_BLOCKED: return "blocked";
	case ATK_V_HARMLESS: return "harmless";
	case ATK_V_DETECTED: return "detected";
	case ATK_V_CORRUPTED: return "corrupted";
	case ATK_V_EXPLOITABLE: return "exploitable";
	default: return "error";
	}
}

/* "double free" and "double-free" name the same check. */
static void normalise(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in == ' '; in++)
		;
	for (; *in && n + 1 < len; in++)
		out[n++] = *in == ' ' ? '-' : (char)tolower((unsigned char)*in);
	out[n] = '\0';
}

void atk_verdict_format(const struct atk_verdict *v, char *buf, size_t len)
{
	char by[64];

	normalise(v->by, by, sizeof(by));
	if (by[0])
		snprintf(buf, len, "%s:%s", atk_verdict_class_name(v->cls), by);
	else
		snprintf(buf, len, "%s", atk_verdict_class_name(v->cls));
}

bool atk_verdict_matches(const struct atk_verdict *v, const char *expect)
{
	char got[96], want[96];
	const char *colon = strchr(expect, ':');
	size_t cl = colon ? (size_t)(colon - expect) : strlen(expect);

	if (strlen(atk_verdict_class_name(v->cls)) != cl ||
	    strncmp(atk_verdict_class_name(v->cls), expect, cl))
		return false;
	if (!colon)
		return true;
	normalise(colon + 1, want, sizeof(want));
	normalise(v->by, got, sizeof(got));
	return !strcmp(want, got);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void verdict_set(struct atk_verdict *v, enum atk_verdict_class c, const char *by,
			const char *detail)
{
	v->cls = c;
	v->kind = 0;
	snprintf(v->by, sizeof(v->by), "%s", by);
	snprintf(v->detail, sizeof(v->detail), "%s", detail);
}

int atk_scenario_run(const struct atk_scenario *s, const char *layout, int hardening,
		      FILE *trace, struct atk_verdict *out)
{
	return atk_scenario_run_observed(s, layout, hardening, trace, out, NULL);
}

/* The harness's oracle set (`oracles fuzzer escape|beyond`): detections and
 * corruption the kernel has not acted on are not findings, and under beyond
 * neither is the layout's by-design exposure (fuzz/lib_user_syscalls.c). */
static bool in_oracle_set(const struct atk_scenario *s, const char *layout, const struct atk_event *ev)
{
	if (!s->escape_only || ev->cls < ATK_EV_DETECTED || ev->cls > ATK_EV_ESCAPE)
		return true;
	return ev->cls == ATK_EV_ESCAPE && !(s->beyond && atk_event_by_design(layout, ev));
}

int atk_scenario_run_observed(const struct atk_scenario *s, const char *layout, int hardening,
			      FILE *trace, struct atk_verdict *out, const struct atk_observer *obs)
{
	struct atk_session_config cfg;
	struct atk_verdict escape = { 0, "", "", 0, "" }, chain = { 0, "", "", 0, "" };
	struct atk_event ev;
	struct atk_session *u;
	unsigned skipped = 0;
	unsigned long ticks = atk_scenario_ticks(s);
	double started = now_seconds();
	char why[160];
	int err;

	memset(out, 0, sizeof(*out));
	/* the cost is known before the first step: refuse, do not start */
	if (s->budget.ticks && ticks > s->budget.ticks) {
		snprintf(why, sizeof(why), "%lu LL ticks asked for, over the budget of %lu", ticks,
			 s->budget.ticks);
		verdict_set(out, ATK_V_ERROR, "budget", why);
		return -E2BIG;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.layout = layout;
	cfg.hardening = hardening;
	cfg.word_bits = s->word_bits;
	cfg.heap_bytes = s->heap_bytes;
	cfg.runtime_stats = s->runtime_stats;
	cfg.trace = trace;
	cfg.check_each_step = s->fuzz_oracles && !s->escape_only;
	memset(&run_vars, 0, sizeof(run_vars));
	cfg.precheck_writes = s->fuzz_oracles;
	err = atk_session_open(&u, &cfg);
	if (err) {
		verdict_set(out, ATK_V_ERROR, "setup", strerror(-err));
		return err;
	}
	if (obs && obs->opened)
		obs->opened(obs->ctx, u, &cfg);
	for (size_t i = 0; i < s->nacts; i++) {
		enum atk_verdict_class stop = 0;

		if (s->budget.seconds > 0 && now_seconds() - started > s->budget.seconds) {
			snprintf(why, sizeof(why), "stopped before line %u: over the budget of %g s",
				 s->line_of[i], s->budget.seconds);
			verdict_set(out, ATK_V_ERROR, "budget", why);
			atk_session_close(u);
			return -ETIME;
		}
		if (s->read_of[i] >= 0) {
			const struct sc_read *r = &s->reads[s->read_of[i]];
			int rc = atk_session_user_read(u, &r->at, r->width, &run_vars.val[r->var]);

			/* a read the thread may not do faults it, as a load would */
			run_vars.set[r->var] = rc == 0;
			if (rc == -EFAULT) {
				verdict_set(out, ATK_V_BLOCKED, "fault", "a user read the thread may not do");
				break;
			}
			skipped += rc != 0;
			continue;
		}
		atk_session_step(u, &s->acts[i], &ev);
		if (obs && obs->step)
			obs->step(obs->ctx, u, &s->acts[i], &ev);
		if (!in_oracle_set(s, layout, &ev))
			continue; /* not a finding for the harness's oracle set */
		if (ev.cls >= ATK_EV_DETECTED && ev.cls <= ATK_EV_ESCAPE)
			chain_add(&chain, ev.f.kind);
		switch (ev.cls) {
		case ATK_EV_SKIPPED:
			skipped++;
			/* the harness stops when no thread is left to act */
			if (s->fuzz_oracles && ev.no_actor)
				i = s->nacts;
			break;
		case ATK_EV_ESCAPE:
			/* what the kernel then did with a changed object says more */
			if (!escape.cls || (!strcmp(escape.by, "kernel-object-changed") &&
					    !strcmp(ev.by, "kernel-trusts-user"))) {
				verdict_set(&escape, ATK_V_EXPLOITABLE, ev.by, ev.f.message);
				escape.kind = ev.f.kind;
			}
			/* The run ends only where the target's kernel stops (it
			 * faulted or hangs). After a store outside the footprint, a
			 * changed object or a value taken from the user, the target
			 * goes on: the trace shows what the kernel then does with
			 * it (an escalation's next step). */
			if (ev.f.kind == SIM_FINDING_KERNEL_FAULT || ev.f.kind == SIM_FINDING_HANG)
				stop = ATK_V_EXPLOITABLE;
			break;
		case ATK_EV_DETECTED:
			/* the harness leaves the API's own errors to the API */
			if (!s->fuzz_oracles || (!atk_session_is_oob(u) && !ev.refused))
				stop = ATK_V_DETECTED;
			break;
		case ATK_EV_CORRUPT:
			stop = ATK_V_CORRUPTED;
			break;
		case ATK_EV_BLOCKED:
			/* the harness goes on with a fresh thread after an oops */
			if (!s->fuzz_oracles)
				stop = ATK_V_BLOCKED;
			break;
		default:
			break;
		}
		if (stop) {
			verdict_set(out, stop, ev.by, ev.f.message);
			out->kind = stop == ATK_V_BLOCKED ? 0 : ev.f.kind;
			break;
		}
	}
	if (escape.cls) {
		*out = escape;
	} else if (!out->cls && !s->escape_only) {
		atk_session_final(u, &ev);
		if (ev.cls == ATK_EV_CORRUPT) {
			verdict_set(out, ATK_V_CORRUPTED, "validate", ev.f.message);
			out->kind = ev.f.kind;
			chain_add(&chain, ev.f.kind);
		} else
			verdict_set(out, ATK_V_HARMLESS, "",
				    skipped ? "some steps had nothing to act on" : "");
	}
	snprintf(out->chain, sizeof(out->chain), "%s", chain.chain);
	atk_session_close(u);
	return 0;
}
