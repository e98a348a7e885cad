// framework/src/kapi/mutex.cc
//
// struct mutex: the rt_mutex core on PREEMPT_RT; without it, a sleeping lock
// with FIFO waiters, lock stealing and the kernel's handoff, and no priority
// inheritance. <linux/mutex.h> states the semantics.
//
// Non-RT state: owner, pickup (the owner code a handoff reserved the free
// lock for), handoff (the first waiter asked for one), and the FIFO queue.
//
//   unlock, queue empty                        -> free
//   unlock, waiters, no handoff asked          -> free; wake the first waiter
//   unlock, waiters, handoff asked by the head -> reserved for the head; wake it

#include <cstdint>

#include "lock_internal.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"

// kapi last: it defines plain-word macros, as the kernel does.
#include "rtfuzz/kapi/linux/mutex.h"

namespace rtfuzz::kapi::internal {

void SleeplockSync(rtfuzz_kapi_sleeplock* sl) {
  NotOnNative("struct mutex without PREEMPT_RT");
  const uint64_t serial = rt::ExecutionSerial();
  if (sl->epoch == serial) return;
  sl->epoch = serial;
  sl->owner = kNoOwner;
  sl->readers = 0;
  sl->pickup = kNoOwner;
  sl->handoff = 0;
  sl->head = sl->tail = nullptr;
}

void FifoJoin(rtfuzz_kapi_sleeplock* sl, LockSite& l, rtfuzz_kapi_fifo_waiter* w, bool write,
              const char* what) {
  AnnotateContended(l);
  const uint32_t me = CurrentOwner();
  if (!OwnerIsTask(me)) CannotWait(what, l.site);
  *w = rtfuzz_kapi_fifo_waiter{};
  w->owner = me;
  w->task = OwnerTask(me);
  w->write = write;
  w->next = nullptr;
  if (sl->tail != nullptr) {
    sl->tail->next = w;
  } else {
    sl->head = w;
  }
  sl->tail = w;
}

void FifoRemove(rtfuzz_kapi_sleeplock* sl, rtfuzz_kapi_fifo_waiter* w) {
  rtfuzz_kapi_fifo_waiter* prev = nullptr;
  for (rtfuzz_kapi_fifo_waiter* it = sl->head; it != nullptr; prev = it, it = it->next) {
    if (it != w) continue;
    if (prev != nullptr) {
      prev->next = w->next;
    } else {
      sl->head = w->next;
    }
    if (sl->tail == w) sl->tail = prev;
    w->next = nullptr;
    return;
  }
}

namespace {

// __mutex_trylock(): a free lock is anyone's, unless it was handed off.
bool MutexTryTake(rtfuzz_kapi_sleeplock* sl, uint32_t me, rtfuzz_kapi_fifo_waiter* w) {
  if (sl->owner != kNoOwner) return false;
  if (sl->pickup != kNoOwner && sl->pickup != me) return false;
  sl->owner = me;
  sl->pickup = kNoOwner;
  if (w != nullptr) FifoRemove(sl, w);
  return true;
}

void FifoMutexLock(rtfuzz_kapi_sleeplock* sl, LockSite& l) {
  const uint32_t me = CurrentOwner();
  if (MutexTryTake(sl, me, nullptr)) {
    AnnotateAcquired(l);
    LockPoint(l.id, me, /*wrote=*/true);
    return;
  }
  rtfuzz_kapi_fifo_waiter w;
  FifoJoin(sl, l, &w, /*write=*/true, "mutex_lock()");
  LockPoint(l.id, sl->owner, /*wrote=*/true);  // MUTEX_FLAG_WAITERS is set.
  // Check, then sleep, as one step (see RtMutexLock in rtmutex.cc).
  bool woken = false;
  for (;;) {
    if (MutexTryTake(sl, me, &w)) break;
    // __mutex_trylock_or_handoff(): woken first and still beaten to it.
    if (woken && sl->head == &w) sl->handoff = 1;
    rt::SetCurrentStateBlocked(sl);
    rt::Schedule();
    woken = true;
  }
  AnnotateAcquired(l);
  LockPoint(l.id, me, /*wrote=*/true);
}

void FifoMutexUnlock(rtfuzz_kapi_sleeplock* sl, LockSite& l) {
  AnnotateRelease(l);
  if (sl->owner != CurrentOwner()) {
    LockBug(sl->owner == kNoOwner ? "mutex_unlock of an unlocked mutex"
                                  : "mutex_unlock by a task that is not the owner",
            l);
  }
  sl->owner = kNoOwner;
  int wake = -1;
  if (sl->head != nullptr) {
    wake = sl->head->task;
    if (sl->handoff) sl->pickup = sl->head->owner;  // __mutex_handoff().
  }
  sl->handoff = 0;
  LockPoint(l.id, sl->pickup, /*wrote=*/true);
  rt::NoteWakeup(sl, wake);
  if (wake >= 0) rt::Wake(static_cast<rt::TaskId>(wake));
}

}  // namespace
}  // namespace rtfuzz::kapi::internal

