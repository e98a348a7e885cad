/* targets/rqspinlock/rqspinlock.cc
 *
 * The resilient queued spinlock: fast path, pending path, MCS queue with
 * head and non-head waiters, trylock fallback for NMIs, TAS fallback, the
 * per-CPU held-locks table with its AA/ABBA heuristics and the timeouts in
 * virtual time. Written from the description in kernel-mechanisms.md
 * section 1; each `rqspinlock_cfg.*` test is one upstream change
 * (variant.h).
 *
 * Timeout spacing: RES_CHECK_TIMEOUT calls check_timeout() on every poll,
 * as arm64's res_smp_cond_load_acquire() does (x86 amortizes over 65536
 * polls, which the machine's time warp cannot skip cheaply).
 */

#include "rtfuzz/check/lock_events.h"

#include "rqspinlock.h"

#include <asm/barrier.h>
#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/timekeeping.h>

struct rqspinlock_variant rqspinlock_cfg;

struct mcs_spinlock {
	struct mcs_spinlock *next;
	int locked;	/* 1 if lock acquired, RES_TIMEOUT_VAL if torn down */
	int count;	/* nesting count, only rqnodes[0].count is used */
	/* Model only: the context that queued this node, for the oracles. */
	u16 rtfuzz_owner;
};

static DEFINE_PER_CPU_ALIGNED(struct mcs_spinlock, rqnodes[_Q_MAX_NODES]);
static DEFINE_PER_CPU_ALIGNED(struct rqspinlock_held, rqspinlock_held_locks);

/* Model only: rqnodes[0].count updates per CPU, to see the racy window. */
static DEFINE_PER_CPU(int, rqnodes_count_updates);
struct rqspinlock_stats rqspinlock_stats;

struct rqspinlock_timeout {
	u64 timeout_end;
	u64 duration;
	u64 cur;
	u16 spin;
};

#define RES_INIT_TIMEOUT(ts)	do { (ts).spin = 0; } while (0)
#define RES_RESET_TIMEOUT(ts, _duration)				\
	do {								\
		(ts).timeout_end = 0;					\
		(ts).duration = (_duration);				\
	} while (0)

static inline int min_int(int a, int b)
{
	return a < b ? a : b;
}

/* --- lock events ------------------------------------------------------- */

static u32 lock_id(rqspinlock_t *lock)
{
	return rtfuzz_kapi_object_id(&lock->val.rtfuzz_obj);
}

static void lock_event_acquire(rqspinlock_t *lock)
{
	rtfuzz::check::LockAcquire(lock_id(lock), lock->name,
				   rtfuzz::check::LockMode::kExclusive, false,
				   _THIS_IP_);
}

static void lock_event_failed(rqspinlock_t *lock, int ret)
{
	rtfuzz::check::LockFailed(lock_id(lock), ret, _THIS_IP_);
}

/*
 * One indivisible step on the lock word: new = fn(old) if fn says so. If
 * the step sets the locked byte (`takes` and the word changed to locked),
 * the oracles learn it inside this step, before the point, so an NMI at
 * this point already sees the lock owned (check/lock_events.h).
 */
template <typename Fn>
static u32 lock_word_rmw(rqspinlock_t *lock, bool takes, Fn fn)
{
	const u32 id = lock_id(lock);
	/*
	 * One atomic RMW, as every kernel operation on the word is (cmpxchg,
	 * xchg, fetch_or): kapi's compare-and-swap loop, which stays one on
	 * the native backend's real threads and is a plain step on a
	 * simulated CPU.
	 */
	u32 nw = 0;
	bool store = false;
	const u32 old = rtfuzz::kapi::internal::FetchIfWord<__ATOMIC_SEQ_CST>(
		(u32 *)&lock->val.counter, [&](u32 seen, u32 *out) {
			nw = seen;
			store = fn(seen, out);
			if (store)
				nw = *out;
			return store;
		});
	if (store && takes && !(old & _Q_LOCKED_MASK) && (nw & _Q_LOCKED_MASK))
		rtfuzz::check::LockAcquired(id, _THIS_IP_);
	::rtfuzz::rt::Point(::rtfuzz::rt::Op::kRmw, id, nw,
			    ::rtfuzz::rt::kPointAtomic | ::rtfuzz::rt::kPointRead |
			    ::rtfuzz::rt::kPointLockOp |
			    (store && nw != old ? ::rtfuzz::rt::kPointWrite : 0u) |
			    ::rtfuzz::rt::PointWordSize(sizeof(lock->val.counter)),
			    &lock->val.counter, old);
	return old;
}

