/*
 * attack/ — what an attacker in a user thread does to an LL heap layout, and
 * what came of it. Public header of the layer (it includes sched.h).
 *
 *   - the action IR: a user thread's program (alloc, free, raw write, tick)
 *     with symbolic addresses, run by a session on one layout and hardening
 *     level; the session resolves addresses, runs each action on the acting
 *     thread and applies the per-step oracles (session.c);
 *   - findings: one record of what an oracle saw, as text and JSON
 *     (finding.c); their kinds are the simulator's (enum sim_finding_kind);
 *   - scenarios: the hand-written attack language (docs/reviewer-guide.md),
 *     its runner and the verdict per layout × hardening (scenario.c). The
 *     catalogue lives in attack/scenarios/.
 *
 * A program is a list of actions. Addresses are symbolic (a base such as
 * "slot A's chunk header" or "the k_heap object" plus an offset and a view)
 * and are resolved in kernel context just before the action runs, because
 * what they name moves as the heap changes. The action itself then runs in
 * user mode on the acting thread: what it may touch is what the layout's
 * domain allows.
 */
#ifndef HEAPSIM_ATTACK_H
#define HEAPSIM_ATTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sched.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* Findings                                                                  */
/* ======================================================================== */

/* The kinds are enum sim_finding_kind; sim_finding_kind_long_name() gives
 * the spelling records use ("kernel-object-changed"). */
#define ATK_FINDING_BYTES SIM_FINDING_BYTES /* old/new bytes, as the simulator keeps them */
struct atk_finding {
	enum sim_finding_kind kind;
	char target[32];        /* "fuzz_user_syscalls" */
	char layout[32];        /* LL heap layout, or allocator for heap_ops */
	char hardening[16];
	char profile[16];       /* build profile it holds under (heap.h): "debug", ... */
	/* The rest of what decides the verdict, so a replay can pin it: */
	char oracle[8];         /* "all" or "escape" (the run's oracle set) */
	unsigned word_bits;     /* heap word mode, 32 or 64 (0: no heap, e.g. a parser) */
	bool seeded;            /* a random driver made the input: */
	uint64_t seed;          /* its seed */
	long op;                /* index of the decoded operation, -1: none */
	char message[256];
	char syscall[48];
	char object[48];        /* kernel object or heap involved */
	char object_type[48];
	char field[64];         /* field / heap-metadata piece */
	uint64_t taddr;
	size_t offset;
	unsigned nbytes;
	uint8_t old_bytes[ATK_FINDING_BYTES];
	uint8_t new_bytes[ATK_FINDING_BYTES];
	bool by_design;         /* layout declared vulnerable: a confirmed, known finding */
	char input_sha1[41];
};

/*
 * A run's chain of findings: their kinds' long names in the order they
 * happened, joined by '>' ("kernel-object-changed>hang"), first finding
 * first. atk_chain_add appends one kind (a kind that no longer fits is
 * dropped whole, never cut).
 */
#define ATK_CHAIN_MAX 160
void atk_chain_add(char *chain, size_t len, enum sim_finding_kind k);

/* Human-readable report (several lines) and one JSON object (one line). */
void atk_finding_print(const struct atk_finding *f, FILE *out);
void atk_finding_json(const struct atk_finding *f, FILE *out);

/* ======================================================================== */
/* The action IR and the session that runs it                               */
/* ======================================================================== */

#define ATK_SLOTS 26  /* scenario slot names A..Z; the fuzzer uses the first 8 */

