// framework/src/kapi/rtmutex.cc
//
// The rt_mutex core with full priority inheritance, and the rt_mutex API.
// spinlock_t (rtlock), rwlock_t and rw_semaphore (rwbase_rt) and mutex build
// on it on PREEMPT_RT. <linux/rtmutex.h> states the semantics; this file the
// algorithm.
//
// State, per execution:
//   per lock (struct rtfuzz_kapi_rtmutex): owner code; waiters sorted by
//     (prio, seq), the top waiter first; links in its owner task's list of
//     held rt_mutexes.
//   per task (TaskPi below): its normal prio, its PI prio (what it should
//     run at), the waiter it is blocked on, the rt_mutexes it holds.
//
// Invariants (between points):
//   PI1 a task's pi prio == min(normal prio, prio of the top waiter of each
//       rt_mutex it holds), for every task the chain walks have reached;
//   PI2 a waiter's prio == its task's pi prio as of the last chain walk
//       through it, and the lock's list is sorted by (prio, seq);
//   PI3 rt::EffectivePriority(t) == pi prio of t once ApplyPriorities() has
//       run: priority changes are computed atomically, then applied, each
//       one a point (rt::SetEffectivePriority). Each application reads the
//       current PI prio, so changes made by other CPUs meanwhile are never
//       overwritten with a stale value.
//
// Handoff is not direct (see the header): unlock frees the lock and wakes
// the top waiter, which competes again; a higher-priority task may steal.

#include <cstdint>
#include <vector>