/* try_cmpxchg_acquire(&lock->val, &old, new) that may take the lock. */
static bool lock_try_cmpxchg(rqspinlock_t *lock, u32 *old, u32 nw)
{
	const u32 expect = *old;
	const u32 seen = lock_word_rmw(lock, true, [&](u32 v, u32 *n) {
		if (v != expect)
			return false;
		*n = nw;
		return true;
	});

	if (seen == expect)
		return true;
	*old = seen;
	return false;
}

static bool res_spin_trylock(rqspinlock_t *lock)
{
	u32 v = 0;

	return lock_try_cmpxchg(lock, &v, _Q_LOCKED_VAL);
}

/* WRITE_ONCE(lock->pending, 0) */
static void clear_pending(rqspinlock_t *lock)
{
	lock_word_rmw(lock, false, [lock](u32 v, u32 *n) {
		*n = v & ~_Q_PENDING_MASK;
		lock->rtfuzz_pending = rtfuzz::rt::kNoContext;
		return true;
	});
}

/* WRITE_ONCE(lock->locked_pending, _Q_LOCKED_VAL): *,1,0 -> *,0,1 */
static void clear_pending_set_locked(rqspinlock_t *lock)
{
	lock_word_rmw(lock, true, [lock](u32 v, u32 *n) {
		*n = (v & _Q_TAIL_MASK) | _Q_LOCKED_VAL;
		lock->rtfuzz_pending = rtfuzz::rt::kNoContext;
		return true;
	});
}

/* WRITE_ONCE(lock->locked, _Q_LOCKED_VAL) */
static void set_locked(rqspinlock_t *lock)
{
	lock_word_rmw(lock, true, [](u32 v, u32 *n) {
		*n = (v & ~_Q_LOCKED_MASK) | _Q_LOCKED_VAL;
		return true;
	});
}

/* xchg_relaxed(&lock->tail, tail >> _Q_TAIL_OFFSET): returns the old word */
static u32 xchg_tail(rqspinlock_t *lock, u32 tail)
{
	return lock_word_rmw(lock, false, [tail](u32 v, u32 *n) {
		*n = (v & _Q_LOCKED_PENDING_MASK) | tail;
		return true;
	});
}

/* atomic_fetch_or_acquire(_Q_PENDING_VAL, &lock->val) */
static u32 queued_fetch_set_pending_acquire(rqspinlock_t *lock)
{
	return lock_word_rmw(lock, false, [lock](u32 v, u32 *n) {
		*n = v | _Q_PENDING_VAL;
		if (!(v & _Q_PENDING_MASK))
			lock->rtfuzz_pending = rtfuzz::rt::CurrentContextId();
		return true;
	});
}

static u32 encode_tail(int cpu, int idx)
{
	return ((u32)(cpu + 1) << _Q_TAIL_CPU_OFFSET) |
	       ((u32)idx << _Q_TAIL_IDX_OFFSET);
}

static struct mcs_spinlock *decode_tail(u32 tail)
{
	int cpu = (int)(tail >> _Q_TAIL_CPU_OFFSET) - 1;
	int idx = (int)((tail & _Q_TAIL_IDX_MASK) >> _Q_TAIL_IDX_OFFSET);

	return per_cpu_ptr(&rqnodes[idx], cpu);
}

/*
 * The tail is still ours: replace it by new_tail, keeping locked and
 * pending. Fails as soon as someone queued behind us.
 */
