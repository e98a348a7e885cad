/* framework/include/rtfuzz/kapi/linux/rtmutex.h
 *
 * struct rt_mutex, as the kernel's <linux/rtmutex.h>: a sleeping lock with
 * full priority inheritance, the same with or without PREEMPT_RT. Its core
 * also makes spinlock_t and rwlock_t on PREEMPT_RT, and struct mutex and
 * struct rw_semaphore on PREEMPT_RT.
 *
 * Priority inheritance (kernel prio numbers: lower runs first):
 *   - waiters queue by priority, FIFO among equals;
 *   - an owner runs at min(its normal prio, the prio of the top waiter of
 *     every rt_mutex it holds) (rt::SetEffectivePriority), so a boosted
 *     owner preempts, and resists preemption, as its boosted priority;
 *   - a chain walk carries a boost on: when the boosted owner is itself
 *     blocked on another rt_mutex, its waiter is requeued at its new prio
 *     and that rt_mutex's owner is recomputed, and so on, up to 1024 links
 *     (the kernel's max_lock_depth); a cycle (a real deadlock) ends the walk
 *     because priorities stop changing;
 *   - on unlock the owner's prio is recomputed from the rt_mutexes it still
 *     holds (de-boost), with preemption disabled until it has woken the top
 *     waiter, as the kernel's rt_mutex_slowunlock() (otherwise a task of
 *     intermediate priority could run between the de-boost and the wakeup).
 *
 * Handoff: as the kernel's, not direct. Unlock leaves the lock free (with
 * waiters) and wakes the top waiter, which then tries to take it; a task of
 * strictly higher priority than the top waiter that comes along first
 * steals it (rt_mutex_steal()), and then the top waiter boosts the thief.
 * If a chain walk reorders the waiters of a free lock, the new top waiter
 * is woken too. Wakeups may therefore be spurious for whoever was the top
 * waiter; every kapi wait re-checks its condition, as the kernel's do.
 *
 * Scheduling points:
 *   rt_mutex_lock: one kRmw point when free (the cmpxchg fast path); when
 *     taken: one kRmw point for the failed attempt and the enqueue, one
 *     kSetPriority point per boosted task, then set_current_state/schedule
 *     until it can take the lock, then one kRmw point that takes it.
 *   rt_mutex_unlock: one kRmw point without waiters; with waiters:
 *     preempt_disable, the release point, de-boost, wake, preempt_enable.
 *   Internal bookkeeping between two points happens at once: the kernel's
 *   wait_lock is modeled by the machine switching only at points.
 *
 * Sleeping is might_sleep() checked (<linux/lockdep.h>); rt_mutex_trylock()
 * from NMI or hardirq context is the verdict sleep-in-atomic too (an
 * interrupt cannot own an rtmutex). Lockdep hooks as for spinlock_t. Unlock
 * by a context that is not the owner is the verdict "failure".
 *
 * Not modeled: deadline tasks, signals and timeouts (the _interruptible and
 * _killable forms always wait and return 0), -EDEADLK deadlock detection
 * (a task blocking on a chain that leads back to itself simply never wakes,
 * as with the kernel's non-debug rt_mutex_lock; the oracles report it),
 * rt_mutex_lock() from a non-task context that must wait (sleep-in-atomic).
 */

#ifndef RTFUZZ_KAPI_LINUX_RTMUTEX_H_
#define RTFUZZ_KAPI_LINUX_RTMUTEX_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/locks.h"
#include "rtfuzz/kapi/linux/lockdep.h"

struct rt_mutex {
	struct rtfuzz_kapi_rtmutex rtfuzz_rtm;	/* owned by the runtime */
	struct lockdep_map dep_map;
};

#define __RT_MUTEX_INITIALIZER(mutexname)				\
	{ RTFUZZ_KAPI_RTMUTEX_INIT, STATIC_LOCKDEP_MAP_INIT(#mutexname, nullptr) }
#define DEFINE_RT_MUTEX(mutexname)					\
	struct rt_mutex mutexname = __RT_MUTEX_INITIALIZER(mutexname)

extern "C" {

void rtfuzz_kapi_rt_mutex_lock(struct rt_mutex *lock, const char *site);
int rtfuzz_kapi_rt_mutex_trylock(struct rt_mutex *lock, const char *site);
void rtfuzz_kapi_rt_mutex_unlock(struct rt_mutex *lock, const char *site);
int rtfuzz_kapi_rt_mutex_is_locked(struct rt_mutex *lock);

}  /* extern "C" */

static inline void rtfuzz_kapi_rt_mutex_init(struct rt_mutex *lock, const char *name)
{
	*lock = rt_mutex __RT_MUTEX_INITIALIZER(unnamed);
	lock->dep_map.name = name;
}

#define rt_mutex_init(mutex)		rtfuzz_kapi_rt_mutex_init((mutex), #mutex)

#define rt_mutex_lock(lock)		rtfuzz_kapi_rt_mutex_lock((lock), RTFUZZ_KAPI_HERE)
#define rt_mutex_lock_nested(lock, subclass)	rt_mutex_lock(lock)
#define rt_mutex_lock_nest_lock(lock, nest_lock) rt_mutex_lock(lock)
/* No signals: these wait like rt_mutex_lock() and return 0. */
#define rt_mutex_lock_interruptible(lock)				\
	(rtfuzz_kapi_rt_mutex_lock((lock), RTFUZZ_KAPI_HERE), 0)
#define rt_mutex_lock_killable(lock)					\
	(rtfuzz_kapi_rt_mutex_lock((lock), RTFUZZ_KAPI_HERE), 0)
#define rt_mutex_trylock(lock)		rtfuzz_kapi_rt_mutex_trylock((lock), RTFUZZ_KAPI_HERE)
#define rt_mutex_unlock(lock)		rtfuzz_kapi_rt_mutex_unlock((lock), RTFUZZ_KAPI_HERE)
/* Not a point. */
#define rt_mutex_is_locked(lock)	rtfuzz_kapi_rt_mutex_is_locked(lock)

#endif  /* RTFUZZ_KAPI_LINUX_RTMUTEX_H_ */
