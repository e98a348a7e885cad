/* framework/include/rtfuzz/kapi/linux/lockdep.h
 *
 * <linux/lockdep.h> for code under targets/: the lockdep/lockstat hooks a
 * lock calls (lock_acquire, lock_contended, lock_acquired, lock_release),
 * the held-lock assertions, and might_sleep(). kapi's own locks call the
 * hooks; a target's own lock (rqspinlock, a ticket lock) calls them where the
 * kernel's does, and rtfuzz_lock_failed() where a resilient lock returns an
 * error instead of the lock. They feed the oracles (rtfuzz/check/
 * lock_events.h): who holds what, who waits for what, since when.
 *
 * Modeled:
 *   struct lockdep_map: a name and a per-execution object id (the id trace
 *     records and the oracles use; internal/object_id.h)
 *   lock_acquire(map, subclass, trylock, read, check, nest_lock, ip):
 *     read != 0 is a shared acquisition; subclass, check, nest_lock ignored
 *   lock_contended(), lock_acquired(), lock_release(), rtfuzz_lock_failed()
 *   lock_is_held(), lockdep_assert_held*(): against the current context's
 *     own held locks (an interrupt handler does not see the locks of the
 *     task it interrupted, unlike lockdep); a failed assertion is the
 *     verdict "invariant"
 *   might_sleep(): the verdict sleep-in-atomic where the kernel's
 *     CONFIG_DEBUG_ATOMIC_SLEEP would complain: without PREEMPT_RT, with any
 *     preempt_count or with interrupts disabled; on PREEMPT_RT, in NMI or
 *     hardirq context, with preemption or interrupts disabled (softirqs are
 *     threads on RT, so bottom halves do not count). Reported whether or not
 *     the lock would have had to wait, as the kernel does.
 * Scheduling points: none. Annotations are trace records (rt::Annotate),
 *   never points, so annotating a lock adds no interleavings.
 * Not modeled: lock classes and keys (the oracles work per lock instance),
 *   subclasses, nest_lock, lock pinning, lock_set_class.
 *
 * ip: the kernel passes _RET_IP_, a return address. Here every ip is a
 * "file:line" string: _RET_IP_ and _THIS_IP_ expand to RTFUZZ_KAPI_HERE, the
 * caller's site (Relacy's `$`), and the lock macros pass theirs. A target
 * that carries an `unsigned long ip` through its own functions must make it
 * `const char *ip`; the compiler points at each place.
 */

#ifndef RTFUZZ_KAPI_LINUX_LOCKDEP_H_
#define RTFUZZ_KAPI_LINUX_LOCKDEP_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/object_id.h"

#define RTFUZZ_KAPI_STRINGIFY_(x)	#x
#define RTFUZZ_KAPI_STRINGIFY(x)	RTFUZZ_KAPI_STRINGIFY_(x)

/*
 * The caller's "file:line", a string literal. The base name only, where the
 * compiler has __FILE_NAME__ (GCC 12, Clang 9), so sites, reports and
 * signatures are the same in every checkout.
 */
#ifndef RTFUZZ_KAPI_HERE
#ifdef __FILE_NAME__
#define RTFUZZ_KAPI_HERE	(__FILE_NAME__ ":" RTFUZZ_KAPI_STRINGIFY(__LINE__))
#else
#define RTFUZZ_KAPI_HERE	(__FILE__ ":" RTFUZZ_KAPI_STRINGIFY(__LINE__))
#endif
#endif

#ifndef _RET_IP_
#define _RET_IP_		RTFUZZ_KAPI_HERE
#endif
#ifndef _THIS_IP_
#define _THIS_IP_		RTFUZZ_KAPI_HERE
#endif

/* Lock classes are not modeled: a key only has to exist. */
struct lock_class_key {
};

/*
 * What the map stands for (rtfuzz/check/lock_events.h LockKind): a lock, or
 * a sequence counter, whose readers are never holders. seqcount_t's
 * initialisers and the seqcount_acquire*() hooks mark it.
 */
#define RTFUZZ_LD_LOCK		0
#define RTFUZZ_LD_SEQCOUNT	1

struct lockdep_map {
	const char *name;
	struct rtfuzz_kapi_obj rtfuzz_obj;	/* the lock's id in traces */
	int rtfuzz_kind;			/* RTFUZZ_LD_* */
};

#define STATIC_LOCKDEP_MAP_INIT(_name, _key)	{ (_name), RTFUZZ_KAPI_OBJ_INIT, RTFUZZ_LD_LOCK }

