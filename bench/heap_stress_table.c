/*
 * heap-stress-table: the main job of the README's first command (issue 3
 * item 3). Runs sys_heap_stress on a few heap sizes in both word modes and
 * prints ops, success rate, fragmentation at the end and the validate verdict.
 * 32-bit heaps of 1 MiB have 32-bit chunk fields, smaller ones 16-bit; 64-bit
 * heaps always 32-bit. Exit 0 only if every heap validates.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heap.h"

#define OPS 20000

static uint8_t buf[1 << 20] __attribute__((aligned(4096)));
static uint8_t scratch[2048] __attribute__((aligned(8)));

static void *stress_alloc(void *arg, size_t bytes)
{
	return sys_heap_alloc(arg, bytes);
}

static void stress_free(void *arg, void *p)
{
	sys_heap_free(arg, p);
}

int main(void)
{
	static const size_t sizes[] = { 2048, 65536, 1 << 20 };
	static const unsigned words[] = { 32, 64 };
	int failed = 0;

	printf("sys_heap_stress: %d ops per heap, target 50%% full, MODERATE hardening\n\n", OPS);
	printf("%-5s %-9s %-7s %7s %8s %8s %10s %8s  %s\n", "word", "heap", "fields", "ops",
	       "allocs", "success", "avg use", "frag", "validate");
	for (size_t w = 0; w < 2; w++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct sys_heap h;
			struct sys_heap_config cfg;
			struct sys_heap_layout l;
			struct sys_heap_usage u;
			struct z_heap_stress_result r;
			bool ok;
			double frag = 0;

			sys_heap_config_default(&cfg);
			cfg.word_bits = words[w];
			cfg.runtime_stats = true;
			memset(buf, 0, sizes[i]);
			if (sys_heap_init_checked(&h, buf, sizes[i], &cfg, false) != SYS_HEAP_INIT_OK) {
				printf("%-5u %-9zu init failed\n", words[w], sizes[i]);
				failed = 1;
				continue;
			}
			sys_heap_layout_get(&h, &l);
			memset(&r, 0, sizeof(r));
			if (sys_heap_stress(stress_alloc, stress_free, &h, sizes[i], OPS, scratch,
					    sizeof(scratch), 50, &r, words[w]) != 0)
				failed = 1;
			ok = sys_heap_validate(&h);
			if (sys_heap_usage_get(&h, &u) && u.free_bytes)
				frag = 1.0 - (double)u.largest_free / (double)u.free_bytes;
			printf("%-5u %-9zu %-7s %7u %8u %7.1f%% %9.1f%% %7.1f%%  %s\n", words[w],
			       sizes[i], l.field_bytes == 2 ? "16-bit" : "32-bit",
			       r.total_allocs + r.total_frees, r.total_allocs,
			       r.total_allocs ? 100.0 * r.successful_allocs / r.total_allocs : 0.0,
			       100.0 * (double)r.accumulated_in_use_bytes / OPS / (double)sizes[i],
			       100.0 * frag, ok ? "ok" : "FAIL");
			failed |= !ok;
		}
	}
	printf("\nsuccess: allocations that returned memory; avg use: mean requested bytes "
	       "live / heap bytes;\nfrag: 1 - largest free block / free bytes at the end.\n");
	return failed;
}
