// framework/include/rtfuzz/rt/context.h
//
// What a running task or interrupt handler may ask of the machine: scheduling
// points, blocking and waking, virtual time, preemption and interrupt state,
// raising interrupts, progress marks and failures. kapi (the kernel-API shim)
// is built from these; scenario bodies may call them directly.
//
// Every function here must be called from inside a running execution (a task
// or handler body). Scenario code the machine runs outside every context
// (Scenario::OnReset, end checks) may make kapi's plain accesses: a Point
// there does nothing (no point, no trace), so a library's *_init() with
// atomic stores runs as it would before the lock is shared; ExecutionSerial,
// NumCpus and PreemptRt answer too. Any other call there ends the execution
// with the verdict "exception" and a message naming the call and the fix;
// with no execution at all it is incorrect usage. The functions
// marked "a point" are scheduling points: the machine may switch to another
// CPU there, or deliver an interrupt on this one. Nothing else switches.
//
// A point follows the operation it records: the operation and its trace record
// happen together, then the machine decides. So an interrupt delivered at the
// point of op N runs between op N and op N+1 of the interrupted context.

#ifndef RTFUZZ_RT_CONTEXT_H_
#define RTFUZZ_RT_CONTEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/observer.h"
#include "rtfuzz/rt/scenario.h"
#include "rtfuzz/rt/trace.h"

