# Every exploitable catalogue cell on pr10807-v2/-v3 and sof-main that the
# port can run has its current target program in port/xtensa/proof/cells
# (cat.SCENARIO.LAYOUT.LEVEL.c), and no other cell has one. An exploitable
# sof-main cell the port cannot run (SOF main's own kernel paths decide it)
# is refused with that reason; one on sof-main-oob (no memory map in the
# port) with that reason. The test lists both: the target has not confirmed
# them.
#   cmake -DTOOL=heapsim -DSCENARIOS=dir -DCELLS=dir -DWORK=dir -P proof_cells.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(GLOB scns ${SCENARIOS}/*.scn)
set(stale "")
set(unmapped "")
set(n 0)
set(nu 0)
set(nk 0)
set(kpaths "")
set(expected "")
foreach(f ${scns})
  get_filename_component(b ${f} NAME_WE)
  foreach(l sof-main-oob)
    foreach(h none basic moderate full extreme)
      execute_process(COMMAND ${TOOL} run ${f} --layout ${l} --hardening ${h}
                      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
      if(NOT out MATCHES " ${l} +${h} +exploitable:")
        continue()
      endif()
      execute_process(COMMAND ${TOOL} export --xtensa ${f} --layout ${l} --hardening ${h}
                              --out ${WORK}/unmapped.c
                      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
      if(NOT rc EQUAL 2 OR EXISTS ${WORK}/unmapped.c OR NOT err MATCHES "has no memory map in the Xtensa port")
        message(FATAL_ERROR "${b} on ${l} at ${h} (exploitable): export --xtensa gave exit ${rc}, "
                            "want 2 and the port's missing memory map as the reason:\n${err}")
      endif()
      math(EXPR nu "${nu} + 1")
      list(APPEND unmapped "${b}.${l}.${h}")
    endforeach()
  endforeach()
  foreach(l pr10807-v2 pr10807-v3 sof-main)
    foreach(h none basic moderate full extreme)
      set(name cat.${b}.${l}.${h}.c)
      execute_process(COMMAND ${TOOL} export --xtensa ${f} --layout ${l} --hardening ${h}
                              --out ${WORK}/${name}
                      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
      if(rc EQUAL 0)
        math(EXPR n "${n} + 1")
        execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/${name} ${CELLS}/${name}
                        RESULT_VARIABLE same)
        if(NOT same EQUAL 0)
          list(APPEND stale "${name} (missing or stale)")
        endif()
      elseif(l STREQUAL "sof-main" AND rc EQUAL 2 AND NOT EXISTS ${WORK}/${name}
             AND err MATCHES "decided by SOF main's kernel paths|is a SOF-main step")
        math(EXPR nk "${nk} + 1")
        list(APPEND kpaths "${b}.${l}.${h}")
        if(EXISTS ${CELLS}/${name})
          list(APPEND stale "${name} (the target cannot run this cell)")
        endif()
      elseif(NOT err MATCHES "only exploitable cells|does not apply to layout")
        message(FATAL_ERROR "${b} on ${l} at ${h}: ${err}")
      elseif(EXISTS ${CELLS}/${name})
        list(APPEND stale "${name} (the cell is no longer exploitable)")
      endif()
      list(APPEND expected ${name})
    endforeach()
  endforeach()
endforeach()
# a program whose scenario, layout or level no longer exists
file(GLOB committed RELATIVE ${CELLS} ${CELLS}/*.c)
foreach(c ${committed})
  list(FIND expected ${c} at)
  if(at EQUAL -1)
    list(APPEND stale "${c} (no such catalogue cell)")
  endif()
endforeach()
if(stale)
  string(REPLACE ";" "\n  " stale "${stale}")
  message(FATAL_ERROR "port/xtensa/proof/cells differs from the catalogue:\n  ${stale}\n"
                      "regenerate: heapsim export --xtensa attack/scenarios/S.scn --layout L --hardening H "
                      "--out port/xtensa/proof/cells/cat.S.L.H.c")
endif()
message(STATUS "${n} exploitable cells, each with its current target program")
string(REPLACE ";" " " kpaths "${kpaths}")
message(STATUS "${nk} exploitable sof-main cells not run on the target (SOF main's kernel paths decide them; "
               "host verdict unconfirmed): ${kpaths}")
string(REPLACE ";" " " unmapped "${unmapped}")
message(STATUS "${nu} exploitable cells on sof-main-oob not run on the target (the port has no memory map "
               "for them; host verdict unconfirmed): ${unmapped}")
