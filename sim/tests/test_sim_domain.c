/* Arena views and translation, region allocation, partition and domain rules. */
#include "simtest.h"

static void test_create_rejects_bad_config(void **state)
{
	struct sim_config c;
	struct sim *s;

	(void)state;
	sim_config_default(&c);
	c.arena_bytes = sim_page_size() * 10 + 1;
	errno = 0;
	assert_null(sim_create(&c));
	assert_int_equal(errno, EINVAL);
	sim_config_default(&c);
	c.kernel_bytes = c.arena_bytes;
	assert_null(sim_create(&c));
	assert_int_equal(errno, EINVAL);
	s = sim_create(NULL);
	assert_non_null(s);
	assert_null(sim_create(NULL)); /* one simulator at a time */
	assert_int_equal(errno, EBUSY);
	assert_ptr_equal(sim_current(), s);
	sim_destroy(s);
	assert_null(sim_current());
}

static void test_views_and_translation(void **state)
{
	struct fx f;
	uint8_t *c, *u;
	size_t off;

	(void)state;
	fx_init(&f);
	c = f.upart + 10;
	u = sim_uncached(f.s, c);
	assert_non_null(u);
	assert_ptr_not_equal(c, u);
	assert_int_equal(sim_host_locate(f.s, c, &off), SIM_VIEW_CACHED);
	assert_int_equal(sim_host_locate(f.s, u, NULL), SIM_VIEW_UNCACHED);
	assert_int_equal(sim_host_to_target(f.s, c), SIM_CACHED_BASE + off);
	assert_int_equal(sim_host_to_target(f.s, u), SIM_UNCACHED_BASE + off);
	assert_ptr_equal(sim_target_to_host(f.s, SIM_UNCACHED_BASE + off, 1), u);
	assert_ptr_equal(sim_cached(f.s, u), c);
	/* One memory behind both views. */
	*c = 0x5a;
	assert_int_equal(*u, 0x5a);
	u[1] = 0xa5;
	assert_int_equal(c[1], 0xa5);
	/* Outside: nothing. */
	assert_int_equal(sim_host_to_target(f.s, &off), 0);
	assert_null(sim_target_to_host(f.s, SIM_CACHED_BASE + sim_arena_size(f.s), 1));
	assert_null(sim_target_to_host(f.s, SIM_CACHED_BASE + sim_arena_size(f.s) - 2, 4));
	assert_null(sim_target_to_host(f.s, 0x1234, 1));
	assert_false(sim_host_in_arena(f.s, (uint8_t *)sim_arena_base(f.s, SIM_VIEW_CACHED) +
						      sim_arena_size(f.s) - 2, 4));
	fx_fini(&f);
}

static void test_region_and_kobj_alloc(void **state)
{
	struct fx f;
	struct sim_config c;
	void *r, *k;

	(void)state;
	sim_config_default(&c);
	c.arena_bytes = 64 * sim_page_size();
	c.kernel_bytes = 4 * sim_page_size();
	fx_init_cfg(&f, &c);
	/* 64 pages − 4 kernel − 3 fixture pages: 57 left */
	assert_null(sim_region_alloc(f.s, 58 * f.pg, "too big"));
	r = sim_region_alloc(f.s, 57 * f.pg, "all");
	assert_non_null(r);
	assert_null(sim_region_alloc(f.s, 1, "none left"));
	assert_int_equal(sim_region_free(f.s, (uint8_t *)r + 1), -EINVAL);
	assert_int_equal(sim_region_free(f.s, r), 0);
	assert_non_null(sim_region_alloc(f.s, 1, "again"));
	/* A region in a domain cannot be freed. */
	assert_int_equal(sim_region_free(f.s, f.upart), -EBUSY);
	/* Kernel objects come from the kernel region only. */
	k = sim_kobj_alloc(f.s, 100, 64, "obj");
	assert_non_null(k);
	assert_int_equal((uintptr_t)k % 64, 0);
	assert_true(sim_host_to_target(f.s, k) < SIM_CACHED_BASE + 4 * f.pg);
	assert_null(sim_kobj_alloc(f.s, 4 * f.pg, 8, "too big"));
	assert_null(sim_kobj_alloc(f.s, 8, 3, "bad align"));
	fx_fini(&f);
}

