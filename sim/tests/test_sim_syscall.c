/* The syscall gate: verification helpers, oopses, confinement, built-in kernel calls. */
#include "simtest.h"

static struct fx F;
static uint8_t *obj_a, *obj_b, *obj_far; /* kernel data objects */
static struct k_sem *ksem;
static struct k_mutex *kmutex;
static int sc_touch, sc_read, sc_write, sc_buggy, sc_good;
static volatile uintptr_t results[8];
static volatile int progress;

/* ---- syscalls under test ------------------------------------------------------- */

static int vrfy_touch(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	K_OOPS(K_SYSCALL_OBJ(a[0], K_OBJ_DATA));
	return 0;
}
static uintptr_t impl_touch(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	((uint8_t *)a[0])[0] = (uint8_t)a[1];
	return 0x600d;
}
static void fp_touch(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS], struct sim_footprint *fp)
{
	(void)ctx;
	sim_footprint_add(fp, (void *)a[0], 1);
}

static int vrfy_read(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	K_OOPS(K_SYSCALL_MEMORY_READ(a[0], a[1]));
	return 0;
}
static uintptr_t impl_read(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	uintptr_t sum = 0;

	(void)ctx;
	for (size_t i = 0; i < a[1]; i++)
		sum += ((uint8_t *)a[0])[i];
	return sum;
}
static int vrfy_write(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	K_OOPS(K_SYSCALL_MEMORY_WRITE(a[0], a[1]));
	K_OOPS(K_SYSCALL_VERIFY_MSG(a[1] <= 64, "length above 64"));
	return 0;
}
static uintptr_t impl_write(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	memset((void *)a[0], 0xee, a[1]);
	return 0;
}
static void fp_write(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS], struct sim_footprint *fp)
{
	(void)ctx;
	sim_footprint_add(fp, (void *)a[0], a[1]);
}

/* Declares obj_a as its footprint but also writes obj_b (same page) and obj_far. */
static uintptr_t impl_buggy(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	(void)a;
	obj_a[0] = 0x11;
	obj_b[2] = 0x22;
	obj_b[3] = 0x33;
	obj_far[5] = 0x44;
	return 0;
}
static uintptr_t impl_good(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)ctx;
	(void)a;
	memset(obj_a, 0x55, 16);
	return 0;
}

static void setup_syscalls(void)
{
	struct sim_syscall_def d;
	uint8_t *far_page;

	fx_init(&F);
	obj_a = sim_kobj_alloc(F.s, 16, 8, "obj_a");
	obj_b = sim_kobj_alloc(F.s, 16, 8, "obj_b");
	/* obj_far on another kernel page */
	far_page = sim_kobj_alloc(F.s, 8, F.pg, "pad");
	obj_far = far_page;
	assert_int_equal(sim_kobj_register(F.s, obj_a, 16, K_OBJ_DATA, "blob", "obj_a", NULL, 0), 0);
	assert_int_equal(sim_kobj_register(F.s, obj_b, 16, K_OBJ_DATA, "blob", "obj_b", NULL, 0), 0);
	assert_int_equal(sim_kobj_register(F.s, obj_far, 8, K_OBJ_DATA, "blob", "obj_far", NULL, 0), 0);
	ksem = sim_kobj_alloc(F.s, sizeof(*ksem), 8, "ksem");
	assert_int_equal(k_sem_init(ksem, 0, 1), 0);
	kmutex = sim_kobj_alloc(F.s, sizeof(*kmutex), 8, "kmutex");
	assert_int_equal(k_mutex_init(kmutex), 0);

	memset(&d, 0, sizeof(d));
	d.name = "touch";
	d.nargs = 2;
	d.verify = vrfy_touch;
	d.impl = impl_touch;
	d.footprint = fp_touch;
	sc_touch = sim_syscall_register(F.s, &d);
	assert_true(sc_touch >= 0);
	memset(&d, 0, sizeof(d));
	d.name = "read_buf", d.nargs = 2, d.verify = vrfy_read, d.impl = impl_read;
	sc_read = sim_syscall_register(F.s, &d);
	memset(&d, 0, sizeof(d));
	d.name = "write_buf", d.nargs = 2, d.verify = vrfy_write, d.impl = impl_write;
	d.footprint = fp_write;
	sc_write = sim_syscall_register(F.s, &d);
	memset(&d, 0, sizeof(d));
	d.name = "buggy", d.impl = impl_buggy;
	sim_footprint_add(&d.writes, obj_a, 16);
	sc_buggy = sim_syscall_register(F.s, &d);
	memset(&d, 0, sizeof(d));
	d.name = "good", d.impl = impl_good;
	sim_footprint_add(&d.writes, obj_a, 16);
	sc_good = sim_syscall_register(F.s, &d);
	assert_true(sc_read >= 0 && sc_write >= 0 && sc_buggy >= 0 && sc_good >= 0);
	memset((void *)results, 0, sizeof(results));
	progress = 0;
}