static inline void lockdep_init_map(struct lockdep_map *lock, const char *name,
				    struct lock_class_key *key, int subclass)
{
	(void)key;
	(void)subclass;
	lock->name = name;
	lock->rtfuzz_obj.id = 0;
	lock->rtfuzz_obj.epoch = 0;
	lock->rtfuzz_kind = RTFUZZ_LD_LOCK;
}

#define lockdep_set_class(lock, key)		do { (void)(key); } while (0)
#define lockdep_set_class_and_name(lock, key, _name)			\
	do { (void)(key); (lock)->dep_map.name = (_name); } while (0)
#define lockdep_set_subclass(lock, sub)		do { (void)(sub); } while (0)
#define lockdep_set_novalidate_class(lock)	do { } while (0)

extern "C" {

void lock_acquire(struct lockdep_map *lock, unsigned int subclass, int trylock,
		  int read, int check, struct lockdep_map *nest_lock, const char *ip);
void lock_release(struct lockdep_map *lock, const char *ip);
void lock_contended(struct lockdep_map *lock, const char *ip);
void lock_acquired(struct lockdep_map *lock, const char *ip);
/*
 * rtfuzz extension: the attempt begun by lock_acquire() ended without the
 * lock. err is a negative errno: -EDEADLK (the lock detected a deadlock),
 * -ETIMEDOUT (it gave up), -EBUSY (a trylock found it taken).
 */
void rtfuzz_lock_failed(struct lockdep_map *lock, int err, const char *ip);

/* Whether the current context holds the lock: in any mode (read == -1),
 * exclusively (0) or shared (1). */
int lock_is_held_type(const struct lockdep_map *lock, int read);

/* The lockdep_assert_*() family: `held` is one of RTFUZZ_KAPI_HELD_*. */
void rtfuzz_kapi_lockdep_assert(const struct lockdep_map *lock, int held,
				const char *what, const char *site);
void rtfuzz_kapi_might_sleep(const char *site);
void rtfuzz_kapi_lockdep_assert_ctx(int cond, const char *what, const char *site);

}  /* extern "C" */

#define RTFUZZ_KAPI_HELD_ANY		-1
#define RTFUZZ_KAPI_HELD_WRITE		0
#define RTFUZZ_KAPI_HELD_READ		1
#define RTFUZZ_KAPI_HELD_NOT		2

static inline int lock_is_held(const struct lockdep_map *lock)
{
	return lock_is_held_type(lock, -1);
}

#define lockdep_is_held(lock)		lock_is_held(&(lock)->dep_map)
#define lockdep_is_held_type(lock, r)	lock_is_held_type(&(lock)->dep_map, (r))

