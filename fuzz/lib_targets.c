/*
 * The target table, one run of one input, the libFuzzer glue shared by the
 * thin target files, and the random driver used where libFuzzer is absent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

const struct fuzz_target fuzz_targets[FUZZ_NTARGETS] = {
	[FUZZ_HEAP_OPS] = { "fuzz_heap_ops", fuzz_heap_ops_run, 4096, false,
			    "heap calls on one sys_heap/oob_heap against a shadow model",
			    &fuzz_heap_ops_shape },
	[FUZZ_USER_SYSCALLS] = { "fuzz_user_syscalls", fuzz_user_syscalls_run, 1024, true,
				 "a user thread's syscalls and raw writes on an LL heap layout",
				 &fuzz_user_syscalls_shape },
	[FUZZ_LL_SCHED] = { "fuzz_ll_sched", fuzz_ll_sched_run, 256, true,
			    "LL scheduler task operations and ticks with allocating modules", &fuzz_ll_sched_shape },
	[FUZZ_CLI_INPUT] = { "fuzz_cli_input", fuzz_cli_input_run, 4096, false,
			     "the scenario and heap-trace text parsers", NULL },
};
const size_t fuzz_ntargets = FUZZ_NTARGETS;

const struct fuzz_target *fuzz_target_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < fuzz_ntargets; i++)
		if (!strcmp(fuzz_targets[i].name, name) || !strcmp(fuzz_targets[i].name + 5, name))
			return &fuzz_targets[i];
	return NULL;
}

const char *fuzz_target_layout(const struct fuzz_target *t, const char *layout)
{
	if (t->uses_layout || !layout)
		return layout;
	/* a heap-only target knows just the out-of-band allocator by layout name */
	return !strcmp(layout, "oob") ? layout : NULL;
}

/* $HEAPSIM_STOP_AT_FIRST set (not "0"): inputs end at their first finding. */
static bool env_stop_at_first(void)
{
	const char *v = getenv("HEAPSIM_STOP_AT_FIRST");

	return v && *v && strcmp(v, "0");
}

void fuzz_opts_default(struct fuzz_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->hardening = -1;
	o->stop_at_first = env_stop_at_first();
}

bool fuzz_oracle_set(struct fuzz_opts *o, const char *name)
{
	bool escape = !strcmp(name, "escape"), beyond = !strcmp(name, "beyond");

	if (!escape && !beyond && strcmp(name, "all"))
		return false;
	o->escape_only = escape || beyond;
	o->beyond_exposure = beyond;
	return true;
}

const char *fuzz_oracle_name(const struct fuzz_opts *o)
{
	return o->beyond_exposure ? "beyond" : o->escape_only ? "escape" : "all";
}

void fuzz_run(const struct fuzz_target *t, const uint8_t *data, size_t size,
	      const struct fuzz_opts *o, struct fuzz_result *res)
{
	struct atk_finding *f = &res->finding;
	const struct ll_layout *l;

	memset(res, 0, sizeof(*res));
	f->op = -1;
	t->run(data, size, o, res);
	if (!res->found)
		return;
	/* targets that end at their first finding leave the chain to us */
	if (!res->chain[0])
		atk_chain_add(res->chain, sizeof(res->chain), f->kind);
	snprintf(f->target, sizeof(f->target), "%s", t->name);
	if (!f->layout[0] && o->layout)
		snprintf(f->layout, sizeof(f->layout), "%s", o->layout);
	/* the oracle set decides which event is the finding: a replay pins it */
	snprintf(f->oracle, sizeof(f->oracle), "%s", fuzz_oracle_name(o));
	l = ll_layout_find(f->layout);
	/* Only what the simulator sees counts as a design flaw; a model
	 * mismatch or harness error is a bug on any layout. */
	f->by_design = t->uses_layout && l && l->vulnerable && f->kind < SIM_FINDING_MODEL_MISMATCH;
	fuzz_sha1_hex(data, size, f->input_sha1);
}

/* ---- libFuzzer glue ---- */

