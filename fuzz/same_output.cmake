# A command's standard output must equal a committed file.
#   cmake "-DCMD=prog;args" -DWANT=file -P same_output.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "exit ${rc}:\n${err}")
endif()
file(READ ${WANT} want)
if(NOT out STREQUAL want)
  message(FATAL_ERROR "${WANT} is not what the command writes; regenerate it with:\n"
                      "  ${CMD} > ${WANT}\n(it writes:)\n${out}")
endif()
