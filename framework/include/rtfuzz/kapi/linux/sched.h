/* framework/include/rtfuzz/kapi/linux/sched.h
 *
 * <linux/sched.h> for a lock's own sleeping and waking: the task state
 * protocol (set_current_state, then re-check, then schedule) and direct
 * wakeups, as a hand-written sleeping lock or a check-then-sleep waiter
 * uses them.
 *
 * Modeled:
 *   struct task_struct with pid (the rt::TaskId) and __state; current
 *     (task context only: an interrupt handler has no current task here)
 *   TASK_RUNNING, TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, TASK_NORMAL,
 *     task_is_running(), MAX_SCHEDULE_TIMEOUT
 *   set_current_state(), __set_current_state(): a sleeping state makes the
 *     next schedule() block unless a wakeup comes first; TASK_RUNNING cancels
 *   schedule(), schedule_timeout() (jiffies, HZ from <linux/jiffies.h>;
 *     returns the jiffies left, rounded up, 0 when it timed out),
 *     schedule_timeout_uninterruptible(), schedule_timeout_interruptible()
 *   wake_up_process(p), wake_up_state(p, state): wake p if its state is in
 *     the mask; return 1 if it was asleep (or about to sleep)
 *   set_tsk_need_resched(), set_preempt_need_resched(), need_resched(),
 *     cond_resched(), and sched_set_switch_hook(): __schedule()'s call into
 *     RCU (rcu_note_context_switch) for a target that models RCU
 * Scheduling points: set_current_state (one), schedule/schedule_timeout
 *   (one, where the task blocks), each wakeup (one).
 * Hang reports: a task that sleeps after add_wait_queue()/prepare_to_wait()
 *   is reported as sleeping on that wait queue (the last one it joined and
 *   has not left); otherwise on its own task_struct.
 * Not modeled: signals (TASK_INTERRUPTIBLE sleeps like TASK_UNINTERRUPTIBLE
 *   but keeps its state for wake_up_state), TASK_KILLABLE/TASK_IDLE,
 *   set_special_state, the barrier set_current_state implies (the machine is
 *   sequentially consistent).
 * Shadows the UAPI <linux/sched.h> (CLONE_* flags): no system header
 * includes it.
 */
#ifndef RTFUZZ_KAPI_LINUX_SCHED_H_
#define RTFUZZ_KAPI_LINUX_SCHED_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/bug.h"
#include "rtfuzz/kapi/linux/compiler.h"
#include "rtfuzz/kapi/linux/jiffies.h"

#define TASK_RUNNING		0x00000000
#define TASK_INTERRUPTIBLE	0x00000001
#define TASK_UNINTERRUPTIBLE	0x00000002
#define TASK_NORMAL		(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)

#define MAX_SCHEDULE_TIMEOUT	((long)(~0UL >> 1))

struct task_struct {
	int pid;		/* the scenario's rt::TaskId */
	unsigned int __state;	/* TASK_* as last set */
	/* The wait queue it joined last and has not left (hang reports). */
	const volatile void *rtfuzz_wait_queue;
	uint64_t rtfuzz_epoch;	/* execution serial the fields belong to */
};

extern "C" {
/* The task_struct of task `pid` in the running execution (reset per execution). */
struct task_struct *rtfuzz_kapi_task(int pid);
}

static inline struct task_struct *get_current(void)
{
	return rtfuzz_kapi_task(rtfuzz::rt::CurrentTask());
}
#define current get_current()

#define task_is_running(task)	(READ_ONCE((task)->__state) == TASK_RUNNING)

namespace rtfuzz::kapi::internal {
inline void SetTaskState(unsigned int state)
{
	struct task_struct *self = get_current();
	self->__state = state;
	if (state == TASK_RUNNING) {
		rt::SetCurrentStateRunning();
	} else {
		rt::SetCurrentStateBlocked(self->rtfuzz_wait_queue != nullptr
						   ? self->rtfuzz_wait_queue
						   : static_cast<const volatile void *>(self));
	}
}
}  // namespace rtfuzz::kapi::internal

#define set_current_state(state)	rtfuzz::kapi::internal::SetTaskState(state)
#define __set_current_state(state)	rtfuzz::kapi::internal::SetTaskState(state)

extern "C" {
/*
 * need_resched (<linux/preempt.h> explains the flag): set for the current
 * CPU (p must be current), read, and entered by schedule(),
 * cond_resched() and a preempt_enable() that makes the task preemptible.
 * The return from an interrupt to a preemptible task does not enter it here
 * (preempt_schedule_irq): the task does at its next such call.
 */
void set_tsk_need_resched(struct task_struct *p);
void set_preempt_need_resched(void);
bool need_resched(void);
/*
 * What __schedule() calls first (where the kernel calls
 * rcu_note_context_switch(preempt)): preempt is true when entered from
 * preempt_enable(). One hook per execution, set from Scenario::OnReset;
 * it runs in the task with preemption disabled.
 */
void sched_set_switch_hook(void (*hook)(bool preempt));
void rtfuzz_kapi_note_schedule(bool preempt);
}

static inline void schedule(void)
{
	rtfuzz_kapi_note_schedule(false);
	rtfuzz::rt::Schedule();
	get_current()->__state = TASK_RUNNING;
}

/* A voluntary preemption point: schedule() if need_resched is set. */
static inline int cond_resched(void)
{
	if (!need_resched())
		return 0;
	schedule();
	return 1;
}

static inline long schedule_timeout(long timeout)
{
	struct task_struct *self = get_current();
	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	/*
	 * The kernel prints "schedule_timeout: wrong timeout value" with a
	 * stack dump: a caller's bug, so here a WARN (the verdict failure).
	 */
	WARN(timeout < 0, "schedule_timeout: wrong timeout value %ld", timeout);
	const uint64_t left = rtfuzz::rt::ScheduleTimeout(
		static_cast<uint64_t>(timeout) * RTFUZZ_KAPI_NSEC_PER_JIFFY);
	self->__state = TASK_RUNNING;
	return static_cast<long>((left + RTFUZZ_KAPI_NSEC_PER_JIFFY - 1) /
				 RTFUZZ_KAPI_NSEC_PER_JIFFY);
}

static inline long schedule_timeout_uninterruptible(long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

static inline long schedule_timeout_interruptible(long timeout)
{
	__set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}

/* Wakes p if its state is in `state`; 1 if it was asleep or about to sleep. */
static inline int wake_up_state(struct task_struct *p, unsigned int state)
{
	const bool match = (p->__state & state) != 0;
	const volatile void *on = p->rtfuzz_wait_queue != nullptr
					  ? p->rtfuzz_wait_queue
					  : static_cast<const volatile void *>(p);
	if (!match) {
		rtfuzz::rt::NoteWakeup(on, -1);
		rtfuzz::rt::Point(rtfuzz::rt::Op::kWake, static_cast<uint32_t>(p->pid), 0, 0);
		return 0;
	}
	p->__state = TASK_RUNNING;
	rtfuzz::rt::NoteWakeup(on, p->pid);
	return rtfuzz::rt::Wake(static_cast<rtfuzz::rt::TaskId>(p->pid)) ? 1 : 0;
}

static inline int wake_up_process(struct task_struct *p)
{
	return wake_up_state(p, TASK_NORMAL);
}

#endif /* RTFUZZ_KAPI_LINUX_SCHED_H_ */
