/*
 * fuzz/ — heapsim's fuzzing layer: decoders that turn fuzzer bytes into heap
 * operations, user-thread actions and syscalls on an LL heap layout; the
 * oracles that turn what the simulator sees into findings; the scenario
 * format reviewers write by hand; and a small random driver so the main job
 * can fuzz without libFuzzer.
 *
 * Public header of the layer: the libFuzzer targets (fuzz_*.c), the replay
 * main and tools/ include only this file (it includes heap.h).
 *
 * One run = one input = one fresh heap (and, above heap_ops, one fresh
 * simulator), so a saved input always replays the same way.
 */
#ifndef HEAPSIM_FUZZ_H
#define HEAPSIM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* Reading fuzzer bytes                                                      */
/* ======================================================================== */

/* A cursor over the input; reads past the end give zeros (never fail), so
 * every byte string is a valid program. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
	size_t pos;
};

static inline void fuzz_in_init(struct fuzz_in *in, const uint8_t *p, size_t n)
{
	in->p = p;
	in->n = n;
	in->pos = 0;
}
static inline bool fuzz_in_done(const struct fuzz_in *in)
{
	return in->pos >= in->n;
}
uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);   /* little-endian */
uint32_t fuzz_u32(struct fuzz_in *in);
/* Copies up to len bytes (fewer at the end); returns how many. */
size_t fuzz_bytes(struct fuzz_in *in, uint8_t *dst, size_t len);
/* A size biased towards small values: 0..max, log-uniform-ish. */
size_t fuzz_size(struct fuzz_in *in, size_t max);

/* SHA-1 of the input as 40 hex digits (libFuzzer names crash files by it). */
void fuzz_sha1_hex(const uint8_t *p, size_t n, char out[41]);

/* ======================================================================== */
/* Findings                                                                  */
/* ======================================================================== */

/* The first six mirror the simulator's kinds; the rest are this layer's. */
enum fuzz_kind {
	FUZZ_KERNEL_FAULT = 1,  /* kernel touched memory it must not */
	FUZZ_CONFINEMENT,       /* a syscall wrote outside its footprint */
	FUZZ_KOBJ_CHANGED,      /* a kernel object changed other than through its API */
	FUZZ_HEAP_CHECK,        /* a sys_heap hardening check fired in kernel mode */
	FUZZ_VALIDATE,          /* the kernel's heap no longer validates */
	FUZZ_HANG,              /* deadlock or virtual-time budget exhausted */
	FUZZ_OTHER,
	FUZZ_MODEL_MISMATCH,    /* heap result differs from the shadow model */
	FUZZ_HARNESS,           /* the harness/simulator itself misbehaved */
};
const char *fuzz_kind_name(enum fuzz_kind k); /* "kernel-fault", ... */

#define FUZZ_FINDING_BYTES 16
struct fuzz_finding {
	enum fuzz_kind kind;
	char target[32];        /* "fuzz_user_syscalls" */
	char layout[32];        /* LL heap layout, or allocator for heap_ops */
	char hardening[16];
	long op;                /* index of the decoded operation, -1: none */
	char message[256];
	char syscall[48];
	char object[48];        /* kernel object or heap involved */
	char object_type[48];
	char field[64];         /* field / heap-metadata piece */
	uint64_t taddr;
	size_t offset;
	unsigned nbytes;
	uint8_t old_bytes[FUZZ_FINDING_BYTES];
	uint8_t new_bytes[FUZZ_FINDING_BYTES];
	bool by_design;         /* layout declared vulnerable: a confirmed, known finding */
	char input_sha1[41];
};

/* Human-readable report (several lines) and one JSON object (one line). */
void fuzz_finding_print(const struct fuzz_finding *f, FILE *out);
void fuzz_finding_json(const struct fuzz_finding *f, FILE *out);

/* ======================================================================== */
/* Layouts                                                                   */
/* ======================================================================== */

