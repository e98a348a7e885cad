// framework/src/rt/machine_impl.h
//
// MachineImpl: the state and rules of the simulated machine behind
// rt::Machine. Its methods are split by concern:
//   machine.cc          executions: set-up, teardown, results, accounting
//   task_scheduling.cc  PREEMPT_RT task rules: placement, wakeup, blocking,
//                       preemption, priorities, SCHED_OTHER slices
//   interrupts.cc       pending interrupts, delivery and return, the PMU,
//                       timers
//   cpu_stepping.cc     which CPU steps next: slices, spin detection, warp
//   context.cc          the free functions of rtfuzz/rt/context.h
//
// Invariants (checked where they can break; docs/architecture.md#invariants):
//   I1  Exactly one context runs: current_, the Top() of cpus_[current_->cpu].
//   I2  A CPU with curr == null has an empty run queue.
//   I3  A context below the top of its CPU's stack does not run until every
//       context above it has returned.
//   I4  Every choice not fixed by the rules goes through Decide(), which
//       records it; nothing else (no clock, no address) changes the course of
//       an execution.
//   I5  A running fiber's slot is empty; a suspended one's is full.

#ifndef RTFUZZ_SRC_RT_MACHINE_IMPL_H_
#define RTFUZZ_SRC_RT_MACHINE_IMPL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fiber.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/machine.h"
#include "stack_pool.h"
#include "timer_queue.h"
#include "virtual_cpu.h"

namespace rtfuzz::rt::internal {

// CPU bandwidth control of one task group (bandwidth.cc).
struct GroupState {
  const TaskGroupSpec* spec = nullptr;
  std::vector<Task*> members;   // In TaskId order.
  uint64_t runtime_left = 0;    // Quota left in this period, as of charged_at.
  uint64_t charged_at = 0;
  int running = 0;              // Members being charged (VirtualCpu::charged).
  bool used_in_period = false;  // Ran in this period: the period timer goes on.
  bool throttled = false;
  bool period_armed = false;    // The period timer is pending (or queued).
  bool refill_queued = false;   // Soft refill waiting in a ktimers queue.
  uint64_t exhaust_generation = 0;
  uint64_t throttle_count = 0;
  std::vector<Task*> waiting;   // Throttled runnable members, in throttle order.
};

class MachineImpl {
 public:
  explicit MachineImpl(MachineOptions options);
  ~MachineImpl();

  void Run(const Scenario& scenario, sched::DecisionSource& source,
           uint64_t execution_index, ExecutionResult* result);

  // The machine running an execution on this thread, or null.
  static MachineImpl* Running() { return running_; }
  // While the machine runs scenario code outside every context (OnReset,
  // end checks): where ("Scenario::OnReset", "an end check"), else null.
  // Accesses made there are plain (rt::Point does nothing).
  const char* outside_contexts() const { return outside_contexts_; }

  // rt::NameObject: names for trace objects, per execution; an address is
  // resolved from debug info only when a report asks (ObjectName).
  void NameObject(uint32_t object, const char* name, const volatile void* addr) {
    object_notes_.push_back(ObjectNote{object, name, addr});
  }
  std::string ObjectName(uint32_t object) const;
  std::vector<uint32_t> NamedObjects() const;

