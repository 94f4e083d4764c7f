/*
 * fuzz/ — heapsim's fuzzing layer: decoders that turn fuzzer bytes into heap
 * operations, user-thread actions (attack/'s action IR) and syscalls on an
 * LL heap layout; the libFuzzer glue; and a small random driver so the main
 * job can fuzz without libFuzzer. Findings are attack/'s records.
 *
 * Public header of the layer: the libFuzzer targets (fuzz_*.c), the replay
 * main and tools/ include only this file (it includes attack.h). The layouts
 * are sched's table (ll_layout_at), in its order.
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

#include "attack.h"

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

struct fuzz_opts;
struct fuzz_target;
/* ======================================================================== */
/* Operation tables: the byte layout of a target's program                   */
/* ======================================================================== */

/*
 * A program is a header (layout byte, configuration) and then operations,
 * each an op byte and its fields. A target's decoder declares that layout
 * once, as a table of operation kinds; the structured mutator frames inputs
 * with it, the dictionaries are written from it, and the decoder checks
 * every operation it decoded against it (a disagreement is a harness
 * finding), so decoder and mutator cannot drift apart.
 */
enum fuzz_field_kind {
	FUZZ_F_BYTE,       /* any byte */
	FUZZ_F_WORD,       /* any 16-bit value */
	FUZZ_F_FLAGS,      /* allocation flags selector (bit 7: raw flags) */
	FUZZ_F_SIZE,       /* fuzz_size()'s 16-bit encoding of a byte count */
	FUZZ_F_ALIGN,      /* alignment selector: 0 none, 0xff a 32-bit value follows */
	FUZZ_F_ALIGN32,    /* that value (power of two, maybe with a rewind) */
	FUZZ_F_TARGET,     /* write-target selector: base in the low nibble-ish, index above */
	FUZZ_F_OFFSET,     /* 16-bit offset into the named target */
	FUZZ_F_DATA,       /* bytes written */
	FUZZ_F_DELTA,      /* signed byte added to a pointer or chunk id */
	FUZZ_F_FIELDSEL,   /* chunk-field write selector (field, view, value kind) */
	FUZZ_F_SOFSEL,     /* SOF main object selector */
	FUZZ_F_SOFOFF,     /* word index into it */
	FUZZ_F_PRIO,       /* task priority selector */
	FUZZ_F_TASKCFG,    /* task buffer size and completion */
	FUZZ_F_KINDS
};

#define FUZZ_OP_FIELDS 6
#define FUZZ_WIDTH_FROM_OP 0 /* width 1 + bits 3-5 of the op byte */

struct fuzz_field {
	uint8_t kind;           /* enum fuzz_field_kind */
	uint8_t width;          /* bytes, or FUZZ_WIDTH_FROM_OP */
	/* present when (byte & if_mask) == if_value, byte being the op byte
	 * (if_field 0) or the first byte of field if_field - 1 of this op; the
	 * zero default is "always" */
	uint8_t if_field, if_mask, if_value;
};

enum fuzz_op_layouts { FUZZ_OP_ANY, FUZZ_OP_SOF_MAIN, FUZZ_OP_NOT_SOF_MAIN };

struct fuzz_op_kind {
	const char *name;
	uint8_t mask, value;    /* op byte b is this kind when (b & mask) == value */
	uint8_t layouts;        /* enum fuzz_op_layouts */
	uint8_t variants;       /* op-byte bits that select optional fields (dictionary) */
	uint8_t nfields;
	struct fuzz_field f[FUZZ_OP_FIELDS];
};

struct fuzz_program_shape {
	const struct fuzz_op_kind *kinds;
	size_t nkinds;
	unsigned max_ops;       /* the decoder stops after this many */
	/* bytes before the first operation for these options (byte 0 is the
	 * layout byte on every layout-aware target) */
	size_t (*header_bytes)(const struct fuzz_opts *o);
	/* names of the write-target selectors 0..n-1 (FUZZ_F_TARGET), for the
	 * dictionary */
	const char *const *target_names;
	unsigned ntarget_names;
	/* technique skeletons: whole operations of a catalogue attack in the
	 * decoder's encoding, which the mutator inserts as one unit (the 16-bit
	 * words at `fresh` get random values each time) */
	const struct fuzz_skeleton *skeletons;
	size_t nskeletons;
	/* further dictionary entries the table cannot say (configuration
	 * values of the header, selector bytes with a meaning of their own) */
	const struct fuzz_token *tokens;
	size_t ntokens;
};

