/*
 * What minimize and export share: loading a finding (input, record, target,
 * pinned layout and hardening) and refusing what cannot be the same bug
 * (a record of another layout, a truncated record), and a quiet in-process
 * run that says whether an input still shows that bug.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "heapsim.h"
#include "proof.h"

int proof_load(const char *cmd, const char *file, const struct proof_pins *pins,
	       struct proof_finding *pf)
{
	struct cli_record rec;
	const char *layout, *hard, *oracle;

	memset(pf, 0, sizeof(*pf));
	pf->data = cli_read_input(cmd, file, &pf->len);
	if (!pf->data)
		return HEAPSIM_EXIT_USAGE;
	if (!cli_record_read(cmd, file, pf->data, pf->len, &rec))
		return HEAPSIM_EXIT_USAGE;
	pf->t = fuzz_target_find(pins->target ? pins->target
					      : rec.target[0] ? rec.target : "fuzz_user_syscalls");
	if (!pf->t) {
		fprintf(stderr, "heapsim %s: unknown target '%s'\n", cmd,
			pins->target ? pins->target : rec.target);
		return HEAPSIM_EXIT_USAGE;
	}
	layout = cli_pick(pins->layout, "HEAPSIM_LAYOUT", NULL, NULL);
	if (layout && !ll_layout_find(layout)) {
		fprintf(stderr, "heapsim %s: unknown layout '%s'\n", cmd, layout);
		cli_list_layout_names(stderr);
		return HEAPSIM_EXIT_USAGE;
	}
	/* a finding belongs to the layout it was found on */
	if (layout && rec.layout[0] && strcmp(layout, rec.layout)) {
		fprintf(stderr, "heapsim %s: %s is a finding of layout %s, not %s\n", cmd, file,
			rec.layout, layout);
		return HEAPSIM_EXIT_USAGE;
	}
	if (!layout && rec.layout[0])
		layout = cli_layout_known(rec.layout) ? rec.layout : NULL;
	if (rec.layout[0] && !layout) {
		fprintf(stderr, "heapsim %s: the record names unknown layout '%s'\n", cmd, rec.layout);
		return HEAPSIM_EXIT_USAGE;
	}
	hard = cli_pick(pins->hardening, "HEAPSIM_HARDENING", rec.hardening, cli_hardening_known);
	oracle = cli_pick(pins->oracle, "HEAPSIM_ORACLE", rec.oracle, cli_oracle_known);
	if (oracle && !cli_oracle_known(oracle)) {
		fprintf(stderr, "heapsim %s: unknown oracle set '%s' (" FUZZ_ORACLE_NAMES ")\n", cmd, oracle);
		return HEAPSIM_EXIT_USAGE;
	}
	fuzz_opts_default(&pf->o);
	/* a proof is of the finding itself: what followed it is not part of it */
	pf->o.stop_at_first = true;
	/* the oracle set and word mode decide the verdict as much as the layout */
	if (oracle)
		fuzz_oracle_set(&pf->o, oracle); /* known: checked above */
	pf->o.word_bits = rec.word_bits == 32 || rec.word_bits == 64 ? rec.word_bits : 0;
	pf->o.layout = fuzz_target_layout(pf->t, layout);
	if (hard && (pf->o.hardening = sys_heap_hardening_parse(hard)) < 0) {
		fprintf(stderr, "heapsim %s: unknown hardening '%s'\n", cmd, hard);
		return HEAPSIM_EXIT_USAGE;
	}
	fuzz_run(pf->t, pf->data, pf->len, &pf->o, &pf->res);
	/* an unpinned input may have been found with a pinned layout */
	for (size_t i = 0; !pf->res.found && !layout && pf->t->uses_layout && i < ll_layout_count(); i++) {
		pf->o.layout = ll_layout_at(i)->name;
		fuzz_run(pf->t, pf->data, pf->len, &pf->o, &pf->res);
	}
	if (!pf->res.found) {
		fprintf(stderr, "heapsim %s: %s shows no finding (layout %s): nothing to keep\n", cmd,
			file, pf->o.layout ? pf->o.layout : "chosen by the input");
		return HEAPSIM_EXIT_FINDINGS;
	}
	/* from here on the run is pinned to what found it */
	pf->o.layout = fuzz_target_layout(pf->t, pf->res.finding.layout[0] ? pf->res.finding.layout
									       : pf->o.layout);
	pf->o.hardening = sys_heap_hardening_parse(pf->res.finding.hardening);
	return 0;
}

bool proof_same_bug(const struct proof_finding *pf, const uint8_t *d, size_t n, bool class_only)
{
	struct fuzz_result r;
	char want[ATK_IDENTITY_MAX], got[ATK_IDENTITY_MAX];

	fuzz_run(pf->t, d, n, &pf->o, &r);
	if (!r.found)
		return false;
	atk_finding_identity(&pf->res.finding, class_only, want, sizeof(want));
	atk_finding_identity(&r.finding, class_only, got, sizeof(got));
	return !strcmp(want, got);
}

bool proof_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return false;
		*p = '/';
	}
	return mkdir(buf, 0777) == 0 || errno == EEXIST;
}

bool proof_build_dir(char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return false;
	self[n] = '\0';
	/* build/<preset>/tools/heapsim → build/<preset> */
	snprintf(out, len, "%s/..", dirname(self));
	return true;
}
