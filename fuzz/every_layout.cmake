# Runs a command once per LL heap layout, the layouts being those
# `heapsim list-layouts` prints (sched's table: the one list of them).
#   cmake -DHEAPSIM=path/heapsim "-DCMD=prog;args" [-DHOW=env|arg] [-DSAFE_ONLY=1]
#         [-DPASS=regex] [-DFAIL=regex] -P every_layout.cmake
# HOW=env (default) sets HEAPSIM_LAYOUT=L; HOW=arg appends `--layout L`.
# SAFE_ONLY: only the layouts not vulnerable by design. Each run must exit 0,
# or, with PASS, print something matching PASS; with FAIL, nothing matching FAIL.
execute_process(COMMAND ${HEAPSIM} list-layouts RESULT_VARIABLE rc OUTPUT_VARIABLE table)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "heapsim list-layouts failed (${rc})")
endif()
# descriptions may hold ';', CMake's list separator
string(REPLACE ";" "," table "${table}")
string(REGEX MATCHALL "[^\n]+" lines "${table}")
set(ran 0)
foreach(line ${lines})
  if(NOT line MATCHES "^([^ ]+) +(vulnerable|safe) ")
    message(FATAL_ERROR "unexpected list-layouts line: ${line}")
  endif()
  set(layout ${CMAKE_MATCH_1})
  if(SAFE_ONLY AND CMAKE_MATCH_2 STREQUAL "vulnerable")
    continue()
  endif()
  if(HOW STREQUAL "arg")
    execute_process(COMMAND ${CMD} --layout ${layout} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  else()
    execute_process(COMMAND ${CMAKE_COMMAND} -E env HEAPSIM_LAYOUT=${layout} ${CMD}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  endif()
  if(DEFINED PASS)
    if(NOT "${out}${err}" MATCHES "${PASS}")
      message(FATAL_ERROR "layout ${layout}: output does not match '${PASS}' (exit ${rc}):\n${out}${err}")
    endif()
  elseif(NOT rc STREQUAL "0")
    message(FATAL_ERROR "layout ${layout}: exit ${rc}:\n${out}${err}")
  endif()
  if(DEFINED FAIL AND "${out}${err}" MATCHES "${FAIL}")
    message(FATAL_ERROR "layout ${layout}: output matches '${FAIL}':\n${out}${err}")
  endif()
  message(STATUS "layout ${layout}: ok")
  math(EXPR ran "${ran} + 1")
endforeach()
if(ran EQUAL 0)
  message(FATAL_ERROR "no layout to run on")
endif()
