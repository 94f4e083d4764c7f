/* The user side of the syscall ABI (xrt_user.h); works from any ring. */
#include <stdarg.h>
#include <stdio.h>

#include "xrt_user.h"

static long syscall3(long nr, long a, long b, long c)
{
	register long a2 __asm__("a2") = nr;
	register long a3 __asm__("a3") = a;
	register long a4 __asm__("a4") = b;
	register long a5 __asm__("a5") = c;

	__asm__ volatile("syscall"
			 : "+r"(a2)
			 : "r"(a3), "r"(a4), "r"(a5)
			 : "memory");
	return a2;
}

long xrt_sys_write(int fd, const void *buf, size_t len)
{
	return syscall3(XRT_SYS_WRITE, fd, (long)buf, (long)len);
}

void xrt_sys_exit(int status)
{
	syscall3(XRT_SYS_EXIT, status, 0, 0);
	__builtin_unreachable(); /* the kernel never resumes an exited task */
}

int xrt_uprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	return (int)xrt_sys_write(1, buf, (size_t)n);
}
