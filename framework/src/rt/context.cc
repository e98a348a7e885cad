// framework/src/rt/context.cc
//
// The free functions of rtfuzz/rt/context.h, and the MachineImpl operations
// on the current context's own state (preemption, interrupts, bottom halves,
// progress, decisions, time).

#include "rtfuzz/rt/context.h"

#include <atomic>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "machine_impl.h"
#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/preempt_count.h"
#include "word_names.h"

namespace rtfuzz::rt {
namespace internal {
namespace {

// x86's EFLAGS.IF: what local_irq_save() returns when interrupts were on.
constexpr unsigned long kFlagsIrqEnabled = 0x200;

}  // namespace

uint64_t MachineImpl::Choose(uint64_t bound) {
  RTFUZZ_PRECONDITION(bound >= 1, "rt::Choose(bound) needs bound >= 1");
  const uint64_t v = bound == 1 ? 0 : Decide(sched::DecisionKind::kValue, bound);
  Point(Op::kChoose, 0, v, 0);
  return v;
}

uint64_t MachineImpl::Now() {
  const uint64_t t = now_ + options_.step_ns;  // The time once this point is made.
  current_->fp_flags |= kFpClockRead;  // A spinner with a deadline (spin_detector.cc).
  Point(Op::kTimeRead, 0, t, 0);
  return t;
}

void MachineImpl::PreemptDisable() {
  Context* ctx = current_;
  RTFUZZ_PRECONDITION((ctx->preempt_count & kPreemptMask) != kPreemptMask,
                      "preempt_count overflow");
  ctx->preempt_count += kPreemptOffset;
  Point(Op::kPreemptDisable, 0, ctx->preempt_count, 0);
}

void MachineImpl::PreemptEnable() {
  Context* ctx = current_;
  if ((ctx->preempt_count & kPreemptMask) == 0) {
    FinishFromFiber(Verdict::kContextImbalance,
                    ctx->name + ": preempt_enable() with preemption already enabled");
  }
  ctx->preempt_count -= kPreemptOffset;
  Point(Op::kPreemptEnable, 0, ctx->preempt_count, 0);
}

void MachineImpl::LocalIrqDisable() {
  current_->irqs_disabled = true;
  Point(Op::kIrqDisable, 0, 0, 0);
}

void MachineImpl::LocalIrqEnable() {
  current_->irqs_disabled = false;
  Point(Op::kIrqEnable, 0, 0, 0);
}

unsigned long MachineImpl::LocalIrqSave() {
  const unsigned long flags = current_->irqs_disabled ? 0 : kFlagsIrqEnabled;
  current_->irqs_disabled = true;
  Point(Op::kIrqDisable, 0, flags, 0);
  return flags;
}

void MachineImpl::LocalIrqRestore(unsigned long flags) {
  const bool disable = (flags & kFlagsIrqEnabled) == 0;
  current_->irqs_disabled = disable;
  Point(disable ? Op::kIrqDisable : Op::kIrqEnable, 0, flags, 0);
}

void MachineImpl::LocalBhDisable() {
  Context* ctx = current_;
  ctx->preempt_count += kSoftirqDisableOffset;
  Point(Op::kBhDisable, 0, ctx->preempt_count, 0);
}

void MachineImpl::LocalBhEnable() {
  Context* ctx = current_;
  if ((ctx->preempt_count & kSoftirqMask) < kSoftirqDisableOffset) {
    FinishFromFiber(Verdict::kContextImbalance,
                    ctx->name + ": local_bh_enable() without local_bh_disable()");
  }
  ctx->preempt_count -= kSoftirqDisableOffset;
  Point(Op::kBhEnable, 0, ctx->preempt_count, 0);
}

void MachineImpl::RaiseInterrupt(HandlerId handler, int cpu) {
  MakePending(Instance(handler, cpu), /*traced=*/false, current_->cpu);
  Point(Op::kIrqRaise, handler, static_cast<uint64_t>(cpu), 0);
}

HandlerInstance& MachineImpl::Instance(HandlerId handler, int cpu) {
  RTFUZZ_PRECONDITION(handler < scenario_->interrupts().size(), "no such handler");
  RTFUZZ_PRECONDITION(cpu >= 0 && cpu < static_cast<int>(cpus_.size()), "no such CPU");
  HandlerInstance* instance = nullptr;
  for (HandlerInstance* h : cpus_[cpu].handlers) {
    if (h->handler == handler) instance = h;
  }
  RTFUZZ_PRECONDITION(instance != nullptr,
                      "the handler has no instance on that CPU (see InterruptSpec::cpus)");
  return *instance;
}

void MachineImpl::ArmTimer(HandlerId handler, int cpu, uint64_t when_ns) {
  HandlerInstance& h = Instance(handler, cpu);
  RTFUZZ_PRECONDITION(h.spec->trigger.kind == Trigger::Kind::kTimer,
                      "rt::ArmTimer on an interrupt without a timer trigger");
  RTFUZZ_PRECONDITION(when_ns != kUnbounded, "rt::ArmTimer: no expiry time");
  ++h.timer_generation;
  h.timer_expires = when_ns;
  size_t index = 0;
  while (handlers_[index].get() != &h) ++index;
  AddTimer(when_ns, TimerKind::kInterrupt, static_cast<uint32_t>(index), h.timer_generation);
  Point(Op::kTimer, handler, when_ns == 0 ? 1 : when_ns, 0);
}

bool MachineImpl::CancelTimer(HandlerId handler, int cpu) {
  HandlerInstance& h = Instance(handler, cpu);
  const bool pending = h.timer_expires != kUnbounded;
  ++h.timer_generation;
  h.timer_expires = kUnbounded;
  Point(Op::kTimer, handler, 0, 0);
  return pending;
}

void MachineImpl::QueueInterruptWork(int cpu, WorkVector vector, void (*fn)(void*),
                                     void* arg) {
  RTFUZZ_PRECONDITION(cpu >= 0 && cpu < static_cast<int>(cpus_.size()), "no such CPU");
  RTFUZZ_PRECONDITION(fn != nullptr, "QueueInterruptWork needs a function");
  VirtualCpu& target = cpus_[cpu];
  const int v = static_cast<int>(vector);
  target.work[v].push_back(VirtualCpu::Work{fn, arg});
  HandlerInstance& h = *target.work_handler[v];
  MakePending(h, /*traced=*/false, current_->cpu);
  Point(Op::kIrqRaise, h.handler, static_cast<uint64_t>(cpu), 0);
}

void MachineImpl::Progress(MarkId mark) {
  RTFUZZ_PRECONDITION(mark < mark_counts_.size(), "no such progress mark");
  ++mark_counts_[mark];
  last_progress_ns_ = now_;
  Annotate(Op::kProgress, mark, mark_counts_[mark]);
}

void MachineImpl::Fail(std::string_view message) {
  RTFUZZ_PRECONDITION(current_ != nullptr, "rt::Fail outside a running context");
  FinishFromFiber(Verdict::kFailure, std::string(message));
}

uint64_t MachineImpl::PmuCount(int cpu, PmuEvent event) const {
  RTFUZZ_PRECONDITION(cpu >= 0 && cpu < static_cast<int>(cpus_.size()), "no such CPU");
  return cpus_[cpu].pmu[static_cast<int>(event)];
}

}  // namespace internal

namespace internal {
// The backend of threads without a machine (backend.h). Written once per
// native run, read on the cold path of every call.
std::atomic<Backend*> active_backend{nullptr};
bool MachineRunsHere() { return MachineImpl::Running() != nullptr; }
}  // namespace internal

namespace {
using internal::active_backend;

// The backend, if the calling thread runs no machine: every call below asks
// this first, where it already loads the thread's machine, so the
// simulator's path gains one predicted branch at most and Point none.
Backend* NativeHere() {
  if (__builtin_expect(internal::MachineImpl::Running() != nullptr, 1)) return nullptr;
  return active_backend.load(std::memory_order_acquire);
}

}  // namespace

Backend* ActiveBackend() { return active_backend.load(std::memory_order_acquire); }
void SetActiveBackend(Backend* backend) { active_backend.store(backend, std::memory_order_release); }

// Answers from the backend when the thread runs no machine.
#define RTFUZZ_BACKEND_OR(call)                  \
  do {                                           \
    if (Backend* backend_ = NativeHere()) return backend_->call; \
  } while (0)

namespace {

// An rt call where no context runs. Inside Scenario::OnReset or an end
// check it throws, so the execution ends with the verdict "exception" and
// this message; anywhere else (no execution at all) it is incorrect usage.
[[noreturn]] void OutsideContexts(const internal::MachineImpl* m, const char* function) {
  if (m != nullptr && m->outside_contexts() != nullptr) {
    throw std::logic_error(
        "rtfuzz::rt::" + std::string(function) + "() called from " + m->outside_contexts() +
        ", outside every task and handler: only kapi initialisers and plain accesses "
        "(atomic_set, WRITE_ONCE, READ_ONCE, ...) may run there; move the rest into a task "
        "body");
  }
  ::rtfuzz::internal::CheckFailed("incorrect usage", function,
                        "rtfuzz::rt call outside a running task or handler (no execution is "
                        "running): call it from a task or handler body",
                        __FILE__, __LINE__);
  __builtin_unreachable();
}

// The machine of the running context. `caller`: the rt function that asks
// (the compiler's __builtin_FUNCTION(), as std::source_location is not in
// every toolchain we build with), named in the error when there is none.
internal::MachineImpl& M(const char* caller = __builtin_FUNCTION()) {
  internal::MachineImpl* m = internal::MachineImpl::Running();
  if (__builtin_expect(m == nullptr || m->current() == nullptr, 0)) {
    OutsideContexts(m, caller);
  }
  return *m;
}

// The running machine, also while it runs scenario code outside contexts:
// for questions about the execution, not the context.
internal::MachineImpl& RunningMachine(const char* caller = __builtin_FUNCTION()) {
  internal::MachineImpl* m = internal::MachineImpl::Running();
  if (m == nullptr) OutsideContexts(m, caller);
  return *m;
}

// A kapi access in OnReset or an end check: plain, no point and no trace.
bool PlainAccess() {
  internal::MachineImpl* m = internal::MachineImpl::Running();
  return m != nullptr && m->current() == nullptr && m->outside_contexts() != nullptr;
}

internal::Context& Current(const char* caller = __builtin_FUNCTION()) { return *M(caller).current(); }

// While the machine unwinds unfinished contexts after a verdict, destructors
// on their stacks may still call in: operations that would change the
// execution (points, blocking, waking, decisions) do nothing then; queries
// answer about the unwinding context.
bool Dying() {
  const internal::MachineImpl* m = internal::MachineImpl::Running();
  return m != nullptr && m->tearing_down();
}

}  // namespace

namespace {

// The hot path of both Points: one test for "a running context, not
// unwinding", then a tail call; M()'s checks only on the cold path.
internal::MachineImpl* Live() {
  internal::MachineImpl* m = internal::MachineImpl::Running();
  return __builtin_expect(m != nullptr && m->current() != nullptr && !m->tearing_down(), 1)
             ? m
             : nullptr;
}

}  // namespace

void Point(Op op, uint32_t object, uint64_t value, uint32_t flags) {
  if (internal::MachineImpl* m = Live()) {
    // A read the spin detector cannot see (spin_detector.cc).
    if (flags & kPointRead) m->current()->fp_flags |= internal::kFpAnonymousRead;
    return m->Point(op, object, value, flags);
  }
  RTFUZZ_BACKEND_OR(Point(op, object, value, flags));
  if (PlainAccess()) return;
  if (!Dying()) M().Point(op, object, value, flags);
}

void Point(Op op, uint32_t object, uint64_t value, uint32_t flags, const volatile void* word,
           uint64_t bits) {
  if (word == nullptr) return Point(op, object, value, flags);
  if (internal::MachineImpl* m = Live()) {
    m->NoteWord(flags, word, bits);  // The spin detector's log.
    return m->Point(op, object, value, flags);
  }
  RTFUZZ_BACKEND_OR(Point(op, object, value, flags));
  if (PlainAccess()) return;
  if (!Dying()) M().Point(op, object, value, flags);
}
// rt::Spin(): on x86-64 a trampoline that saves the caller's callee-saved
// registers and the address of its frame (the stack pointer at the call,
// past the return address) before any C++ code can change them, so the spin
// detector can fingerprint the spinner's own state (spin_detector.cc). The
// CFI lets exceptions (the machine's forced_unwind) unwind through it.
#if defined(__x86_64__)
extern "C" void rtfuzz_rt_spin_with_state(uint32_t object, const uint64_t* state) {
  RTFUZZ_BACKEND_OR(Spin(object));
  if (!Dying()) M().SpinWithState(object, state);
}
asm(R"(
  .pushsection .text
  .globl _ZN6rtfuzz2rt4SpinEj
  .type _ZN6rtfuzz2rt4SpinEj, @function
_ZN6rtfuzz2rt4SpinEj:
  .cfi_startproc
  sub $56, %rsp
  .cfi_adjust_cfa_offset 56
  mov %rbx, 0(%rsp)
  mov %rbp, 8(%rsp)
  mov %r12, 16(%rsp)
  mov %r13, 24(%rsp)
  mov %r14, 32(%rsp)
  mov %r15, 40(%rsp)
  lea 64(%rsp), %rax
  mov %rax, 48(%rsp)
  mov %rsp, %rsi
  call rtfuzz_rt_spin_with_state
  add $56, %rsp
  .cfi_adjust_cfa_offset -56
  ret
  .cfi_endproc
  .size _ZN6rtfuzz2rt4SpinEj, .-_ZN6rtfuzz2rt4SpinEj
  .popsection
)");
#else
void Spin(uint32_t object) {
  RTFUZZ_BACKEND_OR(Spin(object));
  if (!Dying()) M().SpinWithState(object, nullptr);
}
#endif

void Annotate(Op op, uint32_t object, uint64_t value) {
  internal::MachineImpl* m = internal::MachineImpl::Running();
  if (__builtin_expect(m != nullptr && m->current() != nullptr, 1)) {
    if (!m->tearing_down()) m->Annotate(op, object, value);
    return;
  }
  if (NativeHere() != nullptr) return;  // No trace off the simulator.
  if (!Dying()) M().Annotate(op, object, value);
}
uint64_t Choose(uint64_t bound) {
  RTFUZZ_BACKEND_OR(Choose(bound));
  return Dying() ? 0 : M().Choose(bound);
}
uint64_t Now() {
  RTFUZZ_BACKEND_OR(Now());
  return Dying() ? M().now() : M().Now();
}
TaskId CurrentTask() {
  RTFUZZ_BACKEND_OR(CurrentTask());
  return M().CurrentTaskOrDie("current task").id;
}
void SetCurrentStateBlocked(const volatile void* on) {
  RTFUZZ_BACKEND_OR(SetCurrentStateBlocked(on));
  if (!Dying()) M().SetCurrentStateBlocked(on);
}
void NoteWakeup(const volatile void* on, int woken) {
  if (NativeHere() != nullptr) return;  // Only the simulator's hang reports use it.
  if (!Dying()) M().NoteWakeup(on, woken);
}
void SetCurrentStateRunning() {
  RTFUZZ_BACKEND_OR(SetCurrentStateRunning());
  if (!Dying()) M().SetCurrentStateRunning();
}
void Schedule() {
  RTFUZZ_BACKEND_OR(Schedule());
  if (!Dying()) M().Schedule();
}
bool Wake(TaskId task) {
  RTFUZZ_BACKEND_OR(Wake(task));
  return Dying() ? false : M().Wake(task);
}
void SleepFor(uint64_t ns) {
  RTFUZZ_BACKEND_OR(SleepFor(ns));
  if (!Dying()) M().SleepFor(ns);
}
void NameObject(uint32_t object, const char* name, const volatile void* addr) {
  RTFUZZ_BACKEND_OR(NameObject(object, name, addr));
  if (!Dying()) RunningMachine().NameObject(object, name, addr);
}
uint64_t ScheduleTimeout(uint64_t ns) {
  RTFUZZ_BACKEND_OR(ScheduleTimeout(ns));
  return Dying() ? 0 : M().ScheduleTimeout(ns);
}
void Yield() {
  RTFUZZ_BACKEND_OR(Yield());
  if (!Dying()) M().Yield();
}
int EffectivePriority(TaskId task) {
  RTFUZZ_BACKEND_OR(EffectivePriority(task));
  return M().TaskById(task).prio;
}
int NormalPriority(TaskId task) {
  RTFUZZ_BACKEND_OR(NormalPriority(task));
  return M().TaskById(task).normal_prio;
}
void SetEffectivePriority(TaskId task, int prio) {
  RTFUZZ_BACKEND_OR(SetEffectivePriority(task, prio));
  if (!Dying()) M().SetEffectivePriority(task, prio);
}
int CurrentCpu() {
  RTFUZZ_BACKEND_OR(CurrentCpu());
  return Current().cpu;
}
int NumCpus() {
  RTFUZZ_BACKEND_OR(NumCpus());
  return RunningMachine().scenario().num_cpus();
}
ContextId CurrentContextId() {
  RTFUZZ_BACKEND_OR(CurrentContextId());
  return Current().id;
}
ContextKind CurrentContextKind() {
  RTFUZZ_BACKEND_OR(CurrentContextKind());
  return Current().kind;
}
uint32_t PreemptCount() {
  RTFUZZ_BACKEND_OR(PreemptCount());
  return Current().preempt_count;
}
void PreemptDisable() {
  RTFUZZ_BACKEND_OR(PreemptDisable());
  if (!Dying()) M().PreemptDisable();
}
void PreemptEnable() {
  RTFUZZ_BACKEND_OR(PreemptEnable());
  if (!Dying()) M().PreemptEnable();
}
bool IrqsDisabled() {
  RTFUZZ_BACKEND_OR(IrqsDisabled());
  return Current().irqs_disabled;
}
void LocalIrqDisable() {
  RTFUZZ_BACKEND_OR(LocalIrqDisable());
  if (!Dying()) M().LocalIrqDisable();
}
void LocalIrqEnable() {
  RTFUZZ_BACKEND_OR(LocalIrqEnable());
  if (!Dying()) M().LocalIrqEnable();
}
unsigned long LocalIrqSave() {
  RTFUZZ_BACKEND_OR(LocalIrqSave());
  return Dying() ? 0 : M().LocalIrqSave();
}
void LocalIrqRestore(unsigned long flags) {
  RTFUZZ_BACKEND_OR(LocalIrqRestore(flags));
  if (!Dying()) M().LocalIrqRestore(flags);
}
void LocalBhDisable() {
  RTFUZZ_BACKEND_OR(LocalBhDisable());
  if (!Dying()) M().LocalBhDisable();
}
void LocalBhEnable() {
  RTFUZZ_BACKEND_OR(LocalBhEnable());
  if (!Dying()) M().LocalBhEnable();
}
void RaiseInterrupt(HandlerId handler, int cpu) {
  RTFUZZ_BACKEND_OR(RaiseInterrupt(handler, cpu));
  if (!Dying()) M().RaiseInterrupt(handler, cpu);
}
void Progress(MarkId mark) {
  RTFUZZ_BACKEND_OR(Progress(mark));
  if (!Dying()) M().Progress(mark);
}
void ArmTimer(HandlerId handler, int cpu, uint64_t when_ns) {
  RTFUZZ_BACKEND_OR(ArmTimer(handler, cpu, when_ns));
  if (!Dying()) M().ArmTimer(handler, cpu, when_ns);
}
bool CancelTimer(HandlerId handler, int cpu) {
  RTFUZZ_BACKEND_OR(CancelTimer(handler, cpu));
  return Dying() ? false : M().CancelTimer(handler, cpu);
}
void Fail(std::string_view message) {
  if (Backend* backend = NativeHere()) backend->Report(Verdict::kFailure, message);
  RTFUZZ_PRECONDITION(!Dying(), "rt::Fail from a destructor while unwinding after a verdict");
  M().Fail(message);
}
void Report(Verdict verdict, std::string_view message) {
  if (Backend* backend = NativeHere()) backend->Report(verdict, message);
  RTFUZZ_PRECONDITION(!Dying(), "rt::Report from a destructor while unwinding after a verdict");
  M().Report(verdict, message);
  __builtin_unreachable();  // From a fiber, Report switches away for good.
}
bool PreemptRt() {
  RTFUZZ_BACKEND_OR(PreemptRt());
  return RunningMachine().scenario().preempt_rt();
}
bool Simulated() { return NativeHere() == nullptr; }
std::string DescribeWord(const volatile void* addr) { return internal::NameWord(addr, 0, 0); }
std::string DescribeCode(uint64_t ip) { return internal::NameCode(ip); }
bool CpuIsolated(int cpu) {
  // Natively the real isolation is not the scenario's: none is modeled.
  if (NativeHere() != nullptr) return false;
  return (RunningMachine().scenario().isolated_cpus() & Cpu(cpu)) != 0;
}
uint64_t ExecutionSerial() {
  RTFUZZ_BACKEND_OR(ExecutionSerial());
  return RunningMachine().execution_serial();
}
void QueueInterruptWork(int cpu, WorkVector vector, void (*fn)(void*), void* arg) {
  RTFUZZ_BACKEND_OR(QueueInterruptWork(cpu, vector, fn, arg));
  if (!Dying()) M().QueueInterruptWork(cpu, vector, fn, arg);
}
uint64_t PmuCount(int cpu, PmuEvent event) {
  RTFUZZ_BACKEND_OR(PmuCount(cpu, event));
  return M().PmuCount(cpu, event);
}

}  // namespace rtfuzz::rt
