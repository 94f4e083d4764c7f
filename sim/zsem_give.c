/*
 * Zephyr's k_sem_give on memory the kernel reached through a pointer it did
 * not set: a kernel path (SOF's timer ISR) gives "the semaphore" a forged
 * pointer names, and Zephyr works on whatever bytes are there.
 *
 * The bytes are read as the 32-bit target lays out a k_sem in the
 * configuration SOF builds (wait queues are sys_dlists, CONFIG_WAITQ_DUMB;
 * no CONFIG_POLL), and as it lays out the head of a k_thread:
 *
 *   k_sem     +0 wait_q.head  +4 wait_q.tail  +8 count  +12 limit
 *   k_thread  +0 qnode.next   +4 qnode.prev   +8 pended_on
 *             +12 user_options (u8)  +13 thread_state (u8)  +14 prio (s8)
 *
 * The simulator's own k_sem/k_thread images differ (docs/sim.md): a waiter
 * that is one of its threads is woken its own way. Steps, each named
 * after the Zephyr function it stands for (kernel/sem.c, kernel/sched.c,
 * include/zephyr/sys/dlist.h):
 *
 *   z_impl_k_sem_give  z_unpend_first_thread(&sem->wait_q) and z_ready_thread on what it
 *                      returns or, no waiter, count += count != limit
 *   z_unpend_first_thread
 *                      the first waiter: the list head unless the list is empty (head names
 *                      the list itself) or NULL (z_priq_simple_best)
 *   unpend_thread_no_timeout
 *                      sys_dlist_remove(node): node->prev->next = node->next,
 *                      node->next->prev = node->prev, node links zeroed; thread_state loses
 *                      _THREAD_PENDING; pended_on = NULL
 *   ready_thread       queued unless already _THREAD_QUEUED or prevented from running
 *                      (dummy, pending, sleeping, dead, suspended): marked _THREAD_QUEUED;
 *                      the run queue's own links are not modelled
 *
 * Not modelled, because their offsets depend on the configuration: the
 * swap return value arch_thread_return_value_set stores into the thread, and
 * the thread's timeout node (z_abort_thread_timeout reads it as unlinked
 * here). A store into kernel memory is reported; a load or store where
 * nothing is mapped is a kernel fault, and so is a misaligned one, as on
 * Xtensa cores built with the unaligned-exception option (dc233c, the port's
 * core; SOF sets no Zephyr option that would emulate the access). Other
 * cores ignore the low address bits or align in hardware; no committed
 * result depends on it (docs/sim.md).
 */
#include <string.h>

#include "sim_internal.h"

enum { ZSEM_HEAD = 0, ZSEM_COUNT = 8, ZSEM_LIMIT = 12 };
enum { ZTH_NEXT = 0, ZTH_PREV = 4, ZTH_PENDED_ON = 8, ZTH_STATE = 13, ZTH_PRIO = 14 };

#define ZTH_PENDING 0x02u   /* _THREAD_PENDING */
#define ZTH_PREVENTED 0x1fu /* _THREAD_DUMMY | PENDING | SLEEPING | DEAD | SUSPENDED */
#define ZTH_QUEUED 0x80u    /* _THREAD_QUEUED */

struct give {
	struct sim *s;
	const char *path; /* the kernel path: "zephyr_domain_timer_fn" */
	uint32_t sem;
};

static void finding_start(const struct give *g, struct sim_finding *f, enum sim_finding_kind k)
{
	sim_finding_new(g->s, f, k);
	if (g->s->in_isr)
		sim_copy_name(f->thread_name, "timer ISR", sizeof(f->thread_name));
}

static void fault(const struct give *g, uint32_t taddr, unsigned len, bool write, const char *what,
		  const char *why)
{
	struct sim_finding f;

	finding_start(g, &f, SIM_FINDING_KERNEL_FAULT);
	f.taddr = taddr;
	f.nbytes = len;
	sim_fmt(f.message, sizeof(f.message),
		"%s: k_sem_give on the k_sem at 0x%08x %s %u bytes at 0x%08x (%s): %s", g->path,
		(unsigned)g->sem, write ? "stores" : "loads", len, (unsigned)taddr, what, why);
	sim_finding_add(g->s, &f);
}

