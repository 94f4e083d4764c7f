/*
 * Standalone main for a target file when libFuzzer is absent (gcc builds):
 *
 *   TARGET [-layout=NAME] [-hardening=L] FILE|DIR...   run each input once
 *   TARGET -seed=S -runs=N|-max_total_time=T [-max_len=M] [-artifact_prefix=P]
 *          random inputs (no coverage feedback) until a finding, N runs or T s
 *   TARGET -runs=N [-seed=S] DIR...
 *          N mutations of the directories' files (read, never written), through
 *          the target's structured mutator when it has one (else bytes), as
 *          libFuzzer does with a corpus but without coverage feedback
 *
 * Same exit behaviour as libFuzzer on a reproducer: 0 when every input ran
 * clean; a finding aborts (its report and JSON record on stderr). Unknown
 * '-flag=value' arguments are ignored, as libFuzzer warns and goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Defined by the targets that have an operation table (fuzz_entry.h). */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
	__attribute__((weak));
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size, unsigned int seed) __attribute__((weak));
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* libFuzzer's byte mutator stands in for the structured one's fallback;
 * here a few random byte edits (the random mode's). */
static uint64_t mutate_rng = 0x9E3779B97F4A7C15ull;

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size)
{
	uint8_t *copy = malloc(max_size ? max_size : 1);
	size_t n;

	if (!copy || !max_size) {
		free(copy);
		return size;
	}
	memcpy(copy, data, size < max_size ? size : max_size);
	n = fuzz_random_input(&mutate_rng, copy, size < max_size ? size : max_size, max_size);
	memcpy(data, copy, n);
	free(copy);
	return n;
}

/* A regular file, opened without blocking: a FIFO or device is refused at
 * once instead of waiting for a writer or reading forever. */
static FILE *open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fdopen(fd, "rb");
}

static int run_file(const char *path)
{
	FILE *in = open_regular(path);
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!in) {
		fprintf(stderr, "cannot open %s: %s\n", path,
			errno == ENODEV ? "not a regular file" : strerror(errno));
		return 2;
	}
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!nb) {
				fclose(in);
				free(buf);
				return 2;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, in);
		len += got;
	} while (got);
	fclose(in);
	printf("Running: %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

/* Every regular file of a directory, in name order (deterministic). */
static int run_dir(const char *dir, unsigned *count)
{
	size_t n;
	char **names = atk_list_dir(dir, "", &n);
	int rc = 0;

	if (!names) {
		fprintf(stderr, "cannot open %s: %s\n", dir, strerror(errno));
		return 2;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc = run_file(names[i]);
			++*count;
		}
	}
	atk_list_free(names, n);
	return rc;
}

static unsigned long flag(int argc, char **argv, const char *name, unsigned long def)
{
	size_t n = strlen(name);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
			return strtoul(argv[i] + n + 1, NULL, 0);
	return def;
}

static const char *flag_str(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
	return NULL;
}