static bool try_cmpxchg_tail(rqspinlock_t *lock, u32 tail, u32 new_tail)
{
	u32 old = (u32)atomic_read(&lock->val);

	do {
		if ((old & _Q_TAIL_MASK) != tail)
			return false;
	} while (!atomic_try_cmpxchg_relaxed(&lock->val, (int *)&old,
					     (int)((old & _Q_LOCKED_PENDING_MASK) |
						   new_tail)));
	return true;
}

/*
 * Model only: the oracles learn whom a waiter cannot pass, when that
 * changes (*behind caches what they were told last).
 */
static void wait_behind(rqspinlock_t *lock, u16 *behind, u16 ctx)
{
	if (ctx == rtfuzz::rt::CurrentContextId())
		ctx = rtfuzz::rt::kNoContext;
	if (*behind == ctx)
		return;
	*behind = ctx;
	rtfuzz::check::LockWaitsBehind(lock_id(lock), ctx, _THIS_IP_);
}

/* The pending waiter, if the word `val` has one: a queue head waits for it. */
static u16 pending_waiter(rqspinlock_t *lock, u32 val)
{
	return (val & _Q_PENDING_MASK) ? lock->rtfuzz_pending : rtfuzz::rt::kNoContext;
}

/* The last waiter of the word `val`'s queue, else its pending waiter. */
static u16 queue_waiter(rqspinlock_t *lock, u32 val)
{
	if (val & _Q_TAIL_MASK)
		return decode_tail(val & _Q_TAIL_MASK)->rtfuzz_owner;
	return pending_waiter(lock, val);
}

/* --- held-locks table ------------------------------------------------- */

/*
 * Entries reach the oracles in the step of their store (the annotation comes
 * first, then the store and its point): check/lock_events.h.
 */
static void grab_held_lock_entry(rqspinlock_t *lock)
{
	int cnt = this_cpu_inc_return(rqspinlock_held_locks.cnt);

	if (unlikely(cnt > RES_NR_HELD)) {
		/* Still keep the inc so the dec of release stays balanced. */
		return;
	}
	rtfuzz::check::LockEntryPublished(lock_id(lock), _THIS_IP_);
	this_cpu_write(rqspinlock_held_locks.locks[cnt - 1], lock);
}

/* The NULL store of the top entry, cnt unchanged. */
static void clear_held_lock_entry(int cnt)
{
	rqspinlock_t *lock;

	if (unlikely(cnt > RES_NR_HELD))
		return;
	lock = *this_cpu_ptr(&rqspinlock_held_locks.locks[cnt - 1]);	/* not a step */
	if (lock)
		rtfuzz::check::LockEntryCleared(lock_id(lock), _THIS_IP_);
	this_cpu_write(rqspinlock_held_locks.locks[cnt - 1], (rqspinlock_t *)NULL);
}

static void release_held_lock_entry(void)
{
	int cnt = this_cpu_read(rqspinlock_held_locks.cnt);

	clear_held_lock_entry(cnt);
	/*
	 * The NULL store is visible before the dec, so a remote CPU never
	 * takes our next attempt's entry for this stale one (false ABBA).
	 * Pairs with the READ_ONCE() of remote entries in check_deadlock_ABBA().
	 */
	smp_wmb();
	this_cpu_dec(rqspinlock_held_locks.cnt);
}

static int check_deadlock_AA(rqspinlock_t *lock)
{
	int cnt = min_int(RES_NR_HELD, this_cpu_read(rqspinlock_held_locks.cnt));

	/* The top entry is this attempt: skip it. */
	for (int i = 0; i < cnt - 1; i++) {
		if (this_cpu_read(rqspinlock_held_locks.locks[i]) == lock)
			return -EDEADLK;
	}
	return 0;
}

