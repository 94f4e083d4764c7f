/*
 * Exported by `heapsim export --xtensa` from 42971b17ad621389525bd07765864eb58dfce45d:
 * [confinement] on pr10807-v3, hardening none. Runs on the dc233c core (port/xtensa/proof):
 * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.
 */
#include "proof_prog.h"

static const struct proof_step steps[] = {
	{ .op = PROOF_FREE, .region = PROOF_NULL, .off = 0, .cached = 0, .forged_heap = 0,
	  .host = "free null" },
	{ .op = PROOF_ALLOC, .slot = 0, .bytes = 0x1, .align = 0x800, .flags = 0x12, .forged_heap = 0,
	  .host = "alloc A" },
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 0, .cached = 1, .forged_heap = 0,
	  .host = "free buf" },
};

const struct proof_program proof_program = {
	.name = "42971b17ad621389525bd07765864eb58dfce45d",
	.layout = "pr10807-v3",
	.hardening = 0,
	.region_bytes = 16384,
	.buf_in_region = 0,
	.kheap_in_region = 0,
	.kheap_bytes = 28,
	.check_each_step = 1,
	.host_class = "confinement",
	.host_message = "sof_heap_free wrote 4 bytes outside its footprint at 0xa0010ffc: region app_sysuser +0xffc",
	.host_kernel_store = 1,
	.host_store_off = -4,
	.host_store_len = 4,
	.host_kobj_off = -1,
	.host_past = 0,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
