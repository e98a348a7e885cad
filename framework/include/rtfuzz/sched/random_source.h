// framework/include/rtfuzz/sched/random_source.h
//
// RandomSource: a seeded random walk. Execution `index` of seed `s` draws from
// an Rng seeded with a mix of (s, index), so any single execution of a long
// walk can be re-run alone from the two numbers printed in its report.

#ifndef RTFUZZ_SCHED_RANDOM_SOURCE_H_
#define RTFUZZ_SCHED_RANDOM_SOURCE_H_

#include <cstdint>

#include "rtfuzz/base/rng.h"
#include "rtfuzz/sched/decision_source.h"

namespace rtfuzz::sched {

class RandomSource final : public DecisionSource {
 public:
  explicit RandomSource(uint64_t seed) : seed_(seed), rng_(seed) {}

  void BeginExecution(uint64_t index) override;
  uint64_t Choose(DecisionKind kind, uint64_t bound) override;

  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  Rng rng_;
};

}  // namespace rtfuzz::sched

#endif  // RTFUZZ_SCHED_RANDOM_SOURCE_H_
