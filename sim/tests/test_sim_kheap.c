/* k_heap: blocking on virtual time, and what a user who can write its parts makes the kernel do. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "simtest.h"

static struct fx F;
static struct k_heap *kh;        /* the heap under test */
static uint8_t *kbuf;
static int sc_alloc, sc_free;
static volatile uintptr_t got[8];
static volatile uint64_t at[8];

#define HEAP_BYTES 4096

static int vrfy_heap(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	K_OOPS(K_SYSCALL_OBJ(a[0], K_OBJ_HEAP));
	return 0;
}
static void fp_heap(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS], struct sim_footprint *fp)
{
	(void)ctx;
	sim_footprint_add_heap(fp, (struct k_heap *)a[0]);
}
static uintptr_t impl_alloc(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	return (uintptr_t)k_heap_alloc((struct k_heap *)a[0], a[1], K_USEC((int64_t)a[2]));
}
static uintptr_t impl_free(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	k_heap_free((struct k_heap *)a[0], (void *)a[1]);
	return 0;
}

static void register_heap_syscalls(void)
{
	struct sim_syscall_def d;

	memset(&d, 0, sizeof(d));
	d.name = "halloc", d.nargs = 3, d.verify = vrfy_heap, d.impl = impl_alloc;
	d.footprint = fp_heap;
	sc_alloc = sim_syscall_register(F.s, &d);
	d.name = "hfree", d.nargs = 2, d.impl = impl_free;
	sc_free = sim_syscall_register(F.s, &d);
	assert_true(sc_alloc >= 0 && sc_free >= 0);
}

/* Kernel heap, kernel-only buffer. */
static void setup_kernel_heap(const struct sys_heap_config *cfg)
{
	fx_init(&F);
	kh = sim_kobj_alloc(F.s, sizeof(*kh), 8, "test_heap");
	kbuf = sim_region_alloc(F.s, HEAP_BYTES, "heap_buf");
	assert_int_equal(k_heap_init_cfg(kh, kbuf, HEAP_BYTES, cfg, NULL), 0);
	register_heap_syscalls();
	memset((void *)got, 0, sizeof(got));
	memset((void *)at, 0, sizeof(at));
}

/* ---- blocking ---------------------------------------------------------------------- */

static void holder(void *free_after_us, void *b, void *c)
{
	void *p = k_heap_alloc(kh, 3000, K_NO_WAIT);

	(void)b, (void)c;
	got[0] = (uintptr_t)p;
	k_sleep(K_USEC((int64_t)(intptr_t)free_after_us));
	k_heap_free(kh, p);
	at[0] = sim_now_us(sim_current());
}

static void waiter(void *timeout_us, void *b, void *c)
{
	(void)b, (void)c;
	got[1] = (uintptr_t)k_heap_alloc(kh, 3000, K_USEC((int64_t)(intptr_t)timeout_us));
	at[1] = sim_now_us(sim_current());
}

static void test_blocking_alloc_wakes_on_free(void **state)
{
	(void)state;
	setup_kernel_heap(NULL);
	fx_thread(&F, "holder", holder, (void *)2000, 5, false);
	fx_thread(&F, "waiter", waiter, (void *)10000, 6, false);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_non_null((void *)got[0]);
	assert_int_equal(at[0], 2000);
	/* Woken by the free at 2 ms, long before its 10 ms timeout, with memory. */
	assert_non_null((void *)got[1]);
	assert_int_equal(at[1], 2000);
	assert_ptr_equal((void *)got[1], (void *)got[0]);
	fx_fini(&F);
}

static void test_blocking_alloc_times_out_on_virtual_time(void **state)
{
	(void)state;
	setup_kernel_heap(NULL);
	fx_thread(&F, "holder", holder, (void *)7000, 5, false);
	fx_thread(&F, "waiter", waiter, (void *)5000, 6, false);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_null((void *)got[1]);
	assert_int_equal(at[1], 5000);
	assert_int_equal(at[0], 7000);
	/* The heap's wait queue is empty again, in the arena too. */
	assert_int_equal(kh->wait_q.head, 0);
	assert_int_equal(kh->wait_q.tail, 0);
	fx_fini(&F);
}

