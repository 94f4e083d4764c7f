/*
 * heapsim report --out DIR [--findings DIR] [--scenarios DIR] [--no-matrix]
 *
 * The static HTML report for reviewers: a memory map per layout drawn from
 * the audit, the attack catalogue's verdict matrix as a colour table, and
 * findings as step timelines — the known-by-design fuzzer findings kept in
 * fuzz/regressions/TARGET/known, and every crash (with its finding record)
 * under --findings DIR (what `heapsim verdict --out DIR` or nightly-fuzz
 * saved). Exit 0 written, 2 usage, bad output directory or a failed write
 * (then nothing under DIR claims to be a report).
 *
 * Also here: the bridges from a fuzz finding to a SARIF result and to a
 * report timeline, shared by verdict, replay and run.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "heapsim.h"
#include "outputs.h"

#ifndef HEAPSIM_SOURCE_DIR
#define HEAPSIM_SOURCE_DIR "."
#endif

/* ---- fuzz finding → SARIF result ---- */

static bool is_escape(enum sim_finding_kind k)
{
	return k == SIM_FINDING_KERNEL_FAULT || k == SIM_FINDING_CONFINEMENT || k == SIM_FINDING_KOBJ_CHANGED ||
	       k == SIM_FINDING_HANG;
}

void out_finding_sarif(struct sarif_log *s, const struct atk_finding *f, const char *replay)
{
	char msg[512], needle[80], path[160];
	struct sarif_result r = { 0 };

	snprintf(msg, sizeof(msg), "%s in %s on layout %s (hardening %s)%s: %s.",
		 sim_finding_kind_long_name(f->kind), f->target, f->layout[0] ? f->layout : "chosen by the input",
		 f->hardening[0] ? f->hardening : "chosen by the input",
		 f->by_design ? ", known by design on this layout" : "", f->message);
	/* the kernel code the finding went through: its syscall, else the layout's setup */
	if (f->syscall[0]) {
		snprintf(needle, sizeof(needle), "\"%s\"", f->syscall);
		snprintf(path, sizeof(path), "%s", f->syscall);
	} else {
		snprintf(needle, sizeof(needle), "\"%s\"", f->layout);
		snprintf(path, sizeof(path), "%s%s%s", f->object[0] ? f->object : "layout setup",
			 f->field[0] ? "." : "", f->field);
	}
	r.rule = sim_finding_kind_long_name(f->kind);
	/* escapes are errors unless the layout declares them; caught corruption is a note */
	r.level = f->kind == SIM_FINDING_HEAP_CHECK ? "note"
		  : f->by_design		? "warning"
		  : is_escape(f->kind) || f->kind >= SIM_FINDING_MODEL_MISMATCH ? "error"
								: "warning";
	r.message = msg;
	r.layout = f->layout;
	r.hardening = f->hardening[0] ? f->hardening : NULL;
	r.kernel_path = path;
	r.source_needle = needle;
	r.replay = replay;
	r.fingerprint = f->input_sha1[0] ? f->input_sha1 : NULL;
	r.by_design = f->by_design;
	sarif_add(s, &r);
}

void out_finding_json(FILE *out, const struct atk_finding *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m) {
		fputs("null", out);
		return;
	}
	atk_finding_json(f, m);
	fclose(m);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	fputs(len ? text : "null", out);
	free(text);
}

/* Escaping, corrupting and unexpected catalogue verdicts as SARIF results,
 * located at the scenario file (the attack a reviewer reads and reruns). */
