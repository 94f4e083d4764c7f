/*
 * Shared fixture for sim/ tests: one simulator with a kernel object, a user
 * partition in one domain, and helpers to run a user or kernel thread.
 * Threads never call CMocka asserts (they run on fibers): they record into
 * `volatile` globals and the test body asserts after sim_run.
 */
#ifndef SIMTEST_H
#define SIMTEST_H

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim.h"

struct fx {
	struct sim *s;
	size_t pg;
	uint8_t *upart;              /* 2 pages, P_RW_U_RW in dom */
	uint8_t *rpart;              /* 1 page, P_RW_U_RO in dom */
	uint8_t *kdata;              /* 64 bytes of registered kernel data */
	struct k_mem_partition p_rw, p_ro;
	struct k_mem_domain *dom;
};

static inline void fx_init_cfg(struct fx *f, const struct sim_config *cfg)
{
	struct k_mem_partition *parts[2];

	memset(f, 0, sizeof(*f));
	if (sim_current()) /* left over by a failed test: start clean */
		sim_destroy(sim_current());
	f->s = sim_create(cfg);
	assert_non_null(f->s);
	f->pg = sim_page_size();
	f->upart = sim_region_alloc(f->s, 2 * f->pg, "upart");
	f->rpart = sim_region_alloc(f->s, f->pg, "rpart");
	f->kdata = sim_kobj_alloc(f->s, 64, 8, "kdata");
	assert_non_null(f->upart);
	assert_non_null(f->rpart);
	assert_non_null(f->kdata);
	assert_int_equal(sim_kobj_register(f->s, f->kdata, 64, K_OBJ_DATA, "test_data", "kdata",
					   NULL, 0),
			 0);
	f->p_rw = (struct k_mem_partition){ (uintptr_t)f->upart, 2 * f->pg,
					    K_MEM_PARTITION_P_RW_U_RW };
	f->p_ro = (struct k_mem_partition){ (uintptr_t)f->rpart, f->pg, K_MEM_PARTITION_P_RW_U_RO };
	parts[0] = &f->p_rw;
	parts[1] = &f->p_ro;
	f->dom = sim_kobj_alloc(f->s, sizeof(*f->dom), 8, "test_domain");
	assert_non_null(f->dom);
	assert_int_equal(k_mem_domain_init(f->dom, 2, parts), 0);
}

static inline void fx_init(struct fx *f)
{
	fx_init_cfg(f, NULL);
}

static inline void fx_fini(struct fx *f)
{
	sim_destroy(f->s);
	f->s = NULL;
}

static inline k_tid_t fx_thread(struct fx *f, const char *name, k_thread_entry_t fn, void *arg,
				int prio, bool user)
{
	struct sim_thread_params pp = { 0 };
	k_tid_t t;

	pp.name = name;
	pp.entry = fn;
	pp.p1 = arg;
	pp.prio = prio;
	pp.options = user ? K_USER : 0;
	pp.domain = user ? f->dom : NULL;
	t = sim_thread_create(f->s, &pp);
	assert_non_null(t);
	return t;
}

static inline size_t fx_count_findings(struct fx *f, enum sim_finding_kind kind)
{
	size_t n, c = 0;
	const struct sim_finding *fs = sim_findings(f->s, &n);

	for (size_t i = 0; i < n; i++)
		if (fs[i].kind == kind)
			c++;
	return c;
}

/* A thread body: ten k_yield round trips, counted in the int at `counter`. */
static inline void fx_yield_ten(void *counter, void *b, void *c)
{
	(void)b, (void)c;
	for (int i = 0; i < 10; i++) {
		k_yield();
		(*(volatile int *)counter)++;
	}
}

/* Runs fn(arg) in a child process with the default SIGSEGV and SIGABRT
 * actions (CMocka's would turn an abort into a test failure there) and its
 * stderr in err; returns the child's wait status. For what must abort. */
static inline int fx_run_child(void (*fn)(void *), void *arg, char *err, size_t len)
{
	int fds[2], status;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		fn(arg);
		_exit(0);
	}
	close(fds[1]);
	while (got + 1 < len && (r = read(fds[0], err + got, len - 1 - got)) > 0)
		got += (size_t)r;
	err[got] = 0;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

#endif
