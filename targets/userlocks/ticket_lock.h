/* targets/userlocks/ticket_lock.h
 *
 * A ticket spinlock written as a lock author would write it against the
 * kernel API alone (kapi's public headers, nothing of rtfuzz): a counter
 * hands out tickets, `owner` says whose turn it is, waiters spin on it with
 * cpu_relax(). The lockdep hooks sit where the kernel's spinlocks put them
 * (lock_acquire before the attempt, lock_release before the releasing
 * store; no lockstat), when kHooks.
 *
 * kLost plants a lost handoff: the trylock takes a ticket out of turn and,
 * when it is not served, gives one back by decrementing `next`; if another
 * locker took a ticket in between, the ticket given back is not the one
 * taken, and the one taken is never served: everyone behind it spins.
 */

#ifndef RTFUZZ_TARGETS_USERLOCKS_TICKET_LOCK_H_
#define RTFUZZ_TARGETS_USERLOCKS_TICKET_LOCK_H_

#include <asm/barrier.h>
#include <asm/processor.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>

struct ticket_lock {
	atomic_t next;		/* the next ticket handed out */
	u32 owner;		/* the ticket being served */
	struct lockdep_map dep_map;
};

#define TICKET_LOCK_INIT(name) \
	{ ATOMIC_INIT(0), 0, STATIC_LOCKDEP_MAP_INIT(#name, nullptr) }

template <bool kHooks, bool kLost>
static inline void ticket_spin_lock(struct ticket_lock *lock)
{
	u32 ticket;

	preempt_disable();
	if (kHooks)
		lock_acquire(&lock->dep_map, 0, 0, 0, 1, NULL, _RET_IP_);
	ticket = (u32)atomic_fetch_inc(&lock->next);
	while (READ_ONCE(lock->owner) != ticket)
		cpu_relax();
}

template <bool kHooks, bool kLost>
static inline int ticket_spin_trylock(struct ticket_lock *lock)
{
	u32 owner;

	preempt_disable();
	owner = READ_ONCE(lock->owner);
	if (kLost) {
		/* BUG: the ticket is taken before knowing it is served. */
		if ((u32)atomic_fetch_inc(&lock->next) != owner) {
			atomic_dec(&lock->next);
			preempt_enable();
			return 0;
		}
	} else {
		int expected = (int)owner;

		if (!atomic_try_cmpxchg(&lock->next, &expected, (int)(owner + 1))) {
			preempt_enable();
			return 0;
		}
	}
	if (kHooks)
		lock_acquire(&lock->dep_map, 0, 1, 0, 1, NULL, _RET_IP_);
	return 1;
}

template <bool kHooks, bool kLost>
static inline void ticket_spin_unlock(struct ticket_lock *lock)
{
	if (kHooks)
		lock_release(&lock->dep_map, _RET_IP_);
	smp_store_release(&lock->owner, lock->owner + 1);
	preempt_enable();
}

#endif  /* RTFUZZ_TARGETS_USERLOCKS_TICKET_LOCK_H_ */