#include "lock_internal.h"
#include "rtfuzz/base/check.h"
#include "rtfuzz/kapi/linux/rtmutex.h"
#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::kapi::internal {
namespace {

// The kernel's max_lock_depth: chain walks stop after this many links.
constexpr int kMaxLockDepth = 1024;
// Kernel prios below this are SCHED_FIFO/RR (MAX_RT_PRIO): no lateral steals.
constexpr int kMaxRtPrio = 100;

struct TaskPi {
  bool initialized = false;
  bool dirty = false;  // prio not yet applied with rt::SetEffectivePriority.
  int normal = 0;
  int prio = 0;
  rtfuzz_kapi_rt_waiter* blocked_on = nullptr;
  rtfuzz_kapi_rtmutex* held = nullptr;  // Head of the held list.
};

struct PiState {
  uint64_t serial = 0;
  uint64_t seq = 0;
  std::vector<TaskPi> tasks;
  std::vector<rt::TaskId> dirty;
  std::vector<rt::TaskId> wakeups;  // New top waiters of free locks.
};

thread_local PiState pi;

void SyncPi() {
  const uint64_t serial = rt::ExecutionSerial();
  if (pi.serial == serial) return;
  pi.serial = serial;
  pi.seq = 0;
  pi.tasks.clear();
  pi.dirty.clear();
  pi.wakeups.clear();
}

// Not valid across a point: another context may grow the table.
TaskPi& Pi(rt::TaskId task) {
  SyncPi();
  if (task >= pi.tasks.size()) pi.tasks.resize(size_t{task} + 1);
  TaskPi& t = pi.tasks[task];
  if (!t.initialized) {
    t.initialized = true;
    t.normal = rt::NormalPriority(task);
    t.prio = t.normal;
  }
  return t;
}

// --- The waiter list: sorted by (prio, seq) ---

void Enqueue(rtfuzz_kapi_rtmutex* m, rtfuzz_kapi_rt_waiter* w) {
  w->seq = ++pi.seq;
  w->lock = m;
  rtfuzz_kapi_rt_waiter* prev = nullptr;
  rtfuzz_kapi_rt_waiter* next = m->waiters;
  while (next != nullptr && next->prio <= w->prio) {  // Behind its equals: FIFO.
    prev = next;
    next = next->next;
  }
  w->prev = prev;
  w->next = next;
  if (next != nullptr) next->prev = w;
  if (prev != nullptr) {
    prev->next = w;
  } else {
    m->waiters = w;
  }
}

void Dequeue(rtfuzz_kapi_rtmutex* m, rtfuzz_kapi_rt_waiter* w) {
  if (w->prev != nullptr) {
    w->prev->next = w->next;
  } else {
    m->waiters = w->next;
  }
  if (w->next != nullptr) w->next->prev = w->prev;
  w->next = w->prev = nullptr;
}

// --- An owner task's held list ---

void AddHeld(rt::TaskId task, rtfuzz_kapi_rtmutex* m) {
  TaskPi& t = Pi(task);
  m->held_prev = nullptr;
  m->held_next = t.held;
  if (t.held != nullptr) t.held->held_prev = m;
  t.held = m;
}

void RemoveHeld(rt::TaskId task, rtfuzz_kapi_rtmutex* m) {
  TaskPi& t = Pi(task);
  if (m->held_prev != nullptr) {
    m->held_prev->held_next = m->held_next;
  } else if (t.held == m) {
    t.held = m->held_next;
  }
  if (m->held_next != nullptr) m->held_next->held_prev = m->held_prev;
  m->held_next = m->held_prev = nullptr;
}

// PI1's right-hand side.
int ComputePrio(const TaskPi& t) {
  int prio = t.normal;
  for (const rtfuzz_kapi_rtmutex* m = t.held; m != nullptr; m = m->held_next) {
    if (m->waiters != nullptr && m->waiters->prio < prio) prio = m->waiters->prio;
  }
  return prio;
}

// The chain walk (the kernel's rt_mutex_adjust_prio_chain, with the lock
// steps done at once): `task`'s PI sources changed; recompute its prio, and
// while it changes and the task is blocked, requeue its waiter and go on to
// that lock's owner.
void AdjustChain(rt::TaskId task) {
  for (int depth = 0; depth < kMaxLockDepth; ++depth) {
    TaskPi& t = Pi(task);
    const int prio = ComputePrio(t);
    if (prio == t.prio) return;  // Also ends the walk around a deadlock cycle.
    t.prio = prio;
    if (!t.dirty) {
      t.dirty = true;
      pi.dirty.push_back(task);
    }
    rtfuzz_kapi_rt_waiter* w = t.blocked_on;
    if (w == nullptr) return;
    rtfuzz_kapi_rtmutex* m = w->lock;
    const rtfuzz_kapi_rt_waiter* old_top = m->waiters;
    Dequeue(m, w);  // Requeue at the new prio: behind its new equals.
    w->prio = prio;
    Enqueue(m, w);
    if (m->owner == kNoOwner) {
      // Released, and its top waiter woken to take it. If the requeue made
      // another waiter the top, that one must be woken too, or the lock
      // stays free with every waiter asleep (the kernel's chain walk does
      // the same for an ownerless lock).
      if (m->waiters != old_top) pi.wakeups.push_back(m->waiters->task);
      return;
    }
    if (!OwnerIsTask(m->owner)) return;
    task = OwnerTask(m->owner);
  }
}

// Applies every pending PI prio change (PI3), then the wakeups chain walks
// asked for. Each change and each wakeup is a point.
void ApplyPriorities() {
  SyncPi();
  while (!pi.dirty.empty()) {
    const rt::TaskId task = pi.dirty.back();
    pi.dirty.pop_back();
    TaskPi& t = Pi(task);
    t.dirty = false;
    const int prio = t.prio;
    if (rt::EffectivePriority(task) != prio) rt::SetEffectivePriority(task, prio);
  }
  while (!pi.wakeups.empty()) {
    const rt::TaskId task = pi.wakeups.back();
    pi.wakeups.pop_back();
    rt::Wake(task);
  }
}

// rt_mutex_steal(): may a contender of `prio` take the lock ahead of a top
// waiter of `top_prio`? Strictly higher priority always; rtlocks also let a
// SCHED_OTHER contender of equal priority in (a lateral steal; never for RT
// tasks, which would add unbounded latency).
bool MaySteal(int prio, int top_prio, RtKind kind) {
  if (prio < top_prio) return true;
  return kind == RtKind::kRtLock && prio >= kMaxRtPrio && prio == top_prio;
}

// try_to_take_rt_mutex(): takes a free `m` for `owner` if it is the top
// waiter (w == the top), or may steal from the top waiter, or nobody waits.
// A context that is not a task never steals. On success `w` (if any) leaves
// the queue and the new owner inherits the remaining top waiter's prio.
bool TryTake(rtfuzz_kapi_rtmutex* m, uint32_t owner, rtfuzz_kapi_rt_waiter* w, RtKind kind) {
  if (m->owner != kNoOwner) return false;
  if (rtfuzz_kapi_rt_waiter* top = m->waiters; top != nullptr && top != w) {
    if (!OwnerIsTask(owner)) return false;
    const int prio = w != nullptr ? w->prio : Pi(OwnerTask(owner)).prio;
    if (!MaySteal(prio, top->prio, kind)) return false;
  }
  if (w != nullptr) Dequeue(m, w);
  m->owner = owner;
  if (OwnerIsTask(owner)) {
    const rt::TaskId task = OwnerTask(owner);
    Pi(task).blocked_on = nullptr;
    AddHeld(task, m);
    if (m->waiters != nullptr) AdjustChain(task);
  }
  return true;
}

// Frees `m` and de-boosts its owner. Returns the task to wake (the top
// waiter), or -1.
int Release(rtfuzz_kapi_rtmutex* m) {
  const uint32_t owner = m->owner;
  m->owner = kNoOwner;
  if (OwnerIsTask(owner)) {
    RemoveHeld(OwnerTask(owner), m);
    AdjustChain(OwnerTask(owner));
  }
  return m->waiters != nullptr ? int{m->waiters->task} : -1;
}

}  // namespace

