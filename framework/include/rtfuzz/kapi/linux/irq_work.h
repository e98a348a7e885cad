/* framework/include/rtfuzz/kapi/linux/irq_work.h
 *
 * <linux/irq_work.h>: work queued from any context (NMI included) and run in
 * hardirq context on the CPU it was queued on, at that CPU's next point where
 * interrupts are enabled — the machine's built-in irq-work vector
 * (rt::WorkVector::kIrqWork).
 *
 * Modeled: init_irq_work, IRQ_WORK_INIT, irq_work_queue, irq_work_queue_on,
 *   irq_work_is_pending; a queued work is not queued again until it has
 *   started to run (the PENDING bit is cleared just before func runs, as the
 *   kernel does), so work may requeue itself from func.
 * Scheduling points: irq_work_queue/_on (one point: the PENDING cmpxchg and
 *   the raise).
 * Not modeled: PREEMPT_RT's lazy irq_work kthread (every work runs in
 *   hardirq, as IRQ_WORK_HARD_IRQ does), irq_work_sync, BUSY tracking.
 */
#ifndef RTFUZZ_KAPI_LINUX_IRQ_WORK_H_
#define RTFUZZ_KAPI_LINUX_IRQ_WORK_H_

#include "rtfuzz/kapi/internal/kapi.h"

struct irq_work {
	void (*func)(struct irq_work *work);
	bool pending;	/* Queued and not yet started. */
};

#define IRQ_WORK_INIT(_func)	{ (_func), false }
#define DEFINE_IRQ_WORK(name, _func) struct irq_work name = IRQ_WORK_INIT(_func)

static inline void init_irq_work(struct irq_work *work, void (*func)(struct irq_work *))
{
	work->func = func;
	work->pending = false;
}

static inline bool irq_work_is_pending(struct irq_work *work)
{
	return work->pending;
}

namespace rtfuzz::kapi::internal {
inline void RunIrqWork(void *arg)
{
	struct irq_work *work = static_cast<struct irq_work *>(arg);
	work->pending = false;	/* Before func: func may requeue it. */
	work->func(work);
}
}  // namespace rtfuzz::kapi::internal

/* Queues on `cpu`; false if it was already pending. An IPI when remote. */
static inline bool irq_work_queue_on(struct irq_work *work, int cpu)
{
	if (work->pending) {
		rtfuzz::rt::Point(rtfuzz::rt::Op::kRmw, 0, 0, rtfuzz::rt::kPointAtomic);
		return false;
	}
	work->pending = true;
	rtfuzz::rt::QueueInterruptWork(cpu, rtfuzz::rt::WorkVector::kIrqWork,
				       rtfuzz::kapi::internal::RunIrqWork, work);
	return true;
}

static inline bool irq_work_queue(struct irq_work *work)
{
	return irq_work_queue_on(work, rtfuzz::rt::CurrentCpu());
}

#endif /* RTFUZZ_KAPI_LINUX_IRQ_WORK_H_ */
