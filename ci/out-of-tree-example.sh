#!/usr/bin/env bash
# The lock author's loop, as an outside project runs it (a ctest):
#   1. cmake --install this build into a fresh prefix;
#   2. docs/examples/toylock's own CI entry (its ci/rtfuzz.sh) builds the
#      example against it with find_package(rtfuzz) and runs its gate;
#   3. the gate passes on the fixed variant (exit 0, no JUnit failure) and
#      fails on the planted one (exit 1, a JUnit <failure> whose report
#      names the lock).
#
#   ci/out-of-tree-example.sh BUILD_DIR WORK_DIR CXX [EXTRA_CXX_FLAGS]
# EXTRA_CXX_FLAGS: what the installed libraries were built with and a user
# must build with too (the fuzz preset's sanitizers). Everything is written
# under WORK_DIR; the example's folder is only read.
set -euo pipefail
build=$1 work=$2 cxx=$3 flags=${4:-}
example=$(cd "$(dirname "$0")/../docs/examples/toylock" && pwd)

rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"

gate() {  # expected-status name [gate flags...]
  local expected=$1 name=$2 status=0
  shift 2
  RTFUZZ_PREFIX=$work/prefix RTFUZZ_BUILD=$work/build RTFUZZ_OUT=$work/$name CXX=$cxx \
    RTFUZZ_CXX_FLAGS=$flags RTFUZZ_EXECUTIONS=3000 \
    "$example/ci/rtfuzz.sh" gate "$@" >"$work/$name.log" 2>&1 || status=$?
  tail -n 3 "$work/$name.log"
  if [[ $status -ne $expected ]]; then
    echo "FAIL: gate $name exited $status, expected $expected (log $work/$name.log)" >&2
    exit 1
  fi
}
gate 0 gate-fixed
grep -q 'failures="0"' "$work/gate-fixed/junit.xml" ||
  { echo "FAIL: $work/gate-fixed/junit.xml has failures" >&2; exit 1; }
gate 1 gate-planted --variant=planted
grep -q '<failure message="missed-AA' "$work/gate-planted/junit.xml" ||
  { echo "FAIL: no missed-AA failure in $work/gate-planted/junit.xml" >&2; exit 1; }
grep -q 'counter.lock' "$work/gate-planted/junit.xml" ||
  { echo "FAIL: the report does not name counter.lock" >&2; exit 1; }
echo "out-of-tree example: installed, built, gate passes on fixed and fails on planted"
