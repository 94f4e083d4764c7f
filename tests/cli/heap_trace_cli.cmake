# One heap-trace command-line case: exit status and stdout/stderr patterns.
#   cmake -DTOOL=heap-trace -DINPUT=file "-DARGS=--bytes|2048" -DRC=2
#         [-DSTDOUT=regex] [-DSTDERR=regex] [-DSTDOUT_EMPTY=1] -P heap_trace_cli.cmake
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${TOOL} ${args} INPUT_FILE ${INPUT}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(bad "")
if(NOT rc STREQUAL RC)
  string(APPEND bad "exit status ${rc}, expected ${RC}\n")
endif()
if(DEFINED STDOUT AND NOT out MATCHES "${STDOUT}")
  string(APPEND bad "stdout does not match '${STDOUT}'\n")
endif()
if(DEFINED STDERR AND NOT err MATCHES "${STDERR}")
  string(APPEND bad "stderr does not match '${STDERR}'\n")
endif()
if(STDOUT_EMPTY AND NOT out STREQUAL "")
  string(APPEND bad "stdout should be empty (the trace is checked before the first call)\n")
endif()
if(NOT bad STREQUAL "")
  message(FATAL_ERROR "${bad}--- stdout:\n${out}--- stderr:\n${err}")
endif()
