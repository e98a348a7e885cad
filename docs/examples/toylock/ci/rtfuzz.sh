#!/usr/bin/env bash
# The plain shell entry any CI calls (the GitHub workflow beside it does):
#
#   ci/rtfuzz.sh gate       # pull request: reproducers + gated campaign, JUnit + Markdown
#   ci/rtfuzz.sh nightly    # a longer campaign over the gated variants; findings kept
#
# It builds this project against an installed rtfuzz (RTFUZZ_PREFIX; when
# that has no rtfuzz yet and RTFUZZ_SOURCE names an rtfuzz checkout, it
# builds and installs it there first), then runs toylock-rtfuzz. Outputs go
# to $RTFUZZ_OUT (default build/rtfuzz-ci): junit.xml, summary.md,
# findings/, corpus/ (keep it between runs: the nightly corpus grows).
# The Markdown summary is appended to $GITHUB_STEP_SUMMARY when CI sets it.
# Exit status: the command's own (0 clean, 1 finding, 3 a reproducer's
# expectation no longer holds, 4 a worker failed, 2 usage), or 2 for a
# bad argument here.
#
#   RTFUZZ_PREFIX      where rtfuzz is installed (default $HOME/.local/rtfuzz)
#   RTFUZZ_SOURCE      an rtfuzz checkout to install from if needed
#   RTFUZZ_EXECUTIONS  gate: executions a job (default: rtfuzz.toml's)
#   RTFUZZ_SECONDS     nightly: seconds in all (default 600)
#   RTFUZZ_BUILD       this project's build folder (default build/ci)
#   RTFUZZ_CXX_FLAGS   flags the installed rtfuzz was built with (sanitizers)
#   CXX                the compiler (clang++ gives libFuzzer; else a random walk)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
if [[ $mode != gate && $mode != nightly ]]; then
  echo "usage: ci/rtfuzz.sh gate|nightly" >&2
  exit 2
fi
prefix=${RTFUZZ_PREFIX:-$HOME/.local/rtfuzz}
out=${RTFUZZ_OUT:-build/rtfuzz-ci}
build=${RTFUZZ_BUILD:-build/ci}
cxx=${CXX:-c++}

if [[ ! -f $prefix/lib/cmake/rtfuzz/rtfuzzConfig.cmake ]]; then
  if [[ -z ${RTFUZZ_SOURCE:-} ]]; then
    echo "ci/rtfuzz.sh: no rtfuzz in $prefix; set RTFUZZ_SOURCE to an rtfuzz checkout" >&2
    exit 2
  fi
  "$RTFUZZ_SOURCE/ci/setup.sh"
  cmake -S "$RTFUZZ_SOURCE" -B "$out/rtfuzz-build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$cxx" -DRTFUZZ_BUILD_TESTS=OFF -DRTFUZZ_BUILD_BENCH=OFF >/dev/null
  cmake --build "$out/rtfuzz-build" >/dev/null
  cmake --install "$out/rtfuzz-build" --prefix "$prefix" >/dev/null
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  ${RTFUZZ_CXX_FLAGS:+-DCMAKE_CXX_FLAGS="$RTFUZZ_CXX_FLAGS" -DCMAKE_EXE_LINKER_FLAGS="$RTFUZZ_CXX_FLAGS"} \
  >/dev/null
cmake --build "$build" >/dev/null

mkdir -p "$out"
status=0
if [[ $mode == gate ]]; then
  "$build/toylock-rtfuzz" gate --output="$out" --junit="$out/junit.xml" \
    --markdown="$out/summary.md" ${RTFUZZ_EXECUTIONS:+--executions="$RTFUZZ_EXECUTIONS"} "${@:2}" ||
    status=$?
  if [[ -n ${GITHUB_STEP_SUMMARY:-} && -f $out/summary.md ]]; then
    cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
  fi
else
  "$build/toylock-rtfuzz" campaign --max_total_time="${RTFUZZ_SECONDS:-600}" \
    --output="$out" "${@:2}" || status=$?
fi
exit "$status"
