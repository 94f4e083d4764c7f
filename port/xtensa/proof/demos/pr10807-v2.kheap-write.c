/*
 * Exported by `heapsim export --xtensa` from 5f5da692bf9557caa616ad2e70b30fa1cf36b264:
 * [kernel-object-changed] on pr10807-v2, hardening moderate. Runs on the dc233c core (port/xtensa/proof):
 * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.
 */
#include "proof_prog.h"

static const struct proof_step steps[] = {
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = -64, .len = 5, .data = { 0x00, 0x00, 0x00, 0x00, 0x00 },
	  .host = "write audit[0]@cached" },
};

const struct proof_program proof_program = {
	.name = "5f5da692bf9557caa616ad2e70b30fa1cf36b264",
	.layout = "pr10807-v2",
	.hardening = 2,
	.region_bytes = 8192,
	.buf_in_region = 64,
	.kheap_in_region = 1,
	.kheap_bytes = 28,
	.check_each_step = 1,
	.host_class = "kernel-object-changed",
	.host_message = "user thread changed k_heap ll_heap outside its API: ll_heap_region+0x0 cached: k_heap ll_heap +0x0 (heap.heap)",
	.host_kernel_store = 0,
	.host_store_off = 0,
	.host_store_len = 0,
	.host_kobj_off = 0,
	.host_past = 0,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