namespace {

namespace internal = rtfuzz::kapi::internal;
using rtfuzz::kapi::internal::LockSite;

}  // namespace

extern "C" {

void rtfuzz_kapi_mutex_lock(struct mutex* lock, const char* site) {
  internal::MightSleep("mutex_lock()", site);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  if (rtfuzz::rt::PreemptRt()) {
    internal::RtMutexSync(&lock->rtfuzz_rtm);
    internal::AnnotateAcquire(l, rtfuzz::check::LockMode::kExclusive, /*trylock=*/false);
    internal::RtMutexLock(&lock->rtfuzz_rtm, internal::RtKind::kRtMutex, l,
                          /*annotate_acquired=*/true);
    return;
  }
  internal::SleeplockSync(&lock->rtfuzz_sl);
  internal::AnnotateAcquire(l, rtfuzz::check::LockMode::kExclusive, /*trylock=*/false);
  internal::FifoMutexLock(&lock->rtfuzz_sl, l);
}

int rtfuzz_kapi_mutex_trylock(struct mutex* lock, const char* site) {
  internal::SleepingLockNotInIrq("mutex_trylock()", site);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  if (rtfuzz::rt::PreemptRt()) {
    internal::RtMutexSync(&lock->rtfuzz_rtm);
    internal::AnnotateAcquire(l, rtfuzz::check::LockMode::kExclusive, /*trylock=*/true);
    return internal::RtMutexTryLock(&lock->rtfuzz_rtm, internal::RtKind::kRtMutex, l,
                                    /*annotate=*/true);
  }
  rtfuzz_kapi_sleeplock* sl = &lock->rtfuzz_sl;
  internal::SleeplockSync(sl);
  internal::AnnotateAcquire(l, rtfuzz::check::LockMode::kExclusive, /*trylock=*/true);
  const uint32_t me = internal::CurrentOwner();
  if (internal::MutexTryTake(sl, me, nullptr)) {
    internal::AnnotateAcquired(l);
    internal::LockPoint(l.id, me, /*wrote=*/true);
    return 1;
  }
  internal::AnnotateFailed(l, -rtfuzz::check::kEbusy);
  internal::LockPoint(l.id, sl->owner, /*wrote=*/false);
  return 0;
}

void rtfuzz_kapi_mutex_unlock(struct mutex* lock, const char* site) {
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  if (rtfuzz::rt::PreemptRt()) {
    internal::RtMutexSync(&lock->rtfuzz_rtm);
    internal::RtMutexUnlock(&lock->rtfuzz_rtm, l, /*annotate_release=*/true);
    return;
  }
  internal::SleeplockSync(&lock->rtfuzz_sl);
  internal::FifoMutexUnlock(&lock->rtfuzz_sl, l);
}

int rtfuzz_kapi_mutex_is_locked(struct mutex* lock) {
  if (rtfuzz::rt::PreemptRt()) {
    internal::RtMutexSync(&lock->rtfuzz_rtm);
    return lock->rtfuzz_rtm.owner != internal::kNoOwner;
  }
  internal::SleeplockSync(&lock->rtfuzz_sl);
  return lock->rtfuzz_sl.owner != internal::kNoOwner;
}

}  // extern "C"
