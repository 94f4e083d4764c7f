# From a finding to a proof, checked on one committed demonstration.
#   cmake -DTOOL=heapsim -DIN=finding -DLAYOUT=L -DWORK=dir -DMODE=m [-DCOMMITTED=file.c] -P proof_check.cmake
# MODE scenario: export --scenario, then `heapsim run` shows the same [class]
#                as the replay and meets the file's expect line;
# MODE minimize: minimize (in-process pass) from an empty working directory
#                writes nothing there, and its result replays to the same [class];
# MODE xtensa:   export --xtensa gives exactly the committed target program
#                (port/xtensa/proof/demos), so the one QEMU runs is current;
# MODE xtensa-refused: a finding the port cannot run (a layout it has no
#                memory map for; on sof-main, a verdict or a step only SOF
#                main's kernel paths give) is exit 2 with the reason, and
#                nothing is written.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY ${cwd})
  set(rc ${rc} PARENT_SCOPE)
  set(out "${out}${err}" PARENT_SCOPE)
endfunction()
function(first_class text var)
  string(REGEX MATCH "\\[[a-z][a-z-]+\\]" c "${text}")
  set(${var} "${c}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/cwd)
set(cwd ${WORK}/cwd)
run(${TOOL} replay ${IN} --target fuzz_user_syscalls --layout ${LAYOUT})
first_class("${out}" want)
if(NOT rc EQUAL 1 OR want STREQUAL "")
  message(FATAL_ERROR "the demonstration does not replay to a finding (exit ${rc}):\n${out}")
endif()

if(MODE STREQUAL "scenario")
  run(${TOOL} export --scenario ${IN} --layout ${LAYOUT} --out ${WORK}/f.scn)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "export --scenario failed (exit ${rc}):\n${out}")
  endif()
  run(${TOOL} run ${WORK}/f.scn --layout ${LAYOUT})
  first_class("${out}" got)
  if(NOT rc EQUAL 0 OR NOT got STREQUAL want)
    message(FATAL_ERROR "the scenario runs as ${got} (exit ${rc}), the finding is ${want}:\n${out}")
  endif()
elseif(MODE STREQUAL "minimize")
  run(${TOOL} minimize ${IN} --layout ${LAYOUT} --no-libfuzzer --seconds 20 --out ${WORK}/min)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "minimize failed (exit ${rc}):\n${out}")
  endif()
  file(GLOB left ${cwd}/*)
  if(left)
    message(FATAL_ERROR "minimize wrote into the current directory: ${left}")
  endif()
  file(GLOB result ${WORK}/min/crash-*)
  run(${TOOL} replay ${result} --target fuzz_user_syscalls)
  first_class("${out}" got)
  if(NOT got STREQUAL want)
    message(FATAL_ERROR "the minimised input replays as ${got}, the finding is ${want}:\n${out}")
  endif()
  file(READ ${WORK}/min/minimize.json summary)
  message(STATUS "${summary}")
elseif(MODE STREQUAL "xtensa-refused")
  run(${TOOL} export --xtensa ${IN} --layout ${LAYOUT} --out ${WORK}/f.c)
  # sof-main has a memory map on the target, but not SOF main's kernel paths
  set(why "has no memory map in the Xtensa port")
  if(LAYOUT STREQUAL "sof-main")
    set(why "decided by SOF main's kernel paths|is a SOF-main step")
  endif()
  if(NOT rc EQUAL 2 OR EXISTS ${WORK}/f.c OR NOT out MATCHES "${why}")
    message(FATAL_ERROR "export --xtensa of a ${LAYOUT} finding: exit ${rc}, want 2 and a reason:\n${out}")
  endif()
elseif(MODE STREQUAL "xtensa")
  run(${TOOL} export --xtensa ${IN} --layout ${LAYOUT} --out ${WORK}/f.c)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "export --xtensa failed (exit ${rc}):\n${out}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/f.c ${COMMITTED} RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${COMMITTED} is stale; regenerate with\n"
                        "  heapsim export --xtensa ${IN} --layout ${LAYOUT} --out ${COMMITTED}")
  endif()
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
