// framework/include/rtfuzz/sched/replay_source.h
//
// ReplaySource: answers from a recorded decision list, checking that each
// question is the one that was recorded. A question that differs (another
// kind or bound) means the execution diverged from the recording: the source
// remembers the first such index, answers the recorded value if it is in range
// (else 0), and the caller reports the divergence. Past the end of the list it
// answers 0, so a truncated list replays as the quieter schedule.

#ifndef RTFUZZ_SCHED_REPLAY_SOURCE_H_
#define RTFUZZ_SCHED_REPLAY_SOURCE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "rtfuzz/sched/decision_source.h"

namespace rtfuzz::sched {

class ReplaySource final : public DecisionSource {
 public:
  explicit ReplaySource(std::vector<Decision> decisions)
      : decisions_(std::move(decisions)) {}

  void BeginExecution(uint64_t) override {
    pos_ = 0;
    first_divergence_.reset();
  }
  uint64_t Choose(DecisionKind kind, uint64_t bound) override;

  // Index of the first question that did not match the recording, if any.
  std::optional<size_t> first_divergence() const { return first_divergence_; }
  // Questions asked so far in this execution.
  size_t position() const { return pos_; }

 private:
  std::vector<Decision> decisions_;
  size_t pos_ = 0;
  std::optional<size_t> first_divergence_;
};

}  // namespace rtfuzz::sched

#endif  // RTFUZZ_SCHED_REPLAY_SOURCE_H_
