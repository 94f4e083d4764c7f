/*
 * The operation tables, the structured mutator and the dictionaries
 * (fuzz/lib_mutate.c): framing against hand-encoded programs (the encoding
 * fuzz/lib_user_syscalls.c documents), the decoder agreeing with its table,
 * and what the mutator and cross-over keep of a program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz.h"

/* header (layout kernel-only = 2, config) and one operation of each shape */
static const uint8_t prog[] = {
	2, 0x02,
	0x00, 0x01, 0x40, 0xb0, 0x00,                         /* alloc slot 0, 64 bytes, no align: 5 */
	0x08, 0x00, 0x40, 0xb0, 0xff, 0x04, 0x01, 0x00, 0x00, /* alloc slot 1, align 0x104 (rewind 4): 9 */
	0x40, 0x00, 0x10, 0xb0, 0x03, 0x06, 0x00, 0x00,       /* alloc with a forged heap handle: 8 */
	0x1c, 0x08, 0x00, 0x00, 1, 2, 3, 4,                   /* 4-byte write into slot 0's block: 8 */
	0x06, 0x20, 0x01,                                     /* chunk field := live chunk id + 1: 3 */
	0x06, 0x00, 0x34, 0x12,                               /* chunk field := 0x1234: 4 */
	0x42, 0x08,                                           /* free slot 0 + 8 (interior): 2 */
	0x07,                                                 /* tick: 1 */
	0x0a,                                                 /* free slot 1: 1 */
};
static const size_t prog_lens[] = { 5, 9, 8, 8, 3, 4, 2, 1, 1 };
static const char *const prog_kinds[] = {
	"alloc", "alloc", "alloc", "write", "field_write", "field_write", "free_slot", "tick", "free_slot",
};
#define PROG_OPS (sizeof(prog_lens) / sizeof(prog_lens[0]))

static size_t count_ops(const struct fuzz_program_shape *sh, const uint8_t *p, size_t n, size_t header,
			bool *exact)
{
	struct fuzz_op op;
	size_t at = header, ops = 0;

	while (at < n && ops < sh->max_ops) {
		at += fuzz_op_frame(sh, p, n, at, false, &op);
		ops++;
	}
	*exact = at == n || ops == sh->max_ops;
	return ops;
}

static void test_frames_hand_encoded_program(void **state)
{
	struct fuzz_op op;
	size_t at = 2;

	(void)state;
	for (size_t i = 0; i < PROG_OPS; i++) {
		assert_int_equal(fuzz_op_frame(&fuzz_user_syscalls_shape, prog, sizeof(prog), at, false, &op),
				 prog_lens[i]);
		assert_non_null(op.kind);
		assert_string_equal(op.kind->name, prog_kinds[i]);
		at += prog_lens[i];
	}
	assert_int_equal(at, sizeof(prog));
	/* the 9-byte alloc's fields: flags, size, align selector, the 32-bit align */
	fuzz_op_frame(&fuzz_user_syscalls_shape, prog, sizeof(prog), 7, false, &op);
	assert_int_equal(op.nfields, 4);
	assert_int_equal(op.f[3].kind, FUZZ_F_ALIGN32);
	assert_int_equal(op.f[3].at, 12);
	/* op 7 means something else on a SOF-main layout: 0x27 is a 4-byte object write there */
	{
		static const uint8_t sof[] = { 0x27, 1, 2, 9, 9, 9, 9 };

		assert_int_equal(fuzz_op_frame(&fuzz_user_syscalls_shape, sof, sizeof(sof), 0, true, &op), 7);
		assert_string_equal(op.kind->name, "sof_write");
		assert_int_equal(fuzz_op_frame(&fuzz_user_syscalls_shape, sof, sizeof(sof), 0, false, &op), 1);
	}
	/* a truncated operation: its length is clipped to the input */
	fuzz_op_frame(&fuzz_user_syscalls_shape, prog, 9, 7, false, &op);
	assert_int_equal(op.len, 2);
}

/* The decoder reads exactly what the table says (or the run reports a
 * harness finding): the program runs clean on kernel-only. */
static void test_decoder_agrees_with_table(void **state)
{
	struct fuzz_opts o;
	struct fuzz_result res;

	(void)state;
	fuzz_opts_default(&o);
	o.layout = "kernel-only";
	fuzz_run(&fuzz_targets[FUZZ_USER_SYSCALLS], prog, sizeof(prog), &o, &res);
	assert_false(res.found);
	assert_int_equal(res.ops, PROG_OPS);
}

static unsigned byte_calls;

static size_t count_byte_mutate(uint8_t *data, size_t size, size_t max)
{
	(void)max;
	byte_calls++;
	if (size)
		data[0] ^= 1;
	return size;
}

/* Structured edits keep the program framed: every operation whole. Bytes
 * are left to the byte mutator about one call in five. */
