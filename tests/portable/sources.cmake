# The portable checks, for both runners (host CMocka: tests/CMakeLists.txt;
# Xtensa on-target runner: port/xtensa). Paths relative to this directory.
set(HEAPSIM_PORTABLE_DIR ${CMAKE_CURRENT_LIST_DIR})
# The allocator adapters (allocator.h) alone: the benches measure them too.
set(HEAPSIM_ALLOCATOR_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/alloc_sys_heap.c
  ${CMAKE_CURRENT_LIST_DIR}/oob_allocator.c)
set(HEAPSIM_PORTABLE_SOURCES
  ${HEAPSIM_ALLOCATOR_SOURCES}
  ${CMAKE_CURRENT_LIST_DIR}/pt_heap.c
  ${CMAKE_CURRENT_LIST_DIR}/allocators.c
  ${CMAKE_CURRENT_LIST_DIR}/ptest_suites.c
  ${CMAKE_CURRENT_LIST_DIR}/check_init.c
  ${CMAKE_CURRENT_LIST_DIR}/check_place.c
  ${CMAKE_CURRENT_LIST_DIR}/check_merge.c
  ${CMAKE_CURRENT_LIST_DIR}/check_bucket.c
  ${CMAKE_CURRENT_LIST_DIR}/check_aligned.c
  ${CMAKE_CURRENT_LIST_DIR}/check_realloc.c
  ${CMAKE_CURRENT_LIST_DIR}/check_stats.c
  ${CMAKE_CURRENT_LIST_DIR}/check_validate.c
  ${CMAKE_CURRENT_LIST_DIR}/check_strict.c
  ${CMAKE_CURRENT_LIST_DIR}/check_hardening.c
  ${CMAKE_CURRENT_LIST_DIR}/check_stress.c
  ${CMAKE_CURRENT_LIST_DIR}/check_generic.c
  ${CMAKE_CURRENT_LIST_DIR}/check_view.c
  ${CMAKE_CURRENT_LIST_DIR}/check_oob.c)
# Suite names, one ctest each on the host (keep in step with ptest_suites.h).
set(HEAPSIM_PORTABLE_SUITES heap_init heap_place heap_merge heap_bucket heap_aligned
  heap_realloc heap_stats heap_validate heap_strict heap_hardening heap_stress heap_view alloc_generic oob_heap)