  // --- Operations of rtfuzz/rt/context.h (running context only) ---
  void Point(Op op, uint32_t object, uint64_t value, uint32_t flags);
  // Before the point of an access to `word` (rt::Point): the spin
  // detector's log of what the current context read (two stores into its
  // ring, only while it spins: from a cpu_relax() until an iteration
  // outgrows the ring), and who wrote the word last. Inline: on every such
  // point.
  // `read` is what the access read (rt::Point's bits: an RMW's old
  // contents, not what it left).
  void NoteWord(uint32_t flags, const volatile void* word, uint64_t read) {
    Context* ctx = current_;
    if ((flags & kPointRead) && ctx->logging) {
      WordAccess& a = ctx->fp[ctx->fp_count++ & (kFootprintRing - 1)];
      a.tagged = WordAccess::Tag(word, (flags & kPointWordSizeMask) >> 8);
      a.bits = read;
      if (ctx->fp_count - ctx->fp_mark > kMaxIterationWords) ctx->logging = false;
    }
    if (flags & kPointWrite) {
      WriterSlot& w = writers_[(reinterpret_cast<uintptr_t>(word) >> 2) & (kWriterSlots - 1)];
      w.addr = word;
      w.serial_context = serial_tag_ | ctx->id;
    }
  }
  // A word's raw contents (size bytes, zero-extended). Not instrumented:
  // the spin detector re-reads words a spinner read, which may have been
  // freed since (a bug ASan reports when the target reads them again).
  __attribute__((no_sanitize("address"))) static uint64_t WordBits(const volatile void* word,
                                                                   uint32_t size) {
    // One load of the word's own width where it has one (1, 2, 4, 8 bytes).
    switch (size) {
      case 1: return *static_cast<const volatile uint8_t*>(word);
      case 2: return *static_cast<const volatile uint16_t*>(word);
      case 4: return *static_cast<const volatile uint32_t*>(word);
      case 8: return *static_cast<const volatile uint64_t*>(word);
      default: break;
    }
    const volatile unsigned char* p = static_cast<const volatile unsigned char*>(word);
    uint64_t bits = 0;
    for (uint32_t i = 0; i < size; ++i) bits |= uint64_t{p[i]} << (8 * i);
    return bits;
  }
  // rt::Spin() (spin_detector.cc): `state` is the spinner's callee-saved
  // registers rbx, rbp, r12..r15 and its frame address, or null where they
  // cannot be captured.
  void SpinWithState(uint32_t object, const uint64_t* state);
  void Annotate(Op op, uint32_t object, uint64_t value) {
    Emit(op, object, value, current_, current_->cpu);
  }
  uint64_t Choose(uint64_t bound);
  uint64_t Now();
  Task& CurrentTaskOrDie(const char* what);
  void SetCurrentStateBlocked(const volatile void* on = nullptr);
  void NoteWakeup(const volatile void* on, int woken);
  void SetCurrentStateRunning();
  void Schedule();
  bool Wake(TaskId task);
  void SleepFor(uint64_t ns);
  uint64_t ScheduleTimeout(uint64_t ns);
  void Yield();
  Task& TaskById(TaskId task);
  void SetEffectivePriority(TaskId task, int prio);
  void PreemptDisable();
  void PreemptEnable();
  void LocalIrqDisable();
  void LocalIrqEnable();
  unsigned long LocalIrqSave();
  void LocalIrqRestore(unsigned long flags);
  void LocalBhDisable();
  void LocalBhEnable();
  void RaiseInterrupt(HandlerId handler, int cpu);
  HandlerInstance& Instance(HandlerId handler, int cpu);  // Precondition: exists.
  void ArmTimer(HandlerId handler, int cpu, uint64_t when_ns);
  bool CancelTimer(HandlerId handler, int cpu);
  void QueueInterruptWork(int cpu, WorkVector vector, void (*fn)(void*), void* arg);
  void Progress(MarkId mark);
  [[noreturn]] void Fail(std::string_view message);
  // Ends the execution with `verdict`: from a fiber it does not return, from
  // the runner it records the verdict (the first one wins).
  void Report(Verdict verdict, std::string_view message, std::string_view details = {},
              std::string_view site = {});
  uint64_t execution_serial() const { return serial_; }
  void AddObserver(Observer* observer) { observers_.push_back(observer); }
  uint64_t PmuCount(int cpu, PmuEvent event) const;

  Context* current() const { return current_; }
  uint64_t now() const { return now_; }
  const Scenario& scenario() const { return *scenario_; }
  bool tearing_down() const { return tearing_down_; }
  // Writes "scenario, step, cpu, context" for crash and CHECK reports.
  void PrintWhere(int fd) const;
  // From a fault handler: whether `addr` overflowed the current context's
  // stack, and if so writes "stack overflow in <context> on CPU<n>" to fd.
  bool ReportStackOverflow(int fd, const void* addr) const;

  const std::vector<TraceRecord>& full_trace() const { return full_trace_; }
  std::string ContextName(uint16_t id) const;
  const MachineOptions& options() const { return options_; }

  // Entry of every context's fiber.
  static Fiber* ContextEntry(void* arg);
  void RunHardirqHook(Context* ctx, const std::function<void()>& hook);

