/* Target stdlib subset (port/xtensa/rt/stdlib.c). No malloc: tests use
 * static buffers and the heap under test. */
#ifndef HEAPSIM_XRT_STDLIB_H
#define HEAPSIM_XRT_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

__attribute__((noreturn)) void abort(void);
__attribute__((noreturn)) void exit(int status);
int abs(int v);
long labs(long v);
long long llabs(long long v);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));

#endif
