/* targets/rqspinlock/rqspinlock.h
 *
 * The BPF resilient queued spinlock (kernel/bpf/rqspinlock.c and
 * include/asm-generic/rqspinlock.h), modeled from the description in
 * ../shared/spec/kernel-mechanisms.md section 1, with every historical
 * variant switchable at run time (variant.h).
 *
 * Lock word, as qspinlock with NR_CPUS < 16K:
 *
 *   bits  0- 7  locked byte
 *   bits  8-15  pending byte
 *   bits 16-17  tail idx (the nesting level's MCS node)
 *   bits 18-31  tail cpu + 1 (0: no queue)
 *
 * The kernel overlays the word with byte/halfword views (locked, pending,
 * locked_pending, tail) in a union. Here every access goes through the one
 * atomic_t, so each access is one traced step on the lock's id: a byte store
 * such as WRITE_ONCE(lock->locked, 0) is modeled as a single RMW that
 * changes only those bits, which is what the store does to the word.
 *
 * Lock events (rtfuzz/check/lock_events.h): LockAcquire when res_spin_lock()
 * starts, LockContended when the fast path fails, LockAcquired inside the
 * very step that sets the locked byte, LockFailed when an error is returned,
 * LockRelease before the step that clears the locked byte. The held-locks
 * table's entries are LockEntryPublished/LockEntryCleared in the step of
 * their store, and a waiter says whom it cannot pass (LockWaitsBehind): its
 * MCS predecessor, the pending waiter (a queue head waits for it), or for
 * the NMI trylock loop, which needs the word to be 0, the tail's owner.
 */

#ifndef TARGETS_RQSPINLOCK_RQSPINLOCK_H_
#define TARGETS_RQSPINLOCK_RQSPINLOCK_H_

#include "variant.h"

#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/observer.h"

#include <linux/atomic.h>
#include <linux/irqflags.h>
#include <linux/kapi_errno.h>
#include <linux/preempt.h>

typedef struct rqspinlock {
	atomic_t val;
	const char *name;	/* for reports; the id is val's object id */
	/* Model only: the context that set the pending byte (oracle edges). */
	u16 rtfuzz_pending;
} rqspinlock_t;

#define _Q_LOCKED_OFFSET	0
#define _Q_LOCKED_MASK		0x000000ffU
#define _Q_LOCKED_VAL		(1U << _Q_LOCKED_OFFSET)
#define _Q_PENDING_OFFSET	8
#define _Q_PENDING_MASK		0x0000ff00U
#define _Q_PENDING_VAL		(1U << _Q_PENDING_OFFSET)
#define _Q_LOCKED_PENDING_MASK	(_Q_LOCKED_MASK | _Q_PENDING_MASK)
#define _Q_TAIL_IDX_OFFSET	16
#define _Q_TAIL_IDX_MASK	0x00030000U
#define _Q_TAIL_CPU_OFFSET	18
#define _Q_TAIL_MASK		0xffff0000U
#define _Q_MAX_NODES		4

#define RES_NR_HELD		31
#define RES_DEF_TIMEOUT		(NSEC_PER_SEC / 4)
#define RES_TIMEOUT_VAL		2

struct rqspinlock_held {
	int cnt;
	rqspinlock_t *locks[RES_NR_HELD];
};

/* The variant in force; set before each execution (scenarios.cc). */
extern struct rqspinlock_variant rqspinlock_cfg;

static inline void rqspinlock_init(rqspinlock_t *lock, const char *name)
{
	lock->val.counter = 0;
	lock->name = name;
	lock->rtfuzz_pending = ::rtfuzz::rt::kNoContext;
}

int res_spin_lock(rqspinlock_t *lock);
void res_spin_unlock(rqspinlock_t *lock);

/* The TAS fallback (no qspinlock support): a 0/1 word, 1 s timeout. */
int resilient_tas_spin_lock(rqspinlock_t *lock);

/* Wrappers: they mask preemption and interrupts, never NMIs. */
static inline int raw_res_spin_lock(rqspinlock_t *lock)
{
	int ret;

	preempt_disable();
	ret = res_spin_lock(lock);
	if (ret)
		preempt_enable();
	return ret;
}

static inline void raw_res_spin_unlock(rqspinlock_t *lock)
{
	res_spin_unlock(lock);
	preempt_enable();
}

static inline int raw_res_spin_lock_irqsave_fn(rqspinlock_t *lock,
					       unsigned long *flags)
{
	unsigned long f;
	int ret;

	local_irq_save(f);
	ret = raw_res_spin_lock(lock);
	if (ret)
		local_irq_restore(f);
	*flags = f;
	return ret;
}

#define raw_res_spin_lock_irqsave(lock, flags)	\
	raw_res_spin_lock_irqsave_fn((lock), &(flags))

static inline void raw_res_spin_unlock_irqrestore(rqspinlock_t *lock,
						  unsigned long flags)
{
	raw_res_spin_unlock(lock);
	local_irq_restore(flags);
}

/*
 * For scenarios and tests, outside the model: plain reads of a CPU's table
 * and node count (not points), and the reset of all per-CPU state.
 */
int rqspinlock_held_cnt(int cpu);
rqspinlock_t *rqspinlock_held_entry(int cpu, int i);
int rqspinlock_node_count(int cpu);
void rqspinlock_reset_percpu(int nr_cpus);

/*
 * Model only, per execution (plain counters, not points; reset by
 * rqspinlock_reset_percpu()), so tests can show a window was reached:
 *   nmi_trylock_nested  NMI trylock fallbacks entered with idx > 0 (its
 *                       CPU already has a node in use: c's case)
 *   racy_count_window   racy-count increments that another context of the
 *                       same CPU updated the count inside (between the load
 *                       and the store: the lost update happened)
 */
struct rqspinlock_stats {
	int nmi_trylock_nested;
	int racy_count_window;
};
extern struct rqspinlock_stats rqspinlock_stats;

#endif  /* TARGETS_RQSPINLOCK_RQSPINLOCK_H_ */
