/*
 * SARIF 2.1.0 logs (GitHub code scanning and other CI viewers), checked paths,
 * and the JSON document frame shared by every command. The subset of SARIF
 * written here is described by docs/schema/sarif-2.1.0-subset.schema.json.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs.h"
#include "sim.h" /* sim_json_string */

#ifndef HEAPSIM_SOURCE_DIR
#define HEAPSIM_SOURCE_DIR "."
#endif

void out_json_begin(FILE *out, const char *command)
{
	fprintf(out, "{\"schema_version\":%d,\"command\":", HEAPSIM_JSON_SCHEMA_VERSION);
	sim_json_string(out, command);
}

void out_json_end(FILE *out)
{
	fputs("}\n", out);
}

/* ---- paths ---- */

static void dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

static bool writable_dir(const char *dir, const char *what, const char *path, char *err,
			 size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "%s %s: directory %s does not exist", what, path, dir);
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s %s: %s is not a directory", what, path, dir);
		return false;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "%s %s: directory %s is not writable", what, path, dir);
		return false;
	}
	return true;
}

bool out_check_dir(const char *dir, char *err, size_t errlen)
{
	char parent[PATH_MAX];
	struct stat st;

	if (!dir || !*dir) {
		snprintf(err, errlen, "empty output directory name");
		return false;
	}
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "output directory %s: exists and is not a directory", dir);
			return false;
		}
		return writable_dir(dir, "output directory", dir, err, errlen);
	}
	dir_of(dir, parent, sizeof(parent));
	return writable_dir(parent, "output directory", dir, err, errlen);
}

int out_make_dir(const char *dir)
{
	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

bool out_check_file(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	struct stat st;

	if (!path || !*path) {
		snprintf(err, errlen, "empty output file name");
		return false;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "output file %s: is a directory", path);
		return false;
	}
	dir_of(path, dir, sizeof(dir));
	return writable_dir(dir, "output file", path, err, errlen);
}

/* ---- where a finding's kernel path lives in the project ---- */

const char *out_source_relative(const char *path)
{
	size_t n = strlen(HEAPSIM_SOURCE_DIR);

	if (path && !strncmp(path, HEAPSIM_SOURCE_DIR, n) && path[n] == '/')
		return path + n + 1;
	return NULL;
}

bool out_source_locate(const char *needle, char *file, size_t filelen, unsigned *line)
{
	/* Kernel-side code only: the tools and harness are not the kernel path. */
	static const char *const files[] = {
		"sched/ll_syscalls.c", "sched/ll_layouts.c", "sched/ll_sched.c", "sched/ll_modules.c",
		"sched/ll_core.c",     "heap/sys_heap.c",    "heap/oob_heap.c",  "sim/kernel.c",
		"sim/syscall.c",       "sim/kobj.c",         "sim/domain.c",     "sim/fault.c",
	};
	char path[PATH_MAX], buf[1024];

	if (!needle || !*needle)
		return false;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		unsigned n = 0;
		FILE *in;

		snprintf(path, sizeof(path), "%s/%s", HEAPSIM_SOURCE_DIR, files[i]);
		in = fopen(path, "r");
		if (!in)
			continue;
		while (fgets(buf, sizeof(buf), in)) {
			n++;
			if (strstr(buf, needle)) {
				fclose(in);
				snprintf(file, filelen, "%s", files[i]);
				*line = n;
				return true;
			}
		}
		fclose(in);
	}
	return false;
}

/* ---- the log ---- */

struct sarif_entry {
	struct sarif_result r; /* strings owned */
	char file[128];
	unsigned line;
	bool located;
};

struct sarif_log {
	char *path;
	char *tmp;
	char *command;
	struct sarif_entry *v;
	size_t n, cap;
};

