/* heapsim's Zephyr drop-in: struct sys_memory_stats (the port defines it). */
#ifndef ZEPHYR_INCLUDE_SYS_MEM_STATS_H_
#define ZEPHYR_INCLUDE_SYS_MEM_STATS_H_

#include "heap.h"

#endif /* ZEPHYR_INCLUDE_SYS_MEM_STATS_H_ */