/* A user thread that makes one syscall: p1 = id, p2 = arg0, p3 = arg1. */
static void user_call(void *id, void *a0, void *a1)
{
	uintptr_t r = sim_syscall((int)(intptr_t)id, (uintptr_t)a0, (uintptr_t)a1, 0, 0, 0, 0);

	results[progress++] = r;
}

static k_tid_t caller(const char *name, int id, const void *a0, uintptr_t a1, int prio)
{
	struct sim_thread_params pp = { 0 };

	pp.name = name;
	pp.entry = user_call;
	pp.p1 = (void *)(intptr_t)id;
	pp.p2 = (void *)a0;
	pp.p3 = (void *)a1;
	pp.prio = prio;
	pp.options = K_USER;
	pp.domain = F.dom;
	return sim_thread_create(F.s, &pp);
}

static void assert_oops(k_tid_t t, int reason, const char *text)
{
	struct sim_oops o;

	assert_int_equal(sim_thread_state(F.s, t), SIM_THREAD_OOPSED);
	assert_true(sim_thread_oops(F.s, t, &o));
	assert_int_equal(o.reason, reason);
	if (text && !strstr(o.message, text))
		fail_msg("oops message \"%s\" lacks \"%s\"", o.message, text);
}

/* Records which ctx each of a syscall's functions received. */
struct ctx_probe {
	void *verify, *footprint, *impl;
};
static int vrfy_probe(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)a;
	((struct ctx_probe *)ctx)->verify = ctx;
	return 0;
}
static void fp_probe(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS], struct sim_footprint *fp)
{
	(void)a;
	(void)fp;
	((struct ctx_probe *)ctx)->footprint = ctx;
}
static uintptr_t impl_probe(void *ctx, uintptr_t a[SIM_SYSCALL_ARGS])
{
	(void)a;
	((struct ctx_probe *)ctx)->impl = ctx;
	return (uintptr_t)ctx;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_register_errors(void **state)
{
	struct sim_syscall_def d;

	(void)state;
	setup_syscalls();
	memset(&d, 0, sizeof(d));
	assert_int_equal(sim_syscall_register(F.s, &d), -EINVAL); /* no name */
	d.name = "x";
	assert_int_equal(sim_syscall_register(F.s, &d), -EINVAL); /* no impl */
	d.impl = impl_good;
	d.nargs = 7;
	assert_int_equal(sim_syscall_register(F.s, &d), -EINVAL);
	d.name = "touch";
	d.nargs = 0;
	assert_int_equal(sim_syscall_register(F.s, &d), -EEXIST);
	assert_int_equal(sim_syscall_lookup(F.s, "touch"), sc_touch);
	assert_int_equal(sim_syscall_lookup(F.s, "k_sem_take") >= 0, 1);
	assert_true(sim_syscall_lookup(F.s, "nope") < 0);
	fx_fini(&F);
}

static void test_bad_object_oopses_caller_system_keeps_running(void **state)
{
	k_tid_t bad, good;

	(void)state;
	setup_syscalls();
	k_object_access_grant(obj_a, NULL); /* no-op: NULL is not a thread */
	bad = caller("bad", sc_touch, F.upart + 64, 7, 5);  /* not an object at all */
	good = caller("good", sc_touch, obj_a, 9, 6);
	k_object_access_grant(obj_a, good);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_oops(bad, SIM_OOPS_SYSCALL_VERIFY, "-EBADF");
	assert_oops(bad, SIM_OOPS_SYSCALL_VERIFY, "touch");
	assert_int_equal(F.upart[64], 0);
	/* The next caller is served normally. */
	assert_int_equal(sim_thread_state(F.s, good), SIM_THREAD_EXITED);
	assert_int_equal(progress, 1);
	assert_int_equal(results[0], 0x600d);
	assert_int_equal(obj_a[0], 9);
	{
		size_t n;

		sim_findings(F.s, &n);
		assert_int_equal(n, 0); /* a rejected call is the kernel defending itself */
	}
	fx_fini(&F);
}

static void test_foreign_object(void **state)
{
	k_tid_t wrong_type, no_perm, alias, ok;

	(void)state;
	setup_syscalls();
	wrong_type = caller("wrong_type", sc_touch, ksem, 1, 5);
	k_object_access_grant(ksem, wrong_type);
	no_perm = caller("no_perm", sc_touch, obj_b, 1, 6);      /* never granted */
	alias = caller("alias", sc_touch, sim_uncached(F.s, obj_a), 1, 7);
	k_object_access_grant(obj_a, alias);
	ok = caller("ok", sc_touch, obj_b, 3, 8);
	k_object_access_grant(obj_b, ok);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_oops(wrong_type, SIM_OOPS_SYSCALL_VERIFY, "-EBADF");
	assert_oops(no_perm, SIM_OOPS_SYSCALL_VERIFY, "-EPERM");
	/* An object is known by its own address; its alias is not the object. */
	assert_oops(alias, SIM_OOPS_SYSCALL_VERIFY, "-EBADF");
	assert_int_equal(sim_thread_state(F.s, ok), SIM_THREAD_EXITED);
	assert_int_equal(obj_b[0], 3);
	assert_int_equal(obj_a[0], 0);
	fx_fini(&F);
}

static void test_object_validate_codes(void **state)
{
	uint8_t *raw;

	(void)state;
	setup_syscalls();
	assert_int_equal(k_object_validate(ksem, K_OBJ_SEM, 1), 0);
	assert_int_equal(k_object_validate(ksem, K_OBJ_ANY, 0), 0);
	assert_int_equal(k_object_validate(ksem, K_OBJ_MUTEX, 1), -EBADF);
	assert_int_equal(k_object_validate((uint8_t *)ksem + 4, K_OBJ_SEM, 1), -EBADF);
	assert_int_equal(k_object_validate(ksem, K_OBJ_SEM, -1), -EADDRINUSE);
	assert_int_equal(k_object_validate(&raw, K_OBJ_ANY, 0), -EBADF);
	raw = sim_kobj_alloc(F.s, 16, 8, "raw");
	assert_int_equal(k_object_validate(raw, K_OBJ_ANY, 0), -EBADF); /* named, not registered */
	assert_int_equal(sim_kobj_register(F.s, raw, 16, K_OBJ_DATA, "x", "raw", NULL, 0), 0);
	assert_int_equal(sim_kobj_register(F.s, raw + 8, 16, K_OBJ_DATA, "x", "over", NULL, 0),
			 -EEXIST);
	assert_int_equal(sim_kobj_register(F.s, &raw, 8, K_OBJ_DATA, "x", "host", NULL, 0), -EINVAL);
	assert_int_equal(k_object_validate(raw, K_OBJ_DATA, 1), 0);
	assert_int_equal(sim_kobj_unregister(F.s, raw), 0);
	assert_int_equal(k_object_validate(raw, K_OBJ_DATA, 1), -EBADF);
	fx_fini(&F);
}

static void test_memory_checks(void **state)
{
	k_tid_t t_kernel, t_rpart, t_rpart_w, t_alias_k, t_alias_u, t_host, t_zero, t_long, t_ok;
	uint8_t host[8];

	(void)state;
	setup_syscalls();
	F.rpart[0] = 5, F.rpart[1] = 6;
	t_kernel = caller("kernel", sc_read, F.kdata, 8, 1);
	t_rpart = caller("rpart", sc_read, F.rpart, 2, 2);
	t_rpart_w = caller("rpart_w", sc_write, F.rpart, 2, 3);
	t_alias_k = caller("alias_k", sc_read, sim_uncached(F.s, F.kdata), 8, 4);
	t_alias_u = caller("alias_u", sc_read, sim_uncached(F.s, F.rpart), 2, 5);
	t_host = caller("host", sc_read, host, 8, 6);
	t_zero = caller("zero", sc_read, F.kdata, 0, 7);
	t_long = caller("long", sc_write, F.upart, 65, 8);
	t_ok = caller("ok", sc_write, F.upart + F.pg - 4, 8, 9); /* spans both pages */
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_oops(t_kernel, SIM_OOPS_SYSCALL_VERIFY, "K_SYSCALL_MEMORY_READ");
	assert_int_equal(sim_thread_state(F.s, t_rpart), SIM_THREAD_EXITED);
	assert_oops(t_rpart_w, SIM_OOPS_SYSCALL_VERIFY, "K_SYSCALL_MEMORY_WRITE");
	assert_oops(t_alias_k, SIM_OOPS_SYSCALL_VERIFY, "K_SYSCALL_MEMORY_READ");
	/* Rights are per page, the same through both views. */
	assert_int_equal(sim_thread_state(F.s, t_alias_u), SIM_THREAD_EXITED);
	assert_oops(t_host, SIM_OOPS_SYSCALL_VERIFY, NULL);
	assert_int_equal(sim_thread_state(F.s, t_zero), SIM_THREAD_EXITED);
	assert_oops(t_long, SIM_OOPS_SYSCALL_VERIFY, "length above 64");
	assert_int_equal(sim_thread_state(F.s, t_ok), SIM_THREAD_EXITED);
	assert_int_equal(progress, 4);
	assert_int_equal(results[0], 11);
	assert_int_equal(results[1], 11);
	assert_int_equal(F.upart[F.pg + 3], 0xee);
	assert_int_equal(F.rpart[0], 5);
	/* The write syscall declared its buffer: no confinement finding. */
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_CONFINEMENT), 0);
	fx_fini(&F);
}

