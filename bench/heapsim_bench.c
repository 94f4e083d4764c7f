/*
 * heapsim-bench: ns per heap call for fixed-seed random mixes, every
 * row of bench_rows[] in the same run, with the ratio to glibc
 * malloc (issue 3 item 6). Prints numbers only; nothing here is a test.
 *
 *   heapsim-bench [--ops N] [--reps R]
 *
 * Mix: 64 live slots; per step a random slot and a random kind: 10% realloc
 * (to a new random size), 10% aligned alloc (8..256; an occupied slot is freed
 * first), else free the slot if occupied, alloc it if not. Sizes uniform in
 * 1..256 or 1..4096. The step list is generated once per mix, so every
 * allocator replays the same steps; a failed alloc leaves the slot empty, a
 * failed realloc keeps the old block (C semantics).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_rows.h"

#define SLOTS 64

enum kind { K_TOGGLE, K_ALIGNED, K_REALLOC };

struct step {
	uint8_t kind, slot, align_log;
	uint32_t size;
};

struct result {
	double ns_per_call;
	double ok_ratio;
	bool consistent;
	bool supported;
};

static uint8_t heap_buf[1 << 20] __attribute__((aligned(4096)));

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static void make_steps(struct step *s, size_t n, uint32_t max_size, uint64_t seed)
{
	rng_state = seed;
	for (size_t i = 0; i < n; i++) {
		uint32_t pct = rng() % 100;

		s[i].slot = (uint8_t)(rng() % SLOTS);
		s[i].kind = pct < 10 ? K_REALLOC : pct < 20 ? K_ALIGNED : K_TOGGLE;
		s[i].align_log = (uint8_t)(3 + rng() % 6);
		s[i].size = rng() % max_size + 1;
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One timed replay; returns ns, counts calls and successes. */
static double replay(const struct test_allocator *a, void *st, const struct step *s, size_t n,
		     size_t *calls, size_t *acalls, size_t *ok)
{
	void *slot[SLOTS] = { 0 };
	size_t c = 0, ac = 0, good = 0;
	double t0 = now_ns(), t1;

	for (size_t i = 0; i < n; i++) {
		void **p = &slot[s[i].slot];
		void *q;

		switch (s[i].kind) {
		case K_REALLOC:
			q = a->realloc(st, *p, s[i].size);
			c++;
			ac++;
			if (q) {
				*p = q;
				good++;
			}
			break;
		case K_ALIGNED:
			if (*p) {
				a->free(st, *p);
				c++;
			}
			*p = a->aligned_alloc(st, (size_t)1 << s[i].align_log, s[i].size);
			c++;
			ac++;
			good += *p != NULL;
			break;
		default:
			if (*p) {
				a->free(st, *p);
				*p = NULL;
			} else {
				*p = a->alloc(st, s[i].size);
				good += *p != NULL;
				ac++;
			}
			c++;
			break;
		}
	}
	t1 = now_ns();
	for (int i = 0; i < SLOTS; i++)
		if (slot[i])
			a->free(st, slot[i]);
	*calls = c;
	*acalls = ac;
	*ok = good;
	return t1 - t0;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* The adapter's state (allocator.h: zeroed before each init). */
static _Alignas(16) unsigned char self[TEST_ALLOCATOR_SELF_MAX];

static struct result measure(const struct bench_row *row, size_t heap_bytes,
			     const struct step *s, size_t n, int reps)
{
	const struct test_allocator *a = row->allocator;
	struct result r = { 0, 0, true, true };
	struct sys_heap_config cfg;
	double ns[32];
	size_t calls = 0, ok = 0, allocs = 0;

	sys_heap_config_default(&cfg);
	cfg.hardening = row->hardening;
	for (int i = 0; i < reps; i++) {
		size_t c, ac, g;

		memset(self, 0, sizeof(self));
		if (a->init(self, heap_buf, heap_bytes, &cfg) != 0) {
			r.supported = false;
			return r;
		}
		ns[i] = replay(a, self, s, n, &c, &ac, &g);
		if (a->validate && !a->validate(self))
			r.consistent = false;
		calls = c;
		allocs = ac;
		ok = g;
	}
	qsort(ns, (size_t)reps, sizeof(ns[0]), cmp_double);
	/* The median: the middle run, or the mean of the two middle runs. */
	r.ns_per_call = (ns[(reps - 1) / 2] + ns[reps / 2]) / 2 / (double)calls;
	r.ok_ratio = (double)ok / (double)(allocs ? allocs : 1);
	return r;
}

static void usage(void)
{
	fprintf(stderr, "usage: heapsim-bench [--ops N (1000..10000000)] [--reps R (1..31)]\n");
	exit(2);
}

static long parse_num(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static const uint32_t mixes[] = { 256, 4096 };
	static const size_t heaps[] = { 2048, 65536, 1 << 20 };
	size_t ops = 200000;
	int reps = 5;
	struct step *steps;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			ops = (size_t)parse_num(argv[++i], 1000, 10000000);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = (int)parse_num(argv[++i], 1, 31);
		else
			usage();
	}
	steps = calloc(ops, sizeof(*steps));
	if (!steps) {
		fprintf(stderr, "heapsim-bench: out of memory\n");
		return 1;
	}
	printf("heapsim-bench: %zu steps per run, median of %d runs; 64 live slots, "
	       "10%% realloc, 10%% aligned\n\n", ops, reps);
	printf("%-9s %-8s %-22s %9s %10s %9s %10s %6s %7s\n", "mix", "heap", "allocator",
	       "ns/call", "Mcalls/s", "x glibc", "x sys_heap", "ok%", "meta%");
	int bad = 0;
	for (size_t mi = 0; mi < sizeof(mixes) / sizeof(mixes[0]); mi++) {
		make_steps(steps, ops, mixes[mi], 0x5eed0000u + mixes[mi]);
		for (size_t hi = 0; hi < sizeof(heaps) / sizeof(heaps[0]); hi++) {
			double ref = 0, sref = 0;
			char mix[24], heap[32];

			snprintf(mix, sizeof(mix), "1..%u", mixes[mi]);
			if (heaps[hi] >= (1 << 20))
				snprintf(heap, sizeof(heap), "%zu MiB", heaps[hi] >> 20);
			else
				snprintf(heap, sizeof(heap), "%zu KiB", heaps[hi] >> 10);
			for (const struct bench_row *a = bench_rows; a->name; a++) {
				struct result r = measure(a, heaps[hi], steps, ops, reps);
				char meta[16] = "-";

				if (!r.supported) {
					printf("%-9s %-8s %-22s %9s\n", mix, heap, a->name, "n/a");
					continue;
				}
				if (a->is_reference)
					ref = r.ns_per_call;
				if (a->is_sys_heap)
					sref = r.ns_per_call;
				if (a->metadata_bytes)
					snprintf(meta, sizeof(meta), "%.1f",
						 100.0 * (double)a->metadata_bytes(heaps[hi]) /
							 (double)heaps[hi]);
				char vs_sys[16] = "-";

				/* sys_heap runs after glibc: glibc's row has no sys_heap ratio. */
				if (sref > 0)
					snprintf(vs_sys, sizeof(vs_sys), "%.2f", r.ns_per_call / sref);
				printf("%-9s %-8s %-22s %9.1f %10.2f %9.2f %10s %6.1f %7s%s\n", mix,
				       heap, a->name, r.ns_per_call, 1e3 / r.ns_per_call,
				       ref > 0 ? r.ns_per_call / ref : 0.0, vs_sys, 100.0 * r.ok_ratio,
				       meta, r.consistent ? "" : "  INCONSISTENT");
				bad |= !r.consistent;
			}
		}
	}
	free(steps);
	printf("\nok%%: successful calls among alloc, aligned_alloc and realloc; glibc has no size limit.\n"
	       "meta%%: metadata kept outside the buffer / buffer bytes (oob_heap).\n");
	return bad ? 1 : 0;
}
