/* targets/userlocks/scenarios.h
 *
 * Locks written as a user would write them (ticket_lock.h, mcs_lock.h,
 * rw_lock.h: kapi's public headers only, the kernel's lockdep hooks where
 * the kernel calls them), run the way a user would test them. This is the
 * check every change to the machine or an oracle goes through: no report
 * on a correct lock, and a report on a broken one that names the lock (or,
 * without hooks, the word), the contexts and the cause.
 *
 * Scenarios, for each lock L of ticket, mcs, rw:
 *   L-contend  3 CPUs, 3 rounds each: CPU0 locks, CPU1 retries trylock with
 *              cpu_relax() until it succeeds, CPU2 locks (rw: reads)
 *   L-nmi      2 CPUs, 2 rounds each; an NMI on CPU0 (PMU step counter,
 *              any step) takes the lock once: an AA deadlock when it lands
 *              while CPU0's task holds it
 * Variants:
 *   hooks       correct, with lockdep hooks       bare       correct, none
 *   lost-hooks  lost handoff, with lockdep hooks  lost-bare  lost handoff, none
 * Expected (userlocks_test.cc): L-contend is clean under hooks and bare;
 * L-nmi deadlocks only as missed-AA naming the lock (hooks) or spin-deadlock
 * naming the word (bare); L-contend under lost-* stops only as lost-handoff
 * (lost-hooks) or spin-deadlock (lost-bare). Never time-budget or
 * step-budget.
 */

#ifndef TARGETS_USERLOCKS_SCENARIOS_H_
#define TARGETS_USERLOCKS_SCENARIOS_H_

#include <optional>
#include <string_view>
#include <vector>

#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::targets::userlocks {

struct Variant {
  bool hooks = true;  // The kernel's lockdep hooks.
  bool lost = false;  // The lost-handoff mutant.
};

std::optional<Variant> ParseVariant(std::string_view name);
const std::vector<std::string_view>& VariantNames();
const std::vector<std::string_view>& ScenarioNames();
// `scenario` must be one of ScenarioNames().
rt::Scenario MakeScenario(std::string_view scenario, const Variant& v);

}  // namespace rtfuzz::targets::userlocks

#endif  // TARGETS_USERLOCKS_SCENARIOS_H_
