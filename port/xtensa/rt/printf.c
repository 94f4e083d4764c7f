/*
 * Formatted output for the target: the subset of C99 printf the project's
 * code uses — flags "-0+ #", width and precision (numbers or *), length
 * hh h l ll z j t, conversions d i u o x X c s p %. No floating point: a
 * %f/%e/%g prints "<float?>" so a missing feature is visible, not silent.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xrt.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;     /* snprintf: destination */
	size_t cap;    /* snprintf: bytes available, including the NUL */
	size_t len;    /* characters produced so far */
	int fd;        /* console sink: pending bytes, written in pieces */
	char pend[64];
	size_t npend;
};

static void put_mem(struct sink *s, char c)
{
	if (s->len + 1 < s->cap)
		s->buf[s->len] = c;
	s->len++;
}

static void put_console(struct sink *s, char c)
{
	s->pend[s->npend++] = c;
	if (s->npend == sizeof(s->pend)) {
		xrt_write(s->fd, s->pend, s->npend);
		s->npend = 0;
	}
	s->len++;
}

static void put_n(struct sink *s, char c, int n)
{
	while (n-- > 0)
		s->put(s, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none */
};

/* Digits of v in `base`, least significant first, into tmp; returns count. */
static int utoa_rev(char *tmp, unsigned long long v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	return n;
}

static void emit_number(struct sink *s, const struct spec *sp,
			unsigned long long v, bool neg, unsigned base,
			bool upper)
{
	char tmp[24];
	int n = (v == 0 && sp->prec == 0) ? 0 : utoa_rev(tmp, v, base, upper);
	const char *prefix = "";
	int zeros = sp->prec > n ? sp->prec - n : 0;

	if (neg)
		prefix = "-";
	else if (sp->plus && base == 10)
		prefix = "+";
	else if (sp->space && base == 10)
		prefix = " ";
	else if (sp->alt && base == 16 && v != 0)
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && zeros == 0)
		prefix = "0";

	int plen = (int)strlen(prefix);
	int pad = sp->width - plen - zeros - n;
	if (pad < 0)
		pad = 0;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		put_n(s, ' ', pad);
	while (*prefix)
		s->put(s, *prefix++);
	put_n(s, '0', zeros);
	while (n > 0)
		s->put(s, tmp[--n]);
	if (sp->left)
		put_n(s, ' ', pad);
}

static void emit_str(struct sink *s, const struct spec *sp, const char *str)
{
	if (str == NULL)
		str = "(null)";
	int n = (int)(sp->prec >= 0 ? strnlen(str, (size_t)sp->prec) : strlen(str));
	int pad = sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		put_n(s, ' ', pad);
	for (int i = 0; i < n; i++)
		s->put(s, str[i]);
	if (sp->left)
		put_n(s, ' ', pad);
}

enum len_mod { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_J, L_T };

static unsigned long long arg_unsigned(va_list *ap, enum len_mod lm)
{
	switch (lm) {
	case L_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case L_H: return (unsigned short)va_arg(*ap, unsigned int);
	case L_L: return va_arg(*ap, unsigned long);
	case L_LL: return va_arg(*ap, unsigned long long);
	case L_Z: return va_arg(*ap, size_t);
	case L_J: return va_arg(*ap, uintmax_t);
	case L_T: return (unsigned long long)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static long long arg_signed(va_list *ap, enum len_mod lm)
{
	switch (lm) {
	case L_HH: return (signed char)va_arg(*ap, int);
	case L_H: return (short)va_arg(*ap, int);
	case L_L: return va_arg(*ap, long);
	case L_LL: return va_arg(*ap, long long);
	case L_Z: return (long long)va_arg(*ap, size_t);
	case L_J: return va_arg(*ap, intmax_t);
	case L_T: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '0') sp->zero = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else if (*f == '#') sp->alt = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	return f;
}

static const char *parse_len(const char *f, enum len_mod *lm)
{
	*lm = L_NONE;
	switch (*f) {
	case 'h':
		*lm = f[1] == 'h' ? L_HH : L_H;
		return f + (f[1] == 'h' ? 2 : 1);
	case 'l':
		*lm = f[1] == 'l' ? L_LL : L_L;
		return f + (f[1] == 'l' ? 2 : 1);
	case 'z': *lm = L_Z; return f + 1;
	case 'j': *lm = L_J; return f + 1;
	case 't': *lm = L_T; return f + 1;
	default: return f;
	}
}

static void format(struct sink *s, const char *f, va_list ap_in)
{
	va_list ap;

	va_copy(ap, ap_in);
	while (*f) {
		if (*f != '%') {
			s->put(s, *f++);
			continue;
		}
		struct spec sp;
		enum len_mod lm;
		f = parse_spec(f + 1, &sp, &ap);
		f = parse_len(f, &lm);
		char conv = *f ? *f++ : '\0';

		switch (conv) {
		case 'd':
		case 'i': {
			long long v = arg_signed(&ap, lm);
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
						       : (unsigned long long)v;
			emit_number(s, &sp, mag, v < 0, 10, false);
			break;
		}
		case 'u': emit_number(s, &sp, arg_unsigned(&ap, lm), false, 10, false); break;
		case 'o': emit_number(s, &sp, arg_unsigned(&ap, lm), false, 8, false); break;
		case 'x': emit_number(s, &sp, arg_unsigned(&ap, lm), false, 16, false); break;
		case 'X': emit_number(s, &sp, arg_unsigned(&ap, lm), false, 16, true); break;
		case 'p':
			sp.alt = true;
			emit_number(s, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			char str[2] = { c, '\0' };
			sp.prec = 1;
			if (c == '\0') { /* %c of NUL writes a NUL byte */
				put_n(s, ' ', sp.left ? 0 : sp.width - 1);
				s->put(s, '\0');
				put_n(s, ' ', sp.left ? sp.width - 1 : 0);
			} else {
				emit_str(s, &sp, str);
			}
			break;
		}
		case 's': emit_str(s, &sp, va_arg(ap, const char *)); break;
		case '%': s->put(s, '%'); break;
		case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
			(void)va_arg(ap, double);
			emit_str(s, &(struct spec){ .prec = -1 }, "<float?>");
			break;
		case '\0':
			va_end(ap);
			return;
		default: /* unknown conversion: show it rather than guess */
			s->put(s, '%');
			s->put(s, conv);
			break;
		}
	}
	va_end(ap);
}

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_mem, .buf = buf, .cap = cap };

	format(&s, fmt, ap);
	if (cap > 0)
		buf[s.len < cap ? s.len : cap - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

int vfprintf(FILE *stream, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_console, .fd = xrt_file_fd(stream) };

	format(&s, fmt, ap);
	xrt_write(s.fd, s.pend, s.npend);
	return (int)s.len;
}

int fprintf(FILE *stream, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(stream, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}
