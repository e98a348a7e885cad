/* targets/userkit/stamp.h
 *
 * A two-word timestamp {sec, nsec} published by a writer and read by tasks
 * and by an NMI, written as a user would with kapi's public headers only.
 * A consistent read sees sec == nsec (the writer stores the same value in
 * both). Three ways to publish:
 *   stamp_seq   seqcount_t: the writer runs with preemption off; readers
 *               retry. An NMI that reads while the writer it interrupted is
 *               mid-update spins on the odd count forever: the deadlock the
 *               kernel avoids with a latch.
 *   stamp_latch seqcount_latch_t: two copies, readers pick the stable one
 *               and never wait, so an NMI reader is safe.
 *   stamp_lock  seqlock_t / seqcount_raw_spinlock_t: writers on several
 *               CPUs serialised by the lock.
 */
#ifndef TARGETS_USERKIT_STAMP_H_
#define TARGETS_USERKIT_STAMP_H_

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/preempt.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>

struct stamp {
	unsigned long sec, nsec;
};

struct stamp_seq {
	seqcount_t seq;
	struct stamp now;
};

struct stamp_latch {
	seqcount_latch_t seq;
	struct stamp copy[2];
};

struct stamp_lock {
	seqlock_t lock;
	struct stamp now;
	raw_spinlock_t raw_lock;
	seqcount_raw_spinlock_t raw_seq;
	struct stamp raw_now;
};

static inline void stamp_set(struct stamp *s, unsigned long v)
{
	WRITE_ONCE(s->sec, v);
	WRITE_ONCE(s->nsec, v);
}

static inline struct stamp stamp_get(const struct stamp *s)
{
	struct stamp out;

	out.sec = READ_ONCE(s->sec);
	out.nsec = READ_ONCE(s->nsec);
	return out;
}

/* seqcount_t: writers are serialised by the caller, preemption off. */
static inline void stamp_seq_write(struct stamp_seq *t, unsigned long v)
{
	preempt_disable();
	write_seqcount_begin(&t->seq);
	stamp_set(&t->now, v);
	write_seqcount_end(&t->seq);
	preempt_enable();
}

static inline struct stamp stamp_seq_read(struct stamp_seq *t)
{
	struct stamp out;
	unsigned seq;

	do {
		seq = read_seqcount_begin(&t->seq);
		out = stamp_get(&t->now);
	} while (read_seqcount_retry(&t->seq, seq));
	return out;
}

/* The latch: update copy 0 while readers use 1, then the other way round. */
static inline void stamp_latch_write(struct stamp_latch *t, unsigned long v)
{
	write_seqcount_latch_begin(&t->seq);
	stamp_set(&t->copy[0], v);
	write_seqcount_latch(&t->seq);
	stamp_set(&t->copy[1], v);
	write_seqcount_latch_end(&t->seq);
}

static inline struct stamp stamp_latch_read(struct stamp_latch *t)
{
	struct stamp out;
	unsigned seq;

	do {
		seq = raw_read_seqcount_latch(&t->seq);
		out = stamp_get(&t->copy[seq & 1]);
	} while (raw_read_seqcount_latch_retry(&t->seq, seq));
	return out;
}

/* seqlock_t writers on any CPU; raw_seq under its raw spinlock. */
static inline void stamp_lock_write(struct stamp_lock *t, unsigned long v)
{
	unsigned long flags;

	write_seqlock(&t->lock);
	stamp_set(&t->now, v);
	write_sequnlock(&t->lock);

	raw_spin_lock_irqsave(&t->raw_lock, flags);
	raw_write_seqcount_begin(&t->raw_seq);
	stamp_set(&t->raw_now, v);
	raw_write_seqcount_end(&t->raw_seq);
	raw_spin_unlock_irqrestore(&t->raw_lock, flags);
}

static inline struct stamp stamp_lock_read(struct stamp_lock *t)
{
	struct stamp out;
	unsigned seq;

	do {
		seq = read_seqbegin(&t->lock);
		out = stamp_get(&t->now);
	} while (read_seqretry(&t->lock, seq));
	return out;
}

static inline struct stamp stamp_lock_read_raw(struct stamp_lock *t)
{
	struct stamp out;
	unsigned seq;

	do {
		seq = raw_read_seqcount_begin(&t->raw_seq);
		out = stamp_get(&t->raw_now);
	} while (read_seqcount_retry(&t->raw_seq, seq));
	return out;
}

/* A locked writer that checks its lockdep claim, as kernel writers do. */
static inline void stamp_lock_write_checked(struct stamp_lock *t, unsigned long v)
{
	raw_spin_lock(&t->raw_lock);
	write_seqcount_begin(&t->raw_seq);
	stamp_set(&t->raw_now, v);
	write_seqcount_end(&t->raw_seq);
	raw_spin_unlock(&t->raw_lock);
}

#endif /* TARGETS_USERKIT_STAMP_H_ */
