/*
 * heapsim replay FILE [--target T] [--layout L] [--hardening H] [--oracle escape] [--json]
 *
 * Re-runs one crash or corpus file in-process and prints a numbered,
 * readable trace of what the input did: each user action with the address
 * described ("user writes 10 00 at ll_heap_buf+0x1f8 uncached: heap of
 * ll_heap, free chunk 63 FREE_NEXT"), each syscall with its result, and what
 * the simulator saw (faults, oopses, findings), then the finding's report.
 *
 * What decides the verdict is pinned from the record the run left beside the
 * crash (finding-SHA1.json): layout, hardening, oracle set and word mode, each
 * overridden by its option (or $HEAPSIM_LAYOUT, $HEAPSIM_HARDENING,
 * $HEAPSIM_ORACLE). Without a record the input chooses; if that gives no
 * finding and nothing pinned the layout, the other layouts are tried. With a
 * record the result is compared with it: "as recorded", or what differs
 * (kind, operation, message).
 * The run goes on after the first finding (that one stays the finding and
 * is what is compared): "== chain:" under the trace lists every finding in
 * order, first finding first, so that what the kernel did with what the
 * user forged shows. --stop-at-first (or $HEAPSIM_STOP_AT_FIRST=1) ends the
 * input at its first finding instead.
 * Exit: 1 finding reproduced, 0 clean, 2 usage or unreadable input.
 * --json: the result as one JSON document on stdout, the trace on stderr;
 * --sarif FILE: the finding as a SARIF result.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "heapsim.h"
#include "outputs.h"


static void help(FILE *out)
{
	fprintf(out,
		"usage: heapsim replay FILE [--target T] [--layout L] [--hardening H]\n"
		"                           [--oracle all|escape|beyond] [--word-bits N] [--json]\n"
		"                           [--sarif FILE] [--stop-at-first]\n\n"
		"Re-runs a crash or corpus file and prints a numbered, readable trace.\n"
		"  --target T     fuzz_heap_ops, fuzz_user_syscalls, ... (default: from the\n"
		"                 finding record beside FILE, or FILE's directory name)\n"
		"  --layout L     pin the layout (default: $HEAPSIM_LAYOUT, the record, the input)\n"
		"  --hardening H  pin the heap hardening level (default: the record's)\n"
		"  --oracle all|escape|beyond  the oracle set; escape: only escapes, as a run\n"
		"                 with -oracle=escape; beyond: escapes beyond the layout's\n"
		"                 by-design exposure, as a pinned vulnerable-layout binary\n"
		"                 (default: $HEAPSIM_ORACLE, the record's, all)\n"
		"  --word-bits 32|64  pin the heap word mode (default: the record's, the input)\n"
		"  --json         the result as one JSON document on stdout (docs/schema/\n"
		"                 replay.schema.json); the trace goes to stderr\n"
		"  --sarif FILE   also a SARIF 2.1.0 log with the finding\n"
		"  --stop-at-first  end the input at its first finding (default: go on and\n"
		"                 print the chain of findings; $HEAPSIM_STOP_AT_FIRST=1)\n"
		"exit codes: 0 no finding, 1 finding reproduced, 2 usage or input error\n");
}

static const struct fuzz_target *target_from_dir(const char *path)
{
	char *dup = strdup(path);
	const struct fuzz_target *t = NULL;

	if (dup) {
		t = fuzz_target_find(basename(dirname(dup)));
		free(dup);
	}
	return t;
}

/* "== chain: kernel-object-changed > hang": the run's findings in order. */
static void print_chain(FILE *out, const char *chain)
{
	fprintf(out, "== chain: ");
	for (const char *p = chain; *p; p++)
		if (*p == '>')
			fputs(" > ", out);
		else
			fputc(*p, out);
	fprintf(out, "\n");
}

/* The chain as a JSON array of kinds (empty without a finding). */
static void chain_json(FILE *out, const char *chain)
{
	char kind[ATK_CHAIN_MAX];
	const char *p = chain;

	fputc('[', out);
	while (*p) {
		size_t n = strcspn(p, ">");

		snprintf(kind, sizeof(kind), "%.*s", (int)n, p);
		if (p != chain)
			fputc(',', out);
		cli_json_string(out, kind);
		p += n + (p[n] == '>');
	}
	fputc(']', out);
}

