/*
 * The Zephyr drop-in with asserts on (as Zephyr's own tests build): compiled
 * with CONFIG_ASSERT, CONFIG_SYS_HEAP_LISTENER, CONFIG_SYS_HEAP_RUNTIME_STATS
 * and CONFIG_SYS_HEAP_ARRAY_SIZE=8 against the include tree only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <zephyr/kernel.h>
#include <zephyr/irq_offload.h>
#include <zephyr/sys/heap_listener.h>
#include <zephyr/sys/multi_heap.h>
#include <zephyr/sys/sys_heap.h>

#include "zephyr_test.h"

static uint8_t buf[64 * 1024] __aligned(8);
static uint8_t buf2[16 * 1024] __aligned(8);

K_HEAP_DEFINE(kh_a, 4096);
K_HEAP_DEFINE(kh_b, 2048);

static int reset(void **state)
{
	(void)state;
	fatal_seen = 0;
	return 0;
}

/* ---- sys_heap ------------------------------------------------------------------ */

static void sys_heap_zapi(void **state)
{
	struct sys_heap h;
	void *p, *q, *r, *n;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	assert_int_equal(h.cfg.word_bits, sizeof(void *) * 8);
	assert_int_equal(h.cfg.hardening, SYS_HEAP_HARDENING_MODERATE);
	assert_true(h.cfg.runtime_stats);
	for (size_t sz = 1; sz < 100; sz += 7) {
		p = sys_heap_alloc(&h, sz);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % sizeof(void *), 0);
		assert_true(sys_heap_usable_size(&h, p) >= sz);
		sys_heap_free(&h, p);
	}
	p = sys_heap_alloc(&h, 10);
	memset(p, 0xa5, 10);
	q = sys_heap_aligned_alloc(&h, 64, 100);
	assert_non_null(q);
	assert_int_equal((uintptr_t)q % 64, 0);
	r = sys_heap_realloc(&h, p, 300);
	assert_non_null(r);
	assert_int_equal(((uint8_t *)r)[9], 0xa5);
	n = sys_heap_noalign_alloc(&h, 4096, 33);
	assert_non_null(n);
	assert_int_equal((uintptr_t)n % sizeof(void *), 0);
	sys_heap_free(&h, r);
	sys_heap_free(&h, q);
	sys_heap_free(&h, n);
	sys_heap_free(&h, NULL);
	assert_true(sys_heap_validate(&h));
	expect_no_fatal();
}

/* Zephyr's contract for bad arguments: NULL for zero and impossible sizes,
 * an assertion for a bad alignment, a fault for a NULL heap. */
static void sys_heap_bad_arguments(void **state)
{
	struct sys_heap h;
	struct sys_memory_stats st;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	assert_null(sys_heap_alloc(&h, 0));
	assert_null(sys_heap_aligned_alloc(&h, 64, 0));
	assert_null(sys_heap_alloc(&h, sizeof(buf)));
	assert_null(sys_heap_alloc(&h, SIZE_MAX));
	assert_null(sys_heap_alloc(&h, SIZE_MAX / 2));
	assert_null(sys_heap_aligned_alloc(&h, 16, SIZE_MAX - 8));
	assert_null(sys_heap_realloc(&h, NULL, 0));
	expect_no_fatal();

	/* 7: after the rewind bit (1) comes off, 6 is no power of two */
	assert_null(sys_heap_aligned_alloc(&h, 7, 16));
	expect_fatal(K_ERR_KERNEL_PANIC, "caller error");

	assert_null(sys_heap_alloc(NULL, 16));
	expect_fatal(K_ERR_CPU_EXCEPTION, "NULL heap");

	assert_int_equal(sys_heap_runtime_stats_get(NULL, &st), -EINVAL);
	assert_int_equal(sys_heap_runtime_stats_get(&h, NULL), -EINVAL);
	assert_true(sys_heap_validate(&h));
	expect_no_fatal();
}

