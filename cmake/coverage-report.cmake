# Merges the coverage preset's raw profiles and writes the reports.
#   cmake -DPROFDATA=llvm-profdata -DCOV=llvm-cov -DPROFILES=dir -DOUT=dir
#         -DOBJECTS=a,b,c -DSOURCE_ROOT=src -P coverage-report.cmake
# OUT/html/index.html: line-by-line HTML for the project's code;
# OUT/summary.txt: llvm-cov report of all project code (every layer, fuzz/ and
# tools/ included; tests, benchmarks' drivers and system headers excluded);
# OUT/heap-summary.txt: the same restricted to heap/. Both TOTAL line
# coverages are printed.
foreach(v PROFDATA COV PROFILES OUT OBJECTS SOURCE_ROOT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "coverage-report.cmake: -D${v}= missing")
  endif()
endforeach()

# Profiles written before the newest build of an executable belong to old code:
# skip them (llvm-cov would report mismatched data).
string(REPLACE "," ";" objs "${OBJECTS}")
set(newest "")
foreach(o IN LISTS objs)
  if(EXISTS "${o}")
    if(newest STREQUAL "")
      set(newest "${o}")
    elseif("${o}" IS_NEWER_THAN "${newest}")
      set(newest "${o}")
    endif()
  endif()
endforeach()
file(GLOB all_raw ${PROFILES}/*.profraw)
set(raw)
foreach(r IN LISTS all_raw)
  if(newest STREQUAL "")
    list(APPEND raw "${r}")
  elseif(NOT "${newest}" IS_NEWER_THAN "${r}")
    list(APPEND raw "${r}")
  endif()
endforeach()
list(LENGTH all_raw n_all)
list(LENGTH raw n_raw)
if(NOT raw)
  message(FATAL_ERROR "no current profiles in ${PROFILES} (${n_all} stale): run `ctest --preset coverage` first")
endif()
message(STATUS "coverage: merging ${n_raw} of ${n_all} profiles (the others predate the build)")
set(merged ${OUT}/merged.profdata)
execute_process(COMMAND ${PROFDATA} merge -sparse ${raw} -o ${merged} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "llvm-profdata merge failed (${rc})")
endif()

# llvm-cov wants the first binary bare and the others after -object
set(args)
foreach(o IN LISTS objs)
  if(EXISTS ${o})
    if(args)
      list(APPEND args -object ${o})
    else()
      list(APPEND args ${o})
    endif()
  endif()
endforeach()

# Test code is not product code: it stays out of every total.
set(ignore "(^|/)(tests|build)/|^/usr/")
file(REMOVE_RECURSE ${OUT}/html)
execute_process(COMMAND ${COV} show ${args} -instr-profile=${merged} -format=html
  -output-dir=${OUT}/html -show-line-counts-or-regions -ignore-filename-regex=${ignore}
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "llvm-cov show failed (${rc})")
endif()

# TOTAL regions missed cover% functions missed exec% lines missed cover% ...
function(line_cover summary out)
  file(STRINGS ${summary} total REGEX "^TOTAL")
  string(REGEX REPLACE " +" ";" f "${total}")
  list(GET f 9 c)
  list(GET f 7 lines)
  set(${out} "${c} of ${lines} lines" PARENT_SCOPE)
endfunction()

execute_process(COMMAND ${COV} report ${args} -instr-profile=${merged} -ignore-filename-regex=${ignore}
  OUTPUT_FILE ${OUT}/summary.txt RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "llvm-cov report failed (${rc})")
endif()
execute_process(COMMAND ${COV} report ${args} -instr-profile=${merged} ${SOURCE_ROOT}/heap
  OUTPUT_FILE ${OUT}/heap-summary.txt RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "llvm-cov report failed (${rc})")
endif()
line_cover(${OUT}/summary.txt all)
line_cover(${OUT}/heap-summary.txt heap)
message(STATUS "coverage: project line coverage ${all} (report: ${OUT}/summary.txt, html: ${OUT}/html/index.html)")
message(STATUS "coverage: heap/ line coverage ${heap} (${OUT}/heap-summary.txt)")
