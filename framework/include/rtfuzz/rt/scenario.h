// framework/include/rtfuzz/rt/scenario.h
//
// Scenario: the declaration of one small machine and what runs on it.
//
// Overview
//
// A scenario names its virtual CPUs, its tasks (name, affinity, policy and
// priority, body), its interrupt handlers (kind, CPUs, trigger, body), its
// progress marks and its end checks. It is built once and run many times by a
// Machine; OnReset() restores the scenario's own state before each execution,
// because bodies usually share variables with the scenario.
//
//   rt::Scenario s("two-cpus", 2);
//   s.OnReset([&] { counter = 0; });
//   s.AddTask({.name = "low", .affinity = rt::Cpu(0),
//              .policy = rt::Policy::kFifo, .rt_priority = 10,
//              .body = [&] { ... rt::Point(...) ... }});
//   s.AddInterrupt({.name = "pmu", .kind = rt::ContextKind::kNmi,
//                   .cpus = rt::Cpu(0),
//                   .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 64),
//                   .handler = [&] { ... }});
//   s.AddEndCheck("counter", [&] { return counter == 2; });
//
// Bodies run on fibers inside the machine and talk to it only through
// rtfuzz/rt/context.h. A body must not catch Boost.Context's forced_unwind
// (a `catch (...)` must rethrow): the machine unwinds unfinished bodies with it.

#ifndef RTFUZZ_RT_SCENARIO_H_
#define RTFUZZ_RT_SCENARIO_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/rt/pmu.h"

namespace rtfuzz::rt {

inline constexpr int kMaxCpus = 64;
using CpuMask = uint64_t;
using TaskId = uint16_t;     // Index in AddTask() order.
using HandlerId = uint16_t;  // Index in AddInterrupt() order.
using MarkId = uint16_t;     // Index in AddMark() order.
using GroupId = uint16_t;    // Index in AddTaskGroup() order.
inline constexpr GroupId kNoGroup = 0xffff;

constexpr CpuMask Cpu(int cpu) { return CpuMask{1} << cpu; }
constexpr CpuMask AllCpus(int num_cpus) {
  return num_cpus >= 64 ? ~CpuMask{0} : (CpuMask{1} << num_cpus) - 1;
}

enum class Policy : uint8_t {
  kOther,  // SCHED_OTHER: below every SCHED_FIFO task; round robin per slice.
  kFifo,   // SCHED_FIFO 1..99: runs until it blocks, yields or is preempted.
};

// Ordered by nesting: a context can be interrupted only by a later kind.
enum class ContextKind : uint8_t { kTask, kSoftirq, kHardirq, kNmi };
std::string_view ContextKindName(ContextKind kind);

// When an interrupt handler becomes pending on its CPU.
struct Trigger {
  enum class Kind : uint8_t {
    kManual,    // Only rt::RaiseInterrupt() (self-IPI, irq_work, IPIs).
    kOverflow,  // Overflow of a virtual PMU counter of the CPU.
    kTimer,     // Virtual-time timer, once or periodic.
  };
  Kind kind = Kind::kManual;
  // kOverflow: the period is one of [min_period, max_period], picked by a
  // kPmuPeriod decision (0 = never fires), and the first overflow comes after
  // a kPmuPhase decision's worth of events; both per CPU and per execution.
  PmuEvent event = PmuEvent::kSteps;
  // The event by its libpfm4 name ("perf::instructions", "perf::task-clock",
  // a raw PMU name), if the scenario named it so: the native backend opens
  // it, the simulator counts the virtual event it maps to (pmu.h), which
  // Scenario::AddInterrupt stores in `event`. Empty: `event`, and on the
  // native backend its usual real event (native::NativeEventName).
  std::string event_name;
  uint64_t min_period = 0;
  uint64_t max_period = 0;
  // kTimer: first expiry (kNotArmed: only when rt::ArmTimer arms it), and
  // period (0 = once).
  static constexpr uint64_t kNotArmed = UINT64_MAX;
  uint64_t first_ns = 0;
  uint64_t every_ns = 0;
  // Any kind: at most this many deliveries per CPU and execution.
  uint32_t max_fires = UINT32_MAX;