namespace rtfuzz::rt {

// What a point did, for the PMU and the spin detector. Bit n counts PMU
// event n + 1 (pmu.h), so counting is a loop over the set bits.
enum PointFlags : uint32_t {
  kPointRead = 1u << 0,    // Counts "reads".
  kPointWrite = 1u << 1,   // Counts "writes"; a shared write is news for spinners.
  kPointAtomic = 1u << 2,  // Counts "atomics".
  kPointLockOp = 1u << 3,  // Counts "lock-ops".
  kPointSpin = 1u << 4,    // Counts "spins" (Spin() sets it; the detector runs there).
};
inline constexpr uint32_t kPointPmuMask = (1u << 5) - 1;  // The bits above count nothing.

// The size in bytes (1..8) of the word a point reads or writes, in bits 8..11
// of its flags: Point(..., flags | PointWordSize(sizeof(x)), &x, bits).
constexpr uint32_t PointWordSize(uint32_t bytes) { return bytes << 8; }
inline constexpr uint32_t kPointWordSizeMask = 0xfu << 8;

// A scheduling point recording `op` on `object` with `value`. A point.
// A read point without a word (below) makes its spin iteration judged by the
// coarse rule (no write anywhere), so kapi passes the word wherever it has one.
void Point(Op op, uint32_t object, uint64_t value, uint32_t flags);

// The same, for an access to memory, made after its memory effect: `word` is
// the word the operation read or wrote, `bits` the raw contents it read (up
// to 8 bytes, pointer values included: for an RMW the old contents, not the
// new) and flags' PointWordSize its size. Neither is
// traced: they are what the spin detector judges a spinner by, the words it
// reads (docs/architecture.md#time-warp), and what a spin-deadlock report
// names. A null word is the point above.
void Point(Op op, uint32_t object, uint64_t value, uint32_t flags, const volatile void* word,
           uint64_t bits);

// Names trace object `object` for reports, in this execution: `name` (a
// string literal, or anything that outlives the run), or, if null, the
// variable at `addr` (resolved from debug info only when a report asks).
// Not a point, not traced; also from OnReset (ids assigned there).
void NameObject(uint32_t object, const char* name, const volatile void* addr = nullptr);

// Records `op` in the trace for the current context without making a
// scheduling point: annotations (lockdep-style lock events) that must not
// add interleavings or count as PMU steps.
void Annotate(Op op, uint32_t object, uint64_t value);

// One iteration of a spin-wait loop (cpu_relax()). A point. A context whose
// iteration read the same words with the same values as the one before, and
// whose words still hold them, is stuck (its own stores do not count): the
// machine runs another CPU, re-judges it when one of its words changes, and
// when every runnable CPU is stuck it warps virtual time forward, or, when no
// timer, interrupt or clock read can change anything, ends the execution
// with spin-deadlock (docs/architecture.md#time-warp, #spin-deadlock).
// The spinner's own state is part of the judgement: a loop that counts its
// retries in a local changes its registers or stack each time, so it is not
// stuck for the verdict (x86-64; elsewhere locals are assumed not to count).
void Spin(uint32_t object = 0);

// A value in [0, bound) from the execution's DecisionSource, recorded like
// every decision (kValue). bound == 1 returns 0 without asking. A point.
uint64_t Choose(uint64_t bound);

// Virtual time in nanoseconds. A point (kTimeRead).
uint64_t Now();

// --- Tasks: blocking and waking (the kernel's set_current_state protocol) ---

TaskId CurrentTask();  // Incorrect usage outside task context.
// set_current_state(TASK_UNINTERRUPTIBLE): the next Schedule() blocks unless
// a Wake() comes first. `on`: what it is about to sleep on (a wait queue
// head, a lock), which a hang report names. A point.
void SetCurrentStateBlocked(const volatile void* on = nullptr);
// A wakeup on `on` (wake_up() of a wait queue, a lock's release) that woke
// `woken` (-1: nobody was waiting): hang reports say what the last wakeup
// on a sleeper's object did, and whether its task was still awake (call it
// before Wake()). Not a point.
void NoteWakeup(const volatile void* on, int woken);
// __set_current_state(TASK_RUNNING): cancels SetCurrentStateBlocked() when
// the task decides not to sleep after all (finish_wait()). A point.
void SetCurrentStateRunning();
// schedule(): blocks if the state is still blocked, else a plain point. Only
// in task context with preemption and interrupts enabled: anything else is
// the verdict sleep-in-atomic.
void Schedule();
// wake_up_process(): makes the task runnable (on the CPU of its affinity where
// it runs soonest) and preempts there if its priority is higher. True if the
// task was blocked or sleeping. A point. Any context may wake.
bool Wake(TaskId task);
// Blocks for `ns` of virtual time. A point.
void SleepFor(uint64_t ns);
// schedule_timeout(): Schedule(), and a task that blocks there is woken
// after `ns` of virtual time unless something wakes it first. Returns the
// time left (0: it timed out). A point.
uint64_t ScheduleTimeout(uint64_t ns);
// sched_yield(): to the tail of its priority. A point.
void Yield();
// Kernel prio scale: 0..98 for SCHED_FIFO 99..1, 120 for SCHED_OTHER; lower
// runs first. SetEffectivePriority is for priority inheritance: it requeues
// the task and preempts as a wakeup would. A point.
int EffectivePriority(TaskId task);
int NormalPriority(TaskId task);
void SetEffectivePriority(TaskId task, int prio);

// --- The current context ---

int CurrentCpu();
int NumCpus();
// The running context's id (tasks first, then interrupt instances; see
// rt/observer.h): what a lock records to name a queued waiter's context.
ContextId CurrentContextId();
ContextKind CurrentContextKind();
uint32_t PreemptCount();  // Of the current context; see preempt_count.h.
void PreemptDisable();    // A point.
void PreemptEnable();     // A point; preempts here if a wakeup is pending.
bool IrqsDisabled();
void LocalIrqDisable();   // A point.
void LocalIrqEnable();    // A point; pending hardirqs are delivered here.
unsigned long LocalIrqSave();            // A point. Returns the old state.
void LocalIrqRestore(unsigned long flags);  // A point.
void LocalBhDisable();    // A point.
void LocalBhEnable();     // A point; pending softirqs run here.

// Makes the handler's instance on `cpu` pending (an IPI when cpu is not the
// current one). Delivered at that CPU's next point where its kind is allowed.
// A point.
void RaiseInterrupt(HandlerId handler, int cpu);

// hrtimer_start()/hrtimer_try_to_cancel() on a timer's instance on `cpu`
// (a handler from Scenario::AddTimer, or any interrupt with a timer
// trigger): ArmTimer sets its next expiry to the absolute virtual time
// `when_ns` (a pending expiry is replaced; a past time fires at the next
// point), after which it repeats every TimerSpec::every_ns if that is set.
// CancelTimer removes a pending expiry and says whether there was one; a
// callback already queued or running is not stopped. Points (op kTimer).
void ArmTimer(HandlerId handler, int cpu, uint64_t when_ns);
bool CancelTimer(HandlerId handler, int cpu);

// The name of the variable (and member) at `addr` as the program's debug
// information gives it ("rcu_data[0].defer_qs_iw"), else its symbol and
// offset; never the address. For messages of reports only: it may read
// debug information. Not a point.
std::string DescribeWord(const volatile void* addr);
// The same for code: "function at file:line" of an instruction address of
// this process (demangled), or "" without debug information. Not a point;
// callable outside executions too (the native backend's reports).
std::string DescribeCode(uint64_t ip);

// Whether `cpu` is isolated (Scenario::IsolateCpu: nohz_full): kapi's
// tick_nohz_full_cpu(). Not a point.
bool CpuIsolated(int cpu);

// A progress mark: the stall oracle measures time between marks. Not a
// point (a trace record only), so a target marks progress without changing
// its interleavings.
void Progress(MarkId mark);

// Ends the execution with the verdict "failure" and `message` (BUG_ON()).
[[noreturn]] void Fail(std::string_view message);
// Ends the execution with any verdict (oracles, kapi's own checks).
[[noreturn]] void Report(Verdict verdict, std::string_view message);

// Whether the scenario runs PREEMPT_RT semantics (Scenario::SetPreemptRt).
bool PreemptRt();

// Whether the caller runs on the simulator (false on the native backend's
// real threads, docs/native.md): for model-only bookkeeping that relies on
// the code between two points being one indivisible step.
bool Simulated();

// A process-unique, increasing number of the running execution: what kapi
// keys per-execution object ids on.
uint64_t ExecutionSerial();

// The machine's built-in interrupt vectors: every CPU has one hardirq handler
// per vector, which runs the work queued for it in FIFO order (an IPI when
// queued from another CPU, counted as such).
enum class WorkVector : uint8_t {
  kCallFunction,  // smp_call_function_single(), on_each_cpu().
  kIrqWork,       // irq_work_queue(): a self-interrupt.
};
inline constexpr int kWorkVectorCount = 2;
// Queues fn(arg) on `cpu`'s vector and raises it. A point.
void QueueInterruptWork(int cpu, WorkVector vector, void (*fn)(void*), void* arg);

// Events counted so far by `cpu`'s virtual PMU in this execution.
uint64_t PmuCount(int cpu, PmuEvent event);

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_CONTEXT_H_
