/*
 * Runs an exported finding (proof_prog.h) on the dc233c core and compares
 * the target's verdict with the host's.
 *
 * The layout's memory map: the LL heap buffer sits in the user partition
 * (ring 1 read/write); struct k_heap is there too on pr10807-v2 (at the
 * region's start, the buffer one cache line after it) and in kernel memory
 * (ring 0) on pr10807-v3 and sof-main. On sof-main the program first
 * allocates the objects SOF main keeps in the user heap (PROOF_SLOT_BOOT),
 * at the offsets the host had; what follows the buffer there (the kernel
 * heap's next chunk) is outside every syscall's footprint, as on the host.
 * The user thread's raw stores run in ring 1, so the MMU decides what they
 * may touch. Its syscalls run in ring 0 between user steps, with SOF's
 * checks (sched/ll_syscalls.c describes them) over heap/'s sys_heap built
 * for the target: the same heap code as the host.
 *
 * Oracles, as the fuzz_user_syscalls harness applies them: the first of
 *   kernel-object-changed  a user store changed the k_heap object
 *   confinement            a kernel store outside the syscall's footprint (the
 *                          buffer and the heap object; at which offset), or the
 *                          cached free path's flush+invalidate running past the
 *                          buffer (length from a user-writable header)
 *   heap-check             a sys_heap check fired in kernel mode (not
 *                          "caller error", which the harness leaves to the API)
 *   other                  an allocation outside the buffer or overlapping a
 *                          live block
 *   validate               the heap no longer validates after a step
 *   kernel-fault           an MMU fault in a user store the host allowed
 * Exit 0 when the target shows the host's class (and, for the two escapes,
 * the same offset in the k_heap / the same bytes past the buffer).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heap.h"
#include "proof_prog.h"
#include "xrt.h"
#include "xrt_user.h"

#define USER __attribute__((section(".xrt.user.data")))
#define REGION_MAX (0x20000 + 4096)
#define SLOTS 26
#define DCACHE_LINE 64u
#define FLAG_USER_ALLOWED 0x1eu /* USER|COHERENT|DMA|LARGE_BUFFER (sched.h) */
#define FLAG_COHERENT 0x04u

static uint8_t ll_region[REGION_MAX] USER __attribute__((aligned(4096)));
static uint8_t user_stack[8192] USER __attribute__((aligned(16)));
/* what the user task stores, readable from ring 1 */
static struct {
	volatile uint8_t *dst;
	unsigned len;
	uint8_t data[PROOF_DATA_MAX];
} uw USER;

static uint8_t kernel_kheap[64] __attribute__((aligned(8))); /* v3: ring 0 */
static struct sys_heap ll_sys;
static uint8_t *kheap, *buf;
static uint32_t buf_bytes;
static uint8_t *slot[SLOTS];
static bool boot_misplaced; /* a layout object is not where the host had it */
static uint32_t req[SLOTS];
static bool live[SLOTS];

/* The target's verdict: the first finding. */
static char v_class[32];
static char v_detail[160];
static int32_t v_kobj_off = -1;
static uint32_t v_past;

static void verdict(const char *cls, const char *detail)
{
	if (v_class[0])
		return;
	snprintf(v_class, sizeof(v_class), "%s", cls);
	snprintf(v_detail, sizeof(v_detail), "%s", detail);
}

/* ---- kernel side ------------------------------------------------------------ */

static char check_name[48];
static uint32_t check_addr;

static void on_check(const struct sys_heap_check *c, void *ctx)
{
	(void)ctx;
	if (!check_name[0]) {
		snprintf(check_name, sizeof(check_name), "%s", c->name);
		check_addr = (uint32_t)c->addr;
	}
}

/* Where the heap reaches outside its buffer (a forged header): on hardware
 * the kernel reads and writes there, as the host's heap does in its arena.
 * The target's RAM pages (kernel data, kernel heap page, user partition)
 * are real memory; anything else is no memory. */
static uint32_t store_addr, store_len; /* the kernel's first store outside its footprint */

