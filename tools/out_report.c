/*
 * The static HTML report: per layout an SVG memory map drawn from the audit,
 * the verdict matrix as a colour table, and each finding as a timeline.
 * Plain files (no script, no server, no network): a reviewer opens
 * index.html, a CI system keeps the directory as an artifact.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs.h"
#include "sched.h"

/* ======================================================================== */
/* The memory map of one layout                                              */
/* ======================================================================== */

#define MAP_MAX_PAGES 64
#define MAP_MAX_OBJS 32
#define MAP_ZOOM_PAGES 3

/* User rights on a page (through either view: rights are per page). */
#define RIGHT_R 1u
#define RIGHT_W 2u
/* Through which view a partition granted them. */
#define VIA_CACHED 1u
#define VIA_UNCACHED 2u

struct map_obj {
	char name[64];
	char type[64];
	char detail[160];
	uint32_t off;           /* arena offset */
	size_t bytes;
	bool user_writable;     /* the audit lists it */
	char via[96];
};

struct map_page {
	uint32_t off;           /* arena offset of the page */
	unsigned rights;
	unsigned via;
	bool heap_buffer;
};

struct map {
	const struct ll_layout *layout;
	size_t page;
	struct map_page pages[MAP_MAX_PAGES];
	size_t npages;
	size_t pages_left_out;
	struct map_obj objs[MAP_MAX_OBJS];
	size_t nobjs;
	uint32_t buf_off;
	size_t buf_bytes;
};

static uint32_t arena_offset(uint32_t taddr)
{
	return taddr >= SIM_CACHED_BASE ? taddr - SIM_CACHED_BASE : taddr - SIM_UNCACHED_BASE;
}

static unsigned view_of(uint32_t taddr)
{
	return taddr >= SIM_CACHED_BASE ? VIA_CACHED : VIA_UNCACHED;
}

static void add_page(struct map *m, uint32_t off, bool heap_buffer)
{
	uint32_t p = off - off % (uint32_t)m->page;

	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i].off == p) {
			m->pages[i].heap_buffer |= heap_buffer;
			return;
		}
	if (m->npages == MAP_MAX_PAGES) {
		m->pages_left_out++;
		return;
	}
	m->pages[m->npages++] = (struct map_page){ .off = p, .heap_buffer = heap_buffer };
}

static void add_range_pages(struct map *m, uint32_t off, size_t bytes, bool heap_buffer)
{
	for (size_t b = 0; b < bytes; b += m->page)
		add_page(m, off + (uint32_t)b, heap_buffer);
	if (bytes)
		add_page(m, off + (uint32_t)bytes - 1, heap_buffer);
}

