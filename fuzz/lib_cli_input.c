/*
 * fuzz_cli_input: the text parsers behind the command line — scenario files
 * (heapsim run FILE) and heap-trace files (heap-trace) — on arbitrary bytes.
 * Oracles: no crash (ASan/UBSan do the rest); a rejected input comes with a
 * "line N: why" message (scenario) or HEAP_TRACE_BAD_INPUT and a message
 * (heap-trace), never silently; an accepted heap trace runs to a defined
 * status; an accepted scenario runs on a layout to a defined verdict.
 *
 * Input: one byte selects the parser (and, for scenarios, the layout and
 * hardening of the run), the rest is the text.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define TRACE_HEAP_BYTES 16384
#define MAX_RUN_TICKS 50

static void harness(struct fuzz_result *res, const char *fmt, const char *detail)
{
	res->found = true;
	res->finding.kind = SIM_FINDING_HARNESS;
	snprintf(res->finding.object, sizeof(res->finding.object), "cli parser");
	snprintf(res->finding.message, sizeof(res->finding.message), fmt, detail);
}

struct msgbuf {
	char text[256];
	size_t n;
};

static void collect(void *ctx, const char *text, size_t len)
{
	struct msgbuf *m = ctx;

	while (len-- && m->n + 1 < sizeof(m->text))
		m->text[m->n++] = *text++;
	m->text[m->n] = '\0';
}

static void discard(void *ctx, const char *text, size_t len)
{
	(void)ctx, (void)text, (void)len;
}

static void heap_trace_case(const char *text, size_t len, const struct fuzz_opts *o,
			    struct fuzz_result *res)
{
	struct msgbuf err = { "", 0 };
	struct heap_trace_io io = { discard, collect, &err };
	size_t nslots = 0;
	int rc = heap_trace_check(text, len, &nslots, &io);
	void *buf, **slots;

	if (o->trace)
		fprintf(o->trace, "heap-trace parser: %s%s\n", rc == HEAP_TRACE_OK ? "accepted" : "rejected: ",
			rc == HEAP_TRACE_OK ? "" : err.text);
	if (rc == HEAP_TRACE_BAD_INPUT) {
		if (!err.n)
			harness(res, "heap-trace rejected an input without saying why%s", "");
		return;
	}
	if (rc != HEAP_TRACE_OK) {
		harness(res, "heap_trace_check returned an undefined status%s", "");
		return;
	}
	if (nslots > 4096)
		return; /* a long but valid trace: the runner is fuzzed by fuzz_heap_ops */
	buf = aligned_alloc(4096, TRACE_HEAP_BYTES);
	slots = calloc(nslots ? nslots : 1, sizeof(*slots));
	if (buf && slots) {
		memset(buf, 0, TRACE_HEAP_BYTES);
		rc = heap_trace_run(text, len, buf, TRACE_HEAP_BYTES, NULL, slots, nslots, &io);
		if (rc != HEAP_TRACE_OK && rc != HEAP_TRACE_VALIDATE_FAILED && rc != HEAP_TRACE_CHECK_FIRED)
			harness(res, "heap_trace_run of a checked trace returned an undefined status%s", "");
	}
	free(buf);
	free(slots);
}

static void scenario_case(const char *text, size_t len, uint8_t sel, const struct fuzz_opts *o,
			  struct fuzz_result *res)
{
	char err[256] = "";
	struct atk_scenario *s = atk_scenario_parse(text, len, err, sizeof(err));
	struct atk_verdict v;
	const char *layout = o->layout ? o->layout : ll_layout_at((sel >> 1) % ll_layout_count())->name;
	int hard = o->hardening >= 0 ? o->hardening : (sel >> 3) % SYS_HEAP_HARDENING_LEVELS;

	if (o->trace)
		fprintf(o->trace, "scenario parser: %s%s\n", s ? "accepted " : "rejected: ",
			s ? atk_scenario_name(s) : err);
	if (!s) {
		if (strncmp(err, "line ", 5))
			harness(res, "scenario rejected without a line number: '%.200s'", err);
		return;
	}
	/* a short accepted program also runs: the runner must give a verdict */
	if (!(sel & 0x80) || atk_scenario_ticks(s) > MAX_RUN_TICKS) {
		atk_scenario_free(s);
		return;
	}
	if (atk_scenario_run(s, layout, hard, o->trace, &v) == 0 &&
	    (v.cls < ATK_V_BLOCKED || v.cls > ATK_V_EXPLOITABLE))
		harness(res, "scenario run gave no verdict%s", "");
	atk_scenario_free(s);
}

void fuzz_cli_input_run(const uint8_t *d, size_t n, const struct fuzz_opts *o,
			struct fuzz_result *res)
{
	uint8_t sel = n ? d[0] : 0;
	char *text;

	if (!n)
		return;
	/* exactly the remaining bytes, in their own allocation: ASan sees overreads */
	text = malloc(n - 1 ? n - 1 : 1);
	if (!text)
		return;
	memcpy(text, d + 1, n - 1);
	if (sel & 1)
		scenario_case(text, n - 1, sel, o, res);
	else
		heap_trace_case(text, n - 1, o, res);
	res->ops = 1;
	free(text);
}