enum atk_base {
	ATK_BASE_NULL,   /* the pointer 0 */
	ATK_BASE_ABS,    /* an absolute target address (off) */
	ATK_BASE_SLOT,   /* slot idx's block */
	ATK_BASE_HDR,    /* slot idx's chunk header (block − header bytes) */
	ATK_BASE_FREE,   /* the idx-th free chunk's header, kernel view */
	ATK_BASE_ZHEAP,  /* the heap start S (struct z_heap) */
	ATK_BASE_END,    /* the end marker's header */
	ATK_BASE_KHEAP,  /* the kernel's heap object (struct k_heap) */
	ATK_BASE_BUF,    /* the heap buffer */
	ATK_BASE_KDATA,  /* the LL scheduler's kernel data (timer domain) */
	ATK_BASE_AUDIT,  /* audit item idx: kernel-trusted, user-writable bytes */
	ATK_BASE_PART,   /* partition idx of the LL domain */
	ATK_BASE_VAR,    /* the user variable zephyr_ll_heap */
	ATK_BASE_BUCKET, /* z_heap bucket head idx */
	ATK_BASE_SOF,    /* SOF main's object idx (ll_sof_object_name): zephyr_domain,
			  * ll_schedule_domain, zephyr_ll, ipc_user, zephyr_ll_heap,
			  * zephyr_ll_locks; nothing on other layouts */
	ATK_BASE_SOF_SEM, /* SOF main: core idx's LL semaphore, a kernel k_sem */
	ATK_BASE_BUF_END, /* the first byte past the heap buffer: the PR layouts'
			   * kernel data, SOF main's next kernel-heap chunk */
	ATK_BASE_KSEM,    /* the LL scheduler's k_sem (a kernel object; firmware symbols give
			   * its address) */
	ATK_BASE_KSEM_KOBJ, /* that k_sem's struct k_object record, the syscall gate's
			     * (kernel memory; sim_kobj_record) */
	ATK_BASE_COUNT,
};

enum atk_view { ATK_VIEW_ASIS, ATK_VIEW_CACHED, ATK_VIEW_UNCACHED };

/* Chunk header fields (sys_heap), in field-width units. */
enum {
	ATK_FIELD_NONE = -1,
	ATK_FIELD_LEFT = SYS_HEAP_LEFT_SIZE,
	ATK_FIELD_SIZE = SYS_HEAP_SIZE_AND_USED,
	ATK_FIELD_PREV = SYS_HEAP_FREE_PREV,
	ATK_FIELD_NEXT = SYS_HEAP_FREE_NEXT,
};

/* |off| of an address, and an absolute address, at most this: target
 * addresses are 32 bits, so a larger offset could name nothing (scenario
 * files past it are refused with "offset out of range"). */
#define ATK_OFFSET_MAX UINT64_C(0xffffffff)

struct atk_addr {
	enum atk_base base;
	int idx;
	int field;          /* ATK_FIELD_*: adds field·width (ATK_BASE_HDR, ATK_BASE_FREE, ATK_BASE_END) */
	int64_t off;
	enum atk_view view;
};

struct atk_session;

/* A value written by a step: a number, a slot's chunk id, the target address
 * of an address expression (plus a constant), or an expression the scenario
 * layer evaluates at step time through the atk_session_eval_* helpers. */
enum atk_value_kind { ATK_VAL_NUM, ATK_VAL_ID, ATK_VAL_TADDR, ATK_VAL_EXPR };
struct atk_value {
	enum atk_value_kind kind;
	struct atk_addr addr;  /* ATK_VAL_ID: addr.idx is the slot; ATK_VAL_TADDR: the address */
	int64_t add;
	const void *expr;   /* ATK_VAL_EXPR */
	bool (*eval)(struct atk_session *u, const void *expr, uint64_t *out);
};

/*
 * SOF main's layouts add: the sof_dma_get / sof_dma_put syscalls from the
 * acting thread; a forwarded IPC (the kernel IPC task through ipc_user); a
 * write done by a second core's LL thread at its next tick, i.e. between two
 * kernel steps (core in `slot`, 1..); a second core's bring-up, whose
 * user_ll_grant_access grants that core's LL thread the object
 * zephyr_ll_locks[core] names; a k_sem_give syscall by that core's LL thread
 * (user mode: object permission checked). On other layouts they are skipped.
 */
enum atk_action_kind {
	ATK_ACT_ALLOC,
	ATK_ACT_FREE,
	ATK_ACT_WRITE,
	ATK_ACT_TICK,
	ATK_ACT_DMA_GET,
	ATK_ACT_DMA_PUT,
	ATK_ACT_IPC,
	ATK_ACT_CORE_WRITE,
	ATK_ACT_GRANT,      /* SOF main: core `slot`'s bring-up grant (user_ll_grant_access) */
	ATK_ACT_CORE_GIVE,  /* SOF main: core `slot`'s LL thread calls k_sem_give(at) */
	ATK_ACT_GIVE,       /* the acting thread calls k_sem_give(at) (a syscall: its
			     * permission on the object is checked) */
};

