/* framework/include/rtfuzz/kapi/linux/spinlock.h
 *
 * <linux/spinlock.h> for code under targets/: raw_spinlock_t, spinlock_t and
 * the raw_spin_*() and spin_*() API, with kernel semantics on rtfuzz's
 * virtual CPUs. Also brings in rwlock_t (<linux/rwlock.h>), preemption,
 * interrupt and bottom-half control, as the kernel's header does.
 *
 * raw_spinlock_t always spins:
 *   lock:   preempt_disable(), then test-and-set until it succeeds; each
 *           attempt is one point (rt::Op::kRmw on the lock's id, flags
 *           atomic|read|lock-op, +write when it took the lock), and a failed
 *           one is followed by cpu_relax() (rt::Spin), so a spinning CPU
 *           lets the others run and the machine can warp time over it
 *   unlock: a store-release (one point, kWrite), then preempt_enable()
 *   _irq, _irqsave/_irqrestore: interrupts off before preemption, restored
 *           before preempt_enable(); _bh: bottom halves and preemption off
 *
 * spinlock_t without PREEMPT_RT is exactly a raw_spinlock_t.
 *
 * spinlock_t on PREEMPT_RT is a sleeping lock built on the rt_mutex core
 * (<linux/rtmutex.h>), with priority inheritance:
 *   - a waiter blocks (set_current_state + schedule), and boosts the owner;
 *   - like the kernel's rtlock, a SCHED_OTHER waiter may also steal the lock
 *     from a top waiter of equal priority (a lateral steal);
 *   - spin_lock_irq/_irqsave do NOT disable interrupts (flags is 0), and none
 *     of the forms disables preemption: the holder only migrate_disable()s;
 *   - taking it in NMI or hardirq context, or with preemption or interrupts
 *     disabled, is the verdict sleep-in-atomic (might_sleep(),
 *     <linux/lockdep.h>), even if the lock is free; spin_trylock() only
 *     in NMI or hardirq context;
 *   - spin_lock_bh takes the lock first and then disables bottom halves,
 *     and spin_unlock_bh releases first and then enables them: the machine
 *     cannot block a task with bottom halves disabled (its bh model is the
 *     non-RT one), while RT can; the order keeps the common single-lock case
 *     valid. Not modeled: blocking on a second spinlock_t inside a
 *     bh-disabled section, and blocking in a softirq handler (softirqs are
 *     interrupt contexts on this machine, threads on RT): both end in
 *     sleep-in-atomic here.
 *
 * Every form calls the lockdep hooks (<linux/lockdep.h>): lock_acquire
 * before the first attempt, lock_contended if it must wait, lock_acquired
 * when it has the lock (before the point that took it, so an interrupt at
 * that point already sees the lock held), lock_release before the point
 * that frees it; a failed trylock reports -EBUSY (rtfuzz_lock_failed).
 *
 * Unlocking a lock the current context does not hold is the verdict
 * "failure" (CONFIG_DEBUG_SPINLOCK's "bad magic/wrong owner" BUG).
 *
 * Not modeled: fairness and queueing of the spinning lock (qspinlock: use
 * <linux/atomic.h> to test a lock algorithm), spin_is_contended(),
 * spin_needbreak(), cond_resched_lock().
 *
 * Semantics: Documentation/locking/locktypes.rst.
 */

#ifndef RTFUZZ_KAPI_LINUX_SPINLOCK_H_
#define RTFUZZ_KAPI_LINUX_SPINLOCK_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/locks.h"
#include "rtfuzz/kapi/linux/bottom_half.h"
#include "rtfuzz/kapi/linux/bug.h"
#include "rtfuzz/kapi/linux/compiler.h"
#include "rtfuzz/kapi/linux/irqflags.h"
#include "rtfuzz/kapi/linux/lockdep.h"
#include "rtfuzz/kapi/linux/preempt.h"
#include "rtfuzz/kapi/linux/spinlock_types.h"

