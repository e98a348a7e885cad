// framework/src/sched/decision_source.cc
//
// Stable names of decision kinds, and the three built-in sources.

#include "rtfuzz/sched/decision_source.h"

#include "rtfuzz/base/name_table.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"
#include "rtfuzz/sched/replay_source.h"

namespace rtfuzz::sched {
namespace {

constexpr std::string_view kKindNames[kDecisionKindCount] = {
    "next-cpu", "slice", "pmu-period", "pmu-phase", "value",
};

// Bytes one decision of this bound takes in a ByteSource input.
size_t ByteWidth(uint64_t bound) { return bound <= (1u << 8) ? 1 : bound <= (1u << 16) ? 2 : 4; }

}  // namespace

std::string_view DecisionKindName(DecisionKind kind) { return NameOf(kKindNames, kind); }

bool ParseDecisionKind(std::string_view name, DecisionKind* kind) {
  return ParseName(kKindNames, name, kind);
}

uint64_t ByteSource::Choose(DecisionKind, uint64_t bound) {
  const size_t width = ByteWidth(bound);
  if (size_ - pos_ < width) {
    pos_ = size_;  // A partial decision is not read: exhausted from here on.
    return 0;
  }
  uint64_t raw = 0;
  for (size_t i = 0; i < width; ++i) raw |= uint64_t{data_[pos_ + i]} << (8 * i);
  pos_ += width;
  return raw % bound;
}

std::string EncodeDecisionBytes(const std::vector<Decision>& decisions) {
  std::string bytes;
  for (const Decision& d : decisions) {
    const size_t width = ByteWidth(d.bound);
    for (size_t i = 0; i < width; ++i) bytes.push_back(static_cast<char>(d.value >> (8 * i)));
  }
  return bytes;
}

void RandomSource::BeginExecution(uint64_t index) {
  // Odd multiplier keeps distinct (seed, index) pairs distinct before
  // SplitMix64 scrambles them.
  rng_.Seed(seed_ ^ (index * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL));
}

uint64_t RandomSource::Choose(DecisionKind, uint64_t bound) {
  return rng_.Below(bound);
}

uint64_t ReplaySource::Choose(DecisionKind kind, uint64_t bound) {
  const size_t index = pos_++;
  if (index >= decisions_.size()) return 0;
  const Decision& recorded = decisions_[index];
  const bool same_question = recorded.kind == kind && recorded.bound == bound;
  if (!same_question && !first_divergence_) first_divergence_ = index;
  return recorded.value < bound ? recorded.value : 0;
}

}  // namespace rtfuzz::sched
