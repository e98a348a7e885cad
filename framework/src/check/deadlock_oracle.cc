// framework/src/check/deadlock_oracle.cc
//
// Deadlock truth and missed detection. The wait-for graph has an edge from a
// waiting context to every holder of the lock it waits for (a shared waiter
// only to exclusive holders), and from an interrupted context to the context
// directly above it on its CPU (it cannot run until that one returns), and
// from a queued waiter to the context queued ahead of it (LockWaitsBehind),
// and from a runnable task to what keeps it off its CPU (an interrupt, or a
// running task it cannot preempt, or for a throttled task the ktimers thread
// its group's refill is queued on).
// A cycle is a real deadlock: AA when one lock is on it, ABBA when more.
//
//   missed-AA/ABBA            a context on a cycle still waits past
//                             budgets.deadlock_ns, or its lock returns
//                             -ETIMEDOUT, or nothing can run at all;
//   late-deadlock-detection   -EDEADLK later than late_aa_ns/late_abba_ns
//                             after the cycle formed;
//   false-deadlock-report     -EDEADLK with no cycle, outside the windows
//                             the scenario accepts (tolerated_windows.cc);
//   starvation-timeout        -ETIMEDOUT with no cycle in reach.

#include <algorithm>
#include <string>

#include "oracle_state.h"
#include "rtfuzz/base/verdict.h"

