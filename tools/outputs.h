/*
 * What heapsim writes for other programs and for people reading elsewhere:
 * versioned JSON documents, SARIF 2.1.0 logs (out_sarif.c) and the static
 * HTML report with SVG memory maps (out_report.c). The schemas of every
 * document live in docs/schema/.
 *
 * Nothing here decides a verdict: commands compute their answers and hand
 * them over as plain data.
 */
#ifndef HEAPSIM_OUTPUTS_H
#define HEAPSIM_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef HEAPSIM_VERSION
#define HEAPSIM_VERSION "0.0.0"
#endif

/*
 * Version of every JSON document's layout ("schema_version"), raised when a
 * key changes meaning or disappears (adding keys keeps it).
 */
#define HEAPSIM_JSON_SCHEMA_VERSION 1

/* Opens a JSON document: {"schema_version":1,"command":"NAME" — the caller
 * goes on with ,"key":value pairs and closes it with out_json_end. */
void out_json_begin(FILE *out, const char *command);
void out_json_end(FILE *out); /* "}\n" */

/* ---- Output paths: checked before any work, so bad input costs nothing ---- */

/*
 * A directory heapsim will write into: it exists and is writable, or its
 * parent does and it can be created. An existing non-directory, a missing
 * parent or no write permission is an error: false, with why in err.
 */
bool out_check_dir(const char *dir, char *err, size_t errlen);
/* Creates it (and only it) when missing. 0 or -errno. */
int out_make_dir(const char *dir);
/* A file heapsim will create: its directory exists and is writable, and the
 * path is not a directory. */
bool out_check_file(const char *path, char *err, size_t errlen);

/* ======================================================================== */
/* SARIF 2.1.0                                                               */
/* ======================================================================== */

/*
 * One result per finding. `rule` is the finding class and becomes the rule
 * id "heapsim/<rule>" ("kernel-fault", "confinement", "audit-user-writable",
 * "scenario-exploitable", ...). The location is the modelled kernel code the
 * finding went through: `kernel_path` names it (a syscall, a heap check, a
 * layout's setup) and `source_needle` is a string that appears in that code
 * (e.g. "\"sof_heap_free\"") so the log can point at a file and line of the
 * project; the layout is a second, logical location.
 */
struct sarif_result {
	const char *rule;
	const char *level;          /* "error", "warning", "note" */
	const char *message;
	const char *layout;
	const char *hardening;      /* NULL: not applicable */
	const char *kernel_path;    /* logical name of the kernel code */
	const char *source_needle;  /* NULL: no file location */
	const char *replay;         /* the command that reproduces it (NULL: none) */
	const char *fingerprint;    /* stable identity (input SHA-1, layout/object ...) */
	bool by_design;             /* on a layout declared vulnerable */
	const char *file;           /* instead of source_needle: a file of the project */
	unsigned line;              /* (relative to the source root) and its line */
};

struct sarif_log;

/*
 * Starts a log for `command` that will be written to `path` when it is
 * closed (through PATH.tmp renamed into place, so a failed run never leaves a
 * partial log under the name). NULL with why in err (directory missing or
 * not writable, path is a directory, out of memory).
 */
struct sarif_log *sarif_open(const char *path, const char *command, char *err, size_t errlen);
/* Copies r; false when out of memory. */
bool sarif_add(struct sarif_log *s, const struct sarif_result *r);
size_t sarif_count(const struct sarif_log *s);
/* Writes and closes the log; `exit_code` is the command's. 0 or -errno
 * (nothing left under `path` on failure). NULL is ignored. */
int sarif_close(struct sarif_log *s, int exit_code);
/* Drops the log without writing anything. NULL is ignored. */
void sarif_discard(struct sarif_log *s);

/* A fuzz finding as a SARIF result (rule: its kind; level: error for an
 * escape on a layout that should be safe, warning when known by design, note
 * for a caught corruption). `replay` may be NULL. (tools/cmd_report.c) */
struct atk_finding;
void out_finding_sarif(struct sarif_log *s, const struct atk_finding *f, const char *replay);
/* The finding's JSON record inline (no newline): a value inside a document. */
void out_finding_json(FILE *out, const struct atk_finding *f);
/* The catalogue's escaping, corrupting and unexpected verdicts as SARIF
 * results (located at their scenario file), and its cells as JSON keys
 * (,"cells":[...],"per_layout":[...],"unexpected":N). cmd_report.c */
struct heapsim_catalogue;
void out_catalogue_sarif(struct sarif_log *s, const char *cat_dir,
			 const struct heapsim_catalogue *cat);
void out_catalogue_json(FILE *out, const struct heapsim_catalogue *cat);
/* `path` relative to the source root when it lies inside it, else NULL. */
const char *out_source_relative(const char *path);

/*
 * Where a string appears first in the project's kernel-side sources
 * (heap/, sim/, sched/, attack/): "sched/ll_syscalls.c" and the 1-based line.
 * false when the sources are not there (an installed binary) or it is not found.
 */
bool out_source_locate(const char *needle, char *file, size_t filelen, unsigned *line);

/* ======================================================================== */
/* HTML report                                                               */
/* ======================================================================== */

/* One cell of the verdict matrix. */
struct report_cell {
	const char *technique;
	const char *layout;
	const char *profile;        /* NULL: the layout has one */
	const char *hardening;
	const char *verdict;        /* "exploitable", "corrupted", "detected", "blocked", "harmless", "error" */
	const char *by;             /* what caught/caused it, "" */
};

/* One finding as a timeline: the user's steps, the kernel path it went
 * through, and the bytes it changed. */
struct report_finding {
	const char *title;          /* "confinement on pr10807-v3" */
	const char *layout;
	const char *kind;
	const char *trace;          /* the numbered trace text (steps "  N. ...") */
	const char *kernel_path;    /* syscall / check / object involved */
	const char *where;          /* object and field changed */
	const uint8_t *old_bytes, *new_bytes;
	unsigned nbytes;
	const char *replay;
	bool by_design;
};

struct report_input {
	const char *const *layouts; /* every layout to draw a memory map for */
	size_t nlayouts;
	const struct report_cell *cells;
	size_t ncells;
	const struct report_finding *findings;
	size_t nfindings;
	const char *generated_by;   /* the command line that made it */
};

/*
 * The memory map of one layout as an SVG document: the pages that hold the
 * heap buffer and the kernel-trusted objects, in both views, coloured by
 * the user domain's rights; the kernel-trusted objects; the bytes of them a
 * user thread can write (from the audit) marked class="user-writable".
 * 0, or -errno (the layout could not be built).
 */
int report_map_svg(const char *layout, FILE *out);

/*
 * Writes DIR/index.html (maps inline, matrix colour table, finding
 * timelines) and DIR/map-LAYOUT.svg for each layout. Everything goes to
 * DIR/.report.tmp first and is moved into place at the end: on failure no
 * partial report is left. 0, or -1 with why in err.
 */
int report_write(const char *dir, const struct report_input *in, char *err, size_t errlen);

#endif /* HEAPSIM_OUTPUTS_H */
