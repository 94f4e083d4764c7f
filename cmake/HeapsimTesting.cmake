# Test helpers for the directories that build CMocka tests (tests/, sim/, sched/, port/xtensa/host/).
#   include(${PROJECT_SOURCE_DIR}/cmake/HeapsimTesting.cmake)
#   heapsim_cmocka_test(NAME test_foo SOURCES a.c b.c LIBS heap LABELS unit
#                       [ENVIRONMENT "K=V;..."] [TIMEOUT seconds] [ARGS ...])
# builds the executable, registers it with ctest and sets its labels. CMocka
# keeps its default stdout report: the acceptance checks count its
# "[  PASSED  ] N test(s)" lines, so never switch it to XML here.
include_guard(GLOBAL)

find_path(CMOCKA_INCLUDE_DIR cmocka.h)
find_library(CMOCKA_LIBRARY cmocka)
if(NOT CMOCKA_INCLUDE_DIR OR NOT CMOCKA_LIBRARY)
  message(FATAL_ERROR "CMocka not found (cmocka.h / libcmocka): run `bash scripts/setup` "
                      "or configure with -DHEAPSIM_BUILD_TESTS=OFF")
endif()
if(NOT TARGET heapsim::cmocka)
  add_library(heapsim::cmocka UNKNOWN IMPORTED GLOBAL)
  set_target_properties(heapsim::cmocka PROPERTIES
    IMPORTED_LOCATION "${CMOCKA_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CMOCKA_INCLUDE_DIR}")
endif()

function(heapsim_cmocka_test NAME)
  cmake_parse_arguments(PARSE_ARGV 1 T "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENVIRONMENT;ARGS")
  if(NOT T_SOURCES)
    message(FATAL_ERROR "heapsim_cmocka_test(${NAME}): no SOURCES")
  endif()
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_executable(${NAME} ${T_SOURCES})
  target_link_libraries(${NAME} PRIVATE ${T_LIBS} heapsim::cmocka)
  add_test(NAME ${NAME} COMMAND ${NAME} ${T_ARGS})
  set_property(GLOBAL APPEND PROPERTY HEAPSIM_TEST_EXECUTABLES ${NAME})
  set_tests_properties(${NAME} PROPERTIES LABELS "${T_LABELS}")
  if(T_ENVIRONMENT)
    set_tests_properties(${NAME} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
  endif()
  if(T_TIMEOUT)
    if(HEAPSIM_TEST_TIMEOUT_SCALE) # emulated hosts run slower (HeapsimHost32.cmake)
      math(EXPR T_TIMEOUT "${T_TIMEOUT} * ${HEAPSIM_TEST_TIMEOUT_SCALE}")
    endif()
    set_tests_properties(${NAME} PROPERTIES TIMEOUT ${T_TIMEOUT})
  endif()
endfunction()

# coverage-report (coverage preset only): merges build/coverage/profiles/*.profraw
# and writes build/coverage/html plus a heap/ summary line. It covers every
# executable registered with heapsim_cmocka_test or heapsim_coverage_object().
function(heapsim_coverage_object)
  set_property(GLOBAL APPEND PROPERTY HEAPSIM_TEST_EXECUTABLES ${ARGN})
endfunction()

function(heapsim_define_coverage_report)
  if(TARGET coverage-report OR NOT CMAKE_C_FLAGS_DEBUG MATCHES "fprofile-instr-generate")
    return()
  endif()
  find_program(HEAPSIM_LLVM_PROFDATA NAMES llvm-profdata llvm-profdata-14)
  find_program(HEAPSIM_LLVM_COV NAMES llvm-cov llvm-cov-14)
  if(NOT HEAPSIM_LLVM_PROFDATA OR NOT HEAPSIM_LLVM_COV)
    message(WARNING "llvm-profdata/llvm-cov not found: no coverage-report target")
    return()
  endif()
  get_property(exes GLOBAL PROPERTY HEAPSIM_TEST_EXECUTABLES)
  list(REMOVE_DUPLICATES exes)
  set(objs "")
  foreach(e IN LISTS exes)
    if(TARGET ${e})
      string(APPEND objs "$<TARGET_FILE:${e}>,")
    endif()
  endforeach()
  add_custom_target(coverage-report
    COMMAND ${CMAKE_COMMAND} -DPROFDATA=${HEAPSIM_LLVM_PROFDATA} -DCOV=${HEAPSIM_LLVM_COV}
            -DPROFILES=${CMAKE_BINARY_DIR}/profiles -DOUT=${CMAKE_BINARY_DIR}
            "-DOBJECTS=${objs}" -DSOURCE_ROOT=${PROJECT_SOURCE_DIR}
            -P ${PROJECT_SOURCE_DIR}/cmake/coverage-report.cmake
    COMMENT "Merging coverage profiles"
    VERBATIM)
endfunction()

# Defined once all directories have registered their executables.
get_property(_heapsim_cov_deferred GLOBAL PROPERTY HEAPSIM_COVERAGE_DEFERRED)
if(NOT _heapsim_cov_deferred)
  set_property(GLOBAL PROPERTY HEAPSIM_COVERAGE_DEFERRED TRUE)
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL heapsim_define_coverage_report)
endif()