static struct fuzz_opts lf_opts = { .hardening = -1 };
static const char *lf_keep_identity; /* HEAPSIM_KEEP_IDENTITY: minimisation keeps this bug */
static FILE *lf_class_log;           /* HEAPSIM_CLASS_LOG: depth measurement (fuzz.h) */
static const char *lf_class_log_path;
static unsigned lf_classes_seen;
static bool lf_keep_class_only;
static const char *lf_prefix = "";
static bool lf_save_input;
/* the campaign's -seed, for the record (the input alone replays it) */
static bool lf_seeded;
static uint64_t lf_seed;

static const char *flag_value(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && arg[n] == '=' ? arg + n + 1 : NULL;
}

/* libFuzzer's options file for t (OSS-Fuzz's T.options), from the table. */
static void print_options(const struct fuzz_target *t)
{
	printf("[libfuzzer]\nmax_len = %zu\ndict = %s.dict\n", t->max_len, t->name);
}

const char *fuzz_pinned_oracle(const struct ll_layout *l)
{
	return l && l->vulnerable ? "beyond" : "all";
}

const struct fuzz_opts *fuzz_lf_opts(void)
{
	return &lf_opts;
}

static int lf_init(const struct fuzz_target *t, const char *pinned, int *argc, char ***argv);

int fuzz_lf_init(const struct fuzz_target *t, int *argc, char ***argv)
{
	return lf_init(t, NULL, argc, argv);
}

int fuzz_lf_init_pinned(const struct fuzz_target *t, const char *layout, int *argc, char ***argv)
{
	if (!ll_layout_find(layout)) { /* a build error, not the user's */
		fprintf(stderr, "%s: built for unknown layout '%s'\n", t->name, layout);
		exit(2);
	}
	return lf_init(t, layout, argc, argv);
}

