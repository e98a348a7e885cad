// framework/src/check/tolerated_windows.cc
//
// Tolerated windows: a resilient lock's detector reads its own published
// entries (LockEntryPublished), which may name a lock early (published
// before the lock is taken) or late (still there after the release), so it
// can return -EDEADLK where the wait-for graph has no cycle. Such a return
// is explained, and tolerated if the scenario accepts the window
// (rt::OracleBudgets::tolerated_windows), only when the graph itself shows
// the window for the reporting context:
//
//   entry-before-acquire / entry-after-release
//       a cycle through the reporter in the graph extended by entry edges:
//       a waiter for L -> a context with an unheld entry for L (a would-be
//       holder), and a context with an unheld entry for L -> L's holders
//       (it is taken to want L). The window is the kind of the entries the
//       cycle uses.
//   nmi-over-waiter
//       the reporter is an NMI and a lower context of its CPU waits for a
//       lock (an NMI cannot queue behind its own CPU's queued waiter).
//
// Everything else with no true cycle is false-deadlock-report.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "oracle_state.h"

namespace rtfuzz::check::internal {

bool OracleState::Holds(rt::ContextId c, LockId id) const {
  for (const Holder& h : locks_[id].holders) {
    if (h.context == c) return true;
  }
  return false;
}

uint32_t OracleState::UnheldEntryWindow(rt::ContextId c, LockId id) const {
  const std::vector<Entry>& entries = contexts_[c].entries;
  for (size_t i = entries.size(); i-- > 0;) {
    if (entries[i].lock != id) continue;
    if (Holds(c, id)) return 0;
    return entries[i].released ? rt::window::kEntryAfterRelease
                               : rt::window::kEntryBeforeAcquire;
  }
  return 0;
}

// visit(next, window): window 0 for a true edge, else the entry's window.
template <typename Visit>
bool OracleState::ForEachEntrySuccessor(rt::ContextId c, Visit visit) const {
  if (ForEachSuccessor(c, [&](rt::ContextId next) { return visit(next, 0u); })) return true;
  const ContextState& s = contexts_[c];
  if (s.waiting) {
    for (int d = 0; d < num_contexts(); ++d) {
      const auto other = static_cast<rt::ContextId>(d);
      if (other == c) continue;
      const uint32_t w = UnheldEntryWindow(other, s.attempt_lock);
      if (w != 0 && visit(other, w)) return true;
    }
  }
  for (const Entry& e : s.entries) {
    const uint32_t w = UnheldEntryWindow(c, e.lock);
    if (w == 0) continue;
    for (const Holder& h : locks_[e.lock].holders) {
      if (h.context != c && visit(h.context, w)) return true;
    }
  }
  return false;
}

uint32_t OracleState::ExplainFalseDeadlock(rt::ContextId reporter,
                                           std::vector<rt::ContextId>* cycle) {
  // A path from the reporter back to it; contexts are few (tens). `window`
  // accumulates the entry windows of the edges on the path.
  const size_t n = static_cast<size_t>(num_contexts());
  on_path_.assign(n, -1);
  done_.assign(n, false);
  path_.clear();
  std::vector<uint32_t> windows;  // Per edge of path_; rare path, may allocate.
  auto visit = [&](auto&& self, rt::ContextId c) -> bool {
    on_path_[c] = static_cast<int>(path_.size());
    path_.push_back(c);
    const bool found = ForEachEntrySuccessor(c, [&](rt::ContextId next, uint32_t w) {
      if (next == reporter) {
        windows.push_back(w);
        return true;
      }
      if (on_path_[next] >= 0 || done_[next]) return false;
      windows.push_back(w);
      if (self(self, next)) return true;
      windows.pop_back();
      return false;
    });
    if (found) return true;
    path_.pop_back();
    on_path_[c] = -1;
    done_[c] = true;
    return false;
  };
  if (visit(visit, reporter)) {
    uint32_t window = 0;
    for (uint32_t w : windows) window |= w;
    if (window != 0) {  // 0 would be a true cycle, which the caller ruled out.
      *cycle = path_;
      return window;
    }
  }
  cycle->clear();
  if (view_.context_kind(reporter) == rt::ContextKind::kNmi) {
    const int cpu = view_.context_cpu(reporter);
    for (int level = 0; level < view_.cpu_depth(cpu); ++level) {
      const rt::ContextId below = view_.cpu_context(cpu, level);
      if (below == reporter) break;
      if (below != rt::kNoContext && contexts_[below].waiting) {
        *cycle = {below, reporter};
        return rt::window::kNmiOverWaiter;
      }
    }
  }
  return 0;
}

void OracleState::AddEntryCause(const std::vector<rt::ContextId>& cycle, std::string* message,
                                std::string* site) const {
  for (rt::ContextId c : cycle) {
    const ContextState& s = contexts_[c];
    if (!s.waiting || !locks_[s.attempt_lock].keeps_entries) continue;
    for (const Holder& h : locks_[s.attempt_lock].holders) {
      if (h.entry == HolderEntry::kPublished) continue;
      if (std::find(cycle.begin(), cycle.end(), h.context) == cycle.end()) continue;
      const bool withdrawn = h.entry == HolderEntry::kWithdrawn;
      *message += "; its detector cannot see it: " + view_.context_name(h.context) + " holds " +
                  LockName(s.attempt_lock) + " with its entry " +
                  (withdrawn ? "already withdrawn (cleared before the release)"
                             : "not yet published (published after the acquisition)");
      *site += withdrawn ? " (holder-entry-withdrawn)" : " (holder-entry-unpublished)";
      return;
    }
  }
}

std::string_view OracleState::WindowName(uint32_t window) {
  switch (window) {
    case rt::window::kEntryBeforeAcquire:
      return "entry-before-acquire";
    case rt::window::kEntryAfterRelease:
      return "entry-after-release";
    case rt::window::kEntryBeforeAcquire | rt::window::kEntryAfterRelease:
      return "entry-before-acquire+entry-after-release";
    case rt::window::kNmiOverWaiter:
      return "nmi-over-waiter";
    default:
      return "none";
  }
}

}  // namespace rtfuzz::check::internal
