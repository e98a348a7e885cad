/* toylock.h: the lock under test, written against the kernel API only.
 *
 * A test-and-set spinlock with lockdep's hooks where the kernel puts them
 * (lock_acquire before a blocking attempt, after a successful trylock;
 * lock_release before the releasing store), and an event counter that
 * tasks and a perf NMI both update under it.
 *
 * The NMI path is the point: an NMI can land while the interrupted task
 * holds the lock, so it must only try. `toy_count_from_nmi_planted()` is
 * the bug a reviewer should catch: it takes the lock as a task would, and
 * spins forever on a lock its own CPU holds (AA).
 */
#ifndef TOYLOCK_H
#define TOYLOCK_H

#include <asm/processor.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>

struct toylock {
	atomic_t val;
	struct lockdep_map dep_map;
};

static inline void toylock_init(struct toylock *lock, const char *name)
{
	atomic_set(&lock->val, 0);
	lockdep_init_map(&lock->dep_map, name, nullptr, 0);
}

static inline void toylock_lock(struct toylock *lock)
{
	preempt_disable();
	lock_acquire(&lock->dep_map, 0, 0, 0, 1, NULL, _RET_IP_);
	for (;;) {
		int old = 0;
		if (atomic_try_cmpxchg_acquire(&lock->val, &old, 1))
			return;
		while (atomic_read(&lock->val))
			cpu_relax();
	}
}

static inline int toylock_trylock(struct toylock *lock)
{
	int old = 0;
	preempt_disable();
	if (!atomic_try_cmpxchg_acquire(&lock->val, &old, 1)) {
		preempt_enable();
		return 0;
	}
	lock_acquire(&lock->dep_map, 0, 1, 0, 1, NULL, _RET_IP_);
	return 1;
}

static inline void toylock_unlock(struct toylock *lock)
{
	lock_release(&lock->dep_map, _RET_IP_);
	atomic_set_release(&lock->val, 0);
	preempt_enable();
}

struct toy_counter {
	struct toylock lock;
	unsigned long events;	/* under lock */
	atomic_t missed;	/* NMI events that found the lock taken */
};

static inline void toy_count(struct toy_counter *c)
{
	toylock_lock(&c->lock);
	WRITE_ONCE(c->events, READ_ONCE(c->events) + 1);
	toylock_unlock(&c->lock);
}

static inline void toy_count_from_nmi(struct toy_counter *c)
{
	if (!toylock_trylock(&c->lock)) {
		atomic_inc(&c->missed);
		return;
	}
	WRITE_ONCE(c->events, READ_ONCE(c->events) + 1);
	toylock_unlock(&c->lock);
}

static inline void toy_count_from_nmi_planted(struct toy_counter *c)
{
	toy_count(c);	/* BUG: spins in NMI on a lock its CPU may hold */
}

#endif /* TOYLOCK_H */