static int cmp_pages(const void *a, const void *b)
{
	const struct map_page *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static struct map_obj *add_obj(struct map *m)
{
	if (m->nobjs == MAP_MAX_OBJS)
		return NULL;
	memset(&m->objs[m->nobjs], 0, sizeof(m->objs[0]));
	return &m->objs[m->nobjs++];
}

/* The heap object the kernel trusts (struct k_heap or the oob heap object). */
static void collect_heap_object(struct map *m, struct ll_env *env)
{
	struct sim *sim = ll_env_sim(env);
	struct sim_kobj_info info;
	struct map_obj *o;
	size_t at;

	if (!ll_env_heap(env) || !sim_kobj_find(sim, ll_env_heap(env), &info, &at))
		return;
	o = add_obj(m);
	if (!o)
		return;
	snprintf(o->name, sizeof(o->name), "%s", info.name ? info.name : "heap");
	snprintf(o->type, sizeof(o->type), "%s", info.type_name ? info.type_name : "k_heap");
	snprintf(o->detail, sizeof(o->detail), "the kernel's heap object");
	o->off = arena_offset((uint32_t)info.taddr);
	o->bytes = info.size;
}

/* Every range the audit found user-writable; one that is the heap object
 * itself marks that object instead of adding a copy. */
static int collect_audit(struct map *m, struct sim *sim)
{
	struct sim_audit a;

	if (sim_audit(sim, &a))
		return -ENOMEM;
	for (size_t i = 0; i < a.count; i++) {
		const struct sim_audit_item *it = &a.items[i];
		uint32_t off = arena_offset((uint32_t)it->taddr);
		struct map_obj *o = NULL;

		for (size_t k = 0; k < m->nobjs; k++)
			if (m->objs[k].off == off && !strcmp(m->objs[k].type, it->type))
				o = &m->objs[k];
		if (!o && !(o = add_obj(m)))
			break;
		snprintf(o->name, sizeof(o->name), "%s", it->object);
		snprintf(o->type, sizeof(o->type), "%s", it->type);
		snprintf(o->detail, sizeof(o->detail), "%s", it->detail);
		o->off = off;
		o->bytes = it->bytes;
		o->user_writable = true;
		snprintf(o->via, sizeof(o->via), "%s (%s view partition)", it->domain,
			 it->partition_view);
	}
	sim_audit_free(&a);
	return 0;
}

/* Rights of the layout's user domain on each page drawn, and the view of
 * the partition that granted them. */
static void collect_rights(struct map *m, struct ll_env *env)
{
	const struct k_mem_domain *d = ll_env_domain(env);

	for (uint32_t i = 0; d && i < d->num_partitions && i < SIM_DOMAIN_PARTS_MAX; i++) {
		uint32_t start = arena_offset(d->partitions[i].start);
		uint32_t end = start + d->partitions[i].size;
		unsigned r = 0;

		if (!d->partitions[i].used && !d->partitions[i].size)
			continue;
		if (d->partitions[i].attr & K_MEM_PARTITION_U_R)
			r |= RIGHT_R;
		if (d->partitions[i].attr & K_MEM_PARTITION_U_W)
			r |= RIGHT_W;
		for (size_t p = 0; p < m->npages; p++)
			if (m->pages[p].off >= start && m->pages[p].off < end) {
				m->pages[p].rights |= r;
				m->pages[p].via |= view_of(d->partitions[i].start);
			}
	}
}

static int map_collect(const char *layout, struct map *m, struct ll_env **envp)
{
	struct ll_env_config cfg;
	struct ll_env *env;
	void *buf;
	int err;

	memset(m, 0, sizeof(*m));
	m->layout = ll_layout_find(layout);
	if (!m->layout)
		return -ENOENT;
	ll_env_config_default(&cfg);
	cfg.layout = layout;
	err = ll_env_create(&cfg, &env);
	if (err)
		return err;
	m->page = sim_page_size();
	buf = ll_env_heap_buffer(env, &m->buf_bytes);
	m->buf_off = arena_offset((uint32_t)sim_host_to_target(ll_env_sim(env), buf));
	collect_heap_object(m, env);
	err = collect_audit(m, ll_env_sim(env));
	if (err) {
		ll_env_destroy(env);
		return err;
	}
	add_range_pages(m, m->buf_off, m->buf_bytes, true);
	for (size_t i = 0; i < m->nobjs; i++)
		add_range_pages(m, m->objs[i].off, m->objs[i].bytes, false);
	qsort(m->pages, m->npages, sizeof(m->pages[0]), cmp_pages);
	collect_rights(m, env);
	*envp = env;
	return 0;
}

/* ---- drawing ---- */

static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static const char *rights_colour(unsigned r)
{
	if (r & RIGHT_W)
		return "#fdae6b"; /* user read-write */
	if (r & RIGHT_R)
		return "#9ecae1"; /* user read-only */
	return "#e4e4e4";         /* kernel-only */
}

static const char *rights_name(unsigned r)
{
	return (r & RIGHT_W) ? "user RW" : (r & RIGHT_R) ? "user RO" : "kernel-only";
}

#define SVG_W 1180
#define LABEL_W 190
#define CELL_H 28

static double page_x(const struct map *m, size_t i, double cw)
{
	(void)m;
	return LABEL_W + (double)i * cw;
}

static long page_index(const struct map *m, uint32_t off)
{
	uint32_t p = off - off % (uint32_t)m->page;

	for (size_t i = 0; i < m->npages; i++)
		if (m->pages[i].off == p)
			return (long)i;
	return -1;
}

static void draw_view_row(FILE *out, const struct map *m, double cw, double y, unsigned view)
{
	fprintf(out, "<text x=\"8\" y=\"%.0f\" class=\"lbl\">%s view (0x%X…)</text>\n", y + 18,
		view == VIA_CACHED ? "cached" : "uncached",
		view == VIA_CACHED ? SIM_CACHED_BASE >> 28 : SIM_UNCACHED_BASE >> 28);
	for (size_t i = 0; i < m->npages; i++) {
		const struct map_page *p = &m->pages[i];
		bool granted_here = p->via & view;

		fprintf(out,
			"<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
			"stroke=\"%s\" stroke-width=\"%s\" class=\"page %s\" data-offset=\"0x%x\">"
			"<title>page 0x%08x (%s view): %s%s%s</title></rect>\n",
			page_x(m, i, cw), y, cw, CELL_H, rights_colour(p->rights),
			granted_here ? "#333" : "#fff", granted_here ? "1.5" : "1",
			(p->rights & RIGHT_W) ? "user-rw" : (p->rights & RIGHT_R) ? "user-ro" : "kernel-only",
			p->off, (view == VIA_CACHED ? SIM_CACHED_BASE : SIM_UNCACHED_BASE) + p->off,
			view == VIA_CACHED ? "cached" : "uncached", rights_name(p->rights),
			p->heap_buffer ? ", heap buffer" : "",
			granted_here ? ", granted by a partition of this view" : "");
	}
}

static void draw_obj_rect(FILE *out, const struct map_obj *o, double x, double y, double w,
			  double h)
{
	fprintf(out,
		"<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\" "
		"class=\"%s\" data-object=\"",
		x, y, w < 2.5 ? 2.5 : w, h, o->user_writable ? "#d62728" : "#3b4cc0",
		o->user_writable ? "kernel-trusted user-writable" : "kernel-trusted kernel-only");
	xml_text(out, o->name);
	fputs("\" data-type=\"", out);
	xml_text(out, o->type);
	fputs("\"><title>", out);
	xml_text(out, o->type);
	fputc(' ', out);
	xml_text(out, o->name);
	fprintf(out, ": %zu bytes at offset 0x%x — ", o->bytes, o->off);
	xml_text(out, o->detail);
	if (o->user_writable) {
		fputs(" — USER-WRITABLE via ", out);
		xml_text(out, o->via);
	}
	fputs("</title></rect>\n", out);
}

static bool obj_on_page(const struct map *m, const struct map_obj *o, uint32_t page_off)
{
	return o->off < page_off + m->page && o->off + o->bytes > page_off;
}

static size_t objs_on_page(const struct map *m, uint32_t page_off)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nobjs; i++)
		n += obj_on_page(m, &m->objs[i], page_off);
	return n;
}

