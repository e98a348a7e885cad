// framework/include/rtfuzz/schedule/minimizer.h
//
// Minimize: delta debugging over a decision list that keeps the finding's
// signature and makes the schedule simpler, in this order of importance:
// fewer interrupts, then fewer preemptions (slice-end CPU switches), then
// fewer CPU switches, then a shorter list, then smaller values. A candidate
// sets decisions to their quiet value 0 (a chunk at a time, halving the
// chunks, as ddmin), drops the tail or halves a value; it is kept if the
// signature is the same and the cost strictly lower, and the list is then
// replaced by what that execution really asked (the replay's recorded
// decisions), so the result always replays exactly. Deterministic, and bounded by MinimizeOptions::max_runs.

#ifndef RTFUZZ_SCHEDULE_MINIMIZER_H_
#define RTFUZZ_SCHEDULE_MINIMIZER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/schedule/replayer.h"

namespace rtfuzz::schedule {

// What minimizing reduces, and what it reports before and after.
struct ScheduleCost {
  uint64_t interrupts = 0;    // Interrupt contexts entered.
  uint64_t preemptions = 0;   // Slice-end CPU switches.
  uint64_t cpu_switches = 0;  // Every CPU switch.
  uint64_t decisions = 0;     // Up to the last non-zero decision.
  uint64_t nonzero = 0;       // Decisions with a non-quiet value.
  uint64_t value_sum = 0;     // Sum of the values: smaller reads easier.
  uint64_t steps = 0;         // Scheduling points of the execution.

  // Lexicographic over (interrupts, preemptions, cpu_switches, decisions,
  // nonzero, value_sum): what matters most to a reader first.
  bool operator<(const ScheduleCost& o) const;
  std::string ToString() const;
};

// The cost of a schedule (its decisions up to the last non-zero one) as
// replayed into `r`.
ScheduleCost CostOf(const rt::ExecutionResult& r, const std::vector<sched::Decision>& decisions);

// The note `replay --record_expectations` writes, regenerated from the
// replay under the file's own variant, and the corpus test checks:
// "replays under <variant>: <cost>".
std::string ReplayNote(std::string_view variant, const ScheduleCost& cost);
inline constexpr std::string_view kReplayNotePrefix = "replays under ";

struct MinimizeOptions {
  uint64_t max_runs = 20'000;  // Executions at most; the best so far is kept.
  // Called now and then (phase changes, every 1000 runs) with one line.
  std::function<void(const std::string& line)> progress;
};

struct MinimizeResult {
  bool reproduced = false;  // The input showed the finding at all.
  std::string signature;
  std::vector<sched::Decision> decisions;
  ScheduleCost before, after;
  uint64_t runs = 0;
  bool budget_exhausted = false;
};

MinimizeResult Minimize(Replayer& replayer, const std::vector<sched::Decision>& decisions,
                        const MinimizeOptions& options = {});

}  // namespace rtfuzz::schedule

#endif  // RTFUZZ_SCHEDULE_MINIMIZER_H_
