/*
 * On-target checks of the runtime itself: the division/multiplication
 * helpers (through the C operators GCC turns into calls to them), formatted
 * output, string functions, integer parsing and setjmp/longjmp.
 * Known answers were computed on the host with arbitrary-precision integers;
 * the sweep checks q*d + r == n and r < d on pseudo-random operands.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed, passed;
static const char *cur;
static char why[160];

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond) && !why[0])                                      \
			snprintf(why, sizeof(why), __VA_ARGS__);             \
	} while (0)

static void run(const char *name, void (*fn)(void))
{
	cur = name;
	why[0] = '\0';
	fn();
	if (why[0]) {
		printf("FAIL %s: %s\n", cur, why);
		failed++;
	} else {
		printf("PASS %s\n", cur);
		passed++;
	}
}

/* Operands through volatile so GCC cannot fold the operations at compile
 * time: the helpers must run. */
static volatile uint64_t vu64[2];
static volatile int64_t vs64[2];
static volatile uint32_t vu32[2];
static volatile int32_t vs32[2];

static const struct { uint64_t n, d, q, r; } u64_cases[] = {
	{ 0xffffffffffffffffull, 0x0000000000000003ull, 0x5555555555555555ull, 0x0000000000000000ull },
	{ 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0000000000000001ull, 0x0000000000000000ull },
	{ 0xffffffffffffffffull, 0x0000000000000001ull, 0xffffffffffffffffull, 0x0000000000000000ull },
	{ 0x8000000000000000ull, 0x0000000100000001ull, 0x000000007fffffffull, 0x0000000080000001ull },
	{ 0x123456789abcdef0ull, 0x0000000000001000ull, 0x000123456789abcdull, 0x0000000000000ef0ull },
	{ 0x123456789abcdef0ull, 0x0000000fedcba987ull, 0x0000000001249249ull, 0x0000000246fe8971ull },
	{ 0x0000000000000005ull, 0x0000000000000007ull, 0x0000000000000000ull, 0x0000000000000005ull },
	{ 0x0000000000000000ull, 0x0000000000000009ull, 0x0000000000000000ull, 0x0000000000000000ull },
	{ 0x0000000100000000ull, 0x0000000100000000ull, 0x0000000000000001ull, 0x0000000000000000ull },
	{ 0x0000000100000005ull, 0x0000000100000007ull, 0x0000000000000000ull, 0x0000000100000005ull },
	{ 0xffffffff00000000ull, 0x00000000ffffffffull, 0x0000000100000000ull, 0x0000000000000000ull },
	{ 0x0dda79f4dc1aca07ull, 0x000000003b800001ull, 0x000000003b9aca07ull, 0x0000000000000000ull },
	{ 0x5ed34fe53a096533ull, 0x000018b8205738d1ull, 0x000000000003d60aull, 0x00000ca562af7709ull },
	{ 0x0b3510b0b46ee1daull, 0x0000000000000023ull, 0x0051f9299ec156e8ull, 0x0000000000000022ull },
	{ 0xcfaf00103f584ad4ull, 0x334a7914359b1549ull, 0x0000000000000004ull, 0x02851bbf68ebf5b0ull },
	{ 0x07c15471a4517d6cull, 0x00003a007cc661e9ull, 0x000000000000223aull, 0x00001fc3065e5ca2ull },
	{ 0x7eb72f8263f65da8ull, 0x72dc031c31360a41ull, 0x0000000000000001ull, 0x0bdb2c6632c05367ull },
	{ 0x67164890d49d0ac1ull, 0x000000000000007dull, 0x00d31f4cef44d720ull, 0x0000000000000021ull },
	{ 0xc24f6aa83bf36a14ull, 0x00000000000000b3ull, 0x0115e56c33d22a11ull, 0x0000000000000031ull },
	{ 0x852a5fba444adf42ull, 0x00007376796d3bc5ull, 0x000000000001273full, 0x00006fa5828926c7ull },
};

