/* Target stdio: console output only (port/xtensa/rt). No input, no files. */
#ifndef HEAPSIM_XRT_STDIO_H
#define HEAPSIM_XRT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct xrt_file {
	int fd;
} FILE;

extern FILE xrt_stdout, xrt_stderr;
#define stdout (&xrt_stdout)
#define stderr (&xrt_stderr)
#define EOF (-1)

static inline int xrt_file_fd(const FILE *f)
{
	return f ? f->fd : 2;
}

#define XRT_PRINTF(f, a) __attribute__((format(printf, f, a)))

int printf(const char *fmt, ...) XRT_PRINTF(1, 2);
int fprintf(FILE *stream, const char *fmt, ...) XRT_PRINTF(2, 3);
int snprintf(char *buf, size_t cap, const char *fmt, ...) XRT_PRINTF(3, 4);
int vprintf(const char *fmt, va_list ap) XRT_PRINTF(1, 0);
int vfprintf(FILE *stream, const char *fmt, va_list ap) XRT_PRINTF(2, 0);
int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) XRT_PRINTF(3, 0);

int putchar(int c);
int puts(const char *s);
int fputc(int c, FILE *stream);
int fputs(const char *s, FILE *stream);
size_t fwrite(const void *p, size_t size, size_t n, FILE *stream);
int fflush(FILE *stream);

#endif