struct fuzz_token {
	const char *name;
	uint8_t len;
	uint8_t bytes[4];
};

#define FUZZ_SKELETON_FRESH 4
struct fuzz_skeleton {
	const char *name;                     /* the catalogue scenario it follows */
	const uint8_t *bytes;
	size_t len;
	uint8_t fresh[FUZZ_SKELETON_FRESH];   /* offsets of random 16-bit words (0: none) */
	unsigned classes;                     /* the FUZZ_CLASS bits it reaches (pr10807-v3,
					       * basic, fresh words 0x4000: test_mutator) */
};

/* One operation as framed: where it starts, its kind, its fields. */
struct fuzz_op {
	size_t at, len;         /* len: clipped to the input's end */
	const struct fuzz_op_kind *kind;   /* NULL: no kind matches (never, in a full table) */
	uint8_t nfields;
	struct { uint8_t kind, width; size_t at; } f[FUZZ_OP_FIELDS];
};

/* The tables of the structured targets (lib_user_syscalls.c, lib_ll_sched.c). */
extern const struct fuzz_program_shape fuzz_user_syscalls_shape, fuzz_ll_sched_shape, fuzz_heap_ops_shape;

/* Frames the operation at p[at..n) for a program whose layout is sof_main
 * or not; returns its length (not clipped). */
size_t fuzz_op_frame(const struct fuzz_program_shape *sh, const uint8_t *p, size_t n, size_t at,
		     bool sof_main, struct fuzz_op *op);
/* Whether the program p[0..n) runs on a SOF-main layout under o. */
bool fuzz_program_sof_main(const uint8_t *p, size_t n, const struct fuzz_opts *o);
/* Did the decoder, reading the operation at p[start..end), consume what the
 * table says? (A decoder calls this after every operation.) */
bool fuzz_op_agrees(const struct fuzz_program_shape *sh, const uint8_t *p, size_t n, size_t start,
		    size_t end, bool sof_main);

/*
 * The structured mutator (LLVMFuzzerCustomMutator and
 * LLVMFuzzerCustomCrossOver of the thin target files): inserts, deletes,
 * duplicates and swaps operations, changes one field of one operation within
 * its kind (sizes near chunk boundaries, alignments with rewinds, offsets of
 * chunk metadata fields, live chunk ids), splices programs; about one call in
 * five is left to byte_mutate (libFuzzer's LLVMFuzzerMutate). Framing uses o
 * (a pinned layout or hardening changes the header). Returns the new size
 * (<= max, >= 1).
 */
typedef size_t (*fuzz_byte_mutator)(uint8_t *data, size_t size, size_t max);
size_t fuzz_mutate(const struct fuzz_target *t, const struct fuzz_opts *o, uint8_t *data, size_t size,
		   size_t max, unsigned seed, fuzz_byte_mutator byte_mutate);
size_t fuzz_cross_over(const struct fuzz_target *t, const struct fuzz_opts *o, const uint8_t *a,
		       size_t na, const uint8_t *b, size_t nb, uint8_t *out, size_t max, unsigned seed);
/* A libFuzzer dictionary written from t's table (false: t has none). */
bool fuzz_dict_write(const struct fuzz_target *t, FILE *out);

/* ======================================================================== */
/* Targets and runs                                                          */
/* ======================================================================== */

struct fuzz_opts {
	const char *layout;     /* NULL: the input chooses */
	int hardening;          /* enum sys_heap_hardening, -1: the input chooses */
	unsigned word_bits;     /* heap word mode 32 or 64, 0: the input chooses */
	FILE *trace;            /* non-NULL: print a numbered, readable trace */
	bool protect_off;       /* sim: no page-rights switching (benchmark baseline) */
	bool kread_off;         /* sim: no kernel-reads-user oracle (benchmark baseline) */
	bool bytes_mutator;     /* libFuzzer glue: structured mutator off, bytes only
				 * (-mutator=bytes; a benchmark baseline) */
	bool escape_only;       /* user targets: report only escapes (kernel fault,
				 * confinement, object changed, hang, overlap), not
				 * corruption the kernel has not acted on yet */
	bool beyond_exposure;   /* with escape_only: not the layout's by-design
				 * exposure itself either (a user write changing a
				 * kernel object the layout leaves user-writable);
				 * the run goes on to what the kernel does with it */
	bool stop_at_first;     /* end an input at its first finding (the old
				 * behaviour; faster). Default: the run goes on
				 * and res->chain lists what followed.
				 * $HEAPSIM_STOP_AT_FIRST=1 sets it by default. */
};
void fuzz_opts_default(struct fuzz_opts *o); /* reads $HEAPSIM_STOP_AT_FIRST */
/* Oracle sets by name: "all"; "escape" (escapes only); "beyond" (escapes
 * beyond the layout's by-design exposure). Records, flags and the
 * environment use these names. fuzz_oracle_set: false for an unknown name
 * (o unchanged). */
