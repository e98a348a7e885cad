// targets/all_targets.cc
//
// rtfuzz::target::Targets(): every bundled target, for the `rtfuzz` command,
// the regression suite and anything else that links rtfuzz::all_targets.
// Adding a target is one entry here.

#include <string>
#include <string_view>

#include "context_tracking/scenarios.h"
#include "context_tracking/variant.h"
#include "eventpoll/scenarios.h"
#include "eventpoll/variant.h"
#include "rqspinlock/scenarios.h"
#include "rcu/scenarios.h"
#include "rcu/variant.h"
#include "rqspinlock/variant.h"
#include "rtfuzz/demo/demo_scenario.h"
#include "rtfuzz/target/target.h"
#include "userkit/scenarios.h"
#include "userlocks/scenarios.h"

namespace rtfuzz::target {
namespace {

namespace rq = targets::rqspinlock;
namespace ep = targets::eventpoll;
namespace ul = targets::userlocks;
namespace uk = targets::userkit;
namespace rc = targets::rcu;
namespace ct = targets::context_tracking;

rt::Scenario MakeDemo(std::string_view scenario, std::string_view) {
  return std::move(*rt::MakeDemoScenario(scenario));
}

rt::Scenario MakeRqspinlock(std::string_view scenario, std::string_view variant) {
  return rq::MakeScenario(scenario, *rq::ParseVariant(variant));
}

rt::Scenario MakeEventpoll(std::string_view scenario, std::string_view variant) {
  return ep::MakeScenario(scenario, *ep::ParseVariant(variant));
}

rt::Scenario MakeRcu(std::string_view scenario, std::string_view variant) {
  return rc::MakeScenario(scenario, *rc::ParseVariant(variant));
}

rt::Scenario MakeContextTracking(std::string_view scenario, std::string_view variant) {
  return ct::MakeScenario(scenario, *ct::ParseVariant(variant));
}

rt::Scenario MakeUserlocks(std::string_view scenario, std::string_view variant) {
  return ul::MakeScenario(scenario, *ul::ParseVariant(variant));
}

// What a merge gate expects clean: the demo with trylock (demo-aa is the
// planted AA); every rqspinlock scenario under fixed and every eventpoll
// scenario under llist-v3 (the spinlock era has seed 000's IPI storm on RT);
// the userlocks contenders, correct, hooked or bare (the *-nmi scenarios
// take the lock in an NMI on purpose: a deadlock by design).
std::vector<std::string_view> GatedDemo(std::string_view scenario) {
  if (scenario == "demo") return {kNoVariant};
  return {};
}
std::vector<std::string_view> GatedEventpoll(std::string_view) { return {"llist-v3"}; }
std::vector<std::string_view> GatedRcu(std::string_view) { return {"fixed"}; }
std::vector<std::string_view> GatedContextTracking(std::string_view) { return {"v7"}; }
std::vector<std::string_view> GatedUserlocks(std::string_view scenario) {
  if (scenario.ends_with("-contend")) return {"hooks", "bare"};
  return {};
}

}  // namespace

const std::vector<Target>& Targets() {
  static const std::vector<Target> targets = {
      {.name = "demo",
       .summary = "test-and-set lock on 2 CPUs with an NMI (demo: trylock, demo-aa: AA)",
       .scenarios = {"demo", "demo-aa"},
       .variants = {},
       .default_variant = kNoVariant,
       .make = &MakeDemo,
       .gated_variants = &GatedDemo},
      {.name = "rqspinlock",
       .summary = "BPF resilient queued spinlock, every seed-002 variant",
       .scenarios = rq::ScenarioNames(),
       .variants = rq::VariantNames(),
       .default_variant = "fixed",
       .make = &MakeRqspinlock},
      {.name = "eventpoll",
       .summary = "epoll ready list: rwlock, spinlock and llist-v3 eras, planted bugs",
       .scenarios = ep::ScenarioNames(),
       .variants = ep::VariantNames(),
       .default_variant = "spinlock",
       .make = &MakeEventpoll,
       .gated_variants = &GatedEventpoll},
      {.name = "rcu",
       .summary = "PREEMPT_RCU deferred quiescent states: self-IPI deadloop, irq_work re-init, softirq recursion, notrace",
       .scenarios = rc::ScenarioNames(),
       .variants = rc::VariantNames(),
       .default_variant = "fixed",
       .make = &MakeRcu,
       .gated_variants = &GatedRcu},
      {.name = "context_tracking",
       .summary = "IPI deferral to nohz_full CPUs until kernel entry: RFC v1, v3, v5/v6, v7, planted R2 and no-flush",
       .scenarios = ct::ScenarioNames(),
       .variants = ct::VariantNames(),
       .default_variant = "v7",
       .make = &MakeContextTracking,
       .gated_variants = &GatedContextTracking},
      {.name = "userlocks",
       .summary = "ticket, MCS and rw locks written as a user would, hooked and bare, lost handoffs",
       .scenarios = ul::ScenarioNames(),
       .variants = ul::VariantNames(),
       .default_variant = "hooks",
       .make = &MakeUserlocks,
       .gated_variants = &GatedUserlocks},
      {.name = "userkit",
       .summary = "sched sleeps, wait queues, seqcounts, seqlocks, latches used as a user would",
       .scenarios = uk::ScenarioNames(),
       .variants = uk::VariantNames(),
       .default_variant = "prepare-first",
       .make = &uk::MakeScenario,
       .scenario_variants = &uk::ScenarioVariants},
  };
  return targets;
}

}  // namespace rtfuzz::target
