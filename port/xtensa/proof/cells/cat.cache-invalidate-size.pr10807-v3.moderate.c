/*
 * Exported by `heapsim export --xtensa` from scenario cache-invalidate-size:
 * [confinement] on pr10807-v3, hardening moderate. Runs on the dc233c core (port/xtensa/proof):
 * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.
 */
#include "proof_prog.h"

static const struct proof_step steps[] = {
	{ .op = PROOF_ALLOC, .slot = 0, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc A" },
	{ .op = PROOF_ALLOC, .slot = 1, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc B" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 122, .len = 2, .data = { 0x61, 0xea },
	  .host = "write A.size" },
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 128, .cached = 1, .forged_heap = 0,
	  .host = "free A" },
};

const struct proof_program proof_program = {
	.name = "scenario cache-invalidate-size",
	.layout = "pr10807-v3",
	.hardening = 2,
	.region_bytes = 131072,
	.buf_in_region = 0,
	.kheap_in_region = 0,
	.kheap_bytes = 28,
	.check_each_step = 0,
	.host_class = "confinement",
	.host_message = "cache flush+invalidate of 239992 bytes at 0xa0011080, length from a user-writable header: 64 kernel-only lines from 0xa0031000 (ll_sched domain), 1 dirty (an invalidate would lose them)",
	.host_kernel_store = 0,
	.host_store_off = 0,
	.host_store_len = 0,
	.host_kobj_off = -1,
	.host_past = 109048,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
