/*
 * Exported by `heapsim export --xtensa` from scenario impact-split-store:
 * [confinement] on pr10807-v3, hardening basic. Runs on the dc233c core (port/xtensa/proof):
 * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.
 */
#include "proof_prog.h"

static const struct proof_step steps[] = {
	{ .op = PROOF_ALLOC, .slot = 0, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc A" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 194, .len = 2, .data = { 0xd4, 0x7f },
	  .host = "write free[1].size" },
	{ .op = PROOF_ALLOC, .slot = 1, .bytes = 0x1f700, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc B" },
};

const struct proof_program proof_program = {
	.name = "scenario impact-split-store",
	.layout = "pr10807-v3",
	.hardening = 1,
	.region_bytes = 131072,
	.buf_in_region = 0,
	.kheap_in_region = 0,
	.kheap_bytes = 28,
	.check_each_step = 0,
	.host_class = "confinement",
	.host_message = "sof_heap_alloc wrote 2 bytes outside its footprint at 0xa0031010: ll_sched_domain ll_sched domain +0x10 (period_us)",
	.host_kernel_store = 1,
	.host_store_off = 131088,
	.host_store_len = 2,
	.host_kobj_off = -1,
	.host_past = 0,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
