/*
 * A finding as a program for the target: what `heapsim export --xtensa`
 * writes (one `const struct proof_program proof_program`), and what
 * proof_runner.c executes on the dc233c MMU core. Addresses are offsets
 * from the heap buffer (negative: before it, inside the layout's user
 * region) or from the k_heap object, so the same numbers mean the same
 * bytes on the host and on the target.
 */
#ifndef HEAPSIM_PROOF_PROG_H
#define HEAPSIM_PROOF_PROG_H

#include <stdbool.h>
#include <stdint.h>

enum proof_op { PROOF_ALLOC, PROOF_FREE, PROOF_WRITE, PROOF_TICK };
enum proof_region {
	PROOF_NULL,   /* the pointer 0 */
	PROOF_BUF,    /* heap buffer + off (off may be negative: the layout's region) */
	PROOF_KHEAP,  /* the k_heap object + off */
};

#define PROOF_DATA_MAX 32
/* alloc into no user slot: a block the layout allocates itself before the
 * user's first step (SOF main's objects in the user heap); off is where the
 * host placed it, which the target checks */
#define PROOF_SLOT_BOOT 0xffu

struct proof_step {
	uint8_t op;          /* enum proof_op */
	uint8_t slot;        /* alloc: the slot receiving the block */
	uint8_t region;      /* free / write: enum proof_region */
	uint8_t cached;      /* free: through the cached view */
	uint8_t forged_heap; /* alloc/free: the heap argument is not the LL heap */
	uint8_t len;         /* write: bytes */
	int32_t off;
	uint32_t bytes, align, flags;
	uint8_t data[PROOF_DATA_MAX];
	const char *host;    /* what the host did at this step (one line) */
};

struct proof_program {
	const char *name;          /* the finding's input SHA-1 */
	const char *layout;        /* pr10807-v2, pr10807-v3 or sof-main */
	int hardening;             /* enum sys_heap_hardening */
	uint32_t region_bytes;     /* the layout's user region (v2: k_heap + buffer) */
	int32_t buf_in_region;     /* where the buffer starts in it */
	bool kheap_in_region;      /* v2: struct k_heap at the region's start */
	uint32_t kheap_bytes;      /* struct k_heap as the host lays it out (32-bit fields) */
	bool check_each_step;      /* the fuzz harness validates the heap after every step */
	/* the host's verdict */
	const char *host_class;    /* "confinement", "kernel-object-changed", ... */
	const char *host_message;
	bool host_kernel_store;    /* confinement by a kernel store outside the footprint */
	int32_t host_store_off;    /* ... at this offset from the buffer, */
	uint32_t host_store_len;   /* this many bytes (the host's watch is word-grained) */
	int32_t host_kobj_off;     /* kernel-object-changed: first changed byte, from the k_heap */
	uint32_t host_past;        /* confinement by the cache operation: bytes past the buffer */
	unsigned nsteps;
	const struct proof_step *steps;
};

extern const struct proof_program proof_program;

#endif
