/*
 * The `heapsim` CLI: `heapsim <command> [args]`. Each command is one function
 * in its own file (cmd_*.c), listed in the table in heapsim.c. A command gets
 * argv[0] = its own name and returns the process exit code.
 */
#ifndef HEAPSIM_CLI_H
#define HEAPSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sched.h"

/* Exit codes of every command. */
#define HEAPSIM_EXIT_CLEAN 0
#define HEAPSIM_EXIT_FINDINGS 1
#define HEAPSIM_EXIT_USAGE 2 /* usage, unknown layout, bad input, could not run */

struct heapsim_command {
	const char *name;
	const char *args;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int heapsim_cmd_audit(int argc, char **argv);
int heapsim_cmd_run(int argc, char **argv);
int heapsim_cmd_list_layouts(int argc, char **argv);
/* fuzz/-backed commands (tools/cmd_replay.c, cmd_scenario.c, ...) */
int heapsim_cmd_replay(int argc, char **argv);
int heapsim_cmd_matrix(int argc, char **argv);
int heapsim_cmd_minimize(int argc, char **argv);
int heapsim_cmd_verdict(int argc, char **argv);
int heapsim_cmd_report(int argc, char **argv);

/* The attack catalogue run on every layout × hardening (cmd_scenario.c). */
#include "fuzz.h"
#define HEAPSIM_CAT_LAYOUTS 8
struct heapsim_catalogue_row {
	char name[64];
	char about[256];
	bool ran[HEAPSIM_CAT_LAYOUTS][5];
	struct fuzz_verdict v[HEAPSIM_CAT_LAYOUTS][5];
	bool has_expect[HEAPSIM_CAT_LAYOUTS][5];
	char expect[HEAPSIM_CAT_LAYOUTS][5][64];
	bool match[HEAPSIM_CAT_LAYOUTS][5];
};
struct heapsim_catalogue {
	size_t n;
	struct heapsim_catalogue_row *rows;
	unsigned mismatches;  /* verdicts that differ from (or lack) an expectation */
};
/* Runs every DIR/NAME.scn in name order; 0, or -1 if a file did not parse (the rest ran). */
int heapsim_catalogue_run(const char *dir, struct heapsim_catalogue *c, FILE *progress);
void heapsim_catalogue_markdown(const struct heapsim_catalogue *c, FILE *out);
void heapsim_catalogue_free(struct heapsim_catalogue *c);

/*
 * `heapsim run SCENARIOFILE`: the scenario runner (fuzz layer) defines this
 * when it is built; argv[0] is "run", argv[1..] the arguments as given.
 * Weak: absent, `run` with a file says so and exits 2.
 */
int heapsim_run_scenario_file(int argc, char **argv) __attribute__((weak));

/* ---- helpers shared by the commands (cli_util.c) ---- */

/*
 * Matches option `name` ("--layout") at argv[*i], as "--layout V" or
 * "--layout=V". Returns 1 and sets *val (advancing *i past a separate value),
 * 0 if argv[*i] is another option, -1 if the value is missing.
 */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val);
/* Decimal or 0x-hex, no sign, no trailing junk, fits in uint64_t. */
bool cli_parse_u64(const char *s, uint64_t *out);
/* Layout options shared by audit and run. 1 consumed, 0 not ours, -1 error
 * (message printed). */
int cli_env_option(int argc, char **argv, int *i, struct ll_env_config *cfg);
/* Prints what --help shows for those options. */
void cli_env_options_help(FILE *out);
/* Fuzz inputs and records (replay, minimize): a whole file of at most `max`
 * bytes, or NULL with errno set (EFBIG when longer: never a silent cut). */
#define HEAPSIM_INPUT_MAX (1u << 20)
uint8_t *cli_read_file(const char *path, size_t max, size_t *len);
/* A fuzz input (at most HEAPSIM_INPUT_MAX) for command `cmd`, or NULL after
 * saying why on stderr. */
uint8_t *cli_read_input(const char *cmd, const char *path, size_t *len);
/* The record a fuzz run wrote beside an input (DIR/finding-SHA1.json). */
bool cli_finding_record(const char *input_path, const uint8_t *data, size_t len, char *rec,
			size_t rlen);
/* The value of "key":"..." in a one-line JSON record of our own format. */
bool cli_json_field(const char *json, const char *key, char *out, size_t len);
/* Prints the layout names for an error message. */
void cli_list_layout_names(FILE *out);
/* A JSON string literal (quotes and escapes). */
void cli_json_string(FILE *out, const char *s);

#endif /* HEAPSIM_CLI_H */