  static Trigger Manual() { return {}; }
  static Trigger Overflow(PmuEvent event, uint64_t min_period,
                          uint64_t max_period, uint32_t max_fires = UINT32_MAX) {
    Trigger t;
    t.kind = Kind::kOverflow;
    t.event = event;
    t.min_period = min_period;
    t.max_period = max_period;
    t.max_fires = max_fires;
    return t;
  }
  // The same, naming the event by its libpfm4 string; AddInterrupt throws
  // std::invalid_argument (a one-line message) for a name the virtual PMU
  // cannot map.
  static Trigger Overflow(std::string_view event_name, uint64_t min_period,
                          uint64_t max_period, uint32_t max_fires = UINT32_MAX) {
    Trigger t = Overflow(PmuEvent::kSteps, min_period, max_period, max_fires);
    t.event_name = std::string(event_name);
    return t;
  }
  static Trigger Timer(uint64_t first_ns, uint64_t every_ns = 0,
                       uint32_t max_fires = UINT32_MAX) {
    Trigger t;
    t.kind = Kind::kTimer;
    t.first_ns = first_ns;
    t.every_ns = every_ns;
    t.max_fires = max_fires;
    return t;
  }
};

struct TaskSpec {
  std::string name;
  CpuMask affinity = Cpu(0);
  Policy policy = Policy::kOther;
  int rt_priority = 0;    // 1..99 for kFifo (99 is highest); 0 for kOther.
  uint64_t start_ns = 0;  // Becomes runnable at this virtual time.
  std::function<void()> body;
  // If not 0: the task must have exited by this virtual time, or the stall
  // oracle reports it as a hung task.
  uint64_t deadline_ns = 0;
  // CPU bandwidth control: the task group (Scenario::AddTaskGroup) whose
  // quota the task's runtime is charged to. Only SCHED_OTHER tasks.
  GroupId group = kNoGroup;
  // Set only on the machine's own threads that Scenario adds (ktimers/N,
  // irq/N-name; docs/architecture.md#kthreads); AddTask() rejects it.
  enum class Kthread : uint8_t { kNone, kTimers, kIrqThread };
  Kthread kthread = Kthread::kNone;
  HandlerId kthread_handler = 0;  // kIrqThread: the interrupt it serves.
};

// A CFS-bandwidth-like task group (cgroup cpu.max "quota period"): its
// SCHED_OTHER members are charged for the virtual time they run as their
// CPU's current task (spinning and warped time included; time boosted to an
// RT priority by PI is not charged, as in Linux where a boosted task leaves
// the fair class). When the quota of the period is used up the group is
// throttled: its running members leave their CPU at the next point where
// they are preemptible, its queued and waking members are not runnable,
// until the period timer refills the quota. See
// docs/architecture.md#bandwidth.
struct TaskGroupSpec {
  std::string name;
  uint64_t quota_ns = 0;   // Runtime per period, >= 1.
  uint64_t period_ns = 0;  // >= 1; the period timer expires at multiples of it.
  // The period (refill) timer is pinned to this CPU.
  int timer_cpu = 0;
  // Linux's sched_cfs_period_timer is a hard hrtimer: the refill happens in
  // hardirq time even on PREEMPT_RT (the default here). false: on
  // PREEMPT_RT the refill is a soft timer served by ktimers/<timer_cpu>,
  // after the soft timers that expired before it, so a ktimers thread that
  // blocks delays it (the stall of spec 2.6). Without RT the refill is
  // always immediate.
  bool hard_timer = true;
};

// A timer callback (hrtimer/timer_list): fires at first_ns, then every
// every_ns (0 = once), at most max_fires times per CPU, on each CPU of
// `cpus`. A hard timer (HRTIMER_MODE_*_HARD) runs in hardirq context. A soft
// one runs in softirq context without PREEMPT_RT and, on PREEMPT_RT, in the
// per-CPU kthread ktimers/N (SCHED_FIFO 1) as task context, where it may
// block on sleeping locks and be boosted by PI. See
// docs/architecture.md#ktimers.
struct TimerSpec {
  std::string name;
  CpuMask cpus = Cpu(0);
  // Trigger::kNotArmed: armed only by rt::ArmTimer (hrtimer_start()).
  uint64_t first_ns = 0;
  uint64_t every_ns = 0;
  uint32_t max_fires = UINT32_MAX;
  bool hard = false;
  std::function<void()> callback;
};

// Windows in which a resilient lock returns -EDEADLK with no true deadlock
// by design, each a fact the deadlock oracle checks in the wait-for graph
// extended by the lock's published entries (check::LockEntryPublished);
// docs/oracles.md#tolerated-windows. A scenario accepts a window only for
// the lock versions that introduced it; outside an accepted window such a
// -EDEADLK is the verdict false-deadlock-report.
namespace window {
// A cycle through an entry published before its lock is held (an attempt
// that has not taken it yet, or a failing one not yet withdrawn).
inline constexpr uint32_t kEntryBeforeAcquire = 1u << 0;
// A cycle through an entry still published after its lock was released.
inline constexpr uint32_t kEntryAfterRelease = 1u << 1;
// An NMI whose attempt fails while a lower context of its CPU waits for a
// lock (it cannot queue: the CPU's queue node is in use).
inline constexpr uint32_t kNmiOverWaiter = 1u << 2;
}  // namespace window

// What the oracles (rtfuzz/check, docs/oracles.md) hold a scenario to. The
// machine only stores these; each value states the verdict it bounds.
// Defaults are for kapi's locks; a target that needs another value sets it
// in its scenario with a comment deriving it from its algorithm.
struct OracleBudgets {
  // missed-AA/ABBA: a context waits in a true deadlock longer than this. Past
  // every lock timeout the seeds know (rqspinlock's longest is 1 s).
  uint64_t deadlock_ns = 2'000'000'000;
  // late-deadlock-detection: a deadlock error returned this long after the
  // cycle formed. AA is checked on entry by a correct lock. ABBA is
  // checked periodically; the default allows two periods of 1 ms (the only
  // period the seeds know). A target with its own period sets its own value
  // with the derivation (rqspinlock: targets/rqspinlock/scenarios.cc).
  uint64_t late_aa_ns = 100'000;
  uint64_t late_abba_ns = 2'000'000;
  // priority-inversion: a high task waits on a holder that an intermediate
  // task keeps off its CPU for longer than this.
  uint64_t inversion_ns = 1'000'000;
  // stall: no progress mark for this long (0 = the scenario has no marks to
  // keep), a task runnable or blocked this long without running (hung task),
  // or this many interrupts in a row on a CPU whose interrupted context makes
  // no point in between (interrupt recursion).
  uint64_t progress_ns = 0;
  uint64_t hung_task_ns = 5'000'000'000;
  uint32_t irq_recursion = 256;
  // isolation-noise: per isolated CPU (Scenario::IsolateCpu), per execution.
  uint32_t isolated_interrupts = 0;
  uint32_t isolated_ipis = 0;
  uint64_t isolated_stolen_ns = 0;
  // isolation-noise, feedback: reschedule IPIs to the isolated CPUs (summed)
  // per external interrupt (CpuNoise::external, summed over every CPU). A
  // wakeup IPI needs a cause; while every cause comes from outside, the
  // IPIs stay within a fixed number per external interrupt however long the
  // run; a feedback loop (seed 000: sample -> wakeup -> IPI -> traced irq
  // entry -> sample) makes IPIs cause IPIs. Reported when
  // resched_ipis > isolated_resched_ipis_per_external * (externals + 1).
  // UINT32_MAX: not checked. A scenario derives its value from its chain
  // of causes (eventpoll's storm: targets/eventpoll/scenarios.cc).
  uint32_t isolated_resched_ipis_per_external = UINT32_MAX;
  // Tolerated -EDEADLK windows (window::k*), none by default.
  uint32_t tolerated_windows = 0;
};

struct InterruptSpec {
  std::string name;
  ContextKind kind = ContextKind::kHardirq;  // kSoftirq, kHardirq or kNmi.
  CpuMask cpus = Cpu(0);  // One independent instance per CPU in the mask.
  Trigger trigger;
  std::function<void()> handler;
  // Threaded interrupt (request_threaded_irq): if set (kind kHardirq only),
  // the hardirq runs `handler` (may be empty: it only returns
  // IRQ_WAKE_THREAD) and then wakes the kthread "irq/N-name" (SCHED_FIFO 50,
  // bound to CPU N), which runs thread_fn in task context.
  std::function<void()> thread_fn;
  // A handler requested without IRQF_NO_THREAD (kind kHardirq only): on
  // PREEMPT_RT it is force-threaded (the hardirq only wakes irq/N-name,
  // which runs `handler` in task context); without RT it runs in hardirq.
  bool force_threaded_on_rt = false;
  // Set by Scenario::AddTimer (the machine routes soft timers on RT).
  bool soft_timer = false;
};

struct EndCheck {
  std::string name;
  std::function<bool()> holds;
};

class Scenario {
 public:
  // num_cpus in [1, kMaxCpus].
  Scenario(std::string name, int num_cpus);
  // Movable, not copyable: bodies usually capture the scenario's own state,
  // which a copy would share.
  Scenario(Scenario&&) = default;
  Scenario& operator=(Scenario&&) = default;
  Scenario(const Scenario&) = delete;
  Scenario& operator=(const Scenario&) = delete;