 private:
  // machine.cc
  void Prepare(const Scenario& scenario);
  void ResetExecution(sched::DecisionSource& source, uint64_t index);
  void Teardown();
  void FillResult(ExecutionResult* result);
  void RunEndChecks();
  uint64_t Decide(sched::DecisionKind kind, uint64_t bound);
  // Accounts one scheduling point: step, time, PMU, trace, news.
  void Account(Op op, uint32_t object, uint64_t value, uint32_t flags);
  // After Account(): whether this point must go through SlowPath(). Consumes
  // one point of the slice. The hot path: a handful of loads and one branch.
  bool SlowPathDue() {
    const VirtualCpu& cpu = cpus_[current_->cpu];
    return __builtin_expect((--slice_left_ == 0) | yield_cpu_ | (cpu.pending != 0) |
                                cpu.need_resched | (step_ >= options_.max_steps) |
                                (now_ >= check_at_),
                            0);
  }
  // Appends a trace record for `ctx` (or the machine itself when null) on
  // `cpu`, which must be a CPU of the scenario.
  void Emit(Op op, uint32_t object, uint64_t value, const Context* ctx, int cpu);
  // Records the verdict and leaves the execution for good (switches to the
  // runner; the caller's fiber is unwound later). From the runner itself it
  // only records.
  void Finish(Verdict verdict, std::string message, std::string_view details = {},
              std::string_view site = {});
  [[noreturn]] void FinishFromFiber(Verdict verdict, std::string message,
                                    std::string_view details = {},
                                    std::string_view site = {});
  void SwitchTo(Context* next);
  void EnsureFiber(Context* ctx);
  Fiber* OnContextExit(Context* ctx);

  // task_scheduling.cc
  int SelectCpu(const Task& task) const;
  void Enqueue(Task& task, int from_cpu = -1);
  // Enqueue() without its checks: also a task preempted between
  // set_current_state() and schedule() (a refill puts it back).
  void Place(Task& task, int from_cpu);
  void SetCurr(VirtualCpu& cpu, Task* task);
  Task* PopHighest(VirtualCpu& cpu);
  bool Preemptible(const VirtualCpu& cpu) const;
  void Reschedule(VirtualCpu& cpu);
  void CheckPreempt(VirtualCpu& cpu, const Task& woken, int from_cpu = -1);
  void BlockCurrent(Op op, uint32_t object, uint64_t value);
  void RequireSleepable(const char* what);
  void ArmTimeslice(VirtualCpu& cpu);
  void StartTask(Task& task);
  // `from_cpu`: the CPU of the waking context, or -1 (timers, the machine).
  bool WakeTask(Task& task, int from_cpu = -1);
  // resched_curr(): need_resched on `cpu`, and a reschedule IPI if it is set
  // from another CPU.
  void Resched(VirtualCpu& cpu, int from_cpu);
  void SendReschedIpi(VirtualCpu& cpu, int from_cpu);

  // bandwidth.cc: CPU bandwidth control of task groups.
  void ChargeGroup(GroupState& g);
  void ArmExhaust(GroupState& g);
  void ArmPeriod(GroupState& g);
  void UpdateCharging(VirtualCpu& cpu);  // After curr or its prio changed.
  void ThrottleGroup(GroupState& g);
  void RefillGroup(GroupState& g, int from_cpu);
  void OnGroupExhaust(const Timer& t);
  void OnGroupPeriod(GroupState& g);
  void FinishPeriod(GroupState& g);  // Re-arms the period timer if active.
  // Reschedule(): takes a throttled curr off its CPU. True if it did.
  bool TakeOffThrottled(VirtualCpu& cpu);
  int GroupIndex(const GroupState& g) const {
    return static_cast<int>(&g - groups_.data());
  }

  // bandwidth.cc: the machine's kthreads (ktimers/N, irq/N-name).
  void KthreadMain(Task& task);
  bool KthreadHasWork(const Task& task) const;
  void KthreadRunOne(Task& task);
  void QueueKtimers(VirtualCpu& cpu, KtimersWork work);
  void WakeIrqThread(HandlerInstance& h);

  // interrupts.cc
  void ArmTriggers();
  // `traced`: emit a kIrqRaise record (the PMU and timers); RaiseInterrupt()
  // records the raise as its own point instead.
  // `from_cpu`: the CPU that raised it (an IPI when another), or -1 for the
  // PMU and timers.
  void MakePending(HandlerInstance& h, bool traced = true, int from_cpu = -1);
  HandlerInstance* Deliverable(const VirtualCpu& cpu) const;
  void Deliver(VirtualCpu& cpu, HandlerInstance& h);
  void CountPmu(VirtualCpu& cpu, uint32_t flags);
  void FireDueTimers();
  void AddTimer(uint64_t when, TimerKind kind, uint32_t target, uint64_t generation);
  // Delivers what may be delivered and applies a pending preemption; returns
  // the context the CPU runs now (null if idle).
  Context* Settle(VirtualCpu& cpu);

