/* Zephyr user-mode code (a domain, a user thread, a verified syscall), built
 * against an installed heapsim with heapsim::zephyr only. */
#include <stdio.h>

#include <zephyr/kernel.h>
#include <zephyr/app_memory/app_memdomain.h>
#include <zephyr/internal/syscall_handler.h>

K_APPMEM_PARTITION_DEFINE(part);
K_APP_BMEM(part) char shared[32];
K_APP_DMEM(part) int result = -1;
static char kernel_only[32];

K_THREAD_STACK_DEFINE(stack, 1024);
static struct k_thread thread;
static struct k_mem_domain domain;
static unsigned int oopses;

void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	(void)esf;
	oopses += reason == K_ERR_KERNEL_OOPS;
}

int z_impl_fill(char *buf, size_t len)
{
	memset(buf, 'x', len);
	return 0;
}

static inline int z_vrfy_fill(char *buf, size_t len)
{
	K_OOPS(K_SYSCALL_MEMORY_WRITE(buf, len));
	return z_impl_fill(buf, len);
}

static inline int fill(char *buf, size_t len)
{
	return HEAPSIM_SYSCALL(fill, buf, len);
}

static void user_entry(void *p1, void *p2, void *p3)
{
	(void)p2;
	(void)p3;
	result = fill(p1, 8); /* kernel_only: the thread ends here */
}

int main(void)
{
	struct k_mem_partition *parts[] = { &part };

	if (k_mem_domain_init(&domain, 1, parts) != 0)
		return 1;
	for (int i = 0; i < 2; i++) {
		k_thread_create(&thread, stack, K_THREAD_STACK_SIZEOF(stack), user_entry,
				i ? kernel_only : shared, NULL, NULL, K_PRIO_PREEMPT(1), K_USER,
				K_FOREVER);
		k_mem_domain_add_thread(&domain, &thread);
		k_thread_start(&thread);
		if (k_thread_join(&thread, K_FOREVER) != 0)
			return 1;
		if (i == 0 && (result != 0 || shared[7] != 'x'))
			return 1;
	}
	if (oopses != 1 || kernel_only[0] != 0) {
		printf("FAIL\n");
		return 1;
	}
	printf("user mode ok\n");
	return 0;
}