static void test_partition_rules(void **state)
{
	struct fx f;
	struct k_mem_domain *d;
	struct k_mem_partition p, q;
	struct k_mem_partition *parts[1] = { &p };
	uint8_t *buf;

	(void)state;
	fx_init(&f);
	buf = sim_region_alloc(f.s, 8 * f.pg, "buf");
	d = sim_kobj_alloc(f.s, sizeof(*d), 8, "d");
	assert_int_equal(k_mem_domain_init(d, 0, NULL), 0);

	p = (struct k_mem_partition){ (uintptr_t)buf, 0, K_MEM_PARTITION_P_RW_U_RW };
	assert_int_equal(k_mem_domain_add_partition(d, &p), -EINVAL); /* size 0 */
	p.size = f.pg;
	p.start = (uintptr_t)buf + 8;
	assert_int_equal(k_mem_domain_add_partition(d, &p), -EINVAL); /* start misaligned */
	p.start = (uintptr_t)buf;
	p.size = f.pg + 16;
	assert_int_equal(k_mem_domain_add_partition(d, &p), -EINVAL); /* size misaligned */
	p.start = UINTPTR_MAX - f.pg + 1;
	p.size = 2 * f.pg;
	assert_int_equal(k_mem_domain_add_partition(d, &p), -EINVAL); /* wraps */
	p.start = ((uintptr_t)&p) & ~(uintptr_t)(f.pg - 1);
	p.size = f.pg;
	assert_int_equal(k_mem_domain_add_partition(d, &p), -EINVAL); /* not in the arena */
	p.start = (uintptr_t)buf;
	p.attr = K_MEM_PARTITION_P_RWX_U_RWX;
	assert_int_equal(k_mem_domain_add_partition(d, &p), -EINVAL); /* W^X */
	p.attr = 0x100;
	assert_int_equal(k_mem_domain_add_partition(d, &p), -EINVAL); /* unknown attribute */
	p.attr = K_MEM_PARTITION_P_RX_U_RX; /* executable, not writable: fine */
	assert_int_equal(k_mem_domain_add_partition(d, &p), 0);
	p.attr = K_MEM_PARTITION_P_RW_U_RW;

	/* Overlap inside a domain. */
	q = (struct k_mem_partition){ (uintptr_t)buf, 2 * f.pg, K_MEM_PARTITION_P_RW_U_RW };
	assert_int_equal(k_mem_domain_add_partition(d, &q), -EINVAL);
	/* The same bytes through the uncached alias are another address range. */
	q.start = (uintptr_t)sim_uncached(f.s, buf);
	assert_int_equal(k_mem_domain_add_partition(d, &q), 0);
	/* Remove: exact start and size, else -ENOENT. */
	q.size = f.pg;
	assert_int_equal(k_mem_domain_remove_partition(d, &q), -ENOENT);
	q.size = 2 * f.pg;
	assert_int_equal(k_mem_domain_remove_partition(d, &q), 0);
	assert_int_equal(k_mem_domain_remove_partition(d, &q), -ENOENT);
	/* Partitions may be shared between domains (the fixture's domain here). */
	q = (struct k_mem_partition){ (uintptr_t)f.upart, 2 * f.pg, K_MEM_PARTITION_P_RW_U_RW };
	assert_int_equal(k_mem_domain_add_partition(d, &q), 0);

	/* Init applies the same checks to each partition. */
	p = (struct k_mem_partition){ (uintptr_t)buf + 1, f.pg, K_MEM_PARTITION_P_RW_U_RW };
	assert_int_equal(k_mem_domain_init(d, 1, parts), -EINVAL);
	assert_int_equal(k_mem_domain_init(NULL, 0, NULL), -EINVAL);
	assert_int_equal(k_mem_domain_init(d, 1, NULL), -EINVAL);
	/* A domain object must live in the arena. */
	{
		struct k_mem_domain host;

		assert_int_equal(k_mem_domain_init(&host, 0, NULL), -EINVAL);
		assert_int_equal(k_mem_domain_add_partition(&host, &q), -EINVAL);
	}
	fx_fini(&f);
}