#define FUZZ_ORACLE_NAMES "all, escape, beyond"
bool fuzz_oracle_set(struct fuzz_opts *o, const char *name);
const char *fuzz_oracle_name(const struct fuzz_opts *o);

struct fuzz_result {
	bool found;
	struct atk_finding finding; /* the first finding: THE finding of the input */
	char chain[ATK_CHAIN_MAX];  /* the findings of the run in order, the first
				     * first, joined by '>' (atk_chain_add); a
				     * repeat of the finding before and a heap
				     * failing validation again are not listed
				     * again. "" without a finding. */
	unsigned long ops;      /* operations decoded and run */
	bool skipped;           /* the input decoded to nothing runnable (e.g. bad init) */
	unsigned classes;       /* fuzz_user_syscalls: the technique classes its findings
				 * show (FUZZ_CLASS_* bits) */
};

/*
 * Technique classes, for measuring how deep a fuzzer gets (bench/class-depth.sh):
 * a finding is credited to the heap metadata the user had written before it.
 *  - unlink: a kernel write outside its footprint (confinement, kernel fault)
 *    after the user wrote a free chunk's FREE_PREV or FREE_NEXT;
 *  - fake-bucket: such a kernel write after the user wrote a z_heap bucket head;
 *  - overlapping-blocks: the allocator handed out memory of a live block;
 *  - end-marker: such a kernel write after the user wrote the end marker's
 *    header (its width: SIZE and the used bit, or its LEFT_SIZE).
 * A heuristic over what was written, not a proof of the path taken.
 */
#define FUZZ_CLASSES(X)                                     \
	X(UNLINK, "unlink")                                 \
	X(FAKE_BUCKET, "fake-bucket")                       \
	X(OVERLAP, "overlapping-blocks")                    \
	X(END_MARKER, "end-marker")
enum fuzz_class_bit {
#define X(id, name) FUZZ_CLASS_BIT_##id,
	FUZZ_CLASSES(X)
#undef X
	FUZZ_NCLASSES
};
#define FUZZ_CLASS(id) (1u << FUZZ_CLASS_BIT_##id)
extern const char *const fuzz_class_names[FUZZ_NCLASSES];

typedef void (*fuzz_run_fn)(const uint8_t *data, size_t size, const struct fuzz_opts *o,
			    struct fuzz_result *res);

struct fuzz_target {
	const char *name;       /* "fuzz_heap_ops" */
	fuzz_run_fn run;
	size_t max_len;         /* the -max_len the decoder is built for */
	bool uses_layout;       /* the sim layouts apply */
	const char *about;
	const struct fuzz_program_shape *shape; /* its operation table (NULL: bytes only) */
};
/* The targets, by their place in fuzz_targets[] (the thin target files
 * index it directly). */
enum fuzz_target_id { FUZZ_HEAP_OPS, FUZZ_USER_SYSCALLS, FUZZ_LL_SCHED, FUZZ_CLI_INPUT, FUZZ_NTARGETS };
extern const struct fuzz_target fuzz_targets[FUZZ_NTARGETS];
extern const size_t fuzz_ntargets;
/* By name, with or without the "fuzz_" prefix; NULL if unknown. */
const struct fuzz_target *fuzz_target_find(const char *name);

/* The layout a run of t gets when `layout` is asked for: itself on the
 * layout-aware targets; fuzz_heap_ops knows only "oob" (oob_heap; anything
 * else: sys_heap, NULL). */
const char *fuzz_target_layout(const struct fuzz_target *t, const char *layout);

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

/*
 * Watching fuzz_user_syscalls decode and run an input (exports): opened()
 * once with the session and its configuration, step() after every decoded
 * action with the event it gave (skipped ones included). NULL: stop. Not
 * thread-safe; one observer at a time.
 */
struct fuzz_observer {
	void (*opened)(void *ctx, struct atk_session *u, const struct atk_session_config *cfg);
	void (*step)(void *ctx, struct atk_session *u, const struct atk_action *a,
		     const struct atk_event *ev);
	void *ctx;
};
void fuzz_user_syscalls_observe(const struct fuzz_observer *obs);