static void test_mutations_keep_framing(void **state)
{
	const struct fuzz_target *t = &fuzz_targets[FUZZ_USER_SYSCALLS];
	struct fuzz_opts o;
	uint8_t buf[256];
	unsigned framed = 0, changed_count = 0, runs = 2000;

	(void)state;
	fuzz_opts_default(&o);
	o.layout = "kernel-only";
	byte_calls = 0;
	for (unsigned seed = 1; seed <= runs; seed++) {
		unsigned before = byte_calls;
		size_t n;
		bool exact;

		memcpy(buf, prog, sizeof(prog));
		n = fuzz_mutate(t, &o, buf, sizeof(prog), sizeof(buf), seed, count_byte_mutate);
		assert_true(n >= 1 && n <= sizeof(buf));
		if (byte_calls != before)
			continue;
		assert_false(n == sizeof(prog) && !memcmp(buf, prog, n)); /* a structured edit changes something */
		if (count_ops(&t->shape[0], buf, n, 2, &exact) != PROG_OPS)
			changed_count++;
		framed += exact;
	}
	assert_in_range(byte_calls, runs / 10, runs * 35 / 100);
	assert_int_equal(framed, runs - byte_calls);
	assert_true(changed_count > (runs - byte_calls) / 4); /* inserts, deletes, duplicates */
}

/* A cross-over is a's header, then whole operations of a and b. */
static void test_cross_over_splices_whole_operations(void **state)
{
	const struct fuzz_target *t = &fuzz_targets[FUZZ_USER_SYSCALLS];
	static const uint8_t b[] = { 2, 0x02, 0x1c, 0x06, 0x00, 0x00, 1, 0, 0, 0, 0x07, 0x07 };
	struct fuzz_opts o;
	uint8_t out[256];

	(void)state;
	fuzz_opts_default(&o);
	for (unsigned seed = 1; seed <= 500; seed++) {
		size_t n = fuzz_cross_over(t, &o, prog, sizeof(prog), b, sizeof(b), out, sizeof(out), seed);
		size_t at = 2;
		struct fuzz_op op;

		assert_true(n >= 2);
		assert_memory_equal(out, prog, 2);
		while (at < n) {
			bool in_a = false, in_b = false;

			fuzz_op_frame(&t->shape[0], out, n, at, false, &op);
			for (size_t i = 2; i + op.len <= sizeof(prog) && !in_a; i++)
				in_a = !memcmp(prog + i, out + at, op.len);
			for (size_t i = 2; i + op.len <= sizeof(b) && !in_b; i++)
				in_b = !memcmp(b + i, out + at, op.len);
			assert_true(in_a || in_b);
			assert_int_equal(op.len, fuzz_op_frame(&t->shape[0], out, n, at, false, &op));
			at += op.len;
		}
	}
}

/* Each technique skeleton is whole operations of the table, the decoder
 * reads each as the table says, and run alone on a fresh pr10807-v3 heap at
 * hardening basic it reaches the class it is for. */
static void test_skeletons_are_whole_operations(void **state)
{
	const struct fuzz_program_shape *sh = &fuzz_user_syscalls_shape;
	struct fuzz_op op;

	(void)state;
	assert_true(sh->nskeletons >= 4);
	for (size_t k = 0; k < sh->nskeletons; k++) {
		const struct fuzz_skeleton *sk = &sh->skeletons[k];
		uint8_t in[256] = { 2, 0x18 }; /* kernel-only, a 128 KiB 32-bit heap */
		size_t at = 0, ops = 0;

		while (at < sk->len) {
			at += fuzz_op_frame(sh, sk->bytes, sk->len, at, false, &op);
			assert_non_null(op.kind);
			ops++;
		}
		assert_int_equal(at, sk->len);
		for (int i = 0; i < FUZZ_SKELETON_FRESH && sk->fresh[i]; i++)
			assert_true(sk->fresh[i] + 2u <= sk->len);
		assert_true(2 + sk->len <= sizeof(in));
		memcpy(in + 2, sk->bytes, sk->len);
		for (int i = 0; i < FUZZ_SKELETON_FRESH && sk->fresh[i]; i++)
			in[2 + sk->fresh[i] + 1] = 0x40; /* 0x4000: the kernel data after the heap */
		{
			struct fuzz_result res;
			struct fuzz_opts o;

			memset(&res, 0, sizeof(res));
			fuzz_opts_default(&o);
			o.layout = "pr10807-v3";
			o.hardening = SYS_HEAP_HARDENING_BASIC;
			fuzz_user_syscalls_run(in, 2 + sk->len, &o, &res);
			if (res.ops != ops || (res.found && res.finding.kind == SIM_FINDING_HARNESS))
				fail_msg("%s: %lu of %zu operations ran (%s)", sk->name, res.ops, ops,
					 res.finding.message);
			if ((res.classes & sk->classes) != sk->classes)
				fail_msg("%s: classes %#x, want %#x (chain %s)", sk->name, res.classes,
					 sk->classes, res.chain);
		}
	}
}

