/*
 * The layout table, the audit verdict of each layout, and the syscall checks:
 * a foreign heap, a pointer outside the heap, a pointer into the uncached
 * alias of kernel memory and forbidden flags oops the caller on every layout;
 * well-formed calls do not.
 */
#include "ll_test.h"

/* The first four keep their places (fuzz inputs index the table); SOF
 * main's three follow (test_ll_sof_main.c). */
static const char *const all_layouts[] = { "pr10807-v2", "pr10807-v3", "kernel-only", "oob",
					   "sof-main", "sof-main-oob", "sof-main-fixed" };
#define NLAYOUTS (sizeof(all_layouts) / sizeof(all_layouts[0]))

static void test_layout_table(void **state)
{
	struct ll_env_config c;
	struct ll_env *env = (void *)1;

	(void)state;
	assert_int_equal(ll_layout_count(), NLAYOUTS);
	for (size_t i = 0; i < NLAYOUTS; i++) {
		const struct ll_layout *l = ll_layout_find(all_layouts[i]);

		assert_non_null(l);
		assert_ptr_equal(l, ll_layout_at(i));
		assert_non_null(l->description);
		assert_non_null(l->setup);
	}
	assert_true(ll_layout_find("pr10807-v2")->vulnerable);
	assert_true(ll_layout_find("pr10807-v3")->vulnerable);
	assert_false(ll_layout_find("kernel-only")->vulnerable);
	assert_false(ll_layout_find("oob")->vulnerable);
	assert_null(ll_layout_find("no-such-layout"));
	assert_null(ll_layout_find(NULL));
	assert_null(ll_layout_at(NLAYOUTS));

	ll_env_config_default(&c);
	c.layout = "no-such-layout";
	assert_int_equal(ll_env_create(&c, &env), -ENOENT);
	assert_null(env);
	c.layout = "pr10807-v3";
	c.heap_bytes = 1000; /* not a page multiple */
	assert_int_equal(ll_env_create(&c, &env), -EINVAL);
	assert_null(sim_current());
	c.heap_bytes = 128u << 20; /* over the 64 MiB limit */
	assert_int_equal(ll_env_create(&c, &env), -EINVAL);
	c.heap_bytes = SIZE_MAX & ~(sim_page_size() - 1); /* would overflow the arena size */
	assert_int_equal(ll_env_create(&c, &env), -EINVAL);
	assert_null(sim_current());
	c.heap_bytes = 0x20000;
	c.word_bits = 16;
	assert_int_equal(ll_env_create(&c, &env), -EINVAL);
	c.word_bits = 32;
	c.period_us = 0;
	assert_int_equal(ll_env_create(&c, &env), -EINVAL);
	assert_null(env);
}

/* ---- audit verdicts --------------------------------------------------------- */

struct audit_summary {
	size_t count;
	bool k_heap, spinlock, wait_q, z_heap, chunks;
};

static void audit(const char *layout, struct audit_summary *s)
{
	struct ll_env *env = ll_test_env(layout, -1);
	struct sim_audit a;

	memset(s, 0, sizeof(*s));
	assert_int_equal(sim_audit(ll_env_sim(env), &a), 0);
	s->count = a.count;
	for (size_t i = 0; i < a.count; i++) {
		const struct sim_audit_item *it = &a.items[i];

		if (!strcmp(it->type, "k_heap")) {
			s->k_heap = true;
			s->spinlock |= strstr(it->detail, "spinlock") != NULL;
			s->wait_q |= strstr(it->detail, "wait_q") != NULL;
		}
		s->z_heap |= !strcmp(it->type, "z_heap");
		s->chunks |= !strcmp(it->type, "chunk headers");
		assert_non_null(strstr(it->domain, "ll_domain"));
	}
	sim_audit_free(&a);
	ll_env_destroy(env);
}

static void test_audit_v2_flags_k_heap(void **state)
{
	struct audit_summary s;

	(void)state;
	audit("pr10807-v2", &s);
	assert_true(s.k_heap);
	assert_true(s.spinlock);
	assert_true(s.wait_q);
	assert_true(s.z_heap); /* the buffer is user RW too */
}

static void test_audit_v3_flags_in_band_metadata(void **state)
{
	struct audit_summary s;

	(void)state;
	audit("pr10807-v3", &s);
	assert_false(s.k_heap);
	assert_true(s.z_heap);
	assert_true(s.chunks);
}

static void test_audit_safe_layouts_clean(void **state)
{
	struct audit_summary s;

	(void)state;
	audit("kernel-only", &s);
	assert_int_equal(s.count, 0);
	audit("oob", &s);
	assert_int_equal(s.count, 0);
}

/* ---- syscalls from user mode ------------------------------------------------- */

enum probe_kind {
	P_GOOD,              /* alloc, write, free: must not oops */
	P_FOREIGN_HEAP,      /* a k_heap-sized fake in user memory */
	P_HEAP_ALIAS,        /* the heap object through the uncached alias */
	P_BAD_FLAGS,
	P_FREE_OUTSIDE,      /* a user-writable pointer outside the heap */
	P_FREE_KERNEL_ALIAS, /* uncached alias of a kernel page */
	P_FREE_MID_BLOCK,    /* inside a live block, not its start */
};

