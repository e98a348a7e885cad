#!/usr/bin/env bash
# docs/cli.md holds `rtfuzz help` verbatim in its first code block; this
# (a ctest) fails when a flag or command changed and the page did not.
#   ci/check-cli-doc.sh RTFUZZ_BINARY
set -euo pipefail
doc=$(dirname "$0")/../docs/cli.md
if ! diff -u <(awk '/^```$/ {n++; next} n == 1' "$doc") <("$1" help); then
  echo "docs/cli.md differs from \`rtfuzz help\`: regenerate its first code block" >&2
  exit 1
fi
echo "docs/cli.md matches rtfuzz help"
