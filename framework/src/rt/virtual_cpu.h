// framework/src/rt/virtual_cpu.h
//
// The machine's per-execution records: contexts, tasks, interrupt handler
// instances and virtual CPUs. Plain data; the rules that change them are in
// machine_impl.h. Internal to rtfuzz::rt.

#ifndef RTFUZZ_SRC_RT_VIRTUAL_CPU_H_
#define RTFUZZ_SRC_RT_VIRTUAL_CPU_H_

#include <cstdint>
#include <string>
#include <vector>

#include "fiber.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/observer.h"
#include "rtfuzz/rt/pmu.h"
#include "rtfuzz/rt/scenario.h"
#include "run_queue.h"

namespace rtfuzz::rt::internal {

// Interrupt nesting above the task: softirq, hardirq, NMI, and hardirqs that
// re-enable interrupts. Deeper nesting is the verdict context-imbalance.
inline constexpr int kMaxIrqDepth = 8;
inline constexpr uint64_t kUnbounded = UINT64_MAX;

struct Task;
struct HandlerInstance;

// One memory access of a context, as the spin detector logs it
// (spin_detector.cc): the word's address with its size in the top byte
// (user addresses fit in 56 bits), and its raw contents after the access.
// Two stores per logged read: the point's hot path.
struct WordAccess {
  uintptr_t tagged;
  uint64_t bits;  // What the access read: for an RMW, the contents before it.

  static uintptr_t Tag(const volatile void* addr, uint32_t size) {
    return reinterpret_cast<uintptr_t>(addr) | uintptr_t{size} << 56;
  }
  const volatile void* addr() const {
    return reinterpret_cast<const volatile void*>(tagged & ((uintptr_t{1} << 56) - 1));
  }
  uint32_t size() const { return static_cast<uint32_t>(tagged >> 56); }
};

// The spin detector compares a spin iteration with the end of the one before,
// so a context keeps its last accesses in a ring of two intervals' worth; an
// iteration with more reads than half of it is judged by the coarse rule.
inline constexpr uint32_t kFootprintRing = 32;
inline constexpr uint32_t kMaxIterationWords = kFootprintRing / 2;
// Bits of Context::fp_flags: what an iteration did besides its logged reads.
inline constexpr uint32_t kFpAnonymousRead = 1u << 0;  // A read with no word.
inline constexpr uint32_t kFpClockRead = 1u << 1;      // rt::Now().

// One execution context: a task, or one invocation slot of an interrupt
// handler on one CPU.
struct Context {
  Fiber fiber;
  std::string name;      // "task:low", "nmi:pmu@1"; built once per scenario.
  uint16_t id = 0;       // Trace id: tasks first, then handler instances.
  ContextKind kind = ContextKind::kTask;
  int cpu = 0;
  Task* task = nullptr;             // Set iff kind == kTask.
  HandlerInstance* handler = nullptr;  // Set iff kind != kTask.
  bool started = false;  // Its fiber exists (created lazily on first run).
  uint32_t preempt_count = 0;
  bool irqs_disabled = false;
  // What an interrupt context must restore before it returns.
  uint32_t entry_preempt_count = 0;
  bool entry_irqs_disabled = false;
  // Spin detector (spin_detector.cc). stuck: its last spin repeated the
  // iteration before it. precise: judged by its words (else by the coarse
  // rule: no write anywhere). spin_epoch: the machine's news epoch then.
  uint64_t spin_epoch = kUnbounded;
  bool stuck = false;
  bool precise = false;
  // Its accesses: fp_count logged (the ring keeps the last
  // kFootprintRing), fp_mark at its last spin, fp_prev_mark at the one
  // before; so the iteration it is stuck in is [fp_prev_mark, fp_mark).
  // fp_flags: kFpAnonymousRead, kFpClockRead since the last spin;
  // spin_flags: those of the last iteration.
  bool logging = false;  // Its reads are logged (it spun, and its iteration fits).
  uint32_t fp_count = 0;
  uint32_t fp_mark = 0;
  uint32_t fp_prev_mark = 0;
  uint32_t fp_flags = 0;
  uint32_t spin_flags = 0;
  WordAccess fp[kFootprintRing];
  // A fingerprint of its own state (registers and stack) at its last spin
  // whose reads repeated the iteration before, if `state_known`.
  uint64_t state_hash = 0;
  bool state_known = false;
  uint64_t last_spin_step = 0;  // Step of its last cpu_relax(), if spin_epoch is set.

  // Whether ring position i is the last access to its word before `end`.
  bool LastAccessBefore(uint32_t i, uint32_t end) const {
    const volatile void* a = fp[i & (kFootprintRing - 1)].addr();
    for (uint32_t j = i + 1; j != end; ++j) {
      if (fp[j & (kFootprintRing - 1)].addr() == a) return false;
    }
    return true;
  }

  // Whether ring position i is the first access to its word from `begin`.
  bool FirstAccessFrom(uint32_t begin, uint32_t i) const {
    const volatile void* a = fp[i & (kFootprintRing - 1)].addr();
    for (uint32_t j = begin; j != i; ++j) {
      if (fp[j & (kFootprintRing - 1)].addr() == a) return false;
    }
    return true;
  }

