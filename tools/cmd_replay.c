/*
 * heapsim replay FILE [--target T] [--layout L] [--hardening H] [--oracle escape] [--json]
 *
 * Re-runs one crash or corpus file in-process and prints a numbered,
 * readable trace of what the input did: each user action with the address
 * described ("user writes 10 00 at ll_heap_buf+0x1f8 uncached: heap of
 * ll_heap, free chunk 63 FREE_NEXT"), each syscall with its result, and what
 * the simulator saw (faults, oopses, findings), then the finding's report.
 *
 * Which layout: --layout, else $HEAPSIM_LAYOUT, else the record libFuzzer's
 * run left beside the crash (finding-SHA1.json, written when the run was
 * pinned), else the layout the input's first byte selects. If that gives no
 * finding and nothing pinned the layout, the other layouts are tried: a crash
 * found with a pinned layout then still replays.
 * Exit: 1 finding reproduced, 0 clean, 2 usage or unreadable input.
 */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "heapsim.h"


static void help(FILE *out)
{
	fprintf(out,
		"usage: heapsim replay FILE [--target T] [--layout L] [--hardening H]\n"
		"                           [--oracle escape] [--json]\n\n"
		"Re-runs a crash or corpus file and prints a numbered, readable trace.\n"
		"  --target T     fuzz_heap_ops, fuzz_user_syscalls, ... (default: from the\n"
		"                 finding record beside FILE, or FILE's directory name)\n"
		"  --layout L     pin the layout (default: $HEAPSIM_LAYOUT, the record, the input)\n"
		"  --hardening H  pin the heap hardening level\n"
		"  --oracle escape  report only escapes, as a run with -oracle=escape\n"
		"  --json         print the finding as one JSON object after the trace\n"
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

static bool run_once(const char *name, const struct fuzz_target *t, const uint8_t *data,
		     size_t len, struct fuzz_opts *o, struct fuzz_result *res, bool json)
{
	printf("== replay: %s, %zu bytes, target %s, layout %s%s\n", name, len, t->name,
	       o->layout ? o->layout : "chosen by the input", o->escape_only ? ", escapes only" : "");
	fflush(stdout);
	fuzz_run(t, data, len, o, res);
	fflush(stdout);
	if (res->skipped) {
		printf("== the input decodes to nothing runnable (e.g. a heap size init rejects)\n");
		return false;
	}
	if (!res->found) {
		printf("== %lu operations, no finding\n", res->ops);
		return false;
	}
	printf("\n");
	atk_finding_print(&res->finding, stdout);
	if (json)
		atk_finding_json(&res->finding, stdout);
	return true;
}

int heapsim_cmd_replay(int argc, char **argv)
{
	const char *file = NULL, *tname = NULL, *layout = NULL, *hard = NULL, *oracle = NULL, *v;
	char rec[2048] = "", rec_layout[32] = "", rec_target[32] = "", rec_hard[16] = "";
	const struct fuzz_target *t;
	struct fuzz_opts o;
	struct fuzz_result res;
	bool json = false, pinned, found;
	uint8_t *data;
	size_t len;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			help(stdout);
			return HEAPSIM_EXIT_CLEAN;
		}
		if ((r = cli_opt_value(argc, argv, &i, "--target", &v)) != 0) {
			if (r < 0)
				return HEAPSIM_EXIT_USAGE;
			tname = v;
		} else if ((r = cli_opt_value(argc, argv, &i, "--layout", &v)) != 0) {
			if (r < 0)
				return HEAPSIM_EXIT_USAGE;
			layout = v;
		} else if ((r = cli_opt_value(argc, argv, &i, "--hardening", &v)) != 0) {
			if (r < 0)
				return HEAPSIM_EXIT_USAGE;
			hard = v;
		} else if ((r = cli_opt_value(argc, argv, &i, "--oracle", &v)) != 0) {
			if (r < 0)
				return HEAPSIM_EXIT_USAGE;
			oracle = v;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (argv[i][0] == '-' || file) {
			fprintf(stderr, "heapsim replay: unexpected argument '%s'\n", argv[i]);
			help(stderr);
			return HEAPSIM_EXIT_USAGE;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		help(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	data = cli_read_input("replay", file, &len);
	if (!data)
		return HEAPSIM_EXIT_USAGE;
	if (cli_finding_record(file, data, len, rec, sizeof(rec))) {
		cli_json_field(rec, "layout", rec_layout, sizeof(rec_layout));
		cli_json_field(rec, "target", rec_target, sizeof(rec_target));
		cli_json_field(rec, "hardening", rec_hard, sizeof(rec_hard));
	}
	t = fuzz_target_find(tname ? tname : rec_target[0] ? rec_target : NULL);
	if (!t && !tname)
		t = target_from_dir(file);
	if (!t) {
		fprintf(stderr, "heapsim replay: %s target%s%s; known:", tname ? "unknown" : "no",
			tname ? " " : " (use --target)", tname ? tname : "");
		for (size_t i = 0; i < fuzz_ntargets; i++)
			fprintf(stderr, " %s", fuzz_targets[i].name);
		fprintf(stderr, "\n");
		free(data);
		return HEAPSIM_EXIT_USAGE;
	}
	fuzz_opts_default(&o);
	o.trace = stdout;
	if (!layout && getenv("HEAPSIM_LAYOUT") && *getenv("HEAPSIM_LAYOUT"))
		layout = getenv("HEAPSIM_LAYOUT");
	if (!layout && ll_layout_find(rec_layout))
		layout = rec_layout;
	if (layout && !ll_layout_find(layout)) {
		fprintf(stderr, "heapsim replay: unknown layout '%s'\n", layout);
		cli_list_layout_names(stderr);
		free(data);
		return HEAPSIM_EXIT_USAGE;
	}
	if (!hard && getenv("HEAPSIM_HARDENING") && *getenv("HEAPSIM_HARDENING"))
		hard = getenv("HEAPSIM_HARDENING");
	/* the record's level is the one the run used, pinned or input-chosen */
	if (!hard && rec_hard[0] && sys_heap_hardening_parse(rec_hard) >= 0)
		hard = rec_hard;
	if (hard && (o.hardening = sys_heap_hardening_parse(hard)) < 0) {
		fprintf(stderr, "heapsim replay: unknown hardening '%s'\n", hard);
		free(data);
		return HEAPSIM_EXIT_USAGE;
	}
	if (!oracle && getenv("HEAPSIM_ORACLE") && *getenv("HEAPSIM_ORACLE"))
		oracle = getenv("HEAPSIM_ORACLE");
	if (oracle && strcmp(oracle, "escape") && strcmp(oracle, "all")) {
		fprintf(stderr, "heapsim replay: unknown oracle set '%s' (all, escape)\n", oracle);
		free(data);
		return HEAPSIM_EXIT_USAGE;
	}
	o.escape_only = oracle && !strcmp(oracle, "escape");
	o.layout = layout;
	pinned = layout != NULL;
	if (!t->uses_layout && layout && strcmp(layout, "oob"))
		o.layout = NULL; /* heap_ops knows only "oob" (oob_heap) vs sys_heap */

	found = run_once(file, t, data, len, &o, &res, json);
	/* A crash found with the layout pinned decodes its first byte as
	 * something else: try the layouts in turn before calling it clean. */
	for (size_t i = 0; !found && !pinned && t->uses_layout && i < ll_layout_count(); i++) {
		printf("\n== trying layout %s (the run that found it may have pinned one)\n",
		       ll_layout_at(i)->name);
		o.layout = ll_layout_at(i)->name;
		found = run_once(file, t, data, len, &o, &res, json);
	}
	free(data);
	return found ? HEAPSIM_EXIT_FINDINGS : HEAPSIM_EXIT_CLEAN;
}
