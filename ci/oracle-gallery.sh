#!/usr/bin/env bash
# Regenerates docs/oracles.md: runs the oracle tests (framework/src/check/
# oracles_test.cc) with RTFUZZ_ORACLE_GALLERY set, so each test also writes
# the report of the finding it checks, and puts one report per verdict kind
# under the text below. Every report in the page is produced by the real code.
#   ci/oracle-gallery.sh            (after cmake --preset dev)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build --preset dev --target oracles_test >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
RTFUZZ_ORACLE_GALLERY="$dir" build/dev/framework/src/check/oracles_test >/dev/null

out=docs/oracles.md
cat >"$out" <<'TEXT'
# Oracles

The oracles (`framework/include/rtfuzz/check/oracles.h`) judge every
execution of every scenario the front doors run (`rtfuzz explore`, the fuzz
harnesses, the tests): attach a `check::Oracles` to a `rt::Machine` and a
scenario gets all of them. They see the machine through `rt::MachineView` and
the locks through the lock events of `rtfuzz/check/lock_events.h`, which
kapi's locks emit and a target's own lock emits where the kernel calls
lockdep — placed in the same step as the atomic that takes or releases the
lock, so the oracles' idea of the owner never lags the lock word.

| verdict | oracle | fires when | budget (`rt::OracleBudgets`) |
|---|---|---|---|
| `missed-AA`, `missed-ABBA` | deadlock | a context on a wait-for cycle (one lock: AA; more: ABBA) still waits past the budget, or its lock returns -ETIMEDOUT, or nothing can run | `deadlock_ns` (2 s) |
| `late-deadlock-detection` | deadlock | -EDEADLK arrives later than the budget after the cycle formed | `late_aa_ns` (100 µs), `late_abba_ns` (5 ms) |
| `false-deadlock-report` | deadlock | -EDEADLK with no cycle in reach | — |
| `starvation-timeout` | deadlock | -ETIMEDOUT with no cycle in reach | — |
| `priority-inversion` | inversion | a task waits on a lock whose transitive holder is runnable but kept off its CPU by a task of intermediate priority | `inversion_ns` (1 ms) |
| `stall` | stall | no progress mark; a hung task (not run, or alive past its deadline); interrupt recursion | `progress_ns` (off), `hung_task_ns` (5 s), `irq_recursion` (256) |
| `mutual-exclusion` | safety | an exclusive holder beside any other holder | — |
| `leaked-lock` | safety | a lock held when its interrupt context returns, or at the end | — |
| `invariant` | safety | `check::Invariant(false, ...)` | — |
| `isolation-noise` | noise | interrupts, IPIs or stolen time on a CPU the scenario isolates | `isolated_interrupts`, `isolated_ipis`, `isolated_stolen_ns` (0) |

The wait-for graph has an edge from a waiting context to every holder of the
lock it waits for (a shared waiter only to exclusive holders), and from an
interrupted context to the context directly above it on its CPU: it cannot
run until that one returns. That second edge is what turns "an NMI spins on
a lock its own CPU holds" into a cycle. A verdict ends the execution at once;
its signature is `<verdict>|<scenario>|<site>`.

Beyond holders and interrupts, the graph has two more edges: a runnable task
waits for what keeps it off its CPU (an interrupt on top, or a running task
it cannot preempt; equal SCHED_OTHER tasks share the CPU and get no edge),
and a queued waiter waits for the context queued ahead of it
(`check::LockWaitsBehind`, which MCS and ticket locks emit), so an NMI queued
behind its own CPU's queued task is a cycle.

Known gap (found by the rqspinlock target, docs/targets/rqspinlock.md): a
held-table entry a lock publishes before its cmpxchg is not an edge, so
some -EDEADLK returns that the kernel accepts as heuristic false positives
are reported as `false-deadlock-report`, and the scenario classifies them.

Below, one report of each kind, as the oracle tests produce and check them
(regenerate with `ci/oracle-gallery.sh`; PIDs are replaced by `PID`).
TEXT
for name in missed-AA missed-ABBA late-deadlock-detection false-deadlock-report \
            starvation-timeout priority-inversion stall-no-progress stall-hung-task \
            stall-irq-recursion mutual-exclusion leaked-lock invariant isolation-noise; do
  file="$dir/$name.txt"
  if [[ ! -s "$file" ]]; then
    echo "ci/oracle-gallery.sh: no report for $name (did its test change?)" >&2
    exit 1
  fi
  { echo; echo "## $name"; echo; echo '```'; sed -E 's/^==[0-9]+==/==PID==/' "$file"; echo '```'; } >>"$out"
done
echo "wrote $out"