/*
 * The LL heap layouts the fuzzers and scenarios know, in a fixed order (the
 * first input byte indexes it when no layout is pinned). `vulnerable` marks
 * the designs whose findings are known by design (pr10807-v2/v3).
 */
struct fuzz_layout {
	const char *name;
	bool vulnerable;
};
extern const struct fuzz_layout fuzz_layouts[];
extern const size_t fuzz_nlayouts;
const struct fuzz_layout *fuzz_layout_find(const char *name);

/* ======================================================================== */
/* Targets and runs                                                          */
/* ======================================================================== */

struct fuzz_opts {
	const char *layout;     /* NULL: the input chooses */
	int hardening;          /* enum sys_heap_hardening, -1: the input chooses */
	FILE *trace;            /* non-NULL: print a numbered, readable trace */
	bool protect_off;       /* sim: no page-rights switching (benchmark baseline) */
	bool escape_only;       /* user targets: report only escapes (kernel fault,
				 * confinement, object changed, hang, overlap), not
				 * corruption the kernel has not acted on yet */
};
void fuzz_opts_default(struct fuzz_opts *o);

struct fuzz_result {
	bool found;
	struct fuzz_finding finding;
	unsigned long ops;      /* operations decoded and run */
	bool skipped;           /* the input decoded to nothing runnable (e.g. bad init) */
};

typedef void (*fuzz_run_fn)(const uint8_t *data, size_t size, const struct fuzz_opts *o,
			    struct fuzz_result *res);

struct fuzz_target {
	const char *name;       /* "fuzz_heap_ops" */
	fuzz_run_fn run;
	size_t max_len;         /* the -max_len the decoder is built for */
	bool uses_layout;       /* the sim layouts apply */
	const char *about;
};
extern const struct fuzz_target fuzz_targets[];
extern const size_t fuzz_ntargets;
/* By name, with or without the "fuzz_" prefix; NULL if unknown. */
const struct fuzz_target *fuzz_target_find(const char *name);

/* Runs one input; fills res (finding's target/layout/sha1 included). */
void fuzz_run(const struct fuzz_target *t, const uint8_t *data, size_t size,
	      const struct fuzz_opts *o, struct fuzz_result *res);

/* The individual targets (also reachable through fuzz_targets[]). */
void fuzz_heap_ops_run(const uint8_t *d, size_t n, const struct fuzz_opts *o,
		       struct fuzz_result *res);
void fuzz_cli_input_run(const uint8_t *d, size_t n, const struct fuzz_opts *o,
			struct fuzz_result *res);
void fuzz_user_syscalls_run(const uint8_t *d, size_t n, const struct fuzz_opts *o,
			    struct fuzz_result *res);
void fuzz_ll_sched_run(const uint8_t *d, size_t n, const struct fuzz_opts *o,
		       struct fuzz_result *res);

/* ======================================================================== */
/* libFuzzer glue (used by the thin target files and the replay main)        */
/* ======================================================================== */

/*
 * LLVMFuzzerInitialize: takes the layout from -layout=NAME (argv) or the
 * HEAPSIM_LAYOUT environment variable, the hardening from -hardening=LEVEL or
 * HEAPSIM_HARDENING, escape-only oracles from -oracle=escape or
 * HEAPSIM_ORACLE=escape. Unknown names: message and exit(2).
 */
int fuzz_lf_init(const char *target, int *argc, char ***argv);
/*
 * LLVMFuzzerTestOneInput: runs the input; a finding is printed on stderr with
 * its JSON record (also written to $HEAPSIM_FINDINGS_DIR/finding-SHA1.json
 * when set), then the process aborts so libFuzzer saves the input.
 */
int fuzz_lf_run(const char *target, const uint8_t *data, size_t size);
/*
 * Where artifacts go (libFuzzer's -artifact_prefix, also parsed by
 * fuzz_lf_init; default: the current directory). On a finding the record is
 * written beside the crash file as PREFIX "finding-" SHA1 ".json", so that
 * `heapsim replay` knows the layout a pinned run used. save_input: also save
 * the input as PREFIX "crash-" SHA1 (the replay main's random mode, where no
 * libFuzzer does it).
 */
