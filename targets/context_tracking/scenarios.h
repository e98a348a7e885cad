/* targets/context_tracking/scenarios.h
 *
 * text-poke  3 CPUs: CPU0 and CPU1 are housekeeping CPUs, each running the
 *            text_poke protocol twice after chosen delays
 *            (smp_text_poke_batch_finish: write, on_each_cpu_cond() with
 *            ct_set_cpu_work() as the condition, wait); CPU2 is nohz_full
 *            (context tracked) and runs a task that alternates user mode
 *            (a busy loop of chosen length) and system calls that execute
 *            kernel text, three times, then exits from the kernel. Every
 *            hardirq on CPU2 that arrives in user mode enters the kernel
 *            (ct_user_exit, flushing deferred work) and leaves it again.
 *
 * Oracles: the invariants of context_tracking.h (CT-I1, CT-I4, CT-I5); the
 * noise oracle holds CPU2 to one IPI per poke (the ipi-always baseline's
 * count) and the figures with and without deferral are in
 * docs/targets/context_tracking.md.
 */

#ifndef TARGETS_CONTEXT_TRACKING_SCENARIOS_H_
#define TARGETS_CONTEXT_TRACKING_SCENARIOS_H_

#include <string_view>
#include <vector>

#include "rtfuzz/rt/scenario.h"
#include "variant.h"

namespace rtfuzz::targets::context_tracking {

const std::vector<std::string_view>& ScenarioNames();
rt::Scenario MakeScenario(std::string_view name, const ct_variant& v);

/* The scenario's pokes per execution (for the noise figures). */
inline constexpr int kPokesPerExecution = 4;

}  // namespace rtfuzz::targets::context_tracking

#endif  // TARGETS_CONTEXT_TRACKING_SCENARIOS_H_