/* What each finding class means, for the rule list viewers show. */
static const struct {
	const char *id, *name, *about;
} known_rules[] = {
	{ "audit-user-writable", "UserWritableKernelData",
	  "Kernel-trusted bytes (a kernel object or in-band heap metadata) lie in a page a user "
	  "thread can write." },
	{ "kernel-fault", "KernelFault",
	  "The kernel touched memory it must not: a wild target address or a page fault in kernel "
	  "mode, steered by user-controlled data." },
	{ "confinement", "ConfinementEscape",
	  "A syscall wrote outside the memory it declares it writes: the user steered a kernel "
	  "write." },
	{ "kernel-object-changed", "KernelObjectChanged",
	  "A kernel object changed other than through its API (the user rewrote it)." },
	{ "heap-check", "HeapCheck",
	  "A sys_heap hardening check fired in kernel mode: corruption was caught (an assert on "
	  "the target, not an escape)." },
	{ "validate", "HeapCorrupted", "The kernel's heap no longer validates." },
	{ "hang", "KernelHang", "The kernel deadlocked or exhausted its time budget." },
	{ "model-mismatch", "ModelMismatch", "The heap disagreed with its shadow model." },
	{ "harness", "HarnessError", "The harness or the simulator misbehaved (a heapsim bug)." },
	{ "scenario-exploitable", "ScenarioExploitable",
	  "A catalogue attack escaped: the kernel wrote or faulted outside, a kernel object "
	  "changed, the kernel hung or handed out overlapping memory." },
	{ "scenario-corrupted", "ScenarioCorrupted",
	  "A catalogue attack left the kernel's heap corrupt with nothing catching it." },
	{ "scenario-unexpected", "ScenarioUnexpected",
	  "A catalogue verdict differs from what its scenario file expects." },
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct sarif_log *sarif_open(const char *path, const char *command, char *err, size_t errlen)
{
	struct sarif_log *s;
	FILE *probe;

	if (!out_check_file(path, err, errlen))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path)) || !(s->command = strdup(command)) ||
	    !(s->tmp = malloc(strlen(path) + 8))) {
		snprintf(err, errlen, "out of memory");
		sarif_discard(s);
		return NULL;
	}
	sprintf(s->tmp, "%s.tmp", path);
	/* Create the file now: a path that cannot be written fails before any work. */
	probe = fopen(s->tmp, "w");
	if (!probe) {
		snprintf(err, errlen, "cannot write %s: %s", s->tmp, strerror(errno));
		sarif_discard(s);
		return NULL;
	}
	fclose(probe);
	return s;
}

static void free_result(struct sarif_result *r)
{
	free((char *)r->rule);
	free((char *)r->level);
	free((char *)r->message);
	free((char *)r->layout);
	free((char *)r->hardening);
	free((char *)r->kernel_path);
	free((char *)r->source_needle);
	free((char *)r->replay);
	free((char *)r->fingerprint);
}

bool sarif_add(struct sarif_log *s, const struct sarif_result *r)
{
	struct sarif_entry *e;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct sarif_entry *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return false;
		s->v = v;
		s->cap = cap;
	}
	e = &s->v[s->n];
	memset(e, 0, sizeof(*e));
	e->r.rule = strdup(r->rule ? r->rule : "finding");
	e->r.level = strdup(r->level ? r->level : "warning");
	e->r.message = strdup(r->message ? r->message : "");
	e->r.layout = dup_or_null(r->layout);
	e->r.hardening = dup_or_null(r->hardening);
	e->r.kernel_path = dup_or_null(r->kernel_path);
	e->r.source_needle = dup_or_null(r->source_needle);
	e->r.replay = dup_or_null(r->replay);
	e->r.fingerprint = dup_or_null(r->fingerprint);
	e->r.by_design = r->by_design;
	if (!e->r.rule || !e->r.level || !e->r.message) {
		free_result(&e->r);
		return false;
	}
	if (r->file) {
		snprintf(e->file, sizeof(e->file), "%s", r->file);
		e->line = r->line ? r->line : 1;
		e->located = true;
	} else {
		e->located = out_source_locate(r->source_needle, e->file, sizeof(e->file), &e->line);
	}
	s->n++;
	return true;
}

size_t sarif_count(const struct sarif_log *s)
{
	return s ? s->n : 0;
}

static void free_log(struct sarif_log *s)
{
	for (size_t i = 0; i < s->n; i++)
		free_result(&s->v[i].r);
	free(s->v);
	free(s->path);
	free(s->tmp);
	free(s->command);
	free(s);
}

void sarif_discard(struct sarif_log *s)
{
	if (!s)
		return;
	if (s->tmp)
		unlink(s->tmp);
	free_log(s);
}

/* The rules the results use, in first-use order. Returns how many. */
static size_t collect_rules(const struct sarif_log *s, const char **ids)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		size_t j = 0;

		while (j < n && strcmp(ids[j], s->v[i].r.rule))
			j++;
		if (j == n)
			ids[n++] = s->v[i].r.rule;
	}
	return n;
}

static void write_rule(FILE *out, const char *id)
{
	const char *name = id, *about = "A heapsim finding.";

	for (size_t k = 0; k < sizeof(known_rules) / sizeof(known_rules[0]); k++)
		if (!strcmp(known_rules[k].id, id)) {
			name = known_rules[k].name;
			about = known_rules[k].about;
		}
	fprintf(out, "{\"id\":\"heapsim/%s\",\"name\":", id);
	sim_json_string(out, name);
	fputs(",\"shortDescription\":{\"text\":", out);
	sim_json_string(out, about);
	fputs("},\"help\":{\"text\":", out);
	sim_json_string(out, "Reproduce with the command in the result's message (and in its "
			     "properties as 'replay'); docs/reviewer-guide.md explains the trace.");
	fputs("}}", out);
}

