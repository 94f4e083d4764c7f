/*
 * heapsim: the project's command-line tool. A dispatcher only: every command
 * lives in its own file and is listed here.
 */
#include <stdio.h>
#include <string.h>

#include "heapsim.h"
#include "outputs.h"

static int cmd_help(int argc, char **argv);

static const struct heapsim_command commands[] = {
	{ "audit", "--layout NAME [--json]",
	  "static audit: which kernel-trusted bytes user mode can write", heapsim_cmd_audit },
	{ "run", "--layout NAME --ticks N [--json] [--hardening L] | SCENARIOFILE",
	  "run the LL module pipeline and report findings", heapsim_cmd_run },
	{ "list-layouts", "[--json]", "the LL heap layouts and what they model",
	  heapsim_cmd_list_layouts },
	{ "replay", "FILE [--target T] [--layout L] [--json]",
	  "re-run a fuzzer crash/corpus file and print a readable trace", heapsim_cmd_replay },
	{ "matrix", "[--dir DIR] [--out FILE] [--check FILE]",
	  "run the attack catalogue, print the layout x hardening verdict matrix",
	  heapsim_cmd_matrix },
	{ "minimize", "FILE [--out DIR] [--same-class] [--seconds N]",
	  "shrink a finding's input, keeping the same finding (class, layout, object hit)",
	  heapsim_cmd_minimize },
	{ "export", "(--scenario | --xtensa) FINDING --out FILE",
	  "write a finding as a scenario file or as a program for the Xtensa port",
	  heapsim_cmd_export },
	{ "verdict", "[--seconds N] [--seed S] [--out DIR]",
	  "the main job: audit, attack catalogue and a short fuzz run on every layout",
	  heapsim_cmd_verdict },
	{ "report", "--out DIR [--findings DIR] [--no-matrix]",
	  "static HTML report: memory maps, verdict matrix, finding timelines", heapsim_cmd_report },
	{ "help", "", "this text", cmd_help },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: heapsim <command> [args]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-13s %s\n  %-13s   %s\n", commands[i].name, commands[i].args, "",
			commands[i].summary);
	fprintf(out, "\n`heapsim <command> --help` describes a command's options; "
		     "`heapsim --version` prints the version.\n"
		     "exit codes: 0 clean, 1 findings, 2 usage or input error\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	usage(stdout);
	return HEAPSIM_EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version")) {
		printf("heapsim %s (JSON schema_version %d, SARIF 2.1.0)\n", HEAPSIM_VERSION,
		       HEAPSIM_JSON_SCHEMA_VERSION);
		return HEAPSIM_EXIT_CLEAN;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "heapsim: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return HEAPSIM_EXIT_USAGE;
}
