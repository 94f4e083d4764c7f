# Test helpers shared by every layer's test directory (tests/, sim/, sched/, fuzz/).
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
  set_tests_properties(${NAME} PROPERTIES LABELS "${T_LABELS}")
  if(T_ENVIRONMENT)
    set_tests_properties(${NAME} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
  endif()
  if(T_TIMEOUT)
    set_tests_properties(${NAME} PROPERTIES TIMEOUT ${T_TIMEOUT})
  endif()
endfunction()
