// framework/src/check/inversion_oracle.cc
//
// Priority inversion: a task W waits for a lock; follow the holders (a holder
// that itself waits leads to the holder of its lock) to the transitive holder
// H. If H is a task that is runnable but not running because a task M runs on
// H's CPU with prio(M) between prio(W) and prio(H), W is inverted. With
// priority inheritance H runs at W's priority and M cannot be in between, so
// rt_mutex-based locks stay silent; RT rwlock readers are not boosted. An
// inversion that lasts longer than budgets.inversion_ns is the verdict
// priority-inversion, with its duration.

#include <string>

#include "oracle_state.h"
#include "rtfuzz/base/verdict.h"

namespace rtfuzz::check::internal {

// "FIFO 90 [prio 9]", or for a boosted task "FIFO 90 [prio 9], boosted from
// FIFO 10": as the scenario declared it, the kernel prio once.
std::string OracleState::TaskPriority(rt::ContextId t) const {
  const auto task = static_cast<rt::TaskId>(t);
  const int now = view_.task_prio(task);
  const int normal = view_.task_normal_prio(task);
  std::string out = FormatPriority(now) + " [prio " + std::to_string(now) + "]";
  if (now != normal) out += ", boosted from " + FormatPriority(normal);
  return out;
}

// "; task:low was de-boosted from FIFO 90 to FIFO 10 at 1.000 ms while
// holding L": the holder's priority dropped during its hold of the lock.
std::string OracleState::HolderPriorityChange(rt::ContextId holder, LockId lock) const {
  const auto task = static_cast<rt::TaskId>(holder);
  const uint64_t at = view_.task_deboosted_at(task);
  if (at == 0) return "";
  for (const Holder& h : locks_[lock].holders) {
    if (h.context != holder || h.since > at) continue;
    return "; " + view_.context_name(holder) + " was de-boosted from " +
           FormatPriority(view_.task_deboosted_from(task)) + " to " +
           FormatPriority(view_.task_prio(task)) + " at " + FormatDuration(at) +
           " while holding " + LockName(lock);
  }
  return "";
}

void OracleState::CheckInversion() {
  const int tasks = static_cast<int>(view_.scenario().tasks().size());
  const uint64_t budget = view_.scenario().budgets().inversion_ns;
  for (int w = 0; w < tasks; ++w) {
    ContextState& waiter = contexts_[w];
    if (!waiter.waiting) continue;
    // The transitive holder (bounded: a cycle is the deadlock oracle's).
    rt::ContextId holder = static_cast<rt::ContextId>(w);
    LockId lock = waiter.attempt_lock;
    for (int hop = 0; hop < num_contexts(); ++hop) {
      const ContextState& s = contexts_[holder];
      if (!s.waiting || locks_[s.attempt_lock].holders.empty()) break;
      lock = s.attempt_lock;
      holder = locks_[lock].holders.front().context;
    }
    bool inverted = false;
    rt::ContextId runner = rt::kNoContext;
    // A throttled holder (CPU bandwidth control) is kept off by its group's
    // quota, not by the task running on its CPU.
    if (holder != w && holder < tasks &&
        view_.task_state(holder) == rt::TaskState::kRunnable && !view_.task_throttled(holder)) {
      runner = view_.cpu_context(view_.context_cpu(holder), 0);
      if (runner != rt::kNoContext && runner < tasks) {
        const int pw = view_.task_prio(static_cast<rt::TaskId>(w));
        const int ph = view_.task_prio(holder);
        const int pm = view_.task_prio(runner);
        inverted = pm < ph && pm > pw;  // Kernel prio: lower runs first.
      }
    }
    if (!inverted) {
      waiter.inverted = false;
      continue;
    }
    if (!waiter.inverted) {
      waiter.inverted = true;
      waiter.inverted_since = view_.now();
      continue;
    }
    const uint64_t lasted = view_.now() - waiter.inverted_since;
    if (lasted <= budget) continue;
    const auto me = static_cast<rt::ContextId>(w);
    const std::string message =
        view_.context_name(me) + " (" + TaskPriority(me) + ") has waited " +
        FormatDuration(lasted) + " for " + LockName(lock) + " held by " +
        view_.context_name(holder) + " (" + TaskPriority(holder) + "), which " +
        view_.context_name(runner) + " (" + TaskPriority(runner) + ") keeps off CPU" +
        std::to_string(view_.context_cpu(holder)) + " (budget " + FormatDuration(budget) + ")" +
        HolderPriorityChange(holder, lock);
    view_.Report(Verdict::kPriorityInversion, message,
                 HeldLocks({me, holder}) + CpuStates() + Where(waiter.attempt_site),
                 LockName(lock) + "@" + waiter.attempt_site);
    return;
  }
}

}  // namespace rtfuzz::check::internal