/* One page at byte scale: where each kernel-trusted object sits in it. */
static double draw_zoom(FILE *out, const struct map *m, uint32_t page_off, double y)
{
	double scale = (double)(SVG_W - LABEL_W - 10) / (double)m->page;
	long pi = page_index(m, page_off);
	unsigned rights = pi >= 0 ? m->pages[pi].rights : 0;
	double ly = y + CELL_H + 16;

	fprintf(out, "<text x=\"8\" y=\"%.0f\" class=\"lbl\">page 0x%08x</text>\n", y + 18,
		SIM_CACHED_BASE + page_off);
	fprintf(out, "<text x=\"8\" y=\"%.0f\" class=\"small\">byte scale, %s</text>\n", y + 32,
		rights_name(rights));
	fprintf(out,
		"<rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#999\"/>\n",
		LABEL_W, y, SVG_W - LABEL_W - 10, CELL_H, rights_colour(rights));
	for (size_t i = 0; i < m->nobjs; i++) {
		const struct map_obj *o = &m->objs[i];
		uint32_t s = o->off, e = o->off + (uint32_t)o->bytes;

		if (!obj_on_page(m, o, page_off))
			continue;
		if (s < page_off)
			s = page_off;
		if (e > page_off + m->page)
			e = page_off + (uint32_t)m->page;
		draw_obj_rect(out, o, LABEL_W + (s - page_off) * scale, y + 4, (e - s) * scale,
			      CELL_H - 8);
		fprintf(out, "<text x=\"%.1f\" y=\"%.0f\" class=\"small\" fill=\"%s\">",
			LABEL_W + (s - page_off) * scale, ly, o->user_writable ? "#b00" : "#223");
		xml_text(out, o->type);
		fputc(' ', out);
		xml_text(out, o->name);
		fprintf(out, " +0x%x, %zu B%s</text>\n", s - page_off, o->bytes,
			o->user_writable ? " — user-writable" : "");
		ly += 13;
	}
	return ly + 8;
}