static void test_partition_limit(void **state)
{
	struct fx f;
	struct sim_config c;
	struct k_mem_domain *d;
	struct k_mem_partition p[6];
	struct k_mem_partition *parts[6];
	uint8_t *buf;

	(void)state;
	sim_config_default(&c);
	c.max_partitions = 4;
	fx_init_cfg(&f, &c);
	buf = sim_region_alloc(f.s, 6 * f.pg, "buf");
	d = sim_kobj_alloc(f.s, sizeof(*d), 8, "d");
	for (int i = 0; i < 6; i++) {
		p[i] = (struct k_mem_partition){ (uintptr_t)buf + (size_t)i * f.pg, f.pg,
						 K_MEM_PARTITION_P_RW_U_RW };
		parts[i] = &p[i];
	}
	assert_int_equal(k_mem_domain_init(d, 5, parts), -EINVAL); /* more than the maximum */
	assert_int_equal(k_mem_domain_init(d, 4, parts), 0);
	assert_int_equal(k_mem_domain_add_partition(d, &p[4]), -ENOSPC);
	/* An invalid partition is still -EINVAL when full: checks come first. */
	assert_int_equal(k_mem_domain_add_partition(d, &p[0]), -EINVAL);
	assert_int_equal(k_mem_domain_remove_partition(d, &p[1]), 0);
	assert_int_equal(k_mem_domain_add_partition(d, &p[4]), 0);
	assert_int_equal(k_mem_domain_add_partition(d, &p[5]), -ENOSPC);
	fx_fini(&f);

	/* Default maximum: 16. */
	fx_init(&f);
	buf = sim_region_alloc(f.s, 17 * f.pg, "buf");
	d = sim_kobj_alloc(f.s, sizeof(*d), 8, "d");
	assert_int_equal(k_mem_domain_init(d, 0, NULL), 0);
	for (int i = 0; i < 17; i++) {
		struct k_mem_partition x = { (uintptr_t)buf + (size_t)i * f.pg, f.pg,
					     K_MEM_PARTITION_P_RW_U_RO };

		assert_int_equal(k_mem_domain_add_partition(d, &x), i < 16 ? 0 : -ENOSPC);
	}
	fx_fini(&f);
}

static void noop(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
}

static void test_domain_object_and_threads(void **state)
{
	struct fx f;
	struct sim_kobj_info info;
	k_tid_t t;

	(void)state;
	fx_init(&f);
	/* The domain is a registered kernel object in kernel memory. */
	assert_true(sim_kobj_find(f.s, f.dom, &info, NULL));
	assert_int_equal(info.type, K_OBJ_MEM_DOMAIN);
	assert_string_equal(info.name, "test_domain");
	assert_int_equal(f.dom->num_partitions, 2);
	assert_int_equal(f.dom->partitions[0].start, sim_host_to_target(f.s, f.upart));
	assert_int_equal(k_object_validate(f.dom, K_OBJ_MEM_DOMAIN, 1), 0);
	/* add_thread: only real threads. */
	assert_int_equal(k_mem_domain_add_thread(f.dom, (k_tid_t)f.kdata), -EINVAL);
	t = fx_thread(&f, "t", noop, NULL, 1, true);
	assert_int_equal(k_mem_domain_add_thread(f.dom, t), 0);
	assert_int_equal(sim_run(f.s, UINT64_MAX), SIM_RUN_IDLE);
	assert_int_equal(sim_thread_state(f.s, t), SIM_THREAD_EXITED);
	fx_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_rejects_bad_config),
		cmocka_unit_test(test_views_and_translation),
		cmocka_unit_test(test_region_and_kobj_alloc),
		cmocka_unit_test(test_partition_rules),
		cmocka_unit_test(test_partition_limit),
		cmocka_unit_test(test_domain_object_and_threads),
	};

	return cmocka_run_group_tests_name("sim_domain", tests, NULL, NULL);
}