static void *translate(void *ctx, uint64_t addr, size_t len, bool write)
{
	(void)ctx;
	/* a store outside the syscall's footprint (the buffer and the heap
	 * object): the target stops the call at the first one (the refusal
	 * reads as a "wild access" check, which the store outranks); the host
	 * lets it happen and reports the bytes that changed */
	if (write && !store_len) {
		store_addr = (uint32_t)addr;
		store_len = (uint32_t)len;
		return NULL;
	}
	if (addr >= 0x00100000u && addr < 0x00400000u && len <= 0x00400000u - addr)
		return (void *)(uintptr_t)addr;
	return NULL;
}

static int32_t v_store_off;

/* A kernel step stored outside its footprint: the finding, before any check. */
static void kernel_store(void)
{
	char d[128];

	if (!store_len)
		return;
	v_store_off = (int32_t)(store_addr - (uint32_t)(uintptr_t)buf);
	snprintf(d, sizeof(d), "the kernel wrote %lu bytes outside its footprint at buf%+ld",
		 (unsigned long)store_len, (long)v_store_off);
	verdict("confinement", d);
	check_name[0] = '\0';
}

/* A check fired during a kernel step: a finding unless it is the API's own
 * refusal of a bad argument. */
static void kernel_checks(void)
{
	char d[96];

	if (!check_name[0] || !strcmp(check_name, "caller error")) {
		check_name[0] = '\0';
		return;
	}
	snprintf(d, sizeof(d), "sys_heap check \"%s\" fired in kernel mode (address 0x%08x)", check_name,
		 (unsigned)check_addr);
	verdict("heap-check", d);
	check_name[0] = '\0';
}

static uint32_t kheap_u32(unsigned off)
{
	uint32_t v;

	memcpy(&v, kheap + off, 4);
	return v;
}

static uint8_t *addr_of(const struct proof_step *s)
{
	if (s->region == PROOF_NULL)
		return NULL;
	return (s->region == PROOF_KHEAP ? kheap : buf) + s->off;
}

static bool user_writable(const uint8_t *p)
{
	return p >= ll_region && p < ll_region + sizeof(ll_region);
}

static void oops(unsigned i, const char *why)
{
	printf("  %u. oops: %s (a fresh user thread takes over)\n", i + 1, why);
}

static void do_alloc(unsigned i, const struct proof_step *s)
{
	uint32_t align = s->align, bytes = s->bytes;
	uint8_t *p;

	if (s->flags & ~FLAG_USER_ALLOWED)
		return oops(i, "flags outside USER|COHERENT|DMA|LARGE_BUFFER");
	if (s->forged_heap)
		return oops(i, "not the LL user heap");
	/* the cached heap: whole cache lines, off the headers' lines */
	if (align < DCACHE_LINE)
		align = DCACHE_LINE;
	bytes = (bytes + DCACHE_LINE - 1) & ~(DCACHE_LINE - 1);
	p = sys_heap_aligned_alloc(&ll_sys, align, bytes);
	kernel_store();
	kernel_checks();
	if (s->slot == PROOF_SLOT_BOOT) {
		/* the layout's own object: it must sit where the host put it, or
		 * every offset after it means other bytes */
		printf("  %u. %s: buf%+ld\n", i + 1, s->host, p ? (long)(p - buf) : -1L);
		if (p != buf + s->off)
			boot_misplaced = true;
		return;
	}
	printf("  %u. alloc %c: %s\n", i + 1, 'A' + s->slot, p ? "ok" : "NULL");
	if (!p)
		return;
	slot[s->slot] = p;
	req[s->slot] = s->bytes ? s->bytes : 1;
	live[s->slot] = true;
	if (p < buf || req[s->slot] > buf_bytes || (uint32_t)(p - buf) > buf_bytes - req[s->slot]) {
		verdict("other", "sof_heap_alloc returned a block outside the heap buffer");
		return;
	}
	for (int k = 0; k < SLOTS; k++)
		if (k != s->slot && live[k] && p < slot[k] + req[k] && slot[k] < p + req[s->slot])
			verdict("other", "sof_heap_alloc returned a block overlapping a live block");
}

