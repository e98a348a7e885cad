// framework/src/rt/names.cc
//
// Stable names of the rt enums (ContextKind, PmuEvent, Op) and the Scenario
// builder's argument checks.

#include <stdexcept>
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
    "lock-release",   "lock-failed",   "throttle",
    "timer",
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
  RTFUZZ_PRECONDITION(spec.kthread == TaskSpec::Kthread::kNone,
                      "TaskSpec::kthread is for the machine's own threads");
  if (spec.group != kNoGroup) {
    RTFUZZ_PRECONDITION(spec.group < groups_.size(), "TaskSpec::group: no such task group");
    RTFUZZ_PRECONDITION(spec.policy == Policy::kOther,
                        "a task group's bandwidth control applies to SCHED_OTHER tasks");
  }
  RTFUZZ_PRECONDITION(tasks_.size() < 0x7fff, "too many tasks");
  // Scenario tasks come first, the machine's kthreads after them.
  tasks_.insert(tasks_.begin() + num_scenario_tasks_, std::move(spec));
  return static_cast<TaskId>(num_scenario_tasks_++);
}

void Scenario::AddKthread(TaskSpec::Kthread kind, int cpu, HandlerId handler,
                          std::string name, int rt_priority) {
  RTFUZZ_PRECONDITION(tasks_.size() < 0x7fff, "too many tasks");
  TaskSpec spec;
  spec.name = std::move(name);
  spec.affinity = Cpu(cpu);
  spec.policy = Policy::kFifo;
  spec.rt_priority = rt_priority;
  spec.kthread = kind;
  spec.kthread_handler = handler;
  tasks_.push_back(std::move(spec));
}

HandlerId Scenario::AddTimer(TimerSpec spec) {
  RTFUZZ_PRECONDITION(static_cast<bool>(spec.callback), "a timer needs a callback");
  InterruptSpec irq;
  irq.name = std::move(spec.name);
  irq.kind = spec.hard ? ContextKind::kHardirq : ContextKind::kSoftirq;
  irq.cpus = spec.cpus;
  irq.trigger = Trigger::Timer(spec.first_ns, spec.every_ns, spec.max_fires);
  irq.handler = std::move(spec.callback);
  irq.soft_timer = !spec.hard;
  const CpuMask cpus = irq.cpus;
  adding_timer_ = true;
  const HandlerId id = AddInterrupt(std::move(irq));
  adding_timer_ = false;
  if (!spec.hard) {
    for (int c = 0; c < num_cpus_; ++c) {
      if ((cpus & Cpu(c)) == 0 || (ktimers_cpus_ & Cpu(c)) != 0) continue;
      ktimers_cpus_ |= Cpu(c);
      // Mainline PREEMPT_RT runs ktimers/N at SCHED_FIFO 1.
      AddKthread(TaskSpec::Kthread::kTimers, c, 0, "ktimers/" + std::to_string(c), 1);
    }
  }
  return id;
}

GroupId Scenario::AddTaskGroup(TaskGroupSpec spec) {
  ++revision_;
  RTFUZZ_PRECONDITION(spec.quota_ns >= 1 && spec.period_ns >= 1,
                      "a task group needs quota_ns >= 1 and period_ns >= 1");
  RTFUZZ_PRECONDITION(spec.timer_cpu >= 0 && spec.timer_cpu < num_cpus_,
                      "TaskGroupSpec::timer_cpu: no such CPU");
  RTFUZZ_PRECONDITION(groups_.size() < kNoGroup, "too many task groups");
  const int cpu = spec.timer_cpu;
  const bool soft = !spec.hard_timer;
  groups_.push_back(std::move(spec));
  if (soft && (ktimers_cpus_ & Cpu(cpu)) == 0) {
    ktimers_cpus_ |= Cpu(cpu);
    AddKthread(TaskSpec::Kthread::kTimers, cpu, 0, "ktimers/" + std::to_string(cpu), 1);
  }
  return static_cast<GroupId>(groups_.size() - 1);
}

void Scenario::SetReschedIpiHandler(HandlerId handler) {
  ++revision_;
  RTFUZZ_PRECONDITION(handler < interrupts_.size(), "SetReschedIpiHandler: no such handler");
  resched_ipi_handler_ = handler;
}

HandlerId Scenario::AddInterrupt(InterruptSpec spec) {
  ++revision_;
  RTFUZZ_PRECONDITION(static_cast<bool>(spec.handler), "an interrupt needs a handler");
  RTFUZZ_PRECONDITION(spec.kind != ContextKind::kTask,
                      "an interrupt is a softirq, hardirq or NMI");
  RTFUZZ_PRECONDITION(spec.cpus != 0 && (spec.cpus & ~AllCpus(num_cpus_)) == 0,
                      "an interrupt's CPUs must be CPUs of the scenario");
  if (spec.trigger.kind == Trigger::Kind::kOverflow) {
    if (!spec.trigger.event_name.empty()) {
      std::string error;
      if (!VirtualEventFor(spec.trigger.event_name, &spec.trigger.event, &error)) {
        throw std::invalid_argument("interrupt '" + spec.name + "': " + error);
      }
    }
    RTFUZZ_PRECONDITION(spec.trigger.min_period >= 1 &&
                            spec.trigger.min_period <= spec.trigger.max_period,
                        "an overflow trigger needs 1 <= min_period <= max_period");
    RTFUZZ_PRECONDITION(spec.trigger.max_period < (uint64_t{1} << 31),
                        "an overflow period must be below 2^31");
  }
  const bool threaded = static_cast<bool>(spec.thread_fn) || spec.force_threaded_on_rt;
  if (threaded) {
    RTFUZZ_PRECONDITION(spec.kind == ContextKind::kHardirq,
                        "a threaded interrupt (thread_fn, force_threaded_on_rt) is a hardirq");
  }
  RTFUZZ_PRECONDITION(!spec.soft_timer || adding_timer_,
                      "InterruptSpec::soft_timer is set by Scenario::AddTimer");
  const CpuMask cpus = spec.cpus;
  const std::string name = spec.name;
  interrupts_.push_back(std::move(spec));
  const auto id = static_cast<HandlerId>(interrupts_.size() - 1);
  if (threaded) {
    for (int c = 0; c < num_cpus_; ++c) {
      // request_threaded_irq()'s threads run at SCHED_FIFO 50.
      if (cpus & Cpu(c)) {
        AddKthread(TaskSpec::Kthread::kIrqThread, c, id,
                   "irq/" + std::to_string(c) + "-" + name, 50);
      }
    }
  }
  return id;
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

void Scenario::OnHardirqEntry(std::function<void()> entry) {
  ++revision_;
  hardirq_entry_ = std::move(entry);
}

void Scenario::OnHardirqExit(std::function<void()> exit) {
  ++revision_;
  hardirq_exit_ = std::move(exit);
}

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
