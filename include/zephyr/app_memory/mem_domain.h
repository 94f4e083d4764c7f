/*
 * heapsim's Zephyr drop-in: memory partitions and memory domains (Zephyr's
 * <zephyr/app_memory/mem_domain.h>).
 *
 * A user thread may touch only its domain's partitions (with the partition's
 * user rights), its own stack and the program's read-only code and data. The
 * host has no MPU: the rights are enforced in software where a user thread
 * hands memory to the kernel — the syscall verification macros of
 * <zephyr/internal/syscall_handler.h> and k_usermode_*_copy — and wherever
 * code asks with HEAPSIM_USER_ACCESS().
 */
#ifndef ZEPHYR_INCLUDE_APP_MEMORY_MEM_DOMAIN_H_
#define ZEPHYR_INCLUDE_APP_MEMORY_MEM_DOMAIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rights as bits: supervisor read/write/execute, user read/write/execute. */
typedef uint32_t k_mem_partition_attr_t;

#define Z_HEAPSIM_P_R 0x01u
#define Z_HEAPSIM_P_W 0x02u
#define Z_HEAPSIM_P_X 0x04u
#define Z_HEAPSIM_U_R 0x08u
#define Z_HEAPSIM_U_W 0x10u
#define Z_HEAPSIM_U_X 0x20u

#define K_MEM_PARTITION_P_NA_U_NA 0u
#define K_MEM_PARTITION_P_RW_U_RW (Z_HEAPSIM_P_R | Z_HEAPSIM_P_W | Z_HEAPSIM_U_R | Z_HEAPSIM_U_W)
#define K_MEM_PARTITION_P_RW_U_RO (Z_HEAPSIM_P_R | Z_HEAPSIM_P_W | Z_HEAPSIM_U_R)
#define K_MEM_PARTITION_P_RW_U_NA (Z_HEAPSIM_P_R | Z_HEAPSIM_P_W)
#define K_MEM_PARTITION_P_RO_U_RO (Z_HEAPSIM_P_R | Z_HEAPSIM_U_R)
#define K_MEM_PARTITION_P_RO_U_NA Z_HEAPSIM_P_R
#define K_MEM_PARTITION_P_RX_U_RX (Z_HEAPSIM_P_R | Z_HEAPSIM_P_X | Z_HEAPSIM_U_R | Z_HEAPSIM_U_X)
#define K_MEM_PARTITION_P_RX_U_NA (Z_HEAPSIM_P_R | Z_HEAPSIM_P_X)
#define K_MEM_PARTITION_P_RWX_U_RWX (K_MEM_PARTITION_P_RW_U_RW | Z_HEAPSIM_P_X | Z_HEAPSIM_U_X)
#define K_MEM_PARTITION_P_RWX_U_NA (K_MEM_PARTITION_P_RW_U_NA | Z_HEAPSIM_P_X)

#define K_MEM_PARTITION_IS_WRITABLE(attr) (((attr) & (Z_HEAPSIM_P_W | Z_HEAPSIM_U_W)) != 0u)
#define K_MEM_PARTITION_IS_EXECUTABLE(attr) (((attr) & (Z_HEAPSIM_P_X | Z_HEAPSIM_U_X)) != 0u)

struct k_thread;

struct k_mem_partition {
	uintptr_t start;
	size_t size;
	k_mem_partition_attr_t attr;
};

/* Any address and size will do on a host (no MPU alignment rules). */
#define K_MEM_PARTITION_DEFINE(name, start, size, attr)                                    \
	struct k_mem_partition name = { (uintptr_t)(start), (size), (attr) }

/* Partitions per domain. The kernel is built with Zephyr's default. */
#ifndef CONFIG_MAX_DOMAIN_PARTITIONS
#define CONFIG_MAX_DOMAIN_PARTITIONS 16
#endif
#if CONFIG_MAX_DOMAIN_PARTITIONS != 16
#error "heapsim's kernel is built with CONFIG_MAX_DOMAIN_PARTITIONS 16"
#endif

struct k_mem_domain {
	struct k_mem_partition partitions[CONFIG_MAX_DOMAIN_PARTITIONS]; /* size 0: free slot */
	uint8_t num_partitions;
};

/* The domain of the main thread; new threads inherit their creator's. */
extern struct k_mem_domain k_mem_domain_default;

/* Zephyr's checks and return values: NULL domain, NULL parts with
 * num_parts > 0, more than CONFIG_MAX_DOMAIN_PARTITIONS, a NULL, empty,
 * wrapping, overlapping or writable-and-executable partition → -EINVAL
 * (init stops at the first bad partition); no free slot → -ENOSPC; removing
 * a partition not in the domain → -ENOENT. 0 on success. */
int k_mem_domain_init(struct k_mem_domain *domain, uint8_t num_parts,
		      struct k_mem_partition *parts[]);
int k_mem_domain_add_partition(struct k_mem_domain *domain, struct k_mem_partition *part);
int k_mem_domain_remove_partition(struct k_mem_domain *domain, struct k_mem_partition *part);
/* Moves a thread into a domain (out of its previous one). A NULL domain or
 * thread is a fatal error (a fault on Zephyr). */
int k_mem_domain_add_thread(struct k_mem_domain *domain, struct k_thread *thread);

/* The partitions a domain can hold (Zephyr's arch hook). */
int arch_mem_domain_max_partitions_get(void);

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_APP_MEMORY_MEM_DOMAIN_H_ */