  // Observers (rt/observer.h).
  template <typename Call>
  void Notify(Call call) {
    const MachineView view(this);
    for (Observer* o : observers_) {
      call(*o, view);
      if (finished_) return;
    }
  }
  void Tick();
  void RecomputeCheckAt();
  void RunWork(VirtualCpu& cpu, WorkVector vector);

  // cpu_stepping.cc
  enum class Leave : uint8_t { kSliceEnd, kStuck, kForced };
  void SlowPath();
  Context* PickCpu(VirtualCpu* from, Leave why);
  bool Runnable(const VirtualCpu& cpu) const;
  void Warp();

  // spin_detector.cc: which spinning context is stuck.
  void OnSpin(Context& ctx, const uint64_t* state);  // At its cpu_relax().
  bool Stuck(const VirtualCpu& cpu) const;
  // Whether every word of ctx's stuck iteration still holds what it read.
  bool WordsHold(const Context& ctx) const;
  // With every runnable CPU stuck: whether anything still to come (a timer,
  // an interrupt its PMU will raise, the clock a spinner reads) could change
  // what the spinners read.
  bool SomethingCanChange() const;

  // spin_deadlock.cc: the verdict when nothing can change (Report()).
  void ReportSpinDeadlock(bool time_budget);
 public:
  // What each runnable CPU's spinner reads, who wrote it, and why those
  // writers cannot run; *first_word (if given) gets the word the first
  // spinner waits on.
  std::string SpinReport(std::string* first_word = nullptr) const;
 private:
  std::string WhyCannotRun(const Context& c) const;
  void ReportTimeBudget();  // Via Report(): from a fiber it does not return.
  void DrawSlice();
  void NoteNewRunnable(int cpu);

  friend class rtfuzz::rt::MachineView;
  static inline thread_local MachineImpl* running_ = nullptr;
  static inline uint64_t next_serial_ = 0;  // Identity only; never steers.

  MachineOptions options_;
  StackPool stacks_;
  Fiber runner_;  // The thread's own stack: Run() switches from and back to it.

  // Per scenario (rebuilt when the scenario changes).
  const Scenario* scenario_ = nullptr;
  uint64_t scenario_serial_ = 0;
  uint64_t scenario_revision_ = 0;
  bool hardirq_hooks_ = false;  // The scenario has OnHardirqEntry/Exit hooks.
  std::vector<VirtualCpu> cpus_;
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<std::unique_ptr<HandlerInstance>> handlers_;
  std::vector<Context*> contexts_;  // By context id.
  InterruptSpec work_specs_[kWorkVectorCount];  // The built-in vectors.
  std::vector<GroupState> groups_;
  bool has_groups_ = false;
  std::vector<Observer*> observers_;