static void write_result(FILE *out, const struct sarif_entry *e, size_t rule_index)
{
	const struct sarif_result *r = &e->r;

	fprintf(out, "{\"ruleId\":\"heapsim/%s\",\"ruleIndex\":%zu,\"level\":", r->rule, rule_index);
	sim_json_string(out, r->level);
	fputs(",\"message\":{\"text\":", out);
	{
		/* the replay command is the fix hint a reviewer acts on */
		size_t len = strlen(r->message) + (r->replay ? strlen(r->replay) : 0) + 32;
		char *text = malloc(len);

		if (text) {
			snprintf(text, len, "%s%s%s", r->message, r->replay ? " Reproduce: " : "",
				 r->replay ? r->replay : "");
			sim_json_string(out, text);
			free(text);
		} else {
			sim_json_string(out, r->message);
		}
	}
	fputs("},\"locations\":[{", out);
	if (e->located) {
		fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
		sim_json_string(out, e->file);
		fprintf(out, ",\"uriBaseId\":\"SRCROOT\"},\"region\":{\"startLine\":%u}},", e->line);
	}
	fputs("\"logicalLocations\":[", out);
	if (r->kernel_path) {
		fputs("{\"name\":", out);
		sim_json_string(out, r->kernel_path);
		fputs(",\"kind\":\"function\"},", out);
	}
	fputs("{\"name\":", out);
	sim_json_string(out, r->layout ? r->layout : "");
	fputs(",\"kind\":\"module\",\"fullyQualifiedName\":", out);
	{
		char fq[160];

		snprintf(fq, sizeof(fq), "layout/%s%s%s", r->layout ? r->layout : "",
			 r->hardening ? "/hardening/" : "", r->hardening ? r->hardening : "");
		sim_json_string(out, fq);
	}
	fputs("}]}]", out);
	if (r->fingerprint) {
		fputs(",\"partialFingerprints\":{\"heapsimFinding/v1\":", out);
		sim_json_string(out, r->fingerprint);
		fputc('}', out);
	}
	fputs(",\"properties\":{\"layout\":", out);
	sim_json_string(out, r->layout ? r->layout : "");
	if (r->hardening) {
		fputs(",\"hardening\":", out);
		sim_json_string(out, r->hardening);
	}
	fprintf(out, ",\"by_design\":%s", r->by_design ? "true" : "false");
	if (r->replay) {
		fputs(",\"replay\":", out);
		sim_json_string(out, r->replay);
	}
	fputs(",\"tags\":[\"security\",\"heapsim\"]}}", out);
}

int sarif_close(struct sarif_log *s, int exit_code)
{
	const char **rules;
	size_t nrules;
	FILE *out;
	int err = 0;

	if (!s)
		return 0;
	rules = calloc(s->n ? s->n : 1, sizeof(*rules));
	out = rules ? fopen(s->tmp, "w") : NULL;
	if (!out) {
		err = rules ? -errno : -ENOMEM;
		free(rules);
		sarif_discard(s);
		return err;
	}
	nrules = collect_rules(s, rules);
	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
	      "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"heapsim\",\"version\":\"" HEAPSIM_VERSION
	      "\",\"semanticVersion\":\"" HEAPSIM_VERSION "\",\"rules\":[",
	      out);
	for (size_t i = 0; i < nrules; i++) {
		if (i)
			fputc(',', out);
		write_rule(out, rules[i]);
	}
	fputs("]}},\"invocations\":[{\"commandLine\":", out);
	sim_json_string(out, s->command);
	/* exit 1 is an answer (findings), not a failed run */
	fprintf(out, ",\"executionSuccessful\":%s,\"exitCode\":%d}],",
		exit_code <= 1 ? "true" : "false", exit_code);
	fputs("\"originalUriBaseIds\":{\"SRCROOT\":{\"description\":{\"text\":"
	      "\"The root of the heapsim source tree.\"}}},\"results\":[", out);
	for (size_t i = 0; i < s->n; i++) {
		size_t ri = 0;

		while (strcmp(rules[ri], s->v[i].r.rule))
			ri++;
		if (i)
			fputc(',', out);
		write_result(out, &s->v[i], ri);
	}
	fputs("]}]}\n", out);
	free(rules);
	if (ferror(out))
		err = -EIO;
	if (fclose(out) != 0 && !err)
		err = -errno;
	if (!err && rename(s->tmp, s->path) != 0)
		err = -errno;
	if (err)
		unlink(s->tmp);
	free_log(s);
	return err;
}