static int check_deadlock_ABBA(rqspinlock_t *lock, u32 mask)
{
	int my_cnt = min_int(RES_NR_HELD, this_cpu_read(rqspinlock_held_locks.cnt));
	int this_cpu = smp_processor_id();
	int cpu;

	for_each_possible_cpu(cpu) {
		struct rqspinlock_held *hr = per_cpu_ptr(&rqspinlock_held_locks, cpu);
		int real_cnt = READ_ONCE(hr->cnt);
		int cnt = min_int(RES_NR_HELD, real_cnt);
		rqspinlock_t *remote;

		/* Pairs with the store-release of the unlock: still held? */
		if (!((u32)atomic_read_acquire(&lock->val) & mask))
			return 0;
		if (cpu == this_cpu || real_cnt < 2 || real_cnt > RES_NR_HELD)
			continue;
		remote = READ_ONCE(hr->locks[cnt - 1]);
		if (!remote)
			continue;
		for (int i = 0; i < cnt - 1; i++) {
			if (READ_ONCE(hr->locks[i]) != lock)
				continue;
			/* cpu holds our lock; do we hold the one it wants? */
			for (int j = 0; j < my_cnt - 1; j++) {
				if (this_cpu_read(rqspinlock_held_locks.locks[j]) == remote)
					return -EDEADLK;
			}
			return 0;
		}
	}
	return 0;
}

static noinline int check_timeout(rqspinlock_t *lock, u32 mask,
				  struct rqspinlock_timeout *ts)
{
	u64 prev = ts->cur;
	u64 time;

	if (!ts->timeout_end) {
		/* (b): the table cannot change under us; AA once, right away. */
		if (rqspinlock_cfg.aa_first_check && check_deadlock_AA(lock))
			return -EDEADLK;
		ts->cur = ktime_get_mono_fast_ns();
		ts->timeout_end = ts->cur + ts->duration;
		return 0;
	}

	time = ktime_get_mono_fast_ns();
	if (time > ts->timeout_end)
		return -ETIMEDOUT;

	/* Deadlock checks at most every 1 ms. */
	if (prev + NSEC_PER_MSEC < time) {
		int ret;

		ts->cur = time;
		if (rqspinlock_cfg.aa_first_check)
			return check_deadlock_ABBA(lock, mask);
		ret = check_deadlock_AA(lock);
		if (ret)
			return ret;
		return check_deadlock_ABBA(lock, mask);
	}
	return 0;
}

/* RES_CHECK_TIMEOUT, on every poll (see the top of this file). */
static int res_check_timeout(rqspinlock_t *lock, u32 mask,
			     struct rqspinlock_timeout *ts)
{
	ts->spin++;
	return check_timeout(lock, mask, ts);
}

/* --- TAS fallback ------------------------------------------------------ */

int resilient_tas_spin_lock(rqspinlock_t *lock)
{
	struct rqspinlock_timeout ts;
	bool contended = false;
	int ret;

	RES_INIT_TIMEOUT(ts);
	lock_event_acquire(lock);
	/* Entered without the qspinlock fast path: grab the entry here. */
	grab_held_lock_entry(lock);
	RES_RESET_TIMEOUT(ts, NSEC_PER_SEC);
	for (;;) {
		u32 zero = 0;

		if (!atomic_read(&lock->val) && lock_try_cmpxchg(lock, &zero, 1))
			return 0;
		if (!contended) {
			rtfuzz::check::LockContended(lock_id(lock), _THIS_IP_);
			contended = true;
		}
		ret = res_check_timeout(lock, ~0U, &ts);
		if (ret)
			break;
		cpu_relax();
	}
	release_held_lock_entry();
	lock_event_failed(lock, ret);
	return ret;
}

/* --- the slow path ----------------------------------------------------- */

/*
 * Lock word states are shown as (tail, pending, locked). entry_held: the
 * held entry is already grabbed (by res_spin_lock() after (a); before (a)
 * the pending or the queue path grabs it).
 */
