// framework/src/kapi/lockdep.cc
//
// <linux/lockdep.h>: the lockdep/lockstat hooks, forwarded to the oracles
// (rtfuzz::check), the held locks of each context for lock_is_held() and the
// lockdep_assert_*() family, and might_sleep(). Also the helpers every kapi
// lock shares (lock_internal.h): owner codes, annotations, lock points.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "lock_internal.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/check/lock_event_sink.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/kapi/internal/object_id.h"
#include "rtfuzz/kapi/linux/lockdep.h"
#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/preempt_count.h"

namespace rtfuzz::kapi::internal {
namespace {

constexpr const char* kUnnamed = "(unnamed)";
constexpr const char* kUnknownSite = "(unknown)";

// One entry of a context's held locks, as lockdep's held_locks: pushed by
// lock_acquire, marked by lock_acquired, popped by lock_release or by a
// failed attempt.
struct HeldLock {
  uint32_t owner;  // Owner code of the context.
  uint32_t id;
  bool read;
  bool acquired;
};

// Per execution; thread_local as object_id.cc's state (one machine per OS
// thread at a time).
struct LockdepState {
  uint64_t serial = 0;
  std::vector<HeldLock> held;
};

thread_local LockdepState state;

std::vector<HeldLock>& Held() {
  const uint64_t serial = rt::ExecutionSerial();
  if (state.serial != serial) {
    state.serial = serial;
    state.held.clear();
  }
  return state.held;
}

// The newest entry of `owner` for lock `id` (pending only if `pending`).
HeldLock* FindHeld(uint32_t owner, uint32_t id, bool pending) {
  std::vector<HeldLock>& held = Held();
  for (size_t i = held.size(); i-- > 0;) {
    HeldLock& h = held[i];
    if (h.owner == owner && h.id == id && (!pending || !h.acquired)) return &h;
  }
  return nullptr;
}

void EraseHeld(HeldLock* h) {
  std::vector<HeldLock>& held = Held();
  held.erase(held.begin() + (h - held.data()));
}

const char* SiteOr(const char* site) { return site != nullptr ? site : kUnknownSite; }

// The id of a map already used in this execution, or 0 (without assigning
// one: a query must not change the ids later operations get).
uint32_t KnownId(const lockdep_map* map) {
  const uint32_t epoch = static_cast<uint32_t>(rt::ExecutionSerial());
  return map->rtfuzz_obj.epoch == epoch ? map->rtfuzz_obj.id : 0;
}

std::string ContextDescription() {
  char text[128];
  std::snprintf(text, sizeof(text), "%s context (preempt_count=%#x, irqs %s)",
                std::string(rt::ContextKindName(rt::CurrentContextKind())).c_str(),
                rt::PreemptCount(), rt::IrqsDisabled() ? "disabled" : "enabled");
  return text;
}

}  // namespace

uint32_t CurrentOwner() {
  const rt::ContextKind kind = rt::CurrentContextKind();
  if (kind == rt::ContextKind::kTask) return TaskOwner(rt::CurrentTask());
  return kFirstIrqOwner + 4u * static_cast<uint32_t>(rt::CurrentCpu()) +
         static_cast<uint32_t>(kind);
}

LockSite MakeSite(lockdep_map* map, const char* site) {
  const char* name = map->name != nullptr ? map->name : kUnnamed;
  return LockSite{rtfuzz_kapi_named_object_id(&map->rtfuzz_obj, name), name, SiteOr(site)};
}

// On the native backend the held locks are the native oracles' (per
// context, signal-safe: check::LockEventSink); the vector here is the
// simulator's, where one OS thread runs every context.
void AnnotateAcquire(const LockSite& l, check::LockMode mode, bool trylock,
                     check::LockKind kind) {
  if (rt::OnBackend()) return check::LockAcquire(l.id, l.name, mode, trylock, l.site, kind);
  Held().push_back(
      HeldLock{CurrentOwner(), l.id, mode == check::LockMode::kShared, false});
  check::LockAcquire(l.id, l.name, mode, trylock, l.site, kind);
}

void AnnotateContended(LockSite& l) {
  if (l.contended) return;
  l.contended = true;
  check::LockContended(l.id, l.site);
}

void AnnotateAcquired(const LockSite& l) {
  if (rt::OnBackend()) {
    check::LockNamed(l.id, l.name);
    return check::LockAcquired(l.id, l.site);
  }
  const uint32_t owner = CurrentOwner();
  if (HeldLock* h = FindHeld(owner, l.id, /*pending=*/true)) {
    h->acquired = true;
  } else {
    Held().push_back(HeldLock{owner, l.id, false, true});  // No lock_acquire first:
    check::LockNamed(l.id, l.name);  // a hook error the oracle names the lock in.
  }
  check::LockAcquired(l.id, l.site);
}

void AnnotateFailed(const LockSite& l, int error) {
  if (rt::OnBackend()) return check::LockFailed(l.id, error, l.site);
  if (HeldLock* h = FindHeld(CurrentOwner(), l.id, /*pending=*/true)) EraseHeld(h);
  check::LockFailed(l.id, error, l.site);
}

void AnnotateRelease(const LockSite& l) {
  if (rt::OnBackend()) {
    check::LockNamed(l.id, l.name);
    return check::LockRelease(l.id, l.site);
  }
  HeldLock* h = FindHeld(CurrentOwner(), l.id, /*pending=*/false);
  if (h == nullptr) {
    // Released by another context (up_read of a reader that migrated, or a
    // bug the oracles report): drop the newest entry of anyone.
    std::vector<HeldLock>& held = Held();
    for (size_t i = held.size(); i-- > 0 && h == nullptr;) {
      if (held[i].id == l.id) h = &held[i];
    }
  }
  if (h != nullptr) {
    EraseHeld(h);
  } else {
    check::LockNamed(l.id, l.name);  // Nobody held it: the oracle names the lock.
  }
  check::LockRelease(l.id, l.site);
}

void LockPoint(uint32_t id, uint64_t value, bool wrote, const volatile uint32_t* word,
               uint32_t old) {
  rt::Point(rt::Op::kRmw, id, value,
            rt::kPointAtomic | rt::kPointRead | rt::kPointLockOp |
                (wrote ? rt::kPointWrite : 0u) |
                (word != nullptr ? rt::PointWordSize(sizeof(*word)) : 0u),
            word, word == nullptr ? 0 : wrote ? old : *word);
}

void UnlockStorePoint(uint32_t id, uint64_t value, const volatile uint32_t* word) {
  rt::Point(rt::Op::kWrite, id, value,
            rt::kPointWrite | rt::kPointLockOp |
                (word != nullptr ? rt::PointWordSize(sizeof(*word)) : 0u),
            word, word != nullptr ? *word : 0);
}

void MightSleep(const char* what, const char* site) {
  const uint32_t pc = rt::PreemptCount();
  const bool irqs_off = rt::IrqsDisabled();
  // On PREEMPT_RT softirqs run in threads and local_bh_disable() does not
  // disable preemption, so only NMI, hardirq and preempt-disable count.
  const bool atomic = rt::PreemptRt()
                          ? (rt::InNmi(pc) || rt::InHardirq(pc) || (pc & rt::kPreemptMask) != 0)
                          : pc != 0;
  if (!atomic && !irqs_off) return;
  rt::Report(Verdict::kSleepInAtomic,
             std::string("BUG: sleeping function called from invalid context at ") +
                 SiteOr(site) + ": " + what + (rt::PreemptRt() ? " (PREEMPT_RT)" : "") +
                 " in " + ContextDescription());
}

void SleepingLockNotInIrq(const char* what, const char* site) {
  const uint32_t pc = rt::PreemptCount();
  if (!rt::InNmi(pc) && !rt::InHardirq(pc)) return;
  rt::Report(Verdict::kSleepInAtomic,
             std::string("BUG: invalid wait context at ") + SiteOr(site) + ": " + what +
                 " takes a sleeping lock in " + ContextDescription());
}

void CannotWait(const char* what, const char* site) {
  rt::Report(Verdict::kSleepInAtomic,
             std::string("BUG: ") + what + " at " + SiteOr(site) + " must wait in " +
                 ContextDescription() +
                 ": only tasks can sleep on this machine (softirqs are not threads)");
}

void LockBug(const char* what, const LockSite& l) {
  rt::Fail(std::string("BUG: ") + what + " at " + l.site + " (lock '" + l.name + "')");
}

}  // namespace rtfuzz::kapi::internal

