/* stdlib subset for the target: exit/abort, integer parsing, qsort. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xrt.h"

int errno;

FILE xrt_stdout = { 1 };
FILE xrt_stderr = { 2 };

void exit(int status)
{
	xrt_exit(status);
}

void abort(void)
{
	xrt_write(2, "abort\n", 6);
	xrt_exit(XRT_EXIT_ABORT);
}

void xrt_assert_fail(const char *expr, const char *file, int line,
		     const char *func)
{
	fprintf(stderr, "%s:%d: %s: Assertion `%s' failed.\n", file, line,
		func, expr);
	abort();
}

int abs(int v) { return v < 0 ? -v : v; }
long labs(long v) { return v < 0 ? -v : v; }
long long llabs(long long v) { return v < 0 ? -v : v; }

static int digit_value(int c)
{
	if (isdigit(c))
		return c - '0';
	if (isalpha(c))
		return tolower(c) - 'a' + 10;
	return 99;
}

/*
 * The common core of the strto* family: magnitude (saturated at `limit`,
 * errno ERANGE) and sign. *end points after the last digit used, or at s
 * when there is no number.
 */
static unsigned long long parse_mag(const char *s, char **end, int base,
				    unsigned long long limit, bool *neg)
{
	const char *p = s;
	unsigned long long v = 0;
	bool any = false, over = false;

	while (isspace((unsigned char)*p))
		p++;
	*neg = false;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (;; p++) {
		int d = digit_value((unsigned char)*p);
		if (d >= base)
			break;
		any = true;
		if (v > (limit - (unsigned)d) / (unsigned)base)
			over = true;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (over) {
		errno = ERANGE;
		return limit;
	}
	return v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	bool neg;
	unsigned long long v = parse_mag(s, end, base, ULLONG_MAX, &neg);
	return neg ? 0ULL - v : v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	bool neg;
	unsigned long v = (unsigned long)parse_mag(s, end, base, ULONG_MAX, &neg);
	return neg ? 0UL - v : v;
}

long long strtoll(const char *s, char **end, int base)
{
	bool neg;
	unsigned long long v = parse_mag(s, end, base, (unsigned long long)LLONG_MAX + 1, &neg);

	if (!neg && v > (unsigned long long)LLONG_MAX) {
		errno = ERANGE;
		return LLONG_MAX;
	}
	return neg ? (long long)(0ULL - v) : (long long)v;
}

long strtol(const char *s, char **end, int base)
{
	bool neg;
	unsigned long long v = parse_mag(s, end, base, (unsigned long long)LONG_MAX + 1, &neg);

	if (!neg && v > (unsigned long long)LONG_MAX) {
		errno = ERANGE;
		return LONG_MAX;
	}
	return neg ? (long)(0UL - (unsigned long)v) : (long)v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

/* Insertion sort: the target sorts only short tables. */
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;

	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0; j--) {
			unsigned char *x = b + (j - 1) * size, *y = b + j * size;
			if (cmp(x, y) <= 0)
				break;
			for (size_t k = 0; k < size; k++) {
				unsigned char t = x[k];
				x[k] = y[k];
				y[k] = t;
			}
		}
	}
}

int fputc(int c, FILE *stream)
{
	xrt_putc(xrt_file_fd(stream), (char)c);
	return (unsigned char)c;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fputs(const char *s, FILE *stream)
{
	xrt_write(xrt_file_fd(stream), s, strlen(s));
	return 0;
}

int puts(const char *s)
{
	fputs(s, stdout);
	return fputc('\n', stdout) == EOF ? EOF : 0;
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *stream)
{
	xrt_write(xrt_file_fd(stream), p, size * n);
	return n;
}

int fflush(FILE *stream)
{
	(void)stream;
	xrt_flush();
	return 0;
}
