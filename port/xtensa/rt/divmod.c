/*
 * Integer helpers GCC calls on Xtensa cores without a divider (and that
 * Debian's lx106 libgcc.a lacks): 32- and 64-bit division and remainder,
 * 32x32->64 and 64x64 multiplication.
 *
 * No `/`, `%` or 64-bit `*` in this file: GCC would compile them into calls
 * to these very functions. Division is restoring shift-subtract (one quotient
 * bit per step, after aligning the divisor's top bit with the dividend's);
 * multiplication works on 16-bit pieces, whose products fit 32 bits.
 *
 * The same source is compiled for the host (XRT_HOST_TEST renames every
 * helper) and compared with the host's C operators (port/xtensa/host).
 */
#include <stdint.h>

#ifdef XRT_HOST_TEST
#define HELPER(name) xrt_host_##name
void xrt_host_divide_by_zero(void);
#define DIVIDE_BY_ZERO() xrt_host_divide_by_zero()
#else
#define HELPER(name) name
void xrt_divide_by_zero(void); /* reports and ends the run (exception.c) */
#define DIVIDE_BY_ZERO() xrt_divide_by_zero()
#endif

uint32_t HELPER(__udivsi3)(uint32_t n, uint32_t d);
uint32_t HELPER(__umodsi3)(uint32_t n, uint32_t d);
int32_t HELPER(__divsi3)(int32_t n, int32_t d);
uint64_t HELPER(__umulsidi3)(uint32_t a, uint32_t b);
int64_t HELPER(__muldi3)(int64_t a, int64_t b);
uint64_t HELPER(__udivdi3)(uint64_t n, uint64_t d);
uint64_t HELPER(__umoddi3)(uint64_t n, uint64_t d);
int64_t HELPER(__divdi3)(int64_t n, int64_t d);

static int clz32(uint32_t x)
{
	int n = 0;

	if (x == 0)
		return 32;
	while (!(x & 0x80000000u)) {
		x <<= 1;
		n++;
	}
	return n;
}

static int clz64(uint64_t x)
{
	uint32_t hi = (uint32_t)(x >> 32);

	return hi ? clz32(hi) : 32 + clz32((uint32_t)x);
}

static uint32_t udivmod32(uint32_t n, uint32_t d, uint32_t *rem)
{
	uint32_t q = 0;

	if (d == 0) {
		DIVIDE_BY_ZERO();
		*rem = n;
		return 0;
	}
	if (d > n) {
		*rem = n;
		return 0;
	}
	int shift = clz32(d) - clz32(n);
	d <<= shift;
	for (int i = 0; i <= shift; i++) {
		q <<= 1;
		if (n >= d) {
			n -= d;
			q |= 1;
		}
		d >>= 1;
	}
	*rem = n;
	return q;
}

static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0;

	if ((n >> 32) == 0 && (d >> 32) == 0) { /* the common case: 32-bit */
		uint32_t r;
		q = udivmod32((uint32_t)n, (uint32_t)d, &r);
		*rem = r;
		return q;
	}
	if (d > n) {
		*rem = n;
		return 0;
	}
	if (d == 0) {
		DIVIDE_BY_ZERO();
		*rem = n;
		return 0;
	}
	int shift = clz64(d) - clz64(n);
	d <<= shift;
	for (int i = 0; i <= shift; i++) {
		q <<= 1;
		if (n >= d) {
			n -= d;
			q |= 1;
		}
		d >>= 1;
	}
	*rem = n;
	return q;
}

uint32_t HELPER(__udivsi3)(uint32_t n, uint32_t d)
{
	uint32_t r;
	return udivmod32(n, d, &r);
}

uint32_t HELPER(__umodsi3)(uint32_t n, uint32_t d)
{
	uint32_t r;
	udivmod32(n, d, &r);
	return r;
}

/* Signed division truncates toward zero: divide magnitudes, then the
 * quotient is negative when exactly one operand is. */
int32_t HELPER(__divsi3)(int32_t n, int32_t d)
{
	uint32_t un = n < 0 ? 0u - (uint32_t)n : (uint32_t)n;
	uint32_t ud = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
	uint32_t r, q = udivmod32(un, ud, &r);

	return (int32_t)((n < 0) != (d < 0) ? 0u - q : q);
}

uint64_t HELPER(__udivdi3)(uint64_t n, uint64_t d)
{
	uint64_t r;
	return udivmod64(n, d, &r);
}

uint64_t HELPER(__umoddi3)(uint64_t n, uint64_t d)
{
	uint64_t r;
	udivmod64(n, d, &r);
	return r;
}

int64_t HELPER(__divdi3)(int64_t n, int64_t d)
{
	uint64_t un = n < 0 ? 0ull - (uint64_t)n : (uint64_t)n;
	uint64_t ud = d < 0 ? 0ull - (uint64_t)d : (uint64_t)d;
	uint64_t r, q = udivmod64(un, ud, &r);

	return (int64_t)((n < 0) != (d < 0) ? 0ull - q : q);
}

uint64_t HELPER(__umulsidi3)(uint32_t a, uint32_t b)
{
	uint32_t al = a & 0xffff, ah = a >> 16;
	uint32_t bl = b & 0xffff, bh = b >> 16;
	uint64_t lo = al * bl;                             /* < 2^32 */
	uint64_t mid = (uint64_t)(al * bh) + (ah * bl);    /* < 2^33 */
	uint64_t hi = ah * bh;

	return lo + (mid << 16) + (hi << 32);
}

/* Low 64 bits of the product: the a_hi*b_hi term only affects bits >= 64. */
int64_t HELPER(__muldi3)(int64_t a, int64_t b)
{
	uint32_t al = (uint32_t)a, ah = (uint32_t)((uint64_t)a >> 32);
	uint32_t bl = (uint32_t)b, bh = (uint32_t)((uint64_t)b >> 32);
	uint64_t p = HELPER(__umulsidi3)(al, bl);
	uint32_t cross = al * bh + ah * bl; /* mod 2^32 is all that survives */

	return (int64_t)(p + ((uint64_t)cross << 32));
}
