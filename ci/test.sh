#!/usr/bin/env bash
# The test command (README, .ci/run): builds rtfuzz with clang++ and with the
# sanitizer + libFuzzer configuration and runs their tests, then builds with
# g++ and runs the tests last, so the output ends with ctest's summary line.
# Idempotent: re-running reuses the build trees under build/.
set -euo pipefail
cd "$(dirname "$0")/.."
# The tests include the timeline in headless Chromium (ci/browser-check.sh).
RTFUZZ_WITH_BROWSER=${RTFUZZ_WITH_BROWSER:-1} ci/setup.sh

jobs=$(nproc)
for preset in dev-clang fuzz; do
  echo "== $preset: build and test"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" | tail -n 1
  log="build/$preset/ctest.log"
  if ! ctest --preset "$preset" -j "$jobs" >"$log" 2>&1; then
    cat "$log"
    echo "ci/test.sh: tests failed in the $preset build" >&2
    exit 1
  fi
  grep -E "tests passed|tests failed" "$log"
done

echo "== dev (g++): build and test"
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs" | tail -n 1
ctest --preset dev -j "$jobs"
