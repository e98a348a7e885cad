/* framework/include/rtfuzz/kapi/linux/seqlock.h
 *
 * <linux/seqlock.h>: sequence counters, seqlocks and latches. A writer makes
 * the count odd, writes, and makes it even again; a reader waits for an even
 * count, reads, and retries if the count moved.
 *
 * Modeled:
 *   seqcount_t (SEQCNT_ZERO, seqcount_init), seqcount_raw_spinlock_t and
 *     seqcount_spinlock_t (SEQCNT_RAW_SPINLOCK_ZERO, SEQCNT_SPINLOCK_ZERO,
 *     seqcount_raw_spinlock_init, seqcount_spinlock_init): the counter and
 *     the lock that serialises its writers
 *   readers: read_seqcount_begin, raw_read_seqcount_begin,
 *     raw_read_seqcount, raw_seqcount_begin, read_seqcount_retry,
 *     __read_seqcount_begin, __read_seqcount_retry
 *   writers: write_seqcount_begin/end, raw_write_seqcount_begin/end,
 *     write_seqcount_invalidate, raw_write_seqcount_barrier
 *   seqlock_t (DEFINE_SEQLOCK, seqlock_init): read_seqbegin, read_seqretry,
 *     write_seqlock/write_sequnlock and the _irq, _bh, _irqsave forms,
 *     read_seqlock_excl/read_sequnlock_excl
 *   latches: seqcount_latch_t (SEQCNT_LATCH_ZERO, seqcount_latch_init),
 *     raw_write_seqcount_latch, raw_read_seqcount_latch,
 *     raw_read_seqcount_latch_retry, and the v6.13 names
 *     write_seqcount_latch_begin/write_seqcount_latch/_end,
 *     read_seqcount_latch, read_seqcount_latch_retry
 * Lockdep semantics (rtfuzz/check/lock_events.h LockKind::kSeqcount): a
 *   writer holds the seqcount exclusively from write_seqcount_begin to
 *   write_seqcount_end (writers that overlap are mutual-exclusion); readers
 *   never hold it, so they never conflict with a writer. A reader that finds
 *   an odd count waits for the writer (lock_contended .. lock_acquired), so
 *   an NMI or interrupt reader that spins on the writer it interrupted is a
 *   deadlock naming the seqcount. The lockdep-checked forms assert what the
 *   kernel asserts: a seqcount_t writer runs with preemption disabled, a
 *   seqcount_LOCKNAME_t writer holds its lock.
 *   On PREEMPT_RT a seqcount_spinlock_t reader that finds an odd count takes
 *   and releases the writer's spinlock (an rtmutex), which boosts a
 *   preempted writer, as the kernel does; raw and plain seqcounts spin.
 * Scheduling points: every read of the count (one kRead, recorded on the
 *   seqcount's object id), every write (one kWrite), each barrier, each
 *   cpu_relax() of a waiting reader.
 * Not modeled: seqcount_mutex_t/seqcount_rwlock_t/seqcount_ww_mutex_t,
 *   read_seqbegin_or_lock, write_seqcount_t_begin_nested subclasses, KCSAN
 *   markers; the data a latch protects is the caller's.
 */
#ifndef RTFUZZ_KAPI_LINUX_SEQLOCK_H_
#define RTFUZZ_KAPI_LINUX_SEQLOCK_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/internal/object_id.h"
#include "rtfuzz/kapi/asm/barrier.h"
#include "rtfuzz/kapi/asm/processor.h"
#include "rtfuzz/kapi/linux/compiler.h"
#include "rtfuzz/kapi/linux/lockdep.h"
#include "rtfuzz/kapi/linux/spinlock.h"

typedef struct seqcount {
	unsigned sequence;
	struct lockdep_map dep_map;
} seqcount_t;

#define SEQCOUNT_DEP_MAP_INIT(name)	{ #name, RTFUZZ_KAPI_OBJ_INIT, RTFUZZ_LD_SEQCOUNT }
#define SEQCNT_ZERO(name)		{ 0, SEQCOUNT_DEP_MAP_INIT(name) }

static inline void rtfuzz_kapi_seqcount_init(seqcount_t *s, const char *name)
{
	s->sequence = 0;
	s->dep_map.name = name;
	s->dep_map.rtfuzz_obj = RTFUZZ_KAPI_OBJ_INIT;
	s->dep_map.rtfuzz_kind = RTFUZZ_LD_SEQCOUNT;
}
#define seqcount_init(s)	rtfuzz_kapi_seqcount_init((s), #s)

