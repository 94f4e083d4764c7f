/*
 * Standalone main for a target file when libFuzzer is absent (gcc builds):
 *
 *   TARGET [-layout=NAME] [-hardening=L] FILE|DIR...   run each input once
 *   TARGET -seed=S -runs=N|-max_total_time=T [-max_len=M] [-artifact_prefix=P]
 *          random inputs (no coverage feedback) until a finding, N runs or T s
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

int main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0, files = 0;

	LLVMFuzzerInitialize(&argc, &argv);
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
