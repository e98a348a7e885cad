// framework/src/kapi/spinlock.cc
//
// raw_spinlock_t (always a spinning test-and-set lock with preemption
// disabled) and spinlock_t (the same without PREEMPT_RT; the rt_mutex core
// as an rtlock with it). <linux/spinlock.h> states the semantics.

#include <cstdint>

#include "lock_internal.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/context.h"

// kapi last: it defines plain-word macros, as the kernel does.
#include "rtfuzz/kapi/linux/preempt.h"
#include "rtfuzz/kapi/linux/spinlock.h"

namespace rtfuzz::kapi::internal {
namespace {

// On the native backend several threads may touch a lock first at once:
// the epoch is claimed with a CAS to an odd "resetting" value, the winner
// frees the word, and the others wait for the even "ready" value, so no
// thread takes the lock before its reset. Serials are even on the native
// backend (native.h); the simulator's single thread takes the plain path.
void SpinSyncNative(rtfuzz_kapi_spin* s, uint64_t serial) {
  uint64_t seen = __atomic_load_n(&s->epoch, __ATOMIC_ACQUIRE);
  while (seen != serial) {
    if (seen != (serial | 1) &&
        __atomic_compare_exchange_n(&s->epoch, &seen, serial | 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
      __atomic_store_n(&s->owner, kNoOwner, __ATOMIC_RELAXED);
      __atomic_store_n(&s->epoch, serial, __ATOMIC_RELEASE);
      return;
    }
    __builtin_ia32_pause();
    seen = __atomic_load_n(&s->epoch, __ATOMIC_ACQUIRE);
  }
}

// A lock first touched in this execution (or native run): its reset.
__attribute__((__noinline__)) void SpinSyncSlow(rtfuzz_kapi_spin* s, uint64_t serial) {
  if (rt::OnBackend()) return SpinSyncNative(s, serial);
  s->epoch = serial;
  s->owner = kNoOwner;
}

inline void SpinSync(rtfuzz_kapi_spin* s) {
  const uint64_t serial = rt::ExecutionSerial();
  if (__builtin_expect(__atomic_load_n(&s->epoch, __ATOMIC_ACQUIRE) == serial, 1)) return;
  SpinSyncSlow(s, serial);
}

// The lock word's test-and-set, a real CAS (the native backend's threads
// race on it; on the simulator it is one instruction between two points).
bool ClaimOwner(rtfuzz_kapi_spin* s, uint32_t me) {
  if (!RealThreads()) {  // One OS thread: no lock prefix needed (internal/kapi.h).
    if (s->owner != kNoOwner) return false;
    s->owner = me;
    return true;
  }
  uint32_t expected = kNoOwner;
  return __atomic_compare_exchange_n(&s->owner, &expected, me, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}

uint32_t OwnerNow(const rtfuzz_kapi_spin* s) {
  return __atomic_load_n(&s->owner, __ATOMIC_RELAXED);
}

// raw_spin_lock(): [irqs or bh off], preempt_disable(), then test-and-set
// until it succeeds, with cpu_relax() after each failure.
unsigned long SpinningLock(rtfuzz_kapi_spin* s, lockdep_map* map, int mode, const char* site) {
  const unsigned long flags = EnterIrqMode(mode);
  rt::PreemptDisable();
  SpinSync(s);
  LockSite l = MakeSite(map, site);
  AnnotateAcquire(l, check::LockMode::kExclusive, /*trylock=*/false);
  const uint32_t me = CurrentOwner();
  for (;;) {
    if (ClaimOwner(s, me)) {
      AnnotateAcquired(l);
      LockPoint(l.id, me, /*wrote=*/true, &s->owner, /*old=*/kNoOwner);
      return flags;
    }
    AnnotateContended(l);
    LockPoint(l.id, OwnerNow(s), /*wrote=*/false, &s->owner);
    rt::Spin(l.id);
  }
}

int SpinningTrylock(rtfuzz_kapi_spin* s, lockdep_map* map, int mode, unsigned long* flags_out,
                    const char* site) {
  const unsigned long flags = EnterIrqMode(mode);
  if (flags_out != nullptr) *flags_out = flags;
  rt::PreemptDisable();
  SpinSync(s);
  LockSite l = MakeSite(map, site);
  AnnotateAcquire(l, check::LockMode::kExclusive, /*trylock=*/true);
  const uint32_t me = CurrentOwner();
  if (ClaimOwner(s, me)) {
    AnnotateAcquired(l);
    LockPoint(l.id, me, /*wrote=*/true, &s->owner, /*old=*/kNoOwner);
    return 1;
  }
  AnnotateFailed(l, -check::kEbusy);
  LockPoint(l.id, OwnerNow(s), /*wrote=*/false, &s->owner);
  rt::PreemptEnable();
  ExitIrqMode(mode, flags);
  return 0;
}

// raw_spin_unlock(): store-release, then [irqs restored,] preempt_enable()
// [, bottom halves on].
void SpinningUnlock(rtfuzz_kapi_spin* s, lockdep_map* map, int mode, unsigned long flags,
                    const char* site) {
  SpinSync(s);
  LockSite l = MakeSite(map, site);
  AnnotateRelease(l);
  const uint32_t owner = OwnerNow(s);
  if (owner != CurrentOwner()) {
    LockBug(owner == kNoOwner ? "unlock of an unlocked spinlock"
                              : "spinlock unlock by a context that is not the owner",
            l);
  }
  __atomic_store_n(&s->owner, kNoOwner, __ATOMIC_RELEASE);
  UnlockStorePoint(l.id, kNoOwner, &s->owner);
  SpinUnlockTail(mode, flags);
}

constexpr const char* kSpinLockNames[] = {"spin_lock()", "spin_lock_irq()",
                                          "spin_lock_irqsave()", "spin_lock_bh()"};
constexpr const char* kSpinTrylockNames[] = {"spin_trylock()", "spin_trylock_irq()",
                                             "spin_trylock_irqsave()", "spin_trylock_bh()"};

}  // namespace

unsigned long EnterIrqMode(int mode) {
  switch (mode) {
    case RTFUZZ_KAPI_IRQ:
      rt::LocalIrqDisable();
      return 0;
    case RTFUZZ_KAPI_IRQSAVE:
      return rt::LocalIrqSave();
    case RTFUZZ_KAPI_BH:
      rt::LocalBhDisable();
      return 0;
    default:
      return 0;
  }
}

void ExitIrqMode(int mode, unsigned long flags) {
  switch (mode) {
    case RTFUZZ_KAPI_IRQ:
      rt::LocalIrqEnable();
      break;
    case RTFUZZ_KAPI_IRQSAVE:
      rt::LocalIrqRestore(flags);
      break;
    case RTFUZZ_KAPI_BH:
      rt::LocalBhEnable();
      break;
    default:
      break;
  }
}

void SpinUnlockTail(int mode, unsigned long flags) {
  if (mode == RTFUZZ_KAPI_BH) {
    rt::PreemptEnable();
    ExitIrqMode(mode, flags);
  } else {
    ExitIrqMode(mode, flags);
    rt::PreemptEnable();
  }
}

}  // namespace rtfuzz::kapi::internal

namespace {

namespace internal = rtfuzz::kapi::internal;
using rtfuzz::kapi::internal::LockSite;

}  // namespace

extern "C" {

// --- raw_spinlock_t ---

unsigned long rtfuzz_kapi_raw_spin_lock(raw_spinlock_t* lock, int mode, const char* site) {
  return internal::SpinningLock(&lock->rtfuzz_spin, &lock->dep_map, mode, site);
}

int rtfuzz_kapi_raw_spin_trylock(raw_spinlock_t* lock, int mode, unsigned long* flags,
                                 const char* site) {
  return internal::SpinningTrylock(&lock->rtfuzz_spin, &lock->dep_map, mode, flags, site);
}

void rtfuzz_kapi_raw_spin_unlock(raw_spinlock_t* lock, int mode, unsigned long flags,
                                 const char* site) {
  internal::SpinningUnlock(&lock->rtfuzz_spin, &lock->dep_map, mode, flags, site);
}

int rtfuzz_kapi_raw_spin_is_locked(raw_spinlock_t* lock) {
  internal::SpinSync(&lock->rtfuzz_spin);
  return internal::OwnerNow(&lock->rtfuzz_spin) != internal::kNoOwner;
}

// --- spinlock_t ---

unsigned long rtfuzz_kapi_spin_lock(spinlock_t* lock, int mode, const char* site) {
  if (!rtfuzz::rt::PreemptRt()) {
    return internal::SpinningLock(&lock->rtfuzz_spin, &lock->dep_map, mode, site);
  }
  // rt_spin_lock(): might sleep; no irq or preemption disabling.
  internal::MightSleep(internal::ModeName(internal::kSpinLockNames, mode), site);
  internal::RtMutexSync(&lock->rtfuzz_rtm);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  internal::AnnotateAcquire(l, rtfuzz::check::LockMode::kExclusive, /*trylock=*/false);
  internal::RtMutexLock(&lock->rtfuzz_rtm, internal::RtKind::kRtLock, l,
                        /*annotate_acquired=*/true);
  migrate_disable();
  // After the lock: see <linux/spinlock.h> on spin_lock_bh and PREEMPT_RT.
  if (mode == RTFUZZ_KAPI_BH) rtfuzz::rt::LocalBhDisable();
  return 0;
}

int rtfuzz_kapi_spin_trylock(spinlock_t* lock, int mode, unsigned long* flags,
                             const char* site) {
  if (!rtfuzz::rt::PreemptRt()) {
    return internal::SpinningTrylock(&lock->rtfuzz_spin, &lock->dep_map, mode, flags, site);
  }
  if (flags != nullptr) *flags = 0;
  internal::SleepingLockNotInIrq(internal::ModeName(internal::kSpinTrylockNames, mode), site);
  internal::RtMutexSync(&lock->rtfuzz_rtm);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  internal::AnnotateAcquire(l, rtfuzz::check::LockMode::kExclusive, /*trylock=*/true);
  if (!internal::RtMutexTryLock(&lock->rtfuzz_rtm, internal::RtKind::kRtLock, l,
                                /*annotate=*/true)) {
    return 0;
  }
  migrate_disable();
  if (mode == RTFUZZ_KAPI_BH) rtfuzz::rt::LocalBhDisable();
  return 1;
}

void rtfuzz_kapi_spin_unlock(spinlock_t* lock, int mode, unsigned long flags,
                             const char* site) {
  if (!rtfuzz::rt::PreemptRt()) {
    internal::SpinningUnlock(&lock->rtfuzz_spin, &lock->dep_map, mode, flags, site);
    return;
  }
  internal::RtMutexSync(&lock->rtfuzz_rtm);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  migrate_enable();
  internal::RtMutexUnlock(&lock->rtfuzz_rtm, l, /*annotate_release=*/true);
  if (mode == RTFUZZ_KAPI_BH) rtfuzz::rt::LocalBhEnable();
}

int rtfuzz_kapi_spin_is_locked(spinlock_t* lock) {
  if (!rtfuzz::rt::PreemptRt()) {
    internal::SpinSync(&lock->rtfuzz_spin);
    return internal::OwnerNow(&lock->rtfuzz_spin) != internal::kNoOwner;
  }
  internal::RtMutexSync(&lock->rtfuzz_rtm);
  return lock->rtfuzz_rtm.owner != internal::kNoOwner;
}

}  // extern "C"
