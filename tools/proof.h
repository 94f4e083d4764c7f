/* Shared by `heapsim minimize` and `heapsim export` (proof_util.c). */
#ifndef HEAPSIM_PROOF_H
#define HEAPSIM_PROOF_H

#include "fuzz.h"

/* A finding as loaded: its input, the target, the pinned run options (the
 * layout and hardening it was found with) and what the run shows now. */
struct proof_finding {
	uint8_t *data;
	size_t len;
	const struct fuzz_target *t;
	struct fuzz_opts o;
	struct fuzz_result res;
};

/*
 * Reads FILE and the record beside it, pins the layout (option, environment,
 * record), hardening, oracle set and word mode, and replays it. 0: a finding (pf->res); 1: no
 * finding; 2: bad input (message printed): unreadable, truncated record,
 * a record of another layout than the one asked for.
 */
struct proof_pins {
	const char *target, *layout, *hardening, *oracle; /* NULL: from the record */
};
int proof_load(const char *cmd, const char *file, const struct proof_pins *pins,
	       struct proof_finding *pf);
/* Does input d show the same bug (identity, or class with class_only)? */
bool proof_same_bug(const struct proof_finding *pf, const uint8_t *d, size_t n, bool class_only);
/* mkdir -p. */
bool proof_mkdirs(const char *path);
/* This heapsim's build tree (build/<preset>). */
bool proof_build_dir(char *out, size_t len);

#endif
