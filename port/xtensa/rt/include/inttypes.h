/* Target inttypes: printf macros for xtensa-lx106-elf's stdint types
 * (int32_t and intptr_t are `int`, int64_t `long long`). */
#ifndef HEAPSIM_XRT_INTTYPES_H
#define HEAPSIM_XRT_INTTYPES_H

#include <stdint.h>

#define PRId8 "d"
#define PRIu8 "u"
#define PRIx8 "x"
#define PRId16 "d"
#define PRIu16 "u"
#define PRIx16 "x"
#define PRId32 "d"
#define PRIi32 "i"
#define PRIu32 "u"
#define PRIx32 "x"
#define PRIX32 "X"
#define PRId64 "lld"
#define PRIi64 "lli"
#define PRIu64 "llu"
#define PRIx64 "llx"
#define PRIX64 "llX"
#define PRIdPTR "d"
#define PRIuPTR "u"
#define PRIxPTR "x"
#define PRIdMAX "lld"
#define PRIuMAX "llu"
#define PRIxMAX "llx"
#define SCNu32 "u"

#endif
