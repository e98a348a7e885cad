// framework/src/kapi/rwbase.cc
//
// rwbase_rt: the reader/writer core of rwlock_t and rw_semaphore on
// PREEMPT_RT (the kernel's kernel/locking/rwbase_rt.c, after 286deb7ec03d
// "locking/rwbase: Mitigate indefinite writer starvation").
//
// State: `readers` (active readers), `writer_pending` (a writer owns rtm and
// has taken the reader bias away: new readers must take the slow path),
// `write_locked` (and every reader has left), and the rtmutex `rtm`.
//
//   (readers, pending, locked)   meaning
//   (n, 0, 0)                    n readers; readers get in with one atomic
//   (n, 1, 0), n > 0             a writer owns rtm and waits for n readers;
//                                new readers block on rtm, boosting it
//   (0, 1, 1)                    write-locked
//
// Priority inheritance: readers never own anything, so a writer waiting for
// readers boosts nobody; readers (and writers) waiting on rtm boost the
// writer that owns it.

#include <cstdint>

#include "lock_internal.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::kapi::internal {
namespace {

// The lock word's value in trace records while write-locked.
constexpr uint64_t kWriterValue = uint64_t{1} << 32;

}  // namespace

void RwbaseSync(rtfuzz_kapi_rwbase* b) {
  if (b->epoch == rt::ExecutionSerial()) return;
  b->epoch = rt::ExecutionSerial();
  b->readers = 0;
  b->writer_pending = 0;
  b->write_locked = 0;
  RtMutexReset(&b->rtm);
}

void RwbaseReadLock(rtfuzz_kapi_rwbase* b, RtKind kind, LockSite& l) {
  // rwbase_read_trylock(): no writer, one increment.
  if (!b->writer_pending) {
    ++b->readers;
    AnnotateAcquired(l);
    LockPoint(l.id, b->readers, /*wrote=*/true);
    return;
  }
  AnnotateContended(l);
  // The reader waits for the pending writer, which is not a holder yet:
  // name it, so a cycle through a writer that waits for the readers is a
  // deadlock to the oracles and not only a hang (spec 2.6's stall).
  if (OwnerIsTask(b->rtm.owner)) {
    check::LockWaitsBehind(l.id, static_cast<uint16_t>(OwnerTask(b->rtm.owner)), l.site);
  }
  LockPoint(l.id, b->readers, /*wrote=*/false);
  // __rwbase_read_lock(): wait for the writer on rtm (and boost it). Owning
  // rtm means no writer is active; take a read reference and let rtm go.
  RtMutexLock(&b->rtm, kind, l, /*annotate_acquired=*/false);
  ++b->readers;
  AnnotateAcquired(l);
  RtMutexUnlock(&b->rtm, l, /*annotate_release=*/false);
}

bool RwbaseReadTrylock(rtfuzz_kapi_rwbase* b, LockSite& l) {
  if (b->writer_pending) {
    AnnotateFailed(l, -check::kEbusy);
    LockPoint(l.id, b->readers, /*wrote=*/false);
    return false;
  }
  ++b->readers;
  AnnotateAcquired(l);
  LockPoint(l.id, b->readers, /*wrote=*/true);
  return true;
}

void RwbaseReadUnlock(rtfuzz_kapi_rwbase* b, LockSite& l) {
  AnnotateRelease(l);
  if (b->readers == 0) LockBug("read unlock of a lock no reader holds", l);
  --b->readers;
  // The last reader out wakes the writer that waits for it (rtm's owner).
  int writer = -1;
  if (b->readers == 0 && b->writer_pending && OwnerIsTask(b->rtm.owner)) {
    writer = OwnerTask(b->rtm.owner);
  }
  LockPoint(l.id, b->readers, /*wrote=*/true);
  rt::NoteWakeup(b, writer);
  if (writer >= 0) rt::Wake(static_cast<rt::TaskId>(writer));
}

void RwbaseWriteLock(rtfuzz_kapi_rwbase* b, RtKind kind, LockSite& l) {
  RtMutexLock(&b->rtm, kind, l, /*annotate_acquired=*/false);
  b->writer_pending = 1;  // atomic_sub(READER_BIAS): readers to the slow path.
  if (b->readers == 0) {
    b->write_locked = 1;
    AnnotateAcquired(l);
    LockPoint(l.id, kWriterValue, /*wrote=*/true);
    return;
  }
  AnnotateContended(l);
  LockPoint(l.id, b->readers, /*wrote=*/true);
  const uint32_t me = CurrentOwner();
  // Check, then sleep (one step: see RtMutexLock); pairs with the wakeup of
  // the last reader in RwbaseReadUnlock().
  for (;;) {
    if (b->readers == 0) break;
    if (!OwnerIsTask(me)) CannotWait("a writer waiting for readers", l.site);
    rt::SetCurrentStateBlocked(b);
    rt::Schedule();
  }
  b->write_locked = 1;
  AnnotateAcquired(l);
  LockPoint(l.id, kWriterValue, /*wrote=*/true);
}

bool RwbaseWriteTrylock(rtfuzz_kapi_rwbase* b, RtKind kind, LockSite& l) {
  // rwbase_write_trylock(): the rtmutex, then no readers; as one step, since
  // the kernel undoes the first half when the second fails.
  if (b->readers != 0 || !RtMutexTryTake(&b->rtm, kind)) {
    AnnotateFailed(l, -check::kEbusy);
    LockPoint(l.id, b->readers, /*wrote=*/false);
    return false;
  }
  b->writer_pending = 1;
  b->write_locked = 1;
  AnnotateAcquired(l);
  LockPoint(l.id, kWriterValue, /*wrote=*/true);
  ApplyPiPriorities();
  return true;
}

void RwbaseWriteUnlock(rtfuzz_kapi_rwbase* b, LockSite& l) {
  AnnotateRelease(l);
  if (!b->write_locked || b->rtm.owner != CurrentOwner()) {
    LockBug("write unlock by a context that is not the writer", l);
  }
  // Readers may use the fast path from here on; then rtm goes to its top
  // waiter (a writer, or a reader that will let the next one in).
  b->write_locked = 0;
  b->writer_pending = 0;
  RtMutexUnlock(&b->rtm, l, /*annotate_release=*/false);
}

}  // namespace rtfuzz::kapi::internal