  TaskId AddTask(TaskSpec spec);
  HandlerId AddInterrupt(InterruptSpec spec);
  // A timer callback; returns its handler (RaiseInterrupt() fires it early).
  // A soft timer adds the kthreads ktimers/N of its CPUs (once per CPU).
  HandlerId AddTimer(TimerSpec spec);
  // A task group with CPU bandwidth control (TaskSpec::group).
  GroupId AddTaskGroup(TaskGroupSpec spec);
  // Each reschedule IPI (docs/architecture.md#ipis) also makes this
  // handler's instance on the target CPU pending (as the IPI's irq entry):
  // hooks on interrupt entry see the IPIs wakeups cause.
  void SetReschedIpiHandler(HandlerId handler);
  MarkId AddMark(std::string name);
  void AddEndCheck(std::string name, std::function<bool()> holds);
  // Runs before every execution, outside any context (no points allowed).
  void OnReset(std::function<void()> reset);
  // The kernel's interrupt entry and exit code around every hardirq handler
  // of the machine (the scenario's, its hard timers' and the built-in
  // vectors'; not NMIs, softirqs or the threaded part of an interrupt),
  // run in the interrupt's own context with interrupts disabled:
  // `entry` before the handler, as irqentry_enter() (context tracking's
  // user/idle exit) runs before irq_enter_rcu(); `exit` after it, as
  // __irq_exit_rcu() runs tick_irq_exit() after preempt_count_sub(
  // HARDIRQ_OFFSET). Both therefore see preempt_count() without
  // HARDIRQ_OFFSET (in_hardirq() is false there) while
  // CurrentContextKind() is still kHardirq. Hooks may make points, fire
  // tracepoints and queue or raise interrupts (a raise of a hardirq is
  // delivered after the exit, when interrupts are enabled again) and
  // must leave preempt_count and the interrupt state as they found them.
  // docs/architecture.md#interrupt-entry-and-exit.
  void OnHardirqEntry(std::function<void()> entry);
  void OnHardirqExit(std::function<void()> exit);
  // PREEMPT_RT (the default) or not: kapi makes spinlock_t and rwlock_t
  // sleeping rt_mutex-based locks on RT and spinning locks otherwise.
  void SetPreemptRt(bool preempt_rt);
  // Marks a CPU isolated (nohz_full/isolcpus): the noise oracle holds it to
  // the isolated_* budgets.
  void IsolateCpu(int cpu);
  OracleBudgets& budgets() { return budgets_; }

