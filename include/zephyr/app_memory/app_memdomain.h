/*
 * heapsim's Zephyr drop-in: application memory partitions (Zephyr's
 * <zephyr/app_memory/app_memdomain.h>).
 *
 * K_APP_DMEM(part)/K_APP_BMEM(part) place a global in the ELF section
 * "heapsim_app_<part>"; K_APPMEM_PARTITION_DEFINE(part) is the partition
 * spanning that section, whose bounds the linker gives (__start_/__stop_).
 * Initialised and zero-initialised variables share the one section (Zephyr
 * keeps a data and a bss part), nothing is padded to MPU alignment, and the
 * partition's start and size are filled in before main() runs. A partition
 * with no variable is empty (size 0), which k_mem_domain_add_partition
 * refuses. Globals must not be const (a section cannot mix read-only data).
 */
#ifndef ZEPHYR_INCLUDE_APP_MEMORY_APP_MEMDOMAIN_H_
#define ZEPHYR_INCLUDE_APP_MEMORY_APP_MEMDOMAIN_H_

#include <zephyr/app_memory/mem_domain.h>

#ifdef __cplusplus
extern "C" {
#endif

#define K_APP_DMEM_SECTION(id) "heapsim_app_" #id
#define K_APP_BMEM_SECTION(id) "heapsim_app_" #id
#define K_APP_DMEM(id) __attribute__((__section__(K_APP_DMEM_SECTION(id)), __used__))
#define K_APP_BMEM(id) __attribute__((__section__(K_APP_BMEM_SECTION(id)), __used__))

void z_heapsim_app_partition_bounds(struct k_mem_partition *part, char *start, char *stop);

#define K_APPMEM_PARTITION_DEFINE(name)                                                    \
	extern char __start_heapsim_app_##name[] __attribute__((__weak__));                \
	extern char __stop_heapsim_app_##name[] __attribute__((__weak__));                 \
	struct k_mem_partition name = { .attr = K_MEM_PARTITION_P_RW_U_RW };               \
	__attribute__((__constructor__)) static void z_heapsim_app_part_##name(void)       \
	{                                                                                  \
		z_heapsim_app_partition_bounds(&name, __start_heapsim_app_##name,          \
					       __stop_heapsim_app_##name);                 \
	}                                                                                  \
	extern struct k_mem_partition name

#ifdef __cplusplus
}
#endif

#endif /* ZEPHYR_INCLUDE_APP_MEMORY_APP_MEMDOMAIN_H_ */
