/*
 * Console and exit through QEMU semihosting (the `simcall` instruction, only
 * executed when QEMU runs with -semihosting): a2 = call, a3.. = arguments,
 * result in a2. Only ring 0 may execute it: while a user task runs
 * (xrt_user_mode), output and exit go through syscall instead.
 */
#include "xrt.h"
#include "xrt_user.h"

/* Readable by ring 1 on the MMU core (user partition), so shared code can
 * tell which way to reach the console. Only the kernel writes it. */
#ifdef XRT_MMU
__attribute__((section(".xrt.user.console")))
#endif
volatile bool xrt_user_mode;

#define SEMIHOST_EXIT 1
#define SEMIHOST_WRITE 4

static long simcall3(long call, long a, long b, long c)
{
	register long a2 __asm__("a2") = call;
	register long a3 __asm__("a3") = a;
	register long a4 __asm__("a4") = b;
	register long a5 __asm__("a5") = c;

	__asm__ volatile("simcall"
			 : "+r"(a2)
			 : "r"(a3), "r"(a4), "r"(a5)
			 : "memory");
	return a2;
}

long xrt_semihost_write(int fd, const void *buf, size_t len)
{
	return simcall3(SEMIHOST_WRITE, fd, (long)buf, (long)len);
}

void xrt_semihost_exit(int status)
{
	simcall3(SEMIHOST_EXIT, status, 0, 0);
	for (;;) /* QEMU has stopped; nothing runs past simcall exit */
		;
}

/* stdout is line-buffered: one host write per line keeps output readable
 * when a test hangs and is killed by its timeout. */
static char out_buf[256];
static size_t out_len;

void xrt_flush(void)
{
	size_t done = 0;

	while (done < out_len) {
		long n = xrt_semihost_write(1, out_buf + done, out_len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	out_len = 0;
}

void xrt_putc(int fd, char c)
{
	if (xrt_user_mode) {
		xrt_sys_write(fd, &c, 1);
		return;
	}
	if (fd != 1) {
		xrt_flush(); /* keep stdout and stderr in program order */
		xrt_semihost_write(fd, &c, 1);
		return;
	}
	out_buf[out_len++] = c;
	if (c == '\n' || out_len == sizeof(out_buf))
		xrt_flush();
}

void xrt_write(int fd, const char *s, size_t len)
{
	if (xrt_user_mode) {
		xrt_sys_write(fd, s, len);
		return;
	}
	if (fd != 1) {
		xrt_flush();
		while (len > 0) {
			long n = xrt_semihost_write(fd, s, len);
			if (n <= 0)
				return;
			s += n;
			len -= (size_t)n;
		}
		return;
	}
	while (len--)
		xrt_putc(fd, *s++);
}

void xrt_exit(int status)
{
	if (xrt_user_mode)
		xrt_sys_exit(status); /* ends the task, not the run */
	xrt_flush();
	xrt_semihost_exit(status);
}