static const struct { int64_t n, d, q; } s64_cases[] = {
	{ -9223372036854775807ll, 7ll, -1317624576693539401ll },
	{ -100ll, 7ll, -14ll },
	{ 100ll, -7ll, -14ll },
	{ -100ll, -7ll, 14ll },
	{ -4611686018427387904ll, 2147483648ll, -2147483648ll },
	{ 123456789012345ll, -1000ll, -123456789012ll },
};

static const struct { uint32_t n, d, q, r; } u32_cases[] = {
	{ 0xffffffffu, 0x00000003u, 0x55555555u, 0x00000000u },
	{ 0xffffffffu, 0xffffffffu, 0x00000001u, 0x00000000u },
	{ 0xffffffffu, 0x00000001u, 0xffffffffu, 0x00000000u },
	{ 0x80000000u, 0x00000003u, 0x2aaaaaaau, 0x00000002u },
	{ 0x12345678u, 0x00001234u, 0x00010004u, 0x00000da8u },
	{ 0x00000007u, 0x00000005u, 0x00000001u, 0x00000002u },
	{ 0x00000000u, 0x00000001u, 0x00000000u, 0x00000000u },
	{ 0x000f4240u, 0x000003e8u, 0x000003e8u, 0x00000000u },
};

static const struct { int32_t n, d, q; } s32_cases[] = {
	{ -2147483647, 7, -306783378 },
	{ -100, 7, -14 },
	{ 100, -7, -14 },
	{ -100, -7, 14 },
	{ 2147483647, -2, -1073741823 },
};

static const struct { uint32_t a, b; uint64_t p; } umul_cases[] = {
	{ 0xffffffffu, 0xffffffffu, 0xfffffffe00000001ull },
	{ 0x12345678u, 0x9abcdef0u, 0x0b00ea4e242d2080ull },
	{ 0x80000000u, 0x00000002u, 0x0000000100000000ull },
	{ 0x00000000u, 0xffffffffu, 0x0000000000000000ull },
	{ 0x0000ffffu, 0x00010001u, 0x00000000ffffffffull },
};