/* A heap too small to hold anything asserts at init and is unusable after. */
static void sys_heap_init_too_small(void **state)
{
	static uint8_t tiny[Z_HEAP_MIN_SIZE] __aligned(8);
	struct sys_heap h;

	(void)state;
	sys_heap_init(&h, tiny, Z_HEAP_MIN_SIZE - 1);
	expect_fatal(K_ERR_KERNEL_PANIC, "too small");
	assert_null(sys_heap_alloc(&h, 1));
	expect_fatal(K_ERR_CPU_EXCEPTION, "unusable");
	sys_heap_init(&h, NULL, 4096);
	expect_fatal(K_ERR_KERNEL_PANIC, "NULL");
}

/* Z_HEAP_MIN_SIZE is exact for these settings; Z_HEAP_MIN_SIZE_FOR(n) holds n. */
static void sys_heap_min_sizes(void **state)
{
	static uint8_t mem[Z_HEAP_MIN_SIZE_FOR(300000)] __aligned(8);
	static const size_t wants[] = { 1, 4, 13, 40, 121, 364, 1093, 3280, 9841, 29524, 88573, 265720, 300000 };
	struct sys_heap h;

	(void)state;
	sys_heap_init(&h, mem, Z_HEAP_MIN_SIZE);
	assert_non_null(sys_heap_alloc(&h, 1));
	expect_no_fatal();
	sys_heap_init(&h, mem, Z_HEAP_MIN_SIZE - 8);
	expect_fatal(K_ERR_KERNEL_PANIC, "too small");
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		size_t n = wants[i], sz = Z_HEAP_MIN_SIZE_FOR(n);

		size_t lo = sz;

		sys_heap_init(&h, mem, sz);
		assert_non_null(sys_heap_alloc(&h, n));
		expect_no_fatal();
		/* A bound, not a guess: the exact minimum is at most 16 bytes below. */
		for (;;) {
			bool holds;

			sys_heap_init(&h, mem, lo - 8);
			holds = !fatal_seen && sys_heap_alloc(&h, n) != NULL;
			fatal_seen = 0;
			if (!holds)
				break;
			lo -= 8;
		}
		assert_true(sz - lo <= 16);
	}
}

static void sys_heap_stats_and_array(void **state)
{
	struct sys_heap h, h2, **arr;
	struct sys_memory_stats st;
	void *p;
	int n;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	sys_heap_init(&h2, buf2, sizeof(buf2));
	p = sys_heap_alloc(&h, 100);
	size_t usable = sys_heap_usable_size(&h, p);
	assert_int_equal(sys_heap_runtime_stats_get(&h, &st), 0);
	assert_int_equal(st.allocated_bytes, usable);
	sys_heap_free(&h, p);
	assert_int_equal(sys_heap_runtime_stats_get(&h, &st), 0);
	assert_int_equal(st.allocated_bytes, 0);
	assert_int_equal(st.max_allocated_bytes, usable);

	/* Runs first: the K_HEAP_DEFINE heaps (initialised before main), then h
	 * and h2. The system heap comes from a file without the option. */
	assert_int_equal(sys_heap_array_get(NULL), -EINVAL);
	n = sys_heap_array_get(&arr);
	assert_int_equal(n, 4);
	bool saw_a = false, saw_b = false, saw_h = false, saw_h2 = false;
	for (int i = 0; i < n; i++) {
		saw_a |= arr[i] == &kh_a.heap;
		saw_b |= arr[i] == &kh_b.heap;
		saw_h |= arr[i] == &h;
		saw_h2 |= arr[i] == &h2;
	}
	assert_true(saw_a && saw_b && saw_h && saw_h2);
	/* CONFIG_SYS_HEAP_ARRAY_SIZE is the capacity; a full array records no more */
	for (int i = 0; i < 6; i++)
		sys_heap_init(&h2, buf2, sizeof(buf2));
	assert_int_equal(sys_heap_array_get(&arr), 8);
	assert_int_equal(sys_heap_array_save(&h), -EINVAL);
	assert_int_equal(sys_heap_array_save(NULL), -EINVAL);
}

static void sys_heap_print_info_runs(void **state)
{
	struct sys_heap h;
	char line[256] = "";
	FILE *f = tmpfile();
	int saved = dup(1);

	(void)state;
	assert_non_null(f);
	sys_heap_init(&h, buf, sizeof(buf));
	(void)sys_heap_alloc(&h, 100);
	fflush(stdout);
	dup2(fileno(f), 1);
	sys_heap_print_info(&h, true);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "Heap at"));
	bool used = false, end = false;
	while (fgets(line, sizeof(line), f)) {
		used |= strstr(line, " used ") != NULL;
		end |= strstr(line, " end") != NULL;
	}
	fclose(f);
	assert_true(used && end);
}

