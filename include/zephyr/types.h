/* heapsim's Zephyr drop-in: Zephyr's basic types. */
#ifndef ZEPHYR_INCLUDE_TYPES_H_
#define ZEPHYR_INCLUDE_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef unsigned int uint_t;
typedef int int_t;

#endif /* ZEPHYR_INCLUDE_TYPES_H_ */