bool RtMutexTryTake(rtfuzz_kapi_rtmutex* m, RtKind kind) {
  if (rt::OnBackend()) return NativeRtMutexTryTake(m);
  return TryTake(m, CurrentOwner(), nullptr, kind);
}

void ApplyPiPriorities() { ApplyPriorities(); }

void RtMutexReset(rtfuzz_kapi_rtmutex* m) {
  m->epoch = rt::ExecutionSerial();
  m->owner = kNoOwner;
  m->waiters = nullptr;
  m->held_next = m->held_prev = nullptr;
}

void RtMutexSync(rtfuzz_kapi_rtmutex* m) {
  if (rt::OnBackend()) return NativeRtMutexSync(m);
  if (m->epoch != rt::ExecutionSerial()) RtMutexReset(m);
}

void RtMutexLock(rtfuzz_kapi_rtmutex* m, RtKind kind, LockSite& l, bool annotate_acquired) {
  if (rt::OnBackend()) return NativeRtMutexLock(m, l, annotate_acquired);
  const uint32_t me = CurrentOwner();
  // The fast path (cmpxchg owner: NULL -> me), and the slow path's first
  // try_to_take_rt_mutex(), as one step.
  if (TryTake(m, me, nullptr, kind)) {
    if (annotate_acquired) AnnotateAcquired(l);
    LockPoint(l.id, me, /*wrote=*/true);
    ApplyPriorities();  // After a steal, the top waiter boosts us.
    return;
  }
  AnnotateContended(l);
  if (!OwnerIsTask(me)) CannotWait("a sleeping lock", l.site);
  const rt::TaskId task = OwnerTask(me);

  // task_blocks_on_rt_mutex(): enqueue, then boost the owner chain.
  rtfuzz_kapi_rt_waiter w{};
  w.task = task;
  w.prio = Pi(task).prio;
  Enqueue(m, &w);
  Pi(task).blocked_on = &w;
  if (OwnerIsTask(m->owner)) AdjustChain(OwnerTask(m->owner));
  LockPoint(l.id, m->owner, /*wrote=*/true);  // RT_MUTEX_HAS_WAITERS is set.
  ApplyPriorities();

  // Check, then sleep: the check and set_current_state() are one step (no
  // point between them), so an unlock that runs at the set_current_state()
  // point finds the task blocked, and its wakeup is not lost.
  for (;;) {
    if (TryTake(m, me, &w, kind)) break;
    rt::SetCurrentStateBlocked(m);
    rt::Schedule();
  }
  if (annotate_acquired) AnnotateAcquired(l);
  LockPoint(l.id, me, /*wrote=*/true);
  ApplyPriorities();  // Waiters still queued boost the new owner.
}