static int random_mode(int argc, char **argv)
{
	unsigned long runs = flag(argc, argv, "-runs", 0);
	unsigned long secs = flag(argc, argv, "-max_total_time", 0);
	size_t max = flag(argc, argv, "-max_len", 4096), len = 0;
	uint64_t rng = flag(argc, argv, "-seed", 1) * 0x9E3779B97F4A7C15ull + 1;
	uint8_t *buf = malloc(max ? max : 1);
	time_t t0 = time(NULL);
	unsigned long i;

	if (!buf || !max)
		return 2;
	fuzz_lf_set_artifact_prefix(flag_str(argc, argv, "-artifact_prefix"), true);
	for (i = 0; (!runs || i < runs) && (!secs || time(NULL) - t0 < (time_t)secs); i++) {
		len = fuzz_random_input(&rng, buf, len, max);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("Done %lu random runs in %ld s\n", i, (long)(time(NULL) - t0));
	free(buf);
	return 0;
}

/* The regular files of the directories named on the command line. */
struct pool {
	uint8_t **in;
	size_t *len;
	size_t n;
};

static bool pool_add_file(struct pool *p, const char *path)
{
	FILE *f = open_regular(path);
	uint8_t buf[1 << 16];
	size_t len;
	void *nin, *nlen;

	if (!f)
		return false;
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	nin = realloc(p->in, (p->n + 1) * sizeof(*p->in));
	if (nin)
		p->in = nin;
	nlen = realloc(p->len, (p->n + 1) * sizeof(*p->len));
	if (nlen)
		p->len = nlen;
	if (!nin || !nlen || !(p->in[p->n] = malloc(len ? len : 1)))
		return false;
	memcpy(p->in[p->n], buf, len);
	p->len[p->n++] = len;
	return true;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int mutate_mode(int argc, char **argv, unsigned long runs)
{
	size_t max = flag(argc, argv, "-max_len", 4096);
	uint64_t rng = flag(argc, argv, "-seed", 1) * 0x9E3779B97F4A7C15ull + 1;
	uint8_t *buf = malloc(max ? max : 1);
	struct pool p = { NULL, NULL, 0 };
	unsigned long i;
	int rc = 0;

	for (int a = 1; a < argc && buf; a++) {
		size_t n;
		char **names;

		if (argv[a][0] == '-')
			continue;
		names = atk_list_dir(argv[a], "", &n);
		if (!names) {
			fprintf(stderr, "cannot open %s: %s\n", argv[a], strerror(errno));
			rc = 2;
			break;
		}
		for (size_t k = 0; k < n; k++) {
			struct stat st;

			if (stat(names[k], &st) == 0 && S_ISREG(st.st_mode) && !pool_add_file(&p, names[k]))
				rc = 2;
		}
		atk_list_free(names, n);
	}
	if (!buf || !max || rc) {
		rc = 2;
		goto out;
	}
	mutate_rng = rng | 1;
	fuzz_lf_set_artifact_prefix(flag_str(argc, argv, "-artifact_prefix"), true);
	for (i = 0; i < runs; i++) {
		uint64_t r = xorshift(&rng);
		size_t len = 0, k = p.n ? (size_t)(r % p.n) : 0;

		if (p.n) {
			len = p.len[k] < max ? p.len[k] : max;
			memcpy(buf, p.in[k], len);
		}
		if (p.n > 1 && LLVMFuzzerCustomCrossOver && (r >> 32) % 8 == 0) {
			size_t other = (size_t)(r >> 40) % p.n;
			uint8_t *mix = malloc(max);

			if (mix) {
				len = LLVMFuzzerCustomCrossOver(buf, len, p.in[other], p.len[other], mix, max,
								(unsigned)(r >> 8));
				memcpy(buf, mix, len);
				free(mix);
			}
		} else if (LLVMFuzzerCustomMutator) {
			len = LLVMFuzzerCustomMutator(buf, len, max, (unsigned)(r >> 8));
		} else {
			len = LLVMFuzzerMutate(buf, len, max);
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("Done %lu mutations of %zu inputs (%s mutator): no finding\n", runs, p.n,
	       LLVMFuzzerCustomMutator ? "structured" : "byte");
out:
	for (size_t k = 0; k < p.n; k++)
		free(p.in[k]);
	free(p.in);
	free(p.len);
	free(buf);
	return rc;
}

static bool any_dir(int argc, char **argv)
{
	struct stat st;

	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-' && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0, files = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	if (flag(argc, argv, "-runs", 0) && any_dir(argc, argv))
		return mutate_mode(argc, argv, flag(argc, argv, "-runs", 0));
	for (int i = 1; i < argc && !rc; i++) {
		struct stat st;

		if (argv[i][0] == '-')
			continue;
		files++;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = run_dir(argv[i], &count);
		} else {
			rc = run_file(argv[i]);
			count++;
		}
	}
	if (!files) {
		if (flag(argc, argv, "-runs", 0) || flag(argc, argv, "-max_total_time", 0))
			return random_mode(argc, argv);
		fprintf(stderr, "usage: %s [-layout=NAME] [-hardening=L] FILE|DIR...\n"
				"       %s -seed=S -runs=N|-max_total_time=T [-max_len=M]\n",
			argv[0], argv[0]);
		return 2;
	}
	if (!rc)
		printf("Executed %u inputs: no finding\n", count);
	return rc;
}
