# Two random-mode runs of a target with one -seed must do exactly the same
# thing: the same inputs, the same traced steps (HEAPSIM_TRACE=1 prints every
# action, address and result). Anything a run takes from the host — a
# pointer value, the time — would show up as a difference.
#   cmake "-DCMD=target;-seed=S;-runs=N;..." -P same_seed.cmake
foreach(i 1 2)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env HEAPSIM_TRACE=1 ${CMD}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "run ${i}: exit ${rc}\n${err}")
  endif()
  # the closing "Done N random runs in T s" holds wall time, a sanitizer's
  # notes the process id
  string(REGEX REPLACE "Done [0-9]+ random runs in [0-9]+ s" "" out "${out}")
  string(REGEX REPLACE "==[0-9]+==" "==PID==" err "${err}")
  set(run${i} "${out}${err}")
endforeach()
string(LENGTH "${run1}" n)
if(n LESS 1000)
  message(FATAL_ERROR "the trace is too short to compare:\n${run1}")
endif()
if(NOT run1 STREQUAL run2)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/same-seed.1 "${run1}")
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/same-seed.2 "${run2}")
  message(FATAL_ERROR "two runs with one seed differ: same-seed.1 vs same-seed.2")
endif()
