/* The audit: kernel objects and kernel-trusted heap metadata in user-writable pages. */
#include <stdio.h>
#include <stdlib.h>

#include "simtest.h"

static struct fx F;

#define HEAP_BYTES 8192

static char *audit_text(const struct sim_audit *a, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	if (json)
		sim_audit_json(a, out);
	else
		sim_audit_text(a, out);
	fclose(out);
	return text;
}

static const struct sim_audit_item *item(const struct sim_audit *a, const char *type)
{
	for (size_t i = 0; i < a->count; i++)
		if (!strcmp(a->items[i].type, type))
			return &a->items[i];
	return NULL;
}

/* The item of that type; the test fails if there is none. */
static const struct sim_audit_item *must(const struct sim_audit *a, const char *type)
{
	static const struct sim_audit_item none;
	const struct sim_audit_item *it = item(a, type);

	if (!it)
		fail_msg("audit has no %s item", type);
	return it ? it : &none;
}

static void noop(void *a, void *b, void *c)
{
	(void)a, (void)b, (void)c;
}

/* kernel-only: k_heap and buffer in kernel memory; user code has its own partitions. */
static void test_clean_layout_passes(void **state)
{
	struct sim_audit a;
	struct k_heap *h;
	struct k_sem *sem;
	char *text;

	(void)state;
	fx_init(&F);
	h = sim_kobj_alloc(F.s, sizeof(*h), 8, "ll_heap");
	assert_int_equal(k_heap_init_cfg(h, sim_region_alloc(F.s, HEAP_BYTES, "ll_heap_buf"),
					 HEAP_BYTES, NULL, NULL),
			 0);
	sem = sim_kobj_alloc(F.s, sizeof(*sem), 8, "ll_sem");
	assert_int_equal(k_sem_init(sem, 0, 1), 0);
	fx_thread(&F, "ll", noop, NULL, 5, true);
	assert_int_equal(sim_audit(F.s, &a), 0);
	assert_int_equal(a.count, 0);
	/* kdata, domain, heap, sem, thread, and the k_object records of the
	 * sem and the thread (the gate's permission bits: kernel-trusted too) */
	assert_int_equal(a.objects_checked, 7);
	assert_int_equal(a.heaps_checked, 1);
	text = audit_text(&a, false);
	assert_non_null(strstr(text, "clean"));
	free(text);
	text = audit_text(&a, true);
	assert_string_equal(text,
			    "{\"objects_checked\":7,\"heaps_checked\":1,\"clean\":true,\"exposed\":[]}\n");
	free(text);
	sim_audit_free(&a);
	fx_fini(&F);
}

/* pr10807-v2: k_heap and buffer in one region mapped P_RW_U_RW. */
static void test_k_heap_in_user_partition_is_flagged(void **state)
{
	struct sim_audit a;
	struct k_mem_partition p;
	uint8_t *region;
	struct k_heap *h;
	const struct sim_audit_item *it;
	char *text;

	(void)state;
	fx_init(&F);
	region = sim_region_alloc(F.s, F.pg + HEAP_BYTES, "ll_heap_region");
	h = (struct k_heap *)region;
	assert_int_equal(k_heap_init_cfg(h, region + 64, HEAP_BYTES, NULL, "ll_heap"), 0);
	p = (struct k_mem_partition){ (uintptr_t)region, F.pg + HEAP_BYTES,
				      K_MEM_PARTITION_P_RW_U_RW };
	assert_int_equal(k_mem_domain_add_partition(F.dom, &p), 0);
	assert_int_equal(sim_audit(F.s, &a), 0);
	it = must(&a, "k_heap");
	assert_string_equal(it->object, "ll_heap");
	assert_non_null(strstr(it->detail, "spinlock"));
	assert_non_null(strstr(it->detail, "wait_q"));
	assert_string_equal(it->domain, "domain test_domain");
	assert_string_equal(it->partition_view, "cached");
	assert_int_equal(it->taddr, sim_host_to_target(F.s, h));
	/* And the in-band metadata of that kernel-trusted heap. */
	assert_non_null(item(&a, "z_heap"));
	assert_non_null(item(&a, "chunk headers"));
	text = audit_text(&a, false);
	assert_non_null(strstr(text, "USER-WRITABLE k_heap ll_heap (sys_heap, wait_q, spinlock)"));
	assert_null(strstr(text, "clean"));
	free(text);
	sim_audit_free(&a);
	fx_fini(&F);
}