/* One run; the trace and the finding's report go to o->trace. */
static bool run_once(const char *name, const struct fuzz_target *t, const uint8_t *data,
		     size_t len, struct fuzz_opts *o, struct fuzz_result *res)
{
	FILE *txt = o->trace;

	fprintf(txt, "== replay: %s, %zu bytes, target %s, layout %s, hardening %s, %s, oracles %s\n",
		name, len, t->name, o->layout ? o->layout : "chosen by the input",
		o->hardening >= 0 ? sys_heap_hardening_name((enum sys_heap_hardening)o->hardening)
				  : "chosen by the input",
		o->word_bits == 64 ? "64-bit words" : o->word_bits == 32 ? "32-bit words"
							       : "word mode chosen by the input",
		o->beyond_exposure ? "escapes beyond the layout's exposure" : o->escape_only ? "escapes only" : "all");
	fflush(txt);
	fuzz_run(t, data, len, o, res);
	fflush(txt);
	if (res->skipped) {
		fprintf(txt, "== the input decodes to nothing runnable (e.g. a heap size init rejects)\n");
		return false;
	}
	if (!res->found) {
		fprintf(txt, "== %lu operations, no finding\n", res->ops);
		return false;
	}
	print_chain(txt, res->chain);
	fprintf(txt, "\n");
	atk_finding_print(&res->finding, txt);
	return true;
}

/* as_recorded: 1 / 0 the result is / is not what the record beside the
 * input says, -1 no record to compare with. */
static void replay_json(const char *file, size_t len, const struct fuzz_target *t,
			const struct fuzz_opts *o, const struct fuzz_result *res, bool found,
			int as_recorded)
{
	out_json_begin(stdout, "replay");
	printf(",\"input\":");
	cli_json_string(stdout, file);
	printf(",\"bytes\":%zu,\"target\":", len);
	cli_json_string(stdout, t->name);
	printf(",\"layout\":");
	if (found && res->finding.layout[0])
		cli_json_string(stdout, res->finding.layout);
	else if (o->layout)
		cli_json_string(stdout, o->layout);
	else
		printf("null");
	printf(",\"hardening\":");
	if (found && res->finding.hardening[0])
		cli_json_string(stdout, res->finding.hardening);
	else if (o->hardening >= 0)
		cli_json_string(stdout, sys_heap_hardening_name(o->hardening));
	else
		printf("null");
	printf(",\"ops\":%lu,\"skipped\":%s,\"finding\":", res->ops,
	       res->skipped ? "true" : "false");
	if (found)
		out_finding_json(stdout, &res->finding);
	else
		printf("null");
	printf(",\"chain\":");
	chain_json(stdout, found ? res->chain : "");
	printf(",\"as_recorded\":%s,\"verdict\":\"%s\"",
	       as_recorded < 0 ? "null" : as_recorded ? "true" : "false", found ? "finding" : "clean");
	out_json_end(stdout);
}

/* What the command line asked for. */
struct replay_args {
	const char *file, *target, *layout, *hardening, *oracle, *sarif;
	unsigned word_bits;
	bool json, stop_at_first;
};

