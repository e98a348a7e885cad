// framework/include/rtfuzz/native/native.h
//
// The native backend: a scenario's unchanged task and handler bodies on real
// threads, interrupted by real perf_event overflow signals, for stress runs
// and throughput figures (docs/native.md). Not deterministic: a finding here
// is reproducible only statistically; the simulator is for search.
//
// What it does with a Scenario:
//   - one thread per task, pinned to the core of its virtual CPU (CPU n on
//     core n mod cores; a machine with fewer cores than CPUs is said in the
//     notes), SCHED_FIFO at the task's priority where permitted (else
//     SCHED_OTHER, said in the notes);
//   - each overflow-triggered interrupt: a perf event named by a libpfm4
//     string, opened on every thread of its CPUs, whose overflow signal runs
//     the handler on the interrupted thread (true reentrancy); NMIs are
//     never masked, hardirqs are blocked by local_irq_save(), softirqs also
//     by local_bh_disable();
//   - iterations: OnReset, every task body once (started together), end
//     checks; until the iteration or time budget ends or a finding comes.
//
// The run happens in a child process, so a true deadlock (threads spinning
// or sleeping for good) is torn down without hanging the caller.

#ifndef RTFUZZ_NATIVE_NATIVE_H_
#define RTFUZZ_NATIVE_NATIVE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/pmu.h"
#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::native {

struct StressOptions {
  uint64_t iterations = 0;        // 0: no iteration limit.
  uint64_t max_total_time_s = 10;  // 0: no time limit (then iterations must be set).
  // Use the software event (perf::task-clock) where the scenario's event
  // cannot be opened here (no hardware PMU): without it that is an error.
  bool fallback = false;
  // Events between two overflows; 0: 100000 (100 µs of a clock event, or
  // 100 k instructions): an overflow signal costs its thread ~30 µs, so a
  // shorter period leaves the interrupted code little time to run
  // (src/native/interrupt_signals.cc derives it).
  uint64_t sample_period = 0;
  uint64_t seed = 1;  // For rt::Choose() on the tasks' threads.
  // Prints a progress line to this fd about once a second (-1: none).
  int progress_fd = -1;
};

struct StressFinding {
  Verdict verdict = Verdict::kPass;
  std::string message;    // One line.
  std::string details;    // Every thread's context stack, symbolized.
  std::string signature;  // "<verdict>|<scenario>|<site>".
  uint64_t iteration = 0;  // The iteration it came in (1-based).
  double seconds = 0;      // Since the run started.
};

struct StressResult {
  // Empty if the run happened; else a one-line usage error (unknown event,
  // hardware event without a PMU, a scenario feature the backend lacks).
  std::string error;
  uint64_t iterations = 0;
  double seconds = 0;
  uint64_t interrupts = 0;          // Handlers run.
  uint64_t interrupts_idle = 0;     // Overflows outside any task body.
  uint64_t interrupts_limited = 0;  // Over the trigger's max_fires.
  uint64_t deadlock_errors_on_cycle = 0;  // -EDEADLK with a wait-for cycle.
  uint64_t deadlock_errors_unjudged = 0;  // -EDEADLK with none in view.
  uint64_t timeouts = 0;            // -ETIMEDOUT returns (none on a cycle).
  bool found = false;
  StressFinding finding;
  // The run ended by SIGINT (Ctrl-C reaches the child too): no finding.
  bool interrupted = false;
  // The events opened (after any fallback) and how the machine was set up.
  std::vector<std::string> notes;
  std::vector<std::string> active_oracles;
  std::vector<std::string> inactive_oracles;  // "name: why".
};

StressResult RunStress(const rt::Scenario& scenario, const StressOptions& options);

// The libpfm4 name the native backend opens for a virtual PMU event.
std::string_view NativeEventName(rt::PmuEvent event);

// The event a trigger names: its libpfm4 string, or its virtual event's.
std::string TriggerEventName(const rt::Trigger& trigger);

}  // namespace rtfuzz::native

#endif  // RTFUZZ_NATIVE_NATIVE_H_
