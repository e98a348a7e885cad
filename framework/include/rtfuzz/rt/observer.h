// framework/include/rtfuzz/rt/observer.h
//
// Observer and MachineView: how the oracles (rtfuzz/check) watch an execution
// without rt depending on them. A Machine calls its observers at a few
// moments; each call gets a read-only MachineView of CPUs, contexts, tasks,
// time and per-CPU noise, and may end the execution with a verdict.
//
// Observers are called on whatever stack the machine is on (a fiber, or the
// runner); they must not make scheduling points.

#ifndef RTFUZZ_RT_OBSERVER_H_
#define RTFUZZ_RT_OBSERVER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::rt {

namespace internal {
class MachineImpl;
}  // namespace internal

using ContextId = uint16_t;  // Tasks first (== TaskId), then handler instances.
inline constexpr ContextId kNoContext = 0xffff;

enum class TaskState : uint8_t {
  kNotStarted,
  kRunnable,  // On a run queue, not running.
  kRunning,   // Its CPU's current task (maybe interrupted).
  kBlocked,   // Blocked or sleeping (or set to block, still on its CPU).
  kExited,
};

// Interference an isolated CPU suffered in this execution.
struct CpuNoise {
  uint64_t interrupts = 0;  // Interrupt contexts entered on the CPU.
  uint64_t ipis = 0;        // Of those raised from another CPU.
  uint64_t stolen_ns = 0;   // Virtual time with an interrupt on top.
  // Reschedule IPIs sent to the CPU by wakeups and priority changes on
  // other CPUs (docs/architecture.md#ipis). Not part of `ipis` (which counts
  // interrupt deliveries) unless Scenario::SetReschedIpiHandler routes them
  // into a handler.
  uint64_t resched_ipis = 0;
  // Interrupts from outside the scenario's code: deliveries on the CPU of
  // handlers with a timer or counter-overflow trigger, and soft-timer
  // expiries (not IPIs, irq_work or anything rt::RaiseInterrupt raises).
  // Counted on every CPU, isolated or not.
  uint64_t external = 0;
};

class MachineView {
 public:
  explicit MachineView(const internal::MachineImpl* machine) : m_(machine) {}

  const Scenario& scenario() const;
  uint64_t now() const;
  uint64_t step() const;
  uint64_t execution_serial() const;  // rt::ExecutionSerial() of this execution.
  int num_cpus() const;

  int num_contexts() const;
  const std::string& context_name(ContextId id) const;
  ContextKind context_kind(ContextId id) const;
  int context_cpu(ContextId id) const;  // Current or last CPU.
  // Whether a higher-priority wakeup could preempt the context now: a task
  // context with preempt_count 0 and interrupts enabled. Interrupt contexts
  // never are.
  bool context_preemptible(ContextId id) const;
  ContextId current_context() const;    // kNoContext on the runner.

  // The CPU's context stack: level 0 is the running task (kNoContext when
  // idle), levels 1..depth-1 the interrupts above it.
  int cpu_depth(int cpu) const;
  ContextId cpu_context(int cpu, int level) const;
  CpuNoise cpu_noise(int cpu) const;
  // Interrupts entered on the CPU since its task-level context last made a
  // point (interrupt recursion).
  uint64_t cpu_irq_streak(int cpu) const;
  // Since when the CPU has run interrupt contexts only (meaningful while
  // cpu_depth() > 1), and the work item its vectors ran last (the irq_work
  // or call-function argument by name, or "").
  uint64_t cpu_irq_since(int cpu) const;
  std::string cpu_last_work(int cpu) const;

  // In OnSpinDeadlock: the context stuck spinning on the CPU, or kNoContext
  // (the CPU cannot run). The machine's account of the spinners — the words
  // each reads, their last writers, why those cannot run — as report lines.
  ContextId cpu_spinner(int cpu) const;
  std::string spin_report() const;

  TaskState task_state(TaskId task) const;
  int task_prio(TaskId task) const;         // Effective (boosted) kernel prio.
  int task_normal_prio(TaskId task) const;  // As the scenario declared it.
  // The task's last de-boost in this execution: the prio it dropped from,
  // and when (0: never de-boosted).
  int task_deboosted_from(TaskId task) const;
  uint64_t task_deboosted_at(TaskId task) const;
  // When the task last made a point or was switched in (hung-task check);
  // now for an idle kthread (task_idle()).
  uint64_t task_last_ran_ns(TaskId task) const;
  uint64_t last_progress_ns() const;  // Last rt::Progress(), or 0.
  // CPU bandwidth control (Scenario::AddTaskGroup). A throttled task is
  // TASK_RUNNING (task_state() says kRunnable, or kRunning until it reaches a
  // preemptible point) but off every run queue until its group is refilled.
  bool task_throttled(TaskId task) const;
  // What a throttled task waits for: the ktimers thread whose queue holds
  // its group's expired refill (a soft refill timer on PREEMPT_RT), or
  // kNoContext (the refill is a timer still to come).
  ContextId task_throttle_waiter_of(TaskId task) const;
  bool group_throttled(GroupId group) const;
  uint64_t group_runtime_left_ns(GroupId group) const;  // In this period.
  uint64_t group_throttle_count(GroupId group) const;   // In this execution.
  // A machine kthread (ktimers/N, irq/N-name) asleep waiting for work
  // (TASK_INTERRUPTIBLE): the hung-task check does not apply to it.
  bool task_idle(TaskId task) const;

  // Ends the execution with `verdict`. From a fiber it does not return; from
  // the runner (OnHang, OnExecutionEnd) it records the verdict and returns.
  // The first verdict of an execution wins. `details` is the multi-line body
  // of the report (lockdep-style scenario, held locks); `site` names where
  // the bug is, for the signature (ExecutionResult::signature).
  void Report(Verdict verdict, std::string_view message, std::string_view details = {},
              std::string_view site = {}) const;
  // Records that a deadlock error fell in a window the scenario accepts
  // (ExecutionResult::tolerated); the execution goes on. `window` must be a
  // string literal.
  void Tolerate(std::string_view window) const;

 private:
  const internal::MachineImpl* m_;
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void OnExecutionStart(const MachineView& view) { (void)view; }
  // At most every MachineOptions::observer_tick_ns of virtual time, and after
  // every time warp: where time-based oracles look.
  virtual void OnTick(const MachineView& view) { (void)view; }
  // An interrupt context is about to return.
  virtual void OnInterruptExit(const MachineView& view, ContextId id) {
    (void)view;
    (void)id;
  }
  // Nothing can run and no timer is pending. A verdict reported here
  // replaces "hang".
  virtual void OnHang(const MachineView& view) { (void)view; }
  // Every CPU that can run is stuck spinning (cpu_spinner() names each) and
  // nothing can change what they read, or the time budget ended such a run
  // of spins. A verdict reported here replaces "spin-deadlock".
  virtual void OnSpinDeadlock(const MachineView& view) { (void)view; }
  // Every task exited; end checks follow if no verdict is reported here.
  virtual void OnExecutionEnd(const MachineView& view) { (void)view; }
};

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_OBSERVER_H_
