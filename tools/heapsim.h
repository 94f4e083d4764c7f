/*
 * The `heapsim` CLI: `heapsim <command> [args]`. Each command is one function
 * in its own file (cmd_*.c), listed in the table in heapsim.c. A command gets
 * argv[0] = its own name and returns the process exit code.
 */
#ifndef HEAPSIM_CLI_H
#define HEAPSIM_CLI_H

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "attack.h" /* includes sched.h */

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
/* attack/-backed (cmd_scenario.c: matrix, run FILE) and fuzz/-backed
 * (cmd_replay.c, cmd_minimize.c, the verdict's fuzz stage) commands */
int heapsim_cmd_replay(int argc, char **argv);
int heapsim_cmd_matrix(int argc, char **argv);
int heapsim_cmd_minimize(int argc, char **argv);
int heapsim_cmd_export(int argc, char **argv);
int heapsim_cmd_verdict(int argc, char **argv);
int heapsim_cmd_report(int argc, char **argv);

/* The attack catalogue run on every layout × hardening (cmd_scenario.c). */
/* One scenario on one layout (sched's table order) at one hardening level. */
struct heapsim_cell {
	bool ran;
	struct atk_verdict v;
	bool has_expect;
	char expect[64];
	bool match;
};
struct heapsim_catalogue_row {
	char name[64];
	char about[256];
	char escalates[256];        /* the scenario's `escalates` line */
	struct heapsim_cell *cells; /* ll_layout_count() × SYS_HEAP_HARDENING_LEVELS */
};
static inline struct heapsim_cell *heapsim_cell_at(const struct heapsim_catalogue_row *r,
						   size_t layout, int hardening)
{
	return &r->cells[layout * SYS_HEAP_HARDENING_LEVELS + (size_t)hardening];
}
struct heapsim_catalogue {
	size_t n;
	struct heapsim_catalogue_row *rows;
	unsigned mismatches;  /* verdicts that differ from (or lack) an expectation */
};
/*
 * Runs every DIR/NAME.scn in name order, each run within `budget` (NULL: the
 * defaults). 0; -1 if a file is not a readable regular file or does not
 * parse (said on stderr; nothing ran); -2 if a run exceeded its budget (said
 * on stderr; the cell is an error verdict).
 */
int heapsim_catalogue_run(const char *dir, const struct atk_budget *budget,
			  struct heapsim_catalogue *c, FILE *progress);
void heapsim_catalogue_markdown(const struct heapsim_catalogue *c, FILE *out);
void heapsim_catalogue_free(struct heapsim_catalogue *c);

/* `heapsim run SCENARIOFILE...`: the scenario runner (cmd_scenario.c);
 * argv[0] is "run", argv[1..] the arguments as given. */
int heapsim_run_scenario_file(int argc, char **argv);

/* ---- helpers shared by the commands (cli_util.c) ---- */

/*
 * The one option parser of every command: getopt_long over the command's
 * argv (argv[0] = the command's name), options and operands in any order,
 * "--name V" and "--name=V" alike. opts[] lists the command's options
 * (`val`: what cli_next returns for it; letters) and ends with a zeroed entry;
 * --help and -h are always known.
 */
enum {
	CLI_DONE = -1,   /* no more arguments */
	CLI_OPERAND = 1, /* *arg is an operand (not an option) */
	CLI_HELP = 'h',  /* --help / -h */
	CLI_BAD = '?',   /* unknown option or missing value: said on stderr, exit 2 */
};
#define CLI_MAX_OPTS 24
struct cli_parser {
	const char *cmd;
	int argc;
	char **argv;
	struct option opts[CLI_MAX_OPTS + 2];
};
void cli_parser_init(struct cli_parser *p, const char *cmd, int argc, char **argv,
		     const struct option *opts);
/* The next option's val (its value in *arg), or one of CLI_*. */
int cli_next(struct cli_parser *p, const char **arg);
/* "heapsim CMD: unexpected argument 'ARG'"; returns HEAPSIM_EXIT_USAGE. */
int cli_unexpected(const struct cli_parser *p, const char *arg);
/* Decimal or 0x-hex, no sign, no trailing junk, fits in uint64_t. */
bool cli_parse_u64(const char *s, uint64_t *out);
/* Layout options shared by audit and run: their entries for opts[] (append
 * CLI_ENV_OPTIONS), and cli_env_option to apply one (val from cli_next).
 * 1 applied, 0 not one of them, -1 bad value (message printed). */