static noinline int resilient_queued_spin_lock_slowpath(rqspinlock_t *lock,
							u32 val)
{
	const struct rqspinlock_variant &cfg = rqspinlock_cfg;
	struct mcs_spinlock *prev, *next, *node;
	struct rqspinlock_timeout ts;
	bool entry_held = cfg.entry_first;
	u16 behind = rtfuzz::rt::kNoContext;	/* model only: wait_behind() */
	int idx, ret = 0;
	u32 old, tail;

	rtfuzz::check::LockContended(lock_id(lock), _THIS_IP_);
	RES_INIT_TIMEOUT(ts);

	/* Wait for an in-progress pending->locked hand-over (one poll). */
	if (val == _Q_PENDING_VAL)
		val = (u32)atomic_read(&lock->val);

	/* If we observe any contention; queue. */
	if (val & ~_Q_LOCKED_MASK)
		goto queue;

	/* trylock || pending: 0,0,* -> 0,1,* */
	val = queued_fetch_set_pending_acquire(lock);

	/* If we observe contention, there is a concurrent locker. */
	if (unlikely(val & ~_Q_LOCKED_MASK)) {
		/* Undo the pending bit only if we set it. */
		if (!(val & _Q_PENDING_MASK))
			clear_pending(lock);
		goto queue;
	}

	if (!cfg.entry_first) {
		grab_held_lock_entry(lock);
		entry_held = true;
	}

	/*
	 * We are the pending waiter: 0,1,1 -> wait for the owner, with the
	 * 250 ms timeout and the deadlock checks.
	 */
	if (val & _Q_LOCKED_MASK) {
		RES_RESET_TIMEOUT(ts, RES_DEF_TIMEOUT);
		for (;;) {
			u32 v = (u32)atomic_read_acquire(&lock->val);

			if (!(v & _Q_LOCKED_MASK))
				break;
			ret = res_check_timeout(lock, _Q_LOCKED_MASK, &ts);
			if (ret)
				break;
			cpu_relax();
		}
	}

	if (ret) {
		/* 0,1,1 -> 0,0,1: let the next one become pending. */
		clear_pending(lock);
		goto err_release_entry;
	}

	/* 0,1,0 -> 0,0,1: take ownership and clear pending, one store. */
	clear_pending_set_locked(lock);
	return 0;

queue:
	/* Whoever queues now gets the lock after the pending waiter. */
	wait_behind(lock, &behind, pending_waiter(lock, (u32)lock->val.counter));
	/*
	 * (e): a lower context of this CPU holds or attempts this lock:
	 * queueing behind it could only time out. Pairs with nothing: the
	 * table is per-CPU and nested contexts restore it before returning.
	 */
	if (!entry_held) {
		/* Before (a): the queue path grabs its own entry. */
		grab_held_lock_entry(lock);
		entry_held = true;
	}
	if (cfg.aa_before_queue) {
		ret = check_deadlock_AA(lock);
		if (ret) {
			if (cfg.e_v1_leak) {
				/* v1 of (e): returns, leaking the entry. */
				lock_event_failed(lock, ret);
				return ret;
			}
			goto err_release_entry;
		}
	}

	node = this_cpu_ptr(&rqnodes[0]);
	if (cfg.racy_count) {
		/*
		 * Planted: idx = node->count++ as a separate load and store.
		 * An interrupt delivered at the load's point runs between the
		 * two; the update counter (not a step) tells whether one
		 * updated the count in there.
		 */
		int updates = *this_cpu_ptr(&rqnodes_count_updates);

		idx = READ_ONCE(node->count);
		if (*this_cpu_ptr(&rqnodes_count_updates) != updates)
			rqspinlock_stats.racy_count_window++;
		WRITE_ONCE(node->count, idx + 1);
	} else {
		idx = this_cpu_inc_return(rqnodes[0].count) - 1;
	}
	(*this_cpu_ptr(&rqnodes_count_updates))++;
	tail = encode_tail(smp_processor_id(), idx);

	/*
	 * Nesting deeper than the nodes, and (0d80e7f951be) NMIs: the
	 * trylock fallback, never a queue edge from an NMI to the context
	 * it interrupted. (c): only if that context is queued here (idx > 0).
	 */
	if (unlikely(idx >= _Q_MAX_NODES ||
		     (cfg.nmi_trylock && in_nmi() &&
		      (!cfg.nmi_trylock_nested || idx > 0)))) {
		if (in_nmi() && idx > 0)
			rqspinlock_stats.nmi_trylock_nested++;
		if (cfg.single_trylock) {
			/* (d): one attempt; failing is reported as deadlock. */
			if (!res_spin_trylock(lock)) {
				ret = -EDEADLK;
				goto err_release_node;
			}
			goto release;
		}
		RES_RESET_TIMEOUT(ts, RES_DEF_TIMEOUT);
		for (;;) {
			u32 seen = 0;

			if (lock_try_cmpxchg(lock, &seen, _Q_LOCKED_VAL))
				break;
			/* The word is 0 only after the queue's tail has gone. */
			wait_behind(lock, &behind, queue_waiter(lock, seen));
			ret = res_check_timeout(lock, ~0U, &ts);
			if (ret)
				goto err_release_node;
			cpu_relax();
		}
		goto release;
	}

	node = this_cpu_ptr(&rqnodes[idx]);
	barrier();
	node->rtfuzz_owner = rtfuzz::rt::CurrentContextId();	/* not a step */
	WRITE_ONCE(node->locked, 0);
	WRITE_ONCE(node->next, (struct mcs_spinlock *)NULL);

	/* The lock may have become free while we set up the node. */
	if (res_spin_trylock(lock))
		goto release;

	/* Pairs with the READ_ONCE(prev->next) users: node init is visible. */
	smp_wmb();

	/* p,*,* -> n,*,*: publish the tail; old is the previous tail. */
	old = xchg_tail(lock, tail);
	next = NULL;

	if (old & _Q_TAIL_MASK) {
		int x;

		/* Non-head waiter: link in and wait, with no checks at all. */
		prev = decode_tail(old);
		WRITE_ONCE(prev->next, node);
		/* The oracles: we cannot get the lock before prev's context. */
		wait_behind(lock, &behind, prev->rtfuzz_owner);

		/* Pairs with the store-release of the hand-over to us. */
		x = smp_cond_load_acquire(&node->locked, VAL);
		/* Head now (or torn down): the holder and pending are ahead. */
		wait_behind(lock, &behind, pending_waiter(lock, (u32)lock->val.counter));
		if (x == RES_TIMEOUT_VAL) {
			ret = cfg.keep_queue_on_deadlock ? -ETIMEDOUT : -EDEADLK;
			goto waitq_timeout;
		}
		next = READ_ONCE(node->next);
	}

	/*
	 * Head waiter: wait for owner and pending to go, 2 * 250 ms, since we
	 * may be behind both. n,*,* -> n,0,0.
	 */
	RES_RESET_TIMEOUT(ts, RES_DEF_TIMEOUT * 2);
	for (;;) {
		val = (u32)atomic_read_acquire(&lock->val);
		if (!(val & _Q_LOCKED_PENDING_MASK))
			break;
		wait_behind(lock, &behind, pending_waiter(lock, val));
		ret = res_check_timeout(lock, _Q_LOCKED_PENDING_MASK, &ts);
		if (ret)
			break;
		cpu_relax();
	}

	if (ret == -EDEADLK && cfg.keep_queue_on_deadlock) {
		/*
		 * 7bd6e5ce5be6: keep the queue; hand headship to the next
		 * waiter. With no successor, 7a3c0289c3c8 resets the tail if
		 * it is still ours; 6.19 waits for one without bound.
		 */
		if (!next) {
			if (cfg.reset_tail_on_deadlock &&
			    try_cmpxchg_tail(lock, tail, 0))
				goto err_release_node;
			next = smp_cond_load_relaxed(&node->next, (VAL));
		}
		/* Pairs with the waiter's smp_cond_load_acquire(&node->locked). */
		smp_store_release(&next->locked, 1);
		goto err_release_node;
	}

waitq_timeout:
	if (ret) {
		/*
		 * Tear the queue down: if someone queued behind us, cascade
		 * the error to it; the last one resets the tail.
		 */
		if (!try_cmpxchg_tail(lock, tail, 0)) {
			next = smp_cond_load_relaxed(&node->next, VAL);
			WRITE_ONCE(next->locked, RES_TIMEOUT_VAL);
		}
		goto err_release_node;
	}

	/*
	 * n,0,0 -> 0,0,1 if we are the last waiter, else *,*,0 -> *,*,1 and
	 * hand the head over.
	 */
	if ((val & _Q_TAIL_MASK) == tail) {
		if (lock_try_cmpxchg(lock, &val, _Q_LOCKED_VAL))
			goto release;
	}
	set_locked(lock);

	if (!next)
		next = smp_cond_load_relaxed(&node->next, (VAL));

	/* Pairs with the waiter's smp_cond_load_acquire(&node->locked). */
	smp_store_release(&next->locked, 1);

release:
	this_cpu_dec(rqnodes[0].count);
	return 0;
err_release_node:
	this_cpu_dec(rqnodes[0].count);
err_release_entry:
	release_held_lock_entry();
	lock_event_failed(lock, ret);
	return ret;
}

