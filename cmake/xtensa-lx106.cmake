# Cross toolchain for the bare-metal Xtensa build (xtensa preset): Debian's
# gcc-xtensa-lx106 (GCC 12, call0 ABI, little-endian). The code it emits runs
# unchanged on QEMU's lx106 and dc233c cores; port/xtensa picks the core.
#
# Kept try_compile-safe: compiler checks link a static library instead of an
# executable (there is no crt0/libc to link a test program against).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR xtensa)

set(_xt_prefix xtensa-lx106-elf-)
find_program(XTENSA_GCC ${_xt_prefix}gcc)
if(NOT XTENSA_GCC)
  message(FATAL_ERROR
    "xtensa-lx106-elf-gcc not found: install gcc-xtensa-lx106 and "
    "binutils-xtensa-lx106 (scripts/setup does).")
endif()
set(CMAKE_C_COMPILER ${XTENSA_GCC})
set(CMAKE_ASM_COMPILER ${XTENSA_GCC})
find_program(CMAKE_OBJCOPY ${_xt_prefix}objcopy)
find_program(CMAKE_OBJDUMP ${_xt_prefix}objdump)
find_program(CMAKE_NM ${_xt_prefix}nm)
find_program(CMAKE_SIZE_TOOL ${_xt_prefix}size)

set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -mlongcalls: call0 reaches only ±512 KiB; the assembler makes far calls
#  indirect (embedded trace tables can push code apart).
# -mtext-section-literals: literals next to their code, not in a separate
#  .literal section the linker script would have to place before .text.
# -fno-builtin: the runtime's own mem*/str* are the ones we test and use.
set(_xt_flags "-ffreestanding -fno-builtin -mlongcalls -mtext-section-literals -ffunction-sections -fdata-sections")
# The runtime's freestanding libc headers act as the target's sysroot, so
# heap/ and the portable checks compile unchanged (<string.h>, <setjmp.h>…).
get_filename_component(_xt_libc "${CMAKE_CURRENT_LIST_DIR}/../port/xtensa/rt/include" ABSOLUTE)
string(APPEND _xt_flags " -isystem ${_xt_libc}")
set(CMAKE_C_FLAGS_INIT "${_xt_flags}")
set(CMAKE_ASM_FLAGS_INIT "${_xt_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -nostartfiles -Wl,--gc-sections")
# Release keeps asserts (the host presets run with them too) and debug info.
set(CMAKE_C_FLAGS_RELEASE "-O2 -g" CACHE STRING "C flags for Release (xtensa: asserts on)")
set(CMAKE_ASM_FLAGS_RELEASE "-g" CACHE STRING "ASM flags for Release")
# libgcc is linked by port/xtensa after the runtime (it needs our division helpers).

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
