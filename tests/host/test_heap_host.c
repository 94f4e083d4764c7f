/*
 * Host-only heap checks (need fork/stdio): the default check handler aborts
 * with a message; sys_heap_stress reproduces golden stress.tsv when each row
 * runs in a fresh process (its RNG is seeded once per process); the offset
 * describer names metadata bytes.
 *   test_heap_host PATH/stress.tsv
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "heap.h"

static uint8_t buf[1 << 20] __attribute__((aligned(4096)));

/* ---- default check handler ---------------------------------------------- */

/* The child turns SIGABRT into exit status 100 so that coverage profiles
 * are still written; seeing 100 proves abort() was called. */
static void on_abort(int sig)
{
	(void)sig;
	exit(100);
}

/* Runs fn in a child with stderr captured; returns the wait status. */
static int run_child(void (*fn)(void), char *err, size_t errlen)
{
	int fds[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGABRT, on_abort);
		dup2(fds[1], 2);
		close(fds[0]);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (got < (ssize_t)errlen - 1 && (n = read(fds[0], err + got, errlen - 1 - got)) > 0)
		got += n;
	err[got] = 0;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void child_double_free(void)
{
	struct sys_heap h;
	void *p;

	sys_heap_set_check_handler(sys_heap_default_check_handler, NULL);
	sys_heap_init(&h, buf, 4096);
	p = sys_heap_alloc(&h, 64);
	sys_heap_alloc(&h, 64);
	sys_heap_free(&h, p);
	sys_heap_free(&h, p);
}

static void child_bad_alignment(void)
{
	struct sys_heap h;

	sys_heap_set_check_handler(sys_heap_default_check_handler, NULL);
	sys_heap_init(&h, buf, 4096);
	sys_heap_aligned_alloc(&h, 0x70, 8);
}

static void child_init_too_small(void)
{
	struct sys_heap h;

	sys_heap_set_check_handler(sys_heap_default_check_handler, NULL);
	sys_heap_init(&h, buf, 8);
}

static void expect_abort(void (*fn)(void), const char *name)
{
	char err[4096];
	int status = run_child(fn, err, sizeof(err));

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 100)
		fail_msg("child did not abort (status 0x%x); stderr: %s", status, err);
	if (!strstr(err, name))
		fail_msg("stderr does not name \"%s\": %s", name, err);
}

static void default_handler_aborts_on_double_free(void **state)
{
	(void)state;
	expect_abort(child_double_free, "double free");
}

static void default_handler_aborts_on_caller_error(void **state)
{
	(void)state;
	expect_abort(child_bad_alignment, "caller error");
}

static void default_handler_aborts_on_init_too_small(void **state)
{
	(void)state;
	expect_abort(child_init_too_small, "init too small");
}

/* The handler is process-wide and starts as the default. */
static void handler_starts_as_default(void **state)
{
	sys_heap_check_fn fn;
	void *ctx;

	(void)state;
	sys_heap_get_check_handler(&fn, &ctx);
	assert_ptr_equal(fn, sys_heap_default_check_handler);
}

/* ---- describe_offset ---------------------------------------------------- */

static void describe_offset_names_metadata(void **state)
{
	struct sys_heap h;
	struct sys_heap_config cfg;
	struct sys_heap_layout l;
	char d[96];
	uint8_t *p;
	size_t uoff;

	(void)state;
	sys_heap_config_default(&cfg);
	cfg.runtime_stats = true;
	memset(buf, 0, 4096);
	assert_int_equal(sys_heap_init_checked(&h, buf, 4096, &cfg, true), 0);
	sys_heap_layout_get(&h, &l);
	p = sys_heap_alloc(&h, 100);
	uoff = (size_t)(p - (uint8_t *)h.heap);
	/* heap header: end at 8, avail at 12, bucket heads */
	assert_true(sys_heap_describe_offset(&h, 12, d, sizeof(d)));
	assert_non_null(strstr(d, "avail"));
	assert_true(sys_heap_describe_offset(&h, l.heads_offset + 4, d, sizeof(d)));
	assert_non_null(strstr(d, "bucket"));
	/* the allocated chunk's header is metadata, its payload is not */
	assert_true(sys_heap_describe_offset(&h, uoff - 2, d, sizeof(d)));
	assert_false(sys_heap_describe_offset(&h, uoff + 50, d, sizeof(d)));
	assert_non_null(strstr(d, "payload"));
	/* a free chunk's links are metadata */
	assert_true(sys_heap_describe_offset(&h, uoff - l.hdr_bytes + 2 * l.field_bytes +
						   8 * (100 / 8 + (100 % 8 + l.hdr_bytes + 7) / 8),
					   d, sizeof(d)));
}