void out_catalogue_sarif(struct sarif_log *s, const char *dir,
			 const struct heapsim_catalogue *cat)
{
	size_t nl = ll_layout_count();
	char cat_dir[PATH_MAX];

	/* locations are relative to the source root: resolve a relative DIR first */
	if (!realpath(dir, cat_dir))
		snprintf(cat_dir, sizeof(cat_dir), "%s", dir);
	char msg[640], file[PATH_MAX + 80], replay[PATH_MAX + 200], fp[200];

	for (size_t i = 0; i < cat->n; i++)
		for (size_t l = 0; l < nl; l++)
			for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++) {
				const struct heapsim_cell *c = heapsim_cell_at(&cat->rows[i], l, h);
				const struct ll_layout *lay = ll_layout_at(l);
				const char *hard = sys_heap_hardening_name(h);
				struct sarif_result r = { 0 };
				bool bad = c->v.cls == ATK_V_EXPLOITABLE || c->v.cls == ATK_V_CORRUPTED;

				if (!c->ran || (!bad && c->match))
					continue;
				snprintf(file, sizeof(file), "%s/%s.scn", cat_dir, cat->rows[i].name);
				snprintf(replay, sizeof(replay), "heapsim run %s --layout %s --hardening %s",
					 out_source_relative(file) ? out_source_relative(file) : file,
					 lay->name, hard);
				snprintf(msg, sizeof(msg), "Scenario %s on layout %s, hardening %s: %s%s%s — %s%s",
					 cat->rows[i].name, lay->name, hard,
					 atk_verdict_class_name(c->v.cls), c->v.by[0] ? ":" : "", c->v.by,
					 c->v.detail, c->match ? "." : " (not what the scenario file expects).");
				snprintf(fp, sizeof(fp), "%s/%s/%s", cat->rows[i].name, lay->name, hard);
				r.rule = !c->match ? "scenario-unexpected"
					 : c->v.cls == ATK_V_EXPLOITABLE ? "scenario-exploitable"
									  : "scenario-corrupted";
				r.level = !c->match || !lay->vulnerable ? "error" : "warning";
				r.message = msg;
				r.layout = lay->name;
				r.hardening = hard;
				r.file = out_source_relative(file);
				r.replay = replay;
				r.fingerprint = fp;
				r.by_design = lay->vulnerable && c->match;
				sarif_add(s, &r);
			}
}

/* One JSON object per catalogue cell that ran. */
void out_catalogue_json(FILE *out, const struct heapsim_catalogue *cat)
{
	size_t nl = ll_layout_count();
	bool first = true;

	fputs(",\"cells\":[", out);
	for (size_t i = 0; i < cat->n; i++)
		for (size_t l = 0; l < nl; l++)
			for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++) {
				const struct heapsim_cell *c = heapsim_cell_at(&cat->rows[i], l, h);

				if (!c->ran)
					continue;
				fputs(first ? "{\"technique\":" : ",{\"technique\":", out);
				first = false;
				cli_json_string(out, cat->rows[i].name);
				fputs(",\"layout\":", out);
				cli_json_string(out, ll_layout_at(l)->name);
				fprintf(out, ",\"profile\":null,\"hardening\":\"%s\",\"verdict\":\"%s\",\"by\":",
					sys_heap_hardening_name(h), atk_verdict_class_name(c->v.cls));
				cli_json_string(out, c->v.by);
				fputs(",\"expected\":", out);
				if (c->has_expect)
					cli_json_string(out, c->expect);
				else
					fputs("null", out);
				fprintf(out, ",\"as_expected\":%s}", c->match ? "true" : "false");
			}
	fputs("],\"per_layout\":[", out);
	for (size_t l = 0; l < nl; l++) {
		unsigned cnt[ATK_V_ERROR + 1] = { 0 };

		for (size_t i = 0; i < cat->n; i++)
			for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++)
				if (heapsim_cell_at(&cat->rows[i], l, h)->ran)
					cnt[heapsim_cell_at(&cat->rows[i], l, h)->v.cls]++;
		fprintf(out, "%s{\"layout\":", l ? "," : "");
		cli_json_string(out, ll_layout_at(l)->name);
		fprintf(out, ",\"exploitable\":%u,\"corrupted\":%u,\"detected\":%u,\"blocked\":%u,"
			     "\"harmless\":%u,\"error\":%u}",
			cnt[ATK_V_EXPLOITABLE], cnt[ATK_V_CORRUPTED], cnt[ATK_V_DETECTED],
			cnt[ATK_V_BLOCKED], cnt[ATK_V_HARMLESS], cnt[ATK_V_ERROR]);
	}
	fprintf(out, "],\"unexpected\":%u", cat->mismatches);
}