namespace {

using rtfuzz::kapi::internal::LockSite;
namespace internal = rtfuzz::kapi::internal;

}  // namespace

extern "C" {

void lock_acquire(struct lockdep_map* lock, unsigned int subclass, int trylock, int read,
                  int check, struct lockdep_map* nest_lock, const char* ip) {
  (void)subclass;
  (void)check;
  (void)nest_lock;
  const LockSite l = internal::MakeSite(lock, ip);
  internal::AnnotateAcquire(
      l, read != 0 ? rtfuzz::check::LockMode::kShared : rtfuzz::check::LockMode::kExclusive,
      trylock != 0,
      lock->rtfuzz_kind == RTFUZZ_LD_SEQCOUNT ? rtfuzz::check::LockKind::kSeqcount
                                              : rtfuzz::check::LockKind::kLock);
}

void lock_release(struct lockdep_map* lock, const char* ip) {
  internal::AnnotateRelease(internal::MakeSite(lock, ip));
}

void lock_contended(struct lockdep_map* lock, const char* ip) {
  LockSite l = internal::MakeSite(lock, ip);
  internal::AnnotateContended(l);
}

void lock_acquired(struct lockdep_map* lock, const char* ip) {
  internal::AnnotateAcquired(internal::MakeSite(lock, ip));
}

void rtfuzz_lock_failed(struct lockdep_map* lock, int err, const char* ip) {
  internal::AnnotateFailed(internal::MakeSite(lock, ip), err);
}

int lock_is_held_type(const struct lockdep_map* lock, int read) {
  const uint32_t id = internal::KnownId(lock);
  if (id == 0) return 0;
  if (rtfuzz::rt::OnBackend()) {
    rtfuzz::check::LockEventSink* sink = rtfuzz::check::ActiveSink();
    return sink != nullptr && sink->Holds(id, read) ? 1 : 0;
  }
  const uint32_t owner = internal::CurrentOwner();
  for (const internal::HeldLock& h : internal::Held()) {
    if (h.owner == owner && h.id == id && h.acquired &&
        (read == -1 || h.read == (read != 0))) {
      return 1;
    }
  }
  return 0;
}

void rtfuzz_kapi_lockdep_assert(const struct lockdep_map* lock, int held, const char* what,
                                const char* site) {
  const bool holds = held == RTFUZZ_KAPI_HELD_NOT ? !lock_is_held_type(lock, -1)
                                                  : lock_is_held_type(lock, held) != 0;
  rtfuzz::check::Invariant(holds, what, internal::SiteOr(site));
}

void rtfuzz_kapi_lockdep_assert_ctx(int cond, const char* what, const char* site) {
  rtfuzz::check::Invariant(cond != 0, what, internal::SiteOr(site));
}

void rtfuzz_kapi_might_sleep(const char* site) { internal::MightSleep("might_sleep()", site); }

}  // extern "C"
