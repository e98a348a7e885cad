#!/usr/bin/env bash
# Regenerates docs/oracles.md: runs the oracle tests (framework/src/check/
# oracles_test.cc, framework/src/kapi/kapi_oracles_test.cc, targets/userlocks/
# userlocks_test.cc) with RTFUZZ_ORACLE_GALLERY set, so each test also writes
# the report of the finding it checks, and puts one report per verdict kind
# under the text below. Every report in the page is produced by the real code.
#   ci/oracle-gallery.sh            (after cmake --preset dev)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build --preset dev --target oracles_test kapi_oracles_test kapi_kit_test userlocks_test >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
RTFUZZ_ORACLE_GALLERY="$dir" build/dev/framework/src/check/oracles_test >/dev/null
RTFUZZ_ORACLE_GALLERY="$dir" build/dev/framework/src/kapi/kapi_oracles_test \
  --gtest_filter='*Requeue*:*Hang*' >/dev/null
RTFUZZ_ORACLE_GALLERY="$dir" build/dev/framework/src/kapi/kapi_kit_test >/dev/null
RTFUZZ_ORACLE_GALLERY="$dir" build/dev/targets/userlocks/userlocks_test \
  --gtest_filter='*AnNmi*:*Lost*' >/dev/null

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
| `late-deadlock-detection` | deadlock | -EDEADLK arrives later than the budget after the cycle formed | `late_aa_ns` (100 µs), `late_abba_ns` (2 ms: two 1 ms check periods; rqspinlock derives its own 1.143 ms) |
| `false-deadlock-report` | deadlock | -EDEADLK with no cycle in reach | — |
| `starvation-timeout` | deadlock | -ETIMEDOUT with no cycle in reach | — |
| `priority-inversion` | inversion | a task waits on a lock whose transitive holder is runnable but kept off its CPU by a task of intermediate priority | `inversion_ns` (1 ms) |
| `stall` | stall | a CPU kept in interrupt context: interrupt recursion (an irq_work re-queued by its own handler counts as one more interrupt) or no return to task context, naming the interrupt and the work it keeps running (checked first: it is the cause of the next two); no progress mark (not while a wait is or was on a cycle: that is the deadlock oracle's); a hung task (not run, or alive past its deadline) | `irq_recursion` (256), `hung_task_ns` (5 s), `progress_ns` (off; every bundled scenario sets its own, derived) |
| `missed-AA`, `missed-ABBA` at a spin deadlock | spin deadlock (`spin_deadlock_oracle.cc`) | the machine proved every CPU that can run stuck for good (docs/architecture.md#spin-deadlock) and the lock events show a cycle — a true one, one that dissolved while a member kept waiting, or one in lockdep's view: each stuck spinner waits for its newest lock_acquire() not yet acquired, held by every other context with a claim on that lock that is not itself spinning for it; or the lock's last releaser called lock_release() and is interrupted beneath a spinner for it before its releasing store (`(release-window)`) | — (at once) |
| `lost-handoff` | spin deadlock | the same proof, and every spinner waiting for a lock waits for one nobody holds or claims; the report names the last release | — (at once) |
| `spin-deadlock` | the machine | the same proof, and no oracle named it (no lock events, or none that explain it): the words each spinner reads, by their source names, their last writers, and why no writer can run; also a run of warps that reached the time budget with every CPU stuck | — (at once), or `MachineOptions::max_time_ns` |
| `hang` | the machine | nothing can run and no timer is pending (an oracle may name a deadlock first); names what each sleeping task sleeps on and the last wakeup on it | — |
| `mutual-exclusion` | safety | an exclusive holder beside any other holder | — |
| `leaked-lock` | safety | a lock held when its interrupt context returns, or at the end | — |
| `invariant` | safety | `check::Invariant(false, ...)` | — |
| `isolation-noise` | noise | interrupts, IPIs or stolen time on a CPU the scenario isolates; reschedule IPIs to the isolated CPUs beyond a number per external interrupt (a feedback loop: IPIs cause IPIs) | `isolated_interrupts`, `isolated_ipis`, `isolated_stolen_ns` (0), `isolated_resched_ipis_per_external` (off) |

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

A cycle is judged with the edges as they stand: a waiter's cycle record is
dropped when one of its edges is gone (a member's wait ended, an interrupt
on it returned) and replaced when it is on a new cycle, whose age is that
of the oldest member that already saw it. A deadlock error is correct if
the context was on a cycle at any time during its wait (its lock saw the
cycle; another member may have given up since), and its lateness is
measured from the last cycle it was on. A wait that was on a cycle and is
still not over `deadlock_ns` later is missed-AA/ABBA even if the cycle
dissolved: its lock never returned (6.19's head without a successor).

## Tolerated windows

A resilient lock's detector reads its own bookkeeping, not the graph:
rqspinlock's per-CPU held-locks table, whose entries may name a lock early
(published before the cmpxchg) or late (still there after the release).
Such a lock tells the oracle its entries (`check::LockEntryPublished`,
`check::LockEntryCleared`, in the step of their store). The graph is never
built from entries; they only explain a -EDEADLK that has no true cycle.
The oracle tolerates it, counts it (`ExecutionResult::tolerated`, explore's
`tolerated` lines, the fuzzer's `RTFUZZ_VERBOSE` lines, the matrix's `tol`
cell) and lets the execution go on, only if the graph shows one of these
windows for the reporting context and the scenario accepts that window
(`rt::OracleBudgets::tolerated_windows`, set per lock version):

| window (`rt::window::`) | what the graph shows | rqspinlock accepts it from |
|---|---|---|
| `entry-before-acquire` (`kEntryBeforeAcquire`) | a cycle through the reporter once entry edges are added — a waiter for L to a context with an unheld entry for L (a would-be holder), and a context with an unheld entry for L to L's holders (it is taken to want L) — using an entry whose lock is not yet held (the a1-prefix window; the ABBA through an entry published before its cmpxchg) | (a) beb7021a6003 |
| `entry-after-release` (`kEntryAfterRelease`) | the same, using an entry whose lock its context has released (the a2 window; the cross-CPU ABBA during an unlock, the trade-off of (a)) | (a) beb7021a6003 |
| `nmi-over-waiter` (`kNmiOverWaiter`) | the reporter is an NMI and a lower context of its CPU waits for a lock (the NMI cannot queue: its CPU's node is in use; the single trylock fails) | (d) 30dc2f7025fe |

Everything else with no cycle is `false-deadlock-report`; if the graph
shows a window the scenario does not accept (a version before the change
that introduced it), the message says which. Each window has a test where
it is tolerated and near misses where it is reported: the version lacks it,
the entry names another lock, the entry is on a CPU that does not wait for
the reporter, the reporter is a hardirq (`tolerated_windows_test.cc`).
Known imprecision: `nmi-over-waiter` takes any lower waiter, where the
kernel's rule is a lower context holding a queue node; a pending waiter
(no node) counts too.

A missed-AA/ABBA report on a lock that keeps entries also says why its
detector could not see the deadlock, when a holder on the cycle holds its
lock without an entry naming it: "its entry not yet published" (the a1
window: published after the acquisition) or "already withdrawn" (a2:
cleared before the release). The signature's site ends with the cause,
`(holder-entry-unpublished)` or `(holder-entry-withdrawn)`, so the two
bugs deduplicate apart.

## Spin deadlocks and the locks users write

The machine judges a spinner by the words it reads
(docs/architecture.md#time-warp) and ends an execution at once when every
CPU that can run is stuck at a proven fixed point
(docs/architecture.md#spin-deadlock). Before it names the deadlock by its
words, the spin-deadlock oracle tries the lock events, so a lock ported
with the kernel's own lockdep hooks — lock_acquire() before the attempt,
lock_release() before the releasing store, no lockstat — is named by its
lockdep name: lockdep treats a non-try lock_acquire() as the start of a
wait that becomes a hold, and so does this oracle once the machine has
proven that nobody can move. (The deadlock oracle's timed checks still
start a wait at lock_contended(): a resilient lock cannot detect an attempt
that has not started, and charging it from lock_acquire() would report
late detections that are not late.) `check::LockWaitsBehind` is not needed
for this: a queued waiter spinning on its predecessor's word is proven stuck
by the machine. The `userlocks` target is the suite: ticket, MCS and
reader-writer locks written against kapi alone, with the kernel's hooks or
none, each with a contention scenario (including a trylock-retry task), an
NMI that re-takes the lock, and a lost-handoff mutant
(docs/targets/userlocks.md).

Below, one report of each kind, as the tests produce and check them
(regenerate with `ci/oracle-gallery.sh`; PIDs are replaced by `PID`).
TEXT
for name in missed-AA missed-ABBA late-deadlock-detection false-deadlock-report \
            starvation-timeout priority-inversion stall-no-progress stall-hung-task \
            stall-irq-recursion stall-irq-work mutual-exclusion leaked-lock invariant \
            isolation-noise missed-AA-spinning lost-handoff spin-deadlock hang; do
  file="$dir/$name.txt"
  if [[ ! -s "$file" ]]; then
    echo "ci/oracle-gallery.sh: no report for $name (did its test change?)" >&2
    exit 1
  fi
  { echo; echo "## $name"; echo; echo '```'; sed -E 's/^==[0-9]+==/==PID==/' "$file"; echo '```'; } >>"$out"
done

# The lock author's kit (targets/userkit), from the rtfuzz command itself:
# what a run says it judged, and the seqcount and wait-queue findings.
rtfuzz=build/dev/framework/cli/rtfuzz
cmake --build --preset dev --target rtfuzz >/dev/null
live() {  # title, then the rtfuzz arguments; the output as rtfuzz prints it
  local title=$1
  shift
  { echo; echo "## $title"; echo; echo "\`rtfuzz $*\`"; echo; echo '```';
    "$rtfuzz" "$@" 2>/dev/null | sed -E 's/^==[0-9]+==/==PID==/; s/, [0-9]+\/s wall/, N\/s wall/' || true
    echo '```'; } >>"$out"
}
cat >>"$out" <<'TEXT'

## What was judged

Every `rtfuzz explore` summary ends with a `judged` line: what the oracles
had as input over the run (acquisitions for mutual-exclusion and
leaked-lock, waits for the deadlock-timing and starvation oracles, task
waits for priority inversion, -EDEADLK/-ETIMEDOUT results for
false-deadlock-report), and a warning, once, when a run gave them no lock
events or no waits: a lock without lockdep hooks is still judged by its
words (spin-deadlock, hang, stall), but "0 findings" then says nothing about
inversion or mutual exclusion. `rtfuzz replay` prints the same line for its
one execution; a fuzzer prints the warning on stderr after its first 1,000
executions. A scenario that makes no decisions (one CPU, no interrupts) runs
the same execution every time: explore says so and stops after one.
TEXT
live "What was judged: a lock without hooks" explore --target=userlocks \
  --scenario=ticket-contend --variant=bare --executions=2000
live "What was judged: nothing to choose" explore --target=userkit --scenario=waiter-1cpu \
  --executions=10000
live "A seqcount read by an NMI that interrupted its writer" explore --target=userkit \
  --scenario=seqcount-nmi --variant=seqcount --report_events=12
live "A check-then-sleep waiter" explore --target=userkit --scenario=waiter \
  --variant=check-then-sleep --report_events=12
cat >>"$out" <<'TEXT'

## Reentrancy through interrupt exit, irq_work and tracepoints (seeds 003, 004)

Four reports from the rcu and context_tracking reproducers
(docs/targets/rcu.md, docs/targets/context_tracking.md): seed 004's
self-IPI deadloop is `stall-irq-recursion` above (signature
`stall|tick-stop|cpu0:irq-recursion`); its follow-ups are a tracepoint
fired from its own probes more than `TRACEPOINT_MAX_RECURSION` (4) deep in
one context (kapi, verdict `stall`), an irq_work re-initialised while
queued (kapi, `invariant`, naming the work), and the RCU model's
grace-period oracle (`stall`, naming the CPU, the grace period and the
state that holds it); seed 003's false deferral is CT-I1 (`invariant`,
naming the CPUs in the message, not in the signature).
TEXT
live "Tracepoint recursion" replay corpora/regressions/rcu/softirq-raise-recursion.sched \
  --report_events=8 --swimlane=false
live "A queued irq_work re-initialised" replay corpora/regressions/rcu/irq-work-reinit.sched \
  --report_events=6 --swimlane=false
live "An RCU grace period that never ends" replay \
  corpora/regressions/rcu/notrace-exp-gp-stall.sched --report_events=6 --swimlane=false
live "Work deferred to a CPU in the kernel (CT-I1)" replay \
  corpora/regressions/context_tracking/false-deferral-in-kernel.sched --report_events=6 \
  --swimlane=false
cat >>"$out" <<'TEXT'

## Reading a report without the swimlane

What the lock author's kit (issue 19) changed in every report, each from a
test that asserts it (framework/src/kapi/kapi_kit_test.cc) or from the
rtfuzz command:

- Trace records name their object: locks, seqcounts and wait queues by
  their names, atomics and pointer words (`READ_ONCE`/`WRITE_ONCE`/`xchg`/
  `cmpxchg` of a pointer) by the variable that holds them (debug info);
  values print as the program had them (negative numbers signed);
  priorities as declared, the kernel prio in brackets.
TEXT
gallery_file() {  # title, then the gallery file's name
  { echo; echo "### $1"; echo; echo '```'; sed -E 's/^==[0-9]+==/==PID==/' "$dir/$2.txt"; echo '```'; } >>"$out"
}
gallery_file "Trace records (KapiKitReportTest)" trace-records
cat >>"$out" <<'TEXT'

- An inversion report gives priorities as the scenario declared them and
  says when the holder was de-boosted while holding the lock; a shared
  holder is marked `(shared)`.
TEXT
gallery_file "A de-boosted reader (AnInversionAfterADeboostSaysSo...)" priority-inversion-deboost
cat >>"$out" <<'TEXT'

- The lockdep picture says `rlock()` for a read attempt.
TEXT
gallery_file "rlock then lock on one rwlock (TheLockdepPictureSaysRlock...)" rlock
cat >>"$out" <<'TEXT'

- A hook sequence no lock could make is `invariant` naming the hook, never
  a finding against the lock (kapi/README.md, "Writing your own lock").
TEXT
gallery_file "lock_acquired() without lock_acquire()" hook-error-acquired-alone
gallery_file "lock_release() of a lock nobody holds" hook-error-release-unheld
gallery_file "A seqcount reader that holds across a point" hook-error-seq-reader-holds
cat >>"$out" <<'TEXT'

- `rtfuzz replay --variant=X` says whether the recorded finding is still
  there, gone, or relabelled as another verdict; `rtfuzz matrix` aligns every
  verdict name and its legend lists every one.
TEXT
live "Replay under another variant: relabelled" replay \
  corpora/regressions/rqspinlock/e-head-timeout.sched --variant=nmi-trylock --report_events=6
live "The matrix" matrix --target=rqspinlock
echo "wrote $out"
