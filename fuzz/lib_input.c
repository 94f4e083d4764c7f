/* Reading fuzzer bytes, and the input's SHA-1 (libFuzzer's artifact name). */
#include <string.h>

#include "fuzz.h"

uint8_t fuzz_u8(struct fuzz_in *in)
{
	return in->pos < in->n ? in->p[in->pos++] : 0;
}

uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t lo = fuzz_u8(in);

	return (uint16_t)(lo | fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);

	return lo | (uint32_t)fuzz_u16(in) << 16;
}

size_t fuzz_bytes(struct fuzz_in *in, uint8_t *dst, size_t len)
{
	size_t left = in->pos < in->n ? in->n - in->pos : 0;

	if (len > left)
		len = left;
	memcpy(dst, in->p + in->pos, len);
	in->pos += len;
	return len;
}

/* Top 4 bits pick a power-of-two scale (up to 64 KiB), the rest a value
 * below it: small sizes are as likely as big ones, as in real mixes. */
size_t fuzz_size(struct fuzz_in *in, size_t max)
{
	uint16_t v = fuzz_u16(in);
	unsigned scale = v >> 12;
	size_t m = v & 0xfff;
	size_t s = scale < 12 ? m & ((1u << scale) - 1) : m << (scale - 11);

	return max ? s % (max + 1) : 0;
}

/* ---- SHA-1 (FIPS 180-4), small and byte-at-a-time: inputs are tiny ---- */

struct sha1 {
	uint32_t h[5];
	uint8_t block[64];
	size_t fill;
	uint64_t bits;
};

static uint32_t rol(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static void sha1_block(struct sha1 *s)
{
	uint32_t w[80], a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)s->block[4 * i] << 24 | (uint32_t)s->block[4 * i + 1] << 16 |
		       (uint32_t)s->block[4 * i + 2] << 8 | s->block[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d;
			k = 0xCA62C1D6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
}

static void sha1_byte(struct sha1 *s, uint8_t byte)
{
	s->block[s->fill++] = byte;
	if (s->fill == 64) {
		sha1_block(s);
		s->fill = 0;
	}
}

void fuzz_sha1_hex(const uint8_t *p, size_t n, char out[41])
{
	static const char hex[] = "0123456789abcdef";
	struct sha1 s = { { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 }, { 0 }, 0, 0 };

	for (size_t i = 0; i < n; i++)
		sha1_byte(&s, p[i]);
	s.bits = (uint64_t)n * 8;
	sha1_byte(&s, 0x80);
	while (s.fill != 56)
		sha1_byte(&s, 0);
	for (int i = 7; i >= 0; i--)
		sha1_byte(&s, (uint8_t)(s.bits >> (8 * i)));
	for (int i = 0; i < 20; i++) {
		uint8_t b = (uint8_t)(s.h[i / 4] >> (24 - 8 * (i % 4)));

		out[2 * i] = hex[b >> 4];
		out[2 * i + 1] = hex[b & 15];
	}
	out[40] = '\0';
}