/* ---- the catalogue as matrix cells ---- */

struct cells {
	struct report_cell *v;
	size_t n;
	char (*by)[64];
};

static int catalogue_cells(const struct heapsim_catalogue *c, struct cells *out)
{
	size_t nl = ll_layout_count();
	size_t cap = c->n * nl * SYS_HEAP_HARDENING_LEVELS;

	memset(out, 0, sizeof(*out));
	out->v = calloc(cap ? cap : 1, sizeof(*out->v));
	out->by = calloc(cap ? cap : 1, sizeof(*out->by));
	if (!out->v || !out->by)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		for (size_t l = 0; l < nl; l++)
			for (int h = 0; h < SYS_HEAP_HARDENING_LEVELS; h++) {
				const struct heapsim_cell *hc = heapsim_cell_at(&c->rows[i], l, h);
				struct report_cell *cell = &out->v[out->n];

				if (!hc->ran)
					continue;
				snprintf(out->by[out->n], sizeof(out->by[0]), "%s", hc->v.by);
				cell->technique = c->rows[i].name;
				cell->layout = ll_layout_at(l)->name;
				cell->profile = NULL;
				cell->hardening = sys_heap_hardening_name(h);
				cell->verdict = atk_verdict_class_name(hc->v.cls);
				cell->by = out->by[out->n];
				out->n++;
			}
	return 0;
}

/* ---- findings as timelines ---- */

struct timeline {
	struct atk_finding f;
	char *trace;
	char title[160], kernel_path[160], where[200], replay[1200];
};

struct timelines {
	struct timeline *v;
	size_t n, cap;
};

/* Re-runs the input with a trace and keeps what the timeline shows. */
static void add_timeline(struct timelines *tl, const char *input, const char *target,
			 const char *layout, bool escape_only)
{
	const struct fuzz_target *t = fuzz_target_find(target);
	struct fuzz_result res;
	struct fuzz_opts o;
	struct timeline *e;
	size_t len, tlen = 0;
	uint8_t *data;
	FILE *trace;

	if (!t || (layout[0] && !ll_layout_find(layout)))
		return;
	data = cli_read_file(input, HEAPSIM_INPUT_MAX, &len);
	if (!data)
		return;
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? 2 * tl->cap : 8;
		struct timeline *v = realloc(tl->v, cap * sizeof(*v));

		if (!v) {
			free(data);
			return;
		}
		tl->v = v;
		tl->cap = cap;
	}
	e = &tl->v[tl->n];
	memset(e, 0, sizeof(*e));
	fuzz_opts_default(&o);
	o.layout = layout[0] ? layout : NULL;
	o.escape_only = escape_only;
	trace = open_memstream(&e->trace, &tlen);
	o.trace = trace;
	fuzz_run(t, data, len, &o, &res);
	if (trace)
		fclose(trace);
	free(data);
	if (!res.found) {
		free(e->trace);
		return;
	}
	e->f = res.finding;
	snprintf(e->title, sizeof(e->title), "%s in %s on %s", sim_finding_kind_long_name(e->f.kind), t->name,
		 e->f.layout);
	snprintf(e->kernel_path, sizeof(e->kernel_path), "%s%s%s",
		 e->f.syscall[0] ? "syscall " : "", e->f.syscall[0] ? e->f.syscall : "",
		 e->f.syscall[0] ? "" : "outside a syscall");
	snprintf(e->where, sizeof(e->where), "%s %s%s%s +0x%zx", e->f.object_type, e->f.object,
		 e->f.field[0] ? " field " : "", e->f.field, e->f.offset);
	/* inputs in the source tree are named as a reviewer at its root types them */
	if (!strncmp(input, HEAPSIM_SOURCE_DIR "/", strlen(HEAPSIM_SOURCE_DIR "/")))
		input += strlen(HEAPSIM_SOURCE_DIR "/");
	snprintf(e->replay, sizeof(e->replay), "heapsim replay %s --target %s --layout %s", input,
		 t->name, e->f.layout);
	tl->n++;
}