#define ATK_WIDTH_FIELD 100    /* write width: the heap's chunk field width */
#define ATK_DATA_MAX 32

struct atk_action {
	enum atk_action_kind kind;
	int slot;             /* alloc: slot receiving the block */
	uint32_t flags;
	uint64_t bytes, align;
	bool forged_heap;     /* heap argument from `heap` instead of zephyr_ll_heap */
	struct atk_addr heap;
	struct atk_addr at;      /* free: the pointer; write: where */
	unsigned width;       /* write: 0 = data[len]; 1/2/4/8; ATK_WIDTH_FIELD */
	struct atk_value value;
	uint8_t data[ATK_DATA_MAX];
	unsigned len;
	unsigned ticks;
	unsigned at_read;     /* CORE_WRITE: 0 at the core's next tick; N: while the next
			       * step runs, just before the kernel's Nth read of
			       * user-writable memory (an interleaving point, sim_kread) */
};

/* What one step did, as the oracles see it. */
enum atk_event_class {
	ATK_EV_NONE,
	ATK_EV_BLOCKED,   /* the acting thread was oopsed (fault, syscall verification) */
	ATK_EV_DETECTED,  /* a heap check fired in kernel mode (the kernel caught it) */
	ATK_EV_CORRUPT,   /* the kernel's heap no longer validates */
	ATK_EV_ESCAPE,    /* kernel fault, confinement, object changed, hang, overlap */
	ATK_EV_SKIPPED,   /* the step could not run here (nothing to resolve, not writable) */
};

struct atk_event {
	enum atk_event_class cls;
	char by[64];            /* check name, finding kind, oops reason */
	bool refused;           /* DETECTED: the heap refused the argument, unchanged */
	bool no_actor;          /* SKIPPED: no thread is left to act */
	struct atk_finding f;  /* filled for DETECTED, CORRUPT, ESCAPE */
};

/*
 * The layout's exposure itself: on a layout that leaves kernel-trusted
 * objects user-writable by design, a user write that changed one, and the
 * kernel then using a value from one. What the kernel does next (a fault, a
 * write outside a footprint, a hang) is beyond it. The rule of the oracle set
 * "beyond", for the fuzz harness and for scenarios alike.
 */
bool atk_event_by_design(const char *layout, const struct atk_event *ev);

struct atk_session_config {
	const char *layout;
	int hardening;          /* enum sys_heap_hardening */
	unsigned word_bits;
	size_t heap_bytes;
	bool runtime_stats;     /* CONFIG_SYS_HEAP_RUNTIME_STATS on the kernel's heap */
	bool protect_off;
	bool kread_off;         /* benchmark baseline: no kernel-reads-user oracle */
	FILE *trace;
	bool precheck_writes;   /* fuzzer: skip writes the thread may not do (no oops) */
	bool check_each_step;   /* fuzzer: validate after every step */
};

/* 0, or a negative errno (bad layout name: -ENOENT). */
int atk_session_open(struct atk_session **out, const struct atk_session_config *cfg);
void atk_session_close(struct atk_session *u);
/* Runs one action and the step's oracles. Returns the event (cls ATK_EV_NONE
 * when nothing happened). After ATK_EV_BLOCKED a fresh acting thread takes over. */
void atk_session_step(struct atk_session *u, const struct atk_action *a, struct atk_event *ev);
/* End-of-program oracle: the kernel's heap validates (ATK_EV_CORRUPT if not). */
void atk_session_final(struct atk_session *u, struct atk_event *ev);
/* Number of audit items / domain partitions (for the fuzzer's targets). */
size_t atk_session_count(const struct atk_session *u, enum atk_base base);
/* Size of the region a base names (0: nothing there now). */
size_t atk_session_region_size(struct atk_session *u, enum atk_base base, int idx);
bool atk_session_is_oob(const struct atk_session *u);
unsigned long atk_session_steps(const struct atk_session *u);
bool atk_session_slot_live(const struct atk_session *u, int slot);
/* Step-time values for scenario expressions (false: names nothing now). */
bool atk_session_eval_id(struct atk_session *u, int slot, uint64_t *out);        /* chunk id of a block */
bool atk_session_eval_units(struct atk_session *u, int slot, uint64_t *out);     /* its chunk's size */
bool atk_session_eval_taddr(struct atk_session *u, const struct atk_addr *a, uint64_t *out);
bool atk_session_eval_chunkid(struct atk_session *u, const struct atk_addr *a, uint64_t *out); /* (a − S)/8 */
uint32_t atk_session_canary_base(struct atk_session *u);