#define CLI_ENV_OPTIONS                                                                          \
	{ "layout", required_argument, NULL, 'L' }, { "hardening", required_argument, NULL, 'H' }, \
	{ "heap-bytes", required_argument, NULL, 'B' }, { "word-bits", required_argument, NULL, 'W' }, \
	{ "period", required_argument, NULL, 'P' }, { "strict-verify", no_argument, NULL, 'S' },     \
	{ "no-cache", no_argument, NULL, 'C' }, { "no-alias", no_argument, NULL, 'A' },             \
	{ "kernel-ll", no_argument, NULL, 'K' }, { "profile", required_argument, NULL, 'R' },         \
	{ "cores", required_argument, NULL, 'N' }
int cli_env_option(int opt, const char *val, struct ll_env_config *cfg);
/* "production (no asserts, target arithmetic, BASIC)": the profile a run holds under. */
const char *cli_profile_text(const struct ll_env_config *cfg, char *buf, size_t len);
/* Prints what --help shows for those options. */
void cli_env_options_help(FILE *out);
/* The budget options of run FILE, matrix and verdict: per scenario run
 * (layout × hardening), --budget-ticks N and --budget-seconds S (0: no
 * limit). 1 applied, 0 not one of them, -1 bad value (message printed). */
#define CLI_BUDGET_OPTIONS                                          \
	{ "budget-ticks", required_argument, NULL, 'T' },           \
	{ "budget-seconds", required_argument, NULL, 'D' }
int cli_budget_option(const char *cmd, int opt, const char *val, struct atk_budget *b);
void cli_budget_help(FILE *out);
/* A wall-clock limit on the rest of the command (0: none): past it, "heapsim
 * CMD: budget exceeded ..." on stderr and exit 2, wherever it was. For work
 * that cannot stop between steps (the LL pipeline of `run --ticks`). */
void cli_watchdog(const char *cmd, unsigned seconds);
/*
 * Every input file goes through here: only a regular file is opened (a FIFO
 * would block, a device never end, a directory read as EIO). NULL with errno
 * set: EISDIR, CLI_ENOTREG for a FIFO/device/socket, or open's own error.
 */
#define CLI_ENOTREG ENODEV
FILE *cli_open_input(const char *path);
/* The reason for a failed cli_open_input / cli_read_file (errno). */
const char *cli_read_error(int err);
/* Is path a readable regular file? If not: "heapsim CMD: cannot read PATH: why". */
bool cli_input_ok(const char *cmd, const char *path);
/* Fuzz inputs and records (replay, minimize): a whole file of at most `max`
 * bytes, or NULL with errno set (EFBIG when longer: never a silent cut). */
#define HEAPSIM_INPUT_MAX (1u << 20)
uint8_t *cli_read_file(const char *path, size_t max, size_t *len);
/* A fuzz input (at most HEAPSIM_INPUT_MAX) for command `cmd`, or NULL after
 * saying why on stderr. */
uint8_t *cli_read_input(const char *cmd, const char *path, size_t *len);
/*
 * The record a fuzz run wrote beside an input (DIR/finding-SHA1.json): what
 * decided its verdict ("" / 0 when absent or there is no record), and what
 * it found (kind, op, message) so a replay can be compared with it.
 */
struct cli_record {
	bool found;             /* a record was read */
	char target[32], layout[32], hardening[16], oracle[8], profile[32];
	unsigned word_bits;
	char kind[48];
	long op;
	char message[256];
};
/* False (said on stderr as "heapsim CMD: ...") when a record is there but
 * cannot be read: not a regular file, say; no record at all is fine. */
bool cli_record_read(const char *cmd, const char *input_path, const uint8_t *data, size_t len,
		     struct cli_record *rec);
/*
 * Which layout / hardening / oracle set a replayed input runs with: the
 * option if given, else the environment variable `env` if set and not empty,
 * else the record's value if valid() accepts it (rec, valid may be NULL), else
 * NULL. One precedence for replay and minimize.
 */
/* "all" or "escape": the oracle sets a run can have. */
bool cli_oracle_known(const char *name);
const char *cli_pick(const char *option, const char *env, const char *rec,
		     bool (*valid)(const char *));
bool cli_layout_known(const char *name);
bool cli_hardening_known(const char *name);
/* Prints the layout names for an error message. */
void cli_list_layout_names(FILE *out);
/* A JSON string literal (quotes and escapes). */
void cli_json_string(FILE *out, const char *s);

#endif /* HEAPSIM_CLI_H */