static void draw_map(FILE *out, const struct map *m)
{
	double cw = m->npages ? (double)(SVG_W - LABEL_W - 10) / (double)m->npages : 10;
	uint32_t zoom[MAP_ZOOM_PAGES];
	size_t nzoom = 0, nwritable = 0;
	double y, h;

	if (cw > 40)
		cw = 40;
	/* pages worth a close look: those holding kernel-trusted objects */
	for (size_t i = 0; i < m->nobjs; i++) {
		uint32_t p = m->objs[i].off - m->objs[i].off % (uint32_t)m->page;
		size_t k = 0;

		nwritable += m->objs[i].user_writable;
		while (k < nzoom && zoom[k] != p)
			k++;
		if (k == nzoom && nzoom < MAP_ZOOM_PAGES)
			zoom[nzoom++] = p;
	}
	h = 68 + 2 * (CELL_H + 6) + 34 + 31 + 30;
	for (size_t z = 0; z < nzoom; z++)
		h += CELL_H + 24 + 13.0 * (double)objs_on_page(m, zoom[z]);
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" class=\"memory-map\" data-layout=\"%s\" "
		"data-user-writable=\"%zu\" role=\"img\">\n",
		SVG_W, h, SVG_W, h, m->layout->name, nwritable);
	fprintf(out, "<title>memory map of layout %s</title>\n", m->layout->name);
	fputs("<style>.lbl{font:13px sans-serif;fill:#222}.small{font:11px sans-serif}"
	      ".head{font:bold 15px sans-serif}</style>\n"
	      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n",
	      out);
	fprintf(out, "<text x=\"8\" y=\"20\" class=\"head\">%s — %s</text>\n", m->layout->name,
		m->layout->vulnerable ? "vulnerable by design" : "safe");
	fputs("<text x=\"8\" y=\"38\" class=\"small\">", out);
	xml_text(out, m->layout->description);
	fputs("</text>\n", out);
	fprintf(out,
		"<text x=\"8\" y=\"56\" class=\"small\">%zu pages drawn%s (heap buffer 0x%08x, %zu "
		"bytes); colour: the user domain's rights; dark border: granted by a partition of that "
		"view</text>\n",
		m->npages, m->pages_left_out ? " (more not drawn)" : "", SIM_CACHED_BASE + m->buf_off,
		m->buf_bytes);
	y = 68;
	draw_view_row(out, m, cw, y, VIA_CACHED);
	draw_view_row(out, m, cw, y + CELL_H + 6, VIA_UNCACHED);
	y += 2 * (CELL_H + 6);
	fprintf(out, "<text x=\"8\" y=\"%.0f\" class=\"lbl\">kernel-trusted objects</text>\n",
		y + 16);
	for (size_t i = 0; i < m->nobjs; i++) {
		const struct map_obj *o = &m->objs[i];
		long pi = page_index(m, o->off);

		if (pi < 0)
			continue;
		draw_obj_rect(out, o,
			      page_x(m, (size_t)pi, cw) + (double)(o->off % m->page) * cw / (double)m->page,
			      y + 2, (double)o->bytes * cw / (double)m->page, 20);
	}
	y += 34;
	/* where each run of contiguous pages starts (a label that would run into
	 * the previous one goes a line lower) */
	{
		double free_x[2] = { 0, 0 };

		for (size_t i = 0; i < m->npages; i++) {
			double x = page_x(m, i, cw);
			int row;

			if (i && m->pages[i].off == m->pages[i - 1].off + m->page)
				continue;
			row = x >= free_x[0] ? 0 : 1;
			fprintf(out, "<text x=\"%.1f\" y=\"%.0f\" class=\"small\">0x%08x%s</text>\n", x,
				y + 13.0 * row, SIM_CACHED_BASE + m->pages[i].off,
				m->pages[i].heap_buffer ? " (heap buffer)" : "");
			free_x[row] = x + 6.5 * (m->pages[i].heap_buffer ? 24 : 11);
		}
	}
	y += 31;
	for (size_t z = 0; z < nzoom; z++)
		y = draw_zoom(out, m, zoom[z], y);
	fprintf(out,
		"<g class=\"small\" transform=\"translate(8,%.0f)\">"
		"<rect width=\"12\" height=\"12\" fill=\"#e4e4e4\"/><text x=\"16\" y=\"10\">kernel-only</text>"
		"<rect x=\"110\" width=\"12\" height=\"12\" fill=\"#9ecae1\"/><text x=\"126\" y=\"10\">user RO</text>"
		"<rect x=\"200\" width=\"12\" height=\"12\" fill=\"#fdae6b\"/><text x=\"216\" y=\"10\">user RW</text>"
		"<rect x=\"290\" width=\"12\" height=\"12\" fill=\"#3b4cc0\"/><text x=\"306\" y=\"10\">kernel-trusted, kernel-only</text>"
		"<rect x=\"490\" width=\"12\" height=\"12\" fill=\"#d62728\"/><text x=\"506\" y=\"10\">kernel-trusted, USER-WRITABLE</text>"
		"</g>\n</svg>\n",
		y + 4);
}

