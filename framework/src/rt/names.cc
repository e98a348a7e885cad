// framework/src/rt/names.cc
//
// Stable names of the rt enums (ContextKind, PmuEvent, Op) and the Scenario
// builder's argument checks.

#include <string>

#include "rtfuzz/base/check.h"
#include "rtfuzz/base/name_table.h"
#include "rtfuzz/rt/pmu.h"
#include "rtfuzz/rt/scenario.h"
#include "rtfuzz/rt/trace.h"

namespace rtfuzz::rt {
namespace {

constexpr std::string_view kPmuNames[kPmuEventCount] = {
    "steps", "reads", "writes", "atomics", "lock-ops", "spins",
};

constexpr std::string_view kOpNames[] = {
    "task-start",     "task-exit",     "read",           "write",
    "rmw",            "spin",          "time-read",      "set-state",
    "schedule",       "wake",          "sleep",          "switch",
    "irq-raise",      "irq-enter",     "irq-exit",       "preempt-disable",
    "preempt-enable", "irq-disable",   "irq-enable",     "bh-disable",
    "bh-enable",      "progress",      "choose",         "warp",
    "set-priority",   "lock-acquire",  "lock-contended", "lock-acquired",
    "lock-release",   "lock-failed",
};
static_assert(sizeof(kOpNames) / sizeof(kOpNames[0]) == static_cast<size_t>(Op::kUser));

uint64_t NextSerial() {
  static uint64_t next = 0;  // Identity only; never feeds a decision or trace.
  return ++next;
}

}  // namespace

std::string_view ContextKindName(ContextKind kind) {
  switch (kind) {
    case ContextKind::kTask: return "task";
    case ContextKind::kSoftirq: return "softirq";
    case ContextKind::kHardirq: return "hardirq";
    case ContextKind::kNmi: return "nmi";
  }
  return "unknown";
}

std::string_view PmuEventName(PmuEvent event) { return NameOf(kPmuNames, event); }

bool ParsePmuEvent(std::string_view name, PmuEvent* event) {
  return ParseName(kPmuNames, name, event);
}

std::string_view OpName(Op op) {
  return op < Op::kUser ? NameOf(kOpNames, op) : "user";
}

Scenario::Scenario(std::string name, int num_cpus)
    : serial_(NextSerial()), name_(std::move(name)), num_cpus_(num_cpus) {
  RTFUZZ_PRECONDITION(num_cpus >= 1 && num_cpus <= kMaxCpus,
                      "a scenario has 1..64 virtual CPUs");
}

TaskId Scenario::AddTask(TaskSpec spec) {
  ++revision_;
  RTFUZZ_PRECONDITION(static_cast<bool>(spec.body), "a task needs a body");
  RTFUZZ_PRECONDITION((spec.affinity & AllCpus(num_cpus_)) != 0,
                      "a task's affinity must name one of the scenario's CPUs");
  RTFUZZ_PRECONDITION((spec.affinity & ~AllCpus(num_cpus_)) == 0,
                      "a task's affinity names a CPU the scenario does not have");
  if (spec.policy == Policy::kFifo) {
    RTFUZZ_PRECONDITION(spec.rt_priority >= 1 && spec.rt_priority <= 99,
                        "SCHED_FIFO priority must be in 1..99");
  } else {
    RTFUZZ_PRECONDITION(spec.rt_priority == 0, "SCHED_OTHER has rt_priority 0");
  }
  RTFUZZ_PRECONDITION(tasks_.size() < 0x7fff, "too many tasks");
  tasks_.push_back(std::move(spec));
  return static_cast<TaskId>(tasks_.size() - 1);
}

HandlerId Scenario::AddInterrupt(InterruptSpec spec) {
  ++revision_;
  RTFUZZ_PRECONDITION(static_cast<bool>(spec.handler), "an interrupt needs a handler");
  RTFUZZ_PRECONDITION(spec.kind != ContextKind::kTask,
                      "an interrupt is a softirq, hardirq or NMI");
  RTFUZZ_PRECONDITION(spec.cpus != 0 && (spec.cpus & ~AllCpus(num_cpus_)) == 0,
                      "an interrupt's CPUs must be CPUs of the scenario");
  if (spec.trigger.kind == Trigger::Kind::kOverflow) {
    RTFUZZ_PRECONDITION(spec.trigger.min_period >= 1 &&
                            spec.trigger.min_period <= spec.trigger.max_period,
                        "an overflow trigger needs 1 <= min_period <= max_period");
    RTFUZZ_PRECONDITION(spec.trigger.max_period < (uint64_t{1} << 31),
                        "an overflow period must be below 2^31");
  }
  interrupts_.push_back(std::move(spec));
  return static_cast<HandlerId>(interrupts_.size() - 1);
}

MarkId Scenario::AddMark(std::string name) {
  ++revision_;
  marks_.push_back(std::move(name));
  return static_cast<MarkId>(marks_.size() - 1);
}

void Scenario::AddEndCheck(std::string name, std::function<bool()> holds) {
  ++revision_;
  RTFUZZ_PRECONDITION(static_cast<bool>(holds), "an end check needs a predicate");
  end_checks_.push_back(EndCheck{std::move(name), std::move(holds)});
}

void Scenario::OnReset(std::function<void()> reset) { reset_ = std::move(reset); }

void Scenario::SetPreemptRt(bool preempt_rt) {
  ++revision_;
  preempt_rt_ = preempt_rt;
}

void Scenario::IsolateCpu(int cpu) {
  RTFUZZ_PRECONDITION(cpu >= 0 && cpu < num_cpus_, "IsolateCpu: no such CPU");
  ++revision_;
  isolated_cpus_ |= Cpu(cpu);
}

}  // namespace rtfuzz::rt