static int lf_init(const struct fuzz_target *t, const char *pinned, int *argc, char ***argv)
{
	const char *target = t->name;
	const char *layout = getenv("HEAPSIM_LAYOUT"), *hard = getenv("HEAPSIM_HARDENING");
	const char *oracle = getenv("HEAPSIM_ORACLE"), *word = getenv("HEAPSIM_WORD_BITS");
	const char *mutator = getenv("HEAPSIM_MUTATOR");

	for (int i = 1; argc && argv && i < *argc; i++) {
		const char *v;

		if ((v = flag_value((*argv)[i], "-layout")))
			layout = v;
		else if ((v = flag_value((*argv)[i], "-hardening")))
			hard = v;
		else if ((v = flag_value((*argv)[i], "-artifact_prefix")))
			lf_prefix = v;
		else if ((v = flag_value((*argv)[i], "-oracle")))
			oracle = v;
		else if ((v = flag_value((*argv)[i], "-word_bits")))
			word = v;
		else if ((v = flag_value((*argv)[i], "-mutator")))
			mutator = v;
		else if ((v = flag_value((*argv)[i], "-seed"))) {
			char *end;

			errno = 0;
			lf_seed = strtoull(v, &end, 0);
			lf_seeded = *v && !*end && !errno;
		}
		else if ((v = flag_value((*argv)[i], "-heapsim_options")) && strcmp(v, "0")) {
			print_options(t);
			exit(0);
		} else if ((v = flag_value((*argv)[i], "-heapsim_dict")) && strcmp(v, "0")) {
			fuzz_dict_write(t, stdout);
			exit(0);
		}
	}
	if (pinned) {
		/* the binary's layout is its name's; another one would make
		 * crash files and records that contradict it */
		if (layout && *layout && strcmp(layout, pinned)) {
			fprintf(stderr, "%s: built for layout '%s'; run the binary built for '%s' instead "
				"(or the unpinned %s)\n", target, pinned, layout, target);
			exit(2);
		}
		layout = pinned;
		if (!oracle || !*oracle)
			oracle = fuzz_pinned_oracle(ll_layout_find(pinned));
	}
	if (layout && *layout && !ll_layout_find(layout)) {
		fprintf(stderr, "%s: unknown layout '%s' (known:", target, layout);
		for (size_t i = 0; i < ll_layout_count(); i++)
			fprintf(stderr, " %s", ll_layout_at(i)->name);
		fprintf(stderr, ")\n");
		exit(2);
	}
	lf_opts.stop_at_first = env_stop_at_first();
	lf_opts.layout = layout && *layout ? layout : NULL;
	if (oracle && *oracle && !fuzz_oracle_set(&lf_opts, oracle)) {
		fprintf(stderr, "%s: unknown oracle set '%s' (" FUZZ_ORACLE_NAMES ")\n", target, oracle);
		exit(2);
	}
	if (mutator && *mutator && strcmp(mutator, "structured") && strcmp(mutator, "bytes")) {
		fprintf(stderr, "%s: unknown mutator '%s' (structured, bytes)\n", target, mutator);
		exit(2);
	}
	lf_opts.bytes_mutator = mutator && !strcmp(mutator, "bytes");
	lf_keep_identity = getenv("HEAPSIM_KEEP_IDENTITY");
	{
		lf_class_log_path = getenv("HEAPSIM_CLASS_LOG");
		if (lf_class_log_path && *lf_class_log_path &&
		    !(lf_class_log = fopen(lf_class_log_path, "a"))) {
			fprintf(stderr, "heapsim: HEAPSIM_CLASS_LOG: cannot open %s\n", lf_class_log_path);
			exit(2);
		}
	}
	lf_keep_class_only = getenv("HEAPSIM_KEEP_CLASS_ONLY") && !strcmp(getenv("HEAPSIM_KEEP_CLASS_ONLY"), "1");
	if (word && *word && strcmp(word, "32") && strcmp(word, "64")) {
		fprintf(stderr, "%s: bad word mode '%s' (32 or 64)\n", target, word);
		exit(2);
	}
	lf_opts.word_bits = word && *word ? (unsigned)atoi(word) : 0;
	/* HEAPSIM_TRACE=1: print each run's readable trace on stderr. */
	if (getenv("HEAPSIM_TRACE") && *getenv("HEAPSIM_TRACE") && strcmp(getenv("HEAPSIM_TRACE"), "0"))
		lf_opts.trace = stderr;
	if (hard && *hard) {
		lf_opts.hardening = sys_heap_hardening_parse(hard);
		if (lf_opts.hardening < 0) {
			fprintf(stderr, "%s: unknown hardening '%s' (none basic moderate full extreme)\n",
				target, hard);
			exit(2);
		}
	}
	return 0;
}

void fuzz_lf_set_artifact_prefix(const char *prefix, bool save_input)
{
	lf_prefix = prefix ? prefix : "";
	lf_save_input = save_input;
}

void fuzz_record_path(char *out, size_t len, const char *prefix, const char *sha1)
{
	snprintf(out, len, "%sfinding-%s.json", prefix, sha1);
}

bool fuzz_record_save(const char *prefix, const struct atk_finding *f)
{
	char path[4096];
	FILE *out;

	fuzz_record_path(path, sizeof(path), prefix, f->input_sha1);
	out = fopen(path, "w");
	if (!out)
		return false;
	atk_finding_json(f, out);
	return fclose(out) == 0;
}

static void save_input(const struct atk_finding *f, const uint8_t *data, size_t size)
{
	char path[4096];
	FILE *out;

	if (!lf_save_input)
		return;
	snprintf(path, sizeof(path), "%scrash-%s", lf_prefix, f->input_sha1);
	out = fopen(path, "wb");
	if (!out)
		return;
	fwrite(data, 1, size, out);
	fclose(out);
	fprintf(stderr, "==heapsim== input saved to %s\n", path);
}

