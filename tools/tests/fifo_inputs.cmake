# A FIFO wherever heapsim reads a file must be refused at once (exit 2),
# never block waiting for a writer.
#   cmake -DHEAPSIM=path/heapsim -DWORK=dir -P fifo_inputs.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/cat ${WORK}/crash)
foreach(fifo ${WORK}/in.fifo ${WORK}/cat/x.scn)
  execute_process(COMMAND mkfifo ${fifo} RESULT_VARIABLE rc)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "mkfifo ${fifo} failed")
  endif()
endforeach()
# a crash file whose record beside it is a FIFO
file(WRITE ${WORK}/crash/crash-x "abc")
file(SHA1 ${WORK}/crash/crash-x sha)
execute_process(COMMAND mkfifo ${WORK}/crash/finding-${sha}.json)

set(cases
  "run|${WORK}/in.fifo"
  "replay|${WORK}/in.fifo|--target|fuzz_user_syscalls"
  "replay|${WORK}/crash/crash-x|--target|fuzz_user_syscalls"
  "minimize|${WORK}/in.fifo|--target|fuzz_user_syscalls"
  "matrix|--check|${WORK}/in.fifo"
  "matrix|--dir|${WORK}/cat"
  "verdict|--seconds|0|--scenarios|${WORK}/cat|--out|${WORK}/out")
foreach(c ${cases})
  string(REPLACE "|" ";" args "${c}")
  execute_process(COMMAND ${HEAPSIM} ${args} TIMEOUT 30
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "2" OR NOT err MATCHES "not a regular file")
    message(FATAL_ERROR "heapsim ${args}: exit ${rc}, want 2 'not a regular file'\n${out}${err}")
  endif()
endforeach()