int report_map_svg(const char *layout, FILE *out)
{
	struct ll_env *env;
	struct map *m = malloc(sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	err = map_collect(layout, m, &env);
	if (!err) {
		draw_map(out, m);
		ll_env_destroy(env);
	}
	free(m);
	return err;
}

/* ======================================================================== */
/* index.html                                                                */
/* ======================================================================== */

static const char *verdict_colour(const char *v)
{
	static const struct {
		const char *v, *bg;
	} c[] = {
		{ "exploitable", "#d62728" }, { "corrupted", "#ff7f0e" }, { "detected", "#ffdd57" },
		{ "blocked", "#2ca02c" },     { "harmless", "#98df8a" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (v && !strcmp(v, c[i].v))
			return c[i].bg;
	return "#bbbbbb";
}

static bool in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* Distinct values of one cell field, in first-seen order. */
static size_t distinct(const struct report_input *in, size_t field, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < in->ncells; i++) {
		const struct report_cell *c = &in->cells[i];
		const char *v = field == 0 ? c->technique : field == 1 ? c->layout
			      : field == 2 ? (c->profile ? c->profile : "")
					   : c->hardening;

		if (!in_list(out, n, v))
			out[n++] = v;
	}
	return n;
}

static const struct report_cell *find_cell(const struct report_input *in, const char *t,
					   const char *l, const char *p, const char *h)
{
	for (size_t i = 0; i < in->ncells; i++) {
		const struct report_cell *c = &in->cells[i];

		if (!strcmp(c->technique, t) && !strcmp(c->layout, l) &&
		    !strcmp(c->profile ? c->profile : "", p) && !strcmp(c->hardening, h))
			return c;
	}
	return NULL;
}

static void write_matrix(FILE *out, const struct report_input *in)
{
	const char **tech, **lay, **prof, **hard;
	size_t nt, nl, np, nh;

	fputs("<h2 id=\"matrix\">Attack catalogue: verdict matrix</h2>\n", out);
	if (!in->ncells) {
		fputs("<p>Not run for this report.</p>\n", out);
		return;
	}
	tech = calloc(in->ncells, sizeof(*tech));
	lay = calloc(in->ncells, sizeof(*lay));
	prof = calloc(in->ncells, sizeof(*prof));
	hard = calloc(in->ncells, sizeof(*hard));
	if (!tech || !lay || !prof || !hard)
		goto done;
	nt = distinct(in, 0, tech);
	nl = distinct(in, 1, lay);
	np = distinct(in, 2, prof);
	nh = distinct(in, 3, hard);
	fputs("<p>Rows: techniques (<code>tests/scenarios</code>); columns: layout × profile × "
	      "hardening. <span class=\"key\" style=\"background:#d62728;color:#fff\">exploitable</span>"
	      " <span class=\"key\" style=\"background:#ff7f0e\">corrupted</span>"
	      " <span class=\"key\" style=\"background:#ffdd57\">detected</span>"
	      " <span class=\"key\" style=\"background:#2ca02c;color:#fff\">blocked</span>"
	      " <span class=\"key\" style=\"background:#98df8a\">harmless</span></p>\n"
	      "<div class=\"scroll\"><table class=\"matrix\">\n<tr><th rowspan=\"3\">technique</th>",
	      out);
	for (size_t l = 0; l < nl; l++) {
		fprintf(out, "<th colspan=\"%zu\">", np * nh);
		xml_text(out, lay[l]);
		fputs("</th>", out);
	}
	fputs("</tr>\n<tr>", out);
	for (size_t l = 0; l < nl; l++)
		for (size_t p = 0; p < np; p++) {
			fprintf(out, "<th colspan=\"%zu\">", nh);
			xml_text(out, *prof[p] ? prof[p] : "—");
			fputs("</th>", out);
		}
	fputs("</tr>\n<tr>", out);
	for (size_t l = 0; l < nl * np; l++)
		for (size_t h = 0; h < nh; h++) {
			fputs("<th class=\"h\">", out);
			xml_text(out, hard[h]);
			fputs("</th>", out);
		}
	fputs("</tr>\n", out);
	for (size_t t = 0; t < nt; t++) {
		fputs("<tr><th class=\"t\">", out);
		xml_text(out, tech[t]);
		fputs("</th>", out);
		for (size_t l = 0; l < nl; l++)
			for (size_t p = 0; p < np; p++)
				for (size_t h = 0; h < nh; h++) {
					const struct report_cell *c =
						find_cell(in, tech[t], lay[l], prof[p], hard[h]);

					if (!c) {
						fputs("<td class=\"na\"></td>", out);
						continue;
					}
					fprintf(out, "<td style=\"background:%s\" class=\"v-%s\" title=\"",
						verdict_colour(c->verdict), c->verdict);
					xml_text(out, c->technique);
					fputs(" on ", out);
					xml_text(out, c->layout);
					fputs(", hardening ", out);
					xml_text(out, c->hardening);
					fputs(": ", out);
					xml_text(out, c->verdict);
					if (c->by && *c->by) {
						fputs(" (", out);
						xml_text(out, c->by);
						fputc(')', out);
					}
					fputs("\">", out);
					/* one letter keeps the table narrow; the title has the rest */
					fputc(c->verdict[0] ? c->verdict[0] - 'a' + 'A' : '?', out);
					fputs("</td>", out);
				}
		fputs("</tr>\n", out);
	}
	fputs("</table></div>\n", out);
done:
	free(tech);
	free(lay);
	free(prof);
	free(hard);
}

static void hex_row(FILE *out, const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fprintf(out, "%s%02x", i ? " " : "", b[i]);
}

/* The user's numbered steps from the trace ("  3. sof_heap_free(...)") and
 * what the kernel did under them ("     -> ...", "     finding: ..."). */
static void write_trace_steps(FILE *out, const char *trace)
{
	const char *p = trace;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *s = p;
		char *line;

		while (s < p + len && *s == ' ')
			s++;
		line = strndup(s, len - (size_t)(s - p));
		if (line && line[0] >= '0' && line[0] <= '9' && strchr(line, '.')) {
			fputs("<li class=\"user\"><span class=\"tag\">user</span> ", out);
			xml_text(out, line);
			fputs("</li>\n", out);
		} else if (line && (!strncmp(line, "->", 2) || !strncmp(line, "finding:", 8) ||
				    !strncmp(line, "oops:", 5))) {
			fputs("<li class=\"kernel\"><span class=\"tag\">kernel</span> ", out);
			xml_text(out, line);
			fputs("</li>\n", out);
		}
		free(line);
		p = nl ? nl + 1 : NULL;
	}
}

static void write_findings(FILE *out, const struct report_input *in)
{
	fputs("<h2 id=\"findings\">Findings</h2>\n", out);
	if (!in->nfindings) {
		fputs("<p>No finding in this report.</p>\n", out);
		return;
	}
	for (size_t i = 0; i < in->nfindings; i++) {
		const struct report_finding *f = &in->findings[i];

		fprintf(out, "<section class=\"finding\" id=\"finding-%zu\"><h3>", i + 1);
		xml_text(out, f->title);
		fprintf(out, "</h3><p>%s</p>\n<ol class=\"timeline\">\n",
			f->by_design ? "known by design on this layout" : "<b>not expected on this layout</b>");
		write_trace_steps(out, f->trace);
		fputs("<li class=\"kernel\"><span class=\"tag\">kernel path</span> ", out);
		xml_text(out, f->kernel_path);
		fputs("</li>\n", out);
		if (f->nbytes) {
			fputs("<li class=\"bytes\"><span class=\"tag\">bytes changed</span> ", out);
			xml_text(out, f->where);
			fputs("<table class=\"bytes\"><tr><th>before</th><td><code>", out);
			hex_row(out, f->old_bytes, f->nbytes);
			fputs("</code></td></tr><tr><th>after</th><td><code>", out);
			hex_row(out, f->new_bytes, f->nbytes);
			fputs("</code></td></tr></table></li>\n", out);
		} else if (f->where && *f->where) {
			fputs("<li class=\"bytes\"><span class=\"tag\">where</span> ", out);
			xml_text(out, f->where);
			fputs("</li>\n", out);
		}
		fputs("</ol>\n", out);
		if (f->replay) {
			fputs("<p>Reproduce: <code>", out);
			xml_text(out, f->replay);
			fputs("</code></p>\n", out);
		}
		fputs("</section>\n", out);
	}
}

static const char css[] =
	"body{font:14px/1.45 sans-serif;margin:24px;color:#222;max-width:1240px}"
	"h1{font-size:22px}h2{margin-top:32px;border-bottom:1px solid #ccc}"
	"code{background:#f3f3f3;padding:1px 3px}.scroll{overflow-x:auto}"
	"table.matrix{border-collapse:collapse;font-size:11px}"
	"table.matrix td,table.matrix th{border:1px solid #fff;padding:2px 4px;text-align:center}"
	"table.matrix th.t{text-align:left;white-space:nowrap}table.matrix td{min-width:14px}"
	"table.matrix th.h{writing-mode:vertical-rl;font-weight:normal}"
	".key{padding:1px 6px;border-radius:3px}"
	"table.objs{border-collapse:collapse}table.objs td,table.objs th{border:1px solid #ddd;padding:2px 6px}"
	"tr.exposed td{background:#fde0e0}"
	"ol.timeline{list-style:none;padding-left:0;border-left:3px solid #ccc;margin-left:8px}"
	"ol.timeline li{margin:6px 0 6px 12px}"
	".tag{display:inline-block;min-width:90px;font-size:11px;font-weight:bold;padding:1px 6px;"
	"border-radius:3px;margin-right:6px}"
	".user .tag{background:#fdae6b}.kernel .tag{background:#3b4cc0;color:#fff}"
	".bytes .tag{background:#d62728;color:#fff}table.bytes{margin-top:4px}"
	"table.bytes th{text-align:left;padding-right:8px}";

static void write_layout_section(FILE *out, const struct map *m, const char *svg)
{
	fprintf(out, "<section class=\"layout\" id=\"layout-%s\"><h2>Layout %s</h2>\n",
		m->layout->name, m->layout->name);
	fputs("<p>", out);
	xml_text(out, m->layout->description);
	fprintf(out, " — <b>%s</b>. Map as a file: <a href=\"map-%s.svg\">map-%s.svg</a>.</p>\n",
		m->layout->vulnerable ? "vulnerable by design" : "safe", m->layout->name,
		m->layout->name);
	fputs(svg, out);
	fputs("<table class=\"objs\"><tr><th>kernel-trusted</th><th>offset</th><th>bytes</th>"
	      "<th>user can write it?</th><th>what</th></tr>\n",
	      out);
	for (size_t i = 0; i < m->nobjs; i++) {
		const struct map_obj *o = &m->objs[i];

		fprintf(out, "<tr class=\"%s\"><td>", o->user_writable ? "exposed" : "");
		xml_text(out, o->type);
		fputc(' ', out);
		xml_text(out, o->name);
		fprintf(out, "</td><td><code>0x%08x</code></td><td>%zu</td><td>", SIM_CACHED_BASE + o->off,
			o->bytes);
		if (o->user_writable) {
			fputs("<b>yes</b>, via ", out);
			xml_text(out, o->via);
		} else {
			fputs("no", out);
		}
		fputs("</td><td>", out);
		xml_text(out, o->detail);
		fputs("</td></tr>\n", out);
	}
	fputs("</table></section>\n", out);
}

/* ---- writing the directory: everything in a scratch directory first ---- */

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fwrite(data, 1, len, f) != len)
		err = -EIO;
	if (fclose(f) != 0 && !err)
		err = -errno;
	return err;
}