static void test_no_wait_and_main_context(void **state)
{
	void *a, *b, *c;

	(void)state;
	setup_kernel_heap(NULL);
	/* From main (no thread) nothing can block: a failed alloc returns at once. */
	a = k_heap_alloc(kh, 3000, K_FOREVER);
	assert_non_null(a);
	assert_null(k_heap_alloc(kh, 3000, K_FOREVER));
	b = k_heap_calloc(kh, 10, 10, K_NO_WAIT);
	assert_non_null(b);
	for (int i = 0; i < 100; i++)
		assert_int_equal(((uint8_t *)b)[i], 0);
	assert_null(k_heap_calloc(kh, SIZE_MAX / 2, 4, K_NO_WAIT));
	c = k_heap_aligned_alloc(kh, 64, 40, K_NO_WAIT);
	assert_non_null(c);
	assert_int_equal(sim_host_to_target(F.s, c) % 64, 0);
	b = k_heap_realloc(kh, b, 200, K_NO_WAIT);
	assert_non_null(b);
	k_heap_free(kh, a);
	k_heap_free(kh, b);
	k_heap_free(kh, c);
	assert_true(sys_heap_validate(sim_k_heap_sys(kh)));
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_HEAP_CHECK), 0);
	/* A k_heap must live in the arena. */
	{
		struct k_heap host;

		assert_int_equal(k_heap_init_cfg(&host, kbuf, HEAP_BYTES, NULL, NULL), -EINVAL);
		assert_int_equal(k_heap_init_cfg(kh, (void *)&host, sizeof(host), NULL, NULL), -EINVAL);
	}
	fx_fini(&F);
}

/* Upstream asserts on a non-power-of-two alignment in k_heap_aligned_alloc;
 * SOF's syscall path calls sys_heap_aligned_alloc, which reads 24 as "16,
 * rewound by 8". A k_heap_init that cannot use its buffer says so. */
static void test_bad_alignment_and_unusable_init(void **state)
{
	const struct sim_finding *fs;
	struct k_heap *outside;
	char msg[512] = "";
	size_t n;
	void *p;

	(void)state;
	setup_kernel_heap(NULL);
	assert_null(k_heap_aligned_alloc(kh, 24, 16, K_NO_WAIT));
	fs = sim_findings(F.s, &n);
	assert_int_equal(n, 1);
	assert_int_equal(fs[0].kind, SIM_FINDING_HEAP_CHECK);
	assert_non_null(strstr(fs[0].message, "caller error"));
	assert_non_null(strstr(fs[0].message, "k_heap_aligned_alloc"));

	p = sim_k_heap_sys_aligned_alloc(kh, 24, 16);
	assert_non_null(p);
	assert_int_equal((sim_host_to_target(F.s, p) + 8) % 16, 0);
	assert_non_null(k_heap_aligned_alloc(kh, 0, 16, K_NO_WAIT));
	sim_findings(F.s, &n);
	assert_int_equal(n, 1); /* only the caller error above */

	/* a buffer outside the arena: said on stderr, then every call is a fault */
	outside = sim_kobj_alloc(F.s, sizeof(*outside), 8, "outside_heap");
	{
		FILE *f = tmpfile();
		int saved = dup(2);

		assert_non_null(f);
		fflush(stderr);
		dup2(fileno(f), 2);
		k_heap_init(outside, msg, sizeof(msg));
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		rewind(f);
		assert_non_null(fgets(msg, sizeof(msg), f));
		fclose(f);
	}
	assert_non_null(strstr(msg, "k_heap_init"));
	assert_non_null(strstr(msg, "not in the simulator's arena"));
	assert_null(k_heap_alloc(outside, 16, K_NO_WAIT));
	fs = sim_findings(F.s, &n);
	assert_int_equal(n, 2); /* after the caller error of the first call */
	assert_int_equal(fs[1].kind, SIM_FINDING_KERNEL_FAULT);
	assert_non_null(strstr(fs[1].message, "not a k_heap"));
	fx_fini(&F);
}

static void user_blocks_in_syscall(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	got[1] = sim_syscall(sc_alloc, (uintptr_t)kh, 3000, 10000, 0, 0, 0);
	at[1] = sim_now_us(sim_current());
}

static void test_syscall_pends_inside_confinement(void **state)
{
	k_tid_t u;

	(void)state;
	setup_kernel_heap(NULL);
	fx_thread(&F, "holder", holder, (void *)1500, 5, false);
	u = fx_thread(&F, "u", user_blocks_in_syscall, NULL, 6, true);
	k_object_access_grant(kh, u);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(sim_thread_state(F.s, u), SIM_THREAD_EXITED);
	assert_non_null((void *)got[1]);
	assert_int_equal(at[1], 1500);
	/* Pending wrote thread and queue links through the kernel's API: no finding. */
	{
		size_t n;

		sim_findings(F.s, &n);
		assert_int_equal(n, 0);
	}
	fx_fini(&F);
}

