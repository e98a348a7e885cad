/* framework/include/rtfuzz/kapi/linux/mutex.h
 *
 * struct mutex, as the kernel's <linux/mutex.h>: a sleeping lock with one
 * owner, taken in task context only (might_sleep(), <linux/lockdep.h>;
 * mutex_trylock() from NMI or hardirq context is sleep-in-atomic too).
 *
 * On PREEMPT_RT it is the rt_mutex core with priority inheritance
 * (<linux/rtmutex.h>: waiters by priority, owner boosting, chain walks).
 *
 * Without PREEMPT_RT, no priority inheritance, and the kernel's rules:
 *   - waiters queue FIFO; unlock frees the lock and wakes the first waiter,
 *     which then tries to take it; a running task may take a free lock
 *     before it (lock stealing, as the kernel's __mutex_trylock() in the
 *     slow path);
 *   - a first waiter that was woken and still finds the lock taken asks
 *     for a handoff (MUTEX_FLAG_HANDOFF): the next unlock then hands the
 *     lock to it directly (MUTEX_FLAG_PICKUP), and nobody else can take it.
 *   Not modeled: optimistic spinning (a waiter sleeps at once).
 *
 * Scheduling points: one kRmw point for an uncontended lock or unlock; a
 * waiter makes one for its failed attempt and enqueue, then
 * set_current_state/schedule until it can take the lock, then one that takes
 * it; an unlock with waiters makes the release point and a wakeup (RT: see
 * <linux/rtmutex.h>).
 *
 * Lockdep hooks as for spinlock_t. Unlock by a context that is not the owner
 * is the verdict "failure". Not modeled: ww_mutex, signals and timeouts (the
 * _interruptible and _killable forms always wait and return 0),
 * mutex_lock_io, atomic_dec_and_mutex_lock.
 */

#ifndef RTFUZZ_KAPI_LINUX_MUTEX_H_
#define RTFUZZ_KAPI_LINUX_MUTEX_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/locks.h"
#include "rtfuzz/kapi/linux/lockdep.h"

struct mutex {
	struct rtfuzz_kapi_sleeplock rtfuzz_sl;	/* !PREEMPT_RT */
	struct rtfuzz_kapi_rtmutex rtfuzz_rtm;	/* PREEMPT_RT */
	struct lockdep_map dep_map;
};

#define __MUTEX_INITIALIZER(lockname)					\
	{ RTFUZZ_KAPI_SLEEPLOCK_INIT, RTFUZZ_KAPI_RTMUTEX_INIT,		\
	  STATIC_LOCKDEP_MAP_INIT(#lockname, nullptr) }
#define DEFINE_MUTEX(mutexname)						\
	struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

extern "C" {

void rtfuzz_kapi_mutex_lock(struct mutex *lock, const char *site);
int rtfuzz_kapi_mutex_trylock(struct mutex *lock, const char *site);
void rtfuzz_kapi_mutex_unlock(struct mutex *lock, const char *site);
int rtfuzz_kapi_mutex_is_locked(struct mutex *lock);

}  /* extern "C" */

static inline void rtfuzz_kapi_mutex_init(struct mutex *lock, const char *name)
{
	*lock = mutex __MUTEX_INITIALIZER(unnamed);
	lock->dep_map.name = name;
}

#define mutex_init(mutex)		rtfuzz_kapi_mutex_init((mutex), #mutex)
#define mutex_destroy(mutex)		do { (void)(mutex); } while (0)

#define mutex_lock(lock)		rtfuzz_kapi_mutex_lock((lock), RTFUZZ_KAPI_HERE)
#define mutex_lock_nested(lock, subclass)	mutex_lock(lock)
#define mutex_lock_nest_lock(lock, nest_lock)	mutex_lock(lock)
/* No signals: these wait like mutex_lock() and return 0. */
#define mutex_lock_interruptible(lock)					\
	(rtfuzz_kapi_mutex_lock((lock), RTFUZZ_KAPI_HERE), 0)
#define mutex_lock_killable(lock)					\
	(rtfuzz_kapi_mutex_lock((lock), RTFUZZ_KAPI_HERE), 0)
#define mutex_trylock(lock)		rtfuzz_kapi_mutex_trylock((lock), RTFUZZ_KAPI_HERE)
#define mutex_unlock(lock)		rtfuzz_kapi_mutex_unlock((lock), RTFUZZ_KAPI_HERE)
/* Not a point. */
#define mutex_is_locked(lock)		rtfuzz_kapi_mutex_is_locked(lock)

#endif  /* RTFUZZ_KAPI_LINUX_MUTEX_H_ */