struct probe_req {
	struct ll_env *env;
	enum probe_kind kind;
	bool returned;
	bool failed;         /* a step that must work did not (checked on main) */
};

static void probe_ipc(void *arg)
{
	struct probe_req *r = arg;
	struct ll_env *env = r->env;
	struct k_heap *h = zephyr_ll_user_heap();
	uint8_t *sysuser = (uint8_t *)ll_env_user_heap_var(env);
	uint8_t *p;

	switch (r->kind) {
	case P_GOOD:
		p = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 100, 0);
		r->failed |= !p;
		if (p && ll_env_layout(env)->user_heap_access)
			memset(p, 0x5a, 100);
		sof_heap_free(h, p);
		sof_heap_free(h, NULL);
		p = sof_heap_alloc(h, SOF_MEM_FLAG_USER | SOF_MEM_FLAG_COHERENT, 64, 256);
		r->failed |= !p || ((uintptr_t)p & 255);
		sof_heap_free(h, p);
		break;
	case P_FOREIGN_HEAP:
		sof_heap_alloc((struct k_heap *)(sysuser + 64), SOF_MEM_FLAG_USER, 64, 0);
		break;
	case P_HEAP_ALIAS:
		sof_heap_alloc(sim_uncached(ll_env_sim(env), h), SOF_MEM_FLAG_USER, 64, 0);
		break;
	case P_BAD_FLAGS:
		sof_heap_alloc(h, SOF_MEM_FLAG_KERNEL, 64, 0);
		break;
	case P_FREE_OUTSIDE:
		sof_heap_free(h, sysuser + 64);
		break;
	case P_FREE_KERNEL_ALIAS:
		sof_heap_free(h, sim_uncached(ll_env_sim(env), ll_sched_kdata(ll_env_sched(env))));
		break;
	case P_FREE_MID_BLOCK:
		p = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 256, 0);
		sof_heap_free(h, p + 64);
		break;
	}
	r->returned = true;
}

/* Runs the probe on the IPC thread (user mode); returns the oops reason or 0. */
static int run_probe(const char *layout, enum probe_kind kind, bool strict, char *msg,
		     size_t msglen)
{
	struct ll_env_config c;
	struct ll_env *env = NULL;
	struct probe_req r = { 0 };
	struct sim_oops o;
	int ret, reason = 0;

	ll_env_config_default(&c);
	c.layout = layout;
	c.strict_verify = strict;
	c.soft_rights = false; /* probe_ipc is plain user code */
	assert_int_equal(ll_env_create(&c, &env), 0);
	r.env = env;
	r.kind = kind;
	ret = ll_sched_ipc_call(ll_env_sched(env), probe_ipc, &r);
	if (sim_thread_oops(ll_env_sim(env), ll_sched_ipc_thread(ll_env_sched(env)), &o)) {
		assert_int_equal(ret, -EIO);
		assert_false(r.returned);
		reason = o.reason;
		if (msg)
			snprintf(msg, msglen, "%s", o.message);
	} else {
		assert_int_equal(ret, 0);
		assert_true(r.returned);
		assert_false(r.failed);
	}
	ll_env_destroy(env);
	return reason;
}

static void test_good_calls_pass(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLAYOUTS; i++) {
		assert_int_equal(run_probe(all_layouts[i], P_GOOD, false, NULL, 0), 0);
		assert_int_equal(run_probe(all_layouts[i], P_GOOD, true, NULL, 0), 0);
	}
}

static void test_bad_calls_oops(void **state)
{
	static const enum probe_kind bad[] = { P_FOREIGN_HEAP, P_HEAP_ALIAS, P_BAD_FLAGS,
					       P_FREE_OUTSIDE, P_FREE_KERNEL_ALIAS };
	char msg[160];

	(void)state;
	for (size_t i = 0; i < NLAYOUTS; i++)
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			int reason = run_probe(all_layouts[i], bad[k], false, msg, sizeof(msg));

			if (reason != SIM_OOPS_SYSCALL_VERIFY)
				print_message("%s probe %d: reason %d (%s)\n", all_layouts[i],
					      (int)bad[k], reason, msg);
			assert_int_equal(reason, SIM_OOPS_SYSCALL_VERIFY);
		}
}

/* SOF does not check that a freed pointer starts a live block: the call goes
 * through to sys_heap_free. --strict-verify stops it at the gate. */
static void test_mid_block_free(void **state)
{
	char msg[160] = "";

	(void)state;
	assert_int_not_equal(run_probe("pr10807-v3", P_FREE_MID_BLOCK, false, msg, sizeof(msg)),
			     SIM_OOPS_SYSCALL_VERIFY);
	assert_int_equal(run_probe("pr10807-v3", P_FREE_MID_BLOCK, true, msg, sizeof(msg)),
			 SIM_OOPS_SYSCALL_VERIFY);
	assert_non_null(strstr(msg, "live block"));
	/* kernel-only needs the live-block check (no write check is possible) */
	assert_int_equal(run_probe("kernel-only", P_FREE_MID_BLOCK, false, msg, sizeof(msg)),
			 SIM_OOPS_SYSCALL_VERIFY);
}

