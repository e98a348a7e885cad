/* framework/include/rtfuzz/kapi/linux/irq_work.h
 *
 * <linux/irq_work.h>: work queued from any context (NMI included) onto a
 * per-CPU list and run in hardirq context on that CPU.
 *
 * Modeled, as kernel/irq_work.c does it:
 *   - flags PENDING (queued, not yet started) and BUSY (queued or running);
 *     a claim fails while PENDING, so one work is on at most one list, and
 *     PENDING is cleared just before func runs, so func may requeue it;
 *   - two lists per CPU: raised_list (run by the irq-work interrupt, the
 *     machine's built-in vector rt::WorkVector::kIrqWork) and lazy_list
 *     (IRQ_WORK_LAZY: run only by irq_work_tick(), from a tick the scenario
 *     declares);
 *   - the arch: arch_irq_work_has_interrupt() true (x86, arm64: a queue on
 *     an empty raised_list raises a self-IPI) or false (an arch without
 *     one: raised work too waits for irq_work_tick()), set per execution by
 *     irq_work_set_arch_has_interrupt() from Scenario::OnReset;
 *   - irq_work_queue_on() to another CPU: the irq-work vector there, an IPI.
 * Checked (verdict "invariant", with the work's name):
 *   - init_irq_work() on a work that is queued (PENDING): it would clear the
 *     list link of a node still on its list (61399e0c5410's hang);
 *   - a queue that would link a node already on the list (a cycle: the run
 *     loop would never end).
 * Scheduling points: irq_work_queue/_on make one point (the claim, the list
 *   add and the raise are one step); running the list makes none besides
 *   the functions' own.
 * Natively: a usage error (the lists are the simulator's).
 * Not modeled: PREEMPT_RT's irq_work kthread for non-HARD work (every work
 *   runs in hardirq, as IRQ_WORK_HARD_IRQ does), irq_work_sync, the tick
 *   being stopped (a lazy work is not raised on a tickless CPU).
 */
#ifndef RTFUZZ_KAPI_LINUX_IRQ_WORK_H_
#define RTFUZZ_KAPI_LINUX_IRQ_WORK_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/llist.h"

#define IRQ_WORK_PENDING	0x01u
#define IRQ_WORK_BUSY		0x02u
#define IRQ_WORK_LAZY		0x04u	/* No IPI: run from the tick. */
#define IRQ_WORK_HARD_IRQ	0x08u	/* Hardirq even on PREEMPT_RT (all work is, here). */
#define IRQ_WORK_CLAIMED	(IRQ_WORK_PENDING | IRQ_WORK_BUSY)

struct irq_work {
	struct llist_node llnode;
	unsigned int flags;
	void (*func)(struct irq_work *work);
	/* The execution whose list holds it (kapi: flags of an older one are stale). */
	uint64_t serial;
};

#define IRQ_WORK_INIT_FLAGS(_func, _flags)	{ { nullptr }, (_flags), (_func), 0 }
#define IRQ_WORK_INIT(_func)		IRQ_WORK_INIT_FLAGS(_func, 0)
#define IRQ_WORK_INIT_LAZY(_func)	IRQ_WORK_INIT_FLAGS(_func, IRQ_WORK_LAZY)
#define IRQ_WORK_INIT_HARD(_func)	IRQ_WORK_INIT_FLAGS(_func, IRQ_WORK_HARD_IRQ)
#define DEFINE_IRQ_WORK(name, _func) struct irq_work name = IRQ_WORK_INIT(_func)

extern "C" {
/* Sets func and clears the state (flags keep LAZY/HARD_IRQ from `init`). */
void init_irq_work_flags(struct irq_work *work, void (*func)(struct irq_work *),
			 unsigned int init);
/* Queues on `cpu` (the current CPU for irq_work_queue); false if it was
 * already pending. Any context, NMI included. */
bool irq_work_queue_on(struct irq_work *work, int cpu);
bool irq_work_queue(struct irq_work *work);
/* Runs this CPU's raised_list and lazy_list (the irq-work interrupt does). */
void irq_work_run(void);
/* From the scheduler tick: the raised_list when the arch has no irq-work
 * interrupt, and the lazy_list. Hardirq context. */
void irq_work_tick(void);
bool arch_irq_work_has_interrupt(void);
/* This execution's arch (default true); from Scenario::OnReset. */
void irq_work_set_arch_has_interrupt(bool has_interrupt);
/* PENDING/BUSY as this execution sees them (a stale serial: not queued). */
bool irq_work_is_pending(struct irq_work *work);
bool irq_work_is_busy(struct irq_work *work);
}

static inline void init_irq_work(struct irq_work *work, void (*func)(struct irq_work *))
{
	init_irq_work_flags(work, func, 0);
}

#endif /* RTFUZZ_KAPI_LINUX_IRQ_WORK_H_ */