/* fuzz_heap_ops (fuzz/lib_heap_ops.c, fuzz/corpus/gen_heap_ops.py): a 4096-byte
 * 32-bit heap at moderate with stats, then one operation of each kind. */
static const uint8_t heap_prog[] = {
	0xe0, 0x0f, 0x74, 0x0c,
	0x00, 0x18, 0xb0,                   /* alloc slot 0, 24 bytes: 3 */
	0x0a, 0x36, 0x64, 0xb0,             /* aligned_alloc slot 1, 64 rewind 2, 100 bytes: 4 */
	0x12, 0xff, 0x04, 0x01, 0x40, 0xb0, /* aligned_alloc slot 2, raw align 0x104, 64 bytes: 6 */
	0x03, 0x90, 0xb1,                   /* realloc slot 0, 400 bytes: 3 */
	0x0c, 0x07, 0x2c, 0xb1,             /* aligned_realloc slot 1, 128, 300 bytes: 4 */
	0x07,                               /* usable_size slot 0: 1 */
	0x15, 0x0e, 0x05,                   /* free slot 2, free_b slot 1, free slot 0: 1 each */
};
static const size_t heap_lens[] = { 3, 4, 6, 3, 4, 1, 1, 1, 1 };
static const char *const heap_kinds[] = {
	"alloc", "aligned_alloc", "aligned_alloc", "realloc", "aligned_realloc", "usable_size", "free", "free_b",
	"free",
};
#define HEAP_OPS (sizeof(heap_lens) / sizeof(heap_lens[0]))

/* fuzz_heap_ops has a table too: it frames the program as the decoder reads
 * it, the program runs clean against the shadow model, structured edits
 * keep it framed, and its dictionary holds its alignment values at their
 * width (16 bits) and its configuration tokens. */
static void test_heap_ops_table(void **state)
{
	const struct fuzz_target *t = &fuzz_targets[FUZZ_HEAP_OPS];
	struct fuzz_result res;
	struct fuzz_opts o;
	struct fuzz_op op;
	uint8_t buf[256];
	unsigned framed = 0, structured = 0;
	size_t at = 4, len = 0;
	char *text = NULL;
	FILE *f;

	(void)state;
	assert_non_null(t->shape);
	for (size_t i = 0; i < HEAP_OPS; i++) {
		assert_int_equal(fuzz_op_frame(t->shape, heap_prog, sizeof(heap_prog), at, false, &op), heap_lens[i]);
		assert_string_equal(op.kind->name, heap_kinds[i]);
		at += heap_lens[i];
	}
	assert_int_equal(at, sizeof(heap_prog));
	fuzz_opts_default(&o);
	fuzz_run(t, heap_prog, sizeof(heap_prog), &o, &res);
	if (res.found)
		fail_msg("%s", res.finding.message);
	assert_int_equal(res.ops, HEAP_OPS);
	byte_calls = 0;
	for (unsigned seed = 1; seed <= 1000; seed++) {
		unsigned before = byte_calls;
		size_t n;
		bool exact;

		memcpy(buf, heap_prog, sizeof(heap_prog));
		n = fuzz_mutate(t, &o, buf, sizeof(heap_prog), sizeof(buf), seed, count_byte_mutate);
		if (byte_calls != before)
			continue;
		structured++;
		count_ops(t->shape, buf, n, 4, &exact);
		framed += exact;
	}
	assert_true(structured > 600);
	assert_int_equal(framed, structured);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_true(fuzz_dict_write(t, f));
	fclose(f);
	assert_non_null(strstr(text, "aligned_alloc=\"\\x02\"\n"));
	assert_non_null(strstr(text, "align_8_rewind_4=\"\\x0c\\x00\"\n"));
	assert_non_null(strstr(text, "flags_oob=\"\\x94\"\n"));
	free(text);
}

static void test_dictionary_from_table(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	assert_true(fuzz_dict_write(&fuzz_targets[FUZZ_USER_SYSCALLS], f));
	fclose(f);
	/* a 4-byte write (op 4, length 4) naming struct k_heap (selector 6) */
	assert_non_null(strstr(text, "write4_kheap=\"\\x1c\\x06\"\n"));
	assert_non_null(strstr(text, "sof_core_write=\"\\x6f\"\n"));
	free(text);
	assert_false(fuzz_dict_write(&fuzz_targets[FUZZ_CLI_INPUT], stdout)); /* no table */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_hand_encoded_program),
		cmocka_unit_test(test_decoder_agrees_with_table),
		cmocka_unit_test(test_mutations_keep_framing),
		cmocka_unit_test(test_cross_over_splices_whole_operations),
		cmocka_unit_test(test_dictionary_from_table),
		cmocka_unit_test(test_skeletons_are_whole_operations),
		cmocka_unit_test(test_heap_ops_table),
	};

	return cmocka_run_group_tests_name("fuzz_mutator", tests, NULL, NULL);
}
