/* targets/userlocks/rw_lock.h
 *
 * A reader-writer spinlock written against the kernel API alone: readers
 * count in `cnts`, a writer owns RW_WRITER in it. The write trylock sets the
 * writer bit and takes it back when it finds the lock in use, so it writes
 * on most failures; the write unlock is two stores (the owner field, then
 * the writer bit). Lockdep hooks as the kernel places them (read
 * acquisitions with read=1), when kHooks.
 *
 * kLost plants a lost handoff: the write unlock clears the owner but never
 * the writer bit, so the lock is held by nobody and taken by nobody again.
 */

#ifndef RTFUZZ_TARGETS_USERLOCKS_RW_LOCK_H_
#define RTFUZZ_TARGETS_USERLOCKS_RW_LOCK_H_

#include <asm/processor.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

#define RW_WRITER	0x100

struct rw_lock {
	atomic_t cnts;
	int owner_cpu;		/* the writer's CPU, or -1 */
	struct lockdep_map dep_map;
};

#define RW_LOCK_INIT(name) \
	{ ATOMIC_INIT(0), -1, STATIC_LOCKDEP_MAP_INIT(#name, nullptr) }

template <bool kHooks, bool kLost>
static inline void rw_read_lock(struct rw_lock *lock)
{
	preempt_disable();
	if (kHooks)
		lock_acquire(&lock->dep_map, 0, 0, 1, 1, NULL, _RET_IP_);
	for (;;) {
		int cnts = atomic_read(&lock->cnts);

		if (!(cnts & RW_WRITER) && atomic_try_cmpxchg(&lock->cnts, &cnts, cnts + 1))
			return;
		cpu_relax();
	}
}

template <bool kHooks, bool kLost>
static inline void rw_read_unlock(struct rw_lock *lock)
{
	if (kHooks)
		lock_release(&lock->dep_map, _RET_IP_);
	atomic_dec(&lock->cnts);
	preempt_enable();
}

template <bool kHooks, bool kLost>
static inline void rw_write_lock(struct rw_lock *lock)
{
	preempt_disable();
	if (kHooks)
		lock_acquire(&lock->dep_map, 0, 0, 0, 1, NULL, _RET_IP_);
	for (;;) {
		int zero = 0;

		if (atomic_try_cmpxchg(&lock->cnts, &zero, RW_WRITER))
			break;
		cpu_relax();
	}
	WRITE_ONCE(lock->owner_cpu, smp_processor_id());
}

/*
 * Sets the writer bit and takes it back if the lock was in use. (A first
 * version added RW_WRITER instead of or-ing it: two concurrent tries carried
 * into the next bit, so readers saw no writer while one held the lock. The
 * contend scenario found it as a BUG in the read section.)
 */
template <bool kHooks, bool kLost>
static inline int rw_write_trylock(struct rw_lock *lock)
{
	int old;

	preempt_disable();
	old = atomic_fetch_or(RW_WRITER, &lock->cnts);
	if (old != 0) {
		if (!(old & RW_WRITER))
			atomic_andnot(RW_WRITER, &lock->cnts);	/* ours: undo */
		preempt_enable();
		return 0;
	}
	WRITE_ONCE(lock->owner_cpu, smp_processor_id());
	if (kHooks)
		lock_acquire(&lock->dep_map, 0, 1, 0, 1, NULL, _RET_IP_);
	return 1;
}

template <bool kHooks, bool kLost>
static inline void rw_write_unlock(struct rw_lock *lock)
{
	if (kHooks)
		lock_release(&lock->dep_map, _RET_IP_);
	WRITE_ONCE(lock->owner_cpu, -1);
	if (!kLost)
		atomic_sub(RW_WRITER, &lock->cnts);
	preempt_enable();
}

#endif  /* RTFUZZ_TARGETS_USERLOCKS_RW_LOCK_H_ */
