/*
 * Attacks written as user-mode module code: an LL task that does what a
 * malicious or buggy module could do with the memory its domain can write,
 * then asks the kernel for memory.
 *
 *  v2: the module sets k_heap's spinlock; the next kernel allocation spins on
 *      a lock nobody holds (a hang on the target): finding names k_heap.
 *  v3: the module rewrites the free-list links of every free chunk so that an
 *      unlink writes past the buffer; sof_heap_alloc then makes the kernel
 *      write into the LL scheduler's kernel data: confinement names the
 *      syscall and the object. MODERATE hardening catches the same forgery.
 *  v3 cached free: the module enlarges its block's size field; the free path's
 *      cache invalidate then runs past the heap buffer.
 *  The same writes on the safe layouts fault in user mode or change nothing.
 */
#include "ll_test.h"

enum attack { A_SPINLOCK, A_UNLINK, A_CACHE_SIZE, A_SCRIBBLE };

struct attacker {
	struct ll_task task;
	struct ll_env *env;
	enum attack what;
	void *ret;          /* what the final allocation returned */
	bool done;          /* reached the end of the attack */
	unsigned forged;    /* free chunks rewritten */
};

/* ---- reading and writing in-band metadata from user mode ------------------------ */

/* Small heap, 32-bit words: chunk c's field i is a u16 at S + 8c + 2i. */
static uint16_t *field(uint8_t *S, uint32_t c, unsigned i)
{
	return (uint16_t *)(S + 8u * c + 2u * i);
}

/* Rewrites every free chunk's links: prev = itself, next = `next`. */
static unsigned forge_free_links(uint8_t *S, uint32_t chunk0, uint32_t end, uint16_t next)
{
	unsigned n = 0;

	for (uint32_t c = chunk0; c < end;) {
		uint16_t sz = *field(S, c, 1);

		if (sz >> 1 == 0)
			break;
		if (!(sz & 1)) {
			*field(S, c, 2) = (uint16_t)c;
			*field(S, c, 3) = next;
			n++;
		}
		c += sz >> 1;
	}
	return n;
}

static enum ll_task_state attack_run(struct ll_task *t, void *data)
{
	struct attacker *a = data;
	struct k_heap *h = zephyr_ll_user_heap();
	size_t bytes;
	uint8_t *S = ll_env_heap_buffer(a->env, &bytes); /* the module's partition */
	struct sys_heap_layout lay;
	uint8_t *p, *q;

	(void)t;
	switch (a->what) {
	case A_SPINLOCK:
		/* v2: struct k_heap sits in the module's RW region */
		h->lock.locked = 1;
		a->ret = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 64, 0);
		break;
	case A_UNLINK:
		p = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 64, 0);
		q = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 64, 0);
		sof_heap_free(h, p);
		/* chunk id whose FREE_PREV field (+4) is the word after the buffer
		 * plus 4: the kernel data page's `sem` field */
		sys_heap_layout_get(ll_env_sys_heap(a->env), &lay);
		a->forged = forge_free_links(S, lay.chunk0_units, lay.end_chunk,
					     (uint16_t)(bytes / 8));
		a->ret = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 64, 0);
		(void)q;
		break;
	case A_CACHE_SIZE:
		p = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 64, 0); /* a cached pointer */
		sys_heap_layout_get(ll_env_sys_heap(a->env), &lay);
		/* its chunk: (p - hdr - S) / 8; claim it runs to the last id */
		*field(S, (uint32_t)((p - lay.hdr_bytes - S) / 8), 1) = 0xfffe;
		sof_heap_free(h, p);
		break;
	case A_SCRIBBLE:
		/* write everywhere the module may, then use the heap normally */
		p = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 64, 0);
		memset(S, 0xa5, bytes);
		sof_heap_free(h, p);
		a->ret = sof_heap_alloc(h, SOF_MEM_FLAG_USER, 64, 0);
		sof_heap_free(h, a->ret);
		break;
	}
	a->done = true;
	return LL_TASK_COMPLETED;
}

