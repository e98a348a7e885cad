/* framework/include/rtfuzz/kapi/linux/preempt.h
 *
 * preempt_count and the context tests, as the kernel's <linux/preempt.h>,
 * over the machine's per-context count (rt/preempt_count.h has the layout).
 *
 *   preempt_disable(), preempt_enable() (+ _notrace, _no_resched)
 *                            one point each; enabling preempts at that point
 *                            if a higher-priority task was woken
 *   migrate_disable(), migrate_enable()
 *                            one point each (op kUser+kOpMigrate), no state
 *   preempt_count(), in_*(), preemptible()
 *                            not points: they read the current context only
 *
 * migrate_disable() is modeled as a plain point because a task never moves
 * to another CPU while it runs in this machine. Not modeled: a task that
 * blocks inside migrate_disable() (PREEMPT_RT's sleeping spinlocks) may be
 * woken on another allowed CPU; pin such tasks with their affinity.
 */

#ifndef RTFUZZ_KAPI_LINUX_PREEMPT_H_
#define RTFUZZ_KAPI_LINUX_PREEMPT_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/irqflags.h"
#include "rtfuzz/rt/preempt_count.h"

#define PREEMPT_OFFSET		(::rtfuzz::rt::kPreemptOffset)
#define SOFTIRQ_OFFSET		(::rtfuzz::rt::kSoftirqOffset)
#define SOFTIRQ_DISABLE_OFFSET	(::rtfuzz::rt::kSoftirqDisableOffset)
#define HARDIRQ_OFFSET		(::rtfuzz::rt::kHardirqOffset)
#define NMI_OFFSET		(::rtfuzz::rt::kNmiOffset)
#define PREEMPT_MASK		(::rtfuzz::rt::kPreemptMask)
#define SOFTIRQ_MASK		(::rtfuzz::rt::kSoftirqMask)
#define HARDIRQ_MASK		(::rtfuzz::rt::kHardirqMask)
#define NMI_MASK		(::rtfuzz::rt::kNmiMask)

static inline int preempt_count(void)
{
	return static_cast<int>(::rtfuzz::rt::PreemptCount());
}

#define hardirq_count()		(preempt_count() & HARDIRQ_MASK)
#define softirq_count()		(preempt_count() & SOFTIRQ_MASK)
#define irq_count()		(preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK))

#define in_nmi()		(::rtfuzz::rt::InNmi(::rtfuzz::rt::PreemptCount()))
#define in_hardirq()		(::rtfuzz::rt::InHardirq(::rtfuzz::rt::PreemptCount()))
#define in_irq()		in_hardirq()
#define in_softirq()		(::rtfuzz::rt::InSoftirq(::rtfuzz::rt::PreemptCount()))
#define in_serving_softirq()	(::rtfuzz::rt::InServingSoftirq(::rtfuzz::rt::PreemptCount()))
#define in_interrupt()		(::rtfuzz::rt::InInterrupt(::rtfuzz::rt::PreemptCount()))
#define in_task()		(::rtfuzz::rt::InTask(::rtfuzz::rt::PreemptCount()))
#define in_atomic()		(preempt_count() != 0)

/* Preemption is possible here: preempt_count 0 and interrupts enabled. */
#define preemptible()		(preempt_count() == 0 && !irqs_disabled())

static inline void preempt_disable(void)
{
	::rtfuzz::rt::PreemptDisable();
}

/*
 * need_resched, as set_tsk_need_resched()/set_preempt_need_resched() leave
 * it for the current CPU (kapi's resched.cc): the machine preempts for
 * wakeups by itself; this flag is the kernel's request to enter __schedule()
 * (whose hook, sched_set_switch_hook() in <linux/sched.h>, is where RCU
 * notes a context switch). preempt_enable() that makes the task preemptible
 * with the flag set enters it, as __preempt_schedule() does. The mask is of
 * CPUs with the flag set in some execution: a stale bit only costs the call,
 * which checks the execution.
 */
extern "C" {
extern uint64_t rtfuzz_kapi_need_resched_mask;
void rtfuzz_kapi_preempt_schedule(void);
}

static inline void preempt_enable(void)
{
	::rtfuzz::rt::PreemptEnable();
	if (__builtin_expect(rtfuzz_kapi_need_resched_mask != 0, 0))
		rtfuzz_kapi_preempt_schedule();
}

#define preempt_disable_notrace()	preempt_disable()
#define preempt_enable_notrace()	preempt_enable()
/* Also a preemption point here: the machine has no deferred need_resched. */
#define preempt_enable_no_resched()	preempt_enable()

static inline void migrate_disable(void)
{
	::rtfuzz::rt::Point(::rtfuzz::kapi::internal::UserOp(
				    ::rtfuzz::kapi::internal::kOpMigrate),
			    0, 1, 0);
}

static inline void migrate_enable(void)
{
	::rtfuzz::rt::Point(::rtfuzz::kapi::internal::UserOp(
				    ::rtfuzz::kapi::internal::kOpMigrate),
			    0, 0, 0);
}

#endif  /* RTFUZZ_KAPI_LINUX_PREEMPT_H_ */