static void remove_scratch(const char *tmp, const struct report_input *in)
{
	char path[4200];

	for (size_t i = 0; i < in->nlayouts; i++) {
		snprintf(path, sizeof(path), "%s/map-%s.svg", tmp, in->layouts[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/index.html", tmp);
	unlink(path);
	rmdir(tmp);
}

int report_write(const char *dir, const struct report_input *in, char *err, size_t errlen)
{
	char tmp[4096], path[4200], dst[4200];
	char *html = NULL;
	size_t html_len = 0;
	FILE *page;
	struct map *m = malloc(sizeof(*m));
	int rc = -1, e;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!out_check_dir(dir, err, errlen))
		goto out;
	if ((e = out_make_dir(dir)) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(-e));
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s/.report-tmp-%ld", dir, (long)getpid());
	if (mkdir(tmp, 0777) != 0) {
		snprintf(err, errlen, "cannot write in %s: %s", dir, strerror(errno));
		goto out;
	}
	page = open_memstream(&html, &html_len);
	if (!page) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	fprintf(page, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<title>heapsim report</title><style>%s</style></head><body>\n"
		      "<h1>heapsim report: can a user thread corrupt kernel heap state?</h1>\n<p>",
		css);
	xml_text(page, in->generated_by ? in->generated_by : "heapsim report");
	fputs(" — heapsim " HEAPSIM_VERSION ". Sections: ", page);
	for (size_t i = 0; i < in->nlayouts; i++) {
		fprintf(page, "<a href=\"#layout-%s\">%s</a>, ", in->layouts[i], in->layouts[i]);
	}
	fputs("<a href=\"#matrix\">verdict matrix</a>, <a href=\"#findings\">findings</a>.</p>\n",
	      page);
	fputs("<p>Each memory map shows the pages that hold the LL heap buffer and the kernel-"
	      "trusted objects, through both views of the memory (cached and uncached alias), "
	      "coloured by what the user domain may do there. Kernel-trusted bytes a user thread "
	      "can write are red.</p>\n",
	      page);
	for (size_t i = 0; i < in->nlayouts; i++) {
		struct ll_env *env;
		char *svg = NULL;
		size_t svg_len = 0;
		FILE *s;

		e = map_collect(in->layouts[i], m, &env);
		if (e) {
			snprintf(err, errlen, "cannot build layout %s: %s", in->layouts[i], strerror(-e));
			fclose(page);
			goto fail;
		}
		s = open_memstream(&svg, &svg_len);
		if (!s) {
			ll_env_destroy(env);
			fclose(page);
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		draw_map(s, m);
		fclose(s);
		ll_env_destroy(env);
		snprintf(path, sizeof(path), "%s/map-%s.svg", tmp, in->layouts[i]);
		e = write_file(path, svg, svg_len);
		if (!e)
			write_layout_section(page, m, svg);
		free(svg);
		if (e) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(-e));
			fclose(page);
			goto fail;
		}
	}
	write_matrix(page, in);
	write_findings(page, in);
	fputs("</body></html>\n", page);
	if (fclose(page) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/index.html", tmp);
	if ((e = write_file(path, html, html_len)) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(-e));
		goto fail;
	}
	/* Move into place, index.html last: the report appears only when whole
	 * (an older index.html goes first, so a failure leaves no stale one). */
	snprintf(dst, sizeof(dst), "%s/index.html", dir);
	unlink(dst);
	for (size_t i = 0; i < in->nlayouts; i++) {
		snprintf(path, sizeof(path), "%s/map-%s.svg", tmp, in->layouts[i]);
		snprintf(dst, sizeof(dst), "%s/map-%s.svg", dir, in->layouts[i]);
		if (rename(path, dst) != 0) {
			snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
			goto fail;
		}
	}
	snprintf(path, sizeof(path), "%s/index.html", tmp);
	snprintf(dst, sizeof(dst), "%s/index.html", dir);
	if (rename(path, dst) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
		goto fail;
	}
	rc = 0;
fail:
	remove_scratch(tmp, in);
out:
	free(html);
	free(m);
	return rc;
}