/* The host bytes of a kernel access, or NULL after reporting its fault. */
static uint8_t *reach(const struct give *g, uint32_t taddr, unsigned len, bool write,
		      const char *what)
{
	uint8_t *p;

	if (taddr % len) {
		fault(g, taddr, len, write, what, "misaligned (LoadStoreAlignment)");
		return NULL;
	}
	p = sim_target_to_host(g->s, taddr, len);
	if (!p)
		fault(g, taddr, len, write, what, "nothing mapped there");
	return p;
}

static bool load(const struct give *g, uint32_t taddr, unsigned len, enum sim_kread_use use,
		 const char *what, uint32_t *out)
{
	const uint8_t *p = reach(g, taddr, len, false, what);
	uint32_t v = 0;

	if (!p)
		return false;
	sim_kread_note(p, len, g->path, what, use, SIM_KREAD_UNDECLARED);
	memcpy(&v, p, len); /* little-endian target and host */
	*out = v;
	return true;
}

/* A kernel store the user steered: into user-writable memory it is the
 * user's own business; anywhere else it is reported with what it hit. */
static bool store(const struct give *g, uint32_t taddr, unsigned len, uint32_t v,
		  const char *what)
{
	uint8_t *p = reach(g, taddr, len, true, what);
	struct sim_finding f;
	char where[128];
	size_t off;
	enum sim_view view;

	if (!p)
		return false;
	if (sim_user_writable(g->s, p, len, NULL, 0)) {
		sim_bd_write(g->s, p, &v, len);
		return true;
	}
	finding_start(g, &f, SIM_FINDING_KERNEL_TRUSTS_USER);
	if (sim_locate(g->s, p, len, &off, &view))
		sim_finding_set_addr(g->s, &f, off, view);
	f.nbytes = len;
	memcpy(f.old_bytes, p, len);
	memcpy(f.new_bytes, &v, len);
	sim_describe_addr(g->s, p, where, sizeof(where));
	sim_fmt(f.message, sizeof(f.message),
		"%s: k_sem_give on the k_sem at 0x%08x (user-laid) stores 0x%0*x at 0x%08x (%s): %s",
		g->path, (unsigned)g->sem, (int)(2 * len), (unsigned)v, (unsigned)taddr, what, where);
	sim_bd_write(g->s, p, &v, len);
	sim_finding_add(g->s, &f);
	return true;
}

static void report_readied(const struct give *g, uint32_t th, unsigned state, int prio)
{
	struct sim_finding f;
	char where[128];
	void *p = sim_target_to_host(g->s, th, ZTH_PRIO + 1);
	size_t off;
	enum sim_view view;

	if (!p || !sim_locate(g->s, p, ZTH_PRIO + 1, &off, &view))
		return; /* loaded just before: mapped */
	finding_start(g, &f, SIM_FINDING_KERNEL_TRUSTS_USER);
	sim_finding_set_addr(g->s, &f, off, view);
	sim_describe_addr(g->s, p, where, sizeof(where));
	if (sim_user_writable(g->s, p, ZTH_PRIO + 1, NULL, 0))
		sim_fmt(f.message, sizeof(f.message),
			"%s: k_sem_give puts a k_thread the user built into the run queue (0x%08x, "
			"thread_state 0x%02x, prio %d): switching to it, Zephyr takes its memory "
			"domain and registers from user memory: %s",
			g->path, (unsigned)th, state, prio, where);
	else
		sim_fmt(f.message, sizeof(f.message),
			"%s: k_sem_give readies the k_thread at 0x%08x (thread_state 0x%02x, prio %d) "
			"that a user-laid wait queue names: a wake-up the user chose: %s",
			g->path, (unsigned)th, state, prio, where);
	sim_finding_add(g->s, &f);
}

/* The waiter is one of the simulator's own threads (its k_thread image is
 * the simulator's, not Zephyr's): Zephyr would unlink it from the queue it
 * really waits on and wake it, which the simulator does its own way. */
