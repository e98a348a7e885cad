// framework/src/check/lock_events.cc
//
// The lock events of lock_events.h: a trace record each, then the oracles of
// the running execution, if any observe it.

#include "rtfuzz/check/lock_events.h"

#include <atomic>

#include "oracle_state.h"
#include "rtfuzz/check/lock_event_sink.h"
#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::check {
namespace {

std::atomic<LockEventSink*> active_sink{nullptr};

// The sink, if this thread runs on a backend rather than a machine. On the
// simulator the sink is null: one load and a branch.
[[gnu::always_inline]] inline LockEventSink* Sink() {
  LockEventSink* sink = active_sink.load(std::memory_order_acquire);
  if (__builtin_expect(sink == nullptr, 1)) return nullptr;
  return rt::OnBackend() ? sink : nullptr;
}

}  // namespace

LockEventSink* ActiveSink() { return active_sink.load(std::memory_order_acquire); }
void SetActiveSink(LockEventSink* sink) { active_sink.store(sink, std::memory_order_release); }

void LockAcquire(LockId lock, const char* name, LockMode mode, bool trylock, const char* site,
                 LockKind kind) {
  if (LockEventSink* sink = Sink()) return sink->OnAcquire(lock, name, mode, trylock, site, kind);
  rt::Annotate(rt::Op::kLockAcquire, lock, mode == LockMode::kShared ? 1 : 0);
  if (auto* s = internal::ActiveState()) s->OnAcquire(lock, name, mode, trylock, site, kind);
}

void LockContended(LockId lock, const char* site) {
  if (LockEventSink* sink = Sink()) return sink->OnContended(lock, site);
  rt::Annotate(rt::Op::kLockContended, lock, 0);
  if (auto* s = internal::ActiveState()) s->OnContended(lock, site);
}

void LockAcquired(LockId lock, const char* site) {
  if (LockEventSink* sink = Sink()) return sink->OnAcquired(lock, site);
  rt::Annotate(rt::Op::kLockAcquired, lock, 0);
  if (auto* s = internal::ActiveState()) s->OnAcquired(lock, site);
}

void LockFailed(LockId lock, int error, const char* site) {
  if (LockEventSink* sink = Sink()) return sink->OnFailed(lock, error, site);
  rt::Annotate(rt::Op::kLockFailed, lock, static_cast<uint64_t>(static_cast<int64_t>(error)));
  if (auto* s = internal::ActiveState()) s->OnFailed(lock, error, site);
}

void LockRelease(LockId lock, const char* site) {
  if (LockEventSink* sink = Sink()) return sink->OnRelease(lock, site);
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
  if (LockEventSink* sink = Sink()) return sink->OnNamed(lock, name);
  if (auto* s = internal::ActiveState()) {
    internal::LockInfo& l = s->lock(lock);
    if (l.name == nullptr) l.name = name;
  }
}

void Invariant(bool holds, const char* what, const char* site) {
  Invariant(holds, what, site, {});
}

void Invariant(bool holds, const char* what, const char* site, std::string_view detail) {
  if (holds) return;
  if (auto* s = internal::ActiveState()) s->OnInvariant(what, site, detail);
  std::string message = std::string("invariant broken: ") + what;
  if (!detail.empty()) message += " (" + std::string(detail) + ")";
  rt::Report(Verdict::kInvariant, message + " at " + site);
}

}  // namespace rtfuzz::check