/* ======================================================================== */
/* Scenarios: hand-written attack programs (docs/reviewer-guide.md)         */
/* ======================================================================== */

struct atk_scenario; /* parsed, opaque */

/*
 * Parses scenario text. NULL on a syntax error, with "line N: why" in err.
 * Never crashes on any byte string.
 */
struct atk_scenario *atk_scenario_parse(const char *text, size_t len, char *err,
					  size_t errlen);
void atk_scenario_free(struct atk_scenario *s);
const char *atk_scenario_name(const struct atk_scenario *s);
const char *atk_scenario_about(const struct atk_scenario *s);
/* Does it name SOF main's objects or steps (sof.OBJECT, dma, ipc, core N)?
 * Such a scenario applies to the SOF-main layouts only. */
bool atk_scenario_uses_sof(const struct atk_scenario *s);
/* The `escalates` line: what an escape of this technique reaches or grants ("" if none). */
const char *atk_scenario_escalates(const struct atk_scenario *s);
/* LL ticks its `tick` steps ask for in total (a run's cost). */
unsigned long atk_scenario_ticks(const struct atk_scenario *s);

/* What happened to the attack on one layout × hardening. */
enum atk_verdict_class {
	ATK_V_BLOCKED = 1,   /* the user could not perform it (fault, syscall check) */
	ATK_V_HARMLESS,      /* performed; nothing the kernel trusts changed */
	ATK_V_DETECTED,      /* a heap check caught it in kernel mode: no escape */
	ATK_V_CORRUPTED,     /* nothing caught it, nothing escaped yet, the heap is corrupt */
	ATK_V_EXPLOITABLE,   /* kernel wrote/faulted outside, object changed, hang, overlap */
	ATK_V_ERROR,         /* the scenario could not run (bad step on this layout) */
};
const char *atk_verdict_class_name(enum atk_verdict_class c);

struct atk_verdict {
	enum atk_verdict_class cls;
	char by[64];          /* "double free", "confinement", "fault", "overlap" ... */
	char detail[256];     /* one line */
	enum sim_finding_kind kind; /* the deciding event's finding kind, 0: none (blocked, harmless) */
	char chain[ATK_CHAIN_MAX]; /* every finding of the run in order: "kernel-object-changed>confinement" */
};
/* "blocked", "detected:double free", "exploitable:confinement", ... */
void atk_verdict_format(const struct atk_verdict *v, char *buf, size_t len);

/*
 * What one run of a scenario (one layout × hardening) may cost: LL ticks in
 * all (its `tick` steps; checked before anything runs) and wall seconds
 * (checked between steps). 0: no limit. A run over budget ends with verdict
 * ATK_V_ERROR, by "budget", and atk_scenario_run returns -E2BIG (ticks) or
 * -ETIME (seconds): the caller reports "budget exceeded", never a verdict.
 */
struct atk_budget {
	unsigned long ticks;
	double seconds;
};
#define ATK_BUDGET_TICKS_DEFAULT 10000ul   /* ~2-40 s of simulated LL ticks */
#define ATK_BUDGET_SECONDS_DEFAULT 60.0
/* Parsed scenarios start with the defaults. */
void atk_scenario_set_budget(struct atk_scenario *s, const struct atk_budget *b);
/* Is v a run that hit its budget? */
bool atk_verdict_over_budget(const struct atk_verdict *v);

/* Runs the scenario on one layout and hardening level. trace: numbered steps.
 * 0, a setup error (negative errno), or -E2BIG / -ETIME over budget. */
int atk_scenario_run(const struct atk_scenario *s, const char *layout, int hardening,
		      FILE *trace, struct atk_verdict *out);

/* Watching a run (exports): opened() once with the session, step() after
 * every action with its event (reads are not actions and are not shown). */