/* A seqcount and the lock that serialises its writers. */
typedef struct seqcount_raw_spinlock {
	seqcount_t seqcount;
	raw_spinlock_t *lock;
} seqcount_raw_spinlock_t;

typedef struct seqcount_spinlock {
	seqcount_t seqcount;
	spinlock_t *lock;
} seqcount_spinlock_t;

#define SEQCNT_RAW_SPINLOCK_ZERO(name, lock)	{ SEQCNT_ZERO(name), (lock) }
#define SEQCNT_SPINLOCK_ZERO(name, lock)	{ SEQCNT_ZERO(name), (lock) }
#define seqcount_raw_spinlock_init(s, l)					\
	do { rtfuzz_kapi_seqcount_init(&(s)->seqcount, #s); (s)->lock = (l); } while (0)
#define seqcount_spinlock_init(s, l)						\
	do { rtfuzz_kapi_seqcount_init(&(s)->seqcount, #s); (s)->lock = (l); } while (0)

typedef struct {
	seqcount_t seqcount;
} seqcount_latch_t;

#define SEQCNT_LATCH_ZERO(name)		{ SEQCNT_ZERO(name) }
#define seqcount_latch_init(s)		rtfuzz_kapi_seqcount_init(&(s)->seqcount, #s)

typedef struct {
	seqcount_spinlock_t seqcount;
	spinlock_t lock;
} seqlock_t;

namespace rtfuzz::kapi::internal {

/* The kernel's seqprop_*() dispatch, as overloads. */
inline seqcount_t *SeqBase(seqcount_t *s) { return s; }
inline seqcount_t *SeqBase(seqcount_raw_spinlock_t *s) { return &s->seqcount; }
inline seqcount_t *SeqBase(seqcount_spinlock_t *s) { return &s->seqcount; }
inline seqcount_t *SeqBase(seqcount_latch_t *s) { return &s->seqcount; }
inline const seqcount_t *SeqBase(const seqcount_t *s) { return s; }

/* What the kernel's writer-side lockdep checks assert. */
inline void SeqAssertWriter(seqcount_t *, const char *site)
{
	rtfuzz_kapi_lockdep_assert_ctx(rt::PreemptCount() != 0 || rt::IrqsDisabled(),
				       "write_seqcount_begin(): seqcount_t writers run with "
				       "preemption disabled", site);
}
inline void SeqAssertWriter(seqcount_raw_spinlock_t *s, const char *site)
{
	rtfuzz_kapi_lockdep_assert(&s->lock->dep_map, RTFUZZ_KAPI_HELD_ANY,
				   "write_seqcount_begin(): the seqcount's raw_spinlock held", site);
}
inline void SeqAssertWriter(seqcount_spinlock_t *s, const char *site)
{
	rtfuzz_kapi_lockdep_assert(&s->lock->dep_map, RTFUZZ_KAPI_HELD_ANY,
				   "write_seqcount_begin(): the seqcount's spinlock held", site);
}

/* One read of the count: a point on the seqcount's object. */
inline unsigned SeqRead(seqcount_t *s)
{
	const unsigned seq = s->sequence;
	rt::Point(rt::Op::kRead, rtfuzz_kapi_named_object_id(&s->dep_map.rtfuzz_obj, s->dep_map.name), seq,
		  rt::kPointRead | WordFlags<unsigned>(), &s->sequence, seq);
	return seq;
}

/* One store of the count, after `annotate` (ownership never lags the word). */
template <typename Annotate>
inline void SeqWrite(seqcount_t *s, unsigned seq, Annotate annotate)
{
	s->sequence = seq;
	annotate();
	rt::Point(rt::Op::kWrite, rtfuzz_kapi_named_object_id(&s->dep_map.rtfuzz_obj, s->dep_map.name), seq,
		  rt::kPointWrite | WordFlags<unsigned>(), &s->sequence, seq);
}

/* The lock a reader takes on PREEMPT_RT to boost a preempted writer. */
inline bool SeqReaderLocks(seqcount_t *) { return false; }
inline bool SeqReaderLocks(seqcount_raw_spinlock_t *) { return false; }
inline bool SeqReaderLocks(seqcount_spinlock_t *) { return rt::PreemptRt(); }
inline void SeqReaderLockUnlock(seqcount_spinlock_t *s)
{
	spin_lock(s->lock);
	spin_unlock(s->lock);
}
template <typename S>
inline void SeqReaderLockUnlock(S *) {}

/*
 * Waits for an even count. An odd one is a wait for the writer: the reader
 * claims the seqcount shared and is contended until the count is even, then
 * lets go in the same step (readers never hold it).
 */
template <typename S>
inline unsigned SeqBeginWait(S *sp, const char *site)
{
	seqcount_t *s = SeqBase(sp);
	unsigned seq = SeqRead(s);
	if (!(seq & 1))
		return seq;
	if (SeqReaderLocks(sp)) {
		/* PREEMPT_RT: wait on the writer's lock; its events are the wait. */
		do {
			SeqReaderLockUnlock(sp);
			seq = SeqRead(s);
		} while (seq & 1);
		return seq;
	}
	seqcount_acquire_read(&s->dep_map, 0, 0, site);
	lock_contended(&s->dep_map, site);
	do {
		cpu_relax();
		seq = SeqRead(s);
	} while (seq & 1);
	lock_acquired(&s->dep_map, site);
	seqcount_release(&s->dep_map, site);
	return seq;
}

/* lockdep's view of a checked reader: an instantaneous shared acquisition. */
inline void SeqReaderAccess(seqcount_t *s, const char *site)
{
	seqcount_acquire_read(&s->dep_map, 0, 0, site);
	seqcount_release(&s->dep_map, site);
}

template <typename S>
inline unsigned ReadSeqcountBegin(S *sp, bool checked, const char *site)
{
	if (checked)
		SeqReaderAccess(SeqBase(sp), site);
	const unsigned seq = SeqBeginWait(sp, site);
	smp_rmb();
	return seq;
}

/* The count as it is, odd or even, without waiting. */
inline unsigned RawReadSeqcount(seqcount_t *s)
{
	const unsigned seq = SeqRead(s);
	smp_rmb();
	return seq;
}

inline bool ReadSeqcountRetry(seqcount_t *s, unsigned start, bool barrier)
{
	if (barrier)
		smp_rmb();
	return SeqRead(s) != start;
}

template <typename S>
inline void WriteSeqcountBegin(S *sp, bool checked, const char *site)
{
	seqcount_t *s = SeqBase(sp);
	if (checked) {
		SeqAssertWriter(sp, site);
		seqcount_acquire(&s->dep_map, 0, 0, site);
		SeqWrite(s, s->sequence + 1, [&] { lock_acquired(&s->dep_map, site); });
	} else {
		SeqWrite(s, s->sequence + 1, [] {});
	}
	smp_wmb();
}

inline void WriteSeqcountEnd(seqcount_t *s, bool checked, const char *site)
{
	smp_wmb();
	if (checked)
		SeqWrite(s, s->sequence + 1, [&] { seqcount_release(&s->dep_map, site); });
	else
		SeqWrite(s, s->sequence + 1, [] {});
}

inline void WriteSeqcountLatch(seqcount_t *s)
{
	smp_wmb();
	SeqWrite(s, s->sequence + 1, [] {});
	smp_wmb();
}

}  // namespace rtfuzz::kapi::internal

/* Readers. */
#define __read_seqcount_begin(s)						\
	rtfuzz::kapi::internal::SeqBeginWait((s), RTFUZZ_KAPI_HERE)
#define raw_read_seqcount_begin(s)						\
	rtfuzz::kapi::internal::ReadSeqcountBegin((s), false, RTFUZZ_KAPI_HERE)
#define read_seqcount_begin(s)							\
	rtfuzz::kapi::internal::ReadSeqcountBegin((s), true, RTFUZZ_KAPI_HERE)
#define raw_read_seqcount(s)							\
	rtfuzz::kapi::internal::RawReadSeqcount(rtfuzz::kapi::internal::SeqBase(s))
#define raw_seqcount_begin(s)		(raw_read_seqcount(s) & ~1u)
#define __read_seqcount_retry(s, start)						\
	rtfuzz::kapi::internal::ReadSeqcountRetry(				\
		rtfuzz::kapi::internal::SeqBase(s), (start), false)
#define read_seqcount_retry(s, start)						\
	rtfuzz::kapi::internal::ReadSeqcountRetry(				\
		rtfuzz::kapi::internal::SeqBase(s), (start), true)

/* Writers. */
#define raw_write_seqcount_begin(s)						\
	rtfuzz::kapi::internal::WriteSeqcountBegin((s), false, RTFUZZ_KAPI_HERE)
#define raw_write_seqcount_end(s)						\
	rtfuzz::kapi::internal::WriteSeqcountEnd(				\
		rtfuzz::kapi::internal::SeqBase(s), false, RTFUZZ_KAPI_HERE)
#define write_seqcount_begin(s)							\
	rtfuzz::kapi::internal::WriteSeqcountBegin((s), true, RTFUZZ_KAPI_HERE)
#define write_seqcount_end(s)							\
	rtfuzz::kapi::internal::WriteSeqcountEnd(				\
		rtfuzz::kapi::internal::SeqBase(s), true, RTFUZZ_KAPI_HERE)
#define raw_write_seqcount_barrier(s)						\
	do {									\
		raw_write_seqcount_begin(s);					\
		raw_write_seqcount_end(s);					\
	} while (0)
#define write_seqcount_invalidate(s)						\
	do {									\
		seqcount_t *__s = rtfuzz::kapi::internal::SeqBase(s);		\
		smp_wmb();							\
		rtfuzz::kapi::internal::SeqWrite(__s, __s->sequence + 2, [] {});	\
	} while (0)

/* Latches: readers never wait; they pick the copy the count's low bit names. */
#define raw_read_seqcount_latch(s)						\
	rtfuzz::kapi::internal::SeqRead(&(s)->seqcount)
#define raw_read_seqcount_latch_retry(s, start)					\
	rtfuzz::kapi::internal::ReadSeqcountRetry(&(s)->seqcount, (start), true)
#define read_seqcount_latch(s)		raw_read_seqcount_latch(s)
#define read_seqcount_latch_retry(s, start) raw_read_seqcount_latch_retry(s, start)
#define raw_write_seqcount_latch(s)						\
	rtfuzz::kapi::internal::WriteSeqcountLatch(&(s)->seqcount)
#define write_seqcount_latch_begin(s)	raw_write_seqcount_latch(s)
#define write_seqcount_latch(s)		raw_write_seqcount_latch(s)
#define write_seqcount_latch_end(s)	do { (void)(s); } while (0)

/* seqlock_t: a spinlock-serialised seqcount. */
#define DEFINE_SEQLOCK(name)							\
	seqlock_t name = { SEQCNT_SPINLOCK_ZERO(name, &name.lock),		\
			   __SPIN_LOCK_UNLOCKED(name) }
static inline void rtfuzz_kapi_seqlock_init(seqlock_t *sl, const char *name)
{
	rtfuzz_kapi_spin_lock_init(&sl->lock, name);
	rtfuzz_kapi_seqcount_init(&sl->seqcount.seqcount, name);
	sl->seqcount.lock = &sl->lock;
}
/* The seqcount and its lock both carry the seqlock's name. */
#define seqlock_init(sl)	rtfuzz_kapi_seqlock_init((sl), #sl)

#define read_seqbegin(sl)	read_seqcount_begin(&(sl)->seqcount)
#define read_seqretry(sl, start) read_seqcount_retry(&(sl)->seqcount, (start))

#define write_seqlock(sl)							\
	do { spin_lock(&(sl)->lock); write_seqcount_begin(&(sl)->seqcount); } while (0)
#define write_sequnlock(sl)							\
	do { write_seqcount_end(&(sl)->seqcount); spin_unlock(&(sl)->lock); } while (0)
#define write_seqlock_irq(sl)							\
	do { spin_lock_irq(&(sl)->lock); write_seqcount_begin(&(sl)->seqcount); } while (0)
#define write_sequnlock_irq(sl)							\
	do { write_seqcount_end(&(sl)->seqcount); spin_unlock_irq(&(sl)->lock); } while (0)
#define write_seqlock_bh(sl)							\
	do { spin_lock_bh(&(sl)->lock); write_seqcount_begin(&(sl)->seqcount); } while (0)
#define write_sequnlock_bh(sl)							\
	do { write_seqcount_end(&(sl)->seqcount); spin_unlock_bh(&(sl)->lock); } while (0)
#define write_seqlock_irqsave(sl, flags)					\
	do {									\
		spin_lock_irqsave(&(sl)->lock, flags);				\
		write_seqcount_begin(&(sl)->seqcount);				\
	} while (0)
#define write_sequnlock_irqrestore(sl, flags)					\
	do {									\
		write_seqcount_end(&(sl)->seqcount);				\
		spin_unlock_irqrestore(&(sl)->lock, flags);			\
	} while (0)
#define read_seqlock_excl(sl)		spin_lock(&(sl)->lock)
#define read_sequnlock_excl(sl)		spin_unlock(&(sl)->lock)

#endif /* RTFUZZ_KAPI_LINUX_SEQLOCK_H_ */