/* ---- a k_heap in user memory (pr10807-v2 shape) --------------------------------------- */

static uint8_t *uregion;

static void setup_user_heap(void)
{
	struct k_mem_partition p;

	fx_init(&F);
	uregion = sim_region_alloc(F.s, F.pg + HEAP_BYTES, "user_heap_region");
	kh = (struct k_heap *)uregion;
	kbuf = uregion + 64;
	sim_kobj_set_name(F.s, kh, "uheap");
	assert_int_equal(k_heap_init_cfg(kh, kbuf, HEAP_BYTES, NULL, NULL), 0);
	p = (struct k_mem_partition){ (uintptr_t)uregion, F.pg + HEAP_BYTES,
				      K_MEM_PARTITION_P_RW_U_RW };
	assert_int_equal(k_mem_domain_add_partition(F.dom, &p), 0);
	register_heap_syscalls();
	memset((void *)got, 0, sizeof(got));
}

static void user_tampers_then_allocs(void *word, void *value, void *c)
{
	(void)c;
	*(volatile uint32_t *)word = (uint32_t)(uintptr_t)value;
	got[0] = sim_syscall(sc_alloc, (uintptr_t)kh, 32, 0, 0, 0, 0);
	got[1] = 1; /* not reached: the syscall oopses */
}

static void after(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	got[2] = 1;
}

static const struct sim_finding *only_finding(enum sim_finding_kind kind)
{
	size_t n;
	const struct sim_finding *fs = sim_findings(F.s, &n);

	assert_int_equal(n, 1);
	assert_int_equal(fs[0].kind, kind);
	return &fs[0];
}

static void run_tamper(void *word, uint32_t value)
{
	k_tid_t u;
	struct sim_oops o;

	{
		struct sim_thread_params pp = { 0 };

		pp.name = "ll_user", pp.entry = user_tampers_then_allocs, pp.p1 = word;
		pp.p2 = (void *)(uintptr_t)value, pp.prio = 4, pp.options = K_USER, pp.domain = F.dom;
		u = sim_thread_create(F.s, &pp);
	}
	k_object_access_grant(kh, u);
	fx_thread(&F, "after", after, NULL, 9, false);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_true(sim_thread_oops(F.s, u, &o));
	assert_int_equal(o.reason, SIM_OOPS_KERNEL_FINDING);
	assert_int_equal(got[1], 0);
	assert_int_equal(got[2], 1); /* the system kept running */
}

static void test_user_held_spinlock_hangs_kernel(void **state)
{
	const struct sim_finding *f;

	(void)state;
	setup_user_heap();
	run_tamper(&kh->lock.locked, 1);
	f = only_finding(SIM_FINDING_HANG);
	assert_string_equal(f->object, "uheap");
	assert_string_equal(f->object_type, "k_heap");
	assert_string_equal(f->field, "lock.locked");
	assert_string_equal(f->syscall, "halloc");
	assert_non_null(strstr(f->message, "spin for ever"));
	fx_fini(&F);
}

static void test_user_forged_heap_pointer(void **state)
{
	const struct sim_finding *f;

	(void)state;
	setup_user_heap();
	run_tamper(&kh->heap.heap, 0xA0000100u);
	f = only_finding(SIM_FINDING_KOBJ_CHANGED);
	assert_string_equal(f->object, "uheap");
	assert_string_equal(f->field, "heap.heap");
	assert_int_equal(f->nbytes, 4);
	assert_int_equal(f->new_bytes[1], 0x01);
	fx_fini(&F);
}

static void test_user_forged_wait_queue(void **state)
{
	const struct sim_finding *f;

	(void)state;
	setup_user_heap();
	/* A tampered queue head: the kernel finds it when it next uses the queue. */
	kh->wait_q.head = 0xA0000040u;
	k_heap_free(kh, NULL);
	f = only_finding(SIM_FINDING_KOBJ_CHANGED);
	assert_string_equal(f->object, "uheap");
	assert_string_equal(f->field, "wait_q.head");
	assert_string_equal(f->thread_name, "main");
	/* Reported once; the kernel rewrote its queue and goes on. */
	k_heap_free(kh, NULL);
	only_finding(SIM_FINDING_KOBJ_CHANGED);
	assert_int_equal(kh->wait_q.head, 0);
	fx_fini(&F);
}

/* ---- a heap buffer in user memory (pr10807-v3 shape) --------------------------------- */

