/* framework/include/rtfuzz/kapi/internal/locks.h
 *
 * The state behind kapi's lock types (spinlock_t, raw_spinlock_t, rwlock_t,
 * struct rt_mutex, struct mutex, struct rw_semaphore), and the entry points
 * their kernel-named macros expand to. The algorithms are in
 * framework/src/kapi/ (lock_internal.h has the map). Target code never
 * touches these fields: they are here only so a lock can be a plain
 * statically initialized object, as in the kernel.
 *
 * Every model carries an `epoch`: the rt::ExecutionSerial() its state belongs
 * to. A lock first touched in a new execution starts unlocked, whatever the
 * previous execution (perhaps ended by a verdict inside a critical section)
 * left in it, so a lock defined at namespace scope needs no reset. Serials
 * start at 1, so a zero-initialized lock is always "from another execution".
 *
 * Owner codes (lock_internal.h): 0 = nobody, 1 + rt::TaskId for a task, and
 * larger values for the interrupt context (CPU, kind) running at the time.
 */

#ifndef RTFUZZ_KAPI_INTERNAL_LOCKS_H_
#define RTFUZZ_KAPI_INTERNAL_LOCKS_H_

#include "rtfuzz/kapi/internal/kapi.h"

/* On the waiting task's stack, as the kernel's struct rt_mutex_waiter. */
struct rtfuzz_kapi_rt_waiter;
/* A FIFO waiter of the non-RT mutex and rw_semaphore, on the waiter's stack. */
struct rtfuzz_kapi_fifo_waiter;

/*
 * The rt_mutex core (the kernel's struct rt_mutex_base): one owner, waiters
 * ordered by priority and FIFO among equals, full priority inheritance.
 */
struct rtfuzz_kapi_rtmutex {
	uint64_t epoch;
	uint32_t owner;
	struct rtfuzz_kapi_rt_waiter *waiters;	/* top waiter first */
	/* The owner task's list of held rt_mutexes: its PI sources. */
	struct rtfuzz_kapi_rtmutex *held_next;
	struct rtfuzz_kapi_rtmutex *held_prev;
};
#define RTFUZZ_KAPI_RTMUTEX_INIT	{ 0, 0, nullptr, nullptr, nullptr }

/* A spinning lock word: raw_spinlock_t, and spinlock_t without PREEMPT_RT. */
struct rtfuzz_kapi_spin {
	uint64_t epoch;
	uint32_t owner;
};
#define RTFUZZ_KAPI_SPIN_INIT		{ 0, 0 }

/* rwlock_t without PREEMPT_RT: a spinning reader/writer lock (qrwlock rules). */
struct rtfuzz_kapi_qrw {
	uint64_t epoch;
	uint32_t readers;
	uint32_t writer;		/* owner code of the writer, 0 if none */
	uint32_t writers_waiting;	/* keep new task-context readers out */
};
#define RTFUZZ_KAPI_QRW_INIT		{ 0, 0, 0, 0 }

/* rwbase_rt: rwlock_t and rw_semaphore on PREEMPT_RT. */
struct rtfuzz_kapi_rwbase {
	uint64_t epoch;
	uint32_t readers;		/* active readers */
	uint8_t writer_pending;		/* a writer owns rtm: readers take the slow path */
	uint8_t write_locked;		/* ... and every reader has left */
	struct rtfuzz_kapi_rtmutex rtm;	/* serializes writers and slow-path readers */
};
#define RTFUZZ_KAPI_RWBASE_INIT		{ 0, 0, 0, 0, RTFUZZ_KAPI_RTMUTEX_INIT }

/* struct mutex and struct rw_semaphore without PREEMPT_RT: FIFO, no PI. */
struct rtfuzz_kapi_sleeplock {
	uint64_t epoch;
	uint32_t owner;		/* the mutex owner, or the rwsem writer */
	uint32_t readers;	/* rwsem: active readers */
	uint32_t pickup;	/* mutex: handed off to this owner code (MUTEX_FLAG_PICKUP) */
	uint32_t handoff;	/* mutex: the first waiter asked for a handoff (MUTEX_FLAG_HANDOFF) */
	struct rtfuzz_kapi_fifo_waiter *head, *tail;
};
#define RTFUZZ_KAPI_SLEEPLOCK_INIT	{ 0, 0, 0, 0, 0, nullptr, nullptr }

/*
 * How a lock call treats local interrupts and bottom halves: the _irq,
 * _irqsave/_irqrestore and _bh forms of the spin, read and write locks.
 */
enum rtfuzz_kapi_irq_mode {
	RTFUZZ_KAPI_PLAIN = 0,
	RTFUZZ_KAPI_IRQ = 1,
	RTFUZZ_KAPI_IRQSAVE = 2,
	RTFUZZ_KAPI_BH = 3,
};

#endif  /* RTFUZZ_KAPI_INTERNAL_LOCKS_H_ */