  const std::string& name() const { return name_; }
  int num_cpus() const { return num_cpus_; }
  // The scenario's tasks in AddTask() order, then the machine's kthreads
  // (ktimers/N, irq/N-name) the timers and interrupts added; TaskIds index
  // this vector, so a scenario task's id is its AddTask() index.
  const std::vector<TaskSpec>& tasks() const { return tasks_; }
  int num_scenario_tasks() const { return num_scenario_tasks_; }
  const std::vector<TaskGroupSpec>& task_groups() const { return groups_; }
  HandlerId resched_ipi_handler() const { return resched_ipi_handler_; }
  static constexpr HandlerId kNoHandler = 0xffff;
  const std::vector<InterruptSpec>& interrupts() const { return interrupts_; }
  const std::vector<std::string>& marks() const { return marks_; }
  const std::vector<EndCheck>& end_checks() const { return end_checks_; }
  const std::function<void()>& reset() const { return reset_; }
  const std::function<void()>& hardirq_entry() const { return hardirq_entry_; }
  const std::function<void()>& hardirq_exit() const { return hardirq_exit_; }
  bool preempt_rt() const { return preempt_rt_; }
  CpuMask isolated_cpus() const { return isolated_cpus_; }
  const OracleBudgets& budgets() const { return budgets_; }
  // Identity for caches: unique per Scenario object in the process, and
  // bumped by every Add*() call, so a Machine rebuilds its records when the
  // scenario it ran last changed or another one took its address.
  uint64_t serial() const { return serial_; }
  uint64_t revision() const { return revision_; }

 private:
  uint64_t serial_;
  uint64_t revision_ = 0;
  std::string name_;
  int num_cpus_;
  bool adding_timer_ = false;
  void AddKthread(TaskSpec::Kthread kind, int cpu, HandlerId handler, std::string name,
                  int rt_priority);
  std::vector<TaskSpec> tasks_;
  int num_scenario_tasks_ = 0;
  CpuMask ktimers_cpus_ = 0;
  std::vector<TaskGroupSpec> groups_;
  HandlerId resched_ipi_handler_ = kNoHandler;
  std::vector<InterruptSpec> interrupts_;
  std::vector<std::string> marks_;
  std::vector<EndCheck> end_checks_;
  std::function<void()> reset_;
  std::function<void()> hardirq_entry_;
  std::function<void()> hardirq_exit_;
  bool preempt_rt_ = true;
  CpuMask isolated_cpus_ = 0;
  OracleBudgets budgets_;
};

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_SCENARIO_H_