/* Runs the attack as an LL task on `layout` for a few ticks. */
static struct ll_env *attack(const char *layout, int hardening, enum attack what,
			     struct attacker *a)
{
	struct ll_env *env = ll_test_env(layout, hardening);

	memset(a, 0, sizeof(*a));
	a->env = env;
	a->what = what;
	assert_int_equal(ll_task_init(&a->task, "attacker", 0, attack_run, a), 0);
	assert_int_equal(ll_schedule_task(ll_env_sched(env), &a->task), 0);
	ll_sched_run_ticks(ll_env_sched(env), 3);
	return env;
}

static bool ll_thread_oopsed(struct ll_env *env, int reason)
{
	struct sim_oops o;

	return sim_thread_oops(ll_env_sim(env), ll_sched_thread(ll_env_sched(env)), &o) &&
	       o.reason == reason;
}

/* ---- the scenarios ------------------------------------------------------------------ */

static void test_v2_spinlock_tamper(void **state)
{
	struct attacker a;
	struct ll_env *env = attack("pr10807-v2", -1, A_SPINLOCK, &a);
	const struct sim_finding *f = ll_test_finding(env, SIM_FINDING_HANG);

	(void)state;
	ll_test_print_findings(env);
	assert_non_null(f);
	assert_string_equal(f->object_type, "k_heap");
	assert_string_equal(f->object, "ll_heap");
	assert_string_equal(f->syscall, "sof_heap_alloc");
	assert_false(a.done); /* the module never gets its memory */
	assert_true(ll_thread_oopsed(env, SIM_OOPS_KERNEL_FINDING));
	ll_env_destroy(env);
}

/* The same store on v3 is a user fault: k_heap is kernel data there. */
static void test_v3_spinlock_store_faults(void **state)
{
	struct attacker a;
	struct ll_env *env = attack("pr10807-v3", -1, A_SPINLOCK, &a);

	(void)state;
	assert_int_equal(ll_test_findings(env), 0);
	assert_true(ll_thread_oopsed(env, SIM_OOPS_FAULT));
	assert_int_equal(ll_env_heap(env)->lock.locked, 0);
	ll_env_destroy(env);
}

static void unlink_writes_kernel_data(const char *layout)
{
	struct attacker a;
	struct ll_env *env = attack(layout, SYS_HEAP_HARDENING_BASIC, A_UNLINK, &a);
	const struct sim_finding *f = ll_test_finding(env, SIM_FINDING_CONFINEMENT);
	struct ll_sched_kdata *kd = ll_sched_kdata(ll_env_sched(env));
	size_t bytes;
	uint8_t *buf = ll_env_heap_buffer(env, &bytes);

	ll_test_print_findings(env);
	assert_true(a.forged >= 1);
	/* the modelled memory map: kernel data right after the buffer */
	assert_ptr_equal((uint8_t *)kd, buf + bytes);
	assert_non_null(f);
	assert_string_equal(f->syscall, "sof_heap_alloc");
	assert_string_equal(f->object, "ll_sched domain");
	assert_string_equal(f->object_type, "ll_sched_domain");
	assert_string_equal(f->field, "sem");
	assert_false(f->user);
	ll_env_destroy(env);
}

static void test_v3_unlink_writes_kernel_data(void **state)
{
	(void)state;
	unlink_writes_kernel_data("pr10807-v3");
}

/* v2's buffer is user RW as well: the same forgery works there. */
static void test_v2_unlink_writes_kernel_data(void **state)
{
	(void)state;
	unlink_writes_kernel_data("pr10807-v2");
}

/* MODERATE checks the list links before unlinking: the forgery is caught
 * in the kernel as a heap check, and nothing past the buffer is written. */
