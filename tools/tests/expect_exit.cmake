# Runs TOOL with ARGS (a ;-list) and checks its exit code (RC) and, when
# given, that its combined output matches REGEX.
#   cmake -DTOOL=... "-DARGS=a;b" -DRC=1 [-DREGEX=...] -P expect_exit.cmake
execute_process(COMMAND ${TOOL} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL RC)
  message(FATAL_ERROR "exit ${rc}, want ${RC}\n${out}${err}")
endif()
if(DEFINED REGEX AND NOT "${out}${err}" MATCHES "${REGEX}")
  message(FATAL_ERROR "output does not match '${REGEX}':\n${out}${err}")
endif()
