// framework/src/kapi/rwsem.cc
//
// struct rw_semaphore: rwbase_rt (rwbase.cc) on PREEMPT_RT; without it a
// FIFO reader/writer semaphore with writer preference and direct grants, no
// priority inheritance. <linux/rwsem.h> states the semantics.
//
// Non-RT state: readers (active), owner (the writer), the FIFO queue. The
// lock is free iff readers == 0 && owner == 0. Transitions:
//   down_read:  free of writers and queue empty -> readers + 1; else queue
//   down_write: free and queue empty            -> owner = me;  else queue
//   release leaving it free, head is a writer   -> owner = head, granted
//   release leaving it free, head is a reader   -> every queued reader
//                                                  (up to 256) granted

#include <array>
#include <cstdint>

#include "lock_internal.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"

// kapi last: it defines plain-word macros, as the kernel does.
#include "rtfuzz/kapi/linux/rwsem.h"

namespace rtfuzz::kapi::internal {
namespace {

// The kernel's MAX_READERS_WAKEUP: readers one release grants at most.
constexpr size_t kMaxReadersWakeup = 256;
// The count's value in trace records while write-locked.
constexpr uint64_t kWriterValue = uint64_t{1} << 32;

struct Wakeups {
  std::array<rt::TaskId, kMaxReadersWakeup> tasks;
  size_t count = 0;
};

// rwsem_mark_wake(): grants a free lock to the head of the queue (a writer,
// or every queued reader) and lists the tasks to wake. No point.
void Grant(rtfuzz_kapi_sleeplock* sl, Wakeups* wakeups) {
  if (sl->owner != kNoOwner || sl->readers != 0 || sl->head == nullptr) return;
  rtfuzz_kapi_fifo_waiter* head = sl->head;
  if (head->write) {
    FifoRemove(sl, head);
    sl->owner = head->owner;
    head->granted = true;
    wakeups->tasks[wakeups->count++] = head->task;
    return;
  }
  for (rtfuzz_kapi_fifo_waiter* w = sl->head; w != nullptr;) {
    rtfuzz_kapi_fifo_waiter* next = w->next;
    if (!w->write && wakeups->count < kMaxReadersWakeup) {
      FifoRemove(sl, w);
      ++sl->readers;
      w->granted = true;
      wakeups->tasks[wakeups->count++] = w->task;
    }
    w = next;
  }
}

// The waiter's side: queue, then sleep until a release grants the lock.
void WaitForGrant(rtfuzz_kapi_sleeplock* sl, LockSite& l, bool write, const char* what) {
  rtfuzz_kapi_fifo_waiter w;
  FifoJoin(sl, l, &w, write, what);
  LockPoint(l.id, sl->readers, /*wrote=*/true);  // RWSEM_FLAG_WAITERS is set.
  // Check, then sleep, as one step (see RtMutexLock in rtmutex.cc); pairs
  // with the grant and wakeup in Release().
  for (;;) {
    if (w.granted) break;
    rt::SetCurrentStateBlocked(sl);
    rt::Schedule();
  }
  AnnotateAcquired(l);
}

// Ends a release: the lock word's point, then the wakeups of the granted.
void FinishRelease(rtfuzz_kapi_sleeplock* sl, const LockSite& l) {
  Wakeups wakeups;
  Grant(sl, &wakeups);
  LockPoint(l.id, sl->owner != kNoOwner ? kWriterValue : sl->readers, /*wrote=*/true);
  if (wakeups.count == 0) rt::NoteWakeup(sl, -1);
  for (size_t i = 0; i < wakeups.count; ++i) {
    rt::NoteWakeup(sl, wakeups.tasks[i]);
    rt::Wake(wakeups.tasks[i]);
  }
}

}  // namespace
}  // namespace rtfuzz::kapi::internal