/* pr10807-v3: k_heap in kernel memory, buffer shared through its uncached alias only. */
static void test_in_band_metadata_is_flagged(void **state)
{
	struct sim_audit a;
	struct k_mem_partition p;
	struct k_heap *h;
	uint8_t *buf;
	void *x, *y;
	const struct sim_audit_item *z, *c;
	char *json;

	(void)state;
	fx_init(&F);
	h = sim_kobj_alloc(F.s, sizeof(*h), 8, "ll_heap");
	buf = sim_region_alloc(F.s, HEAP_BYTES, "ll_heap_buf");
	assert_int_equal(k_heap_init_cfg(h, buf, HEAP_BYTES, NULL, NULL), 0);
	x = k_heap_alloc(h, 100, K_NO_WAIT);
	y = k_heap_alloc(h, 100, K_NO_WAIT);
	assert_non_null(x);
	assert_non_null(y);
	k_heap_free(h, x);
	p = (struct k_mem_partition){ (uintptr_t)sim_uncached(F.s, buf), HEAP_BYTES,
				      K_MEM_PARTITION_P_RW_U_RW };
	assert_int_equal(k_mem_domain_add_partition(F.dom, &p), 0);
	assert_int_equal(sim_audit(F.s, &a), 0);
	assert_null(item(&a, "k_heap")); /* the object itself is safe */
	z = must(&a, "z_heap");
	c = must(&a, "chunk headers");
	assert_string_equal(z->object, "ll_heap");
	assert_string_equal(z->partition_view, "uncached");
	/* x (freed), y, the rest, and the end marker; two free with links. */
	assert_non_null(strstr(c->detail, "4 in-band chunk headers"));
	assert_non_null(strstr(c->detail, "2 free"));
	assert_int_equal(a.count, 2);
	json = audit_text(&a, true);
	assert_true(strncmp(json, "{\"objects_checked\":", 19) == 0);
	assert_non_null(strstr(json, "\"type\":\"z_heap\""));
	assert_non_null(strstr(json, "\"clean\":false"));
	/* Stable: the same audit prints the same JSON. */
	{
		struct sim_audit b;
		char *again;

		assert_int_equal(sim_audit(F.s, &b), 0);
		again = audit_text(&b, true);
		assert_string_equal(json, again);
		free(again);
		sim_audit_free(&b);
	}
	free(json);
	sim_audit_free(&a);
	fx_fini(&F);
}

/* A read-only user mapping of kernel data is not a write exposure; a
 * kernel object in a user thread's own writable memory is. */
static void test_read_only_exposure_and_registered_data(void **state)
{
	struct sim_audit a;
	struct k_mem_partition p;
	uint8_t *shared;
	static const struct sim_field fields[] = {
		{ 0, 8, "head", "list" },
		{ 8, 4, "count", NULL },
	};
	const struct sim_audit_item *it;

	(void)state;
	fx_init(&F);
	/* Kernel data in the RO partition: visible, not writable: fine. */
	assert_int_equal(sim_kobj_register(F.s, F.rpart, 32, K_OBJ_DATA, "ll_sched_list", "ro_list",
					   fields, 2),
			 0);
	/* Kernel data in a RW partition of a domain with no thread yet: flagged. */
	shared = sim_region_alloc(F.s, F.pg, "shared");
	assert_int_equal(sim_kobj_register(F.s, shared + 16, 12, K_OBJ_DATA, "ll_sched_list",
					   "rw_list", fields, 2),
			 0);
	{
		struct k_mem_domain *d2 = sim_kobj_alloc(F.s, sizeof(*d2), 8, "other_domain");
		struct k_mem_partition *parts[1] = { &p };

		p = (struct k_mem_partition){ (uintptr_t)shared, F.pg, K_MEM_PARTITION_P_RW_U_RW };
		assert_int_equal(k_mem_domain_init(d2, 1, parts), 0);
	}
	assert_int_equal(sim_audit(F.s, &a), 0);
	assert_int_equal(a.count, 1);
	it = &a.items[0];
	assert_string_equal(it->object, "rw_list");
	assert_string_equal(it->type, "ll_sched_list");
	assert_string_equal(it->detail, "list, count");
	assert_string_equal(it->domain, "domain other_domain");
	sim_audit_free(&a);
	fx_fini(&F);
}

/* The JSON string writer every report shares: the escapes JSON requires. */
static void test_json_string_escapes(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	sim_json_string(out, "a\"b\\c\n\001d");
	fputc(' ', out);
	sim_json_string(out, NULL);
	fclose(out);
	assert_string_equal(text, "\"a\\\"b\\\\c\\u000a\\u0001d\" \"\"");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_layout_passes),
		cmocka_unit_test(test_k_heap_in_user_partition_is_flagged),
		cmocka_unit_test(test_in_band_metadata_is_flagged),
		cmocka_unit_test(test_read_only_exposure_and_registered_data),
		cmocka_unit_test(test_json_string_escapes),
	};

	return cmocka_run_group_tests_name("sim_audit", tests, NULL, NULL);
}
