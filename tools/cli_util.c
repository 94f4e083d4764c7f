/* Option helpers shared by the heapsim commands. */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"
#include "heapsim.h"

/* --profile sets the profile's default hardening unless --hardening was given
 * (in either order); reset for every command's parse. */
static bool hardening_given;

void cli_parser_init(struct cli_parser *p, const char *cmd, int argc, char **argv,
		     const struct option *opts)
{
	size_t n = 0;

	hardening_given = false;
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	while (opts && opts[n].name && n < CLI_MAX_OPTS) {
		p->opts[n] = opts[n];
		n++;
	}
	p->opts[n] = (struct option){ "help", no_argument, NULL, CLI_HELP };
	optind = 0; /* glibc: start over (a command may parse after another) */
	opterr = 0; /* our messages, not getopt's */
}

/* "--layout=x" → "--layout" in messages */
static void print_option_name(const char *a)
{
	fprintf(stderr, "%.*s", (int)strcspn(a, "="), a);
}

int cli_next(struct cli_parser *p, const char **arg)
{
	/* '-': operands come back in order (code 1); ':': a missing value is ':' */
	int c = getopt_long(p->argc, p->argv, "-:h", p->opts, NULL);
	const char *bad = optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "";

	*arg = optarg;
	switch (c) {
	case -1:
		return CLI_DONE;
	case ':':
		fprintf(stderr, "heapsim %s: ", p->cmd);
		print_option_name(bad);
		fprintf(stderr, " needs a value\n");
		return CLI_BAD;
	case '?':
		/* getopt sets optopt to a known long option's val when it was
		 * given a value it does not take, to the letter for "-x" */
		if (!strncmp(bad, "--", 2) && optopt) {
			fprintf(stderr, "heapsim %s: ", p->cmd);
			print_option_name(bad);
			fprintf(stderr, " takes no value\n");
		} else if (strncmp(bad, "--", 2) && optopt) {
			fprintf(stderr, "heapsim %s: unknown option '-%c'\n", p->cmd, optopt);
		} else {
			fprintf(stderr, "heapsim %s: unknown option '%s'\n", p->cmd, bad);
		}
		return CLI_BAD;
	default:
		return c;
	}
}

