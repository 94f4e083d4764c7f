/* sim/ private declarations shared by the layer's .c files. */
#ifndef HEAPSIM_SIM_INTERNAL_H
#define HEAPSIM_SIM_INTERNAL_H

#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

#include "sim.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#endif
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* The simulator's own page loops (rights tables, snapshots, zeroing) are
 * not coverage-instrumented: a fuzzer's feedback should be about heap and
 * kernel paths, and compare hooks in these loops cost a fifth of its time.
 * Not inlined either: inlined into an instrumented caller, a loop would be
 * instrumented there. (arena.c and fault.c, all machinery, are left out of
 * coverage as whole files: sim/CMakeLists.txt.) */
#if defined(__clang__)
#define SIM_NO_COVERAGE __attribute__((no_sanitize("coverage"), noinline))
#else
#define SIM_NO_COVERAGE
#endif

/* Page rights, as PROT_* bits. User mode sees the same rights in both
 * views; kernel mode opens pages lazily, one view at a time. */
enum { R_NONE = 0, R_RO = 1, R_RW = 3 };
/* Footprint page flags of a confinement window (FP_VIEW << v: the
 * footprint names the page through view v). */
enum { FP_FULL = 1, FP_PART = 2, FP_SNAPPED = 4, FP_VIEW = 8 };

#define SIM_MAX_DOMAINS 16
#define SIM_MAX_REGIONS 128
#define SIM_MAX_TIMERS 16
/* No-access bytes below every fiber's host stack. More than a page: a frame
 * larger than the guard could step over it without touching it. */
#define SIM_STACK_GUARD_BYTES (64u << 10)

enum region_kind { REG_FREE, REG_KERNEL, REG_USER, REG_STACK };

struct sim_region {
	size_t off, size;
	enum region_kind kind;
	char name[SIM_NAME_MAX];
};

struct sim_part {
	uintptr_t start;
	size_t size;
	k_mem_partition_attr_t attr;
	size_t off;          /* arena offset */
	enum sim_view view;
};

struct sim_domain {
	struct k_mem_domain *k;  /* arena copy */
	unsigned id;
	char name[SIM_NAME_MAX];
	unsigned nparts;
	struct sim_part parts[SIM_DOMAIN_PARTS_MAX];
	uint8_t *urights;        /* per page: user rights this domain grants */
};

struct sim_kobj {
	size_t off;              /* arena offset */
	enum sim_view view;      /* view it was registered through */
	size_t size;
	enum k_objects type;
	char type_name[SIM_NAME_MAX];
	char name[SIM_NAME_MAX];
	const struct sim_field *fields;
	unsigned nfields;
	uint32_t owner;
	uint64_t perms;          /* permission bits of ids past the record's (or all
				  * of them when it has none) */
	size_t rec;              /* arena offset of its struct k_object record, 0: none */
	bool initialized;
	bool registered;         /* false: only a name reserved by sim_kobj_alloc */
	struct sys_heap *heap;   /* K_OBJ_HEAP: the host sys_heap (owned) */
};

struct sim_footprint_pages;

struct sim_snap {
	size_t page;
	uint8_t *copy;           /* page contents at window start / page opening */
};

struct sim_thread {
	uint32_t id;
	bool used;
	struct k_thread *k;      /* arena part */
	char name[SIM_NAME_MAX];
	enum sim_thread_state state;
	int prio;
	uint64_t ready_seq;      /* FIFO among equal priorities */
	uint64_t pend_seq;
	bool user;               /* user thread (K_USER or dropped) */
	bool in_user_mode;       /* mode at this moment */
	bool soft;               /* user rights checked in software (soft_rights, honoured) */
	struct sim_domain *dom;
	void *stack;             /* the modelled stack: cached-view host pointer */
	size_t stack_bytes;
	uint8_t *host_map;       /* what the fiber runs on: guard pages, then the host stack */
	ucontext_t ctx;
	void *fake_stack;        /* ASan fiber-switch save */
	k_thread_entry_t entry;
	void *p1, *p2, *p3;
	bool started;
	uint64_t wake_at;        /* UINT64_MAX: no timeout */
	_wait_q_t *pended_on;    /* host pointer of the wait queue, NULL */
	struct sim_thread *join_target; /* pended in k_thread_join on it */
	int swap_result;         /* 0 woken, -EAGAIN timed out */
	struct sim_oops oops;
	/* syscall in progress */
	int sc_id;               /* -1: none */
	bool sc_doomed;
	char sc_refused[160];    /* the heap refused an argument: oops, no finding */
	struct sim_footprint fp;
	bool windowed;           /* a syscall window (footprint opened) is active */
	bool confined;           /* ...and it is confined */
	char vrfy_msg[160];
};

struct sim_timer {
	bool used;
	uint64_t next, period;
	sim_timer_fn fn;
	void *arg;
};

struct sim_syscall {
	struct sim_syscall_def def;
	char name[SIM_NAME_MAX];
};