static void do_free(unsigned i, const struct proof_step *s)
{
	uint8_t *p = addr_of(s);
	uint32_t start = kheap_u32(4), bytes = kheap_u32(8); /* init_mem, init_bytes */
	char d[160];

	if (s->forged_heap)
		return oops(i, "not the LL user heap");
	if (!p) {
		printf("  %u. free NULL\n", i + 1);
		return;
	}
	/* SOF's verification, with the range read from the heap object */
	if ((uint32_t)(uintptr_t)p < start || (uint32_t)(uintptr_t)p - start >= bytes)
		return oops(i, "pointer outside the heap buffer");
	if (!user_writable(p))
		return oops(i, "pointer not writable by the caller");
	if (s->cached) {
		/* sys_cache_data_flush_and_invd_range(p, usable_size(p)) */
		uint32_t n = sys_heap_usable_size(&ll_sys, p);
		uint8_t *end = buf + buf_bytes;

		kernel_store();
		kernel_checks();
		if (v_class[0])
			return;
		/* Zephyr's Xtensa loop in the target's 32-bit size_t: lines from
		 * round_down(p) while below round_up(p + n); an end that wraps past
		 * 2^32 runs no line at all */
		uint32_t a = (uint32_t)(uintptr_t)p, first = a & ~63u, last = (a + n + 63u) & ~63u;

		if (n && first < last && last > (uint32_t)(uintptr_t)end) {
			v_past = n - (uint32_t)(end - p);
			snprintf(d, sizeof(d), "cache flush+invalidate of %lu bytes runs %lu bytes past "
					       "the heap buffer", (unsigned long)n, (unsigned long)v_past);
			verdict("confinement", d);
			printf("  %u. free buf%+ld cached: %s\n", i + 1, (long)(p - buf), d);
			return;
		}
	}
	sys_heap_free(&ll_sys, p);
	kernel_store();
	kernel_checks();
	for (int k = 0; k < SLOTS; k++)
		if (live[k] && slot[k] == p)
			live[k] = false;
	printf("  %u. free buf%+ld%s: done\n", i + 1, (long)(p - buf), s->cached ? " cached" : "");
}

/* ---- user side (ring 1) ---------------------------------------------------- */

static void task_store(void *arg)
{
	(void)arg;
	for (unsigned k = 0; k < uw.len; k++)
		uw.dst[k] = uw.data[k];
	xrt_sys_exit(0);
}

static void do_write(unsigned i, const struct proof_step *s)
{
	uint8_t before[64];
	struct xrt_task_result res;
	char d[160];

	memcpy(before, kheap, proof_program.kheap_bytes);
	uw.dst = addr_of(s);
	uw.len = s->len;
	memcpy(uw.data, s->data, s->len);
	xrt_user_run(task_store, NULL, user_stack + sizeof(user_stack), &res);
	if (res.faulted) {
		snprintf(d, sizeof(d), "ring-1 store faulted at 0x%08x: EXCCAUSE %u (%s)",
			 (unsigned)res.vaddr, (unsigned)res.cause, xrt_cause_name(res.cause));
		printf("  %u. write: %s\n", i + 1, d);
		verdict("kernel-fault", d);
		return;
	}
	printf("  %u. user wrote %u bytes at %s%+ld (ring 1)\n", i + 1, s->len,
	       s->region == PROOF_KHEAP ? "kheap" : "buf", (long)s->off);
	for (unsigned k = 0; k < proof_program.kheap_bytes; k++)
		if (kheap[k] != before[k]) {
			v_kobj_off = (int32_t)k;
			snprintf(d, sizeof(d), "user thread changed k_heap ll_heap +0x%x outside its API", k);
			verdict("kernel-object-changed", d);
			break;
		}
}

/* ---- the run ---------------------------------------------------------------- */