static void *stress_alloc(void *heap, size_t bytes)
{
	return sys_heap_alloc(heap, bytes);
}

static void stress_free(void *heap, void *p)
{
	sys_heap_free(heap, p);
}

static void sys_heap_stress_zephyr_signature(void **state)
{
	static uint8_t scratch[4096];
	struct z_heap_stress_result r;
	struct sys_heap h;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	sys_heap_stress(stress_alloc, stress_free, &h, sizeof(buf), 2000, scratch, sizeof(scratch),
			50, &r);
	assert_int_equal(r.total_allocs + r.total_frees, 2000);
	assert_true(r.successful_allocs > 0 && r.successful_allocs <= r.total_allocs);
	assert_true(sys_heap_validate(&h));
	sys_heap_stress(NULL, NULL, NULL, 0xffffffffu / 100, 1, scratch, sizeof(scratch), 50, &r);
	expect_fatal(K_ERR_KERNEL_PANIC, "total_bytes");
}

static void sys_heap_hardening_panics(void **state)
{
	struct sys_heap h;
	void *p;

	(void)state;
	sys_heap_init(&h, buf, sizeof(buf));
	p = sys_heap_alloc(&h, 64);
	sys_heap_free(&h, p);
	expect_no_fatal();
	sys_heap_free(&h, p);
	expect_fatal(K_ERR_KERNEL_PANIC, "double free");
}

/* ---- listeners -------------------------------------------------------------------- */

struct event {
	char kind;
	void *mem;
	size_t bytes;
};
static struct event events[16];
static int nevents;

static void on_alloc(uintptr_t id, void *mem, size_t bytes)
{
	(void)id;
	events[nevents++ % 16] = (struct event){ 'a', mem, bytes };
}

static void on_free(uintptr_t id, void *mem, size_t bytes)
{
	(void)id;
	events[nevents++ % 16] = (struct event){ 'f', mem, bytes };
}

static struct sys_heap lh;
HEAP_LISTENER_ALLOC_DEFINE(alloc_listener, HEAP_ID_FROM_POINTER(&lh), on_alloc);
HEAP_LISTENER_FREE_DEFINE(free_listener, HEAP_ID_FROM_POINTER(&lh), on_free);

static void listeners_hear_their_heap(void **state)
{
	struct sys_heap other;
	void *p, *q;
	size_t old;

	(void)state;
	sys_heap_init(&lh, buf, sizeof(buf));
	sys_heap_init(&other, buf2, sizeof(buf2));
	heap_listener_register(&alloc_listener);
	heap_listener_register(&free_listener);
	heap_listener_register(&alloc_listener); /* twice: still heard once */
	nevents = 0;

	p = sys_heap_alloc(&lh, 40);
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0].kind, 'a');
	assert_ptr_equal(events[0].mem, p);
	assert_int_equal(events[0].bytes, sys_heap_usable_size(&lh, p));

	(void)sys_heap_alloc(&other, 40); /* another heap id: not heard */
	assert_int_equal(nevents, 1);

	/* growing in place: the new size as an alloc, then the old as a free */
	old = sys_heap_usable_size(&lh, p);
	q = sys_heap_realloc(&lh, p, 400);
	assert_ptr_equal(q, p);
	assert_int_equal(nevents, 3);
	assert_int_equal(events[1].kind, 'a');
	assert_int_equal(events[1].bytes, sys_heap_usable_size(&lh, q));
	assert_int_equal(events[2].kind, 'f');
	assert_int_equal(events[2].bytes, old);

	old = sys_heap_usable_size(&lh, q);
	sys_heap_free(&lh, q);
	assert_int_equal(nevents, 4);
	assert_int_equal(events[3].kind, 'f');
	assert_ptr_equal(events[3].mem, q);
	assert_int_equal(events[3].bytes, old);

	/* a free the heap refuses (double free) is not reported */
	sys_heap_free(&lh, q);
	expect_fatal(K_ERR_KERNEL_PANIC, "double free");
	assert_int_equal(nevents, 4);

	heap_listener_unregister(&alloc_listener);
	heap_listener_unregister(&free_listener);
	(void)sys_heap_alloc(&lh, 8);
	assert_int_equal(nevents, 4);
}

