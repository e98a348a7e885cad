// framework/src/check/spin_deadlock_oracle.cc
//
// Naming a spin deadlock by its locks. The machine ends an execution when
// every CPU that can run spins and nothing still to come can change what the
// spinners read (rt::Observer::OnSpinDeadlock); this oracle says which
// deadlock it is, from the lock events, before the machine falls back to
// naming the words (verdict spin-deadlock):
//
//   missed-AA/ABBA  a cycle in the true wait-for graph (deadlock_oracle.cc),
//                   or in lockdep's view of the spinners: a stuck spinner
//                   waits for its newest claim not yet acquired (the lock
//                   whose lock_acquire() it spins after), and any other
//                   context that claimed that lock and is not itself
//                   spinning for it holds it, as lockdep assumes from
//                   lock_acquire() on. So a lock with only the kernel's hooks
//                   (lock_acquire before the atomic, lock_release before the
//                   releasing store, no lockstat) is named; the machine has
//                   already proven that nobody can move.
//   lost-handoff    every spinner waits for a lock that no context holds or
//                   claims: a release that passed the lock to nobody.

#include <algorithm>
#include <string>
#include <vector>

#include "oracle_state.h"
#include "rtfuzz/base/verdict.h"

namespace rtfuzz::check::internal {
namespace {

constexpr LockId kNoLock = ~LockId{0};

// The lock a spinner waits for in lockdep's view: its newest claim not yet
// acquired, or kNoLock.
const Claim* WaitClaim(const ContextState& c) {
  for (size_t i = c.claims.size(); i-- > 0;) {
    if (!c.claims[i].acquired) return &c.claims[i];
  }
  return nullptr;
}

}  // namespace

void OracleState::OnSpinDeadlock() {
  // A true cycle: the lock events alone prove it. First one that stands;
  // then a wait that was on a cycle that dissolved (another member gave up)
  // and still has not ended, as the deadlock oracle's ticks would judge it.
  for (int pass = 0; pass < 2; ++pass) {
    for (int id = 0; id < num_contexts(); ++id) {
      ContextState& c = contexts_[id];
      if (!c.waiting) continue;
      const bool stands = RefreshCycle(static_cast<rt::ContextId>(id));
      if (pass == 0 ? !stands : !c.in_cycle) continue;
      ReportSpinCycle(static_cast<rt::ContextId>(id), stands);
      return;
    }
  }

  // lockdep's view of the spinners.
  const int n = num_contexts();
  std::vector<LockId> waits_for(static_cast<size_t>(n), kNoLock);
  std::vector<const char*> wait_site(static_cast<size_t>(n), nullptr);
  std::vector<rt::ContextId> spinners;
  for (int cpu = 0; cpu < view_.num_cpus(); ++cpu) {
    const rt::ContextId s = view_.cpu_spinner(cpu);
    if (s == rt::kNoContext) continue;
    spinners.push_back(s);
    if (const Claim* w = WaitClaim(contexts_[s])) {
      waits_for[s] = w->lock;
      wait_site[s] = w->site;
    }
  }
  if (spinners.empty()) return;
  // Holders of `lock` in lockdep's view: true holders, and every context
  // with a claim on it that is not a spinner waiting for it.
  auto holders_of = [&](LockId lock, rt::ContextId except, auto&& visit) {
    for (int id = 0; id < n; ++id) {
      const auto c = static_cast<rt::ContextId>(id);
      if (c == except || waits_for[c] == lock) continue;
      bool claims = Holds(c, lock);
      for (const Claim& cl : contexts_[c].claims) claims |= cl.lock == lock;
      if (claims && visit(c)) return true;
    }
    return false;
  };
  auto successors = [&](rt::ContextId c, auto&& visit) {
    if (waits_for[c] != kNoLock && holders_of(waits_for[c], c, visit)) return true;
    if (const rt::ContextId up = InterruptedBy(c); up != rt::kNoContext && visit(up)) return true;
    const rt::ContextId cpu_user = KeptOffCpuBy(c);
    return cpu_user != rt::kNoContext && visit(cpu_user);
  };
  std::vector<int> on_path(static_cast<size_t>(n), -1);
  std::vector<bool> done(static_cast<size_t>(n), false);
  std::vector<rt::ContextId> path, cycle;
  auto dfs = [&](auto&& self, rt::ContextId c) -> bool {
    on_path[c] = static_cast<int>(path.size());
    path.push_back(c);
    if (successors(c, [&](rt::ContextId next) {
          if (on_path[next] >= 0) {
            cycle.assign(path.begin() + on_path[next], path.end());
            return true;
          }
          return !done[next] && self(self, next);
        })) {
      return true;
    }
    path.pop_back();
    on_path[c] = -1;
    done[c] = true;
    return false;
  };
  for (rt::ContextId s : spinners) {
    if (waits_for[s] == kNoLock || done[s] || !dfs(dfs, s)) continue;
    std::vector<LockId> locks;
    rt::ContextId waiter = s;
    for (rt::ContextId c : cycle) {
      if (waits_for[c] == kNoLock) continue;
      locks.push_back(waits_for[c]);
      if (std::find(spinners.begin(), spinners.end(), c) != spinners.end()) waiter = c;
    }
    std::sort(locks.begin(), locks.end());
    const size_t distinct = static_cast<size_t>(std::unique(locks.begin(), locks.end()) -
                                                locks.begin());
    if (distinct == 0) continue;
    const LockId lock = waits_for[waiter];
    std::string holder;
    for (rt::ContextId c : cycle) {
      if (c != waiter && holder.empty()) {
        holders_of(lock, waiter, [&](rt::ContextId h) {
          if (h == c) holder = view_.context_name(h);
          return !holder.empty();
        });
      }
    }
    const std::string message =
        view_.context_name(waiter) + " spins forever for " + LockName(lock) +
        (holder.empty() ? std::string() : ", which " + holder + " holds (lockdep's view)") +
        ": a true " + (distinct == 1 ? "AA" : "ABBA") +
        " deadlock, and every CPU that can run spins without news";
    view_.Report(distinct == 1 ? Verdict::kMissedAa : Verdict::kMissedAbba, message,
                 ScenarioTable(cycle) + Claims(cycle) + " spinning:\n" + view_.spin_report() +
                     Where(wait_site[waiter]),
                 LockName(lock) + "@" + wait_site[waiter]);
    return;
  }

  // Every spinner that waits for a lock (a trylock retry loop claims none)
  // waits for one that nobody holds.
  LockId lock = kNoLock;
  for (rt::ContextId s : spinners) {
    if (waits_for[s] == kNoLock) continue;
    if (holders_of(waits_for[s], s, [](rt::ContextId) { return true; })) return;
    if (lock == kNoLock) lock = waits_for[s];
  }
  if (lock == kNoLock) return;
  const LockInfo& l = this->lock(lock);
  // The release window: its last releaser called lock_release() and was
  // interrupted, before its releasing store, beneath a spinner waiting for
  // the lock on its CPU. It holds the lock in memory and cannot run: AA.
  if (const rt::ContextId r = l.last_releaser;
      r != rt::kNoContext && InterruptedBy(r) != rt::kNoContext) {
    const rt::ContextId top = view_.cpu_spinner(view_.context_cpu(r));
    if (top != rt::kNoContext && waits_for[top] == lock) {
      const std::vector<rt::ContextId> pair = {r, top};
      view_.Report(Verdict::kMissedAa,
                   view_.context_name(top) + " spins forever for " + LockName(lock) + ", which " +
                       view_.context_name(r) + " released (lock_release at " +
                       (l.last_release_site != nullptr ? l.last_release_site : "?") +
                       ") but has not stored yet: it is interrupted beneath it; a true AA "
                       "deadlock in the release window",
                   ScenarioTable(pair) + Claims(pair) + " spinning:\n" + view_.spin_report() +
                       Where(wait_site[top]),
                   LockName(lock) + "@" + wait_site[top] + " (release-window)");
      return;
    }
  }
  std::string waiters;
  for (rt::ContextId s : spinners) waiters += " " + view_.context_name(s);
  std::string message = "every CPU that can run spins waiting for " + LockName(lock) +
                        " and no context holds it:" + waiters;
  if (l.last_releaser != rt::kNoContext) {
    message += "; its last release was by " + view_.context_name(l.last_releaser) +
               (l.last_release_site != nullptr ? std::string(" at ") + l.last_release_site
                                               : std::string());
  }
  view_.Report(Verdict::kLostHandoff, message,
               ScenarioTable(spinners, "*** NOBODY HOLDS IT ***") + Claims(spinners) +
                   " spinning:\n" + view_.spin_report() + Where(l.last_release_site),
               LockName(lock) + "@" +
                   (l.last_release_site != nullptr ? l.last_release_site : "never released"));
}

void OracleState::ReportSpinCycle(rt::ContextId me, bool stands) {
  const ContextState& c = contexts_[me];
  std::string message =
      view_.context_name(me) + " waits forever for " + LockName(c.attempt_lock) + ": a true " +
      (c.cycle_locks <= 1 ? "AA" : "ABBA") + " deadlock" +
      (stands ? "" : " (which dissolved while it kept waiting)") +
      ", and every CPU that can run spins without news";
  std::string key = LockName(c.attempt_lock) + "@" + c.attempt_site;
  AddEntryCause(c.cycle, &message, &key);
  view_.Report(c.cycle_locks <= 1 ? Verdict::kMissedAa : Verdict::kMissedAbba, message,
               ScenarioTable(c.cycle) + HeldLocks(c.cycle) + " spinning:\n" +
                   view_.spin_report() + Where(c.attempt_site),
               key);
}

}  // namespace rtfuzz::check::internal
