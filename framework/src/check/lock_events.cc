// framework/src/check/lock_events.cc
//
// The lock events of lock_events.h: a trace record each, then the oracles of
// the running execution, if any observe it.

#include "rtfuzz/check/lock_events.h"

#include "oracle_state.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::check {

void LockAcquire(LockId lock, const char* name, LockMode mode, bool trylock, const char* site,
                 LockKind kind) {
  rt::Annotate(rt::Op::kLockAcquire, lock, mode == LockMode::kShared ? 1 : 0);
  if (auto* s = internal::ActiveState()) s->OnAcquire(lock, name, mode, trylock, site, kind);
}

void LockContended(LockId lock, const char* site) {
  rt::Annotate(rt::Op::kLockContended, lock, 0);
  if (auto* s = internal::ActiveState()) s->OnContended(lock, site);
}

void LockAcquired(LockId lock, const char* site) {
  rt::Annotate(rt::Op::kLockAcquired, lock, 0);
  if (auto* s = internal::ActiveState()) s->OnAcquired(lock, site);
}

void LockFailed(LockId lock, int error, const char* site) {
  rt::Annotate(rt::Op::kLockFailed, lock, static_cast<uint64_t>(static_cast<int64_t>(error)));
  if (auto* s = internal::ActiveState()) s->OnFailed(lock, error, site);
}

void LockRelease(LockId lock, const char* site) {
  rt::Annotate(rt::Op::kLockRelease, lock, 0);
  if (auto* s = internal::ActiveState()) s->OnRelease(lock, site);
}

void LockWaitsBehind(LockId lock, uint16_t predecessor, const char* site) {
  rt::Annotate(rt::Op::kLockContended, lock, predecessor);
  if (auto* s = internal::ActiveState()) s->OnWaitsBehind(lock, predecessor, site);
}

void LockEntryPublished(LockId lock, const char* /*site*/) {
  if (auto* s = internal::ActiveState()) s->OnEntryPublished(lock);
}

void LockEntryCleared(LockId lock, const char* /*site*/) {
  if (auto* s = internal::ActiveState()) s->OnEntryCleared(lock);
}

void LockNamed(LockId lock, const char* name) {
  if (auto* s = internal::ActiveState()) {
    internal::LockInfo& l = s->lock(lock);
    if (l.name == nullptr) l.name = name;
  }
}

void Invariant(bool holds, const char* what, const char* site) {
  if (holds) return;
  if (auto* s = internal::ActiveState()) s->OnInvariant(holds, what, site);
  rt::Report(Verdict::kInvariant, std::string("invariant broken: ") + what + " at " + site);
}

}  // namespace rtfuzz::check