/* ---- multi-heap -------------------------------------------------------------------- */

static void *choose_by_cfg(struct sys_multi_heap *mh, void *cfg, size_t align, size_t size)
{
	unsigned int i = (unsigned int)(uintptr_t)cfg;

	if (i >= mh->nheaps)
		return NULL;
	return sys_heap_aligned_alloc(mh->heaps[i].heap, align, size);
}

static void multi_heap_choice_and_lookup(void **state)
{
	static int tag1, tag2;
	struct sys_heap h1, h2;
	struct sys_multi_heap mh;
	const struct sys_multi_heap_rec *rec;
	void *a, *b, *c;

	(void)state;
	sys_heap_init(&h1, buf, sizeof(buf));
	sys_heap_init(&h2, buf2, sizeof(buf2));
	sys_multi_heap_init(&mh, choose_by_cfg);
	sys_multi_heap_add_heap(&mh, &h2, &tag2);
	sys_multi_heap_add_heap(&mh, &h1, &tag1);
	assert_int_equal(mh.nheaps, 2);

	/* sorted by address: index i is the heap with the i-th lowest buffer */
	struct sys_heap *low = (uintptr_t)buf < (uintptr_t)buf2 ? &h1 : &h2;
	assert_ptr_equal(mh.heaps[0].heap, low);

	a = sys_multi_heap_alloc(&mh, (void *)0, 64);
	b = sys_multi_heap_aligned_alloc(&mh, (void *)1, 128, 64);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal((uintptr_t)b % 128, 0);
	rec = sys_multi_heap_get_heap(&mh, a);
	assert_non_null(rec);
	assert_ptr_equal(rec->heap, mh.heaps[0].heap);
	rec = sys_multi_heap_get_heap(&mh, b);
	assert_ptr_equal(rec->heap, mh.heaps[1].heap);
	assert_ptr_equal(rec->user_data, rec->heap == &h1 ? (void *)&tag1 : (void *)&tag2);
	assert_null(sys_multi_heap_get_heap(&mh, &mh));
	assert_null(sys_multi_heap_alloc(&mh, (void *)7, 64)); /* the choice said no */

	memset(a, 0x5c, 64);
	c = sys_multi_heap_realloc(&mh, (void *)1, a, 8000);
	assert_non_null(c);
	assert_int_equal(((uint8_t *)c)[63], 0x5c);
	sys_multi_heap_free(&mh, c);
	sys_multi_heap_free(&mh, b);
	sys_multi_heap_free(&mh, NULL);
	assert_true(sys_heap_validate(&h1));
	assert_true(sys_heap_validate(&h2));

	struct sys_heap extra[MAX_MULTI_HEAPS];
	for (int i = 0; i < MAX_MULTI_HEAPS; i++)
		extra[i] = h1;
	for (int i = 0; i < MAX_MULTI_HEAPS - 2; i++)
		sys_multi_heap_add_heap(&mh, &extra[i], NULL);
	expect_no_fatal();
	sys_multi_heap_add_heap(&mh, &extra[MAX_MULTI_HEAPS - 1], NULL);
	expect_fatal(K_ERR_KERNEL_PANIC, "MAX_MULTI_HEAPS");
	assert_int_equal(mh.nheaps, MAX_MULTI_HEAPS);
}

/* ---- k_heap ------------------------------------------------------------------------ */

