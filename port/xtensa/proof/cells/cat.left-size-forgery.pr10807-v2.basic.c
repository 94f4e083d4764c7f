/*
 * Exported by `heapsim export --xtensa` from scenario left-size-forgery:
 * [other] on pr10807-v2, hardening basic. Runs on the dc233c core (port/xtensa/proof):
 * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.
 */
#include "proof_prog.h"

static const struct proof_step steps[] = {
	{ .op = PROOF_ALLOC, .slot = 25, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc Z" },
	{ .op = PROOF_ALLOC, .slot = 0, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc A" },
	{ .op = PROOF_ALLOC, .slot = 1, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc B" },
	{ .op = PROOF_ALLOC, .slot = 2, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc C" },
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 128, .cached = 1, .forged_heap = 0,
	  .host = "free Z" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 376, .len = 2, .data = { 0x26, 0x00 },
	  .host = "write B.left" },
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 384, .cached = 1, .forged_heap = 0,
	  .host = "free B" },
	{ .op = PROOF_ALLOC, .slot = 3, .bytes = 0xc0, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc D" },
};

const struct proof_program proof_program = {
	.name = "scenario left-size-forgery",
	.layout = "pr10807-v2",
	.hardening = 1,
	.region_bytes = 131072,
	.buf_in_region = 64,
	.kheap_in_region = 1,
	.kheap_bytes = 28,
	.check_each_step = 0,
	.host_class = "other",
	.host_message = "sof_heap_alloc returned heap+0x80 (192 bytes), overlapping live block heap+0x100 (64 bytes): two owners for the same memory",
	.host_kernel_store = 0,
	.host_store_off = 0,
	.host_store_len = 0,
	.host_kobj_off = -1,
	.host_past = 0,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