static void setup_user_buffer(enum sys_heap_hardening level)
{
	struct sys_heap_config cfg;
	struct k_mem_partition p;

	fx_init(&F);
	kh = sim_kobj_alloc(F.s, sizeof(*kh), 8, "kheap");
	kbuf = sim_region_alloc(F.s, HEAP_BYTES, "user_heap_buf");
	sys_heap_config_default(&cfg);
	cfg.hardening = level;
	cfg.size_mode = SYS_HEAP_SIZE_BIG_ONLY; /* 32-bit links reach anywhere */
	cfg.internal_checks = false;
	assert_int_equal(k_heap_init_cfg(kh, kbuf, HEAP_BYTES, &cfg, NULL), 0);
	p = (struct k_mem_partition){ (uintptr_t)kbuf, HEAP_BYTES, K_MEM_PARTITION_P_RW_U_RW };
	assert_int_equal(k_mem_domain_add_partition(F.dom, &p), 0);
	register_heap_syscalls();
	memset((void *)got, 0, sizeof(got));
}

static void user_double_free(void *a, void *b, void *c)
{
	void *p;

	(void)a, (void)b, (void)c;
	p = (void *)sim_syscall(sc_alloc, (uintptr_t)kh, 40, 0, 0, 0, 0);
	got[0] = (uintptr_t)p;
	sim_syscall(sc_free, (uintptr_t)kh, (uintptr_t)p, 0, 0, 0, 0);
	sim_syscall(sc_free, (uintptr_t)kh, (uintptr_t)p, 0, 0, 0, 0);
	got[1] = 1;
}

static void test_heap_check_becomes_finding(void **state)
{
	k_tid_t u;
	struct sim_oops o;
	const struct sim_finding *f;

	(void)state;
	setup_user_buffer(SYS_HEAP_HARDENING_MODERATE);
	u = fx_thread(&F, "u", user_double_free, NULL, 5, true);
	k_object_access_grant(kh, u);
	fx_thread(&F, "after", after, NULL, 9, false);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_non_null((void *)got[0]);
	assert_int_equal(got[1], 0);
	assert_int_equal(got[2], 1);
	assert_true(sim_thread_oops(F.s, u, &o));
	assert_int_equal(o.reason, SIM_OOPS_KERNEL_FINDING);
	f = only_finding(SIM_FINDING_HEAP_CHECK);
	assert_non_null(strstr(f->message, "double free"));
	assert_string_equal(f->syscall, "hfree");
	assert_string_equal(f->object, "kheap");
	/* The check names the chunk; its header is named as heap metadata. */
	assert_string_equal(f->object_type, "heap metadata");
	assert_non_null(strstr(f->field, "chunk"));
	fx_fini(&F);
}

/* Free A (kept apart from the rest by B), then forge A's free-list links so
 * that the next alloc's unlink writes `first` at the forged `second`'s
 * FREE_PREV field: target address T. */
static volatile uint32_t forged_target;

static void user_forges_links(void *a, void *b, void *c)
{
	uint8_t *pa, *S;
	uint32_t ca, second;

	(void)a, (void)b, (void)c;
	pa = (uint8_t *)sim_syscall(sc_alloc, (uintptr_t)kh, 64, 0, 0, 0, 0);
	sim_syscall(sc_alloc, (uintptr_t)kh, 64, 0, 0, 0, 0);
	sim_syscall(sc_free, (uintptr_t)kh, (uintptr_t)pa, 0, 0, 0, 0);
	S = sim_k_heap_sys(kh)->heap; /* the test knows the layout; a user would compute it */
	ca = (uint32_t)((pa - 8 - S) / 8);
	second = (uint32_t)((forged_target - sim_host_to_target(F.s, S) - 8) / 8);
	*(volatile uint32_t *)(S + 8 * (size_t)ca + 8) = ca;      /* FREE_PREV = itself */
	*(volatile uint32_t *)(S + 8 * (size_t)ca + 12) = second; /* FREE_NEXT = forged */
	got[0] = sim_syscall(sc_alloc, (uintptr_t)kh, 64, 0, 0, 0, 0);
	got[1] = 1;
}