/* CLI_DONE when parsed, HEAPSIM_EXIT_CLEAN after --help, else HEAPSIM_EXIT_USAGE. */
static int replay_parse(int argc, char **argv, struct replay_args *a)
{
	static const struct option opts[] = { { "target", required_argument, NULL, 't' },
					      { "layout", required_argument, NULL, 'L' },
					      { "hardening", required_argument, NULL, 'H' },
					      { "oracle", required_argument, NULL, 'o' },
					      { "json", no_argument, NULL, 'j' },
					      { "sarif", required_argument, NULL, 'S' },
					      { "word-bits", required_argument, NULL, 'W' },
					      { "stop-at-first", no_argument, NULL, 'F' },
					      { 0 } };
	struct cli_parser p;
	const char *v;
	int c;

	cli_parser_init(&p, "replay", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		switch (c) {
		case CLI_HELP:
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		case 't': a->target = v; break;
		case 'L': a->layout = v; break;
		case 'H': a->hardening = v; break;
		case 'o': a->oracle = v; break;
		case 'j': a->json = true; break;
		case 'S': a->sarif = v; break;
		case 'F': a->stop_at_first = true; break;
		case 'W':
			if (!strcmp(v, "32") || !strcmp(v, "64")) {
				a->word_bits = (unsigned)atoi(v);
				break;
			}
			fprintf(stderr, "heapsim replay: bad --word-bits '%s' (32 or 64)\n", v);
			return HEAPSIM_EXIT_USAGE;
		case CLI_OPERAND:
			if (!a->file) {
				a->file = v;
				break;
			}
			cli_unexpected(&p, v);
			/* fall through */
		default:
			help(stderr);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	if (!a->file) {
		help(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	return CLI_DONE;
}

/* --target, else the record's, else FILE's directory name; NULL after saying why. */
static const struct fuzz_target *replay_target(const char *tname, const struct cli_record *rec,
					       const char *file)
{
	const struct fuzz_target *t = fuzz_target_find(tname ? tname : rec->target[0] ? rec->target : NULL);

	if (!t && !tname)
		t = target_from_dir(file);
	if (t)
		return t;
	fprintf(stderr, "heapsim replay: %s target%s%s; known:", tname ? "unknown" : "no",
		tname ? " " : " (use --target)", tname ? tname : "");
	for (size_t i = 0; i < fuzz_ntargets; i++)
		fprintf(stderr, " %s", fuzz_targets[i].name);
	fprintf(stderr, "\n");
	return NULL;
}

/* Layout, hardening and oracle set: option, environment, record (cli_pick);
 * *pinned: a layout was chosen that way. False after saying what is wrong. */
static bool replay_opts(const struct replay_args *a, const struct cli_record *rec,
			const struct fuzz_target *t, struct fuzz_opts *o, bool *pinned)
{
	const char *layout = cli_pick(a->layout, "HEAPSIM_LAYOUT", rec->layout, cli_layout_known);
	/* the record's level is the one the run used, pinned or input-chosen */
	const char *hard = cli_pick(a->hardening, "HEAPSIM_HARDENING", rec->hardening,
				    cli_hardening_known);
	const char *oracle = cli_pick(a->oracle, "HEAPSIM_ORACLE", rec->oracle, cli_oracle_known);

	fuzz_opts_default(o);
	o->trace = a->json ? stderr : stdout; /* stdout holds the one JSON document */
	o->stop_at_first = o->stop_at_first || a->stop_at_first;
	if (layout && !ll_layout_find(layout)) {
		fprintf(stderr, "heapsim replay: unknown layout '%s'\n", layout);
		cli_list_layout_names(stderr);
		return false;
	}
	if (hard && (o->hardening = sys_heap_hardening_parse(hard)) < 0) {
		fprintf(stderr, "heapsim replay: unknown hardening '%s'\n", hard);
		return false;
	}
	if (oracle && !fuzz_oracle_set(o, oracle)) {
		fprintf(stderr, "heapsim replay: unknown oracle set '%s' (" FUZZ_ORACLE_NAMES ")\n", oracle);
		return false;
	}
	o->word_bits = a->word_bits ? a->word_bits
				    : rec->word_bits == 32 || rec->word_bits == 64 ? rec->word_bits : 0;
	o->layout = fuzz_target_layout(t, layout);
	*pinned = layout != NULL;
	return true;
}

/* The class of what the replay will show, before its trace: "[confinement]"
 * (a quiet run of the same search the traced runs below do). */
static void print_class_first(const char *name, const struct fuzz_target *t, const uint8_t *data,
			      size_t len, const struct fuzz_opts *o, bool pinned)
{
	struct fuzz_opts q = *o;
	struct fuzz_result res;
	FILE *txt = o->trace ? o->trace : stdout; /* the text stream: stdout carries --json */

	q.trace = NULL;
	fuzz_run(t, data, len, &q, &res);
	for (size_t i = 0; !res.found && !pinned && t->uses_layout && i < ll_layout_count(); i++) {
		q.layout = ll_layout_at(i)->name;
		fuzz_run(t, data, len, &q, &res);
	}
	if (res.found)
		fprintf(txt, "[%s] %s: finding on layout %s, hardening %s%s%s\n",
		       atk_finding_class(&res.finding), name,
		       res.finding.layout[0] ? res.finding.layout : "-",
		       res.finding.hardening[0] ? res.finding.hardening : "-",
		       res.finding.syscall[0] ? " in " : "", res.finding.syscall);
	else
		fprintf(txt, "[no-finding] %s\n", name);
}

/* "== as recorded" or what differs, on out (the trace's stream); true if as recorded. */
static bool compare_with_record(FILE *out, const struct cli_record *rec, const struct atk_finding *f)
{
	const char *kind = f ? sim_finding_kind_long_name(f->kind) : "no finding";

	if (f && !strcmp(kind, rec->kind) && f->op == rec->op && !strcmp(f->message, rec->message)) {
		fprintf(out, "== as recorded: %s at operation #%ld\n", kind, f->op);
		return true;
	}
	fprintf(out, "== DIFFERS FROM ITS RECORD: recorded %s at operation #%ld (%s); replayed %s",
		rec->kind, rec->op, rec->message, kind);
	if (f)
		fprintf(out, " at operation #%ld (%s)", f->op, f->message);
	fprintf(out, "\n");
	return false;
}

int heapsim_cmd_replay(int argc, char **argv)
{
	struct replay_args a = { 0 };
	const struct fuzz_target *t;
	struct sarif_log *sarif = NULL;
	struct cli_record rec;
	struct fuzz_opts o;
	struct fuzz_result res;
	bool pinned, found;
	uint8_t *data;
	size_t len;
	int r = replay_parse(argc, argv, &a), rc, as_recorded = -1;

	if (r != CLI_DONE)
		return r;
	if (a.sarif) {
		char err[512], cmdline[1024] = "heapsim";

		for (int i = 0; i < argc; i++)
			snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), " %s", argv[i]);
		sarif = sarif_open(a.sarif, cmdline, err, sizeof(err));
		if (!sarif) {
			fprintf(stderr, "heapsim replay: --sarif: %s\n", err);
			return HEAPSIM_EXIT_USAGE;
		}
	}
	data = cli_read_input("replay", a.file, &len);
	if (!data) {
		sarif_discard(sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	if (!cli_record_read("replay", a.file, data, len, &rec)) {
		free(data);
		sarif_discard(sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	t = replay_target(a.target, &rec, a.file);
	if (!t || !replay_opts(&a, &rec, t, &o, &pinned)) {
		free(data);
		sarif_discard(sarif);
		return HEAPSIM_EXIT_USAGE;
	}
	print_class_first(a.file, t, data, len, &o, pinned);
	found = run_once(a.file, t, data, len, &o, &res);
	/* A crash found with the layout pinned decodes its first byte as
	 * something else: try the layouts in turn before calling it clean. */
	for (size_t i = 0; !found && !pinned && t->uses_layout && i < ll_layout_count(); i++) {
		fprintf(o.trace, "\n== trying layout %s (the run that found it may have pinned one)\n",
			ll_layout_at(i)->name);
		o.layout = ll_layout_at(i)->name;
		found = run_once(a.file, t, data, len, &o, &res);
	}
	free(data);
	rc = found ? HEAPSIM_EXIT_FINDINGS : HEAPSIM_EXIT_CLEAN;
	if (rec.found && rec.kind[0])
		as_recorded = compare_with_record(o.trace, &rec, found ? &res.finding : NULL) ? 1 : 0;
	if (sarif) {
		char replay[1200];

		snprintf(replay, sizeof(replay), "heapsim replay %s --target %s%s%s", a.file, t->name,
			 found && res.finding.layout[0] ? " --layout " : "",
			 found ? res.finding.layout : "");
		if (found)
			out_finding_sarif(sarif, &res.finding, replay);
		r = sarif_close(sarif, rc);
		if (r) {
			fprintf(stderr, "heapsim replay: cannot write %s: %s\n", a.sarif, strerror(-r));
			rc = HEAPSIM_EXIT_USAGE;
		}
	}
	if (a.json)
		replay_json(a.file, len, t, &o, &res, found, as_recorded);
	return rc;
}
