/*
 * Exported by `heapsim export --xtensa` from scenario house-of-spirit:
 * [other] on pr10807-v2, hardening none. Runs on the dc233c core (port/xtensa/proof):
 * the user thread's stores in ring 1, the syscalls in ring 0 on heap/'s sys_heap.
 */
#include "proof_prog.h"

static const struct proof_step steps[] = {
	{ .op = PROOF_ALLOC, .slot = 0, .bytes = 0x100, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc A" },
	{ .op = PROOF_ALLOC, .slot = 6, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc G" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 138, .len = 2, .data = { 0x05, 0x00 },
	  .host = "write A.hdr+18" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 152, .len = 2, .data = { 0x02, 0x00 },
	  .host = "write A.hdr+32" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 154, .len = 2, .data = { 0x29, 0x00 },
	  .host = "write A.hdr+34" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 312, .len = 2, .data = { 0x14, 0x00 },
	  .host = "write A.hdr+192" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 314, .len = 2, .data = { 0x05, 0x00 },
	  .host = "write A.hdr+194" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 144, .len = 4, .data = { 0x8f, 0x7c, 0x7a, 0x5a },
	  .host = "write A.hdr+24" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 304, .len = 4, .data = { 0x99, 0x7c, 0x78, 0x5a },
	  .host = "write A.hdr+184" },
	{ .op = PROOF_WRITE, .region = PROOF_BUF, .off = 320, .len = 4, .data = { 0x8f, 0x7c, 0x4c, 0x5a },
	  .host = "write A.hdr+200" },
	{ .op = PROOF_FREE, .region = PROOF_BUF, .off = 156, .cached = 0, .forged_heap = 0,
	  .host = "free A.hdr+36" },
	{ .op = PROOF_ALLOC, .slot = 1, .bytes = 0x40, .align = 0x0, .flags = 0x2, .forged_heap = 0,
	  .host = "alloc B" },
};

const struct proof_program proof_program = {
	.name = "scenario house-of-spirit",
	.layout = "pr10807-v2",
	.hardening = 0,
	.region_bytes = 131072,
	.buf_in_region = 64,
	.kheap_in_region = 1,
	.kheap_bytes = 28,
	.check_each_step = 0,
	.host_class = "other",
	.host_message = "sof_heap_alloc returned heap+0xc0 (64 bytes), overlapping live block heap+0x80 (256 bytes): two owners for the same memory",
	.host_kernel_store = 0,
	.host_store_off = 0,
	.host_store_len = 0,
	.host_kobj_off = -1,
	.host_past = 0,
	.nsteps = sizeof(steps) / sizeof(steps[0]),
	.steps = steps,
};
