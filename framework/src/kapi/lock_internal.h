// framework/src/kapi/lock_internal.h
//
// What kapi's lock implementations share: owner codes, the lockdep
// annotations as each lock makes them, lock points, the might_sleep() rules,
// and the rt_mutex core with priority inheritance (rtmutex.cc), on which
// spinlock_t, rwlock_t, mutex and rw_semaphore build on PREEMPT_RT. Private to
// src/kapi.
//
// Files:
//   lockdep.cc   lockdep hooks -> rtfuzz::check, held locks, might_sleep()
//   rtmutex.cc   the rt_mutex core: waiters, PI and chain walks; rt_mutex API
//   rwbase.cc    rwbase_rt (rwlock_t and rw_semaphore on PREEMPT_RT)
//   spinlock.cc  raw_spinlock_t and spinlock_t
//   rwlock.cc    rwlock_t
//   mutex.cc     struct mutex
//   rwsem.cc     struct rw_semaphore
//
// The machine switches only at points (rt::Point and the rt calls marked "a
// point"), so everything a lock does between two points is atomic: that is
// how the kernel's wait_lock and every lock word RMW are modeled. Each
// function below says which points it makes; the rest is bookkeeping.

#ifndef RTFUZZ_SRC_KAPI_LOCK_INTERNAL_H_
#define RTFUZZ_SRC_KAPI_LOCK_INTERNAL_H_

#include <cstdint>

#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/kapi/internal/locks.h"
#include "rtfuzz/kapi/linux/lockdep.h"
#include "rtfuzz/rt/context.h"

// A waiter of the rt_mutex core, on the stack of its blocked task.
struct rtfuzz_kapi_rt_waiter {
  rtfuzz_kapi_rtmutex* lock;
  rtfuzz_kapi_rt_waiter* next;
  rtfuzz_kapi_rt_waiter* prev;
  uint64_t seq;  // Order of (re)queueing: FIFO among equal priorities.
  int prio;      // The task's prio when last queued (the sort key).
  rtfuzz::rt::TaskId task;
};

// A waiter of the non-RT mutex and rw_semaphore, on its task's stack.
struct rtfuzz_kapi_fifo_waiter {
  rtfuzz_kapi_fifo_waiter* next;
  uint32_t owner;  // The waiter's owner code.
  rtfuzz::rt::TaskId task;
  bool write;    // rwsem: a writer (a mutex waiter is always one).
  bool granted;  // rwsem: the release gave it the lock.
};