/* kernel-only: user code holds the pointer but cannot touch the block; on
 * the other layouts it can. */
static void get_block(void *arg)
{
	*(void **)arg = sof_heap_alloc(zephyr_ll_user_heap(), SOF_MEM_FLAG_USER, 64, 0);
}

static void test_block_access_per_layout(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLAYOUTS; i++) {
		struct ll_env *env = ll_test_env(all_layouts[i], -1);
		struct sim *sim = ll_env_sim(env);
		k_tid_t ipc = ll_sched_ipc_thread(ll_env_sched(env));
		void *p = NULL;
		bool want = ll_env_layout(env)->user_heap_access;

		assert_int_equal(ll_sched_ipc_call(ll_env_sched(env), get_block, &p), 0);
		assert_non_null(p);
		assert_int_equal(sim_user_can_access(sim, ipc, p, 64, true), want);
		assert_int_equal(sim_user_can_access(sim, ipc, sim_uncached(sim, p), 64, true),
				 want);
		assert_int_equal(sim_user_can_access(sim, ll_sched_thread(ll_env_sched(env)), p,
						     1, false),
				 want);
		assert_int_equal(ll_test_findings(env), 0);
		ll_env_destroy(env);
	}
}

/* ... and trying to is a user fault that kills the caller, not a finding. */
static void write_block(void *arg)
{
	uint8_t *p = sof_heap_alloc(zephyr_ll_user_heap(), SOF_MEM_FLAG_USER, 64, 0);
	uint8_t *volatile *out = arg; /* the fault is invisible to the compiler */

	*out = p;
	if (p)
		((volatile uint8_t *)p)[8] = 1;
	*out = NULL;
}

static void test_kernel_only_write_faults(void **state)
{
	struct ll_env *env = ll_test_env("kernel-only", -1);
	struct sim_oops o;
	uint8_t *p = NULL;

	(void)state;
	assert_int_equal(ll_sched_ipc_call(ll_env_sched(env), write_block, &p), -EIO);
	assert_non_null(p);
	assert_true(sim_thread_oops(ll_env_sim(env), ll_sched_ipc_thread(ll_env_sched(env)), &o));
	assert_int_equal(o.reason, SIM_OOPS_FAULT);
	assert_int_equal(p[8], 0);
	assert_int_equal(ll_test_findings(env), 0);
	ll_env_destroy(env);
}

/* The kernel's bookkeeping: allocation counts and peak use. */
static void alloc_three(void *arg)
{
	struct k_heap *h = zephyr_ll_user_heap();
	void *a = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 100, 0);
	void *b = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 200, 0);
	void *c = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 1u << 30, 0); /* cannot fit */

	*(bool *)arg = a && b && !c;
	sof_heap_free(h, a);
	sof_heap_free(h, b);
}

static void test_heap_stats(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLAYOUTS; i++) {
		struct ll_env *env = ll_test_env(all_layouts[i], -1);
		struct ll_heap_stats hs, boot;
		bool ok = false;

		/* SOF main's boot allocates its domain objects from the heap */
		ll_env_heap_stats(env, &boot);
		assert_int_equal(ll_sched_ipc_call(ll_env_sched(env), alloc_three, &ok), 0);
		assert_true(ok);
		ll_env_heap_stats(env, &hs);
		assert_int_equal(hs.allocs - boot.allocs, 2);
		assert_int_equal(hs.alloc_failures - boot.alloc_failures, 1);
		assert_int_equal(hs.frees - boot.frees, 2);
		assert_int_equal(hs.live_blocks, boot.live_blocks);
		assert_int_equal(hs.in_use, boot.in_use);
		/* cached heap: 128 + 256 bytes at least */
		assert_true(hs.peak >= 384);
		assert_true(ll_env_validate(env));
		assert_int_equal(ll_test_findings(env), 0);
		ll_env_destroy(env);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_layout_table, ll_test_teardown),
		cmocka_unit_test_teardown(test_audit_v2_flags_k_heap, ll_test_teardown),
		cmocka_unit_test_teardown(test_audit_v3_flags_in_band_metadata, ll_test_teardown),
		cmocka_unit_test_teardown(test_audit_safe_layouts_clean, ll_test_teardown),
		cmocka_unit_test_teardown(test_good_calls_pass, ll_test_teardown),
		cmocka_unit_test_teardown(test_bad_calls_oops, ll_test_teardown),
		cmocka_unit_test_teardown(test_mid_block_free, ll_test_teardown),
		cmocka_unit_test_teardown(test_block_access_per_layout, ll_test_teardown),
		cmocka_unit_test_teardown(test_kernel_only_write_faults, ll_test_teardown),
		cmocka_unit_test_teardown(test_heap_stats, ll_test_teardown),
	};

	return cmocka_run_group_tests_name("ll_layouts", tests, NULL, NULL);
}
