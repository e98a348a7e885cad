// framework/src/check/stall_oracle.cc
//
// Stalls: a CPU kept in interrupt context (more than budgets.irq_recursion
// interrupts in a row, an irq_work re-queued from its own handler counting
// as one, or no return to task context for budgets.hung_task_ns), named by
// the interrupt and the work it keeps running; no progress mark for
// budgets.progress_ns (scenarios with marks; not while a wait is or was on
// a wait-for cycle: the deadlock oracle owns those, and its verdict names
// the deadlock); a hung task (runnable or blocked, not run for
// budgets.hung_task_ns, or still alive past its TaskSpec::deadline_ns). The
// report says what each CPU was doing.

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
  // An interrupt livelock first: it is the cause when progress stops or a
  // task misses its deadline.
  for (int cpu = 0; cpu < view_.num_cpus(); ++cpu) {
    const int depth = view_.cpu_depth(cpu);
    const uint64_t streak = view_.cpu_irq_streak(cpu);
    // In interrupt context since irq_since; else it returned to its task.
    const uint64_t away = depth > 1 ? now - view_.cpu_irq_since(cpu) : 0;
    if (streak <= b.irq_recursion && away <= b.hung_task_ns) continue;
    // What keeps it there: the interrupt on top, and the work it re-runs.
    const rt::ContextId top_id = view_.cpu_context(cpu, depth - 1);
    const std::string top = top_id != rt::kNoContext ? view_.context_name(top_id) : "nothing";
    const std::string work = view_.cpu_last_work(cpu);
    const std::string c = "CPU" + std::to_string(cpu);
    const std::string what = c + " has not run task context for " + FormatDuration(away) + ": " +
                             top + (work.empty() ? " runs" : " keeps running " + work);
    if (streak > b.irq_recursion) {
      stall("interrupt recursion on " + c + ": " + std::to_string(streak) +
                " interrupts in a row without the interrupted context making progress; " + what,
            "cpu" + std::to_string(cpu) + ":irq-recursion");
    } else {
      stall(what + " (budget " + FormatDuration(b.hung_task_ns) + ")",
            "cpu" + std::to_string(cpu) + ":no-task-context");
    }
    return;
  }
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
}

bool OracleState::AnyWaitOnCycle() {
  for (int id = 0; id < num_contexts(); ++id) {
    const ContextState& c = contexts_[id];
    if (c.waiting && (c.in_cycle || FindCycle(static_cast<rt::ContextId>(id)))) return true;
  }
  return false;
}

}  // namespace rtfuzz::check::internal
