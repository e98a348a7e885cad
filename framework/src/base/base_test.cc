// framework/src/base/base_test.cc
//
// Rng determinism and range; Verdict names round-trip.

#include <set>

#include "gtest/gtest.h"
#include "rtfuzz/base/rng.h"
#include "rtfuzz/base/verdict.h"

namespace rtfuzz {
namespace {

TEST(RngTest, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RngTest, BelowStaysInRangeAndCoversIt) {
  Rng rng(7);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t v = rng.Below(5);
    ASSERT_LT(v, 5u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(rng.Below(1), 0u);
}

TEST(VerdictTest, NamesRoundTripAndAreUnique) {
  std::set<std::string_view> names;
  for (int i = 0; i < kVerdictCount; ++i) {
    const auto v = static_cast<Verdict>(i);
    Verdict parsed;
    ASSERT_TRUE(ParseVerdict(VerdictName(v), &parsed));
    EXPECT_EQ(parsed, v);
    names.insert(VerdictName(v));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kVerdictCount));
  Verdict unused;
  EXPECT_FALSE(ParseVerdict("no-such-verdict", &unused));
}

}  // namespace
}  // namespace rtfuzz