namespace rtfuzz::kapi::internal {

// --- Owner codes ---
//
// 0 is nobody; 1 + TaskId is a task; kFirstIrqOwner + 4 * cpu + kind is the
// interrupt context of that kind running on that CPU. At any moment one
// context at most runs per (CPU, kind): a kind never nests in itself.
inline constexpr uint32_t kNoOwner = 0;
inline constexpr uint32_t kFirstIrqOwner = 0x10001;  // Past 1 + the largest TaskId.

uint32_t CurrentOwner();  // Not a point.
inline bool OwnerIsTask(uint32_t owner) {
  return owner != kNoOwner && owner < kFirstIrqOwner;
}
inline rt::TaskId OwnerTask(uint32_t owner) { return static_cast<rt::TaskId>(owner - 1); }
inline uint32_t TaskOwner(rt::TaskId task) { return uint32_t{task} + 1; }

// --- Annotations (lockdep.cc) ---

// One lock operation's identity: the lock's id and name, the caller's site,
// and whether lock_contended has been reported for this attempt yet.
struct LockSite {
  uint32_t id;
  const char* name;
  const char* site;
  bool contended = false;
};

// The site of `map` for this operation: assigns the lock's id on first use.
LockSite MakeSite(lockdep_map* map, const char* site);

void AnnotateAcquire(const LockSite& l, check::LockMode mode, bool trylock,
                     check::LockKind kind = check::LockKind::kLock);
void AnnotateContended(LockSite& l);  // Once per attempt.
void AnnotateAcquired(const LockSite& l);
void AnnotateFailed(const LockSite& l, int error);
void AnnotateRelease(const LockSite& l);

// --- Points ---

// The point of one atomic operation on a lock word: kRmw on the lock's id
// with the word's new value; `wrote` when it changed the word. `word`: the
// lock word itself when the lock is one word (the spin detector judges its
// spinners by it), and `old` what the operation read there (when it wrote;
// else the word holds it still); null for locks whose state is several
// fields (their spinners are judged by the coarse rule: no write anywhere).
void LockPoint(uint32_t id, uint64_t value, bool wrote,
               const volatile uint32_t* word = nullptr, uint32_t old = 0);
// A store-release of the lock word (a spinning lock's unlock).
void UnlockStorePoint(uint32_t id, uint64_t value, const volatile uint32_t* word = nullptr);

// --- Context rules ---

// might_sleep() (see <linux/lockdep.h> for the rules per configuration):
// reports sleep-in-atomic naming `what` and the site. Not a point.
void MightSleep(const char* what, const char* site);
// A sleeping lock's trylock (spinlock_t and rwlock_t on PREEMPT_RT, mutex,
// rt_mutex) from NMI or hardirq context: reports sleep-in-atomic. It would
// not sleep, but a sleeping lock owned by an interrupt breaks its rules (an
// rtmutex owner must be a task that can be boosted; lockdep's "invalid wait
// context", and the kernel's "must not be used in interrupt context").
void SleepingLockNotInIrq(const char* what, const char* site);
// A sleeping lock that must wait from a context that is not a task (a
// softirq on PREEMPT_RT): reports sleep-in-atomic.
[[noreturn]] void CannotWait(const char* what, const char* site);
// Ends the execution with "failure" for a lock misuse (unlock by a
// non-owner, unlock of a free lock).
[[noreturn]] void LockBug(const char* what, const LockSite& l);

// The irq-mode prologue and epilogue of the spinning locks: interrupts off
// (and saved) or bottom halves off; each a point. Returns the saved flags.
unsigned long EnterIrqMode(int mode);
void ExitIrqMode(int mode, unsigned long flags);
// The end of a spinning unlock in `mode`: preemption back on and the irq or
// bh state restored, in the kernel's order for that mode.
void SpinUnlockTail(int mode, unsigned long flags);

// --- The rt_mutex core (rtmutex.cc) ---

enum class RtKind : uint8_t {
  kRtMutex,  // rt_mutex, and mutex/rw_semaphore on RT: steals only by higher prio.
  kRtLock,   // spinlock_t/rwlock_t on RT: also lateral steals by SCHED_OTHER.
};

// Starts `m` unlocked if it was last used in another execution.
void RtMutexSync(rtfuzz_kapi_rtmutex* m);
void RtMutexReset(rtfuzz_kapi_rtmutex* m);

// Takes `m`, blocking with priority inheritance. Annotates lock_contended if
// it waits (once per `l`), and lock_acquired just before the point that takes
// it if `annotate_acquired`. Points: see <linux/rtmutex.h>.
void RtMutexLock(rtfuzz_kapi_rtmutex* m, RtKind kind, LockSite& l, bool annotate_acquired);
// One attempt; one point. If `annotate`: lock_acquired on success, and
// lock_failed(-EBUSY) on failure, before the point.
bool RtMutexTryLock(rtfuzz_kapi_rtmutex* m, RtKind kind, LockSite& l, bool annotate);
// The atomic part of a try: takes a free `m` for the current context if
// nobody waits or it may steal. No point, no annotation; the caller makes
// the point and then calls ApplyPiPriorities().
bool RtMutexTryTake(rtfuzz_kapi_rtmutex* m, RtKind kind);
// Applies pending PI priority changes: one point per changed task.
void ApplyPiPriorities();
// Releases `m` (the current context must own it), de-boosts, and wakes the
// top waiter. Annotates lock_release at the release if `annotate_release`.
void RtMutexUnlock(rtfuzz_kapi_rtmutex* m, LockSite& l, bool annotate_release);

// --- The rt_mutex core on the native backend (rtmutex_native.cc) ---
//
// A PI futex (FUTEX_LOCK_PI/FUTEX_UNLOCK_PI on the owner word, which holds
// the owner thread's TID): the mechanism behind PTHREAD_PRIO_INHERIT, so the
// priority inheritance a native run sees is the real kernel's. The
// functions above call these when rt::OnBackend().
void NativeRtMutexSync(rtfuzz_kapi_rtmutex* m);
void NativeRtMutexLock(rtfuzz_kapi_rtmutex* m, LockSite& l, bool annotate_acquired);
bool NativeRtMutexTryLock(rtfuzz_kapi_rtmutex* m, LockSite& l, bool annotate);
bool NativeRtMutexTryTake(rtfuzz_kapi_rtmutex* m);
void NativeRtMutexUnlock(rtfuzz_kapi_rtmutex* m, LockSite& l, bool annotate_release);
bool NativeRtMutexLocked(const rtfuzz_kapi_rtmutex* m);
// A lock the native backend does not run yet: ends the run as a usage
// error naming it (docs/native.md#what-runs-natively), if on the backend.
void NotOnNative(const char* what);

// --- rwbase_rt (rwbase.cc) ---

void RwbaseSync(rtfuzz_kapi_rwbase* b);
// The lock_acquire annotation is the caller's; these make the rest.
void RwbaseReadLock(rtfuzz_kapi_rwbase* b, RtKind kind, LockSite& l);
bool RwbaseReadTrylock(rtfuzz_kapi_rwbase* b, LockSite& l);
void RwbaseReadUnlock(rtfuzz_kapi_rwbase* b, LockSite& l);
void RwbaseWriteLock(rtfuzz_kapi_rwbase* b, RtKind kind, LockSite& l);
bool RwbaseWriteTrylock(rtfuzz_kapi_rwbase* b, RtKind kind, LockSite& l);
void RwbaseWriteUnlock(rtfuzz_kapi_rwbase* b, LockSite& l);

// --- The non-RT sleeping locks' FIFO (mutex.cc) ---

void SleeplockSync(rtfuzz_kapi_sleeplock* sl);
// A contended attempt joins the queue: announces the wait, ends the run if
// the current context may not sleep (`what` names the call), and appends
// `w` (on the waiter's stack) for the current task. Not a point.
void FifoJoin(rtfuzz_kapi_sleeplock* sl, LockSite& l, rtfuzz_kapi_fifo_waiter* w, bool write,
              const char* what);
void FifoRemove(rtfuzz_kapi_sleeplock* sl, rtfuzz_kapi_fifo_waiter* w);

// The API name of a lock call in `mode` (plain, _irq, _irqsave, _bh), for
// messages; names[] lists them in that order.
inline const char* ModeName(const char* const (&names)[4], int mode) {
  return mode >= 0 && mode < 4 ? names[mode] : names[0];
}

}  // namespace rtfuzz::kapi::internal

#endif  // RTFUZZ_SRC_KAPI_LOCK_INTERNAL_H_