extern "C" {

/* mode: enum rtfuzz_kapi_irq_mode. Lock returns the irqsave flags. */
unsigned long rtfuzz_kapi_raw_spin_lock(raw_spinlock_t *lock, int mode, const char *site);
int rtfuzz_kapi_raw_spin_trylock(raw_spinlock_t *lock, int mode, unsigned long *flags,
				 const char *site);
void rtfuzz_kapi_raw_spin_unlock(raw_spinlock_t *lock, int mode, unsigned long flags,
				 const char *site);
int rtfuzz_kapi_raw_spin_is_locked(raw_spinlock_t *lock);

unsigned long rtfuzz_kapi_spin_lock(spinlock_t *lock, int mode, const char *site);
int rtfuzz_kapi_spin_trylock(spinlock_t *lock, int mode, unsigned long *flags,
			     const char *site);
void rtfuzz_kapi_spin_unlock(spinlock_t *lock, int mode, unsigned long flags,
			     const char *site);
int rtfuzz_kapi_spin_is_locked(spinlock_t *lock);

}  /* extern "C" */

static inline void rtfuzz_kapi_raw_spin_lock_init(raw_spinlock_t *lock, const char *name)
{
	*lock = raw_spinlock_t __RAW_SPIN_LOCK_UNLOCKED(unnamed);
	lock->dep_map.name = name;
}

static inline void rtfuzz_kapi_spin_lock_init(spinlock_t *lock, const char *name)
{
	*lock = spinlock_t __SPIN_LOCK_UNLOCKED(unnamed);
	lock->dep_map.name = name;
}

/*
 * Macros, as in the kernel, so that RTFUZZ_KAPI_HERE names the caller's
 * file:line in traces and reports.
 */

/* --- raw_spinlock_t: always spinning --- */

#define raw_spin_lock_init(lock)	rtfuzz_kapi_raw_spin_lock_init((lock), #lock)

#define raw_spin_lock(lock)						\
	((void)rtfuzz_kapi_raw_spin_lock((lock), RTFUZZ_KAPI_PLAIN, RTFUZZ_KAPI_HERE))
#define raw_spin_lock_nested(lock, subclass)	raw_spin_lock(lock)
#define raw_spin_lock_irq(lock)						\
	((void)rtfuzz_kapi_raw_spin_lock((lock), RTFUZZ_KAPI_IRQ, RTFUZZ_KAPI_HERE))
#define raw_spin_lock_bh(lock)						\
	((void)rtfuzz_kapi_raw_spin_lock((lock), RTFUZZ_KAPI_BH, RTFUZZ_KAPI_HERE))
/* Kernel parity: @flags must be an unsigned long lvalue. */
#define raw_spin_lock_irqsave(lock, flags)				\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		flags = rtfuzz_kapi_raw_spin_lock((lock), RTFUZZ_KAPI_IRQSAVE, \
						  RTFUZZ_KAPI_HERE);	\
	} while (0)
#define raw_spin_lock_irqsave_nested(lock, flags, subclass)		\
	raw_spin_lock_irqsave(lock, flags)

#define raw_spin_trylock(lock)						\
	rtfuzz_kapi_raw_spin_trylock((lock), RTFUZZ_KAPI_PLAIN, nullptr, RTFUZZ_KAPI_HERE)
#define raw_spin_trylock_irq(lock)					\
	rtfuzz_kapi_raw_spin_trylock((lock), RTFUZZ_KAPI_IRQ, nullptr, RTFUZZ_KAPI_HERE)
#define raw_spin_trylock_bh(lock)					\
	rtfuzz_kapi_raw_spin_trylock((lock), RTFUZZ_KAPI_BH, nullptr, RTFUZZ_KAPI_HERE)
#define raw_spin_trylock_irqsave(lock, flags)				\
	((void)typecheck(unsigned long, flags),				\
	 rtfuzz_kapi_raw_spin_trylock((lock), RTFUZZ_KAPI_IRQSAVE, &(flags), \
				      RTFUZZ_KAPI_HERE))

#define raw_spin_unlock(lock)						\
	rtfuzz_kapi_raw_spin_unlock((lock), RTFUZZ_KAPI_PLAIN, 0, RTFUZZ_KAPI_HERE)
#define raw_spin_unlock_irq(lock)					\
	rtfuzz_kapi_raw_spin_unlock((lock), RTFUZZ_KAPI_IRQ, 0, RTFUZZ_KAPI_HERE)