static const struct { uint64_t a, b, p; } mul64_cases[] = {
	{ 0xffffffffffffffffull, 0xffffffffffffffffull, 0x0000000000000001ull },
	{ 0x123456789abcdef0ull, 0x0fedcba987654321ull, 0x2236d88fe5618cf0ull },
	{ 0xfffffffffffffffbull, 0x0000000000000007ull, 0xffffffffffffffddull },
	{ 0x0000000100000000ull, 0x0000000100000000ull, 0x0000000000000000ull },
	{ 0x8000000000000000ull, 0xffffffffffffffffull, 0x8000000000000000ull },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void check_divmod_known(void)
{
	for (size_t i = 0; i < N(u64_cases); i++) {
		vu64[0] = u64_cases[i].n;
		vu64[1] = u64_cases[i].d;
		uint64_t q = vu64[0] / vu64[1], r = vu64[0] % vu64[1];
		CHECK(q == u64_cases[i].q && r == u64_cases[i].r,
		      "u64 case %u: 0x%" PRIx64 " / 0x%" PRIx64 " gave q 0x%" PRIx64 " r 0x%" PRIx64,
		      (unsigned)i, u64_cases[i].n, u64_cases[i].d, q, r);
	}
	for (size_t i = 0; i < N(s64_cases); i++) {
		vs64[0] = s64_cases[i].n;
		vs64[1] = s64_cases[i].d;
		int64_t q = vs64[0] / vs64[1];
		CHECK(q == s64_cases[i].q, "s64 case %u: got %" PRId64, (unsigned)i, q);
	}
	for (size_t i = 0; i < N(u32_cases); i++) {
		vu32[0] = u32_cases[i].n;
		vu32[1] = u32_cases[i].d;
		uint32_t q = vu32[0] / vu32[1], r = vu32[0] % vu32[1];
		CHECK(q == u32_cases[i].q && r == u32_cases[i].r,
		      "u32 case %u: got q 0x%" PRIx32 " r 0x%" PRIx32, (unsigned)i, q, r);
	}
	for (size_t i = 0; i < N(s32_cases); i++) {
		vs32[0] = s32_cases[i].n;
		vs32[1] = s32_cases[i].d;
		int32_t q = vs32[0] / vs32[1];
		CHECK(q == s32_cases[i].q, "s32 case %u: got %" PRId32, (unsigned)i, q);
	}
}

static void check_mul_known(void)
{
	for (size_t i = 0; i < N(umul_cases); i++) {
		vu32[0] = umul_cases[i].a;
		vu32[1] = umul_cases[i].b;
		uint64_t p = (uint64_t)vu32[0] * vu32[1];
		CHECK(p == umul_cases[i].p, "32x32 case %u: got 0x%" PRIx64, (unsigned)i, p);
	}
	for (size_t i = 0; i < N(mul64_cases); i++) {
		vu64[0] = mul64_cases[i].a;
		vu64[1] = mul64_cases[i].b;
		uint64_t p = vu64[0] * vu64[1];
		CHECK(p == mul64_cases[i].p, "64x64 case %u: got 0x%" PRIx64, (unsigned)i, p);
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random operands of random widths: q*d + r == n with r < d, for every
 * width pairing, and signed results agree with the unsigned ones. */
static void check_divmod_sweep(void)
{
	for (int i = 0; i < 20000 && !why[0]; i++) {
		uint64_t n = rng() >> (rng() & 63);
		uint64_t d = rng() >> (rng() & 63);
		if (d == 0)
			d = 1;
		vu64[0] = n;
		vu64[1] = d;
		uint64_t q = vu64[0] / vu64[1], r = vu64[0] % vu64[1];
		CHECK(r < d && q * d + r == n,
		      "0x%" PRIx64 " / 0x%" PRIx64 ": q 0x%" PRIx64 " r 0x%" PRIx64, n, d, q, r);

		uint32_t n32 = (uint32_t)n, d32 = (uint32_t)d ? (uint32_t)d : 1;
		vu32[0] = n32;
		vu32[1] = d32;
		uint32_t q32 = vu32[0] / vu32[1], r32 = vu32[0] % vu32[1];
		CHECK(r32 < d32 && q32 * d32 + r32 == n32,
		      "0x%" PRIx32 " / 0x%" PRIx32 ": q 0x%" PRIx32 " r 0x%" PRIx32,
		      n32, d32, q32, r32);

		int64_t sn = (int64_t)(n >> 1) * ((i & 1) ? -1 : 1);
		int64_t sd = (int64_t)(d >> 1 | 1) * ((i & 2) ? -1 : 1);
		vs64[0] = sn;
		vs64[1] = sd;
		int64_t sq = vs64[0] / vs64[1], sr = vs64[0] % vs64[1];
		CHECK(sq * sd + sr == sn && (sr == 0 || (sr < 0) == (sn < 0)),
		      "%" PRId64 " / %" PRId64 ": q %" PRId64 " r %" PRId64, sn, sd, sq, sr);

		uint64_t wide = (uint64_t)n32 * d32; /* __umulsidi3 */
		CHECK(d32 == 0 || wide / d32 == n32,
		      "0x%" PRIx32 " * 0x%" PRIx32 " = 0x%" PRIx64, n32, d32, wide);
	}
}

static void check_printf(void)
{
	char b[96];

	snprintf(b, sizeof(b), "%d|%5d|%-5d|%05d|%+d|%x|%#x|%X|%o|%c|%s|%.2s|%%",
		 -42, 42, 42, -42, 7, 0xbeefu, 0x1fu, 0xabu, 8u, 'z', "str", "abc");
	CHECK(strcmp(b, "-42|   42|42   |-0042|+7|beef|0x1f|AB|10|z|str|ab|%") == 0,
	      "got \"%s\"", b);
	snprintf(b, sizeof(b), "%llu %lld %zu %u %" PRIu64, 18446744073709551615ull,
		 -9223372036854775807ll - 1, (size_t)4294967295u, 0u,
		 (uint64_t)1000000000000ull);
	CHECK(strcmp(b, "18446744073709551615 -9223372036854775808 4294967295 0 1000000000000") == 0,
	      "got \"%s\"", b);
	snprintf(b, sizeof(b), "%08" PRIx32 " %p %*d %.*d", (uint32_t)0x1234,
		 (void *)0x60000010, 4, 1, 3, 5);
	CHECK(strcmp(b, "00001234 0x60000010    1 005") == 0, "got \"%s\"", b);
	int n = snprintf(b, 5, "%s", "truncated");
	CHECK(n == 9 && strcmp(b, "trun") == 0, "truncation: n %d \"%s\"", n, b);
}

static void check_string(void)
{
	static unsigned char a[64], c[64];

	for (int i = 0; i < 64; i++)
		a[i] = (unsigned char)i;
	for (int off = 0; off < 4; off++) {
		for (int len = 0; len < 20; len++) {
			memset(c, 0xee, sizeof(c));
			memcpy(c + off, a + 1, (size_t)len);
			CHECK(memcmp(c + off, a + 1, (size_t)len) == 0 &&
			      c[off + len] == 0xee && (off == 0 || c[off - 1] == 0xee),
			      "memcpy off %d len %d", off, len);
			memset(c + off, 0x5a, (size_t)len);
			CHECK((len == 0 || (c[off] == 0x5a && c[off + len - 1] == 0x5a)) &&
			      c[off + len] == 0xee, "memset off %d len %d", off, len);
		}
	}
	memcpy(c, a, 64);
	memmove(c + 3, c, 40); /* overlapping, forward */
	CHECK(c[3] == 0 && c[42] == 39 && c[2] == 2, "memmove up");
	memcpy(c, a, 64);
	memmove(c, c + 5, 40); /* overlapping, backward */
	CHECK(c[0] == 5 && c[39] == 44 && c[40] == 40, "memmove down");
	CHECK(memcmp("abc", "abd", 3) < 0 && memcmp("b", "a", 1) > 0, "memcmp order");
	CHECK(strlen("") == 0 && strlen("hello") == 5, "strlen");
	CHECK(strcmp("a", "b") < 0 && strcmp("b", "a") > 0 && strcmp("x", "x") == 0, "strcmp");
	CHECK(strncmp("abcX", "abcY", 3) == 0 && strcasecmp("MoDeRaTe", "moderate") == 0,
	      "strncmp/strcasecmp");
	CHECK(strchr("a,b", ',') != NULL && strchr("ab", 'z') == NULL &&
	      strrchr("a/b/c", '/')[1] == 'c', "strchr/strrchr");
}

static void check_strtoul(void)
{
	char *end;

	CHECK(strtoul("0x1F rest", &end, 0) == 31 && *end == ' ', "hex");
	CHECK(strtoul("  4096", &end, 10) == 4096 && *end == '\0', "decimal");
	CHECK(strtoull("18446744073709551615", &end, 10) == 18446744073709551615ull,
	      "u64 max");
	errno = 0;
	CHECK(strtoul("99999999999", &end, 10) == ULONG_MAX && errno == ERANGE,
	      "overflow saturates");
	CHECK(strtol("-12", &end, 10) == -12, "negative");
	strtoul("x12", &end, 10);
	CHECK(*end == 'x', "no digits: end stays at the start");
}

static jmp_buf jb;
static volatile int jumped;

static void deep(int depth);
/* Called through a pointer: GCC would otherwise flag the recursion, not
 * knowing the longjmp ends it. */
static void (*volatile deep_ptr)(int) = deep;

__attribute__((noinline)) static void deep(int depth)
{
	if (depth == 0)
		longjmp(jb, 0); /* 0 must arrive as 1 */
	deep_ptr(depth - 1);
	jumped = -1;
}

static void check_setjmp(void)
{
	volatile int keep = 1234; /* lives across the longjmp */
	int r = setjmp(jb);

	if (r == 0) {
		deep_ptr(10);
		CHECK(0, "longjmp returned");
		return;
	}
	CHECK(r == 1 && keep == 1234 && jumped == 0, "r %d keep %d", r, keep);
}

int main(void)
{
	run("divmod_known_answers", check_divmod_known);
	run("mul_known_answers", check_mul_known);
	run("divmod_sweep", check_divmod_sweep);
	run("printf_formats", check_printf);
	run("string_functions", check_string);
	run("strtoul", check_strtoul);
	run("setjmp_longjmp", check_setjmp);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