/*
 * Keeping a finding's identity (heapsim minimize): when set, a libFuzzer
 * run reports only findings whose atk_finding_identity() equals it, so
 * -minimize_crash cannot trade the bug for another. From the environment
 * (HEAPSIM_KEEP_IDENTITY, HEAPSIM_KEEP_CLASS_ONLY=1) at fuzz_lf_init.
 */

/* ======================================================================== */
/* libFuzzer glue (used by the thin target files and the replay main)        */
/* ======================================================================== */

/*
 * LLVMFuzzerInitialize: takes the layout from -layout=NAME (argv) or the
 * HEAPSIM_LAYOUT environment variable, the hardening from -hardening=LEVEL or
 * HEAPSIM_HARDENING, escape-only oracles from -oracle=escape or
 * HEAPSIM_ORACLE=escape, the heap word mode from -word_bits=32|64 or
 * HEAPSIM_WORD_BITS, the mutator from -mutator=structured|bytes or
 * HEAPSIM_MUTATOR (bytes: libFuzzer's alone, a baseline). Unknown names:
 * message and exit(2).
 * -heapsim_options=1 prints the target's libFuzzer options file (max_len and
 * dictionary, from fuzz_targets[]) and exits 0: scripts take them from there.
 */
int fuzz_lf_init(const struct fuzz_target *t, int *argc, char ***argv);
/*
 * The same for a binary built for one layout (FUZZ_PIN_LAYOUT): the layout
 * needs no flag or environment; asking for another one (-layout=,
 * HEAPSIM_LAYOUT) is refused with exit 2, since its records and crash files
 * name the pinned layout. The oracle set follows fuzz_pinned_oracle() unless
 * -oracle= or HEAPSIM_ORACLE names one.
 */
int fuzz_lf_init_pinned(const struct fuzz_target *t, const char *layout, int *argc, char ***argv);
/* The one rule for a pinned layout: a safe layout gets every oracle ("all");
 * one vulnerable by design only the escapes beyond its exposure ("beyond"):
 * its exposure is the design, so neither a corruption the kernel has not
 * acted on nor a user write to an object it leaves writable is news there,
 * what the kernel then does is. */
const char *fuzz_pinned_oracle(const struct ll_layout *l);
/* The options the libFuzzer glue runs inputs with (the mutator frames by them). */
const struct fuzz_opts *fuzz_lf_opts(void);
/* -heapsim_dict=1 prints the target's dictionary (from its table, else
 * nothing) and exits 0, as -heapsim_options=1 prints its options file. */
/*
 * LLVMFuzzerTestOneInput: runs the input; a finding is printed on stderr with
 * its JSON record (also written to $HEAPSIM_FINDINGS_DIR/finding-SHA1.json
 * when set), then the process aborts so libFuzzer saves the input.
 */
int fuzz_lf_run(const struct fuzz_target *t, const uint8_t *data, size_t size);
/*
 * Where artifacts go (libFuzzer's -artifact_prefix, also parsed by
 * fuzz_lf_init; default: the current directory). On a finding the record is
 * written beside the crash file as PREFIX "finding-" SHA1 ".json", so that
 * `heapsim replay` knows the layout a pinned run used. save_input: also save
 * the input as PREFIX "crash-" SHA1 (the replay main's random mode, where no
 * libFuzzer does it).
 */
void fuzz_lf_set_artifact_prefix(const char *prefix, bool save_input);

/*
 * The record beside an input: PREFIX "finding-" SHA1 ".json" (PREFIX is ""
 * or a directory with its trailing '/'). Every writer and reader of records
 * builds the name here.
 */
void fuzz_record_path(char *out, size_t len, const char *prefix, const char *sha1);
/* Writes f's JSON record there (f->input_sha1); false if it could not. */
bool fuzz_record_save(const char *prefix, const struct atk_finding *f);

/* ======================================================================== */
/* Random driver (no libFuzzer): for the main job and quick smoke runs       */
/* ======================================================================== */

struct fuzz_drive_stats {
	unsigned long execs;
	double seconds;
	bool found;
	struct atk_finding finding; /* the first finding: THE finding of the input */
	char chain[ATK_CHAIN_MAX];  /* the findings of the run in order, the first
				     * first, joined by '>' (atk_chain_add); a
				     * repeat of the finding before and a heap
				     * failing validation again are not listed
				     * again. "" without a finding. */
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

#ifdef __cplusplus
}
#endif

#endif /* HEAPSIM_FUZZ_H */
