# The scripts' command lines (label unit): --help answers with exit 0 and runs
# nothing; an unknown option or a bad value is exit 2 before any work. And the
# nightly report's verdicts on prepared run directories (scripts/nightly-report).
# Runs of scripts/nightly-fuzz that fuzz for real build the fuzz preset first
# (minutes from scratch): they are registered only with
# -DHEAPSIM_NIGHTLY_TESTS=ON, under the label nightly.
option(HEAPSIM_NIGHTLY_TESTS "Register the nightly-fuzz runs that build the fuzz preset (label nightly)" OFF)

set(script_dir ${PROJECT_SOURCE_DIR}/scripts)
set(expect_exit ${PROJECT_SOURCE_DIR}/tools/tests/expect_exit.cmake)
set(scratch ${CMAKE_CURRENT_BINARY_DIR}/scripts)
file(MAKE_DIRECTORY ${scratch})
file(WRITE ${scratch}/a-file "not a directory\n")

# script_exit(NAME SCRIPT RC REGEX ARG...): SCRIPT ARG... exits RC, output matches REGEX.
function(script_exit name script rc regex)
  add_test(NAME scripts.${name}
    COMMAND ${CMAKE_COMMAND} -DTOOL=${script_dir}/${script} "-DARGS=${ARGN}" -DRC=${rc}
            "-DREGEX=${regex}" -P ${expect_exit})
  set_tests_properties(scripts.${name} PROPERTIES LABELS unit TIMEOUT 60)
endfunction()

# --help: usage on stdout, exit 0, nothing run (scripts/test would take minutes).
foreach(s nightly-fuzz test setup quickstart)
  script_exit(${s}_help ${s} 0 "usage: scripts/${s}" --help)
  script_exit(${s}_unknown_option ${s} 2 "${s}: unknown argument '--bogus'.*usage: scripts/${s}" --bogus)
endforeach()
script_exit(quickstart_missing_value quickstart 2 "quickstart: --seconds needs a value" --seconds)

# nightly-fuzz refuses bad values before it builds anything.
foreach(bad "." "..." "1.2.3" "1e3" "-1" "0" "2000" "1,5")
  string(MAKE_C_IDENTIFIER "${bad}" id)
  script_exit(nightly_fuzz_minutes_${id} nightly-fuzz 2 "bad --minutes" --minutes "${bad}")
endforeach()
script_exit(nightly_fuzz_minutes_equals_empty nightly-fuzz 2 "--minutes needs a value" --minutes=)
# (cmake -D trims a blank value: bash passes this one)
add_test(NAME scripts.nightly_fuzz_layouts_blank
  COMMAND bash -c "out=$(\"$0\" --layouts ' ' 2>&1); rc=$?; echo \"$out\"; [ $rc = 2 ] && [[ $out = *'--layouts needs at least one layout'* ]]"
          ${script_dir}/nightly-fuzz)
set_tests_properties(scripts.nightly_fuzz_layouts_blank PROPERTIES LABELS unit TIMEOUT 60)
script_exit(nightly_fuzz_layouts_unknown nightly-fuzz 2 "unknown layout 'v4'" --layouts "oob v4")
# the layout table comes from heapsim list-layouts: this build's heapsim, so
# the script refuses the name before it builds the fuzz preset
set_tests_properties(scripts.nightly_fuzz_layouts_unknown PROPERTIES ENVIRONMENT "HEAPSIM=$<TARGET_FILE:heapsim>")
script_exit(nightly_fuzz_only_unknown nightly-fuzz 2 "no target 'fuzz_nothing'" --only fuzz_nothing)
script_exit(nightly_fuzz_jobs_too_many nightly-fuzz 2 "bad --jobs" --jobs 1000)
script_exit(nightly_fuzz_flag_with_value nightly-fuzz 2 "--no-coverage takes no value" --no-coverage=yes)
script_exit(nightly_fuzz_out_file nightly-fuzz 2 "--out '.*a-file' exists and is not a directory"
            --minutes 0.05 --out ${scratch}/a-file)
script_exit(nightly_fuzz_out_under_file nightly-fuzz 2 "--out '.*a-file/sub': cannot create"
            --out ${scratch}/a-file/sub)

find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME scripts.nightly_report
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/scripts/test_nightly_report.py ${PROJECT_SOURCE_DIR})
  set_tests_properties(scripts.nightly_report PROPERTIES LABELS unit TIMEOUT 120)
else()
  message(WARNING "python3 not found: scripts.nightly_report not registered (scripts/setup installs it)")
endif()

if(HEAPSIM_NIGHTLY_TESTS)
  # A fuzzer that refuses to start fails the job; a short clean run passes.
  add_test(NAME scripts.nightly_fuzz_refused_start
    COMMAND ${CMAKE_COMMAND} -DTOOL=${CMAKE_COMMAND}
            "-DARGS=-E;env;HEAPSIM_HARDENING=bogus;${script_dir}/nightly-fuzz;--minutes;0.05;--only;fuzz_cli_input;--no-coverage;--out;${scratch}/nightly-refused"
            -DRC=1 "-DREGEX=did not start \\(exit [0-9]+\\): fuzz_cli_input: unknown hardening 'bogus'"
            -P ${expect_exit})
  add_test(NAME scripts.nightly_fuzz_short_run
    COMMAND ${CMAKE_COMMAND} -DTOOL=${script_dir}/nightly-fuzz
            "-DARGS=--minutes;0.05;--only;fuzz_cli_input;--no-coverage;--out;${scratch}/nightly-short"
            -DRC=0 "-DREGEX=Result: ok.*\\| fuzz_cli_input \\| input-chosen \\| 0 \\| [1-9]"
            -P ${expect_exit})
  set_tests_properties(scripts.nightly_fuzz_refused_start scripts.nightly_fuzz_short_run PROPERTIES
    LABELS nightly TIMEOUT 1800 RUN_SERIAL TRUE)
endif()
