// framework/include/rtfuzz/sched/decision_source.h
//
// DecisionSource: where every nondeterministic choice of an execution comes
// from.
//
// Overview
//
// A DecisionSource only decides. It owns no fibers and never touches target
// memory; the machine (rtfuzz::rt::Machine) asks it at the few places where an
// execution can go more than one way, and records every answer. Decisions are
// the only input that varies between executions, so the recorded list is
// enough to replay an execution bit for bit: ReplaySource is just another
// source.
//
// Encoding contract (what makes fuzzing and minimizing work): for every kind,
// the value 0 is the quiet default — no preemption, no interrupt, the
// round-robin CPU. A source that runs out (fuzzer bytes, a replay list)
// answers 0 from then on, so a short input means few preemptions and few
// interrupts, and truncating a decision list is always a valid, quieter
// schedule.
//
// Determinism contract: the same source state and the same sequence of
// questions give the same answers. Randomness comes only from rtfuzz::Rng.

#ifndef RTFUZZ_SCHED_DECISION_SOURCE_H_
#define RTFUZZ_SCHED_DECISION_SOURCE_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace rtfuzz::sched {

// Why the machine asks. The meaning of value 0 is given for each kind.
enum class DecisionKind : uint8_t {
  kNextCpu,      // Which other runnable CPU steps next when a slice ends.
                 //   0 = the next one after the current CPU, round robin.
  kSliceLength,  // How many points the CPU runs before the next kNextCpu.
                 //   0 = until it blocks, exits or spins without news.
  kPmuPeriod,    // Period of an overflow-armed interrupt, as an index into
                 //   the scenario's period range. 0 = never fires.
  kPmuPhase,     // Events until the first overflow, minus one. 0 = a full
                 //   period.
  kValue,        // A value a scenario or target asked for (rt::Choose).
};

inline constexpr int kDecisionKindCount = 5;

// Stable name, e.g. "next-cpu"; used in schedule files and reports.
std::string_view DecisionKindName(DecisionKind kind);
bool ParseDecisionKind(std::string_view name, DecisionKind* kind);

struct Decision {
  DecisionKind kind = DecisionKind::kNextCpu;
  uint64_t bound = 0;  // The question: a value in [0, bound) was wanted.
  uint64_t value = 0;  // The answer.
  // Where the machine asked (for schedule files and reports only; a replay
  // matches questions by kind and bound): the scheduling point the execution
  // was at, and the CPU and context on top of it (0xffff: between points).
  uint32_t step = 0;
  uint16_t context = 0xffff;
  uint8_t cpu = 0;

  // The question and the answer; where it was asked is not compared.
  bool operator==(const Decision& o) const {
    return kind == o.kind && bound == o.bound && value == o.value;
  }
};

class DecisionSource {
 public:
  virtual ~DecisionSource() = default;

  // Called by the machine before execution number `index` (0-based) starts.
  virtual void BeginExecution(uint64_t index) { (void)index; }

  // Returns a value in [0, bound). The machine asks only real questions:
  // bound >= 2. Out-of-range answers are a framework bug (RTFUZZ_CHECK).
  virtual uint64_t Choose(DecisionKind kind, uint64_t bound) = 0;
};

}  // namespace rtfuzz::sched

#endif  // RTFUZZ_SCHED_DECISION_SOURCE_H_