#define lockdep_assert_held(l)						\
	rtfuzz_kapi_lockdep_assert(&(l)->dep_map, RTFUZZ_KAPI_HELD_ANY,	\
				   "lockdep_assert_held(" #l ")", RTFUZZ_KAPI_HERE)
#define lockdep_assert_held_write(l)					\
	rtfuzz_kapi_lockdep_assert(&(l)->dep_map, RTFUZZ_KAPI_HELD_WRITE,	\
				   "lockdep_assert_held_write(" #l ")", RTFUZZ_KAPI_HERE)
#define lockdep_assert_held_read(l)					\
	rtfuzz_kapi_lockdep_assert(&(l)->dep_map, RTFUZZ_KAPI_HELD_READ,	\
				   "lockdep_assert_held_read(" #l ")", RTFUZZ_KAPI_HERE)
#define lockdep_assert_not_held(l)					\
	rtfuzz_kapi_lockdep_assert(&(l)->dep_map, RTFUZZ_KAPI_HELD_NOT,	\
				   "lockdep_assert_not_held(" #l ")", RTFUZZ_KAPI_HERE)
#define lockdep_assert_held_once(l)	lockdep_assert_held(l)

#define lockdep_assert(cond)						\
	rtfuzz_kapi_lockdep_assert_ctx(!!(cond), "lockdep_assert(" #cond ")", \
				       RTFUZZ_KAPI_HERE)
#define lockdep_assert_irqs_disabled()					\
	rtfuzz_kapi_lockdep_assert_ctx(::rtfuzz::rt::IrqsDisabled(),	\
				       "lockdep_assert_irqs_disabled()", RTFUZZ_KAPI_HERE)
#define lockdep_assert_irqs_enabled()					\
	rtfuzz_kapi_lockdep_assert_ctx(!::rtfuzz::rt::IrqsDisabled(),	\
				       "lockdep_assert_irqs_enabled()", RTFUZZ_KAPI_HERE)
#define lockdep_assert_preemption_disabled()				\
	rtfuzz_kapi_lockdep_assert_ctx(::rtfuzz::rt::PreemptCount() != 0 ||	\
					       ::rtfuzz::rt::IrqsDisabled(),	\
				       "lockdep_assert_preemption_disabled()",	\
				       RTFUZZ_KAPI_HERE)

/* might_sleep(): see the top of this file. cant_sleep() is its opposite. */
#define might_sleep()		rtfuzz_kapi_might_sleep(RTFUZZ_KAPI_HERE)
#define might_sleep_if(cond)	do { if (cond) might_sleep(); } while (0)
#define cant_sleep()		lockdep_assert_preemption_disabled()

/*
 * The kernel's per-lock-type wrappers, for a target's own lock. read: 0
 * exclusive, 1 shared, 2 shared recursive (both shared here).
 */
#define lock_acquire_exclusive(l, s, t, n, i)	lock_acquire(l, s, t, 0, 1, n, i)
#define lock_acquire_shared(l, s, t, n, i)	lock_acquire(l, s, t, 1, 1, n, i)
#define lock_acquire_shared_recursive(l, s, t, n, i) lock_acquire(l, s, t, 2, 1, n, i)

#define spin_acquire(l, s, t, i)		lock_acquire_exclusive(l, s, t, nullptr, i)
#define spin_acquire_nest(l, s, t, n, i)	lock_acquire_exclusive(l, s, t, n, i)
#define spin_release(l, i)			lock_release(l, i)

#define rwlock_acquire(l, s, t, i)		lock_acquire_exclusive(l, s, t, nullptr, i)
#define rwlock_acquire_read(l, s, t, i)		lock_acquire_shared_recursive(l, s, t, nullptr, i)
#define rwlock_release(l, i)			lock_release(l, i)

#define mutex_acquire(l, s, t, i)		lock_acquire_exclusive(l, s, t, nullptr, i)
#define mutex_acquire_nest(l, s, t, n, i)	lock_acquire_exclusive(l, s, t, n, i)
#define mutex_release(l, i)			lock_release(l, i)

#define rwsem_acquire(l, s, t, i)		lock_acquire_exclusive(l, s, t, nullptr, i)
#define rwsem_acquire_nest(l, s, t, n, i)	lock_acquire_exclusive(l, s, t, n, i)
#define rwsem_acquire_read(l, s, t, i)		lock_acquire_shared(l, s, t, nullptr, i)
#define rwsem_release(l, i)			lock_release(l, i)

/*
 * A sequence counter's hooks (the kernel's names). They mark the map as a
 * seqcount, so its readers never count as holders: a reader's
 * seqcount_acquire_read() is released in the same step (the kernel's
 * seqcount_lockdep_reader_access()), or, while it waits on an odd count,
 * followed by lock_contended() and lock_acquired() when the count is even.
 */
#define seqcount_acquire(l, s, t, i)					\
	((l)->rtfuzz_kind = RTFUZZ_LD_SEQCOUNT, lock_acquire_exclusive(l, s, t, nullptr, i))
#define seqcount_acquire_read(l, s, t, i)				\
	((l)->rtfuzz_kind = RTFUZZ_LD_SEQCOUNT,				\
	 lock_acquire_shared_recursive(l, s, t, nullptr, i))
#define seqcount_release(l, i)			lock_release(l, i)
#define lock_map_acquire(l)		lock_acquire_exclusive(l, 0, 0, nullptr, _THIS_IP_)
#define lock_map_acquire_read(l)	lock_acquire_shared_recursive(l, 0, 0, nullptr, _THIS_IP_)
#define lock_map_release(l)		lock_release(l, _THIS_IP_)

/* lockstat's fast-path-then-slow-path wrapper, as the kernel's. */
#define LOCK_CONTENDED(_lock, try, lock)				\
	do {								\
		if (!try(_lock)) {					\
			lock_contended(&(_lock)->dep_map, _RET_IP_);	\
			lock(_lock);					\
		}							\
		lock_acquired(&(_lock)->dep_map, _RET_IP_);		\
	} while (0)

#endif  /* RTFUZZ_KAPI_LINUX_LOCKDEP_H_ */