static void test_forged_link_kernel_write_is_confinement_finding(void **state)
{
	k_tid_t u;
	const struct sim_finding *f;
	size_t n;

	(void)state;
	setup_user_buffer(SYS_HEAP_HARDENING_BASIC);
	forged_target = sim_host_to_target(F.s, F.kdata + 16);
	u = fx_thread(&F, "u", user_forges_links, NULL, 5, true);
	k_object_access_grant(kh, u);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	/* The kernel wrote into kdata on the user's behalf: confinement saw it. */
	f = sim_findings(F.s, &n);
	assert_true(n >= 1);
	assert_int_equal(f[0].kind, SIM_FINDING_CONFINEMENT);
	assert_string_equal(f[0].syscall, "halloc");
	assert_string_equal(f[0].object, "kdata");
	assert_int_equal(f[0].offset, 16);
	assert_true(f[0].nbytes >= 1);
	assert_int_equal(sim_thread_state(F.s, u), SIM_THREAD_OOPSED);
	fx_fini(&F);
}

static void test_forged_link_outside_arena_is_wild_access(void **state)
{
	k_tid_t u;
	const struct sim_finding *f;

	(void)state;
	setup_user_buffer(SYS_HEAP_HARDENING_BASIC);
	forged_target = 0x10000000u; /* nothing of the target there */
	u = fx_thread(&F, "u", user_forges_links, NULL, 5, true);
	k_object_access_grant(kh, u);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	f = only_finding(SIM_FINDING_KERNEL_FAULT);
	assert_non_null(strstr(f->message, "wild access"));
	assert_int_equal(f->taddr, 0x10000000u);
	assert_string_equal(f->syscall, "halloc");
	assert_int_equal(sim_thread_state(F.s, u), SIM_THREAD_OOPSED);
	fx_fini(&F);
}

/* ---- determinism ---------------------------------------------------------------------- */

static void det_user(void *a, void *b, void *c)
{
	void *p;

	(void)a, (void)b, (void)c;
	p = (void *)sim_syscall(sc_alloc, (uintptr_t)kh, 100, 0, 0, 0, 0);
	k_sleep(K_USEC(250));
	sim_syscall(sc_free, (uintptr_t)kh, (uintptr_t)p, 0, 0, 0, 0);
	k_yield();
	*(volatile uint8_t *)F.kdata = 1; /* oops */
}

static void det_timer(struct sim *s, void *arg)
{
	(void)arg;
	sim_trace_note(s, "tick");
}

static char *run_program(void **base)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	k_tid_t u1, u2;

	setup_kernel_heap(NULL);
	*base = sim_arena_base(F.s, SIM_VIEW_CACHED);
	u1 = fx_thread(&F, "u1", det_user, NULL, 5, true);
	u2 = fx_thread(&F, "u2", det_user, NULL, 5, true);
	k_object_access_grant(kh, u1);
	k_object_access_grant(kh, u2);
	fx_thread(&F, "holder", holder, (void *)300, 4, false);
	fx_thread(&F, "waiter", waiter, (void *)1000, 6, false);
	sim_timer_start(F.s, 100, 100, det_timer, NULL);
	assert_int_equal(sim_run(F.s, 2000), SIM_RUN_TIME);
	out = open_memstream(&text, &len);
	sim_trace_write(F.s, out);
	fclose(out);
	fx_fini(&F);
	return text;
}

static void test_same_program_same_trace(void **state)
{
	void *b1, *b2, *blocker;
	char *t1, *t2;

	(void)state;
	t1 = run_program(&b1);
	/* Make the second arena land elsewhere in the host's address space
	 * (not the mapping the first one left for reuse). */
	sim_arena_drop_kept();
	blocker = mmap(b1, 1u << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
	assert_ptr_equal(blocker, b1);
	t2 = run_program(&b2);
	munmap(blocker, 1u << 20);
	assert_ptr_not_equal(b1, b2);
	assert_true(strlen(t1) > 1000);
	assert_non_null(strstr(t1, "oops"));
	assert_non_null(strstr(t1, "halloc"));
	assert_non_null(strstr(t1, "tick"));
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocking_alloc_wakes_on_free),
		cmocka_unit_test(test_blocking_alloc_times_out_on_virtual_time),
		cmocka_unit_test(test_no_wait_and_main_context),
		cmocka_unit_test(test_bad_alignment_and_unusable_init),
		cmocka_unit_test(test_syscall_pends_inside_confinement),
		cmocka_unit_test(test_user_held_spinlock_hangs_kernel),
		cmocka_unit_test(test_user_forged_heap_pointer),
		cmocka_unit_test(test_user_forged_wait_queue),
		cmocka_unit_test(test_heap_check_becomes_finding),
		cmocka_unit_test(test_forged_link_kernel_write_is_confinement_finding),
		cmocka_unit_test(test_forged_link_outside_arena_is_wild_access),
		cmocka_unit_test(test_same_program_same_trace),
	};

	return cmocka_run_group_tests_name("sim_kheap", tests, NULL, NULL);
}
