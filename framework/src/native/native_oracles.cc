// framework/src/native/native_oracles.cc
//
// The oracles that can judge real threads, fed by the lock events
// (rtfuzz/check/lock_event_sink.h) wherever the lock runs, signal handlers
// included, so everything here is fixed-size and lock-free:
//   - mutual exclusion: a table of each lock's exclusive holder and reader
//     count, claimed at lock_acquired and cleared at lock_release (the
//     kernel's hook order makes this exact: acquired after the word is
//     ours, released before it is freed);
//   - held locks per context, checked empty when a task or handler returns
//     (runtime.cc, interrupt_signals.cc) and answering lock_is_held();
//   - deadlock errors against the wait-for graph: a context waiting on a
//     lock points at the lock's holders, and a context interrupted points
//     at the context above it on its thread (it cannot run until that one
//     returns). -ETIMEDOUT on a cycle is missed-AA (one lock) or
//     missed-ABBA; -EDEADLK is counted on a cycle or not.

#include <cstdio>
#include <string>

#include "runtime.h"
#include "rtfuzz/base/verdict.h"

namespace rtfuzz::native::internal {
namespace {

uint64_t HolderCode(const ThreadState& ts, int depth) {
  return (static_cast<uint64_t>(ts.task) + 1) << 8 | static_cast<uint64_t>(depth);
}

// The newest entry of `lock` in `f`, acquired or pending; -1 if none.
int FindHeld(const Frame& f, uint32_t lock, bool acquired) {
  for (int i = f.nheld.load() - 1; i >= 0; --i) {
    if (f.held[i].id.load() == lock && f.held[i].acquired.load() == acquired) return i;
  }
  return -1;
}

void EraseHeld(Frame& f, int at) {
  const int n = f.nheld.load();
  for (int i = at; i + 1 < n; ++i) {
    f.held[i].id.store(f.held[i + 1].id.load());
    f.held[i].shared = f.held[i + 1].shared;
    f.held[i].acquired.store(f.held[i + 1].acquired.load());
  }
  f.nheld.store(n - 1);
}

}  // namespace

void Runtime::OnNamed(check::LockId lock, const char* name) {
  if (lock < kMaxLocks && name != nullptr) {
    const char* none = nullptr;
    lock_names_[lock].compare_exchange_strong(none, name);
  }
}

void Runtime::OnAcquire(check::LockId lock, const char* name, check::LockMode mode,
                        bool trylock, const char* site, check::LockKind kind) {
  ThreadState* ts = Self();
  if (ts == nullptr) return;  // OnReset and end checks: no context holds locks.
  OnNamed(lock, name);
  // A seqcount reader never holds anything (lock_events.h).
  if (kind == check::LockKind::kSeqcount && mode == check::LockMode::kShared) return;
  Frame& f = Top(ts);
  const int n = f.nheld.load();
  if (n >= kMaxHeld) {
    Report(Verdict::kInvariant, ContextName(*ts, ts->depth.load()) +
                                    " holds more than 16 locks at once (the native table's "
                                    "limit; lockdep's is 48)");
  }
  f.held[n].id.store(lock);
  f.held[n].shared = mode == check::LockMode::kShared;
  f.held[n].acquired.store(false);
  f.nheld.store(n + 1);
  if (!trylock) {
    f.wait_start_ns = Now();
    f.wait_site = site;
    f.waiting_on.store(lock);
  }
}

void Runtime::OnContended(check::LockId, const char*) {}

void Runtime::OnAcquired(check::LockId lock, const char* site) {
  ThreadState* ts = Self();
  if (ts == nullptr) return;
  const int depth = ts->depth.load();
  Frame& f = ts->frames[depth];
  int at = FindHeld(f, lock, /*acquired=*/false);
  if (at < 0) {  // lock_acquired without lock_acquire: taken as exclusive.
    at = f.nheld.load();
    if (at >= kMaxHeld) Report(Verdict::kInvariant, "more than 16 locks held by one context");
    f.held[at].id.store(lock);
    f.held[at].shared = false;
    f.nheld.store(at + 1);
  }
  // The wait ends before the hold begins: an interrupt between the two sees
  // neither, never a context waiting on a lock it holds.
  f.waiting_on.store(0);
  f.held[at].acquired.store(true);
  NoteProgress();
  if (lock >= kMaxLocks) return;
  const uint64_t me = HolderCode(*ts, depth);
  uint64_t other = 0;
  bool broken = false;
  if (f.held[at].shared) {
    other = exclusive_holder_[lock].load();
    broken = other != 0;
    shared_holders_[lock].fetch_add(1);
  } else {
    broken = !exclusive_holder_[lock].compare_exchange_strong(other, me) ||
             shared_holders_[lock].load() != 0;
  }
  if (!broken) return;
  std::string holder = "readers";
  if (other != 0) {
    const int task = static_cast<int>(other >> 8) - 1;
    const int d = static_cast<int>(other & 0xff);
    holder = task >= 0 && static_cast<size_t>(task) < threads_.size()
                 ? ContextName(*threads_[static_cast<size_t>(task)], d)
                 : "another context";
  }
  Report(Verdict::kMutualExclusion, "mutual exclusion broken: " + ContextName(*ts, depth) +
                                        " acquired lock " + LockName(lock) + " at " +
                                        (site != nullptr ? site : "(unknown)") + " while " +
                                        holder + " held it");
}

void Runtime::OnFailed(check::LockId lock, int error, const char* site) {
  ThreadState* ts = Self();
  if (ts == nullptr) return;
  const int depth = ts->depth.load();
  Frame& f = ts->frames[depth];
  // Judged before the wait ends: the cycle, if any, still holds now.
  const int cycle = f.waiting_on.load() == lock ? CycleLocks(*ts, lock, View::kAcquired) : 0;
  const uint64_t waited_ns = Now() - f.wait_start_ns;
  const int at = FindHeld(f, lock, /*acquired=*/false);
  if (at >= 0) EraseHeld(f, at);
  f.waiting_on.store(0);
  NoteProgress();
  if (error == -check::kEdeadlk) {
    (cycle != 0 ? shared_->deadlock_on_cycle : shared_->deadlock_unjudged).fetch_add(1);
    return;
  }
  if (error != -check::kEtimedout) return;
  shared_->timeouts.fetch_add(1);
  if (cycle == 0) return;
  char message[512];
  std::snprintf(message, sizeof(message),
                "%s waited on lock %s at %s in a true deadlock (a wait-for cycle over %d lock%s) "
                "and got -ETIMEDOUT after %.1f ms instead of -EDEADLK",
                ContextName(*ts, depth).c_str(), LockName(lock).c_str(),
                site != nullptr ? site : "(unknown)", cycle, cycle == 1 ? "" : "s",
                static_cast<double>(waited_ns) / 1e6);
  ClaimMissedDeadlock(cycle, lock, message);
  Park();
}

void Runtime::OnRelease(check::LockId lock, const char*) {
  ThreadState* ts = Self();
  if (ts == nullptr) return;
  bool shared = false;
  bool found = false;
  bool confirmed = false;
  // The newest claim on this thread, the top context first (a release by
  // another context of the same thread is the hook's business): confirmed
  // by lock_acquired() or not, since lockdep holds a lock from
  // lock_acquire() on and many locks call nothing else.
  for (int d = ts->depth.load(); d >= 0 && !found; --d) {
    Frame& f = ts->frames[d];
    int at = FindHeld(f, lock, /*acquired=*/true);
    confirmed = at >= 0;
    if (at < 0) at = FindHeld(f, lock, /*acquired=*/false);
    if (at < 0) continue;
    shared = f.held[at].shared;
    EraseHeld(f, at);
    if (f.waiting_on.load() == lock) f.waiting_on.store(0);
    found = true;
  }
  NoteProgress();
  if (lock >= kMaxLocks) return;
  if (found && !confirmed) return;  // Never in the table.
  if (found && shared) {
    shared_holders_[lock].fetch_sub(1);
  } else if (found || exclusive_holder_[lock].load() != 0) {
    exclusive_holder_[lock].store(0);  // Also a release by another thread (up_write).
  }
}

bool Runtime::Holds(check::LockId lock, int read) {
  ThreadState* ts = Self();
  if (ts == nullptr) return false;
  const Frame& f = Top(ts);
  for (int i = 0; i < f.nheld.load(); ++i) {
    if (f.held[i].id.load() == lock && (read == -1 || f.held[i].shared == (read != 0))) {
      return true;
    }
  }
  return false;
}

// Depth-first search over contexts (thread, depth), from the top context of
// `start` that waits on `lock`, back to itself. Returns the number of
// distinct locks waited on along the cycle found, or 0.
int Runtime::CycleLocks(const ThreadState& start, uint32_t lock, View view) const {
  // The lock a context waits on: what its attempt announced (kAcquired), or
  // in lockdep's view the newest unconfirmed claim of a running context.
  auto waits_on = [view](const ThreadState& t, int depth) -> uint32_t {
    if (depth != t.depth.load()) return 0;  // Interrupted: it waits for the one above.
    const Frame& f = t.frames[depth];
    if (view == View::kAcquired) return f.waiting_on.load();
    for (int i = f.nheld.load() - 1; i >= 0; --i) {
      if (!f.held[i].acquired.load()) return f.held[i].id.load();
    }
    return 0;
  };
  // Whether context (t, depth) holds `l` in this view.
  auto holds = [view](const ThreadState& t, int depth, uint32_t l) {
    const Frame& f = t.frames[depth];
    int spinning_for = -1;  // Index of the running context's newest unconfirmed claim.
    if (view == View::kClaims && depth == t.depth.load()) {
      for (int i = f.nheld.load() - 1; i >= 0 && spinning_for < 0; --i) {
        if (!f.held[i].acquired.load()) spinning_for = i;
      }
    }
    for (int i = 0; i < f.nheld.load(); ++i) {
      if (f.held[i].id.load() != l || i == spinning_for) continue;
      if (view == View::kClaims || f.held[i].acquired.load()) return true;
    }
    return false;
  };
  struct Node {
    int thread;
    int depth;
    int next_edge;  // Iteration state: which edge to try next.
    uint32_t waits;
  };
  constexpr int kMaxNodes = 64;
  Node stack[kMaxNodes];
  bool visited[kMaxNodes * kMaxDepth] = {};
  const int nthreads = static_cast<int>(threads_.size());
  if (nthreads > kMaxNodes) return 0;
  const int start_depth = start.depth.load();
  int sp = 0;
  stack[sp++] = Node{start.task, start_depth, 0, lock};
  visited[start.task * kMaxDepth + start_depth] = true;
  while (sp > 0) {
    Node& n = stack[sp - 1];
    const ThreadState& t = *threads_[static_cast<size_t>(n.thread)];
    const int top = t.depth.load();
    // Edges: 0 = the context above (if interrupted); then 1 + (u * kMaxDepth
    // + e) for every context (u, e) holding what n waits on.
    const int edge_count = 1 + nthreads * kMaxDepth;
    bool pushed = false;
    while (n.next_edge < edge_count && !pushed) {
      const int e = n.next_edge++;
      int to_thread = -1, to_depth = -1;
      if (e == 0) {
        if (n.depth < top) to_thread = n.thread, to_depth = n.depth + 1;
      } else if (n.waits != 0) {
        const int u = (e - 1) / kMaxDepth, d = (e - 1) % kMaxDepth;
        const ThreadState& holder = *threads_[static_cast<size_t>(u)];
        if (d > holder.depth.load()) continue;
        if (holds(holder, d, n.waits)) to_thread = u, to_depth = d;
      }
      if (to_thread < 0) continue;
      if (to_thread == start.task && to_depth == start_depth) {
        // Back at the start: count the distinct locks waited on.
        uint32_t locks[kMaxNodes];
        int count = 0;
        for (int i = 0; i < sp; ++i) {
          bool seen = stack[i].waits == 0;
          for (int j = 0; j < count && !seen; ++j) seen = locks[j] == stack[i].waits;
          if (!seen) locks[count++] = stack[i].waits;
        }
        return count;
      }
      const int key = to_thread * kMaxDepth + to_depth;
      if (visited[key] || sp >= kMaxNodes) continue;
      visited[key] = true;
      const ThreadState& next = *threads_[static_cast<size_t>(to_thread)];
      stack[sp++] = Node{to_thread, to_depth, 0, waits_on(next, to_depth)};
      pushed = true;
    }
    if (!pushed) --sp;
  }
  return 0;
}

}  // namespace rtfuzz::native::internal