int cli_unexpected(const struct cli_parser *p, const char *arg)
{
	fprintf(stderr, "heapsim %s: unexpected argument '%s'\n", p->cmd, arg);
	return HEAPSIM_EXIT_USAGE;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

void cli_list_layout_names(FILE *out)
{
	fprintf(out, "layouts:");
	for (size_t i = 0; i < ll_layout_count(); i++)
		fprintf(out, " %s", ll_layout_at(i)->name);
	fprintf(out, "\n");
}

static int bad_value(const char *opt, const char *v, const char *want)
{
	fprintf(stderr, "heapsim: bad %s '%s' (%s)\n", opt, v, want);
	return -1;
}

int cli_env_option(int opt, const char *v, struct ll_env_config *cfg)
{
	uint64_t n;
	int h;

	switch (opt) {
	case 'L':
		if (!ll_layout_find(v)) {
			fprintf(stderr, "heapsim: unknown layout '%s'\n", v);
			cli_list_layout_names(stderr);
			return -1;
		}
		cfg->layout = v;
		return 1;
	case 'H':
		if ((h = sys_heap_hardening_parse(v)) < 0)
			return bad_value("--hardening", v, "none, basic, moderate, full, extreme");
		cfg->hardening = (enum sys_heap_hardening)h;
		hardening_given = true;
		return 1;
	case 'R':
		if ((h = sys_heap_profile_parse(v)) < 0)
			return bad_value("--profile", v, sys_heap_profile_choices());
		cfg->profile = (enum sys_heap_profile)h;
		if (!hardening_given)
			cfg->hardening = sys_heap_profile_info(cfg->profile)->hardening;
		return 1;
	case 'N':
		if (!cli_parse_u64(v, &n) || n < LL_CORES_MIN || n > LL_CORES_MAX) {
			char want[64];

			snprintf(want, sizeof(want), "CONFIG_CORE_COUNT %u..%u", LL_CORES_MIN, LL_CORES_MAX);
			return bad_value("--cores", v, want);
		}
		cfg->cores = (unsigned)n;
		return 1;
	case 'B':
		if (!cli_parse_u64(v, &n) || !n || n % sim_page_size() || n > (64u << 20))
			return bad_value("--heap-bytes", v, "a multiple of the page size, at most 64 MiB");
		cfg->heap_bytes = (size_t)n;
		return 1;
	case 'W':
		if (!cli_parse_u64(v, &n) || (n != 32 && n != 64))
			return bad_value("--word-bits", v, "32 or 64");
		cfg->word_bits = (unsigned)n;
		return 1;
	case 'P':
		if (!cli_parse_u64(v, &n) || !n || n > 1000000)
			return bad_value("--period", v, "1..1000000 microseconds");
		cfg->period_us = (uint32_t)n;
		return 1;
	case 'S':
		cfg->strict_verify = true;
		return 1;
	case 'C':
		cfg->cached_heap = false;
		return 1;
	case 'A':
		cfg->alias_partition = false;
		return 1;
	case 'K':
		cfg->user_space = false;
		return 1;
	default:
		return 0;
	}
}

void cli_env_options_help(FILE *out)
{
	fprintf(out,
		"  --layout NAME        LL heap layout (see `heapsim list-layouts`)\n"
		"  --hardening L        sys_heap hardening: none basic moderate full extreme\n"
		"                       (default moderate)\n"
		"  --heap-bytes N       heap buffer size, a page multiple (default 0x20000)\n"
		"  --word-bits 32|64    target word size of the heap (default 32)\n"
		"  --strict-verify      sof_heap_free also requires the start of a live block\n"
		"  --no-cache           no cached heap (no line rounding, no cache invalidate)\n"
		"  --no-alias           do not add the uncached alias partition\n"
		"  --kernel-ll          LL thread and tasks in kernel mode (no user space)\n"
		"  --period US          LL tick period in microseconds (default 1000)\n"
		"  --profile P          build profile: production (no asserts, BASIC), debug\n"
		"                       (asserts, MODERATE; default), fuzz (sanitizers, FULL);\n"
		"                       sets the hardening unless --hardening is given\n"
		"  --cores N            CONFIG_CORE_COUNT of the SOF-main layouts (1..5, default 3)\n");
}

const char *cli_profile_text(const struct ll_env_config *cfg, char *buf, size_t len)
{
	const struct sys_heap_profile_info *p = sys_heap_profile_info(cfg->profile);

	snprintf(buf, len, "%s (%s)", p ? p->name : "?", p ? p->summary : "?");
	return buf;
}

int cli_budget_option(const char *cmd, int opt, const char *v, struct atk_budget *b)
{
	uint64_t n;

	switch (opt) {
	case 'T':
		if (!cli_parse_u64(v, &n) || n > ULONG_MAX) {
			fprintf(stderr, "heapsim %s: bad --budget-ticks '%s' (LL ticks per run, 0: "
					"no limit): number out of range or not a number\n", cmd, v);
			return -1;
		}
		b->ticks = (unsigned long)n;
		return 1;
	case 'D':
		if (!cli_parse_u64(v, &n) || n > 7 * 86400) {
			fprintf(stderr, "heapsim %s: bad --budget-seconds '%s' (0..604800, 0: no "
					"limit)\n", cmd, v);
			return -1;
		}
		b->seconds = (double)n;
		return 1;
	default:
		return 0;
	}
}

void cli_budget_help(FILE *out)
{
	fprintf(out,
		"  --budget-ticks N     LL ticks one scenario run may ask for (default %lu;\n"
		"                       0: no limit)\n"
		"  --budget-seconds S   wall time of one scenario run (default %.0f; 0: no limit)\n"
		"                       a run over budget is exit 2 \"budget exceeded\"\n",
		ATK_BUDGET_TICKS_DEFAULT, ATK_BUDGET_SECONDS_DEFAULT);
}

static char watchdog_msg[160];

static void watchdog_fired(int sig)
{
	ssize_t n = write(STDERR_FILENO, watchdog_msg, strlen(watchdog_msg));

	(void)sig;
	(void)n;
	_exit(HEAPSIM_EXIT_USAGE);
}

void cli_watchdog(const char *cmd, unsigned seconds)
{
	struct sigaction sa;

	if (!seconds)
		return;
	snprintf(watchdog_msg, sizeof(watchdog_msg),
		 "heapsim %s: budget exceeded: still running after %u s (raise it with "
		 "--budget-seconds)\n", cmd, seconds);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog_fired;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

void cli_json_string(FILE *out, const char *s)
{
	sim_json_string(out, s);
}

FILE *cli_open_input(const char *path)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; the check
	 * below refuses it before anything reads */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *in;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int err = errno;

		if (S_ISDIR(st.st_mode))
			err = EISDIR;
		else if (!S_ISREG(st.st_mode))
			err = CLI_ENOTREG;
		close(fd);
		errno = err;
		return NULL;
	}
	/* a regular file never blocks; reads go on as usual */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	in = fdopen(fd, "rb");
	if (!in)
		close(fd);
	return in;
}

bool cli_input_ok(const char *cmd, const char *path)
{
	FILE *in = cli_open_input(path);

	if (in) {
		fclose(in);
		return true;
	}
	fprintf(stderr, "heapsim %s: cannot read %s: %s\n", cmd, path, cli_read_error(errno));
	return false;
}

const char *cli_read_error(int err)
{
	if (err == CLI_ENOTREG)
		return "not a regular file (a FIFO, device or socket)";
	return strerror(err);
}

