/* framework/include/rtfuzz/kapi/linux/interrupt.h
 *
 * <linux/interrupt.h>'s softirqs: the vector numbers, and raising one.
 *
 * A softirq is a scenario interrupt of kind rt::ContextKind::kSoftirq (its
 * handler is the softirq's action); rtfuzz_open_softirq(nr, handler) binds
 * vector `nr` to it for the running execution (from Scenario::OnReset; the
 * kernel's open_softirq(nr, action) binds a function at boot, the machine
 * needs the interrupt declared up front). raise_softirq_irqoff(nr) fires
 * the softirq_raise tracepoint (kapi's own: probes attach to it as to any
 * tracepoint and may recurse through it) and makes the softirq pending on
 * this CPU; the machine runs it where softirqs may run (task context with
 * bottom halves enabled, after the interrupts above return).
 *
 * Scheduling points: the tracepoint site (one), the raise (one).
 * Checked: raising a vector no rtfuzz_open_softirq() bound, or
 *   raise_softirq_irqoff() with interrupts enabled (the kernel's
 *   lockdep_assert_irqs_disabled()): verdict "failure".
 * Natively: a usage error.
 * Not modeled: ksoftirqd (a softirq raised outside interrupt context runs at
 *   the next point where it may, not in a thread), softirq time limits.
 */
#ifndef RTFUZZ_KAPI_LINUX_INTERRUPT_H_
#define RTFUZZ_KAPI_LINUX_INTERRUPT_H_

#include "rtfuzz/kapi/internal/kapi.h"
#include "rtfuzz/kapi/linux/tracepoint.h"
#include "rtfuzz/rt/scenario.h"

enum {
	HI_SOFTIRQ = 0,
	TIMER_SOFTIRQ,
	NET_TX_SOFTIRQ,
	NET_RX_SOFTIRQ,
	BLOCK_SOFTIRQ,
	IRQ_POLL_SOFTIRQ,
	TASKLET_SOFTIRQ,
	SCHED_SOFTIRQ,
	HRTIMER_SOFTIRQ,
	RCU_SOFTIRQ,
	NR_SOFTIRQS
};

/* softirq_raise(vec_nr): fired by every raise, before the pending bit is set. */
DECLARE_TRACEPOINT(softirq_raise)

extern "C" {
/* Binds vector nr to the softirq interrupt `handler` for this execution. */
void rtfuzz_open_softirq(unsigned int nr, rtfuzz::rt::HandlerId handler);
/* Interrupts disabled (checked). */
void raise_softirq_irqoff(unsigned int nr);
void __raise_softirq_irqoff(unsigned int nr);
/* Any context: disables interrupts around raise_softirq_irqoff(). */
void raise_softirq(unsigned int nr);
}

#endif /* RTFUZZ_KAPI_LINUX_INTERRUPT_H_ */
