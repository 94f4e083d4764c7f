/*
 * sim-bench: what protection switching costs, measured in one run.
 *
 *   sim-bench [N]     (N round trips per measurement, default 20000)
 *
 * Prints user<->kernel round trips per second and mprotect calls per round
 * trip for a null syscall (protection + confinement, protection only,
 * nothing), and the cost of a syscall-wrapped k_heap alloc/free pair
 * against a direct sys_heap_alloc/free pair on the same heap.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

static int sc_nop, sc_alloc, sc_free;
static struct k_heap *kh;
static struct k_mem_domain *dom;
static long n_iter = 20000;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uintptr_t impl_nop(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	(void)a;
	return 0;
}
static int vrfy_heap(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	K_OOPS(K_SYSCALL_OBJ(a[0], K_OBJ_HEAP));
	return 0;
}
static uintptr_t impl_alloc(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	return (uintptr_t)k_heap_alloc((struct k_heap *)a[0], a[1], K_NO_WAIT);
}
static uintptr_t impl_free(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	k_heap_free((struct k_heap *)a[0], (void *)a[1]);
	return 0;
}

static void user_nops(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	for (long i = 0; i < n_iter; i++)
		sim_syscall(sc_nop, 0, 0, 0, 0, 0, 0);
}

static void user_heap_pairs(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	for (long i = 0; i < n_iter; i++) {
		uintptr_t p = sim_syscall(sc_alloc, (uintptr_t)kh, 64, 0, 0, 0, 0);

		sim_syscall(sc_free, (uintptr_t)kh, p, 0, 0, 0, 0);
	}
}

static struct sim *make_sim(bool protect, bool confine)
{
	struct sim_config cfg;
	struct sim *s;
	struct sim_syscall_def d;
	uint8_t *ubuf;
	struct k_mem_partition p;
	struct k_mem_partition *parts[1] = { &p };

	sim_config_default(&cfg);
	cfg.protect = protect;
	cfg.confine = confine;
	cfg.trace = false;
	s = sim_create(&cfg);
	if (!s) {
		perror("sim_create");
		exit(1);
	}
	/* A layout like SOF's: kernel region, a kernel heap, a user partition. */
	kh = sim_kobj_alloc(s, sizeof(*kh), 8, "bench_heap");
	if (k_heap_init_cfg(kh, sim_region_alloc(s, 0x20000, "heap_buf"), 0x20000, NULL, NULL)) {
		fprintf(stderr, "k_heap_init failed\n");
		exit(1);
	}
	ubuf = sim_region_alloc(s, 0x10000, "user_data");
	p = (struct k_mem_partition){ (uintptr_t)ubuf, 0x10000, K_MEM_PARTITION_P_RW_U_RW };
	dom = sim_kobj_alloc(s, sizeof(*dom), 8, "bench_domain");
	if (k_mem_domain_init(dom, 1, parts)) {
		fprintf(stderr, "domain init failed\n");
		exit(1);
	}
	memset(&d, 0, sizeof(d));
	d.name = "nop", d.impl = impl_nop;
	sc_nop = sim_syscall_register(s, &d);
	d.name = "halloc", d.nargs = 2, d.verify = vrfy_heap, d.impl = impl_alloc;
	sim_footprint_add_heap(&d.writes, kh);
	sc_alloc = sim_syscall_register(s, &d);
	d.name = "hfree", d.impl = impl_free;
	sc_free = sim_syscall_register(s, &d);
	return s;
}

