# Runs CMD (a fuzz_user_syscalls binary and one input) with HEAPSIM_CLASS_LOG
# and requires the log to name CLASS: the technique-class heuristic
# (fuzz/fuzz.h) still credits the input with its class.
#   cmake -DCMD=bin;input -DCLASS=name -DLOG=path -P class_log.cmake
file(REMOVE ${LOG})
set(ENV{HEAPSIM_CLASS_LOG} ${LOG})
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit ${rc} (a finding must not stop a class-logging run):\n${out}${err}")
endif()
if(NOT EXISTS ${LOG})
  message(FATAL_ERROR "no class log written")
endif()
file(READ ${LOG} log)
if(NOT log MATCHES "(^|\n)1 ${CLASS}\n")
  message(FATAL_ERROR "the input is not credited with ${CLASS}; the log says:\n${log}")
endif()
