/*
 * Exported by `heapsim export --xtensa` from scenario double-free:
 * [other] on sof-main, hardening none. Runs on the dc233c core (port/xtensa/proof):
 * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.
 */
#include "proof_prog.h"

static const struct proof_step steps[] = {
	{ .op = PROOF_ALLOC, .slot = PROOF_SLOT_BOOT, .off = 128, .bytes = 0x58, .flags = 0x2,
	  .host = "boot: zephyr_domain" },
	{ .op = PROOF_ALLOC, .slot = PROOF_SLOT_BOOT, .off = 320, .bytes = 0x10, .flags = 0x2,
	  .host = "boot: ll_schedule_domain" },
	{ .op = PROOF_ALLOC, .slot = PROOF_SLOT_BOOT, .off = 448, .bytes = 0x1c, .flags = 0x2,
	  .host = "boot: zephyr_ll[0]" },
	{ .op = PROOF_ALLOC, .slot = PROOF_SLOT_BOOT, .off = 576, .bytes = 0x1c, .flags = 0x2,
	  .host = "boot: zephyr_ll[1]" },
	{ .op = PROOF_ALLOC, .slot = PROOF_SLOT_BOOT, .off = 704, .bytes = 0x1c, .flags = 0x2,
	  .host = "boot: zephyr_ll[2]" },
	{ .op = PROOF_ALLOC, .slot = PROOF_SLOT_BOOT, .off = 832, .bytes = 0x2c, .flags = 0x2,
	  .host = "boot: ipc_user" },
	{ .op = PROOF_ALLOC, .slot = 0, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc A" },
	{ .op = PROOF_ALLOC, .slot = 1, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc B" },
	{ .op = PROOF_ALLOC, .slot = 2, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc C" },
	{ .op = PROOF_ALLOC, .slot = 3, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc D" },
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 960, .cached = 1, .forged_heap = 0,
	  .host = "free A" },
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 1216, .cached = 1, .forged_heap = 0,
	  .host = "free C" },
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 960, .cached = 1, .forged_heap = 0,
	  .host = "free A" },
	{ .op = PROOF_ALLOC, .slot = 4, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc E" },
	{ .op = PROOF_ALLOC, .slot = 5, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc F" },
	{ .op = PROOF_ALLOC, .slot = 6, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc G" },
};

const struct proof_program proof_program = {
	.name = "scenario double-free",
	.layout = "sof-main",
	.hardening = 0,
	.region_bytes = 131072,
	.buf_in_region = 0,
	.kheap_in_region = 0,
	.kheap_bytes = 28,
	.check_each_step = 0,
	.host_class = "other",
	.host_message = "sof_heap_alloc returned heap+0x440 (64 bytes), overlapping live block heap+0x440 (64 bytes): two owners for the same memory",
	.host_kernel_store = 0,
	.host_store_off = 0,
	.host_store_len = 0,
	.host_kobj_off = -1,
	.host_past = 0,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
