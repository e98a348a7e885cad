// targets/rcu/rcu_test.cc
//
// The RCU model under the oracles: every scenario under every variant, a
// seeded random walk (seed 1, deterministic). Each bug is found in the
// variants that have it, with its verdict and the words of its report, and
// is gone from the variants that fixed it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/random_source.h"
#include "scenarios.h"
#include "tree.h"
#include "variant.h"

namespace {

namespace rc = rtfuzz::targets::rcu;
using rtfuzz::Verdict;
using rtfuzz::rt::ExecutionResult;

struct Outcome {
  uint64_t executions = 0;  // Run (up to and including the finding).
  ExecutionResult first;    // The finding, or the last pass.
  bool found = false;
};

Outcome Walk(std::string_view scenario, std::string_view variant, uint64_t runs) {
  std::optional<rcu_variant> v = rc::ParseVariant(variant);
  EXPECT_TRUE(v.has_value()) << variant;
  rtfuzz::rt::Scenario s = rc::MakeScenario(scenario, *v);
  rtfuzz::rt::Machine machine;
  rtfuzz::check::Oracles oracles;
  machine.AddObserver(&oracles);
  rtfuzz::sched::RandomSource random(1);
  Outcome out;
  for (uint64_t i = 0; i < runs; ++i) {
    out.first = machine.Run(s, random, i);
    out.executions = i + 1;
    if (!out.first.ok()) {
      out.found = true;
      break;
    }
  }
  return out;
}

void ExpectFound(std::string_view scenario, std::string_view variant, Verdict verdict,
                 std::string_view words) {
  const Outcome o = Walk(scenario, variant, 5000);
  ASSERT_TRUE(o.found) << scenario << " under " << variant;
  EXPECT_EQ(o.first.verdict, verdict) << o.first.message;
  EXPECT_NE(o.first.message.find(words), std::string::npos) << o.first.message;
}

void ExpectClean(std::string_view scenario, std::string_view variant, uint64_t runs = 3000) {
  const Outcome o = Walk(scenario, variant, runs);
  EXPECT_FALSE(o.found) << scenario << " under " << variant << ": " << o.first.message;
}

TEST(RcuTest, TheSelfIpiDeadloopIsAStallBeforeTheFlagRuleAndGoneAfter) {
  ExpectFound("tick-stop", "v6.16", Verdict::kStall, "interrupt recursion on CPU0");
  ExpectClean("tick-stop", "ct-in-irq");
  ExpectClean("tick-stop", "flag");
  ExpectClean("tick-stop", "fixed");
}

TEST(RcuTest, TheReinitRaceIsTheQueuedIrqWorkInvariantOnlyInTheFlagVersion) {
  ExpectFound("lazy-reinit", "flag", Verdict::kInvariant,
              "never re-initialise a queued irq_work");
  ExpectClean("lazy-reinit", "v6.16");
  ExpectClean("lazy-reinit", "init-once");
  ExpectClean("lazy-reinit", "fixed");
}

TEST(RcuTest, TheSoftirqRaiseRecursionIsFoundUntilTheSoftirqPathUsesTheFlag) {
  for (std::string_view v : {"v6.16", "ct-in-irq", "flag", "init-once"}) {
    ExpectFound("softirq-raise", v, Verdict::kStall, "tracepoint recursion: softirq_raise");
  }
  ExpectClean("softirq-raise", "fixed");
}

TEST(RcuTest, TheGracePeriodOracleFiresOnAQsNeverReportedInEveryScenario) {
  for (std::string_view s : rc::ScenarioNames()) {
    ExpectFound(s, "no-qs-report", Verdict::kStall, "RCU grace-period stall: CPU0");
  }
}

TEST(RcuTest, NotraceAsFirstProposedStallsTheExpeditedGpAndTheFixedUnlockMeetsSpec35) {
  ExpectFound("notrace", "notrace-proposed", Verdict::kStall,
              "the expedited grace period still waits");
  ExpectClean("notrace", "fixed");
}

}  // namespace
