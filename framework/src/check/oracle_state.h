// framework/src/check/oracle_state.h
//
// OracleState: what the oracles know about one execution — every lock's
// holders, every context's held locks, wait and recent lock history — and the
// per-oracle state. Each oracle's rules live in its own file; this header is
// the shared data. Internal to rtfuzz::check.

#ifndef RTFUZZ_SRC_CHECK_ORACLE_STATE_H_
#define RTFUZZ_SRC_CHECK_ORACLE_STATE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rtfuzz/base/format.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/observer.h"

namespace rtfuzz::check::internal {

// Whether a holder's own entry (LockEntryPublished) names the lock it holds:
// a resilient lock's detector can see the hold only while it does.
enum class HolderEntry : uint8_t { kNotPublished, kPublished, kWithdrawn };

struct Holder {
  rt::ContextId context;
  LockMode mode;
  const char* site;
  uint64_t since;
  HolderEntry entry = HolderEntry::kNotPublished;
};

struct LockInfo {
  const char* name = nullptr;  // Null until the lock is first seen.
  std::vector<Holder> holders;
  bool keeps_entries = false;  // A LockEntryPublished named it.
  LockKind kind = LockKind::kLock;
  // The last release, for lost-handoff reports.
  rt::ContextId last_releaser = rt::kNoContext;
  const char* last_release_site = nullptr;
};

// A lock as lockdep sees a context hold it: from lock_acquire() (before the
// atomic, for a non-try acquisition) until lock_release() or a failed end.
// `acquired`: lock_acquired() (lockstat) or a trylock's success said so.
struct Claim {
  LockId lock;
  bool acquired;
  const char* site;
};

// One lock event of a context, for the report's scenario table.
struct LockEvent {
  uint64_t seq;  // Global order.
  enum Kind : uint8_t { kLock, kTrylock, kUnlock, kFailed } kind;
  LockId lock;
  bool shared;  // A read-side attempt: the picture says rlock().
};

// An entry a resilient lock published for its own deadlock detector
// (LockEntryPublished). `released`: the context released the lock after
// publishing the entry, which is now stale.
struct Entry {
  LockId lock;
  bool released;
};

struct ContextState {
  std::vector<LockId> held;  // In acquisition order.
  std::vector<Claim> claims;  // lockdep's held_locks of the context, oldest first.
  std::vector<Entry> entries;  // Published, oldest first.
  // The attempt in progress (between LockAcquire and its end).
  bool attempting = false;
  LockId attempt_lock = 0;
  LockMode attempt_mode = LockMode::kExclusive;
  bool attempt_trylock = false;
  const char* attempt_site = nullptr;
  // Waiting (LockContended .. end of the attempt).
  bool waiting = false;
  uint64_t wait_since = 0;
  // The context it is queued behind (LockWaitsBehind), or kNoContext.
  rt::ContextId predecessor = rt::kNoContext;
  // The wait is, or was during this attempt, part of a true deadlock: the
  // last cycle it was on, formed at cycle_since (cycle_locks distinct locks
  // on it: 1 = AA, more = ABBA). RefreshCycle says whether it still stands.
  bool in_cycle = false;
  uint64_t cycle_since = 0;
  int cycle_locks = 0;
  std::vector<rt::ContextId> cycle;  // The cycle, from this context.
  // Priority inversion seen continuously since, for a waiting task.
  bool inverted = false;
  uint64_t inverted_since = 0;
  std::vector<LockEvent> history;  // The last kHistory lock events.
  // A seqcount read that completed (LockAcquired) and awaits its release:
  // the lock and the machine step it completed at (kNoSeqRead: none).
  static constexpr LockId kNoSeqRead = ~LockId{0};
  LockId seq_read = kNoSeqRead;
  uint64_t seq_read_step = 0;
};

class OracleState {
 public:
  static constexpr size_t kHistory = 8;

  OracleInput input;  // Over every execution (Start counts them).

