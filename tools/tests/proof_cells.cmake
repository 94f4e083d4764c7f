# Every exploitable catalogue cell on pr10807-v2/-v3 has its current target
# program in port/xtensa/proof/cells (cat.SCENARIO.LAYOUT.LEVEL.c), and no
# other cell has one.
#   cmake -DTOOL=heapsim -DSCENARIOS=dir -DCELLS=dir -DWORK=dir -P proof_cells.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(GLOB scns ${SCENARIOS}/*.scn)
set(stale "")
set(n 0)
foreach(f ${scns})
  get_filename_component(b ${f} NAME_WE)
  foreach(l pr10807-v2 pr10807-v3)
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
      elseif(NOT err MATCHES "only exploitable cells")
        message(FATAL_ERROR "${b} on ${l} at ${h}: ${err}")
      elseif(EXISTS ${CELLS}/${name})
        list(APPEND stale "${name} (the cell is no longer exploitable)")
      endif()
    endforeach()
  endforeach()
endforeach()
if(stale)
  string(REPLACE ";" "\n  " stale "${stale}")
  message(FATAL_ERROR "port/xtensa/proof/cells differs from the catalogue:\n  ${stale}\n"
                      "regenerate: heapsim export --xtensa attack/scenarios/S.scn --layout L --hardening H "
                      "--out port/xtensa/proof/cells/cat.S.L.H.c")
endif()
message(STATUS "${n} exploitable cells, each with its current target program")