namespace {

namespace internal = rtfuzz::kapi::internal;
using rtfuzz::check::LockMode;
using rtfuzz::kapi::internal::LockSite;

// The non-RT attempt: in at once if no writer holds it and nobody waits.
bool TryTake(rtfuzz_kapi_sleeplock* sl, bool write) {
  if (sl->owner != internal::kNoOwner || sl->head != nullptr) return false;
  if (!write) {
    ++sl->readers;
    return true;
  }
  if (sl->readers != 0) return false;
  sl->owner = internal::CurrentOwner();
  return true;
}

uint64_t WordValue(const rtfuzz_kapi_sleeplock* sl) {
  return sl->owner != internal::kNoOwner ? internal::kWriterValue : sl->readers;
}

void Down(struct rw_semaphore* sem, bool write, const char* site) {
  const char* what = write ? "down_write()" : "down_read()";
  internal::MightSleep(what, site);
  LockSite l = internal::MakeSite(&sem->dep_map, site);
  const LockMode mode = write ? LockMode::kExclusive : LockMode::kShared;
  if (rtfuzz::rt::PreemptRt()) {
    internal::RwbaseSync(&sem->rtfuzz_rwbase);
    internal::AnnotateAcquire(l, mode, /*trylock=*/false);
    if (write) {
      internal::RwbaseWriteLock(&sem->rtfuzz_rwbase, internal::RtKind::kRtMutex, l);
    } else {
      internal::RwbaseReadLock(&sem->rtfuzz_rwbase, internal::RtKind::kRtMutex, l);
    }
    return;
  }
  rtfuzz_kapi_sleeplock* sl = &sem->rtfuzz_sl;
  internal::SleeplockSync(sl);
  internal::AnnotateAcquire(l, mode, /*trylock=*/false);
  if (TryTake(sl, write)) {
    internal::AnnotateAcquired(l);
    internal::LockPoint(l.id, WordValue(sl), /*wrote=*/true);
    return;
  }
  internal::WaitForGrant(sl, l, write, what);
}

int DownTrylock(struct rw_semaphore* sem, bool write, const char* site) {
  LockSite l = internal::MakeSite(&sem->dep_map, site);
  const LockMode mode = write ? LockMode::kExclusive : LockMode::kShared;
  if (rtfuzz::rt::PreemptRt()) {
    internal::RwbaseSync(&sem->rtfuzz_rwbase);
    internal::AnnotateAcquire(l, mode, /*trylock=*/true);
    return write ? internal::RwbaseWriteTrylock(&sem->rtfuzz_rwbase,
                                                internal::RtKind::kRtMutex, l)
                 : internal::RwbaseReadTrylock(&sem->rtfuzz_rwbase, l);
  }
  rtfuzz_kapi_sleeplock* sl = &sem->rtfuzz_sl;
  internal::SleeplockSync(sl);
  internal::AnnotateAcquire(l, mode, /*trylock=*/true);
  if (TryTake(sl, write)) {
    internal::AnnotateAcquired(l);
    internal::LockPoint(l.id, WordValue(sl), /*wrote=*/true);
    return 1;
  }
  internal::AnnotateFailed(l, -rtfuzz::check::kEbusy);
  internal::LockPoint(l.id, WordValue(sl), /*wrote=*/false);
  return 0;
}

void Up(struct rw_semaphore* sem, bool write, const char* site) {
  LockSite l = internal::MakeSite(&sem->dep_map, site);
  if (rtfuzz::rt::PreemptRt()) {
    internal::RwbaseSync(&sem->rtfuzz_rwbase);
    if (write) {
      internal::RwbaseWriteUnlock(&sem->rtfuzz_rwbase, l);
    } else {
      internal::RwbaseReadUnlock(&sem->rtfuzz_rwbase, l);
    }
    return;
  }
  rtfuzz_kapi_sleeplock* sl = &sem->rtfuzz_sl;
  internal::SleeplockSync(sl);
  internal::AnnotateRelease(l);
  if (write) {
    if (sl->owner != internal::CurrentOwner()) {
      internal::LockBug("up_write by a task that is not the writer", l);
    }
    sl->owner = internal::kNoOwner;
  } else {
    if (sl->readers == 0) internal::LockBug("up_read of a semaphore no reader holds", l);
    --sl->readers;
  }
  internal::FinishRelease(sl, l);
}

}  // namespace

extern "C" {

void rtfuzz_kapi_down_read(struct rw_semaphore* sem, const char* site) {
  internal::NotOnNative("struct rw_semaphore");
  Down(sem, /*write=*/false, site);
}

int rtfuzz_kapi_down_read_trylock(struct rw_semaphore* sem, const char* site) {
  internal::NotOnNative("struct rw_semaphore");
  return DownTrylock(sem, /*write=*/false, site);
}

void rtfuzz_kapi_up_read(struct rw_semaphore* sem, const char* site) {
  Up(sem, /*write=*/false, site);
}

void rtfuzz_kapi_down_write(struct rw_semaphore* sem, const char* site) {
  internal::NotOnNative("struct rw_semaphore");
  Down(sem, /*write=*/true, site);
}

int rtfuzz_kapi_down_write_trylock(struct rw_semaphore* sem, const char* site) {
  internal::NotOnNative("struct rw_semaphore");
  return DownTrylock(sem, /*write=*/true, site);
}

void rtfuzz_kapi_up_write(struct rw_semaphore* sem, const char* site) {
  Up(sem, /*write=*/true, site);
}

int rtfuzz_kapi_rwsem_is_locked(struct rw_semaphore* sem) {
  if (rtfuzz::rt::PreemptRt()) {
    internal::RwbaseSync(&sem->rtfuzz_rwbase);
    return sem->rtfuzz_rwbase.readers != 0 || sem->rtfuzz_rwbase.writer_pending != 0;
  }
  internal::SleeplockSync(&sem->rtfuzz_sl);
  const rtfuzz_kapi_sleeplock* sl = &sem->rtfuzz_sl;
  return sl->readers != 0 || sl->owner != internal::kNoOwner || sl->head != nullptr;
}

}  // extern "C"