  void Start(const rt::MachineView& view);
  const rt::MachineView& view() const { return view_; }
  bool active() const;  // This execution is the one running now.

  // lock_table.cc: lock events and the safety oracle.
  void OnAcquire(LockId lock, const char* name, LockMode mode, bool trylock, const char* site,
                 LockKind kind);
  void OnContended(LockId lock, const char* site);
  void OnAcquired(LockId lock, const char* site);
  void OnFailed(LockId lock, int error, const char* site);
  void OnRelease(LockId lock, const char* site);
  void OnWaitsBehind(LockId lock, rt::ContextId predecessor, const char* site);
  void OnEntryPublished(LockId lock);
  void OnEntryCleared(LockId lock);
  void OnInvariant(const char* what, const char* site, std::string_view detail);
  // A lockdep hook called where no lock could be in that state: the verdict
  // invariant, "<hook>(<lock>) by <context> at <site>: <why>".
  void HookError(const char* hook, LockId lock, const char* site, const std::string& why);
  void CheckLeaks(rt::ContextId exiting);  // kNoContext: every context (end).

  // deadlock_oracle.cc
  // Finds a wait-for cycle reachable from `start`; marks every waiter on it.
  bool FindCycle(rt::ContextId start);
  // Whether every edge of `cycle` is still in the graph: a cycle dissolves
  // when a member's wait ends or an interrupt on it returns.
  bool CycleStands(const std::vector<rt::ContextId>& cycle) const;
  static bool SameMembers(const std::vector<rt::ContextId>& a, const std::vector<rt::ContextId>& b);
  // A waiter's cycle record: kept while its cycle stands, replaced when it
  // is on a new one (FindCycle), and otherwise left as the last cycle it was
  // on (in_cycle stays set until the wait ends). Returns whether the
  // waiter's cycle stands now.
  bool RefreshCycle(rt::ContextId id);
  void CheckDeadlocks();  // Ticks: missed detection past the budget.
  void OnHang();
  // spin_deadlock_oracle.cc: every CPU that can run spins and nothing can
  // change (rt::Observer::OnSpinDeadlock): a true cycle, or one in lockdep's
  // view of the spinners' claims, is missed-AA/ABBA; spinners that all wait
  // for locks nobody holds are lost-handoff.
  void OnSpinDeadlock();
  void ReportSpinCycle(rt::ContextId waiter, bool stands);
  void OnDeadlockResult(rt::ContextId context, int error, const char* site);

  // tolerated_windows.cc: the rt::window bits of the window that explains
  // a -EDEADLK of `reporter` with no true cycle, or 0; an entry window
  // leaves its cycle (through published entries) in *cycle.
  uint32_t ExplainFalseDeadlock(rt::ContextId reporter, std::vector<rt::ContextId>* cycle);
  static std::string_view WindowName(uint32_t window);
  // Why a resilient lock's detector could not see a deadlock on `cycle`: a
  // holder on it whose entry for the lock it holds is not published yet or
  // already withdrawn. Appends "; <why>" to *message and " (<tag>)" to *site,
  // or leaves both when every holder's entry is there (or the lock keeps
  // none).
  void AddEntryCause(const std::vector<rt::ContextId>& cycle, std::string* message,
                     std::string* site) const;
  // inversion_oracle.cc, stall_oracle.cc, noise_oracle.cc
  void CheckInversion();
  std::string TaskPriority(rt::ContextId task) const;  // "FIFO 90 [prio 9]".
  std::string HolderPriorityChange(rt::ContextId holder, LockId lock) const;
  void CheckStall();
  bool AnyWaitOnCycle();  // A waiter is, or was in this wait, on a cycle.
  void CheckNoise();

