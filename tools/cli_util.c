/* Option helpers shared by the heapsim commands. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "heapsim.h"

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n])
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "heapsim: %s needs a value\n", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
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

int cli_env_option(int argc, char **argv, int *i, struct ll_env_config *cfg)
{
	const char *v;
	uint64_t n;
	int r;

	if ((r = cli_opt_value(argc, argv, i, "--layout", &v)) != 0) {
		if (r < 0)
			return -1;
		if (!ll_layout_find(v)) {
			fprintf(stderr, "heapsim: unknown layout '%s'\n", v);
			cli_list_layout_names(stderr);
			return -1;
		}
		cfg->layout = v;
		return 1;
	}
	if ((r = cli_opt_value(argc, argv, i, "--hardening", &v)) != 0) {
		int h = r < 0 ? -1 : sys_heap_hardening_parse(v);

		if (r < 0)
			return -1;
		if (h < 0)
			return bad_value("--hardening", v, "none, basic, moderate, full, extreme");
		cfg->hardening = (enum sys_heap_hardening)h;
		return 1;
	}
	if ((r = cli_opt_value(argc, argv, i, "--heap-bytes", &v)) != 0) {
		if (r < 0)
			return -1;
		if (!cli_parse_u64(v, &n) || !n || n % sim_page_size() || n > (64u << 20))
			return bad_value("--heap-bytes", v, "a multiple of the page size, at most 64 MiB");
		cfg->heap_bytes = (size_t)n;
		return 1;
	}
	if ((r = cli_opt_value(argc, argv, i, "--word-bits", &v)) != 0) {
		if (r < 0)
			return -1;
		if (!cli_parse_u64(v, &n) || (n != 32 && n != 64))
			return bad_value("--word-bits", v, "32 or 64");
		cfg->word_bits = (unsigned)n;
		return 1;
	}
	if ((r = cli_opt_value(argc, argv, i, "--period", &v)) != 0) {
		if (r < 0)
			return -1;
		if (!cli_parse_u64(v, &n) || !n || n > 1000000)
			return bad_value("--period", v, "1..1000000 microseconds");
		cfg->period_us = (uint32_t)n;
		return 1;
	}
	if (!strcmp(argv[*i], "--strict-verify"))
		cfg->strict_verify = true;
	else if (!strcmp(argv[*i], "--no-cache"))
		cfg->cached_heap = false;
	else if (!strcmp(argv[*i], "--no-alias"))
		cfg->alias_partition = false;
	else if (!strcmp(argv[*i], "--kernel-ll"))
		cfg->user_space = false;
	else
		return 0;
	return 1;
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
		"  --period US          LL tick period in microseconds (default 1000)\n");
}

void cli_json_string(FILE *out, const char *s)
{
	sim_json_string(out, s);
}

uint8_t *cli_read_file(const char *path, size_t max, size_t *len)
{
	FILE *in = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	struct stat st;

	if (!in)
		return NULL;
	/* fopen accepts a directory; its read error would say only EIO */
	if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(in);
		errno = EISDIR;
		return NULL;
	}
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
			errno == EFBIG ? "larger than 1 MiB, not a fuzz input" : strerror(errno));
	return d;
}

bool cli_finding_record(const char *input_path, const uint8_t *data, size_t len, char *rec,
			size_t rlen)
{
	char sha[41], file[PATH_MAX], *dup = strdup(input_path);
	FILE *in;
	size_t n;

	if (!dup)
		return false;
	fuzz_sha1_hex(data, len, sha);
	snprintf(file, sizeof(file), "%s/finding-%s.json", dirname(dup), sha);
	free(dup);
	in = fopen(file, "r");
	if (!in)
		return false;
	n = fread(rec, 1, rlen - 1, in);
	rec[n] = '\0';
	fclose(in);
	return true;
}

bool cli_json_field(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(json, pat);
	if (!p)
		return false;
	p += strlen(pat);
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= len)
		return false;
	snprintf(out, len, "%.*s", (int)(e - p), p);
	return true;
}
