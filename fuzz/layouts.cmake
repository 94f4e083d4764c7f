# The LL heap layouts, read at configure time from sched's table itself
# (sched/ll_layouts.c: `static const struct ll_layout layouts[]`, each row
# { "name", "description"..., vulnerable, ... }), for the layout-pinned fuzz
# binaries. Editing the table re-runs CMake (CMAKE_CONFIGURE_DEPENDS), and
# the test fuzz-pinned.layouts-match compares this reading with what
# `heapsim list-layouts` prints, so the two cannot disagree unnoticed.
#   heapsim_read_layouts(<names-var> <vulnerable-var>)
function(heapsim_read_layouts names_var vulnerable_var)
  set(table_file ${PROJECT_SOURCE_DIR}/sched/ll_layouts.c)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${table_file})
  file(READ ${table_file} text)
  string(FIND "${text}" "static const struct ll_layout layouts[] = {" start)
  if(start EQUAL -1)
    message(FATAL_ERROR "no layout table in ${table_file}")
  endif()
  string(SUBSTRING "${text}" ${start} -1 text)
  string(FIND "${text}" "\n};" stop)
  string(SUBSTRING "${text}" 0 ${stop} text)
  # a row: { "name", then one or more description strings, then the flag
  string(REGEX MATCHALL "{[ \t\n]*\"[^\"]+\",([ \t\n]*\"[^\"]*\")+,[ \t\n]*(true|false)" rows "${text}")
  set(names "")
  set(vulnerable "")
  foreach(row ${rows})
    string(REGEX MATCH "^{[ \t\n]*\"([^\"]+)\"" _ "${row}")
    list(APPEND names ${CMAKE_MATCH_1})
    string(REGEX MATCH "(true|false)$" flag "${row}")
    list(APPEND vulnerable ${flag})
  endforeach()
  if(NOT names)
    message(FATAL_ERROR "no layouts read from ${table_file}")
  endif()
  set(${names_var} ${names} PARENT_SCOPE)
  set(${vulnerable_var} ${vulnerable} PARENT_SCOPE)
endfunction()