static bool setup(void)
{
	const struct proof_program *pp = &proof_program;
	struct sys_heap_config cfg;
	uint32_t S;

	if (pp->region_bytes > sizeof(ll_region) || pp->kheap_bytes > sizeof(kernel_kheap)) {
		printf("FAIL the layout does not fit the target's user partition\n");
		return false;
	}
	kheap = pp->kheap_in_region ? ll_region : kernel_kheap;
	buf = ll_region + pp->buf_in_region;
	buf_bytes = pp->region_bytes - (uint32_t)pp->buf_in_region;
	sys_heap_config_default(&cfg);
	cfg.word_bits = 32;
	cfg.hardening = (enum sys_heap_hardening)pp->hardening;
	cfg.mem.translate = translate;
	if (sys_heap_init_checked(&ll_sys, buf, buf_bytes, &cfg, false) != SYS_HEAP_INIT_OK) {
		printf("FAIL sys_heap_init\n");
		return false;
	}
	/* struct k_heap's heap part, as the host lays it out: S, init_mem, init_bytes */
	S = (uint32_t)(uintptr_t)ll_sys.heap;
	memset(kheap, 0, pp->kheap_bytes);
	memcpy(kheap, &S, 4);
	memcpy(kheap + 4, &(uint32_t){ (uint32_t)(uintptr_t)buf }, 4);
	memcpy(kheap + 8, &buf_bytes, 4);
	printf("layout %s: buffer %p (%lu bytes, ring 1), k_heap %p (%s), hardening %s\n", pp->layout,
	       (void *)buf, (unsigned long)buf_bytes, (void *)kheap,
	       pp->kheap_in_region ? "ring 1, user region" : "ring 0, kernel memory",
	       sys_heap_hardening_name(cfg.hardening));
	return true;
}

int main(void)
{
	const struct proof_program *pp = &proof_program;
	bool agree;

	printf("finding %s: host verdict [%s]\n", pp->name, pp->host_class);
	if (!setup())
		return 1;
	sys_heap_set_check_handler(on_check, NULL);
	for (unsigned i = 0; i < pp->nsteps && !v_class[0] && !boot_misplaced; i++) {
		const struct proof_step *s = &pp->steps[i];

		switch (s->op) {
		case PROOF_ALLOC: do_alloc(i, s); break;
		case PROOF_FREE: do_free(i, s); break;
		case PROOF_WRITE: do_write(i, s); break;
		default:
			printf("  %u. tick: no LL task runs in this program (the host's tick ran the "
			       "scheduler)\n", i + 1);
			break;
		}
		kernel_checks();
		/* the fuzz harness checks the heap after every step (its own
		 * checks firing inside validate are part of that answer) */
		if (pp->check_each_step && !v_class[0] && !sys_heap_validate(&ll_sys))
			verdict("validate", "the heap no longer validates");
		check_name[0] = '\0';
	}
	if (boot_misplaced) {
		printf("FAIL the layout's own blocks are not where the host placed them\n");
		return 1;
	}
	/* the end of the program: the kernel's heap still validates? */
	if (!v_class[0] && !sys_heap_validate(&ll_sys))
		verdict("validate", "the heap no longer validates at the end");
	check_name[0] = '\0';
	if (!v_class[0])
		verdict("no-finding", "the target saw nothing");
	printf("target verdict: [%s] %s\n", v_class, v_detail);
	printf("host verdict:   [%s] %s\n", pp->host_class, pp->host_message);
	agree = !strcmp(v_class, pp->host_class);
	if (agree && !strcmp(v_class, "kernel-object-changed"))
		agree = v_kobj_off == pp->host_kobj_off;
	/* the cache overrun: the same bytes past the buffer */
	if (agree && !strcmp(v_class, "confinement") && !pp->host_kernel_store)
		agree = v_past == pp->host_past;
	/* the same store: inside the bytes the host saw change (it watches words) */
	if (agree && !strcmp(v_class, "confinement") && pp->host_kernel_store)
		agree = store_len && v_store_off >= pp->host_store_off &&
			v_store_off + (int32_t)store_len <= pp->host_store_off + (int32_t)pp->host_store_len;
	printf("%s: host and target %s\n", agree ? "AGREE" : "DISAGREE", agree ? "agree" : "differ");
	return agree ? 0 : 1;
}
