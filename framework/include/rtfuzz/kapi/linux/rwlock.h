/* framework/include/rtfuzz/kapi/linux/rwlock.h
 *
 * rwlock_t and the read_*()/write_*() API, as the kernel's <linux/rwlock.h>
 * (which <linux/spinlock.h> includes; including this header alone works too).
 *
 * Without PREEMPT_RT, a spinning reader/writer lock with qrwlock's rules:
 *   - readers share it, a writer excludes everyone; preemption is disabled
 *     while it is held or awaited, as for a raw spinlock;
 *   - a writer that has to wait marks itself waiting, and from then on new
 *     readers in task context wait too (fairness to writers); readers in
 *     interrupt context (in_interrupt(): NMI, hardirq, softirq, or bottom
 *     halves disabled, so read_lock_bh too) only wait for a writer that
 *     holds the lock, as the kernel's queued_read_lock_slowpath() lets them;
 *   - each attempt is one point (kRmw on the lock's id) followed, when it
 *     failed, by cpu_relax() (rt::Spin).
 *   Not modeled: the FIFO order qrwlock's wait_lock gives waiting writers
 *   among themselves (here they race for the lock when it frees).
 *
 * On PREEMPT_RT, rwbase_rt (kernel/locking/rwbase_rt.c), after 286deb7ec03d
 * "locking/rwbase: Mitigate indefinite writer starvation":
 *   - readers take it shared with one atomic increment, and record no owner:
 *     a waiting writer CANNOT boost them (no priority inheritance to
 *     readers);
 *   - a writer first takes the rtmutex inside the lock (with PI against
 *     other writers), then keeps new readers out (they block on that
 *     rtmutex, so waiting readers DO boost the writer), then sleeps until the
 *     active readers have left; the last reader out wakes it;
 *   - as spinlock_t on RT: sleeping, lateral steals for SCHED_OTHER, no
 *     interrupt or preemption disabling (the _irqsave flags are 0),
 *     migrate_disable() while held, sleep-in-atomic from NMI or hardirq
 *     context or with preemption or interrupts disabled, and the _bh forms
 *     take the lock before disabling bottom halves (<linux/spinlock.h>).
 *
 * Lockdep hooks as for spinlock_t; readers are shared acquisitions.
 *
 * Semantics: Documentation/locking/locktypes.rst ("rwlock_t and PREEMPT_RT").
 */

#ifndef RTFUZZ_KAPI_LINUX_RWLOCK_H_
#define RTFUZZ_KAPI_LINUX_RWLOCK_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/locks.h"
#include "rtfuzz/kapi/linux/compiler.h"
#include "rtfuzz/kapi/linux/lockdep.h"
#include "rtfuzz/kapi/linux/spinlock_types.h"

extern "C" {

/* mode: enum rtfuzz_kapi_irq_mode. Lock returns the irqsave flags. */
unsigned long rtfuzz_kapi_read_lock(rwlock_t *lock, int mode, const char *site);
int rtfuzz_kapi_read_trylock(rwlock_t *lock, const char *site);
void rtfuzz_kapi_read_unlock(rwlock_t *lock, int mode, unsigned long flags,
			     const char *site);
unsigned long rtfuzz_kapi_write_lock(rwlock_t *lock, int mode, const char *site);
int rtfuzz_kapi_write_trylock(rwlock_t *lock, const char *site);
void rtfuzz_kapi_write_unlock(rwlock_t *lock, int mode, unsigned long flags,
			      const char *site);
/* rtfuzz extension, not a point: whether a reader or a writer holds it. */
int rtfuzz_kapi_rwlock_is_locked(rwlock_t *lock);

}  /* extern "C" */

static inline void rtfuzz_kapi_rwlock_init(rwlock_t *lock, const char *name)
{
	*lock = rwlock_t __RW_LOCK_UNLOCKED(unnamed);
	lock->dep_map.name = name;
}

#define rwlock_init(lock)		rtfuzz_kapi_rwlock_init((lock), #lock)

#define read_lock(lock)							\
	((void)rtfuzz_kapi_read_lock((lock), RTFUZZ_KAPI_PLAIN, RTFUZZ_KAPI_HERE))
#define read_lock_irq(lock)						\
	((void)rtfuzz_kapi_read_lock((lock), RTFUZZ_KAPI_IRQ, RTFUZZ_KAPI_HERE))
#define read_lock_bh(lock)						\
	((void)rtfuzz_kapi_read_lock((lock), RTFUZZ_KAPI_BH, RTFUZZ_KAPI_HERE))
#define read_lock_irqsave(lock, flags)					\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		flags = rtfuzz_kapi_read_lock((lock), RTFUZZ_KAPI_IRQSAVE, \
					      RTFUZZ_KAPI_HERE);	\
	} while (0)
#define read_trylock(lock)		rtfuzz_kapi_read_trylock((lock), RTFUZZ_KAPI_HERE)

#define read_unlock(lock)						\
	rtfuzz_kapi_read_unlock((lock), RTFUZZ_KAPI_PLAIN, 0, RTFUZZ_KAPI_HERE)
#define read_unlock_irq(lock)						\
	rtfuzz_kapi_read_unlock((lock), RTFUZZ_KAPI_IRQ, 0, RTFUZZ_KAPI_HERE)
#define read_unlock_bh(lock)						\
	rtfuzz_kapi_read_unlock((lock), RTFUZZ_KAPI_BH, 0, RTFUZZ_KAPI_HERE)
#define read_unlock_irqrestore(lock, flags)				\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		rtfuzz_kapi_read_unlock((lock), RTFUZZ_KAPI_IRQSAVE, (flags), \
					RTFUZZ_KAPI_HERE);		\
	} while (0)

#define write_lock(lock)						\
	((void)rtfuzz_kapi_write_lock((lock), RTFUZZ_KAPI_PLAIN, RTFUZZ_KAPI_HERE))
#define write_lock_nested(lock, subclass)	write_lock(lock)
#define write_lock_irq(lock)						\
	((void)rtfuzz_kapi_write_lock((lock), RTFUZZ_KAPI_IRQ, RTFUZZ_KAPI_HERE))
#define write_lock_bh(lock)						\
	((void)rtfuzz_kapi_write_lock((lock), RTFUZZ_KAPI_BH, RTFUZZ_KAPI_HERE))
#define write_lock_irqsave(lock, flags)					\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		flags = rtfuzz_kapi_write_lock((lock), RTFUZZ_KAPI_IRQSAVE, \
					       RTFUZZ_KAPI_HERE);	\
	} while (0)
#define write_trylock(lock)		rtfuzz_kapi_write_trylock((lock), RTFUZZ_KAPI_HERE)

#define write_unlock(lock)						\
	rtfuzz_kapi_write_unlock((lock), RTFUZZ_KAPI_PLAIN, 0, RTFUZZ_KAPI_HERE)
#define write_unlock_irq(lock)						\
	rtfuzz_kapi_write_unlock((lock), RTFUZZ_KAPI_IRQ, 0, RTFUZZ_KAPI_HERE)
#define write_unlock_bh(lock)						\
	rtfuzz_kapi_write_unlock((lock), RTFUZZ_KAPI_BH, 0, RTFUZZ_KAPI_HERE)
#define write_unlock_irqrestore(lock, flags)				\
	do {								\
		(void)typecheck(unsigned long, flags);			\
		rtfuzz_kapi_write_unlock((lock), RTFUZZ_KAPI_IRQSAVE, (flags), \
					 RTFUZZ_KAPI_HERE);		\
	} while (0)

#endif  /* RTFUZZ_KAPI_LINUX_RWLOCK_H_ */