/* Every byte of a small heap: headers, links and the heap header are
 * metadata, a used block's payload is not (offsets from the spec's layout). */
static void describe_offset_every_byte(void **state)
{
	struct sys_heap h;
	struct sys_heap_config cfg;
	struct sys_heap_layout l;
	char d[96];
	uint32_t c0, cb, tail, end;
	size_t off;

	(void)state;
	sys_heap_config_default(&cfg);
	cfg.runtime_stats = true;
	memset(buf, 0, 2048);
	assert_int_equal(sys_heap_init_checked(&h, buf, 2048, &cfg, true), 0);
	sys_heap_layout_get(&h, &l);
	c0 = l.chunk0_units;
	end = l.end_chunk;
	void *a = sys_heap_alloc(&h, 100); /* 13 units */
	void *b = sys_heap_alloc(&h, 40);  /* 6 units */
	sys_heap_free(&h, a);
	cb = c0 + 13;
	tail = cb + 6;
	assert_ptr_equal(b, (uint8_t *)h.heap + 8 * cb + 4);
	for (off = 8; off < l.heads_offset + 4 * l.nb_buckets; off++)
		assert_true(sys_heap_describe_offset(&h, off, d, sizeof(d)));
	for (off = 0; off < 8; off++) {
		/* headers of the free chunk, b, the tail and the end marker */
		assert_true(sys_heap_describe_offset(&h, 8 * c0 + off, d, sizeof(d)));
		assert_true(sys_heap_describe_offset(&h, 8 * tail + off, d, sizeof(d)));
		if (off < 4) {
			assert_true(sys_heap_describe_offset(&h, 8 * cb + off, d, sizeof(d)));
			assert_true(sys_heap_describe_offset(&h, 8 * end + off, d, sizeof(d)));
		}
	}
	for (off = 8 * cb + 4; off < 8 * tail; off++)
		assert_false(sys_heap_describe_offset(&h, off, d, sizeof(d)));
	/* a tiny output buffer is fine */
	sys_heap_describe_offset(&h, 12, d, 4);
	assert_true(strlen(d) < 4);
	/* past the end of the heap: not metadata */
	assert_false(sys_heap_describe_offset(&h, 1 << 20, d, sizeof(d)));
}

/* FULL: the canary unit belongs to the allocator */
static void describe_offset_canary(void **state)
{
	struct sys_heap h;
	struct sys_heap_config cfg;
	struct sys_heap_layout l;
	char d[96];
	uint8_t *p;
	size_t last;

	(void)state;
	sys_heap_config_default(&cfg);
	cfg.hardening = SYS_HEAP_HARDENING_FULL;
	memset(buf, 0, 2048);
	assert_int_equal(sys_heap_init_checked(&h, buf, 2048, &cfg, true), 0);
	sys_heap_layout_get(&h, &l);
	p = sys_heap_alloc(&h, 20); /* 20 + 4 -> 3 units + trailer = 4 units */
	last = 8 * (l.chunk0_units + 3);
	assert_ptr_equal(p, (uint8_t *)h.heap + 8 * l.chunk0_units + 4);
	assert_true(sys_heap_describe_offset(&h, last, d, sizeof(d)));
	assert_non_null(strstr(d, "canary"));
	assert_true(sys_heap_describe_offset(&h, 8 * (l.chunk0_units - 1), d, sizeof(d)));
	/* a broken chunk list is still described, never followed blindly */
	((uint8_t *)h.heap)[8 * l.chunk0_units + 2] = 0xff;
	sys_heap_describe_offset(&h, last + 16, d, sizeof(d));
	assert_true(strlen(d) > 0);
}

/* ---- golden stress.tsv -------------------------------------------------- */

struct stress_row {
	unsigned word;
	size_t bytes;
	uint32_t op_count;
	size_t scratch_bytes;
	int pct;
	struct z_heap_stress_result want;
	char validate[8];
	int call_in_process;
	char name[96];
};

