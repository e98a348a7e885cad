// framework/include/rtfuzz/sched/byte_source.h
//
// ByteSource: decisions read from a byte string, for libFuzzer inputs.
//
// Each decision takes the fewest little-endian bytes that can express its
// bound (1 byte up to 256, 2 up to 65536, else 4) and reduces them modulo the
// bound, so flipping one byte changes one decision and the rest of the input
// keeps its meaning. Exhausted input answers 0: the quiet default
// (decision_source.h), as FuzzedDataProvider returns its minimum.

#ifndef RTFUZZ_SCHED_BYTE_SOURCE_H_
#define RTFUZZ_SCHED_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "rtfuzz/sched/decision_source.h"

namespace rtfuzz::sched {

class ByteSource final : public DecisionSource {
 public:
  // The bytes are borrowed and must outlive the source.
  ByteSource(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  void BeginExecution(uint64_t) override { pos_ = 0; }
  uint64_t Choose(DecisionKind kind, uint64_t bound) override;

  size_t bytes_used() const { return pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// The bytes a ByteSource reads back as `decisions` (each value in its
// bound's width): turns a schedule file back into a libFuzzer input. Exact
// as long as the execution asks the same questions, which a replay does.
std::string EncodeDecisionBytes(const std::vector<Decision>& decisions);

}  // namespace rtfuzz::sched

#endif  // RTFUZZ_SCHED_BYTE_SOURCE_H_
