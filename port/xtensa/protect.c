/*
 * Protection on the target (dc233c MMU, rings): the twin of the host
 * simulator's mprotect domains. The kernel's k_heap (buffer and in-band
 * metadata) sits on a ring-0 page, the user partition on a ring-1 page
 * (rt/dc233c.ld, rt/mmu.S). A ring-1 task then
 *   PROTECT_OWN     stores into its own partition and runs a sys_heap there:
 *                   must succeed;
 *   PROTECT_KSTORE  stores into a chunk header of the kernel heap: the CPU
 *                   raises LoadStorePrivilege (EXCCAUSE 26) with EXCVADDR =
 *                   the address; the kernel reports it like the host does
 *                   ("user write fault at 0x… (<what is there>)"), kills the
 *                   task and checks that its heap is intact;
 *   PROTECT_KLOAD   reads the same word: also EXCCAUSE 26, reported as a read;
 *   PROTECT_UNMAPPED stores to an address no page maps: LoadStoreTLBMiss.
 * The program exits 0 only when the outcome is the expected one.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heap.h"
#include "xrt.h"
#include "xrt_user.h"

/* PROTECT_MODE, set by the build: one program per case. */
#define PROTECT_OWN 1
#define PROTECT_KSTORE 2
#define PROTECT_KLOAD 3
#define PROTECT_UNMAPPED 4
#ifndef PROTECT_MODE
#error "build with -DPROTECT_MODE=PROTECT_<case>"
#endif

#define UNMAPPED_ADDR 0x00500000u /* sysram, but no page maps it */
#define KHEAP_BYTES (64 * 1024)
#define USER_STACK_BYTES (16 * 1024)
#define USER_HEAP_BYTES (16 * 1024)

#define USER __attribute__((section(".xrt.user.data")))
#define KHEAP __attribute__((section(".xrt.kheap.buf")))

static uint8_t kheap_mem[KHEAP_BYTES] KHEAP __attribute__((aligned(4096)));
static struct sys_heap kheap;

/* The user partition: stack, a scratch buffer and a user-mode heap. */
static uint8_t user_stack[USER_STACK_BYTES] USER __attribute__((aligned(16)));
static uint32_t user_buf[256] USER;
static uint8_t user_heap_mem[USER_HEAP_BYTES] USER __attribute__((aligned(8)));
static struct sys_heap user_heap USER;
static volatile uint32_t *user_target USER; /* what the task touches */

/* ---- user code (ring 1): only syscalls reach the kernel ------------------- */

static void task_own_partition(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < 256; i++)
		user_buf[i] = 0xa5000000u | i;
	for (unsigned i = 0; i < 256; i++) {
		if (user_buf[i] != (0xa5000000u | i)) {
			xrt_uprintf("user: readback mismatch at %u\n", i);
			xrt_sys_exit(2);
		}
	}
	/* A heap whose metadata lives in the partition: all user stores. */
	sys_heap_init(&user_heap, user_heap_mem, sizeof(user_heap_mem));
	void *a = sys_heap_alloc(&user_heap, 100);
	void *b = sys_heap_aligned_alloc(&user_heap, 64, 200);
	if (!a || !b || ((uintptr_t)b & 63)) {
		xrt_uprintf("user: allocation failed (%p %p)\n", a, b);
		xrt_sys_exit(3);
	}
	memset(a, 0x11, 100);
	memset(b, 0x22, 200);
	sys_heap_free(&user_heap, a);
	sys_heap_free(&user_heap, b);
	if (!sys_heap_validate(&user_heap)) {
		xrt_uprintf("user: heap does not validate\n");
		xrt_sys_exit(4);
	}
	xrt_uprintf("user: own-partition stores ok (buffer %p, heap %p)\n",
		    (void *)user_buf, user_heap_mem);
	xrt_sys_exit(0);
}

static void task_store(void *arg)
{
	(void)arg;
	*user_target = 0xdeadbeef;
	xrt_uprintf("user: store went through\n");
}

static void task_load(void *arg)
{
	(void)arg;
	uint32_t v = *user_target;
	xrt_uprintf("user: load went through (0x%08x)\n", (unsigned)v);
}

/* ---- kernel (ring 0) ------------------------------------------------------ */

/* Load or store? Decode the faulting instruction (Xtensa LSAI / narrow). */
static const char *access_kind(uint32_t pc)
{
	const uint8_t *insn = (const uint8_t *)(uintptr_t)pc;
	unsigned op0 = insn[0] & 0xf, r = insn[1] >> 4;

	if (op0 == 9)
		return "write"; /* s32i.n */
	if (op0 == 8)
		return "read";  /* l32i.n */
	if (op0 == 2)
		return (r == 4 || r == 5 || r == 6) ? "write" : "read";
	return "access";
}

