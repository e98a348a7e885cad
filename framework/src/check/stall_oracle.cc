// framework/src/check/stall_oracle.cc
//
// Stalls: no progress mark for budgets.progress_ns (scenarios with marks;
// not while a wait is or was on a wait-for cycle: the deadlock oracle owns
// those, and its verdict names the deadlock); a
// hung task (runnable or blocked, not run for budgets.hung_task_ns, or still
// alive past its TaskSpec::deadline_ns); interrupt recursion (more than
// budgets.irq_recursion interrupts in a row on a CPU whose interrupted
// context makes no point in between). The report says what each CPU was
// doing.

#include <string>

#include "oracle_state.h"
#include "rtfuzz/base/verdict.h"

namespace rtfuzz::check::internal {

void OracleState::CheckStall() {
  const rt::Scenario& s = view_.scenario();
  const rt::OracleBudgets& b = s.budgets();
  const uint64_t now = view_.now();
  auto stall = [this](const std::string& message, const std::string& site) {
    view_.Report(Verdict::kStall, message, CpuStates(), site);
  };
  if (b.progress_ns != 0 && !s.marks().empty() &&
      now - view_.last_progress_ns() > b.progress_ns && !AnyWaitOnCycle()) {
    stall("no progress mark for " + FormatDuration(now - view_.last_progress_ns()) + " (budget " +
              FormatDuration(b.progress_ns) + ")",
          "no-progress");
    return;
  }
  for (size_t t = 0; t < s.tasks().size(); ++t) {
    const auto task = static_cast<rt::TaskId>(t);
    const rt::TaskState state = view_.task_state(task);
    if (state == rt::TaskState::kExited || state == rt::TaskState::kNotStarted) continue;
    const std::string& name = view_.context_name(task);
    const uint64_t deadline = s.tasks()[t].deadline_ns;
    if (deadline != 0 && now > deadline) {
      stall("hung task: " + name + " has not exited by its deadline " + FormatDuration(deadline),
            name + ":deadline");
      return;
    }
    if (state == rt::TaskState::kRunning) continue;
    const uint64_t idle = now - view_.task_last_ran_ns(task);
    if (idle > b.hung_task_ns) {
      stall("hung task: " + name + " has not run for " + FormatDuration(idle) + " (" +
                (state == rt::TaskState::kBlocked ? "blocked" : "runnable") + "; budget " +
                FormatDuration(b.hung_task_ns) + ")",
            name + ":hung");
      return;
    }
  }
  for (int cpu = 0; cpu < view_.num_cpus(); ++cpu) {
    const uint64_t streak = view_.cpu_irq_streak(cpu);
    if (streak > b.irq_recursion) {
      stall("interrupt recursion on CPU" + std::to_string(cpu) + ": " + std::to_string(streak) +
                " interrupts in a row without the interrupted context making progress",
            "cpu" + std::to_string(cpu) + ":irq-recursion");
      return;
    }
  }
}

bool OracleState::AnyWaitOnCycle() {
  for (int id = 0; id < num_contexts(); ++id) {
    const ContextState& c = contexts_[id];
    if (c.waiting && (c.in_cycle || FindCycle(static_cast<rt::ContextId>(id)))) return true;
  }
  return false;
}

}  // namespace rtfuzz::check::internal
