/* framework/include/rtfuzz/kapi/linux/rwsem.h
 *
 * struct rw_semaphore, as the kernel's <linux/rwsem.h>: a sleeping
 * reader/writer lock, taken in task context only (might_sleep(),
 * <linux/lockdep.h>).
 *
 * Without PREEMPT_RT, no priority inheritance, FIFO with writer preference:
 *   - a reader gets in at once only if no writer holds it and nobody waits;
 *     a writer only if it is free and nobody waits: so a waiting writer
 *     keeps new readers out (writers cannot starve), and the queue is FIFO;
 *   - when the lock becomes free, the release grants it directly to the
 *     head of the queue: a writer, or, if the head is a reader, every
 *     reader in the queue at once (the kernel's rwsem_mark_wake() wakes up
 *     to 256 readers, skipping writers), and wakes them;
 *   - down_read_trylock/down_write_trylock fail while anyone waits, as the
 *     kernel's (RWSEM_FLAG_WAITERS is in their fail masks).
 *   Not modeled: optimistic spinning, reader and writer lock stealing,
 *   RWSEM_FLAG_HANDOFF, downgrade_write.
 *
 * On PREEMPT_RT, rwbase_rt as rwlock_t on RT (<linux/rwlock.h>): readers
 * are not boosted by waiting writers; a writer takes the inner rtmutex (PI
 * against writers and waiting readers), keeps new readers out and sleeps
 * until the active readers leave. No lateral steals (that is rtlock only).
 *
 * Scheduling points: one for an uncontended down/up; a waiter makes one for
 * its failed attempt and enqueue, then set_current_state/schedule until it
 * is granted the lock (or, on RT, can take it); a release with waiters makes
 * one wakeup per task it grants the lock to.
 *
 * Lockdep hooks as for rwlock_t. up_write by a context that is not the
 * writer, or up_read with no reader, is the verdict "failure".
 */

#ifndef RTFUZZ_KAPI_LINUX_RWSEM_H_
#define RTFUZZ_KAPI_LINUX_RWSEM_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/locks.h"
#include "rtfuzz/kapi/linux/lockdep.h"

struct rw_semaphore {
	struct rtfuzz_kapi_sleeplock rtfuzz_sl;		/* !PREEMPT_RT */
	struct rtfuzz_kapi_rwbase rtfuzz_rwbase;	/* PREEMPT_RT */
	struct lockdep_map dep_map;
};

#define __RWSEM_INITIALIZER(name)					\
	{ RTFUZZ_KAPI_SLEEPLOCK_INIT, RTFUZZ_KAPI_RWBASE_INIT,		\
	  STATIC_LOCKDEP_MAP_INIT(#name, nullptr) }
#define DECLARE_RWSEM(name)						\
	struct rw_semaphore name = __RWSEM_INITIALIZER(name)

extern "C" {

void rtfuzz_kapi_down_read(struct rw_semaphore *sem, const char *site);
int rtfuzz_kapi_down_read_trylock(struct rw_semaphore *sem, const char *site);
void rtfuzz_kapi_up_read(struct rw_semaphore *sem, const char *site);
void rtfuzz_kapi_down_write(struct rw_semaphore *sem, const char *site);
int rtfuzz_kapi_down_write_trylock(struct rw_semaphore *sem, const char *site);
void rtfuzz_kapi_up_write(struct rw_semaphore *sem, const char *site);
int rtfuzz_kapi_rwsem_is_locked(struct rw_semaphore *sem);

}  /* extern "C" */

static inline void rtfuzz_kapi_init_rwsem(struct rw_semaphore *sem, const char *name)
{
	*sem = rw_semaphore __RWSEM_INITIALIZER(unnamed);
	sem->dep_map.name = name;
}

#define init_rwsem(sem)			rtfuzz_kapi_init_rwsem((sem), #sem)

#define down_read(sem)			rtfuzz_kapi_down_read((sem), RTFUZZ_KAPI_HERE)
#define down_read_nested(sem, subclass)	down_read(sem)
/* No signals: these wait like down_read()/down_write() and return 0. */
#define down_read_interruptible(sem)	(rtfuzz_kapi_down_read((sem), RTFUZZ_KAPI_HERE), 0)
#define down_read_killable(sem)		(rtfuzz_kapi_down_read((sem), RTFUZZ_KAPI_HERE), 0)
#define down_read_trylock(sem)		rtfuzz_kapi_down_read_trylock((sem), RTFUZZ_KAPI_HERE)
#define up_read(sem)			rtfuzz_kapi_up_read((sem), RTFUZZ_KAPI_HERE)

#define down_write(sem)			rtfuzz_kapi_down_write((sem), RTFUZZ_KAPI_HERE)
#define down_write_nested(sem, subclass)	down_write(sem)
#define down_write_killable(sem)	(rtfuzz_kapi_down_write((sem), RTFUZZ_KAPI_HERE), 0)
#define down_write_trylock(sem)		rtfuzz_kapi_down_write_trylock((sem), RTFUZZ_KAPI_HERE)
#define up_write(sem)			rtfuzz_kapi_up_write((sem), RTFUZZ_KAPI_HERE)

/* Not a point: whether a reader or a writer holds it. */
#define rwsem_is_locked(sem)		rtfuzz_kapi_rwsem_is_locked(sem)

#endif  /* RTFUZZ_KAPI_LINUX_RWSEM_H_ */
