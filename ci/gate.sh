#!/usr/bin/env bash
# This repository's merge gate, as CI runs it on a pull request: builds the
# dev (g++) and fuzz (clang, libFuzzer, ASan+UBSan) configurations, then
# `rtfuzz gate` with rtfuzz.toml: every reproducer under every variant it
# names, and libFuzzer on every gated scenario x variant for the file's
# executions. Writes build/gate/junit.xml and build/gate/summary.md (also
# appended to $GITHUB_STEP_SUMMARY when set). Exit status: the gate's
# (0 passed, 1 finding, 3 expectation mismatch, 4 worker failed; docs/ci.md).
#   RTFUZZ_GATE_EXECUTIONS  executions a job (default: rtfuzz.toml's)
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup.sh

ci/build-fuzzing.sh
status=0
build/dev/framework/cli/rtfuzz gate --fuzzers=build/fuzz/fuzzers \
  --junit=build/gate/junit.xml --markdown=build/gate/summary.md \
  ${RTFUZZ_GATE_EXECUTIONS:+--executions="$RTFUZZ_GATE_EXECUTIONS"} || status=$?
if [[ -n ${GITHUB_STEP_SUMMARY:-} && -f build/gate/summary.md ]]; then
  cat build/gate/summary.md >>"$GITHUB_STEP_SUMMARY"
fi
exit "$status"