static void test_unknown_syscall(void **state)
{
	k_tid_t t;

	(void)state;
	setup_syscalls();
	t = caller("t", 60, NULL, 0, 5);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_oops(t, SIM_OOPS_SYSCALL_UNKNOWN, NULL);
	fx_fini(&F);
}

static const struct sim_finding *find(const char *object)
{
	size_t n;
	const struct sim_finding *fs = sim_findings(F.s, &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(fs[i].object, object))
			return &fs[i];
	return NULL;
}

static void test_confinement_catches_neighbour_write(void **state)
{
	k_tid_t bug, good;
	const struct sim_finding *fb, *ff;

	(void)state;
	setup_syscalls();
	good = caller("good", sc_good, NULL, 0, 4);
	bug = caller("bug", sc_buggy, NULL, 0, 5);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	/* The honest syscall wrote only its footprint. */
	assert_int_equal(sim_thread_state(F.s, good), SIM_THREAD_EXITED);
	/* The buggy one: both stray writes reported, bytes and all, caller stopped. */
	assert_oops(bug, SIM_OOPS_KERNEL_FINDING, "buggy");
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_CONFINEMENT), 2);
	fb = find("obj_b");
	assert_non_null(fb);
	assert_int_equal(fb->kind, SIM_FINDING_CONFINEMENT);
	assert_string_equal(fb->syscall, "buggy");
	assert_string_equal(fb->object_type, "blob");
	assert_int_equal(fb->offset, 2);
	assert_int_equal(fb->nbytes, 2);
	assert_int_equal(fb->old_bytes[0], 0);
	assert_int_equal(fb->new_bytes[0], 0x22);
	assert_int_equal(fb->new_bytes[1], 0x33);
	assert_int_equal(fb->taddr, sim_host_to_target(F.s, obj_b + 2));
	assert_false(fb->user);
	assert_string_equal(fb->thread_name, "bug");
	assert_non_null(strstr(fb->message, "buggy wrote 2 bytes outside its footprint"));
	ff = find("obj_far");
	assert_non_null(ff);
	assert_int_equal(ff->offset, 5);
	assert_int_equal(ff->new_bytes[0], 0x44);
	/* What it was allowed to write is not reported. */
	assert_null(find("obj_a"));
	/* The write happened (as on the target); the page rights are restored. */
	assert_int_equal(obj_far[5], 0x44);
	fx_fini(&F);
}

