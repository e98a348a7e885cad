// framework/src/rt/timer_queue.h
//
// TimerQueue: virtual-time events, earliest first, ties in insertion order
// (a sequence number), so timers fire in the same order in every run. A timer
// is cancelled lazily: its owner bumps a generation and a stale timer is
// dropped when it expires.

#ifndef RTFUZZ_SRC_RT_TIMER_QUEUE_H_
#define RTFUZZ_SRC_RT_TIMER_QUEUE_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace rtfuzz::rt::internal {

enum class TimerKind : uint8_t {
  kStartTask,   // target = task id
  kWakeTask,    // target = task id; generation = the sleep it ends
  kInterrupt,   // target = handler instance index
  kTimeslice,   // target = cpu; generation = the CPU's slice generation
  kGroupExhaust,  // target = task group; generation = its exhaust generation
  kGroupPeriod,   // target = task group: the period (refill) timer
};

struct Timer {
  uint64_t when;
  uint64_t seq;
  uint64_t generation;
  uint32_t target;
  TimerKind kind;
};

class TimerQueue {
 public:
  static constexpr uint64_t kNever = UINT64_MAX;

  void Clear() {
    heap_.clear();
    seq_ = 0;
  }
  void Add(uint64_t when, TimerKind kind, uint32_t target, uint64_t generation) {
    heap_.push_back(Timer{when, seq_++, generation, target, kind});
    std::push_heap(heap_.begin(), heap_.end(), Later);
  }
  uint64_t next_time() const { return heap_.empty() ? kNever : heap_.front().when; }
  bool empty() const { return heap_.empty(); }
  Timer Pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    Timer t = heap_.back();
    heap_.pop_back();
    return t;
  }

 private:
  static bool Later(const Timer& a, const Timer& b) {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }
  std::vector<Timer> heap_;
  uint64_t seq_ = 0;
};

}  // namespace rtfuzz::rt::internal

#endif  // RTFUZZ_SRC_RT_TIMER_QUEUE_H_
