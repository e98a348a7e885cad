/* targets/userlocks/mcs_lock.h
 *
 * A queued (MCS) spinlock written against the kernel API alone: a waiter
 * links its own node behind the tail and spins on its node's `locked`; the
 * holder hands over by setting its successor's. Nodes are per CPU and per
 * context (task, softirq, hardirq, NMI), as qspinlock's, so an NMI queues
 * with its own node. The trylock resets its node before it tries, so it
 * writes on every failure. Lockdep hooks as the kernel places them, when
 * kHooks.
 *
 * kLost plants a lost handoff: an unlock that finds no successor linked yet
 * and fails to clear the tail returns instead of waiting for the successor
 * to link, which then spins forever.
 */

#ifndef RTFUZZ_TARGETS_USERLOCKS_MCS_LOCK_H_
#define RTFUZZ_TARGETS_USERLOCKS_MCS_LOCK_H_

#include <asm/barrier.h>
#include <asm/processor.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

struct mcs_node {
	struct mcs_node *next;
	int locked;
};

struct mcs_lock {
	struct mcs_node *tail;
	struct lockdep_map dep_map;
};

#define MCS_LOCK_INIT(name) { NULL, STATIC_LOCKDEP_MAP_INIT(#name, nullptr) }

/* One node per context level, as qspinlock's four per CPU. */
DECLARE_PER_CPU(struct mcs_node, mcs_nodes[4]);

static inline struct mcs_node *mcs_my_node(void)
{
	const int level = in_nmi() ? 3 : in_hardirq() ? 2 : in_serving_softirq() ? 1 : 0;

	return this_cpu_ptr(&mcs_nodes[level]);
}

static inline void mcs_reset(struct mcs_node *node)
{
	WRITE_ONCE(node->locked, 0);
	WRITE_ONCE(node->next, NULL);
}

template <bool kHooks, bool kLost>
static inline void mcs_spin_lock(struct mcs_lock *lock)
{
	struct mcs_node *node, *prev;

	preempt_disable();
	if (kHooks)
		lock_acquire(&lock->dep_map, 0, 0, 0, 1, NULL, _RET_IP_);
	node = mcs_my_node();
	mcs_reset(node);
	prev = xchg(&lock->tail, node);
	if (!prev)
		return;
	WRITE_ONCE(prev->next, node);
	while (!smp_load_acquire(&node->locked))
		cpu_relax();
}

template <bool kHooks, bool kLost>
static inline int mcs_spin_trylock(struct mcs_lock *lock)
{
	struct mcs_node *node;

	preempt_disable();
	node = mcs_my_node();
	mcs_reset(node);
	if (cmpxchg(&lock->tail, (struct mcs_node *)NULL, node) != NULL) {
		preempt_enable();
		return 0;
	}
	if (kHooks)
		lock_acquire(&lock->dep_map, 0, 1, 0, 1, NULL, _RET_IP_);
	return 1;
}

template <bool kHooks, bool kLost>
static inline void mcs_spin_unlock(struct mcs_lock *lock)
{
	struct mcs_node *node = mcs_my_node();
	struct mcs_node *next;

	if (kHooks)
		lock_release(&lock->dep_map, _RET_IP_);
	next = READ_ONCE(node->next);
	if (!next) {
		if (cmpxchg(&lock->tail, node, (struct mcs_node *)NULL) == node)
			goto out;
		if (kLost)
			goto out;	/* BUG: the successor has not linked yet. */
		while (!(next = READ_ONCE(node->next)))
			cpu_relax();
	}
	smp_store_release(&next->locked, 1);
out:
	preempt_enable();
}

#endif  /* RTFUZZ_TARGETS_USERLOCKS_MCS_LOCK_H_ */