/* What is at a kernel address, named as the host's audit names it. */
static void describe(uint32_t addr, char *buf, size_t len)
{
	uintptr_t base = (uintptr_t)kheap_mem;

	if (addr >= base && addr < base + KHEAP_BYTES) {
		char what[64];
		sys_heap_describe_offset(&kheap, addr - (uintptr_t)kheap.heap, what,
					 sizeof(what));
		snprintf(buf, len, "k_heap %s, ring 0 page", what);
	} else {
		snprintf(buf, len, "no page mapped");
	}
}

static int expect_fault(struct xrt_task_result *res, uint32_t cause, uint32_t addr)
{
	char where[96];

	if (!res->faulted) {
		printf("FAIL task was not stopped (exit status %d)\n", res->status);
		return 1;
	}
	describe(res->vaddr, where, sizeof(where));
	printf("fault: rogue user %s at 0x%08x (%s): EXCCAUSE %u (%s), pc 0x%08x\n",
	       access_kind(res->pc), (unsigned)res->vaddr, where, (unsigned)res->cause,
	       xrt_cause_name(res->cause), (unsigned)res->pc);
	printf("oops: user %s fault at 0x%08x (%s); task killed\n", access_kind(res->pc),
	       (unsigned)res->vaddr, where);
	if (res->cause != cause || res->vaddr != addr) {
		printf("FAIL expected EXCCAUSE %u at 0x%08x\n", (unsigned)cause, (unsigned)addr);
		return 1;
	}
	return 0;
}

int main(void)
{
	struct xrt_task_result res;
	void *stack_top = user_stack + sizeof(user_stack);
	int bad = 0;

	sys_heap_init(&kheap, kheap_mem, sizeof(kheap_mem));
	void *blk = sys_heap_alloc(&kheap, 64);
	if (!blk) {
		printf("FAIL kernel allocation\n");
		return 1;
	}
	/* The chunk header in front of the block: metadata the kernel trusts. */
	struct sys_heap_layout lay;
	sys_heap_layout_get(&kheap, &lay);
	volatile uint32_t *hdr = (uint32_t *)((uint8_t *)blk - lay.hdr_bytes);
	uint32_t hdr_before = *hdr;
	char where[96];

	switch (PROTECT_MODE) {
	case PROTECT_OWN:
		xrt_user_run(task_own_partition, NULL, stack_top, &res);
		if (res.faulted) {
			printf("FAIL own-partition task faulted: EXCCAUSE %u (%s) at 0x%08x, pc 0x%08x\n",
			       (unsigned)res.cause, xrt_cause_name(res.cause),
			       (unsigned)res.vaddr, (unsigned)res.pc);
			bad = 1;
		} else if (res.status != 0) {
			printf("FAIL own-partition task exit status %d\n", res.status);
			bad = 1;
		}
		break;
	case PROTECT_KSTORE:
	case PROTECT_KLOAD:
		user_target = hdr;
		describe((uint32_t)(uintptr_t)hdr, where, sizeof(where));
		printf("target 0x%08x (%s)\n", (unsigned)(uintptr_t)hdr, where);
		xrt_user_run(PROTECT_MODE == PROTECT_KSTORE ? task_store : task_load, NULL,
			     stack_top, &res);
		bad |= expect_fault(&res, XRT_CAUSE_LOAD_STORE_PRIVILEGE,
				    (uint32_t)(uintptr_t)hdr);
		break;
	case PROTECT_UNMAPPED:
		user_target = (volatile uint32_t *)(uintptr_t)UNMAPPED_ADDR;
		describe(UNMAPPED_ADDR, where, sizeof(where));
		printf("target 0x%08x (%s)\n", UNMAPPED_ADDR, where);
		xrt_user_run(task_store, NULL, stack_top, &res);
		bad |= expect_fault(&res, XRT_CAUSE_DTLB_MISS, UNMAPPED_ADDR);
		break;
	}

	/* Whatever the task did, the kernel's heap must be untouched. */
	if (*hdr != hdr_before || !sys_heap_validate(&kheap)) {
		printf("FAIL kernel heap changed (header 0x%08x -> 0x%08x)\n",
		       (unsigned)hdr_before, (unsigned)*hdr);
		bad = 1;
	}
	sys_heap_free(&kheap, blk);
	if (!bad)
		printf("PASS kernel heap intact, kernel still running\n");
	return bad;
}
