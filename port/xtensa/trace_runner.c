/*
 * On-target heap-trace: replays the embedded traces (trace_table.h) with
 * the same replay code and configuration as the host tool (heap/heap_trace.c,
 * tools/heap_trace_main.c: runtime stats and internal checks on, buffer
 * zeroed and 4096-aligned) and prints, per trace,
 *   == <name> bytes <N> word <W> hardening <level|default>
 *   <the tool's stdout>
 *   rc <the tool's exit status>
 * then "<n> traces". ctest compares this with the golden outputs byte for
 * byte; the host replays the same goldens (tests/golden), so host and target
 * agree exactly when both tests pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heap.h"
#include "trace_table.h"
#include "xrt.h"

#define MAX_BYTES (1u << 20)
#define MAX_SLOTS 4096

static uint8_t heap_buf[MAX_BYTES] __attribute__((aligned(4096)));
static void *slots[MAX_SLOTS];

static void to_stdout(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	xrt_write(1, text, len);
}

static void to_stderr(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	xrt_write(2, text, len);
}

static const struct heap_trace_io io = { to_stdout, to_stderr, NULL };

/* Mirrors heap-trace's option handling; returns its exit status. */
static int replay(const struct trace_entry *t)
{
	struct sys_heap_config cfg;
	size_t nslots;
	int rc;

	sys_heap_config_default(&cfg);
	cfg.runtime_stats = true;
	cfg.internal_checks = true;
	if (t->word != 32 && t->word != 64) {
		fprintf(stderr, "trace %s: word %u\n", t->name, t->word);
		return HEAP_TRACE_BAD_INPUT;
	}
	cfg.word_bits = t->word;
	if (t->hardening) {
		int level = sys_heap_hardening_parse(t->hardening);
		if (level < 0) {
			fprintf(stderr, "trace %s: hardening %s\n", t->name, t->hardening);
			return HEAP_TRACE_BAD_INPUT;
		}
		cfg.hardening = (enum sys_heap_hardening)level;
	}
	rc = heap_trace_check(t->text, t->len, &nslots, &io);
	if (rc != HEAP_TRACE_OK)
		return rc;
	/* Limits of this runner, not of the trace: say so, never truncate. */
	if (t->bytes > MAX_BYTES || nslots > MAX_SLOTS) {
		fprintf(stderr, "trace %s: needs %zu bytes, %zu slots (runner has %u, %u)\n",
			t->name, t->bytes, nslots, MAX_BYTES, MAX_SLOTS);
		return HEAP_TRACE_BAD_INPUT;
	}
	memset(heap_buf, 0, t->bytes); /* the host maps a fresh, zeroed buffer */
	return heap_trace_run(t->text, t->len, heap_buf, t->bytes, &cfg, slots,
			      nslots, &io);
}

int main(void)
{
	for (unsigned i = 0; i < trace_count; i++) {
		const struct trace_entry *t = &trace_table[i];

		printf("== %s bytes %zu word %u hardening %s\n", t->name, t->bytes,
		       t->word, t->hardening ? t->hardening : "default");
		printf("rc %d\n", replay(t));
	}
	printf("%u traces\n", trace_count);
	return 0;
}