void fuzz_lf_set_artifact_prefix(const char *prefix, bool save_input);

/* ======================================================================== */
/* Random driver (no libFuzzer): for the main job and quick smoke runs       */
/* ======================================================================== */

struct fuzz_drive_stats {
	unsigned long execs;
	double seconds;
	bool found;
	struct fuzz_finding finding;
	uint8_t *crash;         /* malloc'd copy of the finding's input (free it) */
	size_t crash_len;
};

/*
 * Feeds random inputs (and mutations of the previous ones) to `t` from a
 * fixed seed until a finding, `max_execs` runs (0: no limit) or `budget_ms`
 * of wall time (0: no limit). Deterministic for a given seed and run count.
 */
void fuzz_drive(const struct fuzz_target *t, const struct fuzz_opts *o, uint64_t seed,
		unsigned long max_execs, unsigned budget_ms, struct fuzz_drive_stats *st);
/* The driver's input generator: a fresh random input or a mutation of buf
 * (len bytes so far, at most max). Returns the new length (≥ 1). */
size_t fuzz_random_input(uint64_t *rng, uint8_t *buf, size_t len, size_t max);

/* ======================================================================== */
/* Scenarios: hand-written attack programs (docs/reviewer-guide.md)         */
/* ======================================================================== */

struct fuzz_scenario; /* parsed, opaque */

/*
 * Parses scenario text. NULL on a syntax error, with "line N: why" in err.
 * Never crashes on any byte string.
 */
struct fuzz_scenario *fuzz_scenario_parse(const char *text, size_t len, char *err,
					  size_t errlen);
void fuzz_scenario_free(struct fuzz_scenario *s);
const char *fuzz_scenario_name(const struct fuzz_scenario *s);
const char *fuzz_scenario_about(const struct fuzz_scenario *s);
/* LL ticks its `tick` steps ask for in total (a run's cost). */
unsigned long fuzz_scenario_ticks(const struct fuzz_scenario *s);

/* What happened to the attack on one layout × hardening. */
enum fuzz_verdict_class {
	FUZZ_V_BLOCKED = 1,   /* the user could not perform it (fault, syscall check) */
	FUZZ_V_HARMLESS,      /* performed; nothing the kernel trusts changed */
	FUZZ_V_DETECTED,      /* a heap check caught it in kernel mode: no escape */
	FUZZ_V_CORRUPTED,     /* nothing caught it, nothing escaped yet, the heap is corrupt */
	FUZZ_V_EXPLOITABLE,   /* kernel wrote/faulted outside, object changed, hang, overlap */
	FUZZ_V_ERROR,         /* the scenario could not run (bad step on this layout) */
};
const char *fuzz_verdict_class_name(enum fuzz_verdict_class c);

struct fuzz_verdict {
	enum fuzz_verdict_class cls;
	char by[64];          /* "double free", "confinement", "fault", "overlap" ... */
	char detail[256];     /* one line */
};
/* "blocked", "detected:double free", "exploitable:confinement", ... */
void fuzz_verdict_format(const struct fuzz_verdict *v, char *buf, size_t len);

/* Runs the scenario on one layout and hardening level. trace: numbered steps. */
int fuzz_scenario_run(const struct fuzz_scenario *s, const char *layout, int hardening,
		      FILE *trace, struct fuzz_verdict *out);

/* Does the file ask to run on this layout and hardening level? */
bool fuzz_scenario_applies(const struct fuzz_scenario *s, const char *layout, int hardening);

/* The verdict the file expects there (false: none written for that pair). */
bool fuzz_scenario_expected(const struct fuzz_scenario *s, const char *layout, int hardening,
			    char *buf, size_t len);
/* Does an actual verdict satisfy an expectation string ("detected", "detected:double free")? */
bool fuzz_verdict_matches(const struct fuzz_verdict *v, const char *expect);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSIM_FUZZ_H */
