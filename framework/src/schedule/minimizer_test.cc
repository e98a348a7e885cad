// framework/src/schedule/minimizer_test.cc
//
// Minimize keeps the finding's signature, never makes the schedule worse,
// shrinks a noisy one, is deterministic, and stops at its run budget with a
// valid result.

#include "rtfuzz/schedule/minimizer.h"

#include <string>

#include "gtest/gtest.h"
#include "rtfuzz/base/rng.h"
#include "rtfuzz/target/target.h"

namespace rtfuzz::schedule {
namespace {

// A noisy finding of `scenario`: random libFuzzer-like inputs of 256 bytes
// until one is a finding; returns its recorded decisions.
std::vector<sched::Decision> NoisyFinding(Replayer& replayer) {
  Rng rng(7);
  for (int i = 0; i < 10000; ++i) {
    std::string bytes(256, '\0');
    for (char& b : bytes) b = static_cast<char>(rng.Below(256));
    const ReplayOutcome& o =
        replayer.RunBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (o.finding() && o.result->stats.preemptions >= 3) return o.result->decisions;
  }
  ADD_FAILURE() << "no finding in 10000 random inputs";
  return {};
}

std::unique_ptr<Replayer> Make(std::string_view target, std::string_view scenario,
                               std::string_view variant) {
  std::string error;
  auto r = Replayer::Create(*target::FindTarget(target), scenario, variant, {}, &error);
  EXPECT_NE(r, nullptr) << error;
  return r;
}

TEST(MinimizerTest, KeepsTheSignatureAndShrinksANoisySchedule) {
  auto replayer = Make("demo", "demo-aa", target::kNoVariant);
  const std::vector<sched::Decision> noisy = NoisyFinding(*replayer);
  ASSERT_FALSE(noisy.empty());
  const std::string signature = replayer->Run(noisy).result->signature;

  const MinimizeResult m = Minimize(*replayer, noisy);
  ASSERT_TRUE(m.reproduced);
  EXPECT_EQ(m.signature, signature);
  EXPECT_FALSE(m.budget_exhausted);
  EXPECT_LT(m.after.decisions, m.before.decisions);
  EXPECT_LT(m.after.preemptions, m.before.preemptions) << m.before.ToString() << " -> " << m.after.ToString();
  EXPECT_LE(m.after.interrupts, m.before.interrupts);
  EXPECT_FALSE(m.before < m.after);

  // The result replays exactly, to the same finding.
  const ReplayOutcome& again = replayer->Run(m.decisions);
  EXPECT_FALSE(again.divergence.has_value());
  EXPECT_EQ(again.result->signature, signature);

  // Same input, same minimization.
  const MinimizeResult m2 = Minimize(*replayer, noisy);
  EXPECT_EQ(m2.decisions, m.decisions);
  EXPECT_EQ(m2.runs, m.runs);
}

TEST(MinimizerTest, StopsAtTheRunBudgetWithAValidSchedule) {
  auto replayer = Make("demo", "demo-aa", target::kNoVariant);
  const std::vector<sched::Decision> noisy = NoisyFinding(*replayer);
  MinimizeOptions options;
  options.max_runs = 3;
  const MinimizeResult m = Minimize(*replayer, noisy, options);
  ASSERT_TRUE(m.reproduced);
  EXPECT_TRUE(m.budget_exhausted);
  EXPECT_LE(m.runs, 4u);  // The first run plus the budget.
  EXPECT_EQ(replayer->Run(m.decisions).result->signature, m.signature);
}

TEST(MinimizerTest, ACleanScheduleIsNotReproduced) {
  auto replayer = Make("demo", "demo", target::kNoVariant);
  const MinimizeResult m = Minimize(*replayer, {});
  EXPECT_FALSE(m.reproduced);
  EXPECT_EQ(m.runs, 1u);
}

}  // namespace
}  // namespace rtfuzz::schedule