struct atk_observer {
	void (*opened)(void *ctx, struct atk_session *u, const struct atk_session_config *cfg);
	void (*step)(void *ctx, struct atk_session *u, const struct atk_action *a,
		     const struct atk_event *ev);
	void *ctx;
};
int atk_scenario_run_observed(const struct atk_scenario *s, const char *layout, int hardening,
			      FILE *trace, struct atk_verdict *out, const struct atk_observer *obs);
/* The uncached-view target address of a target address in the arena (one
 * name per byte; other addresses as they are). */
uint64_t atk_session_uncached_taddr(const struct atk_session *u, uint64_t taddr);

/* Does the file ask to run on this layout and hardening level? */
bool atk_scenario_applies(const struct atk_scenario *s, const char *layout, int hardening);

/* The verdict the file expects there (false: none written for that pair). */
bool atk_scenario_expected(const struct atk_scenario *s, const char *layout, int hardening,
			    char *buf, size_t len);
/* The chain of findings the file expects there (`expect-chain` lines), false: none. */
bool atk_scenario_expected_chain(const struct atk_scenario *s, const char *layout, int hardening,
				 char *buf, size_t len);
/* Does an actual verdict satisfy an expectation string ("detected", "detected:double free")? */
bool atk_verdict_matches(const struct atk_verdict *v, const char *expect);

/* ======================================================================== */
/* Finding identity and class (identity.c)                                   */
/* ======================================================================== */

/*
 * A finding's class is its kind's long name ("confinement"); every command
 * prints it first, in brackets ("[confinement]"). Its identity is what a
 * minimised or exported input must keep to be the same bug: class, layout,
 * hardening, the syscall (kernel path) and the object and field hit.
 */
const char *atk_finding_class(const struct atk_finding *f);
#define ATK_IDENTITY_MAX 256
/* "class|layout|hardening|syscall|object|field"; class_only: "class|layout". */
void atk_finding_identity(const struct atk_finding *f, bool class_only, char *buf, size_t len);
/* A verdict's class: its finding kind's long name, else the verdict class
 * ("blocked", "harmless"). */
const char *atk_verdict_tag(const struct atk_verdict *v);

/* What the last step executed, resolved (for exports to other targets). */
struct atk_exec_info {
	enum atk_action_kind kind;
	bool ran;               /* false: skipped */
	uint64_t ptr;           /* target address (uncached view): free's pointer, write's address */
	bool ptr_cached;        /* ptr was used through the cached view */
	uint64_t ret;           /* alloc's result (target address, 0: NULL) */
	uint64_t heap;          /* the forged heap argument's target address */
	uint64_t bytes, align;
	uint32_t flags;
	uint8_t data[ATK_DATA_MAX];
	unsigned len;
	bool forged_heap;
};
void atk_session_last(const struct atk_session *u, struct atk_exec_info *out);
/* A read by the acting thread (user rights): 0 and *out, -EFAULT when the
 * thread may not read there, -ENOENT when the address names nothing now.
 * width 1/2/4/8 or ATK_WIDTH_FIELD. */
int atk_session_user_read(struct atk_session *u, const struct atk_addr *a, unsigned width,
			  uint64_t *out);
/* The heap's chunk field width in bytes (2 or 4; 2 on oob). */
unsigned atk_session_field_width(struct atk_session *u);
/*
 * The blocks the layout itself allocated in the user heap before the first
 * step (SOF main's zephyr_domain, ...), in address order: where each object
 * starts (offset from the buffer) and the bytes it was allocated with (its
 * registered size). Returns how many, 0 on an out-of-band heap, -1 when a
 * used chunk holds no registered object or there are more than max (out[0]
 * then says which: its name and offset).
 */
struct atk_boot_block {
	size_t off, bytes;
	char name[32];
};
int atk_session_boot_blocks(struct atk_session *u, struct atk_boot_block *out, int max);

/* ======================================================================== */
/* Directories: the catalogue (and fuzz corpora), in name order              */
/* ======================================================================== */

/*
 * "dir/name" for every entry of dir whose name ends in suffix ("": any) and
 * does not start with '.', sorted by name (deterministic). NULL with errno
 * set if dir cannot be opened. Free with atk_list_free.
 */
char **atk_list_dir(const char *dir, const char *suffix, size_t *count);
void atk_list_free(char **names, size_t count);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSIM_ATTACK_H */