  // A new execution, or a new invocation of its handler: nothing spun yet.
  void ResetSpin() {
    spin_epoch = kUnbounded;
    stuck = precise = logging = state_known = false;
    fp_count = fp_mark = fp_prev_mark = 0;
    fp_flags = spin_flags = 0;
  }
};

enum class RunState : uint8_t {
  kNotStarted,  // Waiting for start_ns.
  kRunning,     // TASK_RUNNING: on a CPU or a run queue.
  kBlocked,     // After SetCurrentStateBlocked(): blocks at Schedule().
  kExited,
};

struct Task : RunQueueLinks {  // RunQueueLinks::prio is the effective prio.
  Context ctx;
  const TaskSpec* spec = nullptr;
  TaskId id = 0;
  RunState state = RunState::kNotStarted;
  bool queued = false;   // On a CPU (as curr) or on a run queue.
  int normal_prio = 0;
  // The last de-boost (SetEffectivePriority to a worse prio): from which
  // prio, and when (reports; never steers). deboosted_at == 0: none yet.
  int deboosted_from = 0;
  uint64_t deboosted_at = 0;
  int cpu = 0;           // The CPU it runs or last ran on.
  uint64_t sleep_generation = 0;  // Bumped to cancel a pending sleep timer.
  uint64_t off_cpu_since = 0;     // When it last stopped being a CPU's curr.
  // CPU bandwidth control: the group (index into MachineImpl::groups_) or -1,
  // and whether it waits off the run queues for its group's refill.
  int group = -1;
  bool throttled = false;
  // Machine kthreads: asleep waiting for work (not a hung task).
  bool idle = false;
  // What it last said it sleeps on (rt::SetCurrentStateBlocked), and when.
  const volatile void* sleep_on = nullptr;
  uint64_t sleep_step = 0;
};

// A unit of work for a CPU's ktimers thread: a soft timer's callback, or a
// task group's refill.
struct KtimersWork {
  HandlerInstance* timer;  // Or null: a refill of `group`.
  int group;
};

struct HandlerInstance {
  Context ctx;
  const InterruptSpec* spec = nullptr;
  HandlerId handler = 0;
  int cpu = 0;
  int slot = 0;          // Bit in the CPU's pending masks.
  bool active = false;   // On the CPU's context stack now.
  uint32_t fires = 0;    // Deliveries in this execution.
  // Overflow trigger: the period and the events left before the next overflow.
  bool armed = false;
  uint64_t period = 0;
  uint64_t countdown = 0;
  // Routing (docs/architecture.md#kthreads): a soft timer on PREEMPT_RT is
  // queued to ktimers/N; a threaded interrupt wakes irq/N-name.
  bool to_ktimers = false;
  bool ktimers_queued = false;  // Expired, waiting in the ktimers queue.
  Task* irq_thread = nullptr;   // Threaded: the thread the hardirq wakes.
  bool forced_thread = false;   // The handler itself runs in irq_thread.
  bool thread_pending = false;  // IRQ_WAKE_THREAD not yet served.
  // Timer triggers: the pending expiry (kUnbounded: none) and the
  // generation that cancels stale ones (rt::ArmTimer, rt::CancelTimer).
  uint64_t timer_expires = kUnbounded;
  uint64_t timer_generation = 0;
};

struct VirtualCpu {
  int index = 0;
  Task* curr = nullptr;  // The running task; null = idle. Idle => rq empty.
  Context* irq_stack[kMaxIrqDepth] = {};
  int irq_depth = 0;
  RunQueue rq;
  bool need_resched = false;
  bool rotate = false;     // SCHED_OTHER slice expired: curr goes to the tail.
  uint64_t slice_generation = 0;         // Bumped whenever curr changes.
  uint64_t slice_timer_generation = 0;   // Generation a slice timer is armed for.
  uint64_t curr_since = 0;               // When curr started running.
  uint64_t pending = 0;    // Pending handler instances, by slot.
  uint64_t nmi_slots = 0;  // Slots of each kind, to pick what to deliver.
  uint64_t hardirq_slots = 0;
  uint64_t softirq_slots = 0;
  std::vector<HandlerInstance*> handlers;  // By slot.
  std::vector<HandlerInstance*> armed;     // Overflow-armed instances.
  uint64_t pmu[kPmuEventCount] = {};
  // Noise and interrupt recursion, for the oracles (rt/observer.h).
  CpuNoise noise;
  uint64_t irq_since = 0;   // When the current run of interrupts began.
  uint64_t irq_streak = 0;  // Interrupts since the task level made a point.
  // The built-in work vectors (context.h WorkVector): queued work, FIFO.
  struct Work {
    void (*fn)(void*);
    void* arg;
  };
  std::vector<Work> work[kWorkVectorCount];
  Work last_work = {nullptr, nullptr};  // The last one run (stall reports).
  size_t work_head[kWorkVectorCount] = {};
  HandlerInstance* work_handler[kWorkVectorCount] = {};
  // ktimers/N (null if the scenario has no soft timer here) and its queue.
  Task* ktimers = nullptr;
  std::vector<KtimersWork> ktimers_queue;
  size_t ktimers_head = 0;
  // CPU bandwidth: the group member whose runtime this CPU is charging.
  Task* charged = nullptr;

  Context* Top() const {
    if (irq_depth > 0) return irq_stack[irq_depth - 1];
    return curr != nullptr ? &curr->ctx : nullptr;
  }
};

}  // namespace rtfuzz::rt::internal

#endif  // RTFUZZ_SRC_RT_VIRTUAL_CPU_H_
