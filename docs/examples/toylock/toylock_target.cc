// toylock_target.cc: the scenario that runs toylock.h, and the program's
// list of targets (rtfuzz::target::Targets(), which rtfuzz_add_target's
// programs call). Public rtfuzz headers only.

#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/scenario.h"
#include "rtfuzz/target/target.h"
// kapi last: it defines kernel macros.
#include "toylock.h"

namespace {

namespace rt = rtfuzz::rt;

struct toy_counter counter;
// Counted outside the lock by every context: atomic, or the glue races.
atomic_t rounds_done;

// Runs outside every context, before each execution: a fresh counter.
void Reset() {
  toylock_init(&counter.lock, "counter.lock");
  counter.events = 0;
  atomic_set(&counter.missed, 0);
  atomic_set(&rounds_done, 0);
}

constexpr rt::MarkId kRoundMark = 0;
constexpr int kRounds = 2;  // Events each task counts.

void Round() {
  atomic_inc(&rounds_done);
  rt::Progress(kRoundMark);
}

// Two CPUs count events; a perf NMI on CPU0 counts one more, at any step of
// CPU0 (its period, 1..48 steps, and phase are the fuzzer's choice).
rt::Scenario MakeTaskNmi(bool planted) {
  rt::Scenario s("task-nmi", 2);
  s.OnReset(&Reset);
  s.AddMark("counted");
  // Nothing sleeps or waits for a timer: an execution is a few hundred
  // points of 10 ns (the longest of `toylock-rtfuzz explore
  // --executions=20000` is under 200), so 1 ms without a round is a stall.
  s.budgets().progress_ns = 1'000'000;
  for (int cpu = 0; cpu < 2; ++cpu) {
    s.AddTask({.name = cpu == 0 ? "counter0" : "counter1", .affinity = rt::Cpu(cpu), .body = [] {
                 for (int i = 0; i < kRounds; ++i) {
                   toy_count(&counter);
                   Round();
                 }
               }});
  }
  s.AddInterrupt({.name = "perf", .kind = rt::ContextKind::kNmi, .cpus = rt::Cpu(0),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 48, 1),
                  .handler = [planted] {
                    if (planted) {
                      toy_count_from_nmi_planted(&counter);
                    } else {
                      toy_count_from_nmi(&counter);
                    }
                    Round();
                  }});
  s.AddEndCheck("every event counted or missed", [] {
    return counter.events + static_cast<unsigned long>(atomic_read(&counter.missed)) ==
           static_cast<unsigned long>(atomic_read(&rounds_done));
  });
  return s;
}

rt::Scenario Make(std::string_view, std::string_view variant) {
  return MakeTaskNmi(variant == "planted");
}

}  // namespace

namespace rtfuzz::target {

const std::vector<Target>& Targets() {
  static const std::vector<Target> targets = {
      {.name = "toylock",
       .summary = "test-and-set lock, an event counter updated by tasks and a perf NMI",
       .scenarios = {"task-nmi"},
       .variants = {"planted", "fixed"},
       .default_variant = "fixed",  // Also what the gate runs: the fixed version.
       .make = &Make},
  };
  return targets;
}

}  // namespace rtfuzz::target
