/*
 * The target's integer helpers (port/xtensa/rt/divmod.c), compiled for the
 * host with renamed symbols, against the host's own C operators: edge values
 * plus a million random operand pairs of random widths per helper.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

uint32_t xrt_host___udivsi3(uint32_t n, uint32_t d);
uint32_t xrt_host___umodsi3(uint32_t n, uint32_t d);
int32_t xrt_host___divsi3(int32_t n, int32_t d);
uint64_t xrt_host___umulsidi3(uint32_t a, uint32_t b);
int64_t xrt_host___muldi3(int64_t a, int64_t b);
uint64_t xrt_host___udivdi3(uint64_t n, uint64_t d);
uint64_t xrt_host___umoddi3(uint64_t n, uint64_t d);
int64_t xrt_host___divdi3(int64_t n, int64_t d);

static int div0_calls;

void xrt_host_divide_by_zero(void);
void xrt_host_divide_by_zero(void)
{
	div0_calls++;
}

#define ROUNDS 1000000

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random value with a random number of significant bits (0..64), so short
 * and long operands, and every quotient width, are all common. */
static uint64_t rnd64(void)
{
	unsigned bits = (unsigned)(rng() % 65);
	return bits == 0 ? 0 : rng() >> (64 - bits);
}

static uint32_t rnd32(void)
{
	return (uint32_t)(rnd64() >> (rng() & 32));
}

static const uint64_t edge64[] = {
	0, 1, 2, 3, 7, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ull, 0x100000001ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xfffffffffffffffeull, 0xffffffffffffffffull, 0x123456789abcdef0ull,
};
#define NEDGE (sizeof(edge64) / sizeof(edge64[0]))

static void setup_rng(void)
{
	rng_state = 0x2545f4914f6cdd1dull;
}

static void check_u32(uint32_t n, uint32_t d)
{
	if (d == 0)
		return;
	assert_int_equal(xrt_host___udivsi3(n, d), n / d);
	assert_int_equal(xrt_host___umodsi3(n, d), n % d);
}

static void check_s32(int32_t n, int32_t d)
{
	if (d == 0 || (n == INT32_MIN && d == -1)) /* C leaves these undefined */
		return;
	assert_int_equal(xrt_host___divsi3(n, d), n / d);
}

static void check_u64(uint64_t n, uint64_t d)
{
	if (d == 0)
		return;
	assert_int_equal(xrt_host___udivdi3(n, d), n / d);
	assert_int_equal(xrt_host___umoddi3(n, d), n % d);
}

static void check_s64(int64_t n, int64_t d)
{
	if (d == 0 || (n == INT64_MIN && d == -1))
		return;
	assert_int_equal(xrt_host___divdi3(n, d), n / d);
}

static void check_mul(uint64_t a, uint64_t b)
{
	uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;

	assert_int_equal(xrt_host___umulsidi3(a32, b32), (uint64_t)a32 * b32);
	assert_int_equal((uint64_t)xrt_host___muldi3((int64_t)a, (int64_t)b), a * b);
}

static void edges(void (*fn64)(uint64_t, uint64_t))
{
	for (size_t i = 0; i < NEDGE; i++)
		for (size_t j = 0; j < NEDGE; j++)
			fn64(edge64[i], edge64[j]);
}

static void u64_as_u32(uint64_t n, uint64_t d) { check_u32((uint32_t)n, (uint32_t)d); }
static void u64_as_s32(uint64_t n, uint64_t d) { check_s32((int32_t)n, (int32_t)d); }
static void u64_as_s64(uint64_t n, uint64_t d) { check_s64((int64_t)n, (int64_t)d); }

static void test_udivmod32(void **state)
{
	(void)state;
	setup_rng();
	edges(u64_as_u32);
	for (int i = 0; i < ROUNDS; i++)
		check_u32(rnd32(), rnd32());
}

static void test_divsi3(void **state)
{
	(void)state;
	setup_rng();
	edges(u64_as_s32);
	check_s32(INT32_MIN, 1);
	check_s32(INT32_MIN, INT32_MIN);
	check_s32(-7, 2);
	check_s32(7, -2);
	for (int i = 0; i < ROUNDS; i++)
		check_s32((int32_t)rnd32(), (int32_t)rnd32());
}

static void test_udivmod64(void **state)
{
	(void)state;
	setup_rng();
	edges(check_u64);
	for (int i = 0; i < ROUNDS; i++)
		check_u64(rnd64(), rnd64());
}

static void test_divdi3(void **state)
{
	(void)state;
	setup_rng();
	edges(u64_as_s64);
	for (int i = 0; i < ROUNDS; i++)
		check_s64((int64_t)rnd64(), (int64_t)rnd64());
}

static void test_mul(void **state)
{
	(void)state;
	setup_rng();
	edges(check_mul);
	for (int i = 0; i < ROUNDS; i++)
		check_mul(rnd64(), rnd64());
}

/* A zero divisor goes to the runtime's hook (on target: report and exit);
 * if the hook returns, the result is 0 and the remainder the dividend. */
static void test_divide_by_zero(void **state)
{
	(void)state;
	div0_calls = 0;
	assert_int_equal(xrt_host___udivsi3(5, 0), 0);
	assert_int_equal(xrt_host___umodsi3(5, 0), 5);
	assert_int_equal(xrt_host___divsi3(-5, 0), 0);
	assert_int_equal(xrt_host___udivdi3(0x100000000ull, 0), 0);
	assert_int_equal(xrt_host___umoddi3(0x100000000ull, 0), 0x100000000ull);
	assert_int_equal(xrt_host___divdi3(5, 0), 0);
	assert_int_equal(div0_calls, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udivmod32),
		cmocka_unit_test(test_divsi3),
		cmocka_unit_test(test_udivmod64),
		cmocka_unit_test(test_divdi3),
		cmocka_unit_test(test_mul),
		cmocka_unit_test(test_divide_by_zero),
	};
	return cmocka_run_group_tests_name("xtensa_divmod_host", tests, NULL, NULL);
}
