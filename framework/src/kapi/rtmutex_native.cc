// framework/src/kapi/rtmutex_native.cc
//
// The rt_mutex core on the native backend: a PI futex. The owner word holds
// the owner thread's TID (the kernel's futex(2) PI protocol: 0 = free,
// FUTEX_WAITERS set by the kernel when someone sleeps on it); an
// uncontended lock and unlock are one CAS each in user space, a contended
// one enters the kernel, which queues the waiter by priority and boosts the
// owner, as rt_mutex does in the kernel itself. spinlock_t and mutex on
// PREEMPT_RT, and rt_mutex, all come here through rtmutex.cc.
//
// Lock events follow the kernel's order (lock_acquire before the attempt,
// lock_acquired after the word is ours, lock_release before it is freed),
// so the native oracles never see two holders where there is one.

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "lock_internal.h"
#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::kapi::internal {
namespace {

uint32_t MyTid() {
  thread_local const auto tid = static_cast<uint32_t>(::gettid());
  return tid;
}

long Futex(uint32_t* word, int op) {
  return ::syscall(SYS_futex, word, op, 0, nullptr, nullptr, 0);
}

uint32_t OwnerTid(const rtfuzz_kapi_rtmutex* m) {
  return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) & FUTEX_TID_MASK;
}

bool CasFree(rtfuzz_kapi_rtmutex* m) {
  uint32_t expected = 0;
  return __atomic_compare_exchange_n(&m->owner, &expected, MyTid(), false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}

}  // namespace

void NotOnNative(const char* what) {
  if (rt::Backend* backend = rt::OnBackend() ? rt::ActiveBackend() : nullptr) {
    backend->Unsupported(what);
  }
}

// The epoch claim of spinlock.cc's SpinSyncNative, for the owner word.
void NativeRtMutexSync(rtfuzz_kapi_rtmutex* m) {
  const uint64_t serial = rt::ExecutionSerial();
  uint64_t seen = __atomic_load_n(&m->epoch, __ATOMIC_ACQUIRE);
  while (seen != serial) {
    if (seen != (serial | 1) &&
        __atomic_compare_exchange_n(&m->epoch, &seen, serial | 1, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
      __atomic_store_n(&m->owner, 0u, __ATOMIC_RELAXED);
      __atomic_store_n(&m->epoch, serial, __ATOMIC_RELEASE);
      return;
    }
    __builtin_ia32_pause();
    seen = __atomic_load_n(&m->epoch, __ATOMIC_ACQUIRE);
  }
}

void NativeRtMutexLock(rtfuzz_kapi_rtmutex* m, LockSite& l, bool annotate_acquired) {
  if (!CasFree(m)) {
    AnnotateContended(l);
    if (rt::CurrentContextKind() != rt::ContextKind::kTask) CannotWait("a sleeping lock", l.site);
    // FUTEX_LOCK_PI returns with the word ours (the kernel wrote our TID);
    // a signal (an interrupt of this CPU) restarts it.
    while (Futex(&m->owner, FUTEX_LOCK_PI_PRIVATE) != 0) {
      if (errno != EINTR && errno != EAGAIN) {
        LockBug("FUTEX_LOCK_PI failed (the owner word is not a PI futex)", l);
      }
    }
  }
  if (annotate_acquired) AnnotateAcquired(l);
}

bool NativeRtMutexTryTake(rtfuzz_kapi_rtmutex* m) { return CasFree(m); }

bool NativeRtMutexTryLock(rtfuzz_kapi_rtmutex* m, LockSite& l, bool annotate) {
  if (!CasFree(m)) {
    if (annotate) AnnotateFailed(l, -check::kEbusy);
    return false;
  }
  if (annotate) AnnotateAcquired(l);
  return true;
}

void NativeRtMutexUnlock(rtfuzz_kapi_rtmutex* m, LockSite& l, bool annotate_release) {
  if (annotate_release) AnnotateRelease(l);
  const uint32_t owner = OwnerTid(m);
  if (owner != MyTid()) {
    LockBug(owner == 0 ? "unlock of an unlocked lock"
                       : "unlock by a thread that is not the owner",
            l);
  }
  uint32_t expected = MyTid();
  if (__atomic_compare_exchange_n(&m->owner, &expected, 0u, false, __ATOMIC_RELEASE,
                                  __ATOMIC_RELAXED)) {
    return;
  }
  // Waiters: the kernel hands the lock to the top waiter and de-boosts us.
  while (Futex(&m->owner, FUTEX_UNLOCK_PI_PRIVATE) != 0) {
    if (errno != EINTR) LockBug("FUTEX_UNLOCK_PI failed", l);
  }
}

bool NativeRtMutexLocked(const rtfuzz_kapi_rtmutex* m) { return OwnerTid(m) != 0; }

}  // namespace rtfuzz::kapi::internal