/* --- entry points ------------------------------------------------------ */

int res_spin_lock(rqspinlock_t *lock)
{
	u32 val = 0;

	lock_event_acquire(lock);
	if (rqspinlock_cfg.entry_first) {
		/*
		 * (a): the entry first, so an NMI landing anywhere after this
		 * point finds the lock in our table.
		 */
		grab_held_lock_entry(lock);
		if (likely(lock_try_cmpxchg(lock, &val, _Q_LOCKED_VAL)))
			return 0;
		return resilient_queued_spin_lock_slowpath(lock, val);
	}
	if (likely(lock_try_cmpxchg(lock, &val, _Q_LOCKED_VAL))) {
		/* Before (a): the window an NMI misses the AA in (a1). */
		grab_held_lock_entry(lock);
		return 0;
	}
	return resilient_queued_spin_lock_slowpath(lock, val);
}

/* WRITE_ONCE / smp_store_release(&lock->locked, 0) */
static void clear_locked(rqspinlock_t *lock)
{
	rtfuzz::check::LockRelease(lock_id(lock), _THIS_IP_);
	lock_word_rmw(lock, false, [](u32 v, u32 *n) {
		*n = v & ~_Q_LOCKED_MASK;
		return true;
	});
}

void res_spin_unlock(rqspinlock_t *lock)
{
	int cnt = this_cpu_read(rqspinlock_held_locks.cnt);

	if (rqspinlock_cfg.entry_first) {
		/*
		 * (a): free the lock first; an NMI between the two stores may
		 * see a stale entry (a tolerated false -EDEADLK) but never
		 * misses the AA. Pairs with the acquire of the next owner.
		 */
		clear_locked(lock);
		clear_held_lock_entry(cnt);
	} else {
		/* Before (a): the entry first: the (a2) window. */
		clear_held_lock_entry(cnt);
		clear_locked(lock);
	}
	this_cpu_dec(rqspinlock_held_locks.cnt);
}

/* --- outside the model ------------------------------------------------- */

int rqspinlock_held_cnt(int cpu)
{
	return per_cpu(rqspinlock_held_locks, cpu).cnt;
}

rqspinlock_t *rqspinlock_held_entry(int cpu, int i)
{
	return per_cpu(rqspinlock_held_locks, cpu).locks[i];
}

int rqspinlock_node_count(int cpu)
{
	return per_cpu(rqnodes[0], cpu).count;
}

void rqspinlock_reset_percpu(int nr_cpus)
{
	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		per_cpu(rqspinlock_held_locks, cpu) = {};
		for (int i = 0; i < _Q_MAX_NODES; i++)
			per_cpu(rqnodes[i], cpu) = {};
		per_cpu(rqnodes_count_updates, cpu) = 0;
	}
	rqspinlock_stats = {};
}
