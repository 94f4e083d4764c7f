/*
 * Private to fuzz/: the user-thread program both fuzz_user_syscalls and the
 * scenario runner execute on an LL heap layout, and the session that runs
 * it (environment, the acting user thread, oracles).
 *
 * A program is a list of actions. Addresses are symbolic (a base such as
 * "slot A's chunk header" or "the k_heap object" plus an offset and a view)
 * and are resolved in kernel context just before the action runs, because
 * what they name moves as the heap changes. The action itself then runs in
 * user mode on the acting thread: what it may touch is what the layout's
 * domain allows.
 */
#ifndef HEAPSIM_FUZZ_LIB_INTERNAL_H
#define HEAPSIM_FUZZ_LIB_INTERNAL_H

#include "fuzz.h"
#include "sched.h"

#define U_SLOTS 26  /* scenario slot names A..Z; the fuzzer uses the first 8 */

enum ubase {
	UB_NULL,   /* the pointer 0 */
	UB_ABS,    /* an absolute target address (off) */
	UB_SLOT,   /* slot idx's block */
	UB_HDR,    /* slot idx's chunk header (block − header bytes) */
	UB_FREE,   /* the idx-th free chunk's header, kernel view */
	UB_ZHEAP,  /* the heap start S (struct z_heap) */
	UB_END,    /* the end marker's header */
	UB_KHEAP,  /* the kernel's heap object (struct k_heap) */
	UB_BUF,    /* the heap buffer */
	UB_KDATA,  /* the LL scheduler's kernel data (timer domain) */
	UB_AUDIT,  /* audit item idx: kernel-trusted, user-writable bytes */
	UB_PART,   /* partition idx of the LL domain */
	UB_VAR,    /* the user variable zephyr_ll_heap */
	UB_BUCKET, /* z_heap bucket head idx */
	UB_COUNT,
};

enum uview { UV_ASIS, UV_CACHED, UV_UNCACHED };

/* Chunk header fields (sys_heap), in field-width units. */
enum {
	UF_NONE = -1,
	UF_LEFT = SYS_HEAP_LEFT_SIZE,
	UF_SIZE = SYS_HEAP_SIZE_AND_USED,
	UF_PREV = SYS_HEAP_FREE_PREV,
	UF_NEXT = SYS_HEAP_FREE_NEXT,
};

struct uaddr {
	enum ubase base;
	int idx;
	int field;          /* UF_*: adds field·width (UB_HDR, UB_FREE, UB_END) */
	int64_t off;
	enum uview view;
};

struct usess;

/* A value written by a step: a number, a slot's chunk id, the target address
 * of an address expression (plus a constant), or an expression the scenario
 * layer evaluates at step time through the usess_eval_* helpers. */
enum uval_kind { UVAL_NUM, UVAL_ID, UVAL_TADDR, UVAL_EXPR };
struct uval {
	enum uval_kind kind;
	struct uaddr addr;  /* UVAL_ID: addr.idx is the slot; UVAL_TADDR: the address */
	int64_t add;
	const void *expr;   /* UVAL_EXPR */
	bool (*eval)(struct usess *u, const void *expr, uint64_t *out);
};

enum uact_kind { UA_ALLOC, UA_FREE, UA_WRITE, UA_TICK };

#define UW_FIELD 100    /* write width: the heap's chunk field width */
#define U_DATA_MAX 32

struct uact {
	enum uact_kind kind;
	int slot;             /* alloc: slot receiving the block */
	uint32_t flags;
	uint64_t bytes, align;
	bool forged_heap;     /* heap argument from `heap` instead of zephyr_ll_heap */
	struct uaddr heap;
	struct uaddr at;      /* free: the pointer; write: where */
	unsigned width;       /* write: 0 = data[len]; 1/2/4/8; UW_FIELD */
	struct uval value;
	uint8_t data[U_DATA_MAX];
	unsigned len;
	unsigned ticks;
};

/* What one step did, as the oracles see it. */
enum uevent_class {
	UE_NONE,
	UE_BLOCKED,   /* the acting thread was oopsed (fault, syscall verification) */
	UE_DETECTED,  /* a heap check fired in kernel mode (the kernel caught it) */
	UE_CORRUPT,   /* the kernel's heap no longer validates */
	UE_ESCAPE,    /* kernel fault, confinement, object changed, hang, overlap */
	UE_SKIPPED,   /* the step could not run here (nothing to resolve, not writable) */
};

struct uevent {
	enum uevent_class cls;
	char by[64];            /* check name, finding kind, oops reason */
	bool refused;           /* DETECTED: the heap refused the argument, unchanged */
	bool no_actor;          /* SKIPPED: no thread is left to act */
	struct fuzz_finding f;  /* filled for DETECTED, CORRUPT, ESCAPE */
};

struct usess_config {
	const char *layout;
	int hardening;          /* enum sys_heap_hardening */
	unsigned word_bits;
	size_t heap_bytes;
	bool protect_off;
	FILE *trace;
	bool precheck_writes;   /* fuzzer: skip writes the thread may not do (no oops) */
	bool check_each_step;   /* fuzzer: validate after every step */
};

/* 0, or a negative errno (bad layout name: -ENOENT). */
int usess_open(struct usess **out, const struct usess_config *cfg);
void usess_close(struct usess *u);
/* Runs one action and the step's oracles. Returns the event (cls UE_NONE
 * when nothing happened). After UE_BLOCKED a fresh acting thread takes over. */
void usess_step(struct usess *u, const struct uact *a, struct uevent *ev);
/* End-of-program oracle: the kernel's heap validates (UE_CORRUPT if not). */
void usess_final(struct usess *u, struct uevent *ev);
/* Number of audit items / domain partitions (for the fuzzer's targets). */
size_t usess_count(const struct usess *u, enum ubase base);
/* Size of the region a base names (0: nothing there now). */
size_t usess_region_size(struct usess *u, enum ubase base, int idx);
bool usess_is_oob(const struct usess *u);
unsigned long usess_steps(const struct usess *u);
bool usess_slot_live(const struct usess *u, int slot);
/* Step-time values for scenario expressions (false: names nothing now). */
bool usess_eval_id(struct usess *u, int slot, uint64_t *out);        /* chunk id of a block */
bool usess_eval_units(struct usess *u, int slot, uint64_t *out);     /* its chunk's size */
bool usess_eval_taddr(struct usess *u, const struct uaddr *a, uint64_t *out);
bool usess_eval_chunkid(struct usess *u, const struct uaddr *a, uint64_t *out); /* (a − S)/8 */
uint32_t usess_canary_base(struct usess *u);

#endif /* HEAPSIM_FUZZ_LIB_INTERNAL_H */
