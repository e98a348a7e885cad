// framework/src/kapi/rwlock.cc
//
// rwlock_t: a spinning reader/writer lock with qrwlock's rules without
// PREEMPT_RT, rwbase_rt (rwbase.cc) as an rtlock with it. <linux/rwlock.h>
// states the semantics.

#include <cstdint>

#include "lock_internal.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/preempt_count.h"

// kapi last: it defines plain-word macros, as the kernel does.
#include "rtfuzz/kapi/linux/preempt.h"
#include "rtfuzz/kapi/linux/rwlock.h"

namespace rtfuzz::kapi::internal {
namespace {

// The lock word's value in trace records while write-locked.
constexpr uint64_t kWriterValue = uint64_t{1} << 32;

void QrwSync(rtfuzz_kapi_qrw* q) {
  const uint64_t serial = rt::ExecutionSerial();
  if (q->epoch == serial) return;
  q->epoch = serial;
  q->readers = 0;
  q->writer = kNoOwner;
  q->writers_waiting = 0;
}

// queued_read_lock(): in while no writer holds it and none waits; a reader
// in interrupt context ignores waiting writers (queued_read_lock_slowpath()).
unsigned long QrwReadLock(rwlock_t* lock, int mode, const char* site) {
  rtfuzz_kapi_qrw* q = &lock->rtfuzz_qrw;
  const unsigned long flags = EnterIrqMode(mode);
  rt::PreemptDisable();
  QrwSync(q);
  LockSite l = MakeSite(&lock->dep_map, site);
  AnnotateAcquire(l, check::LockMode::kShared, /*trylock=*/false);
  for (;;) {
    const bool in_interrupt = rt::InInterrupt(rt::PreemptCount());
    if (q->writer == kNoOwner && (q->writers_waiting == 0 || in_interrupt)) {
      ++q->readers;
      AnnotateAcquired(l);
      LockPoint(l.id, q->readers, /*wrote=*/true);
      return flags;
    }
    AnnotateContended(l);
    LockPoint(l.id, q->readers, /*wrote=*/false);
    rt::Spin(l.id);
  }
}

// queued_write_lock(): in when nobody holds it; a writer that has to wait
// first marks itself waiting (_QW_WAITING), which keeps new task-context
// readers out.
unsigned long QrwWriteLock(rwlock_t* lock, int mode, const char* site) {
  rtfuzz_kapi_qrw* q = &lock->rtfuzz_qrw;
  const unsigned long flags = EnterIrqMode(mode);
  rt::PreemptDisable();
  QrwSync(q);
  LockSite l = MakeSite(&lock->dep_map, site);
  AnnotateAcquire(l, check::LockMode::kExclusive, /*trylock=*/false);
  const uint32_t me = CurrentOwner();
  if (q->writer == kNoOwner && q->readers == 0) {
    q->writer = me;
    AnnotateAcquired(l);
    LockPoint(l.id, kWriterValue, /*wrote=*/true);
    return flags;
  }
  AnnotateContended(l);
  ++q->writers_waiting;
  LockPoint(l.id, q->readers, /*wrote=*/true);
  for (;;) {
    rt::Spin(l.id);
    if (q->writer == kNoOwner && q->readers == 0) {
      --q->writers_waiting;
      q->writer = me;
      AnnotateAcquired(l);
      LockPoint(l.id, kWriterValue, /*wrote=*/true);
      return flags;
    }
    LockPoint(l.id, q->readers, /*wrote=*/false);
  }
}


void QrwReadUnlock(rwlock_t* lock, int mode, unsigned long flags, const char* site) {
  rtfuzz_kapi_qrw* q = &lock->rtfuzz_qrw;
  QrwSync(q);
  LockSite l = MakeSite(&lock->dep_map, site);
  AnnotateRelease(l);
  if (q->readers == 0) LockBug("read_unlock of a lock no reader holds", l);
  --q->readers;
  LockPoint(l.id, q->readers, /*wrote=*/true);
  SpinUnlockTail(mode, flags);
}

void QrwWriteUnlock(rwlock_t* lock, int mode, unsigned long flags, const char* site) {
  rtfuzz_kapi_qrw* q = &lock->rtfuzz_qrw;
  QrwSync(q);
  LockSite l = MakeSite(&lock->dep_map, site);
  AnnotateRelease(l);
  if (q->writer != CurrentOwner()) {
    LockBug("write_unlock by a context that is not the writer", l);
  }
  q->writer = kNoOwner;
  UnlockStorePoint(l.id, 0);
  SpinUnlockTail(mode, flags);
}

// read_trylock()/write_trylock(): fail if a writer holds it or waits.
int QrwTrylock(rwlock_t* lock, bool write, const char* site) {
  rtfuzz_kapi_qrw* q = &lock->rtfuzz_qrw;
  rt::PreemptDisable();
  QrwSync(q);
  LockSite l = MakeSite(&lock->dep_map, site);
  AnnotateAcquire(l, write ? check::LockMode::kExclusive : check::LockMode::kShared,
                  /*trylock=*/true);
  const bool free_of_writers = q->writer == kNoOwner && q->writers_waiting == 0;
  if (free_of_writers && (!write || q->readers == 0)) {
    if (write) {
      q->writer = CurrentOwner();
    } else {
      ++q->readers;
    }
    AnnotateAcquired(l);
    LockPoint(l.id, write ? kWriterValue : q->readers, /*wrote=*/true);
    return 1;
  }
  AnnotateFailed(l, -check::kEbusy);
  LockPoint(l.id, q->readers, /*wrote=*/false);
  rt::PreemptEnable();
  return 0;
}

constexpr const char* kReadLockNames[] = {"read_lock()", "read_lock_irq()",
                                          "read_lock_irqsave()", "read_lock_bh()"};
constexpr const char* kWriteLockNames[] = {"write_lock()", "write_lock_irq()",
                                           "write_lock_irqsave()", "write_lock_bh()"};

// rt_read_lock()/rt_write_lock(): rwbase_rt as an rtlock.
unsigned long RtRwLock(rwlock_t* lock, bool write, int mode, const char* site) {
  MightSleep(ModeName(write ? kWriteLockNames : kReadLockNames, mode), site);
  rtfuzz_kapi_rwbase* b = &lock->rtfuzz_rwbase;
  RwbaseSync(b);
  LockSite l = MakeSite(&lock->dep_map, site);
  AnnotateAcquire(l, write ? check::LockMode::kExclusive : check::LockMode::kShared,
                  /*trylock=*/false);
  if (write) {
    RwbaseWriteLock(b, RtKind::kRtLock, l);
  } else {
    RwbaseReadLock(b, RtKind::kRtLock, l);
  }
  migrate_disable();
  if (mode == RTFUZZ_KAPI_BH) rt::LocalBhDisable();  // After: see <linux/spinlock.h>.
  return 0;
}

}  // namespace
}  // namespace rtfuzz::kapi::internal

