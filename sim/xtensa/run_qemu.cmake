# Runs one Xtensa program under QEMU for ctest (sim/xtensa/CMakeLists.txt):
#   cmake -DQEMU=… -DCPU=… -DELF=… [-DRC=0] [-DEXPECT=file] [-DREGEX=re@@re]
#         [-DERR_REGEX=re@@re] -P run_qemu.cmake
# Passes when QEMU's exit status (the program's, via semihosting) is RC,
# stdout equals EXPECT byte for byte, each REGEX matches stdout and each
# ERR_REGEX matches stderr.
if(NOT EXISTS "${ELF}")
  # QEMU without a program would spin in the double-exception vector.
  message(FATAL_ERROR "no program ${ELF}: build first")
endif()
set(cmd ${QEMU} -M sim -cpu ${CPU} -semihosting -display none -monitor none
        -serial none -kernel ${ELF})
string(REPLACE ";" " " shown "${cmd}")
message("run: ${shown}")
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
message("${out}")
if(NOT err STREQUAL "")
  message("stderr:\n${err}")
endif()

set(fail "")
string(REPLACE "@@" ";" REGEX "${REGEX}")
string(REPLACE "@@" ";" ERR_REGEX "${ERR_REGEX}")
if(NOT DEFINED RC OR RC STREQUAL "")
  set(RC 0)
endif()
if(NOT rc STREQUAL RC)
  string(APPEND fail "exit status ${rc}, expected ${RC}\n")
endif()
if(EXPECT)
  get_filename_component(name ${ELF} NAME_WE)
  get_filename_component(dir ${ELF} DIRECTORY)
  set(actual ${dir}/${name}.stdout)
  file(WRITE ${actual} "${out}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${actual} ${EXPECT}
                  RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    execute_process(COMMAND diff -u ${EXPECT} ${actual} OUTPUT_VARIABLE d)
    string(SUBSTRING "${d}" 0 4000 d)
    string(APPEND fail "stdout differs from ${EXPECT} (saved as ${actual}):\n${d}\n")
  endif()
endif()
foreach(re IN LISTS REGEX)
  if(NOT out MATCHES "${re}")
    string(APPEND fail "stdout does not match: ${re}\n")
  endif()
endforeach()
foreach(re IN LISTS ERR_REGEX)
  if(NOT err MATCHES "${re}")
    string(APPEND fail "stderr does not match: ${re}\n")
  endif()
endforeach()
if(NOT fail STREQUAL "")
  message(FATAL_ERROR "${fail}")
endif()
message("ok")
