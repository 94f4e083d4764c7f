/* heapsim export: the decoded run of a finding, and its writers. */
#ifndef HEAPSIM_EXPORT_H
#define HEAPSIM_EXPORT_H

#include "proof.h"

#define EXPORT_MAX_STEPS 256

struct export_step {
	struct atk_action a;       /* as decoded (symbolic) */
	struct atk_event ev;       /* what the host saw */
	struct atk_exec_info exec; /* what ran, resolved to target addresses */
};

struct export_run {
	struct atk_session_config cfg;
	unsigned field_width;
	uint64_t buf_taddr, kheap_taddr;
	size_t buf_bytes;
	bool kheap_ok;
	struct export_step steps[EXPORT_MAX_STEPS]; /* the steps that ran, in order */
	size_t n;
	bool found;
	bool escaped;              /* steps after the first escape are not recorded */
	struct atk_finding finding;
	uint64_t finding_taddr;    /* the finding's address, uncached view */
	/* the layout's own blocks in the user heap, before the first step
	 * (atk_session_boot_blocks: -1 when one holds no registered object) */
	struct atk_boot_block boot[16];
	int nboot;
	char name[96];             /* the input's SHA-1, or "scenario NAME" */
};

/* Runs the finding with an observer on the decoder; -1: no finding. */
int export_decode(const struct proof_finding *pf, struct export_run *x);
/* An address in the scenario language, named where possible. */
void export_addr(FILE *f, const struct atk_addr *a, unsigned field_width, unsigned word_bits);
/* export_xtensa.c */
int export_xtensa(const struct export_run *x, const char *out);

#endif