bool RtMutexTryLock(rtfuzz_kapi_rtmutex* m, RtKind kind, LockSite& l, bool annotate) {
  if (rt::OnBackend()) return NativeRtMutexTryLock(m, l, annotate);
  const uint32_t me = CurrentOwner();
  if (!TryTake(m, me, nullptr, kind)) {
    if (annotate) AnnotateFailed(l, -check::kEbusy);
    LockPoint(l.id, m->owner, /*wrote=*/false);
    return false;
  }
  if (annotate) AnnotateAcquired(l);
  LockPoint(l.id, me, /*wrote=*/true);
  ApplyPriorities();
  return true;
}

void RtMutexUnlock(rtfuzz_kapi_rtmutex* m, LockSite& l, bool annotate_release) {
  if (rt::OnBackend()) return NativeRtMutexUnlock(m, l, annotate_release);
  const uint32_t me = CurrentOwner();
  if (m->owner != me) {
    if (annotate_release) AnnotateRelease(l);  // The oracles may name it first.
    LockBug(m->owner == kNoOwner ? "unlock of an unlocked lock"
                                 : "unlock by a context that is not the owner",
            l);
  }
  if (m->waiters == nullptr) {
    // The fast path: cmpxchg owner: me -> NULL.
    if (annotate_release) AnnotateRelease(l);
    Release(m);
    LockPoint(l.id, kNoOwner, /*wrote=*/true);
    return;
  }
  // rt_mutex_slowunlock(): de-boost, then wake the top waiter, with
  // preemption disabled in between. Pairs with the check-then-sleep loop in
  // RtMutexLock(): the woken waiter re-checks.
  rt::PreemptDisable();
  if (annotate_release) AnnotateRelease(l);
  const int top = Release(m);  // Waiters cannot leave meanwhile: re-read.
  LockPoint(l.id, kNoOwner, /*wrote=*/true);
  ApplyPriorities();
  rt::NoteWakeup(m, top);
  if (top >= 0) rt::Wake(static_cast<rt::TaskId>(top));
  rt::PreemptEnable();
}

}  // namespace rtfuzz::kapi::internal

// --- The rt_mutex API ---

namespace {

namespace internal = rtfuzz::kapi::internal;
using rtfuzz::kapi::internal::LockSite;

}  // namespace

extern "C" {

void rtfuzz_kapi_rt_mutex_lock(struct rt_mutex* lock, const char* site) {
  internal::MightSleep("rt_mutex_lock()", site);
  internal::RtMutexSync(&lock->rtfuzz_rtm);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  internal::AnnotateAcquire(l, rtfuzz::check::LockMode::kExclusive, false);
  internal::RtMutexLock(&lock->rtfuzz_rtm, internal::RtKind::kRtMutex, l, true);
}

int rtfuzz_kapi_rt_mutex_trylock(struct rt_mutex* lock, const char* site) {
  internal::SleepingLockNotInIrq("rt_mutex_trylock()", site);
  internal::RtMutexSync(&lock->rtfuzz_rtm);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  internal::AnnotateAcquire(l, rtfuzz::check::LockMode::kExclusive, true);
  return internal::RtMutexTryLock(&lock->rtfuzz_rtm, internal::RtKind::kRtMutex, l, true);
}

void rtfuzz_kapi_rt_mutex_unlock(struct rt_mutex* lock, const char* site) {
  internal::RtMutexSync(&lock->rtfuzz_rtm);
  LockSite l = internal::MakeSite(&lock->dep_map, site);
  internal::RtMutexUnlock(&lock->rtfuzz_rtm, l, true);
}

int rtfuzz_kapi_rt_mutex_is_locked(struct rt_mutex* lock) {
  internal::RtMutexSync(&lock->rtfuzz_rtm);
  if (rtfuzz::rt::OnBackend()) return internal::NativeRtMutexLocked(&lock->rtfuzz_rtm);
  return lock->rtfuzz_rtm.owner != internal::kNoOwner;
}

}  // extern "C"
