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

file(GLOB raw ${PROFILES}/*.profraw)
if(NOT raw)
  message(FATAL_ERROR "no profiles in ${PROFILES}: run `ctest --preset coverage` first")
endif()
set(merged ${OUT}/merged.profdata)
execute_process(COMMAND ${PROFDATA} merge -sparse ${raw} -o ${merged} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "llvm-profdata merge failed (${rc})")
endif()

# llvm-cov wants the first binary bare and the others after -object
string(REPLACE "," ";" objs "${OBJECTS}")
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