static void k_heap_define_from_plain_main(void **state)
{
	struct k_heap *arr;
	int n;
	void *p, *z;

	(void)state;
	p = k_heap_alloc(&kh_a, 100, K_NO_WAIT);
	assert_non_null(p);
	assert_true((uint8_t *)p >= (uint8_t *)kh_a.heap.init_mem &&
		    (uint8_t *)p < (uint8_t *)kh_a.heap.init_mem + kh_a.heap.init_bytes);
	k_heap_free(&kh_a, p);
	z = k_heap_calloc(&kh_b, 4, 8, K_NO_WAIT);
	assert_non_null(z);
	for (int i = 0; i < 4; i++)
		assert_int_equal(((uint64_t *)z)[i], 0);
	k_heap_free(&kh_b, z);
	assert_null(k_heap_calloc(&kh_b, SIZE_MAX / 2, 4, K_NO_WAIT));
	p = k_heap_aligned_alloc(&kh_a, 256, 10, K_NO_WAIT);
	assert_int_equal((uintptr_t)p % 256, 0);
	p = k_heap_realloc(&kh_a, p, 600, K_NO_WAIT);
	assert_non_null(p);
	k_heap_free(&kh_a, p);
	k_heap_free(&kh_a, NULL);
	expect_no_fatal();

	assert_int_equal(k_heap_array_get(NULL), -EINVAL);
	n = k_heap_array_get(&arr);
	assert_int_equal(n, 3); /* kh_a, kh_b and the system heap */
	bool saw_a = false, saw_b = false, saw_sys = false;
	for (int i = 0; i < n; i++) {
		saw_a |= &arr[i] == &kh_a;
		saw_b |= &arr[i] == &kh_b;
		saw_sys |= &arr[i] == &_system_heap;
		assert_non_null(arr[i].heap.heap); /* initialised before main, as at boot */
	}
	assert_true(saw_a && saw_b && saw_sys);
}

static void k_heap_bad_arguments(void **state)
{
	static uint8_t small[16] __aligned(8);
	struct k_heap kh;

	(void)state;
	assert_null(k_heap_alloc(&kh_a, 0, K_NO_WAIT));
	assert_null(k_heap_alloc(&kh_a, SIZE_MAX, K_NO_WAIT));
	expect_no_fatal();
	assert_null(k_heap_aligned_alloc(&kh_a, 24, 16, K_NO_WAIT));
	expect_fatal(K_ERR_KERNEL_PANIC, "power of 2");
	assert_null(k_heap_alloc(NULL, 16, K_NO_WAIT));
	expect_fatal(K_ERR_CPU_EXCEPTION, "NULL k_heap");

	k_heap_init(&kh, small, sizeof(small));
	expect_fatal(K_ERR_KERNEL_PANIC, "too small");
	assert_null(k_heap_alloc(&kh, 8, K_NO_WAIT));
	expect_fatal(K_ERR_CPU_EXCEPTION, "never successfully initialised");
	k_heap_free(&kh, small);
	expect_fatal(K_ERR_CPU_EXCEPTION, "never successfully initialised");
}

static void k_heap_timeout_waits(void **state)
{
	static uint8_t mem[1024] __aligned(8);
	struct k_heap kh;
	int64_t t0;

	(void)state;
	k_heap_init(&kh, mem, sizeof(mem));
	t0 = k_uptime_get();
	assert_null(k_heap_alloc(&kh, 4096, K_MSEC(50)));
	assert_true(k_uptime_get() - t0 >= 49);
}

struct freer {
	struct k_heap *kh;
	void *block;
};

static void *free_later(void *arg)
{
	struct freer *f = arg;

	k_msleep(30);
	k_heap_free(f->kh, f->block);
	return NULL;
}

static void k_heap_waiter_gets_freed_memory(void **state)
{
	static uint8_t mem[2048] __aligned(8);
	struct k_heap kh;
	struct freer f;
	pthread_t t;
	void *big, *again;

	(void)state;
	k_heap_init(&kh, mem, sizeof(mem));
	big = k_heap_alloc(&kh, 1500, K_NO_WAIT);
	assert_non_null(big);
	assert_null(k_heap_alloc(&kh, 1500, K_NO_WAIT));
	f = (struct freer){ &kh, big };
	assert_int_equal(pthread_create(&t, NULL, free_later, &f), 0);
	again = k_heap_alloc(&kh, 1500, K_FOREVER);
	pthread_join(t, NULL);
	assert_ptr_equal(again, big);
}

static void isr_alloc(const void *arg)
{
	void **out = (void **)arg;

	assert_true(k_is_in_isr());
	/* an ISR must not wait: asserted, then served as K_NO_WAIT */
	*out = k_heap_alloc(&kh_b, 32, K_FOREVER);
}

