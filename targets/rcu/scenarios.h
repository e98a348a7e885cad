/* targets/rcu/scenarios.h
 *
 * Small machines around PREEMPT_RCU's deferred quiescent state (seed 004).
 * CPU0 runs the reader task; CPU1 is the housekeeping CPU: it requests
 * grace periods and its tick (HZ=1000) runs rcu_sched_clock_irq(),
 * irq_work_tick() and the grace-period oracle. The reader's rounds are
 * rcu_read_lock(), two shared reads, an unlock (every other round with
 * interrupts disabled, as under spin_lock_irqsave()), cond_resched(); then
 * 5 ms of kernel work outside any section (cond_resched() in the loop),
 * then idle. Expedited GPs start after a chosen delay, so their IPI lands
 * anywhere in the rounds.
 *
 *   tick-stop     CPU0 nohz_full (no tick); every hardirq exit on it fires
 *                 tick_stop, where a BPF program runs a reader (spec 3.3:
 *                 the self-IPI deadloop of b41642c87716)
 *   softirq-raise CPU0 nohz_full; a device hardirq runs a reader; a probe
 *                 on softirq_raise (the stack-trace unwinder) runs a reader
 *                 (d41e37f26b31's recursion)
 *   lazy-reinit   both CPUs tick; the arch has no irq_work interrupt; the
 *                 reader can be preempted inside its sections; CPU1 runs
 *                 expedited and normal GPs back to back (61399e0c5410)
 *   notrace       CPU0 nohz_full; readers use rcu_read_lock_notrace(): the
 *                 task's, half inside a runqueue-like raw spinlock, an NMI's,
 *                 and a tracer probe's; checks spec 3.5's requirements
 *
 * Oracles: irq recursion (stall), tracepoint recursion (stall), the
 * irq_work invariants (kapi), the grace-period oracle (tree.h), and end
 * checks: no deferral from an NMI, no QS report with the rq lock held, and
 * every GP requested completed.
 */

#ifndef TARGETS_RCU_SCENARIOS_H_
#define TARGETS_RCU_SCENARIOS_H_

#include <string_view>
#include <vector>

#include "rtfuzz/rt/scenario.h"
#include "variant.h"

namespace rtfuzz::targets::rcu {

const std::vector<std::string_view>& ScenarioNames();
/* The scenario of a name from ScenarioNames(). */
rt::Scenario MakeScenario(std::string_view name, const rcu_variant& v);

}  // namespace rtfuzz::targets::rcu

#endif  // TARGETS_RCU_SCENARIOS_H_