namespace rtfuzz::check::internal {
namespace {

Verdict MissedVerdict(int locks) {
  return locks <= 1 ? Verdict::kMissedAa : Verdict::kMissedAbba;
}

}  // namespace

rt::ContextId OracleState::InterruptedBy(rt::ContextId id) const {
  const int cpu = view_.context_cpu(id);
  const int depth = view_.cpu_depth(cpu);
  for (int level = 0; level + 1 < depth; ++level) {
    if (view_.cpu_context(cpu, level) == id) return view_.cpu_context(cpu, level + 1);
  }
  return rt::kNoContext;
}

rt::ContextId OracleState::KeptOffCpuBy(rt::ContextId id) const {
  const int tasks = static_cast<int>(view_.scenario().tasks().size());
  if (id >= tasks || view_.task_state(id) != rt::TaskState::kRunnable) return rt::kNoContext;
  // A throttled task (CPU bandwidth control) waits for its group's refill:
  // for the ktimers thread that must run it, or for a timer (no edge).
  if (view_.task_throttled(id)) return view_.task_throttle_waiter_of(id);
  const int cpu = view_.context_cpu(id);
  const int depth = view_.cpu_depth(cpu);
  const rt::ContextId top = view_.cpu_context(cpu, depth - 1);
  if (top == rt::kNoContext) return rt::kNoContext;
  if (depth > 1) return top;  // An interrupt occupies the CPU.
  // The running task keeps the CPU if it cannot be preempted, or if this
  // task does not outrank it (kernel prio: lower runs first) — except equal
  // SCHED_OTHER tasks, which share the CPU in slices.
  const int mine = view_.task_prio(id);
  const int theirs = view_.task_prio(top);
  const bool round_robin = theirs == mine &&
                           view_.scenario().tasks()[top].policy == rt::Policy::kOther;
  if (!view_.context_preemptible(top) || (theirs <= mine && !round_robin)) return top;
  return rt::kNoContext;
}

bool OracleState::FindCycle(rt::ContextId start) {
  // Depth-first search with an explicit path; contexts are few (tens). The
  // scratch vectors are members: this runs at every tick for every waiter,
  // and must not allocate in the steady state.
  const size_t n = static_cast<size_t>(num_contexts());
  on_path_.assign(n, -1);  // Index in path_, or -1.
  done_.assign(n, false);
  path_.clear();
  cycle_.clear();
  auto visit = [&](auto&& self, rt::ContextId c) -> bool {
    on_path_[c] = static_cast<int>(path_.size());
    path_.push_back(c);
    const bool found = ForEachSuccessor(c, [&](rt::ContextId next) {
      if (on_path_[next] >= 0) {
        cycle_.assign(path_.begin() + on_path_[next], path_.end());
        return true;
      }
      return !done_[next] && self(self, next);
    });
    if (found) return true;
    path_.pop_back();
    on_path_[c] = -1;
    done_[c] = true;
    return false;
  };
  if (!visit(visit, start)) return false;
  // Distinct locks the cycle's waiters wait for: 1 = AA, more = ABBA.
  locks_on_cycle_.clear();
  for (rt::ContextId c : cycle_) {
    if (contexts_[c].waiting) locks_on_cycle_.push_back(contexts_[c].attempt_lock);
  }
  std::sort(locks_on_cycle_.begin(), locks_on_cycle_.end());
  const int distinct = static_cast<int>(
      std::unique(locks_on_cycle_.begin(), locks_on_cycle_.end()) - locks_on_cycle_.begin());
  if (distinct == 0) return false;  // Interrupt edges alone never form a cycle.
  // The cycle is as old as the oldest member that already saw it (a member
  // that was on another cycle meanwhile is marked only now).
  uint64_t since = view_.now();
  for (rt::ContextId c : cycle_) {
    const ContextState& s = contexts_[c];
    if (s.in_cycle && s.cycle_since < since && SameMembers(s.cycle, cycle_)) since = s.cycle_since;
  }
  for (rt::ContextId c : cycle_) {
    ContextState& s = contexts_[c];
    if (!s.waiting || (s.in_cycle && CycleStands(s.cycle))) continue;
    s.in_cycle = true;
    s.cycle_since = since;
    s.cycle_locks = distinct;
    s.cycle = cycle_;
  }
  return true;
}

bool OracleState::CycleStands(const std::vector<rt::ContextId>& cycle) const {
  for (size_t i = 0; i < cycle.size(); ++i) {
    const rt::ContextId to = cycle[(i + 1) % cycle.size()];
    if (!ForEachSuccessor(cycle[i], [to](rt::ContextId next) { return next == to; })) return false;
  }
  return true;
}

bool OracleState::SameMembers(const std::vector<rt::ContextId>& a,
                              const std::vector<rt::ContextId>& b) {
  if (a.size() != b.size()) return false;
  for (rt::ContextId c : a) {
    if (std::find(b.begin(), b.end(), c) == b.end()) return false;
  }
  return true;
}

bool OracleState::RefreshCycle(rt::ContextId id) {
  ContextState& c = contexts_[id];
  if (c.in_cycle && CycleStands(c.cycle)) return true;
  FindCycle(id);  // Re-marks `id` if it is on a new cycle.
  return c.in_cycle && CycleStands(c.cycle);
}

void OracleState::CheckDeadlocks() {
  const uint64_t budget = view_.scenario().budgets().deadlock_ns;
  for (int id = 0; id < num_contexts(); ++id) {
    ContextState& c = contexts_[id];
    if (!c.waiting) continue;
    // A wait that was on a cycle and still has not ended counts even if the
    // cycle dissolved (another member gave up): its lock did not return.
    const bool stands = RefreshCycle(static_cast<rt::ContextId>(id));
    if (!c.in_cycle || view_.now() - c.cycle_since <= budget) continue;
    const auto me = static_cast<rt::ContextId>(id);
    std::string message = view_.context_name(me) + " has waited " +
                          FormatDuration(view_.now() - c.cycle_since) +
                          " since a true deadlock for " + LockName(c.attempt_lock) + " formed, " +
                          (stands ? "undetected" : "which dissolved while it kept waiting") +
                          " (budget " + FormatDuration(budget) + ")";
    std::string key = LockName(c.attempt_lock) + "@" + c.attempt_site;
    AddEntryCause(c.cycle, &message, &key);
    view_.Report(MissedVerdict(c.cycle_locks), message,
                 ScenarioTable(c.cycle) + HeldLocks(c.cycle) + Where(c.attempt_site), key);
    return;
  }
}

void OracleState::OnHang() {
  for (int id = 0; id < num_contexts(); ++id) {
    ContextState& c = contexts_[id];
    // Waits behind a cycle, or none: a member reports it.
    if (!c.waiting || !RefreshCycle(static_cast<rt::ContextId>(id))) continue;
    const auto me = static_cast<rt::ContextId>(id);
    std::string message = view_.context_name(me) + " waits forever for " +
                          LockName(c.attempt_lock) +
                          ": a true deadlock, and nothing on the machine can run";
    std::string key = LockName(c.attempt_lock) + "@" + c.attempt_site;
    AddEntryCause(c.cycle, &message, &key);
    view_.Report(MissedVerdict(c.cycle_locks), message,
                 ScenarioTable(c.cycle) + HeldLocks(c.cycle) + Where(c.attempt_site), key);
    return;
  }
}

void OracleState::OnDeadlockResult(rt::ContextId me, int error, const char* site) {
  ContextState& c = contexts_[me];
  // A cycle may have formed since the wait began, or lie beyond this context
  // (it waits behind one).
  // c.in_cycle stays set for a cycle that stood during this wait and has
  // dissolved since (another member gave up first): the lock saw it.
  const bool cycle_in_reach = RefreshCycle(me) || c.in_cycle || FindCycle(me);
  const uint64_t waited = c.waiting ? view_.now() - c.wait_since : 0;
  const std::string lock_name = LockName(c.attempt_lock);
  const std::string key = lock_name + "@" + site;
  if (error == -kEdeadlk) {
    if (!cycle_in_reach) {
      std::vector<rt::ContextId> window_cycle;
      const uint32_t window = ExplainFalseDeadlock(me, &window_cycle);
      const uint32_t accepted = view_.scenario().budgets().tolerated_windows;
      if (window != 0 && (window & ~accepted) == 0) {
        view_.Tolerate(WindowName(window));
        return;
      }
      std::string why = " returned -EDEADLK with no deadlock (no wait-for cycle)";
      if (window != 0) {
        why += "; it falls in the " + std::string(WindowName(window)) +
               " window, which this scenario does not accept";
      }
      window_cycle.push_back(me);
      view_.Report(Verdict::kFalseDeadlockReport, view_.context_name(me) + ": " + lock_name + why,
                   (window != 0 ? ScenarioTable(window_cycle, "*** NO DEADLOCK ***") : "") +
                       HeldLocks(window_cycle) + CpuStates() + Where(site),
                   key);
      return;
    }
    if (!c.in_cycle) return;  // Blocked behind a deadlock and said so: fine.
    const uint64_t late = view_.now() - c.cycle_since;
    const auto& b = view_.scenario().budgets();
    const uint64_t budget = c.cycle_locks <= 1 ? b.late_aa_ns : b.late_abba_ns;
    if (late > budget) {
      view_.Report(Verdict::kLateDetection,
                   view_.context_name(me) + ": " + lock_name + " detected the " +
                       (c.cycle_locks <= 1 ? "AA" : "ABBA") + " deadlock " + FormatDuration(late) +
                       " after it formed (budget " + FormatDuration(budget) + ")",
                   ScenarioTable(c.cycle) + HeldLocks(c.cycle) + Where(site), key);
    }
    return;
  }
  if (error == -kEtimedout) {
    if (c.in_cycle) {
      std::string message = view_.context_name(me) + ": " + lock_name +
                            " returned -ETIMEDOUT after " + FormatDuration(waited) +
                            " in a true " + (c.cycle_locks <= 1 ? "AA" : "ABBA") + " deadlock";
      std::string cause_key = key;
      AddEntryCause(c.cycle, &message, &cause_key);
      view_.Report(MissedVerdict(c.cycle_locks), message,
                   ScenarioTable(c.cycle) + HeldLocks(c.cycle) + Where(site), cause_key);
      return;
    }
    // Blocked behind a deadlock of others: that deadlock is the finding.
    for (int id = 0; id < num_contexts(); ++id) {
      const ContextState& other = contexts_[id];
      if (!other.in_cycle || !CycleStands(other.cycle)) continue;
      view_.Report(MissedVerdict(other.cycle_locks),
                   view_.context_name(me) + ": " + lock_name + " returned -ETIMEDOUT after " +
                       FormatDuration(waited) + " behind a true deadlock of " +
                       view_.context_name(static_cast<rt::ContextId>(id)),
                   ScenarioTable(other.cycle) + HeldLocks(other.cycle) + Where(site), key);
      return;
    }
    view_.Report(Verdict::kStarvationTimeout,
                 view_.context_name(me) + ": " + lock_name + " returned -ETIMEDOUT after " +
                     FormatDuration(waited) + " with no deadlock",
                 HeldLocks({me}) + CpuStates() + Where(site), key);
  }
}

}  // namespace rtfuzz::check::internal
