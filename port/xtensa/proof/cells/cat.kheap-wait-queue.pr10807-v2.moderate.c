/*
 * Exported by `heapsim export --xtensa` from scenario kheap-wait-queue:
 * [kernel-object-changed] on pr10807-v2, hardening moderate. Runs on the dc233c core (port/xtensa/proof):
 * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.
 */
#include "proof_prog.h"

static const struct proof_step steps[] = {
	{ .op = PROOF_ALLOC, .slot = 0, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc A" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = -52, .len = 4, .data = { 0x00, 0x10, 0x03, 0xa0 },
	  .host = "write kheap.wait_q" },
};

const struct proof_program proof_program = {
	.name = "scenario kheap-wait-queue",
	.layout = "pr10807-v2",
	.hardening = 2,
	.region_bytes = 131072,
	.buf_in_region = 64,
	.kheap_in_region = 1,
	.kheap_bytes = 28,
	.check_each_step = 0,
	.host_class = "kernel-object-changed",
	.host_message = "user thread changed k_heap ll_heap outside its API: ll_heap_region+0xd cached: k_heap ll_heap +0xd (wait_q.head)",
	.host_kernel_store = 0,
	.host_store_off = 0,
	.host_store_len = 0,
	.host_kobj_off = 13,
	.host_past = 0,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