/* DIR/TARGET/known/LAYOUT.what: the findings kept as regressions. */
static void known_findings(struct timelines *tl, const char *regdir)
{
	for (size_t i = 0; i < fuzz_ntargets; i++) {
		char dir[1024];
		struct dirent **names;
		int n;

		snprintf(dir, sizeof(dir), "%s/%s/known", regdir, fuzz_targets[i].name);
		n = scandir(dir, &names, NULL, alphasort);
		for (int k = 0; k < n; k++) {
			char path[1300], layout[64];
			const char *dot = strchr(names[k]->d_name, '.');

			if (names[k]->d_name[0] != '.' && dot) {
				snprintf(layout, sizeof(layout), "%.*s", (int)(dot - names[k]->d_name),
					 names[k]->d_name);
				snprintf(path, sizeof(path), "%s/%s", dir, names[k]->d_name);
				add_timeline(tl, path, fuzz_targets[i].name, layout, false);
			}
			free(names[k]);
		}
		if (n >= 0)
			free(names);
	}
}

/* Every crash-SHA1 under dir (any depth) with its finding-SHA1.json record. */
static void saved_findings(struct timelines *tl, const char *dir, int depth)
{
	struct dirent **names;
	int n = depth > 6 ? -1 : scandir(dir, &names, NULL, alphasort);

	for (int k = 0; k < n; k++) {
		const char *name = names[k]->d_name;
		char path[2048];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (name[0] != '.' && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				saved_findings(tl, path, depth + 1);
			} else if (!strncmp(name, "crash-", 6)) {
				struct cli_record rec = { 0 };
				uint8_t *data;
				size_t len;

				data = cli_read_file(path, HEAPSIM_INPUT_MAX, &len);
				/* an unreadable record leaves the crash off the timelines */
				if (data && !cli_record_read("report", path, data, len, &rec))
					rec.target[0] = '\0';
				free(data);
				/* a vulnerable layout's run looked for escapes only */
				if (rec.target[0])
					add_timeline(tl, path, rec.target, rec.layout,
						     ll_layout_find(rec.layout) &&
							     ll_layout_find(rec.layout)->vulnerable);
			}
		}
		free(names[k]);
	}
	if (n >= 0)
		free(names);
}

static void help(FILE *out)
{
	fprintf(out,
		"usage: heapsim report --out DIR [--findings DIR] [--scenarios DIR] [--no-matrix]\n\n"
		"Writes a static HTML report (DIR/index.html, DIR/map-LAYOUT.svg): a memory map of\n"
		"every layout (pages in both views, the user domain's rights, kernel-trusted\n"
		"objects, the bytes of them a user thread can write), the attack catalogue as a\n"
		"colour table, and each finding as a timeline.\n"
		"  --out DIR        where the report goes (created; its parent must exist)\n"
		"  --findings DIR   also the crashes saved there (heapsim verdict --out DIR,\n"
		"                   nightly-fuzz runs), each with its finding record\n"
		"  --scenarios DIR  the catalogue (default the source tree's tests/scenarios)\n"
		"  --no-matrix      skip the catalogue (faster)\n"
		"exit codes: 0 written, 2 usage error, unusable output directory or a failed write\n");
}

