/* Shared helpers of the sched/ tests (CMocka). */
#ifndef LL_TEST_H
#define LL_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sched.h"

/* An environment on `layout` with the defaults, or with `hardening`. The
 * tests' tasks are plain user code: the LL threads get page rights. */
static inline struct ll_env *ll_test_env(const char *layout, int hardening)
{
	struct ll_env_config c;
	struct ll_env *env = NULL;

	ll_env_config_default(&c);
	c.layout = layout;
	c.soft_rights = false;
	if (hardening >= 0)
		c.hardening = (enum sys_heap_hardening)hardening;
	assert_int_equal(ll_env_create(&c, &env), 0);
	assert_non_null(env);
	return env;
}

static inline size_t ll_test_findings(struct ll_env *env)
{
	size_t n;

	sim_findings(ll_env_sim(env), &n);
	return n;
}

/* The first finding of `kind`, or NULL. */
static inline const struct sim_finding *ll_test_finding(struct ll_env *env,
							enum sim_finding_kind kind)
{
	size_t n;
	const struct sim_finding *f = sim_findings(ll_env_sim(env), &n);

	for (size_t i = 0; i < n; i++)
		if (f[i].kind == kind)
			return &f[i];
	return NULL;
}

static inline void ll_test_print_findings(struct ll_env *env)
{
	size_t n;
	const struct sim_finding *f = sim_findings(ll_env_sim(env), &n);
	char buf[512];

	for (size_t i = 0; i < n; i++) {
		sim_finding_format(&f[i], buf, sizeof(buf));
		print_message("  finding: %s\n", buf);
	}
}

/* After a failed assertion the test's env is still alive: drop it so the
 * next test can create its own. */
static inline int ll_test_teardown(void **state)
{
	(void)state;
	ll_env_destroy(ll_env_of(sim_current()));
	return 0;
}

#endif
