/*
 * heap-trace --bytes N [--word 32|64] [--hardening LEVEL] < trace.txt
 * Replays a trace (docs/spec/heap-trace.md) on a fresh heap with runtime
 * stats and internal checks on. Exit: 0 ok, 1 validate failed, 2 usage or bad
 * input, 3 a heap check fired.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "heap.h"

static void to_stream(void *ctx, const char *text, size_t len)
{
	fwrite(text, 1, len, ctx ? stderr : stdout);
}

static void to_stderr(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	fwrite(text, 1, len, stderr);
}

static int usage(const char *why)
{
	fprintf(stderr, "heap-trace: %s\n"
		"usage: heap-trace --bytes N [--word 32|64] [--hardening none|basic|moderate|full|extreme] < TRACE\n",
		why);
	return HEAP_TRACE_BAD_INPUT;
}

static bool parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > SIZE_MAX)
		return false;
	*out = (size_t)v;
	return true;
}

/* A trace larger than this is not a trace (the golden ones are ~3 KiB). */
#define TRACE_MAX_BYTES ((size_t)64 << 20)

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		if (cap > TRACE_MAX_BYTES) {
			free(buf);
			errno = EFBIG;
			return NULL;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (n < cap) {
			if (ferror(f)) {
				free(buf);
				return NULL;
			}
			*len = n;
			return buf;
		}
		char *bigger = realloc(buf, cap * 2);

		if (!bigger)
			free(buf);
		buf = bigger;
		cap *= 2;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sys_heap_config cfg;
	struct heap_trace_io io = { to_stream, to_stderr, NULL };
	size_t bytes = 0, len, nslots, map_bytes;
	bool have_bytes = false;
	char *text;
	void **slots, *buf;
	int rc;

	sys_heap_config_default(&cfg);
	cfg.runtime_stats = true;
	cfg.internal_checks = true;
	for (int i = 1; i < argc; i += 2) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--bytes")) {
			if (!parse_size(val, &bytes))
				return usage("--bytes needs a size in bytes");
			have_bytes = true;
		} else if (!strcmp(argv[i], "--word")) {
			if (!val || (strcmp(val, "32") && strcmp(val, "64")))
				return usage("--word must be 32 or 64");
			cfg.word_bits = (unsigned)atoi(val);
		} else if (!strcmp(argv[i], "--hardening")) {
			int level = val ? sys_heap_hardening_parse(val) : -1;

			if (level < 0)
				return usage("unknown hardening level");
			cfg.hardening = (enum sys_heap_hardening)level;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage("replays a heap trace");
			return 0;
		} else {
			return usage("unknown argument");
		}
	}
	if (!have_bytes)
		return usage("--bytes is required");

	errno = 0;
	text = read_all(stdin, &len);
	if (!text)
		return usage(errno == EFBIG ? "the trace on standard input is larger than 64 MiB"
					    : "cannot read the trace from standard input");
	rc = heap_trace_check(text, len, &nslots, &io);
	if (rc != HEAP_TRACE_OK) {
		free(text);
		return rc;
	}
	/* A page-aligned, zero-filled buffer (mmap gives both, lazily). */
	map_bytes = bytes ? bytes : 1;
	buf = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (buf == MAP_FAILED) {
		free(text);
		fprintf(stderr, "heap-trace: cannot map a %zu-byte buffer\n", bytes);
		return HEAP_TRACE_BAD_INPUT;
	}
	slots = calloc(nslots ? nslots : 1, sizeof(*slots));
	if (!slots) {
		free(text);
		return usage("out of memory");
	}
	rc = heap_trace_run(text, len, buf, bytes, &cfg, slots, nslots, &io);
	fflush(stdout);
	free(slots);
	free(text);
	munmap(buf, map_bytes);
	return rc;
}