static struct stress_row rows[64];
static size_t nrows;

static void *stress_alloc(void *arg, size_t bytes)
{
	return sys_heap_alloc(arg, bytes);
}

static void stress_free(void *arg, void *p)
{
	sys_heap_free(arg, p);
}

struct stress_out {
	struct z_heap_stress_result r;
	int validate_ok;
	int rc;
};

/* The child: `calls` calls in one process, heap re-initialised each time. */
static void stress_child(const struct stress_row *row, int fd)
{
	static uint8_t scratch[8192] __attribute__((aligned(8)));
	struct sys_heap_config cfg;
	struct sys_heap h;
	struct stress_out o;

	memset(&o, 0, sizeof(o));
	sys_heap_config_default(&cfg);
	cfg.word_bits = row->word;
	cfg.hardening = SYS_HEAP_HARDENING_MODERATE;
	cfg.runtime_stats = true;
	memset(buf, 0, row->bytes);
	for (int call = 1; call <= row->call_in_process; call++) {
		if (sys_heap_init_checked(&h, buf, row->bytes, &cfg, true) != 0)
			_exit(3);
		o.rc = sys_heap_stress(stress_alloc, stress_free, &h, row->bytes,
				       row->op_count, scratch, row->scratch_bytes,
				       row->pct, &o.r, row->word);
	}
	o.validate_ok = sys_heap_validate(&h);
	if (write(fd, &o, sizeof(o)) != (ssize_t)sizeof(o))
		_exit(4);
	_exit(0);
}

static void stress_golden_row(void **state)
{
	const struct stress_row *row = *state;
	struct stress_out o;
	int fds[2], status;
	pid_t pid;

	assert_true(row->scratch_bytes <= 8192 && row->bytes <= sizeof(buf));
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		stress_child(row, fds[1]);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &o, sizeof(o)), sizeof(o));
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(o.rc, 0);
	assert_int_equal(o.r.total_allocs, row->want.total_allocs);
	assert_int_equal(o.r.successful_allocs, row->want.successful_allocs);
	assert_int_equal(o.r.total_frees, row->want.total_frees);
	assert_int_equal(o.r.accumulated_in_use_bytes, row->want.accumulated_in_use_bytes);
	assert_int_equal(o.validate_ok, strcmp(row->validate, "ok") == 0);
}

static int load_rows(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && nrows < sizeof(rows) / sizeof(rows[0])) {
		struct stress_row *r = &rows[nrows];
		unsigned long long acc;

		if (!strncmp(line, "word", 4))
			continue;
		if (sscanf(line, "%u %zu %u %zu %d %u %u %u %llu %7s %d", &r->word, &r->bytes,
			   &r->op_count, &r->scratch_bytes, &r->pct, &r->want.total_allocs,
			   &r->want.successful_allocs, &r->want.total_frees, &acc, r->validate,
			   &r->call_in_process) != 11) {
			fclose(f);
			return -1;
		}
		r->want.accumulated_in_use_bytes = acc;
		snprintf(r->name, sizeof(r->name), "stress_golden_w%u_%zu_pct%d_call%d", r->word,
			 r->bytes, r->pct, r->call_in_process);
		nrows++;
	}
	fclose(f);
	return nrows ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(handler_starts_as_default),
		cmocka_unit_test(default_handler_aborts_on_double_free),
		cmocka_unit_test(default_handler_aborts_on_caller_error),
		cmocka_unit_test(default_handler_aborts_on_init_too_small),
		cmocka_unit_test(describe_offset_names_metadata),
		cmocka_unit_test(describe_offset_every_byte),
		cmocka_unit_test(describe_offset_canary),
	};
	struct CMUnitTest golden[64];
	int failed;

	if (argc != 2 || load_rows(argv[1]) != 0) {
		fprintf(stderr, "usage: test_heap_host PATH/stress.tsv (readable, 11 columns)\n");
		return 2;
	}
	failed = cmocka_run_group_tests_name("heap_host", fixed, NULL, NULL);
	for (size_t i = 0; i < nrows; i++) {
		golden[i] = (struct CMUnitTest){ rows[i].name, stress_golden_row, NULL, NULL,
						 &rows[i] };
	}
	failed += _cmocka_run_group_tests("stress_golden", golden, nrows, NULL, NULL);
	return failed ? 1 : 0;
}
