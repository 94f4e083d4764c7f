/*
 * Exported by `heapsim export --xtensa` from scenario free-list-unlink:
 * [confinement] on sof-main, hardening none. Runs on the dc233c core (port/xtensa/proof):
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
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 960, .cached = 1, .forged_heap = 0,
	  .host = "free A" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 900, .len = 2, .data = { 0x00, 0x40 },
	  .host = "write A.prev" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 902, .len = 2, .data = { 0x00, 0x40 },
	  .host = "write A.next" },
	{ .op = PROOF_ALLOC, .slot = 2, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc C" },
};

const struct proof_program proof_program = {
	.name = "scenario free-list-unlink",
	.layout = "sof-main",
	.hardening = 0,
	.region_bytes = 131072,
	.buf_in_region = 0,
	.kheap_in_region = 0,
	.kheap_bytes = 28,
	.check_each_step = 0,
	.host_class = "confinement",
	.host_message = "sof_heap_alloc wrote 3 bytes outside its footprint at 0xa0032005: heap metadata sof_heap +0x21005 (free chunk 16896 FREE_PREV)",
	.host_kernel_store = 1,
	.host_store_off = 131077,
	.host_store_len = 3,
	.host_kobj_off = -1,
	.host_past = 0,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
