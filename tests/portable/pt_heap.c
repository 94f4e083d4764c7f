/* Spec formulas and in-band readers for the portable checks (see pt_heap.h). */
#include <string.h>

#include "pt_heap.h"

uint8_t pt_buf[PT_BUF_BYTES] PT_ALIGNED(4096);

struct pt_check_log pt_checks;

/* ---- configurations ---------------------------------------------------- */

void pt_cfg_make(struct sys_heap_config *cfg, unsigned word,
		 enum sys_heap_hardening hard, enum sys_heap_size_mode mode,
		 bool stats)
{
	sys_heap_config_default(cfg);
	cfg->word_bits = word;
	cfg->hardening = hard;
	cfg->size_mode = mode;
	cfg->runtime_stats = stats;
	cfg->internal_checks = hard == SYS_HEAP_HARDENING_EXTREME;
	cfg->alloc_loops = 3;
}

void pt_cfg(struct sys_heap_config *cfg, enum pt_cfg_id id)
{
	static const struct {
		unsigned word;
		enum sys_heap_hardening hard;
		enum sys_heap_size_mode mode;
	} t[PT_CFG_COUNT] = {
		[PT_W32S] = { 32, SYS_HEAP_HARDENING_MODERATE, SYS_HEAP_SIZE_AUTO },
		[PT_W32B] = { 32, SYS_HEAP_HARDENING_MODERATE, SYS_HEAP_SIZE_BIG_ONLY },
		[PT_W64] = { 64, SYS_HEAP_HARDENING_MODERATE, SYS_HEAP_SIZE_AUTO },
		[PT_W32S_FULL] = { 32, SYS_HEAP_HARDENING_FULL, SYS_HEAP_SIZE_AUTO },
		[PT_W32B_FULL] = { 32, SYS_HEAP_HARDENING_FULL, SYS_HEAP_SIZE_BIG_ONLY },
		[PT_W64_FULL] = { 64, SYS_HEAP_HARDENING_FULL, SYS_HEAP_SIZE_AUTO },
	};
	pt_cfg_make(cfg, t[id].word, t[id].hard, t[id].mode, true);
}

/* ---- the spec's formulas ------------------------------------------------ */

static bool big_for(const struct sys_heap_config *cfg, uint64_t units)
{
	if (cfg->word_bits == 64 || cfg->size_mode == SYS_HEAP_SIZE_BIG_ONLY)
		return true;
	if (cfg->size_mode == SYS_HEAP_SIZE_SMALL_ONLY)
		return false;
	return units > 0x7fff;
}

static unsigned log2_floor(uint32_t x)
{
	unsigned r = 0;

	while (x >>= 1)
		r++;
	return r;
}

uint32_t pt_bucket(const struct pt_model *m, uint32_t units)
{
	return log2_floor(units - m->min_chunk + 1);
}

static void model_layout(struct pt_model *m, uint32_t end)
{
	m->end = end;
	m->hdr = m->big ? 8 : 4;
	m->fw = m->big ? 4 : 2;
	m->min_chunk = (m->hdr + 1 + 7) / 8 + m->T;
	m->nb = pt_bucket(m, end) + 1;
	m->chunk0 = (m->H + 4 * m->nb + 7) / 8 + m->T;
}

void pt_model_init(struct pt_model *m, const struct sys_heap_config *cfg,
		   size_t bytes)
{
	uint64_t units = bytes / 8, limit, f;
	struct sys_heap_config c = *cfg;

	memset(m, 0, sizeof(*m));
	m->word = c.word_bits;
	m->stats = c.runtime_stats;
	m->hardening = c.hardening;
	m->internal = c.internal_checks;
	m->T = c.hardening >= SYS_HEAP_HARDENING_FULL;
	m->H = !m->stats ? 16 : m->word == 32 ? 28 : 40;

	/* init steps 1-3 on a buffer whose start is a multiple of 8 */
	limit = c.size_mode == SYS_HEAP_SIZE_SMALL_ONLY ? 0x7fff : 0x7fffffff;
	if (units > limit) {
		m->init_result = SYS_HEAP_INIT_TOO_BIG;
		return;
	}
	f = big_for(&c, units) ? 8 : 4;
	if (bytes <= f || (bytes - f) / 8 == 0) {
		m->init_result = SYS_HEAP_INIT_TOO_SMALL;
		return;
	}
	m->big = big_for(&c, (bytes - f) / 8);
	model_layout(m, (uint32_t)((bytes - f) / 8));
	if (m->end <= (m->H + 7) / 8 || m->chunk0 + m->min_chunk > m->end)
		m->init_result = SYS_HEAP_INIT_TOO_SMALL;
	else
		m->init_result = SYS_HEAP_INIT_OK;
}

