// framework/include/rtfuzz/base/verdict.h
//
// Verdict: the outcome of one execution. A closed enum whose names are stable
// (reports, signatures, regression files and CI grep them), so a name is never
// changed or reused; new kinds are appended. It lives in base because both the
// machine (rt) and the oracles (check) produce verdicts.

#ifndef RTFUZZ_BASE_VERDICT_H_
#define RTFUZZ_BASE_VERDICT_H_

#include <cstdint>
#include <string_view>

namespace rtfuzz {

enum class Verdict : uint8_t {
  kPass,              // "pass": every task exited and every end check held.
  kEndCheckFailed,    // "end-check": a scenario end check was false.
  kFailure,           // "failure": target or scenario called rt::Fail (BUG_ON).
  kException,         // "exception": a task or handler body threw.
  kSleepInAtomic,     // "sleep-in-atomic": blocked with preemption or irqs off,
                      //   or from interrupt context.
  kContextImbalance,  // "context-imbalance": a context returned with
                      //   preempt_count or the irq flag not restored.
  kHang,              // "hang": tasks remain, nothing can run, no timer is due.
  kStepBudget,        // "step-budget": more scheduling points than allowed.
  kTimeBudget,        // "time-budget": virtual time passed the scenario limit.
  // The oracles' verdicts (rtfuzz/check, docs/oracles.md).
  kMissedAa,             // "missed-AA": a true AA deadlock not detected in
                         //   time, or ended by a timeout.
  kMissedAbba,           // "missed-ABBA": the same for a cycle over 2+ locks.
  kLateDetection,        // "late-deadlock-detection": detected past a budget.
  kFalseDeadlockReport,  // "false-deadlock-report": -EDEADLK with no cycle.
  kStarvationTimeout,    // "starvation-timeout": -ETIMEDOUT with no deadlock.
  kPriorityInversion,    // "priority-inversion": longer than a bound.
  kStall,                // "stall": no progress, hung task, irq recursion.
  kMutualExclusion,      // "mutual-exclusion": two holders of an exclusive lock.
  kLeakedLock,           // "leaked-lock": a lock still held at exit.
  kInvariant,            // "invariant": a scenario or target invariant broke.
  kIsolationNoise,       // "isolation-noise": an isolated CPU was disturbed.
  // The machine's own: every CPU that can run spins and nothing (a timer, an
  // interrupt, a deadline, another context) can change what it reads.
  kSpinDeadlock,         // "spin-deadlock": named by the words spun on.
  kLostHandoff,          // "lost-handoff": the same, and every spinner waits
                         //   for an annotated lock that no context holds.
};

inline constexpr int kVerdictCount = 22;

// Stable lower-case name, e.g. "sleep-in-atomic".
std::string_view VerdictName(Verdict verdict);

// Parses a name printed by VerdictName; false if unknown.
bool ParseVerdict(std::string_view name, Verdict* verdict);

}  // namespace rtfuzz

#endif  // RTFUZZ_BASE_VERDICT_H_
