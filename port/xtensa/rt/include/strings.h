#ifndef HEAPSIM_XRT_STRINGS_H
#define HEAPSIM_XRT_STRINGS_H
#include <string.h>
#endif
