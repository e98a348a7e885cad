// targets/context_tracking/context_tracking_test.cc
//
// The context-tracking model under the oracles (seed 1, deterministic): the
// false deferral of v3 and v5/v6 and the planted R2 sender are found, v1 and
// v7 are clean, and the isolated CPU's sync_core IPIs per poke with and
// without deferral (the figures of docs/targets/context_tracking.md).

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "context_tracking.h"
#include "gtest/gtest.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/random_source.h"
#include "scenarios.h"
#include "variant.h"

namespace {

namespace ct = rtfuzz::targets::context_tracking;
using rtfuzz::Verdict;
using rtfuzz::rt::ExecutionResult;

struct Walked {
  uint64_t executions = 0;
  ExecutionResult last;
  bool found = false;
  uint64_t ipis = 0;      // sync_core IPIs to the isolated CPU, summed
  uint64_t deferred = 0;  // requests left for its next entry
  uint64_t flushes = 0;   // entries that ran deferred work
};

Walked Walk(std::string_view variant, uint64_t runs) {
  std::optional<ct_variant> v = ct::ParseVariant(variant);
  EXPECT_TRUE(v.has_value()) << variant;
  rtfuzz::rt::Scenario s = ct::MakeScenario("text-poke", *v);
  rtfuzz::rt::Machine machine;
  rtfuzz::check::Oracles oracles;
  machine.AddObserver(&oracles);
  rtfuzz::sched::RandomSource random(1);
  Walked out;
  for (uint64_t i = 0; i < runs; ++i) {
    out.last = machine.Run(s, random, i);
    out.executions = i + 1;
    out.ipis += static_cast<uint64_t>(ct_ghost.ipis_to_isolated);
    out.deferred += static_cast<uint64_t>(ct_ghost.deferred);
    out.flushes += static_cast<uint64_t>(ct_ghost.flushes);
    if (!out.last.ok()) {
      out.found = true;
      break;
    }
  }
  return out;
}

TEST(ContextTrackingTest, FalseDeferralInTheKernelIsFoundInV3AndV5AndNotInV7) {
  for (std::string_view v : {"v3", "v5", "r2-planted"}) {
    const Walked w = Walk(v, 5000);
    ASSERT_TRUE(w.found) << v;
    EXPECT_EQ(w.last.verdict, Verdict::kInvariant) << w.last.message;
    EXPECT_NE(w.last.message.find("CT-I1: sync_core deferred to a CPU that executes kernel code (no IPI is sent and it never serializes) (to CPU2 by CPU"), std::string::npos)
        << w.last.message;
  }
  for (std::string_view v : {"ipi-always", "v1", "v7"}) {
    const Walked w = Walk(v, 5000);
    EXPECT_FALSE(w.found) << v << ": " << w.last.message;
  }
}

TEST(ContextTrackingTest, AnEntryThatForgetsTheFlushIsCaughtWhereTheStaleTextRuns) {
  const Walked w = Walk("no-flush-planted", 5000);
  ASSERT_TRUE(w.found);
  EXPECT_EQ(w.last.verdict, Verdict::kInvariant) << w.last.message;
  EXPECT_NE(w.last.message.find("CT-I5: a CPU executes kernel text that a completed text_poke "
                                "changed, without having serialized since (CPU2"),
            std::string::npos)
      << w.last.message;
}

TEST(ContextTrackingTest, DeferralCutsTheIsolatedCpusIpisPerPoke) {
  constexpr uint64_t kRuns = 5000;
  const uint64_t pokes = kRuns * ct::kPokesPerExecution;
  const Walked always = Walk("ipi-always", kRuns);
  const Walked v1 = Walk("v1", kRuns);
  const Walked v7 = Walk("v7", kRuns);
  ASSERT_FALSE(always.found || v1.found || v7.found);
  // Without deferral every poke IPIs the isolated CPU.
  EXPECT_EQ(always.ipis, pokes);
  EXPECT_EQ(always.deferred, 0u);
  // With it, a poke that finds the CPU in user mode is deferred instead:
  // each request goes exactly one way (CT-I2), so the two add up.
  for (const Walked* w : {&v1, &v7}) {
    EXPECT_EQ(w->ipis + w->deferred, pokes);
    EXPECT_LT(w->ipis, always.ipis);
    EXPECT_LE(w->flushes, w->deferred);  // Coalesced requests share a flush.
  }
  std::printf("isolated CPU2, %llu pokes: ipi-always %llu IPIs; v1 %llu IPIs, %llu deferred, "
              "%llu flushes; v7 %llu IPIs, %llu deferred, %llu flushes\n",
              static_cast<unsigned long long>(pokes),
              static_cast<unsigned long long>(always.ipis),
              static_cast<unsigned long long>(v1.ipis),
              static_cast<unsigned long long>(v1.deferred),
              static_cast<unsigned long long>(v1.flushes),
              static_cast<unsigned long long>(v7.ipis),
              static_cast<unsigned long long>(v7.deferred),
              static_cast<unsigned long long>(v7.flushes));
}

}  // namespace
