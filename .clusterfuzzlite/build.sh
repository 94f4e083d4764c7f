#!/bin/bash -eu
# ClusterFuzzLite build: every fuzz target into $OUT, objects in $WORK
# (fuzz/oss-fuzz-build.sh does the work and documents the environment).
#
# The service fuzzes the layouts that must stay clean: on the layouts that are
# vulnerable by design (SOF PR #10807's) a user-thread escape is the expected
# answer, and every crash would fail the run. HEAPSIM_FUZZ_LAYOUTS=all builds
# those too (the repository's own test of this script does).
export HEAPSIM_FUZZ_LAYOUTS=${HEAPSIM_FUZZ_LAYOUTS:-safe}
bash "$SRC/heapsim/fuzz/oss-fuzz-build.sh"
