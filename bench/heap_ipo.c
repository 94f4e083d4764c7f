/*
 * heap-ipo: one fixed random mix of heap calls, for counting instructions per
 * operation under callgrind (bench/heap-ipo.sh toggles collection on run_ops).
 *
 * 512 slots, a precomputed list of operations: an empty slot gets alloc (85%)
 * or aligned_alloc with alignment 16 << (k % 5) (15%); a used slot gets free
 * (70%) or realloc (30%); sizes 70% 1..256, 25% 257..4096, 5% 4097..16384;
 * xorshift64 seeded 0x9e3779b97f4a7c15. The same mix as Zephyr-API programs
 * measure, run through heapsim's own calls on a 1 MiB heap.
 *
 *   heap-ipo [--heap sys|oob] [--hardening LEVEL] [--stats] [--word 32|64] [--ops N]
 *
 * Prints the configuration and a checksum of the returned offsets (equal
 * checksums: equal placement, whatever the buffer's address).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

#define NSLOT 512
#define HEAP_BYTES (1u << 20)
#define MAX_OPS 10000000u

static uint8_t heapbuf[HEAP_BYTES] __attribute__((aligned(4096)));
static uint64_t meta[OOB_HEAP_METADATA_BYTES_MAX(HEAP_BYTES) / 8 + 1];
static void *slot[NSLOT];
static uint32_t (*ops)[3];
static uint64_t rs = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)rs;
}

static uint32_t size(void)
{
	uint32_t c = rnd() % 100;

	return c < 70 ? 1 + rnd() % 256 : c < 95 ? 257 + rnd() % 3840 : 4097 + rnd() % 12288;
}

/* The measured loop: one sys_heap call per operation. */
__attribute__((noinline)) uintptr_t run_ops(struct sys_heap *h, uint32_t nops)
{
	uintptr_t sum = 0;

	for (uint32_t i = 0; i < nops; i++) {
		uint32_t s = ops[i][0] % NSLOT, k = ops[i][1], sz = ops[i][2];

		if (!slot[s]) {
			slot[s] = (k % 100) < 85 ? sys_heap_alloc(h, sz)
						 : sys_heap_aligned_alloc(h, 16u << (k % 5), sz);
		} else if ((k % 100) < 70) {
			sys_heap_free(h, slot[s]);
			slot[s] = NULL;
		} else {
			void *p = sys_heap_realloc(h, slot[s], sz);

			if (p)
				slot[s] = p;
		}
		sum += slot[s] ? (uintptr_t)slot[s] - (uintptr_t)heapbuf + 1 : 0;
	}
	return sum;
}

/* The same loop on the oob_heap. */
__attribute__((noinline)) uintptr_t run_ops_oob(struct oob_heap *h, uint32_t nops)
{
	uintptr_t sum = 0;

	for (uint32_t i = 0; i < nops; i++) {
		uint32_t s = ops[i][0] % NSLOT, k = ops[i][1], sz = ops[i][2];

		if (!slot[s]) {
			slot[s] = (k % 100) < 85 ? oob_heap_alloc(h, sz)
						 : oob_heap_aligned_alloc(h, 16u << (k % 5), sz);
		} else if ((k % 100) < 70) {
			oob_heap_free(h, slot[s]);
			slot[s] = NULL;
		} else {
			void *p = oob_heap_realloc(h, slot[s], sz);

			if (p)
				slot[s] = p;
		}
		sum += slot[s] ? (uintptr_t)slot[s] - (uintptr_t)heapbuf + 1 : 0;
	}
	return sum;
}

static int usage(const char *why)
{
	fprintf(stderr, "heap-ipo: %s\nusage: heap-ipo [--heap sys|oob] [--hardening LEVEL] "
			"[--stats] [--word 32|64] [--ops N]\n", why);
	return 2;
}

int main(int argc, char **argv)
{
	struct sys_heap_config cfg;
	bool oob = false;
	uint32_t nops = 1000000;
	uintptr_t sum;
	int err;

	sys_heap_config_default(&cfg);
	cfg.word_bits = 64;
	cfg.hardening = SYS_HEAP_HARDENING_MODERATE;
	cfg.runtime_stats = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(a, "--stats")) {
			cfg.runtime_stats = true;
			continue;
		}
		if (strcmp(a, "--heap") && strcmp(a, "--hardening") && strcmp(a, "--word") &&
		    strcmp(a, "--ops"))
			return usage("unknown option");
		if (!v)
			return usage("missing value");
		i++;
		if (!strcmp(a, "--heap") && (!strcmp(v, "sys") || !strcmp(v, "oob"))) {
			oob = !strcmp(v, "oob");
		} else if (!strcmp(a, "--hardening") && sys_heap_hardening_parse(v) >= 0) {
			cfg.hardening = (enum sys_heap_hardening)sys_heap_hardening_parse(v);
		} else if (!strcmp(a, "--word") && (!strcmp(v, "32") || !strcmp(v, "64"))) {
			cfg.word_bits = (unsigned)atoi(v);
		} else if (!strcmp(a, "--ops")) {
			unsigned long n = strtoul(v, &end, 10);

			if (*end || !n || n > MAX_OPS)
				return usage("bad --ops");
			nops = (uint32_t)n;
		} else {
			return usage("bad value");
		}
	}
	cfg.internal_checks = cfg.hardening >= SYS_HEAP_HARDENING_EXTREME;
	ops = calloc(nops, sizeof(*ops));
	if (!ops)
		return usage("out of memory");
	for (uint32_t i = 0; i < nops; i++) {
		ops[i][0] = rnd();
		ops[i][1] = rnd();
		ops[i][2] = size();
	}
	if (oob) {
		struct oob_heap h;

		err = oob_heap_init_checked(&h, heapbuf, sizeof(heapbuf), meta, sizeof(meta), &cfg,
					    false);
		if (err)
			return usage("oob_heap_init failed");
		sum = run_ops_oob(&h, nops);
		if (!oob_heap_validate(&h))
			return usage("heap does not validate after the run");
	} else {
		struct sys_heap h;

		err = sys_heap_init_checked(&h, heapbuf, sizeof(heapbuf), &cfg, false);
		if (err)
			return usage("sys_heap_init failed");
		sum = run_ops(&h, nops);
		if (!sys_heap_validate(&h))
			return usage("heap does not validate after the run");
	}
	printf("heap %s word %u hardening %s stats %s ops %u checksum %lu\n", oob ? "oob" : "sys",
	       cfg.word_bits, sys_heap_hardening_name(cfg.hardening),
	       cfg.runtime_stats ? "on" : "off", nops, (unsigned long)sum);
	free(ops);
	return 0;
}