  // Per execution.
  sched::DecisionSource* source_ = nullptr;
  ExecutionResult* result_ = nullptr;
  uint64_t serial_ = 0;
  Context* current_ = nullptr;  // Null while the runner runs.
  uint64_t next_tick_ = kUnbounded;
  uint64_t last_progress_ns_ = 0;
  uint64_t step_ = 0;
  uint64_t now_ = 0;
  uint64_t check_at_ = 0;      // min(next timer, time budget): slow path due.
  uint64_t news_epoch_ = 0;    // Bumped by anything a spinner could observe.
  uint64_t slice_left_ = kUnbounded;
  bool slice_pending_ = false;  // Slice ended while no other CPU could run.
  bool yield_cpu_ = false;     // The current context got stuck spinning.
  bool warping_ = false;       // In a run of warps (no write since).
  uint64_t warp_run_start_ = 0;
  bool finished_ = false;
  bool tearing_down_ = false;
  const char* outside_contexts_ = nullptr;
  struct ObjectNote {
    uint32_t object;
    const char* name;            // Or null: then...
    const volatile void* addr;   // ...the variable here names it.
  };
  std::vector<ObjectNote> object_notes_;
  int live_tasks_ = 0;
  TimerQueue timers_;
  uint64_t trace_hash_ = 0;
  std::vector<TraceRecord> ring_;
  size_t ring_mask_ = 0;
  uint64_t ring_count_ = 0;
  std::vector<TraceRecord> full_trace_;
  std::vector<uint64_t> mark_counts_;
  std::vector<std::string_view> tolerated_;  // MachineView::Tolerate, this execution.
  ExecutionStats stats_;
  // The last writer of recently written words, for spin-deadlock reports:
  // direct-mapped by the address bits inside a page (the same in every run
  // whatever the load address), valid for the execution whose serial's low
  // 32 bits it holds (a slot untouched for exactly 2^32 executions would
  // look current, which is accepted as for kapi's object ids). Two stores
  // per write point.
  struct WriterSlot {
    const volatile void* addr = nullptr;
    uint64_t serial_context = 0;  // serial << 32 | context id.
  };
  static constexpr size_t kWriterSlots = 1024;
  WriterSlot writers_[kWriterSlots];
  uint64_t serial_tag_ = 0;  // serial_ << 32, for the slots.
  // The last wakeups (rt::NoteWakeup), for hang reports: a ring.
  struct WakeupNote {
    const volatile void* on;
    uint64_t step;
    uint16_t waker;
    int woken;
    bool asleep;  // The woken task was asleep then (else its wakeup is lost).
  };
  static constexpr size_t kWakeupNotes = 16;
  WakeupNote wakeups_[kWakeupNotes] = {};
  uint64_t wakeup_count_ = 0;
  std::string HangReport() const;  // spin_deadlock.cc
};


// --- The hot path of every scheduling point, inline (docs/performance.md) ---

inline void MachineImpl::Emit(Op op, uint32_t object, uint64_t value, const Context* ctx,
                       int cpu) {
  TraceRecord r;
  r.step = step_;
  r.time_ns = now_;
  r.value = value;
  r.object = object;
  r.op = op;
  r.context = ctx != nullptr ? ctx->id : 0xffff;
  r.cpu = static_cast<uint8_t>(cpu);
  r.depth = static_cast<uint8_t>(cpus_[cpu].irq_depth);
  r.context_kind = static_cast<uint8_t>(ctx != nullptr ? ctx->kind : ContextKind::kTask);
  trace_hash_ = HashTraceRecord(trace_hash_, r);
  ring_[ring_count_++ & ring_mask_] = r;
  if (options_.record_full_trace) full_trace_.push_back(r);
}

inline void MachineImpl::Account(Op op, uint32_t object, uint64_t value, uint32_t flags) {
  Context* ctx = current_;
  VirtualCpu& cpu = cpus_[ctx->cpu];
  ++step_;
  now_ += options_.step_ns;
  cpu.irq_streak = cpu.irq_depth != 0 ? cpu.irq_streak : 0;  // Task level ran.
  Emit(op, object, value, ctx, ctx->cpu);
  CountPmu(cpu, flags);
  if (flags & kPointWrite) {
    ++news_epoch_;
    warping_ = false;
    if (slice_pending_) slice_left_ = 1;
  }
}

inline void MachineImpl::CountPmu(VirtualCpu& cpu, uint32_t flags) {
  static_assert(kPointRead << 1 == 1u << static_cast<int>(PmuEvent::kReads) &&
                kPointWrite << 1 == 1u << static_cast<int>(PmuEvent::kWrites) &&
                kPointAtomic << 1 == 1u << static_cast<int>(PmuEvent::kAtomics) &&
                kPointLockOp << 1 == 1u << static_cast<int>(PmuEvent::kLockOps) &&
                kPointSpin << 1 == 1u << static_cast<int>(PmuEvent::kSpins));
  ++cpu.pmu[static_cast<int>(PmuEvent::kSteps)];
  flags &= kPointPmuMask;  // Not the word size above them.
  for (uint32_t bits = flags; bits != 0; bits &= bits - 1) {
    ++cpu.pmu[__builtin_ctz(bits) + 1];
  }
  if (__builtin_expect(!cpu.armed.empty(), 0)) {
    const uint32_t events = 1u | flags << 1;
    for (HandlerInstance* h : cpu.armed) {
      if ((events >> static_cast<int>(h->spec->trigger.event)) & 1) {
        if (--h->countdown == 0) {
          h->countdown = h->period;  // Reload, as perf's sample_period.
          MakePending(*h);
        }
      }
    }
  }
}

}  // namespace rtfuzz::rt::internal

#endif  // RTFUZZ_SRC_RT_MACHINE_IMPL_H_
