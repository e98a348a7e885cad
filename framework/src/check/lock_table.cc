// framework/src/check/lock_table.cc
//
// Lock events into the oracles' lock table, and the safety oracle:
// mutual-exclusion (an exclusive holder beside any other, or a shared holder
// beside an exclusive one), leaked-lock (a lock held when its interrupt
// context returns, or at the end of the execution), invariant.

#include <string>

#include "oracle_state.h"
#include "rtfuzz/base/verdict.h"

namespace rtfuzz::check::internal {

LockInfo& OracleState::lock(LockId id) {
  if (id >= locks_.size()) locks_.resize(id + 1);
  return locks_[id];
}

void OracleState::Record(rt::ContextId id, LockEvent::Kind kind, LockId lock, bool shared) {
  std::vector<LockEvent>& h = contexts_[id].history;
  if (h.size() == kHistory) h.erase(h.begin());
  h.push_back(LockEvent{seq_++, kind, lock, shared});
}

void OracleState::OnAcquire(LockId id, const char* name, LockMode mode, bool trylock,
                            const char* site, LockKind kind) {
  const rt::ContextId me = current();
  if (me == rt::kNoContext) return;
  LockInfo& l = lock(id);
  if (l.name == nullptr) l.name = name;
  if (kind != LockKind::kLock) l.kind = kind;
  ++input.lock_events;
  ContextState& c = contexts_[me];
  if (l.kind == LockKind::kSeqcount && mode == LockMode::kShared) {
    c.seq_read = id;  // Must be released in this step unless it waits.
    c.seq_read_step = view_.step();
  }
  c.attempting = true;
  c.attempt_lock = id;
  c.attempt_mode = mode;
  c.attempt_trylock = trylock;
  c.attempt_site = site;
  c.claims.push_back(Claim{id, false, site});
  Record(me, trylock ? LockEvent::kTrylock : LockEvent::kLock, id, mode == LockMode::kShared);
  // The claim is lockdep's view of the acquisition (a waiter from here until
  // it holds the lock); the wait-for graph that times deadlocks waits for
  // lock_contended(): a resilient lock cannot detect an attempt before it
  // starts (spin_deadlock_oracle.cc uses the claims once nobody can move).
}

void OracleState::OnContended(LockId id, const char* site) {
  const rt::ContextId me = current();
  if (me == rt::kNoContext) return;
  ContextState& c = contexts_[me];
  if (!c.attempting || c.attempt_lock != id) {
    c.attempting = true;  // A lock that does not announce its attempts.
    c.attempt_lock = id;
    c.attempt_mode = LockMode::kExclusive;
    c.attempt_trylock = false;
    c.attempt_site = site;
    c.claims.push_back(Claim{id, false, site});
    Record(me, LockEvent::kLock, id);
  }
  if (c.seq_read == id) c.seq_read = ContextState::kNoSeqRead;  // A wait, not a hold.
  ++input.lock_events;
  ++input.waits;
  if (view_.context_kind(me) == rt::ContextKind::kTask) ++input.task_waits;
  c.waiting = true;
  c.wait_since = view_.now();
  c.predecessor = rt::kNoContext;
  c.in_cycle = false;
  c.inverted = false;
  FindCycle(me);
}

void OracleState::OnWaitsBehind(LockId id, rt::ContextId predecessor, const char* site) {
  const rt::ContextId me = current();
  if (me == rt::kNoContext) return;
  ContextState& c = contexts_[me];
  if (!c.waiting || c.attempt_lock != id) OnContended(id, site);
  c.predecessor = predecessor < num_contexts() ? predecessor : rt::kNoContext;
  c.in_cycle = false;
  FindCycle(me);
}

void OracleState::OnAcquired(LockId id, const char* site) {
  const rt::ContextId me = current();
  if (me == rt::kNoContext) return;
  ContextState& c = contexts_[me];
  const bool attempt = c.attempting && c.attempt_lock == id;
  bool claimed = attempt;  // Or an attempt another lock's wait nested in.
  for (size_t i = 0; i < c.claims.size() && !claimed; ++i) {
    claimed = c.claims[i].lock == id && !c.claims[i].acquired;
  }
  if (!claimed) {
    HookError("lock_acquired", id, site,
              "no lock_acquire() (or lock_contended()) of it came first in this context; "
              "lockdep needs the attempt before its success");
  }
  const LockMode mode = attempt ? c.attempt_mode : LockMode::kExclusive;
  LockInfo& l = lock(id);
  if (l.kind == LockKind::kSeqcount && mode == LockMode::kShared) {
    // A reader got an even count: it never holds the seqcount.
    c.seq_read = id;
    c.seq_read_step = view_.step();
  }
  for (size_t i = c.claims.size(); i-- > 0;) {  // The attempt's claim (checked above).
    if (c.claims[i].lock == id && !c.claims[i].acquired) {
      c.claims[i].acquired = true;
      break;
    }
  }
  c.attempting = c.waiting = c.in_cycle = c.inverted = false;
  c.predecessor = rt::kNoContext;
  ++input.lock_events;
  if (l.kind == LockKind::kSeqcount && mode == LockMode::kShared) return;
  ++input.acquisitions;
  for (const Holder& h : l.holders) {
    if (mode == LockMode::kShared && h.mode == LockMode::kShared) continue;
    // A lock annotated shared beside an exclusive holder: a real reader/
    // writer overlap for a lock, but a seqcount must say it is one.
    const bool reader_writer = mode != h.mode;
    const std::string message =
        view_.context_name(me) + " acquired " + LockName(id) +
        (mode == LockMode::kShared ? " (shared)" : " (exclusive)") + " while " +
        view_.context_name(h.context) + " holds it" +
        (h.mode == LockMode::kShared ? " (shared)" : " (exclusive)") + " since " +
        FormatDuration(h.since) +
        (reader_writer ? "; if " + LockName(id) +
                             " is a sequence counter, its readers are not holders: annotate "
                             "them with seqcount_acquire_read() or use seqcount_t"
                       : std::string());
    const std::vector<rt::ContextId> involved = {h.context, me};
    view_.Report(Verdict::kMutualExclusion, message,
                 ScenarioTable(involved, "*** TWO HOLDERS ***", 2) + HeldLocks(involved) +
                     Where(site),
                 LockName(id) + "@" + site);
    return;  // Only reached on the runner, which never acquires.
  }
  Holder h{me, mode, site, view_.now()};
  for (const Entry& e : c.entries) {
    if (e.lock == id && !e.released) h.entry = HolderEntry::kPublished;
  }
  l.holders.push_back(h);
  c.held.push_back(id);
  if (l.name == nullptr) l.name = "lock";
}

void OracleState::OnFailed(LockId id, int error, const char* site) {
  const rt::ContextId me = current();
  if (me == rt::kNoContext) return;
  Record(me, LockEvent::kFailed, id);
  ++input.lock_events;
  if (error != -kEbusy) ++input.lock_errors;
  if (error != -kEbusy) OnDeadlockResult(me, error, site);
  ContextState& c = contexts_[me];
  for (size_t i = c.claims.size(); i-- > 0;) {
    if (c.claims[i].lock == id && !c.claims[i].acquired) {
      c.claims.erase(c.claims.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  c.attempting = c.waiting = c.in_cycle = c.inverted = false;
  c.predecessor = rt::kNoContext;
}

void OracleState::OnRelease(LockId id, const char* site) {
  const rt::ContextId me = current();
  if (me == rt::kNoContext) return;
  LockInfo& l = lock(id);
  ContextState& mine = contexts_[me];
  ++input.lock_events;
  if (mine.seq_read == id) {
    mine.seq_read = ContextState::kNoSeqRead;
    if (view_.step() != mine.seq_read_step) {
      HookError("lock_release", id, site,
                "a seqcount reader kept it from step " + std::to_string(mine.seq_read_step) +
                    " across scheduling points: readers are not holders; release right after "
                    "the read acquire (as read_seqcount_begin() does), and annotate a wait "
                    "on an odd count with lock_contended()");
    }
  }
  size_t at = l.holders.size();
  for (size_t i = 0; i < l.holders.size(); ++i) {
    if (l.holders[i].context == me) at = i;
  }
  // Released by another context than the one that took it (a lock handed
  // over, or an owner-less release): drop the only holder.
  if (at == l.holders.size() && l.holders.size() == 1) at = 0;
  const bool had_holder = at < l.holders.size();
  if (had_holder) {
    std::vector<LockId>& held = contexts_[l.holders[at].context].held;
    for (size_t i = held.size(); i-- > 0;) {
      if (held[i] == id) {
        held.erase(held.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    l.holders.erase(l.holders.begin() + static_cast<std::ptrdiff_t>(at));
  }
  // lockdep's held lock: the releasing context's newest claim, else (handed
  // over, owner-less) anyone's.
  auto drop_claim = [id](std::vector<Claim>& claims) {
    for (size_t i = claims.size(); i-- > 0;) {
      if (claims[i].lock != id) continue;
      claims.erase(claims.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
    return false;
  };
  bool claimed = drop_claim(mine.claims);
  for (size_t i = 0; i < contexts_.size() && !claimed; ++i) claimed = drop_claim(contexts_[i].claims);
  if (!claimed && !had_holder) {
    HookError("lock_release", id, site,
              "nobody holds or is taking it (lockdep's \"bad unlock balance\"): a release "
              "without its lock_acquire(), or released twice");
  }
  // A kernel-hooked lock (no lock_acquired()) ends its attempt here.
  if (mine.attempting && mine.attempt_lock == id) {
    mine.attempting = mine.waiting = mine.in_cycle = mine.inverted = false;
    mine.predecessor = rt::kNoContext;
  }
  l.last_releaser = me;
  l.last_release_site = site;
  // An entry the releasing context published for the lock is stale now.
  std::vector<Entry>& entries = contexts_[me].entries;
  for (size_t i = entries.size(); i-- > 0;) {
    if (entries[i].lock == id && !entries[i].released) {
      entries[i].released = true;
      break;
    }
  }
  Record(me, LockEvent::kUnlock, id);
}

void OracleState::OnEntryPublished(LockId id) {
  const rt::ContextId me = current();
  if (me == rt::kNoContext) return;
  LockInfo& l = lock(id);
  l.keeps_entries = true;
  for (Holder& h : l.holders) {
    if (h.context == me) h.entry = HolderEntry::kPublished;
  }
  contexts_[me].entries.push_back(Entry{id, false});
}

void OracleState::OnEntryCleared(LockId id) {
  const rt::ContextId me = current();
  if (me == rt::kNoContext) return;
  for (Holder& h : lock(id).holders) {
    if (h.context == me) h.entry = HolderEntry::kWithdrawn;  // Cleared while held.
  }
  std::vector<Entry>& entries = contexts_[me].entries;
  for (size_t i = entries.size(); i-- > 0;) {
    if (entries[i].lock == id) {
      entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

void OracleState::HookError(const char* hook, LockId lock, const char* site,
                            const std::string& why) {
  const std::string what = std::string(hook) + "(" + LockName(lock) + ") by " +
                           view_.context_name(current()) + " at " + site;
  view_.Report(Verdict::kInvariant, "lockdep hook error: " + what + ": " + why,
               ScenarioTable({current()}, "*** BAD HOOK SEQUENCE ***", 4) + Where(site),
               std::string(hook) + ":" + LockName(lock) + "@" + site);
}

void OracleState::OnInvariant(const char* what, const char* site, std::string_view detail) {
  std::string message = std::string("invariant broken: ") + what;
  if (!detail.empty()) message += " (" + std::string(detail) + ")";
  view_.Report(Verdict::kInvariant, message, CpuStates() + Where(site),
               std::string(what) + "@" + site);
}

void OracleState::CheckLeaks(rt::ContextId exiting) {
  for (int id = 0; id < num_contexts(); ++id) {
    if (exiting != rt::kNoContext && id != exiting) continue;
    const ContextState& c = contexts_[id];
    if (c.held.empty()) continue;
    const auto ctx = static_cast<rt::ContextId>(id);
    const std::string message =
        view_.context_name(ctx) +
        (exiting != rt::kNoContext ? " returned holding " : " still holds at exit ") +
        LockName(c.held.back());
    view_.Report(Verdict::kLeakedLock, message, HeldLocks({ctx}),
                 view_.context_name(ctx) + ":" + LockName(c.held.back()));
    return;
  }
}

}  // namespace rtfuzz::check::internal