  // lock_report.cc: report bodies.
  std::string LockName(LockId lock) const;
  std::map<uint32_t, std::string> LockNames() const;  // Of named locks.
  // The last `per_context` lock events of each context, in CPU columns, then
  // `footer` (e.g. "*** DEADLOCK ***").
  std::string ScenarioTable(const std::vector<rt::ContextId>& contexts,
                            const char* footer = "*** DEADLOCK ***",
                            size_t per_context = 4) const;
  std::string HeldLocks(const std::vector<rt::ContextId>& contexts) const;
  std::string Claims(const std::vector<rt::ContextId>& contexts) const;  // lockdep's view.
  // Each distinct context's line ("  name (CPUn):" + line(c, state, &out)).
  template <typename Line>
  std::string PerContext(const std::vector<rt::ContextId>& contexts, const char* title,
                         Line line) const;
  std::string CpuStates() const;
  std::string Where(const char* site) const;

  ContextState& context(rt::ContextId id) { return contexts_[id]; }
  const ContextState& context(rt::ContextId id) const { return contexts_[id]; }
  LockInfo& lock(LockId id);
  int num_contexts() const { return static_cast<int>(contexts_.size()); }
  rt::ContextId current() const { return view_.current_context(); }
  // The context a context waits for because it interrupted it (the one
  // directly above it on its CPU), or kNoContext.
  rt::ContextId InterruptedBy(rt::ContextId id) const;
  // For a runnable task that is not running: the context that keeps it off
  // its CPU — the interrupt on top, or a running task it cannot preempt —
  // or kNoContext.
  rt::ContextId KeptOffCpuBy(rt::ContextId id) const;
  // Calls visit(next) for each wait-for edge c -> next until it returns
  // true; returns whether it did.
  template <typename Visit>
  bool ForEachSuccessor(rt::ContextId c, Visit visit) const;
  // Whether `c` holds `lock` (is in its holders).
  bool Holds(rt::ContextId c, LockId lock) const;
  void Record(rt::ContextId id, LockEvent::Kind kind, LockId lock, bool shared = false);

 private:
  rt::MachineView view_{nullptr};
  uint64_t serial_ = 0;
  uint64_t seq_ = 0;
  std::vector<LockInfo> locks_;
  std::vector<ContextState> contexts_;
  // The window bit of c's newest entry for `lock` if c does not hold it
  // (rt::window::kEntryBeforeAcquire or kEntryAfterRelease), else 0.
  uint32_t UnheldEntryWindow(rt::ContextId c, LockId lock) const;
  template <typename Visit>
  bool ForEachEntrySuccessor(rt::ContextId c, Visit visit) const;
  // FindCycle's scratch, kept across calls so it does not allocate.
  std::vector<int> on_path_;
  std::vector<bool> done_;
  std::vector<rt::ContextId> path_;
  std::vector<rt::ContextId> cycle_;
  std::vector<LockId> locks_on_cycle_;
};

// Wait-for edges of the true graph (deadlock_oracle.cc has the rules).
template <typename Visit>
bool OracleState::ForEachSuccessor(rt::ContextId c, Visit visit) const {
  const ContextState& s = contexts_[c];
  if (s.waiting) {
    // Seqcount readers are never holders, so a waiting reader's edges go to
    // the writers only.
    for (const Holder& h : locks_[s.attempt_lock].holders) {
      if (s.attempt_mode == LockMode::kShared && h.mode == LockMode::kShared) continue;
      if (visit(h.context)) return true;
    }
    if (s.predecessor != rt::kNoContext && visit(s.predecessor)) return true;
  }
  if (const rt::ContextId up = InterruptedBy(c); up != rt::kNoContext && visit(up)) return true;
  const rt::ContextId cpu_user = KeptOffCpuBy(c);
  return cpu_user != rt::kNoContext && visit(cpu_user);
}

// The state of the running execution, or null when no Oracles observe it.
OracleState* ActiveState();
void SetActiveState(OracleState* state);


}  // namespace rtfuzz::check::internal

#endif  // RTFUZZ_SRC_CHECK_ORACLE_STATE_H_