int fuzz_lf_run(const struct fuzz_target *t, const uint8_t *data, size_t size)
{
	static unsigned long inputs; /* of this process: "execs to first finding" */
	struct fuzz_result res;
	const char *dir;

	fuzz_run(t, data, size, &lf_opts, &res);
	inputs++;
	if (lf_class_log) {
		/* depth measurement: log each class the first time (and keep the
		 * input beside the log, LOG.CLASS), never stop */
		for (int i = 0; i < FUZZ_NCLASSES; i++)
			if ((res.classes & ~lf_classes_seen) & (1u << i)) {
				char path[4096];
				FILE *f;

				fprintf(lf_class_log, "%lu %s\n", inputs, fuzz_class_names[i]);
				fflush(lf_class_log);
				snprintf(path, sizeof(path), "%s.%s", lf_class_log_path, fuzz_class_names[i]);
				if ((f = fopen(path, "wb"))) {
					fwrite(data, 1, size, f);
					fclose(f);
				}
			}
		lf_classes_seen |= res.classes;
		return 0;
	}
	if (!res.found)
		return 0;
	if (lf_keep_identity && *lf_keep_identity) {
		char id[ATK_IDENTITY_MAX];

		atk_finding_identity(&res.finding, lf_keep_class_only, id, sizeof(id));
		if (strcmp(id, lf_keep_identity))
			return 0; /* another bug: not the one being minimised */
	}
	res.finding.seeded = lf_seeded;
	res.finding.seed = lf_seed;
	atk_finding_print(&res.finding, stderr);
	fprintf(stderr, "==heapsim==   found at input %lu of this process\n", inputs);
	fprintf(stderr, "==heapsim==   chain of findings: %s\n", res.chain);
	fprintf(stderr, "HEAPSIM-FINDING-JSON: ");
	atk_finding_json(&res.finding, stderr);
	fuzz_record_save(lf_prefix, &res.finding);
	dir = getenv("HEAPSIM_FINDINGS_DIR");
	if (dir && *dir) {
		char prefix[4096];

		snprintf(prefix, sizeof(prefix), "%s/", dir);
		fuzz_record_save(prefix, &res.finding);
	}
	save_input(&res.finding, data, size);
	fflush(stderr);
	abort();
}

/* ---- random driver ---- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A fresh random input, or the previous one with a few bytes changed:
 * without coverage feedback, small mutations of a long program still reach
 * deeper states than independent draws. */
size_t fuzz_random_input(uint64_t *rng, uint8_t *buf, size_t len, size_t max)
{
	uint64_t r = rng_next(rng);

	if (len && (r & 3)) {
		unsigned nmut = 1 + (unsigned)(r >> 8) % 4;

		for (unsigned i = 0; i < nmut; i++) {
			uint64_t m = rng_next(rng);
			size_t at = (size_t)(m >> 16) % len;

			switch (m & 3) {
			case 0: buf[at] ^= (uint8_t)(1u << ((m >> 8) & 7)); break;
			case 1: buf[at] = (uint8_t)(m >> 40); break;
			case 2: if (len < max) buf[len++] = (uint8_t)(m >> 40); break;
			default: if (len > 1) len--; break;
			}
		}
		return len;
	}
	len = 1 + (size_t)(r >> 20) % (max < 256 ? max : 256);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(rng_next(rng) >> 32);
	return len;
}

void fuzz_drive(const struct fuzz_target *t, const struct fuzz_opts *o, uint64_t seed,
		unsigned long max_execs, unsigned budget_ms, struct fuzz_drive_stats *st)
{
	uint8_t *buf = malloc(t->max_len ? t->max_len : 1);
	uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 1;
	double t0 = now_s(), limit = budget_ms / 1000.0;
	struct fuzz_result res;
	size_t len = 0;

	memset(st, 0, sizeof(*st));
	if (!buf)
		return;
	while (!max_execs || st->execs < max_execs) {
		if (budget_ms && (st->execs & 15) == 0 && now_s() - t0 >= limit)
			break;
		len = fuzz_random_input(&rng, buf, len, t->max_len);
		fuzz_run(t, buf, len, o, &res);
		st->execs++;
		if (res.found) {
			st->found = true;
			st->finding = res.finding;
			st->finding.seeded = true;
			st->finding.seed = seed;
			st->crash = malloc(len);
			if (st->crash) {
				memcpy(st->crash, buf, len);
				st->crash_len = len;
			}
			break;
		}
	}
	st->seconds = now_s() - t0;
	free(buf);
}