namespace {

namespace internal = rtfuzz::kapi::internal;
using rtfuzz::kapi::internal::LockSite;

void RtRwUnlock(rwlock_t* lock, bool write, int mode, const char* site) {
  rtfuzz_kapi_rwbase* b = &lock->rtfuzz_rwbase;
  internal::RwbaseSync(b);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  migrate_enable();
  if (write) {
    internal::RwbaseWriteUnlock(b, l);
  } else {
    internal::RwbaseReadUnlock(b, l);
  }
  if (mode == RTFUZZ_KAPI_BH) rtfuzz::rt::LocalBhEnable();
}

int RtRwTrylock(rwlock_t* lock, bool write, const char* site) {
  internal::SleepingLockNotInIrq(write ? "write_trylock()" : "read_trylock()", site);
  rtfuzz_kapi_rwbase* b = &lock->rtfuzz_rwbase;
  internal::RwbaseSync(b);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  internal::AnnotateAcquire(
      l, write ? rtfuzz::check::LockMode::kExclusive : rtfuzz::check::LockMode::kShared,
      /*trylock=*/true);
  const bool ok = write ? internal::RwbaseWriteTrylock(b, internal::RtKind::kRtLock, l)
                        : internal::RwbaseReadTrylock(b, l);
  if (!ok) return 0;
  migrate_disable();
  return 1;
}

}  // namespace

extern "C" {

unsigned long rtfuzz_kapi_read_lock(rwlock_t* lock, int mode, const char* site) {
  internal::NotOnNative("rwlock_t");
  if (rtfuzz::rt::PreemptRt()) return internal::RtRwLock(lock, /*write=*/false, mode, site);
  return internal::QrwReadLock(lock, mode, site);
}

int rtfuzz_kapi_read_trylock(rwlock_t* lock, const char* site) {
  internal::NotOnNative("rwlock_t");
  if (rtfuzz::rt::PreemptRt()) return RtRwTrylock(lock, /*write=*/false, site);
  return internal::QrwTrylock(lock, /*write=*/false, site);
}

void rtfuzz_kapi_read_unlock(rwlock_t* lock, int mode, unsigned long flags, const char* site) {
  if (rtfuzz::rt::PreemptRt()) {
    RtRwUnlock(lock, /*write=*/false, mode, site);
    return;
  }
  internal::QrwReadUnlock(lock, mode, flags, site);
}

unsigned long rtfuzz_kapi_write_lock(rwlock_t* lock, int mode, const char* site) {
  internal::NotOnNative("rwlock_t");
  if (rtfuzz::rt::PreemptRt()) return internal::RtRwLock(lock, /*write=*/true, mode, site);
  return internal::QrwWriteLock(lock, mode, site);
}

int rtfuzz_kapi_write_trylock(rwlock_t* lock, const char* site) {
  internal::NotOnNative("rwlock_t");
  if (rtfuzz::rt::PreemptRt()) return RtRwTrylock(lock, /*write=*/true, site);
  return internal::QrwTrylock(lock, /*write=*/true, site);
}

void rtfuzz_kapi_write_unlock(rwlock_t* lock, int mode, unsigned long flags,
                              const char* site) {
  if (rtfuzz::rt::PreemptRt()) {
    RtRwUnlock(lock, /*write=*/true, mode, site);
    return;
  }
  internal::QrwWriteUnlock(lock, mode, flags, site);
}

int rtfuzz_kapi_rwlock_is_locked(rwlock_t* lock) {
  if (rtfuzz::rt::PreemptRt()) {
    internal::RwbaseSync(&lock->rtfuzz_rwbase);
    return lock->rtfuzz_rwbase.readers != 0 || lock->rtfuzz_rwbase.write_locked != 0;
  }
  internal::QrwSync(&lock->rtfuzz_qrw);
  return lock->rtfuzz_qrw.readers != 0 || lock->rtfuzz_qrw.writer != internal::kNoOwner;
}

}  // extern "C"