uint8_t *cli_read_file(const char *path, size_t max, size_t *len)
{
	FILE *in = cli_open_input(path);
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (!in)
		return NULL;
	for (;;) {
		size_t want = cap ? cap * 2 : 4096;
		uint8_t *bigger;

		if (want > max + 1)
			want = max + 1;
		bigger = realloc(buf, want);
		if (!bigger)
			break;
		buf = bigger;
		cap = want;
		n += fread(buf + n, 1, cap - n, in);
		if (n < cap || cap == max + 1)
			break;
	}
	if (!buf || ferror(in) || n > max) {
		int err = !buf ? ENOMEM : ferror(in) ? EIO : EFBIG;

		free(buf);
		fclose(in);
		errno = err;
		return NULL;
	}
	fclose(in);
	*len = n;
	return buf;
}

uint8_t *cli_read_input(const char *cmd, const char *path, size_t *len)
{
	uint8_t *d = cli_read_file(path, HEAPSIM_INPUT_MAX, len);

	if (!d)
		fprintf(stderr, "heapsim %s: cannot read %s: %s\n", cmd, path,
			errno == EFBIG ? "larger than 1 MiB, not a fuzz input" : cli_read_error(errno));
	return d;
}

/* The value of "key":"..." in a one-line JSON record of our own format
 * (sim_json_string's escapes: \" \\ and \u00XX). False if absent or too long. */
static bool json_field(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(json, pat);
	if (!p || !len)
		return false;
	for (p += strlen(pat); *p && *p != '"'; p++) {
		char c = *p;
		unsigned u;

		if (c == '\\' && p[1] == 'u' && sscanf(p + 2, "%4x", &u) == 1 && u < 0x80) {
			c = (char)u;
			p += 5;
		} else if (c == '\\' && p[1]) {
			c = *++p;
		}
		if (n + 1 >= len)
			break;
		out[n++] = c;
	}
	out[n] = '\0';
	if (*p == '"')
		return true;
	out[0] = '\0';
	return false;
}

/* The value of "key":N (a small integer), or dflt. */
static long json_number(const char *json, const char *key, long dflt)
{
	char pat[64], *end;
	const char *p;
	long v;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return dflt;
	p += strlen(pat);
	errno = 0;
	v = strtol(p, &end, 10);
	return errno || end == p ? dflt : v;
}

bool cli_record_read(const char *cmd, const char *input_path, const uint8_t *data, size_t len,
		     struct cli_record *rec)
{
	char sha[41], prefix[PATH_MAX], file[PATH_MAX + 64], json[2048], *dup = strdup(input_path);
	FILE *in;
	size_t n;
	bool full;

	memset(rec, 0, sizeof(*rec));
	rec->op = -1;
	if (!dup)
		return true;
	fuzz_sha1_hex(data, len, sha);
	snprintf(prefix, sizeof(prefix), "%s/", dirname(dup));
	free(dup);
	fuzz_record_path(file, sizeof(file), prefix, sha);
	in = cli_open_input(file);
	if (!in && errno == ENOENT)
		return true;
	if (!in) {
		fprintf(stderr, "heapsim %s: cannot read the finding record %s: %s\n", cmd, file,
			cli_read_error(errno));
		return false;
	}
	n = fread(json, 1, sizeof(json) - 1, in);
	json[n] = '\0';
	full = n == sizeof(json) - 1 && fgetc(in) != EOF;
	fclose(in);
	/* One whole JSON object: a cut one (a full disk, a crashed writer) would
	 * pin nothing and silently change the run. */
	while (n && (json[n - 1] == '\n' || json[n - 1] == ' '))
		json[--n] = '\0';
	if (!n || full || json[0] != '{' || json[n - 1] != '}' || !strstr(json, "\"kind\"") ||
	    !strstr(json, "\"input_sha1\"")) {
		fprintf(stderr, "heapsim %s: the record %s is truncated or not a finding record\n", cmd, file);
		return false;
	}
	rec->found = true;
	json_field(json, "target", rec->target, sizeof(rec->target));
	json_field(json, "layout", rec->layout, sizeof(rec->layout));
	json_field(json, "hardening", rec->hardening, sizeof(rec->hardening));
	json_field(json, "oracle", rec->oracle, sizeof(rec->oracle));
	json_field(json, "profile", rec->profile, sizeof(rec->profile));
	json_field(json, "kind", rec->kind, sizeof(rec->kind));
	json_field(json, "message", rec->message, sizeof(rec->message));
	rec->word_bits = (unsigned)json_number(json, "word_bits", 0);
	rec->op = json_number(json, "op", -1);
	return true;
}

bool cli_oracle_known(const char *name)
{
	struct fuzz_opts o;

	fuzz_opts_default(&o);
	return fuzz_oracle_set(&o, name);
}

const char *cli_pick(const char *option, const char *env, const char *rec,
		     bool (*valid)(const char *))
{
	const char *e = getenv(env);

	if (option)
		return option;
	if (e && *e)
		return e;
	if (rec && *rec && (!valid || valid(rec)))
		return rec;
	return NULL;
}

bool cli_layout_known(const char *name)
{
	return ll_layout_find(name) != NULL;
}

bool cli_hardening_known(const char *name)
{
	return sys_heap_hardening_parse(name) >= 0;
}
