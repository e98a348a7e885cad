/* targets/rqspinlock/scenarios.h
 *
 * Small machines that drive rqspinlock the way BPF programs do (a
 * tp_btf/sched_switch program in a task and a perf_event program in an
 * NMI, both through raw_res_spin_lock_irqsave()), for one variant each.
 * NMIs are armed on the virtual PMU's `steps` counter, so the period and
 * phase decisions place them on any step of the lock's paths.
 *
 *   task-nmi   1 CPU: a task takes A twice; an NMI takes A once
 *              (AA reentry: windows a1, a2, b, and the fast path)
 *   nmi-queue  3 CPUs contend on A; an NMI on CPU0 takes A while CPU0's
 *              task is owner, pending waiter, head or non-head waiter
 *              (0d80e7f951be, c, d, e)
 *   abba       2 CPUs: tasks take A then B and B then A; an NMI on each
 *              CPU takes the other task's first lock (ABBA, 6.19's head)
 *   stress     3 CPUs, 3 rounds each on A, no NMI: mutual exclusion and
 *              table consistency
 *   nmi-starve 3 CPUs: CPU1 and CPU2 hold A back to back (7 rounds of a
 *              25 ms busy wait each); CPU0's task never takes A; an NMI on
 *              CPU0 takes A (0d80e7f951be's trylock starvation, no deadlock)
 *   nmi-nested 4 CPUs: CPU1 and CPU2 take A then B and hold B 25 ms, back
 *              to back; CPU0 and CPU3 take A; an NMI on CPU0 takes B while
 *              CPU0's task may be queued on A (idx > 0: c's 250 ms loop vs
 *              d's single trylock)
 *   nmi-count  4 CPUs: CPU1 holds A and B for 1 ms, CPU2 and CPU3 pend on
 *              them; CPU0's task takes A and an NMI on CPU0 takes B, both
 *              through `queue` (the racy-count window between the load and
 *              the store of rqnodes[0].count)
 *
 * Every attempt checks (check::Invariant) that the return code is 0,
 * -EDEADLK or -ETIMEDOUT, that the CPU's held table grew by one on success
 * and not at all on failure and is back after unlock, that rqnodes[0].count
 * is unchanged, and that no second holder exists (R-I1..R-I3).
 */

#ifndef TARGETS_RQSPINLOCK_SCENARIOS_H_
#define TARGETS_RQSPINLOCK_SCENARIOS_H_

#include <string_view>
#include <vector>

#include "rtfuzz/rt/scenario.h"
#include "variant.h"

namespace rtfuzz::targets::rqspinlock {

rt::Scenario MakeTaskNmi(const rqspinlock_variant& v);
rt::Scenario MakeNmiQueue(const rqspinlock_variant& v);
rt::Scenario MakeAbba(const rqspinlock_variant& v);
rt::Scenario MakeStress(const rqspinlock_variant& v);
rt::Scenario MakeNmiStarve(const rqspinlock_variant& v);
rt::Scenario MakeNmiNested(const rqspinlock_variant& v);
rt::Scenario MakeNmiCount(const rqspinlock_variant& v);

// The -EDEADLK windows a version accepts by design (rt::window), which the
// deadlock oracle checks in its graph: entry-before-acquire and
// entry-after-release from beb7021a6003 (a) on (its entry-first lock order
// and release-first unlock order), nmi-over-waiter from 30dc2f7025fe (d) on
// (the NMI's single trylock fails while a lower context of its CPU is
// queued: 81d5a6a43859's accepted cost). Every scenario sets them.
uint32_t ToleratedWindows(const rqspinlock_variant& v);

// The scenario names above, and the scenario of a name (a name from ScenarioNames()).
const std::vector<std::string_view>& ScenarioNames();
rt::Scenario MakeScenario(std::string_view name, const rqspinlock_variant& v);

}  // namespace rtfuzz::targets::rqspinlock

#endif  // TARGETS_RQSPINLOCK_SCENARIOS_H_