static void test_confinement_off(void **state)
{
	(void)state;
	setup_syscalls();
	sim_set_confine(F.s, false);
	caller("bug", sc_buggy, NULL, 0, 5);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_CONFINEMENT), 0);
	assert_int_equal(obj_b[2], 0x22);
	fx_fini(&F);
}

static volatile uint64_t woke_at;
static volatile int take_rc = 99, lock_rc = 99, unlock_rc = 99;

static void user_takes(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	take_rc = k_sem_take(ksem, K_FOREVER);
	woke_at = sim_now_us(sim_current());
	lock_rc = k_mutex_lock(kmutex, K_NO_WAIT);
	unlock_rc = k_mutex_unlock(kmutex);
}

static void kernel_gives(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	k_sleep(K_MSEC(3));
	k_sem_give(ksem);
}

static void user_takes_unpermitted(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	k_sem_take(ksem, K_NO_WAIT);
}

static void test_kernel_objects_from_user_mode(void **state)
{
	k_tid_t u, intruder;

	(void)state;
	setup_syscalls();
	u = fx_thread(&F, "u", user_takes, NULL, 5, true);
	k_object_access_grant(ksem, u);
	k_object_access_grant(kmutex, u);
	fx_thread(&F, "giver", kernel_gives, NULL, 6, false);
	intruder = fx_thread(&F, "intruder", user_takes_unpermitted, NULL, 7, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(sim_thread_state(F.s, u), SIM_THREAD_EXITED);
	assert_int_equal(take_rc, 0);
	assert_int_equal(woke_at, 3000);
	assert_int_equal(lock_rc, 0);
	assert_int_equal(unlock_rc, 0);
	assert_int_equal(ksem->count, 0);
	assert_oops(intruder, SIM_OOPS_SYSCALL_VERIFY, "-EPERM");
	assert_int_equal(fx_count_findings(&F, SIM_FINDING_CONFINEMENT), 0);
	fx_fini(&F);
}

static void user_gives(void *a, void *b, void *c)
{
	(void)b, (void)c;
	k_sem_give(a);
	progress++;
}

/* The gate decides from the object's k_object record in kernel memory: a
 * kernel store there changes what a user thread may do, as on the target. */
static uint8_t *record_of(const void *obj)
{
	uint8_t *rec = sim_kobj_record(F.s, obj);

	assert_non_null(rec);
	return rec;
}

static void set_bit(uint8_t *rec, uint32_t index)
{
	rec[4 + index / 8] |= (uint8_t)(1u << (index % 8));
}

static void test_record_decides_the_gate(void **state)
{
	k_tid_t before, forged, adopter, retyped;
	uint8_t *rec;
	uint32_t name, index;

	(void)state;
	setup_syscalls();
	rec = record_of(ksem);
	assert_null(sim_kobj_record(F.s, obj_a)); /* kernel data: no syscall names it */
	memcpy(&name, rec, 4);
	assert_int_equal(name, (uint32_t)sim_host_to_target(F.s, ksem));
	assert_int_equal(rec[8], K_OBJ_SEM);
	assert_int_equal(rec[9] & 1, 1); /* initialised */
	before = fx_thread(&F, "before", user_gives, ksem, 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_oops(before, SIM_OOPS_SYSCALL_VERIFY, "-EPERM");
	assert_int_equal(ksem->count, 0);

	/* a thread's own record carries its index (data, +10): its bit */
	forged = fx_thread(&F, "forged", user_gives, ksem, 6, true);
	memcpy(&index, record_of(forged) + 10, 4);
	assert_int_equal(index, forged->id - 1);
	set_bit(rec, index);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(sim_thread_state(F.s, forged), SIM_THREAD_EXITED);
	assert_int_equal(ksem->count, 1);

	/* a thread whose own index is rewritten to a permitted one adopts it */
	adopter = fx_thread(&F, "adopter", user_gives, ksem, 6, true);
	memcpy(record_of(adopter) + 10, &index, 4);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(sim_thread_state(F.s, adopter), SIM_THREAD_EXITED);

	/* the record's type byte rewritten: no k_sem to the gate, even for a
	 * thread granted it; the initialised flag cleared: -EINVAL */
	retyped = fx_thread(&F, "retyped", user_gives, ksem, 7, true);
	k_object_access_grant(ksem, retyped);
	rec[8] = 0x40;
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_oops(retyped, SIM_OOPS_SYSCALL_VERIFY, "-EBADF");
	rec[8] = K_OBJ_SEM;
	assert_int_equal(k_object_validate(ksem, K_OBJ_SEM, 1), 0);
	rec[9] &= (uint8_t)~1u;
	assert_int_equal(k_object_validate(ksem, K_OBJ_SEM, 1), -EINVAL);
	rec[9] |= 1;

	/* the public flag: any thread, none granted */
	rec[9] |= 2;
	before = fx_thread(&F, "public", user_gives, ksem, 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(sim_thread_state(F.s, before), SIM_THREAD_EXITED);
	fx_fini(&F);
}

/* A record goes with its object; its space comes back when it is the lowest. */
static void test_record_lifetime(void **state)
{
	struct k_mutex *m;
	struct sim_kobj_info info;
	uint8_t *rec;

	(void)state;
	setup_syscalls();
	m = sim_kobj_alloc(F.s, sizeof(*m), 8, "m");
	assert_int_equal(sim_kobj_register(F.s, m, sizeof(*m), K_OBJ_MUTEX, NULL, "m", NULL, 0), 0);
	rec = record_of(m);
	assert_true(sim_kobj_find(F.s, rec + 4, &info, NULL));
	assert_string_equal(info.type_name, "k_object");
	assert_string_equal(info.name, "of m");
	assert_true(sim_kobj_find(F.s, m, &info, NULL));
	assert_true(info.initialized);
	rec[9] = 0; /* the registry's view follows the record */
	assert_true(sim_kobj_find(F.s, m, &info, NULL));
	assert_false(info.initialized);
	assert_int_equal(sim_kobj_unregister(F.s, m), 0);
	assert_false(sim_kobj_find(F.s, rec + 4, NULL, NULL));
	assert_int_equal(rec[8], 0);
	assert_int_equal(sim_kobj_register(F.s, m, sizeof(*m), K_OBJ_MUTEX, NULL, "m", NULL, 0), 0);
	assert_ptr_equal(record_of(m), rec);
	fx_fini(&F);
}

static void user_domain_call(void *a, void *b, void *c)
{
	(void)b, (void)c;
	k_mem_domain_add_partition(F.dom, a);
	progress = 1;
}

static void test_supervisor_only_calls(void **state)
{
	k_tid_t t;
	struct k_mem_partition p;
	uint8_t *buf;

	(void)state;
	setup_syscalls();
	buf = sim_region_alloc(F.s, F.pg, "extra");
	p = (struct k_mem_partition){ (uintptr_t)buf, F.pg, K_MEM_PARTITION_P_RW_U_RW };
	t = fx_thread(&F, "u", user_domain_call, &p, 5, true);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_oops(t, SIM_OOPS_PRIVILEGED, NULL);
	assert_int_equal(progress, 0);
	assert_int_equal(F.dom->num_partitions, 2);
	fx_fini(&F);
}

static void kernel_call(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
	/* Kernel callers reach the implementation directly (no verification). */
	results[0] = sim_syscall(sc_touch, (uintptr_t)F.upart, 4, 0, 0, 0, 0);
}

static void test_kernel_caller_skips_gate(void **state)
{
	struct sim_stats st;

	(void)state;
	setup_syscalls();
	fx_thread(&F, "k", kernel_call, NULL, 5, false);
	sim_stats_reset(F.s);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(results[0], 0x600d);
	assert_int_equal(F.upart[0], 4);
	sim_stats_get(F.s, &st);
	assert_int_equal(st.syscalls, 0);
	fx_fini(&F);
}

/* Each registered syscall hands its own ctx to verify, footprint and impl,
 * through the gate and on the kernel's direct path. */
static void test_definition_ctx_reaches_each_function(void **state)
{
	struct ctx_probe one = { 0 }, two = { 0 };
	struct sim_syscall_def d;
	int id_one, id_two;
	k_tid_t t;

	(void)state;
	setup_syscalls();
	memset(&d, 0, sizeof(d));
	d.name = "probe_one", d.verify = vrfy_probe, d.impl = impl_probe, d.footprint = fp_probe;
	d.ctx = &one;
	id_one = sim_syscall_register(F.s, &d);
	d.name = "probe_two", d.ctx = &two;
	id_two = sim_syscall_register(F.s, &d);
	assert_true(id_one >= 0 && id_two >= 0);
	assert_ptr_equal(sim_syscall_ctx(F.s, id_one), &one);
	assert_ptr_equal(sim_syscall_ctx(F.s, id_two), &two);
	assert_null(sim_syscall_ctx(F.s, -1));
	assert_null(sim_syscall_ctx(F.s, 64));

	t = caller("u", id_two, NULL, 0, 5);
	assert_int_equal(sim_run(F.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(sim_thread_state(F.s, t), SIM_THREAD_EXITED);
	assert_ptr_equal((void *)results[0], &two);
	assert_ptr_equal(two.verify, &two);
	assert_ptr_equal(two.footprint, &two);
	assert_ptr_equal(two.impl, &two);
	assert_null(one.verify);
	assert_null(one.impl);

	/* main context: the implementation directly, with its ctx */
	assert_ptr_equal((void *)sim_syscall(id_one, 0, 0, 0, 0, 0, 0), &one);
	assert_ptr_equal(one.impl, &one);
	assert_null(one.verify);
	fx_fini(&F);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_errors),
		cmocka_unit_test(test_bad_object_oopses_caller_system_keeps_running),
		cmocka_unit_test(test_foreign_object),
		cmocka_unit_test(test_object_validate_codes),
		cmocka_unit_test(test_memory_checks),
		cmocka_unit_test(test_unknown_syscall),
		cmocka_unit_test(test_confinement_catches_neighbour_write),
		cmocka_unit_test(test_confinement_off),
		cmocka_unit_test(test_kernel_objects_from_user_mode),
		cmocka_unit_test(test_record_decides_the_gate),
		cmocka_unit_test(test_record_lifetime),
		cmocka_unit_test(test_supervisor_only_calls),
		cmocka_unit_test(test_kernel_caller_skips_gate),
		cmocka_unit_test(test_definition_ctx_reaches_each_function),
	};

	return cmocka_run_group_tests_name("sim_syscall", tests, NULL, NULL);
}