static void irq_offload_runs_in_isr(void **state)
{
	void *p = NULL;

	(void)state;
	assert_false(k_is_in_isr());
	irq_offload(isr_alloc, &p);
	assert_false(k_is_in_isr());
	expect_fatal(K_ERR_KERNEL_PANIC, "k_is_in_isr");
	assert_non_null(p);
	k_heap_free(&kh_b, p);
}

/* ---- k_malloc ---------------------------------------------------------------------- */

static void k_malloc_family(void **state)
{
	uint8_t *p, *q, *z, *a;

	(void)state;
	p = k_malloc(48);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % sizeof(void *), 0);
	memset(p, 0x3c, 48);
	q = k_realloc(p, 4000);
	assert_non_null(q);
	assert_int_equal(q[47], 0x3c);
	z = k_calloc(10, 10);
	assert_non_null(z);
	for (int i = 0; i < 100; i++)
		assert_int_equal(z[i], 0);
	a = k_aligned_alloc(128, 10);
	assert_non_null(a);
	assert_int_equal((uintptr_t)a % 128, 0);
	void *zero = k_malloc(0); /* Zephyr: still a block (it holds the heap pointer) */
	assert_non_null(zero);
	k_free(zero);
	assert_null(k_calloc(SIZE_MAX / 2, 3));
	assert_null(k_malloc(SIZE_MAX - 2));
	assert_null(k_realloc(q, 0));
	k_free(z);
	k_free(a);
	k_free(NULL);
	assert_true(sys_heap_validate(&_system_heap.heap));
	expect_no_fatal();
	assert_null(k_aligned_alloc(48, 10));
	expect_fatal(K_ERR_KERNEL_PANIC, "power of 2");
}

/* ---- time and priorities --------------------------------------------------------------- */

static void time_and_priorities(void **state)
{
	int64_t t0 = k_uptime_get();

	(void)state;
	assert_int_equal(k_msleep(20), 0);
	assert_true(k_uptime_get() - t0 >= 19);
	assert_int_equal(K_MSEC(1).ticks, CONFIG_SYS_CLOCK_TICKS_PER_SEC / 1000);
	assert_true(K_TIMEOUT_EQ(K_NO_WAIT, Z_TIMEOUT_NO_WAIT));
	assert_true(K_TIMEOUT_EQ(K_FOREVER, Z_FOREVER));
	assert_false(K_TIMEOUT_EQ(K_MSEC(1), K_NO_WAIT));
	assert_true(K_TIMEOUT_EQ(K_SECONDS(2), Z_TIMEOUT_MS(2000)));
	assert_int_equal(K_PRIO_COOP(1), -15);
	assert_int_equal(K_PRIO_PREEMPT(3), 3);
	assert_true(K_HIGHEST_THREAD_PRIO < K_PRIO_COOP(0) + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(sys_heap_stats_and_array, reset),
		cmocka_unit_test_setup(sys_heap_zapi, reset),
		cmocka_unit_test_setup(sys_heap_bad_arguments, reset),
		cmocka_unit_test_setup(sys_heap_init_too_small, reset),
		cmocka_unit_test_setup(sys_heap_min_sizes, reset),
		cmocka_unit_test_setup(sys_heap_print_info_runs, reset),
		cmocka_unit_test_setup(sys_heap_stress_zephyr_signature, reset),
		cmocka_unit_test_setup(sys_heap_hardening_panics, reset),
		cmocka_unit_test_setup(listeners_hear_their_heap, reset),
		cmocka_unit_test_setup(multi_heap_choice_and_lookup, reset),
		cmocka_unit_test_setup(k_heap_define_from_plain_main, reset),
		cmocka_unit_test_setup(k_heap_bad_arguments, reset),
		cmocka_unit_test_setup(k_heap_timeout_waits, reset),
		cmocka_unit_test_setup(k_heap_waiter_gets_freed_memory, reset),
		cmocka_unit_test_setup(irq_offload_runs_in_isr, reset),
		cmocka_unit_test_setup(k_malloc_family, reset),
		cmocka_unit_test_setup(time_and_priorities, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
