# 32-bit host builds (the m32 preset: gcc -m32). Where this machine cannot
# execute i386 programs and scripts/setup could not register qemu-i386-static
# with binfmt_misc, ctest runs the test programs under qemu-i386-static.
# Included before any target exists: the emulator is a target default.
# Emulated, programs run several times slower: HEAPSIM_TEST_TIMEOUT_SCALE
# multiplies the time limits heapsim_cmocka_test gives.
include_guard(GLOBAL)
if(CMAKE_SIZEOF_VOID_P EQUAL 4 AND NOT CMAKE_CROSSCOMPILING)
  # 64-bit file offsets and inode numbers: without them readdir() and stat()
  # fail with EOVERFLOW on file systems with large inode numbers.
  add_compile_definitions(_FILE_OFFSET_BITS=64)
endif()
if(CMAKE_SIZEOF_VOID_P EQUAL 4 AND NOT CMAKE_CROSSCOMPILING AND NOT CMAKE_CROSSCOMPILING_EMULATOR)
  set(_probe ${CMAKE_BINARY_DIR}/CMakeFiles/heapsim-runs-i386.c)
  file(WRITE ${_probe} "int main(void) { return 0; }\n")
  try_run(_runs _compiles ${CMAKE_BINARY_DIR}/CMakeFiles/heapsim-runs-i386 ${_probe})
  if(NOT _compiles)
    message(FATAL_ERROR "a 32-bit program does not build: install gcc-multilib (bash scripts/setup)")
  endif()
  if(NOT _runs STREQUAL "0")
    find_program(HEAPSIM_QEMU_I386 qemu-i386-static)
    if(NOT HEAPSIM_QEMU_I386)
      message(FATAL_ERROR "this machine cannot run i386 programs and qemu-i386-static is missing: "
                          "run `bash scripts/setup`")
    endif()
    message(STATUS "i386 programs run under ${HEAPSIM_QEMU_I386}")
    set(CMAKE_CROSSCOMPILING_EMULATOR ${HEAPSIM_QEMU_I386})
  endif()
endif()
if(CMAKE_SIZEOF_VOID_P EQUAL 4 AND (CMAKE_CROSSCOMPILING_EMULATOR OR EXISTS /proc/sys/fs/binfmt_misc/qemu-i386))
  set(HEAPSIM_TEST_TIMEOUT_SCALE 4)
  message(STATUS "i386 programs are emulated: test time limits x${HEAPSIM_TEST_TIMEOUT_SCALE}")
endif()