uint32_t pt_conv(const struct pt_model *m, size_t bytes, size_t x)
{
	uint64_t n = bytes / 8 + x / 8 + (bytes % 8 + x % 8 + m->hdr + 7) / 8 + m->T;

	return n < m->end ? (uint32_t)n : m->end;
}

size_t pt_usable(const struct pt_model *m, uint32_t units)
{
	return 8 * (size_t)units - m->hdr - 8 * m->T;
}

bool pt_undersized(const struct pt_model *m, uint32_t units)
{
	return units < m->min_chunk && (m->big || m->T);
}

size_t pt_bytes_for(const struct pt_model *m, uint32_t units)
{
	return pt_usable(m, units);
}

/* ---- init --------------------------------------------------------------- */

void pt_heap_init(struct sys_heap *h, struct pt_model *m, size_t bytes,
		  const struct sys_heap_config *cfg)
{
	int rc;

	PT_ASSERT(bytes <= PT_BUF_BYTES);
	memset(pt_buf, 0, bytes);
	memset(h, 0, sizeof(*h));
	pt_record_checks();
	pt_model_init(m, cfg, bytes);
	rc = sys_heap_init_checked(h, pt_buf, bytes, cfg, true);
	PT_ASSERT_EQ(rc, m->init_result);
	PT_ASSERT_NO_CHECK();
	if (rc == SYS_HEAP_INIT_OK)
		PT_ASSERT_PTR_EQ(h->heap, pt_buf);
}

void pt_heap_init_id(struct sys_heap *h, struct pt_model *m, size_t bytes,
		     enum pt_cfg_id id)
{
	struct sys_heap_config cfg;

	pt_cfg(&cfg, id);
	pt_heap_init(h, m, bytes, &cfg);
	PT_ASSERT_EQ(m->init_result, SYS_HEAP_INIT_OK);
}

/* ---- in-band access ----------------------------------------------------- */

uint8_t *pt_S(const struct sys_heap *h)
{
	return h->heap;
}

