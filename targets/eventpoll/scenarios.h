/* targets/eventpoll/scenarios.h
 *
 * Small machines that drive the eventpoll model (eventpoll.h) for one
 * variant each. Every scenario checks EP-I1..I3 at every relevant step
 * (ghost.h) and at its end.
 *
 *   inversion   PREEMPT_RT, 1 CPU (spec 2.5): a SCHED_FIFO 90 epoll_wait
 *               consumer, a FIFO 10 producer signalling an eventfd 3 times,
 *               and a FIFO 50 hog (3 ms busy) woken by a device interrupt
 *               whose place is a decision (PMU `steps` overflow, once).
 *               When the interrupt lands while the consumer waits for
 *               ep->lock held by the producer, the hog keeps the holder
 *               off the CPU: priority-inversion unless the lock boosts
 *               its holder (rwlock_t readers cannot be boosted on RT).
 *   inversion-nonrt  the same without PREEMPT_RT (spinning ep->lock with
 *               interrupts off: nothing to invert).
 *   invariants  no PREEMPT_RT, 2 CPUs: a consumer looping epoll_wait
 *               (maxevents 2) on CPU0; a writer task on CPU1 signalling
 *               four eventfds; an epoll_ctl task on CPU1 adding an
 *               eventfd with a pending event (ep_insert) and removing
 *               another (ep_remove); producers in a hardirq on CPU0
 *               (placed by the PMU), an hrtimer hardirq on CPU1 (2 fires),
 *               a softirq on CPU1 (PMU) and a perf NMI on CPU0 whose
 *               sample wakes the file from irq_work. The last task to
 *               finish stops the interrupt producers, waits for the ones
 *               in flight and signals a stop eventfd; the consumer then
 *               drains with non-blocking epoll_wait.
 *
 *   invariants-rt  the same on PREEMPT_RT, with the producers RT runs in
 *               threads: a threaded irq (irq/0-eth0), a soft hrtimer
 *               (ktimers/1), a force-threaded irq (irq/1-net-rx) and the
 *               perf NMI's wakeup in a force-threaded irq (RT's irq_work
 *               thread).
 *   bandwidth   PREEMPT_RT, 1 CPU (spec 2.6, Jan Kiszka's reproducer as
 *               Prateek pinned it): a writer in a cpu.max group (25 µs per
 *               50 µs, SOFT refill timer) writes a fifo 100 times; the
 *               consumer epolls the fifo and a timerfd (soft hrtimer every
 *               10 µs, in ktimers/0) with maxevents 1. A throttle inside
 *               the read side of ep->lock stalls the rwlock era for ever.
 *   bandwidth-hard-refill  the same with Linux's hard refill timer.
 *   bandwidth-nonrt  the same without PREEMPT_RT.
 *   storm       PREEMPT_RT, 8 CPUs (spec 2.7, seed 000): a BPF program on
 *               irq_handler_entry outputs a sample into its CPU's perf
 *               event (all in ONE epoll) and queues its wakeup (a
 *               force-threaded irq: RT's irq_work thread); the reschedule
 *               IPI's entry is traced too; 2 device interrupts per CPU are
 *               the only external input; the consumer sleeps in ep_poll on
 *               the isolated CPU1; a stopper ends the run at 40 µs. The
 *               invariant "IPI feedback loop" flags more than 32 RES IPIs
 *               since the last device interrupt.
 *   storm-nonrt  the same without PREEMPT_RT (the wakeup runs in hardirq).
 */

#ifndef TARGETS_EVENTPOLL_SCENARIOS_H_
#define TARGETS_EVENTPOLL_SCENARIOS_H_

#include <string_view>
#include <vector>

#include "rtfuzz/rt/scenario.h"
#include "variant.h"

namespace rtfuzz::targets::eventpoll {

rt::Scenario MakeInversion(const eventpoll_variant& v, bool preempt_rt);
rt::Scenario MakeInvariants(const eventpoll_variant& v);
rt::Scenario MakeInvariantsRt(const eventpoll_variant& v);
rt::Scenario MakeBandwidth(const eventpoll_variant& v, bool preempt_rt, bool hard_refill);
rt::Scenario MakeStorm(const eventpoll_variant& v, bool preempt_rt);

// Model-only statistics of the last execution (plain, reset per execution),
// so tests can show a window was reached.
struct EventpollStats {
  int scans = 0;          // ep_send_events() calls
  int chained = 0;        // epitems chained on ovflist during a scan
  int delivered = 0;      // events returned by epoll_wait
  int removed_before_delivery = 0;  // the removed item was never delivered
};
EventpollStats LastStats();

// storm: what the last execution's BPF programs and IPIs did (plain,
// model-only, reset per execution).
struct StormStats {
  int external = 0;       // device interrupt entries (the external input)
  int samples = 0;        // bpf_perf_event_output() calls
  int ipi_samples = 0;    // ... from the reschedule IPI's irq entry
  int ipi_entries = 0;    // RES irq entries (coalesced IPIs count once)
  int ipis_since_external = 0;
  int max_ipis_since_external = 0;  // most RES entries with no device irq between
  int wakeups = 0;        // perf wakeups run (ep_poll_callback calls)
  int consumed = 0;       // samples the consumer read
};
StormStats LastStormStats();

// The scenario names above, and the scenario of a name (one from ScenarioNames()).
const std::vector<std::string_view>& ScenarioNames();
rt::Scenario MakeScenario(std::string_view name, const eventpoll_variant& v);

}  // namespace rtfuzz::targets::eventpoll

#endif  // TARGETS_EVENTPOLL_SCENARIOS_H_
