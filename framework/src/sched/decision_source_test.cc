// framework/src/sched/decision_source_test.cc
//
// The encoding contract of the built-in sources: bytes map to decisions
// locally, exhausted sources answer the quiet default 0, replay detects a
// different question.

#include "gtest/gtest.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"
#include "rtfuzz/sched/replay_source.h"

namespace rtfuzz::sched {
namespace {

TEST(ByteSourceTest, ReadsWidthFromBoundAndDefaultsToZeroWhenExhausted) {
  const uint8_t bytes[] = {7, 0x34, 0x12, 200};
  ByteSource source(bytes, sizeof(bytes));
  source.BeginExecution(0);
  EXPECT_EQ(source.Choose(DecisionKind::kNextCpu, 4), 3u);          // 7 % 4
  EXPECT_EQ(source.Choose(DecisionKind::kPmuPhase, 1000), 0x1234u % 1000);
  EXPECT_EQ(source.bytes_used(), 3u);
  // One byte left but two are needed: exhausted, not a half-read value.
  EXPECT_EQ(source.Choose(DecisionKind::kPmuPeriod, 300), 0u);
  EXPECT_EQ(source.Choose(DecisionKind::kSliceLength, 64), 0u);
}

TEST(ByteSourceTest, OneByteChangeChangesOneDecision) {
  uint8_t a[] = {1, 2, 3, 4};
  uint8_t b[] = {1, 9, 3, 4};
  ByteSource sa(a, 4), sb(b, 4);
  int differences = 0;
  for (int i = 0; i < 4; ++i) {
    differences += sa.Choose(DecisionKind::kValue, 16) !=
                   sb.Choose(DecisionKind::kValue, 16);
  }
  EXPECT_EQ(differences, 1);
}

TEST(RandomSourceTest, ExecutionIndexReseeds) {
  RandomSource a(5), b(5);
  a.BeginExecution(3);
  b.BeginExecution(0);
  b.BeginExecution(3);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(a.Choose(DecisionKind::kValue, 1000),
              b.Choose(DecisionKind::kValue, 1000));
  }
  a.BeginExecution(4);
  b.BeginExecution(5);
  bool differs = false;
  for (int i = 0; i < 20; ++i) {
    differs |= a.Choose(DecisionKind::kValue, 1000) !=
               b.Choose(DecisionKind::kValue, 1000);
  }
  EXPECT_TRUE(differs);
}

TEST(ReplaySourceTest, ReplaysAndFlagsTheFirstDifferentQuestion) {
  ReplaySource source({{DecisionKind::kNextCpu, 3, 2},
                       {DecisionKind::kSliceLength, 65, 10},
                       {DecisionKind::kValue, 4, 3}});
  source.BeginExecution(0);
  EXPECT_EQ(source.Choose(DecisionKind::kNextCpu, 3), 2u);
  EXPECT_FALSE(source.first_divergence().has_value());
  // Asked with another bound: recorded value 10 is out of range -> 0.
  EXPECT_EQ(source.Choose(DecisionKind::kSliceLength, 8), 0u);
  ASSERT_TRUE(source.first_divergence().has_value());
  EXPECT_EQ(*source.first_divergence(), 1u);
  EXPECT_EQ(source.Choose(DecisionKind::kValue, 4), 3u);
  EXPECT_EQ(source.Choose(DecisionKind::kValue, 4), 0u);  // past the end
  EXPECT_EQ(*source.first_divergence(), 1u);              // first one kept
  source.BeginExecution(1);
  EXPECT_FALSE(source.first_divergence().has_value());
}

TEST(DecisionKindTest, NamesRoundTrip) {
  for (int i = 0; i < kDecisionKindCount; ++i) {
    const auto kind = static_cast<DecisionKind>(i);
    DecisionKind parsed;
    ASSERT_TRUE(ParseDecisionKind(DecisionKindName(kind), &parsed));
    EXPECT_EQ(parsed, kind);
  }
  DecisionKind unused;
  EXPECT_FALSE(ParseDecisionKind("bogus", &unused));
}

}  // namespace
}  // namespace rtfuzz::sched