static void test_v3_unlink_caught_at_moderate(void **state)
{
	struct attacker a;
	struct ll_env *env = attack("pr10807-v3", SYS_HEAP_HARDENING_MODERATE, A_UNLINK, &a);
	const struct sim_finding *f = ll_test_finding(env, SIM_FINDING_HEAP_CHECK);

	(void)state;
	ll_test_print_findings(env);
	assert_non_null(f);
	assert_string_equal(f->syscall, "sof_heap_alloc");
	assert_null(ll_test_finding(env, SIM_FINDING_CONFINEMENT));
	assert_null(ll_test_finding(env, SIM_FINDING_KOBJ_CHANGED));
	ll_env_destroy(env);
}

static void test_cache_invalidate_past_buffer(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		struct attacker a;
		struct ll_env *env =
			attack(i ? "pr10807-v2" : "pr10807-v3", -1, A_CACHE_SIZE, &a);
		const struct sim_finding *f = ll_test_finding(env, SIM_FINDING_CONFINEMENT);

		ll_test_print_findings(env);
		assert_non_null(f);
		assert_string_equal(f->syscall, "sof_heap_free");
		assert_string_equal(f->field, "cache flush+invalidate");
		assert_string_equal(f->object, "ll_sched domain");
		ll_env_destroy(env);
	}
}

/* Where the heap object is kernel data the lock store is a user fault; on
 * kernel-only so is every metadata forgery (the buffer is not writable). */
static void test_safe_layouts_stores_fault(void **state)
{
	static const struct {
		const char *layout;
		enum attack what;
	} cases[] = {
		{ "kernel-only", A_SPINLOCK },
		{ "oob", A_SPINLOCK },
		{ "kernel-only", A_UNLINK },
		{ "kernel-only", A_CACHE_SIZE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct attacker a;
		struct ll_env *env = attack(cases[i].layout, SYS_HEAP_HARDENING_BASIC,
					    cases[i].what, &a);

		ll_test_print_findings(env);
		assert_int_equal(ll_test_findings(env), 0);
		assert_true(ll_thread_oopsed(env, SIM_OOPS_FAULT));
		assert_false(a.done);
		ll_env_destroy(env);
	}
}

/* oob: the buffer holds payload only; scribbling over all of it changes
 * nothing the kernel trusts. */
static void test_oob_scribble_harmless(void **state)
{
	struct attacker a;
	struct ll_env *env = attack("oob", -1, A_SCRIBBLE, &a);

	(void)state;
	ll_test_print_findings(env);
	assert_true(a.done);
	assert_non_null(a.ret);
	assert_int_equal(ll_test_findings(env), 0);
	assert_true(ll_env_validate(env));
	ll_env_destroy(env);
}

/* v3: the same scribble wrecks the in-band metadata the kernel then uses. */
static void test_v3_scribble_reported(void **state)
{
	struct attacker a;
	struct ll_env *env = attack("pr10807-v3", -1, A_SCRIBBLE, &a);

	(void)state;
	assert_true(ll_test_findings(env) > 0);
	ll_env_destroy(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_v2_spinlock_tamper, ll_test_teardown),
		cmocka_unit_test_teardown(test_v3_spinlock_store_faults, ll_test_teardown),
		cmocka_unit_test_teardown(test_v3_unlink_writes_kernel_data, ll_test_teardown),
		cmocka_unit_test_teardown(test_v3_unlink_caught_at_moderate, ll_test_teardown),
		cmocka_unit_test_teardown(test_v2_unlink_writes_kernel_data, ll_test_teardown),
		cmocka_unit_test_teardown(test_cache_invalidate_past_buffer, ll_test_teardown),
		cmocka_unit_test_teardown(test_safe_layouts_stores_fault, ll_test_teardown),
		cmocka_unit_test_teardown(test_oob_scribble_harmless, ll_test_teardown),
		cmocka_unit_test_teardown(test_v3_scribble_reported, ll_test_teardown),
	};

	return cmocka_run_group_tests_name("ll_scenarios", tests, NULL, NULL);
}