/* Runs `fn` in one user thread; returns seconds; *st gets the counters. */
static double run_user(struct sim *s, k_thread_entry_t fn, struct sim_stats *st)
{
	struct sim_thread_params pp = { 0 };
	k_tid_t t;
	double t0;

	pp.name = "bench", pp.entry = fn, pp.prio = 5, pp.options = K_USER, pp.domain = dom;
	t = sim_thread_create(s, &pp);
	k_object_access_grant(kh, t);
	sim_stats_reset(s);
	t0 = now_s();
	sim_run(s, UINT64_MAX);
	t0 = now_s() - t0;
	sim_stats_get(s, st);
	if (sim_thread_state(s, t) != SIM_THREAD_EXITED) {
		fprintf(stderr, "bench thread did not finish\n");
		exit(1);
	}
	return t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Seconds for n_iter direct pairs: the median of 5 runs of 10 * n_iter
 * (one run is too short to time steadily). */
static double direct_pairs(void)
{
	struct sim *s = make_sim(false, false);
	struct sys_heap *h = sim_k_heap_sys(kh);
	double runs[5];

	for (int r = 0; r < 5; r++) {
		double t0 = now_s();

		for (long i = 0; i < 10 * n_iter; i++) {
			void *p = sys_heap_alloc(h, 64);

			sys_heap_free(h, p);
		}
		runs[r] = (now_s() - t0) / 10;
	}
	sim_destroy(s);
	qsort(runs, 5, sizeof(runs[0]), cmp_double);
	return runs[2];
}

/* Bounded so that 10 * n_iter (the direct pairs) cannot overflow and a
 * typo cannot start an hours-long run; trailing text is refused. */
#define MAX_ITER 100000000L

static bool parse_iter(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v <= 0 || v > MAX_ITER)
		return false;
	n_iter = v;
	return true;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		bool protect, confine;
	} modes[] = {
		{ "protection + confinement", true, true },
		{ "protection, no confinement", true, false },
		{ "protection switching disabled", false, false },
	};
	double nop_s[3], pair_s[3], direct;
	struct sim_stats st;

	if (argc > 2 || (argc == 2 && !parse_iter(argv[1]))) {
		fprintf(stderr, "usage: sim-bench [round-trips 1..%ld]\n", MAX_ITER);
		return 2;
	}
	printf("sim-bench: %ld round trips per measurement, page %zu, arena 1 MiB\n", n_iter,
	       sim_page_size());
	printf("\nnull syscall (user -> kernel -> user):\n");
	for (int m = 0; m < 3; m++) {
		struct sim *s = make_sim(modes[m].protect, modes[m].confine);

		nop_s[m] = run_user(s, user_nops, &st);
		printf("  %-30s %10.0f round trips/s  %5.2f us each  %5.2f mprotect/round trip\n",
		       modes[m].name, (double)n_iter / nop_s[m], nop_s[m] * 1e6 / (double)n_iter,
		       (double)st.mprotect_calls / (double)n_iter);
		sim_destroy(s);
	}
	printf("\nk_heap alloc+free pair, 64 bytes:\n");
	direct = direct_pairs();
	printf("  %-30s %10.0f pairs/s       %5.3f us each\n", "direct sys_heap_alloc/free",
	       (double)n_iter / direct, direct * 1e6 / (double)n_iter);
	for (int m = 0; m < 3; m++) {
		struct sim *s = make_sim(modes[m].protect, modes[m].confine);

		pair_s[m] = run_user(s, user_heap_pairs, &st);
		printf("  %-30s %10.0f pairs/s       %5.2f us each  ratio to direct %6.1fx  "
		       "%5.2f mprotect/pair\n",
		       modes[m].name, (double)n_iter / pair_s[m], pair_s[m] * 1e6 / (double)n_iter,
		       pair_s[m] / direct, (double)st.mprotect_calls / (double)n_iter);
		sim_destroy(s);
	}
	printf("\nratios to a run with protection switching disabled (same run):\n");
	printf("  null syscall: protection+confinement %.1fx, protection only %.1fx\n",
	       nop_s[0] / nop_s[2], nop_s[1] / nop_s[2]);
	printf("  heap pair:    protection+confinement %.1fx, protection only %.1fx\n",
	       pair_s[0] / pair_s[2], pair_s[1] / pair_s[2]);
	return 0;
}
