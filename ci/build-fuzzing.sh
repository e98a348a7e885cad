#!/usr/bin/env bash
# Builds what a campaign or gate runs: the `rtfuzz` command (dev preset,
# g++) and every target's libFuzzer fuzzer (fuzz preset, clang with
# ASan/UBSan). Used by ci/campaign.sh and ci/gate.sh; prints one line per
# preset.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
for preset in dev fuzz; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" --target rtfuzz demo_fuzzer rqspinlock_fuzzer \
    eventpoll_fuzzer userlocks_fuzzer userkit_fuzzer | tail -n 1
done
