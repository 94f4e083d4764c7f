# Runs a fuzz binary on a fresh copy of a seed corpus (libFuzzer adds inputs
# to a corpus directory it is given; the committed one stays as it is).
#   cmake -DCORPUS=dir -DCOPY=dir "-DCMD=prog;args" -P mutator_smoke.cmake
file(REMOVE_RECURSE ${COPY})
file(COPY ${CORPUS}/ DESTINATION ${COPY} PATTERN "README*" EXCLUDE)
execute_process(COMMAND ${CMD} ${COPY} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "exit ${rc}")
endif()
