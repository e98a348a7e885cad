#!/usr/bin/env bash
# Throughput tables of the native backend (docs/native.md): rqspinlock
# acquire/release pairs per ms and a stress-epoll-like events per ms, per
# variant, without and with perf interrupts. Prints them; with --write also
# puts them, with this command and the commit, into docs/performance.md
# between its native-throughput markers.
#   ci/native-throughput.sh [--write]
set -euo pipefail
cd "$(dirname "$0")/.."
write=0
for arg in "$@"; do
  case "$arg" in
    --write) write=1 ;;
    *) echo "ci/native-throughput.sh: unknown argument '$arg' (--write)" >&2; exit 2 ;;
  esac
done
cmake --preset dev >/dev/null
cmake --build build/dev --target rqspinlock_throughput eventpoll_throughput >/dev/null
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | head -1)
tables=$(
  echo "Measured by \`ci/native-throughput.sh\` at ${commit}${dirty:+ (with local changes)} on $(nproc) cores, $(date -u +%F)."
  echo
  echo "rqspinlock: pairs of raw_res_spin_lock_irqsave/unlock per ms, 20,000 a task an iteration, 5 iterations (\`build/dev/targets/rqspinlock/rqspinlock_throughput\`):"
  echo
  build/dev/targets/rqspinlock/rqspinlock_throughput
  echo
  echo "eventpoll, stress-epoll-like: eventfd signals delivered per ms, 20,000 a producer an iteration, 3 iterations, one blocking consumer on its own CPU (\`build/dev/targets/eventpoll/eventpoll_throughput\`):"
  echo
  build/dev/targets/eventpoll/eventpoll_throughput
)
echo "$tables"
if [[ $write == 1 ]]; then
  doc=docs/performance.md
  begin='<!-- native-throughput:begin -->'
  end='<!-- native-throughput:end -->'
  grep -qF "$begin" "$doc" || { echo "ci/native-throughput.sh: $doc has no '$begin' marker" >&2; exit 1; }
  tmp=$(mktemp)
  awk -v begin="$begin" -v end="$end" -v body="$tables" '
    $0 == begin { print; print body; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }' "$doc" >"$tmp"
  mv "$tmp" "$doc"
  echo "ci/native-throughput.sh: tables written to $doc"
fi
