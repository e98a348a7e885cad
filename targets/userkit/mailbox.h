/* targets/userkit/mailbox.h
 *
 * A one-shot mailbox written as a user would, with kapi's public headers
 * only: a consumer sleeps on a wait queue until the producer posts, then
 * acknowledges to a poller that sleeps with a timeout. Two consumers: the
 * kernel's protocol (prepare_to_wait, re-check, schedule) and the classic
 * check-then-sleep bug (test the flag, then join the queue and sleep), whose
 * wakeup is lost when the producer posts between the test and the join.
 */
#ifndef TARGETS_USERKIT_MAILBOX_H_
#define TARGETS_USERKIT_MAILBOX_H_

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/wait.h>

struct mailbox {
	int posted;
	int acked;
	struct task_struct *poller;	/* sleeping for the ack, or NULL */
	wait_queue_head_t post_wq;
};

static inline void mailbox_init(struct mailbox *mb)
{
	WRITE_ONCE(mb->posted, 0);
	WRITE_ONCE(mb->acked, 0);
	WRITE_ONCE(mb->poller, NULL);
	init_waitqueue_head(&mb->post_wq);
}

static inline void mailbox_post(struct mailbox *mb)
{
	WRITE_ONCE(mb->posted, 1);
	wake_up(&mb->post_wq);
}

/* The kernel's protocol: the state and the queue before the test. */
static inline void mailbox_wait(struct mailbox *mb)
{
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&mb->post_wq, &wait, TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(mb->posted))
			break;
		schedule();
	}
	finish_wait(&mb->post_wq, &wait);
}

/* The bug: a post between the test and add_wait_queue() wakes nobody. */
static inline void mailbox_wait_check_then_sleep(struct mailbox *mb)
{
	DEFINE_WAIT(wait);

	if (!READ_ONCE(mb->posted)) {
		add_wait_queue(&mb->post_wq, &wait);
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule();
		__set_current_state(TASK_RUNNING);
		remove_wait_queue(&mb->post_wq, &wait);
	}
}

/* Acknowledges to the poller, waking it if it sleeps interruptibly. */
static inline void mailbox_ack(struct mailbox *mb)
{
	struct task_struct *p;

	WRITE_ONCE(mb->acked, 1);
	p = READ_ONCE(mb->poller);
	if (p)
		wake_up_state(p, TASK_INTERRUPTIBLE);
}

/*
 * Waits for the ack, sleeping up to 1 ms at a time, at most `tries` times;
 * returns whether the ack came.
 */
static inline bool mailbox_poll_ack(struct mailbox *mb, int tries)
{
	bool acked = false;

	WRITE_ONCE(mb->poller, current);
	for (int i = 0; i < tries; i++) {
		set_current_state(TASK_INTERRUPTIBLE);
		acked = READ_ONCE(mb->acked);
		if (acked)
			break;
		schedule_timeout(msecs_to_jiffies(1));
	}
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(mb->poller, NULL);
	return acked || READ_ONCE(mb->acked);
}

/* A late nudge: harmless when the poller is running or gone. */
static inline void mailbox_nudge(struct mailbox *mb)
{
	struct task_struct *p = READ_ONCE(mb->poller);

	if (p)
		wake_up_process(p);
}

#endif /* TARGETS_USERKIT_MAILBOX_H_ */