uint32_t pt_rd32(const struct sys_heap *h, size_t off)
{
	const uint8_t *b = pt_S(h) + off;

	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void pt_wr32(const struct sys_heap *h, size_t off, uint32_t v)
{
	uint8_t *b = pt_S(h) + off;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

uint32_t pt_field(const struct sys_heap *h, const struct pt_model *m,
		  uint32_t c, unsigned i)
{
	size_t off = 8 * (size_t)c + i * m->fw;
	const uint8_t *b = pt_S(h) + off;

	if (m->fw == 2)
		return b[0] | (uint32_t)b[1] << 8;
	return pt_rd32(h, off);
}

void pt_set_field(const struct sys_heap *h, const struct pt_model *m,
		  uint32_t c, unsigned i, uint32_t v)
{
	size_t off = 8 * (size_t)c + i * m->fw;
	uint8_t *b = pt_S(h) + off;

	if (m->fw == 2) {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)(v >> 8);
	} else {
		pt_wr32(h, off, v);
	}
}

uint32_t pt_size(const struct sys_heap *h, const struct pt_model *m, uint32_t c)
{
	return pt_field(h, m, c, PT_SIZE_USED) >> 1;
}

bool pt_used(const struct sys_heap *h, const struct pt_model *m, uint32_t c)
{
	return pt_field(h, m, c, PT_SIZE_USED) & 1;
}

uint32_t pt_avail(const struct sys_heap *h)
{
	return pt_rd32(h, 12);
}

uint32_t pt_head(const struct sys_heap *h, const struct pt_model *m, unsigned b)
{
	return pt_rd32(h, m->H + 4 * b);
}

size_t pt_off(const struct sys_heap *h, const void *p)
{
	return (size_t)((const uint8_t *)p - pt_S(h));
}

uint32_t pt_chunk_of(const struct sys_heap *h, const struct pt_model *m,
		     const void *p)
{
	return (uint32_t)((pt_off(h, p) - m->hdr) / 8);
}

size_t pt_uoff(const struct pt_model *m, uint32_t c)
{
	return 8 * (size_t)c + m->hdr;
}

uint32_t pt_canary(uint32_t c, uint32_t size, uint32_t base)
{
	return ((c << 16) | (c >> 16)) ^ size ^ base;
}

size_t pt_canary_off(const struct pt_model *m, uint32_t c, uint32_t size)
{
	(void)m;
	return 8 * ((size_t)c + size - 1);
}

/* ---- walks and summary assertions -------------------------------------- */

void pt_walk(const struct sys_heap *h, const struct pt_model *m,
	     struct pt_walk *w)
{
	uint32_t c = pt_size(h, m, 0), prev = 0, s;

	memset(w, 0, sizeof(*w));
	PT_ASSERT_EQ(c, m->chunk0);
	while (c < m->end) {
		s = pt_size(h, m, c);
		PT_ASSERT(s > 0 && s <= m->end - c);
		PT_ASSERT_EQ(pt_field(h, m, c, PT_LEFT), c - prev);
		w->chunks++;
		if (pt_used(h, m, c)) {
			w->used_chunks++;
			w->used_bytes += pt_usable(m, s);
		} else if (pt_undersized(m, s)) {
			w->undersized_free++;
		} else {
			w->free_chunks++;
			w->free_bytes += pt_usable(m, s);
			if (pt_usable(m, s) > w->largest_free)
				w->largest_free = pt_usable(m, s);
			if (!w->first_free)
				w->first_free = c;
		}
		prev = c;
		c += s;
	}
	PT_ASSERT_EQ(c, m->end);
	/* the end marker: size 0, used, left size = last chunk */
	PT_ASSERT_EQ(pt_field(h, m, c, PT_SIZE_USED), 1);
	PT_ASSERT_EQ(pt_field(h, m, c, PT_LEFT), c - prev);
}

struct sys_memory_stats pt_stats(struct sys_heap *h)
{
	struct sys_memory_stats st;

	memset(&st, 0xa5, sizeof(st));
	PT_ASSERT_EQ(sys_heap_runtime_stats_get(h, &st), 0);
	return st;
}

void pt_assert_stats(struct sys_heap *h, const struct pt_model *m,
		     size_t max_expected)
{
	struct pt_walk w;
	struct sys_memory_stats st = pt_stats(h);

	pt_walk(h, m, &w);
	PT_ASSERT_EQ(st.free_bytes, w.free_bytes);
	PT_ASSERT_EQ(st.allocated_bytes, w.used_bytes);
	if (max_expected != (size_t)-1)
		PT_ASSERT_EQ(st.max_allocated_bytes, max_expected);
	PT_ASSERT(st.max_allocated_bytes >= st.allocated_bytes);
}

void pt_build_abcde(struct sys_heap *h, struct pt_model *m,
		    const struct sys_heap_config *cfg, uint32_t c[5])
{
	static const uint32_t units[5] = { 4, 5, 6, 9, 8 };
	void *p[5];

	pt_heap_init(h, m, 4096, cfg);
	c[0] = m->chunk0;
	for (int i = 0; i < 5; i++) {
		p[i] = sys_heap_alloc(h, pt_bytes_for(m, units[i] + m->T));
		PT_ASSERT_NOT_NULL(p[i]);
		if (i)
			c[i] = c[i - 1] + units[i - 1] + m->T;
	}
	sys_heap_free(h, p[1]);
	sys_heap_free(h, p[3]);
	PT_ASSERT_EQ(pt_bucket(m, units[1] + m->T), 2);
	PT_ASSERT_EQ(pt_bucket(m, units[3] + m->T), 3);
	PT_ASSERT_EQ(pt_head(h, m, 2), c[1]);
	PT_ASSERT_EQ(pt_head(h, m, 3), c[3]);
	PT_ASSERT(sys_heap_validate(h));
	PT_ASSERT(sys_heap_check_strict(h, NULL, NULL));
	PT_ASSERT_NO_CHECK();
}

void pt_assert_pristine(struct sys_heap *h, const struct pt_model *m)
{
	struct pt_walk w;
	uint32_t c0 = m->chunk0, size = m->end - m->chunk0;
	unsigned b = pt_bucket(m, size);
	struct sys_memory_stats st;

	pt_walk(h, m, &w);
	PT_ASSERT_EQ(w.chunks, 1);
	PT_ASSERT_EQ(w.free_chunks, 1);
	PT_ASSERT_EQ(w.first_free, c0);
	PT_ASSERT_EQ(pt_size(h, m, c0), size);
	PT_ASSERT_EQ(pt_avail(h), 1u << b);
	PT_ASSERT_EQ(pt_head(h, m, b), c0);
	PT_ASSERT_EQ(pt_field(h, m, c0, PT_PREV), c0);
	PT_ASSERT_EQ(pt_field(h, m, c0, PT_NEXT), c0);
	if (m->stats) {
		st = pt_stats(h);
		PT_ASSERT_EQ(st.free_bytes, pt_usable(m, size));
		PT_ASSERT_EQ(st.allocated_bytes, 0);
	}
	PT_ASSERT(sys_heap_validate(h));
}

/* ---- check handler ------------------------------------------------------ */

static void record_check(const struct sys_heap_check *check, void *ctx)
{
	(void)ctx;
	if (!pt_checks.count) {
		pt_checks.first = check->name;
		pt_checks.first_chunk = check->chunk;
		pt_checks.first_id = check->id;
		pt_checks.first_refused = check->refused;
	}
	pt_checks.last = check->name;
	pt_checks.count++;
}

void pt_record_checks(void)
{
	memset(&pt_checks, 0, sizeof(pt_checks));
	sys_heap_set_check_handler(record_check, NULL);
}

bool pt_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

uint32_t pt_rand(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}