static bool wake_sim_thread(const struct give *g, uint32_t th, struct sim_thread *t)
{
	struct sim_finding f;
	bool pended = t->pended_on != NULL;

	finding_start(g, &f, SIM_FINDING_KERNEL_TRUSTS_USER);
	f.taddr = th;
	sim_fmt(f.message, sizeof(f.message),
		pended ? "%s: k_sem_give on the k_sem at 0x%08x (user-laid) wakes %s (k_thread at "
			 "0x%08x), which its wait queue names: a wake-up the user chose"
		       : "%s: k_sem_give on the k_sem at 0x%08x (user-laid) names %s (k_thread at "
			 "0x%08x) as its waiter, which waits on nothing: Zephyr would unlink it "
			 "through its own links (not modelled)",
		g->path, (unsigned)g->sem, t->name, (unsigned)th);
	sim_finding_add(g->s, &f);
	if (pended)
		sim_unpend_thread(g->s, t);
	return true;
}

/* z_unpend_first_thread and z_ready_thread on the waiter th: unlink, unpend, ready. The run queue's own
 * links are not modelled; the thread is marked queued, as queue_thread does. */
static bool wake(const struct give *g, uint32_t th)
{
	uint32_t next, prev, state, prio;
	void *hk = sim_target_to_host(g->s, th, sizeof(struct k_thread));
	struct sim_thread *t = hk ? sim_thread_of(g->s, hk) : NULL;

	if (t)
		return wake_sim_thread(g, th, t);
	if (!load(g, th + ZTH_PREV, 4, SIM_KREAD_POINTER, "k_thread.base.qnode_dlist.prev", &prev) ||
	    !load(g, th + ZTH_NEXT, 4, SIM_KREAD_POINTER, "k_thread.base.qnode_dlist.next", &next))
		return false;
	if (!store(g, prev + ZTH_NEXT, 4, next,
		   "sys_dlist_remove: node->prev->next = node->next, both read from user memory") ||
	    !store(g, next + ZTH_PREV, 4, prev,
		   "sys_dlist_remove: node->next->prev = node->prev, both read from user memory") ||
	    !store(g, th + ZTH_NEXT, 4, 0, "sys_dlist_remove: the waiter's node->next = NULL") ||
	    !store(g, th + ZTH_PREV, 4, 0, "sys_dlist_remove: the waiter's node->prev = NULL") ||
	    !load(g, th + ZTH_STATE, 1, SIM_KREAD_VALUE, "k_thread.base.thread_state", &state) ||
	    !store(g, th + ZTH_STATE, 1, state & ~ZTH_PENDING, "the waiter's thread_state") ||
	    !store(g, th + ZTH_PENDED_ON, 4, 0, "the waiter's pended_on = NULL"))
		return false;
	state &= ~ZTH_PENDING;
	if (state & (ZTH_QUEUED | ZTH_PREVENTED))
		return true;
	if (!load(g, th + ZTH_PRIO, 1, SIM_KREAD_VALUE, "k_thread.base.prio", &prio) ||
	    !store(g, th + ZTH_STATE, 1, state | ZTH_QUEUED, "the waiter's thread_state"))
		return false;
	report_readied(g, th, state, (int8_t)prio);
	return true;
}

bool sim_k_sem_give_at(struct sim *s, uint32_t sem, const char *path)
{
	struct give g = { s, path ? path : "k_sem_give", sem };
	uint32_t head, count, limit;

	if (!s)
		return false;
	if (!load(&g, sem + ZSEM_HEAD, 4, SIM_KREAD_POINTER, "k_sem.wait_q.head", &head))
		return false;
	if (head != sem && head != 0)
		return wake(&g, head);
	if (!load(&g, sem + ZSEM_COUNT, 4, SIM_KREAD_VALUE, "k_sem.count", &count) ||
	    !load(&g, sem + ZSEM_LIMIT, 4, SIM_KREAD_VALUE, "k_sem.limit", &limit))
		return false;
	return count == limit || store(&g, sem + ZSEM_COUNT, 4, count + 1, "k_sem.count");
}
