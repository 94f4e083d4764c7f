# Merges the coverage preset's raw profiles and writes the reports.
#   cmake -DPROFDATA=llvm-profdata -DCOV=llvm-cov -DPROFILES=dir -DOUT=dir
#         -DOBJECTS=a,b,c -DSOURCE_ROOT=src -P coverage-report.cmake
# OUT/html/index.html: line-by-line HTML for the whole project;
# OUT/heap-summary.txt: llvm-cov report restricted to heap/, its TOTAL line
# is printed.
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

file(REMOVE_RECURSE ${OUT}/html)
execute_process(COMMAND ${COV} show ${args} -instr-profile=${merged} -format=html
  -output-dir=${OUT}/html -show-line-counts-or-regions RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "llvm-cov show failed (${rc})")
endif()
execute_process(COMMAND ${COV} report ${args} -instr-profile=${merged} ${SOURCE_ROOT}/heap
  OUTPUT_FILE ${OUT}/heap-summary.txt RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "llvm-cov report failed (${rc})")
endif()
file(STRINGS ${OUT}/heap-summary.txt total REGEX "^TOTAL")
# TOTAL regions missed cover% functions missed exec% lines missed cover% ...
string(REGEX REPLACE " +" ";" f "${total}")
list(GET f 9 line_cover)
message(STATUS "coverage: heap/ lines ${line_cover} (report: ${OUT}/heap-summary.txt, html: ${OUT}/html/index.html)")
