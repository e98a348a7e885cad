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
 * Reserved for the machine features in progress: `bandwidth` (2.6, CFS
 * bandwidth throttling of a read-side holder and the ktimers thread) and
 * `storm` (2.7, the BPF perf-output wakeup storm and its RES IPIs).
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

// Model-only statistics of the last execution (plain, reset per execution),
// so tests can show a window was reached.
struct EventpollStats {
  int scans = 0;          // ep_send_events() calls
  int chained = 0;        // epitems chained on ovflist during a scan
  int delivered = 0;      // events returned by epoll_wait
  int removed_before_delivery = 0;  // the removed item was never delivered
};
EventpollStats LastStats();

// The scenario names above, and the scenario of a name (one from ScenarioNames()).
const std::vector<std::string_view>& ScenarioNames();
rt::Scenario MakeScenario(std::string_view name, const eventpoll_variant& v);

}  // namespace rtfuzz::targets::eventpoll

#endif  // TARGETS_EVENTPOLL_SCENARIOS_H_