int heapsim_cmd_report(int argc, char **argv)
{
	const char *out = NULL, *findings = NULL, *cat_dir = HEAPSIM_SOURCE_DIR "/attack/scenarios", *v;
	const char **layouts = NULL;
	struct report_finding *rf = NULL;
	struct heapsim_catalogue cat = { 0 };
	struct timelines tl = { 0 };
	struct report_input in = { 0 };
	struct cells cells = { 0 };
	bool matrix = true;
	char err[512], cmdline[1024] = "heapsim report";
	int rc = HEAPSIM_EXIT_USAGE;

	static const struct option opts[] = { { "out", required_argument, NULL, 'o' },
					      { "findings", required_argument, NULL, 'f' },
					      { "scenarios", required_argument, NULL, 'c' },
					      { "no-matrix", no_argument, NULL, 'n' },
					      { 0 } };
	struct cli_parser p;
	int c;

	cli_parser_init(&p, "report", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		switch (c) {
		case CLI_HELP:
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		case 'o': out = v; break;
		case 'f': findings = v; break;
		case 'c': cat_dir = v; break;
		case 'n': matrix = false; break;
		case CLI_OPERAND:
			cli_unexpected(&p, v);
			/* fall through */
		default:
			help(stderr);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (!out) {
		fprintf(stderr, "heapsim report: --out DIR is required\n");
		return HEAPSIM_EXIT_USAGE;
	}
	/* bad output before any work */
	if (!out_check_dir(out, err, sizeof(err))) {
		fprintf(stderr, "heapsim report: %s\n", err);
		return HEAPSIM_EXIT_USAGE;
	}
	if (findings) {
		struct stat st;

		if (stat(findings, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "heapsim report: --findings %s: not a directory\n", findings);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	for (int i = 1; i < argc; i++)
		snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), " %s", argv[i]);

	in.nlayouts = ll_layout_count();
	layouts = calloc(in.nlayouts ? in.nlayouts : 1, sizeof(*layouts));
	if (!layouts) {
		fprintf(stderr, "heapsim report: out of memory\n");
		return HEAPSIM_EXIT_USAGE;
	}
	for (size_t l = 0; l < in.nlayouts; l++)
		layouts[l] = ll_layout_at(l)->name;
	in.layouts = layouts;
	if (matrix) {
		fprintf(stderr, "heapsim report: running the attack catalogue (%s)\n", cat_dir);
		if (heapsim_catalogue_run(cat_dir, NULL, &cat, NULL) < 0 || !cat.n) {
			fprintf(stderr, "heapsim report: the catalogue in %s did not load\n", cat_dir);
			goto done;
		}
		if (catalogue_cells(&cat, &cells)) {
			fprintf(stderr, "heapsim report: out of memory\n");
			goto done;
		}
		in.cells = cells.v;
		in.ncells = cells.n;
	}
	known_findings(&tl, HEAPSIM_SOURCE_DIR "/fuzz/regressions");
	if (findings)
		saved_findings(&tl, findings, 0);
	rf = calloc(tl.n ? tl.n : 1, sizeof(*rf));
	if (!rf) {
		fprintf(stderr, "heapsim report: out of memory\n");
		goto done;
	}
	for (size_t i = 0; i < tl.n; i++) {
		const struct timeline *t = &tl.v[i];

		rf[i] = (struct report_finding){
			.title = t->title, .layout = t->f.layout, .kind = sim_finding_kind_long_name(t->f.kind),
			.trace = t->trace, .kernel_path = t->kernel_path, .where = t->where,
			.old_bytes = t->f.old_bytes, .new_bytes = t->f.new_bytes,
			.nbytes = t->f.nbytes < ATK_FINDING_BYTES ? t->f.nbytes : ATK_FINDING_BYTES,
			.replay = t->replay, .by_design = t->f.by_design,
		};
	}
	in.findings = rf;
	in.nfindings = tl.n;
	in.generated_by = cmdline;
	if (report_write(out, &in, err, sizeof(err))) {
		fprintf(stderr, "heapsim report: %s\n", err);
		goto done;
	}
	printf("report: %s/index.html (%zu layout maps, %zu matrix cells, %zu findings)\n", out,
	       in.nlayouts, in.ncells, in.nfindings);
	rc = HEAPSIM_EXIT_CLEAN;
done:
	for (size_t i = 0; i < tl.n; i++)
		free(tl.v[i].trace);
	free(tl.v);
	free(rf);
	free(layouts);
	free(cells.v);
	free(cells.by);
	heapsim_catalogue_free(&cat);
	return rc;
}