struct sim {
	struct sim_config cfg;
	int fd;
	size_t size, npages, page;
	uint8_t *view[2];        /* cached, uncached */
	uint8_t *backdoor;       /* third RW mapping: the simulator's own API writes */
	uint8_t *cur;            /* per view, per page: rights now applied (sim_cur) */
	uint8_t *want;           /* scratch */
	bool protect, confine;

	/* regions */
	struct sim_region regions[SIM_MAX_REGIONS];
	unsigned nregions;
	int16_t *page_region;    /* per page: region index or -1 */
	size_t kernel_pages;
	size_t kbrk;             /* kernel-object bump pointer (offset) */
	size_t krec;             /* k_object records: allocated downward from the
				  * kernel region's end (offset of the lowest) */

	struct sim_domain domains[SIM_MAX_DOMAINS];
	unsigned ndomains;

	struct sim_kobj *kobjs;
	size_t nkobjs, kobj_cap;

	struct sim_thread threads[SIM_MAX_THREADS + 1]; /* index = id */
	struct sim_thread *current;  /* NULL: main context */
	uint64_t seq;
	uint64_t now;
	struct sim_thread *watch;  /* main-context join: stop when it dies */
	bool watch_hit;
	uint64_t switches_this_run;
	ucontext_t sched_ctx;
	void *sched_fake;
	bool dropping_fibers;    /* teardown: a resumed fiber leaves for good at once */
	const void *main_bottom;
	size_t main_size;

	struct sim_timer timers[SIM_MAX_TIMERS];

	struct sim_syscall syscalls[SIM_MAX_SYSCALLS];
	unsigned nsyscalls;

	/* confinement window of the running syscall */
	struct sim_snap *snaps;  /* one per page at most */
	unsigned nsnaps;
	uint8_t *snap_pool;
	uint8_t *fp_page;        /* per page: FP_* flags for the open window */
	uint64_t *open;          /* per page, a bit: read-write in a view now (from cur) */
	uint64_t *dirty;         /* per page, a bit: may hold non-zero bytes (was open, or
				  * written through the backdoor): what sim_destroy zeroes */
	struct {
		size_t off, end;
	} fpr[SIM_FOOTPRINT_MAX];  /* the window's footprint as arena offsets */
	unsigned nfpr;
	bool window_open;

	/* findings and events */
	struct sim_finding *findings;
	size_t nfindings, findings_cap;
	struct sim_event *events;
	size_t nevents, events_cap;
	uint64_t ev_seq;
	sim_event_hook event_hook;
	void *event_ctx;

	struct sim_stats stats;

	bool heap_check_hit;     /* a sys_heap check fired in the current k_heap call */
	struct sim_kread_log *kread; /* kernel reads of user-writable memory (kread.c) */
	sim_kread_hook_fn kread_hook; /* interleaving points (kread.c) */
	void *kread_hook_ctx;
	bool in_isr;             /* a timer callback (the model's ISR context) is running */
	sys_heap_check_fn prev_check_fn;
	void *prev_check_ctx;

	/* sim_user_access */
	sigjmp_buf access_jb;
	volatile bool access_armed;
	struct sim_thread *access_thread;
	void *access_dst;
	const void *access_src;
	size_t access_len;
	uint8_t *scratch;        /* per-page scratch for rights queries */
	struct sim_fault access_fault;
};

extern struct sim *g_sim;

/* arena.c */
extern struct sim_pt_counts g_pt;
static inline uint8_t *sim_cur(struct sim *s, int view)
{
	return s->cur + (size_t)view * s->npages;
}
/* Page pg's rights changed in a view: its open and dirty bits follow. */
void sim_page_rights_changed(struct sim *s, size_t pg);
/* The simulator wrote [off, off+n) through the backdoor. */
void sim_mark_dirty(struct sim *s, size_t off, size_t n);
/* Runs the statement after it with pg set to each set bit of b, in order. */
#define SIM_FOR_EACH_BIT(b, nbits, pg)                                                   \
	for (size_t w_ = 0; w_ < ((nbits) + 63) / 64; w_++)                             \
		for (uint64_t m_ = (b)[w_]; m_ && ((pg) = w_ * 64 + (size_t)__builtin_ctzll(m_), 1); \
		     m_ &= m_ - 1)
void sim_apply_view_rights(struct sim *s, int v, const uint8_t *want);
void sim_apply_rights(struct sim *s, const uint8_t *want);
void sim_page_set(struct sim *s, int v, size_t page, uint8_t r);
void sim_rights_kernel(struct sim *s);
void sim_rights_user(struct sim *s, struct sim_thread *t);
void sim_rights_for_thread(struct sim *s, struct sim_thread *t);
void sim_user_rights_of(const struct sim *s, const struct sim_thread *t, uint8_t *out);
uint8_t sim_user_page_rights(const struct sim *s, const struct sim_thread *t, size_t pg);
/* Thread t, in user mode, touched arena byte off (view v) against its rights r:
 * an event and an oops, as for a page fault. Does not return. */
__attribute__((noreturn)) void sim_user_fault(struct sim *s, struct sim_thread *t, size_t off, int v,
					    bool write, uint8_t r);