#define raw_spin_unlock_bh(lock)					\
	rtfuzz_kapi_raw_spin_unlock((lock), RTFUZZ_KAPI_BH, 0, RTFUZZ_KAPI_HERE)
#define raw_spin_unlock_irqrestore(lock, flags)				\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		rtfuzz_kapi_raw_spin_unlock((lock), RTFUZZ_KAPI_IRQSAVE, (flags), \
					    RTFUZZ_KAPI_HERE);		\
	} while (0)

/* Not points: a look at the lock word. */
#define raw_spin_is_locked(lock)	rtfuzz_kapi_raw_spin_is_locked(lock)

/* --- spinlock_t: raw without PREEMPT_RT, a sleeping rtlock with it --- */

#define spin_lock_init(lock)		rtfuzz_kapi_spin_lock_init((lock), #lock)

#define spin_lock(lock)							\
	((void)rtfuzz_kapi_spin_lock((lock), RTFUZZ_KAPI_PLAIN, RTFUZZ_KAPI_HERE))
#define spin_lock_nested(lock, subclass)	spin_lock(lock)
#define spin_lock_nest_lock(lock, nest_lock)	spin_lock(lock)
#define spin_lock_irq(lock)						\
	((void)rtfuzz_kapi_spin_lock((lock), RTFUZZ_KAPI_IRQ, RTFUZZ_KAPI_HERE))
#define spin_lock_bh(lock)						\
	((void)rtfuzz_kapi_spin_lock((lock), RTFUZZ_KAPI_BH, RTFUZZ_KAPI_HERE))
/* On PREEMPT_RT flags is 0 and interrupts stay enabled. */
#define spin_lock_irqsave(lock, flags)					\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		flags = rtfuzz_kapi_spin_lock((lock), RTFUZZ_KAPI_IRQSAVE, \
					      RTFUZZ_KAPI_HERE);	\
	} while (0)
#define spin_lock_irqsave_nested(lock, flags, subclass)			\
	spin_lock_irqsave(lock, flags)

#define spin_trylock(lock)						\
	rtfuzz_kapi_spin_trylock((lock), RTFUZZ_KAPI_PLAIN, nullptr, RTFUZZ_KAPI_HERE)
#define spin_trylock_irq(lock)						\
	rtfuzz_kapi_spin_trylock((lock), RTFUZZ_KAPI_IRQ, nullptr, RTFUZZ_KAPI_HERE)
#define spin_trylock_bh(lock)						\
	rtfuzz_kapi_spin_trylock((lock), RTFUZZ_KAPI_BH, nullptr, RTFUZZ_KAPI_HERE)
#define spin_trylock_irqsave(lock, flags)				\
	((void)typecheck(unsigned long, flags),				\
	 rtfuzz_kapi_spin_trylock((lock), RTFUZZ_KAPI_IRQSAVE, &(flags), \
				  RTFUZZ_KAPI_HERE))

#define spin_unlock(lock)						\
	rtfuzz_kapi_spin_unlock((lock), RTFUZZ_KAPI_PLAIN, 0, RTFUZZ_KAPI_HERE)
#define spin_unlock_irq(lock)						\
	rtfuzz_kapi_spin_unlock((lock), RTFUZZ_KAPI_IRQ, 0, RTFUZZ_KAPI_HERE)
#define spin_unlock_bh(lock)						\
	rtfuzz_kapi_spin_unlock((lock), RTFUZZ_KAPI_BH, 0, RTFUZZ_KAPI_HERE)
#define spin_unlock_irqrestore(lock, flags)				\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		rtfuzz_kapi_spin_unlock((lock), RTFUZZ_KAPI_IRQSAVE, (flags), \
					RTFUZZ_KAPI_HERE);		\
	} while (0)

#define spin_is_locked(lock)		rtfuzz_kapi_spin_is_locked(lock)

/* BUG_ON(!locked), as the kernel's: the verdict "failure". */
#define assert_raw_spin_locked(lock)	BUG_ON(!raw_spin_is_locked(lock))
#define assert_spin_locked(lock)	BUG_ON(!spin_is_locked(lock))

#include "rtfuzz/kapi/linux/rwlock.h"

#endif  /* RTFUZZ_KAPI_LINUX_SPINLOCK_H_ */