int sim_region_of(const struct sim *s, size_t off);
void *sim_region_alloc_kind(struct sim *s, size_t bytes, enum region_kind kind, const char *name);
void sim_bd_write(struct sim *s, void *p, const void *src, size_t n);
void sim_bd_w32(struct sim *s, uint32_t *p, uint32_t v);
bool sim_locate(const struct sim *s, const void *p, size_t len, size_t *off, enum sim_view *v);

/* domain.c */
void sim_domain_recompute(struct sim *s, struct sim_domain *d);
struct sim_domain *sim_domain_of(struct sim *s, const struct k_mem_domain *k);

/* kobj.c */
struct sim_kobj *sim_kobj_lookup_exact(struct sim *s, const void *p);
struct sim_kobj *sim_kobj_containing(const struct sim *s, size_t off, size_t *inoff);
struct sim_kobj *sim_kobj_add(struct sim *s, void *addr, size_t size, enum k_objects type,
			      const char *type_name, const char *name, const struct sim_field *f,
			      unsigned nf, int *err);
const char *sim_kobj_field(const struct sim_kobj *o, size_t inoff, const char **group);
/* Permission of thread id on o, and granting it (the record's bits when o
 * has one and the id fits in it); the object's initialised state. */
bool sim_kobj_perm_test(const struct sim *s, const struct sim_kobj *o, uint32_t id);
void sim_kobj_perm_grant(struct sim *s, struct sim_kobj *o, uint32_t id);
/* A thread's index (its permission bit): data of its record, else id-1. */
void sim_kobj_set_thread_index(struct sim *s, struct sim_kobj *o, uint32_t index);
uint32_t sim_kobj_thread_index(const struct sim *s, const struct sim_thread *t);
/* Is o a k_object record (of another object)? */
bool sim_kobj_is_record(const struct sim_kobj *o);
void sim_kobj_mark_initialized(struct sim *s, struct sim_kobj *o);
void sim_kobj_free_all(struct sim *s);
void sim_region_label(const struct sim *s, size_t off, char *buf, size_t len);

/* thread.c */
struct sim_thread *sim_thread_of(const struct sim *s, const struct k_thread *k);
void sim_thread_die(struct sim *s, struct sim_thread *t, int reason, const char *msg)
	__attribute__((noreturn));
int sim_pend_curr(struct sim *s, struct k_spinlock *lock, _wait_q_t *wq, k_timeout_t timeout);
int sim_unpend_all(struct sim *s, _wait_q_t *wq);
struct sim_thread *sim_unpend_first(struct sim *s, _wait_q_t *wq);
/* Wakes t out of whatever wait queue it pends on (swap result 0); false if
 * it pends on none. */
bool sim_unpend_thread(struct sim *s, struct sim_thread *t);
bool sim_waitq_check(struct sim *s, _wait_q_t *wq);
void sim_threads_free(struct sim *s);
void sim_oops_current(struct sim *s, int reason, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void sim_mode_to_kernel(struct sim *s, struct sim_thread *t);
void sim_mode_to_user(struct sim *s, struct sim_thread *t);
void sim_k_yield(struct sim *s);
void sim_k_sleep(struct sim *s, k_timeout_t to);
const struct sim_thread *sim_stack_guard_owner(const struct sim *s, uintptr_t addr);

/* syscall.c */
void sim_syscalls_builtin(struct sim *s);
void sim_window_begin(struct sim *s, struct sim_thread *t);
void sim_window_end(struct sim *s, struct sim_thread *t);
bool sim_kernel_fault(struct sim *s, struct sim_thread *t, int v, size_t page, bool write);
void sim_window_patch(struct sim *s, size_t off, const void *src, size_t n);

/* fault.c */
void sim_signals_ensure(struct sim *s);
void sim_signals_release(void);

/* report.c */
void sim_event(struct sim *s, enum sim_event_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sim_finding_new(struct sim *s, struct sim_finding *f, enum sim_finding_kind kind);
void sim_finding_set_addr(struct sim *s, struct sim_finding *f, size_t off, enum sim_view v);
bool sim_finding_forged_word(struct sim *s, struct sim_finding *f, const uint32_t *p,
			     uint32_t want);
void sim_finding_add(struct sim *s, struct sim_finding *f);
void sim_doom_current(struct sim *s);
void sim_copy_name(char *dst, const char *src, size_t n);
void sim_kread_free(struct sim *s);
void sim_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* kernel.c (kernel-side bodies of the built-in syscalls too) */
int sim_k_sem_take(struct k_sem *sem, k_timeout_t t);
void sim_k_sem_give(struct k_sem *sem);
int sim_k_mutex_lock(struct k_mutex *m, k_timeout_t t);
int sim_k_mutex_unlock(struct k_mutex *m);
void sim_heap_check(const struct sys_heap_check *c, void *ctx);
bool sim_spin_take(struct sim *s, struct k_spinlock *l, const char *what);
void sim_spin_give(struct sim *s, struct k_spinlock *l);

#endif
