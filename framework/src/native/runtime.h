// framework/src/native/runtime.h
//
// The native backend's state, private to src/native. One Runtime lives in
// the child process of a stress run (stress.cc); its task threads run the
// scenario's bodies, its signal handlers the interrupt handlers
// (interrupt_signals.cc), its lock-event sink the oracles
// (native_oracles.cc), and its coordinator the iterations and the watchdog
// (runtime.cc).
//
// Everything a handler touches is fixed-size and reached through atomics or
// the thread's own state: handlers run in signal context.

#ifndef RTFUZZ_SRC_NATIVE_RUNTIME_H_
#define RTFUZZ_SRC_NATIVE_RUNTIME_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "rtfuzz/check/lock_event_sink.h"
#include "rtfuzz/native/native.h"
#include "rtfuzz/rt/backend.h"
#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::native::internal {

// The most contexts one thread can stack: task, softirq, hardirq, NMI.
inline constexpr int kMaxDepth = 4;
// Locks a context may hold at once (nesting depth; lockdep's is 48).
inline constexpr int kMaxHeld = 16;
// Lock ids the mutual-exclusion table covers (object ids of a run).
inline constexpr uint32_t kMaxLocks = 4096;
// Interrupt instances (handler x CPU) a scenario may have.
inline constexpr int kMaxInstances = 64;
// Perf events one thread may own (one per overflow-triggered handler of its CPU).
inline constexpr int kMaxPerfPerThread = 8;

struct HeldLock {
  std::atomic<uint32_t> id{0};  // 0: a free slot.
  bool shared = false;
  std::atomic<bool> acquired{false};
};

// One context on a thread's stack: the task at depth 0, interrupts above.
struct Frame {
  rt::ContextKind kind = rt::ContextKind::kTask;
  rt::ContextId id = 0;
  int instance = -1;  // Interrupt instance; -1 for the task.
  uint32_t preempt_count = 0;
  bool irqs_disabled = false;
  uint64_t interrupted_ip = 0;  // Where the signal landed (interrupts only).
  // The return addresses above it at that moment (backtrace(3) from the
  // handler: the interrupted code's callers), for the report.
  static constexpr int kMaxCallers = 32;
  void* callers[kMaxCallers] = {};
  int ncallers = 0;
  // A thread's own IP and callers, taken by a signal on the watchdog's
  // request: where a stuck thread is stuck.
  struct Sample {
    std::atomic<bool> taken{false};
    uint64_t ip = 0;
    void* callers[kMaxCallers] = {};
    int ncallers = 0;
  };
  HeldLock held[kMaxHeld];
  std::atomic<int> nheld{0};
  std::atomic<uint32_t> waiting_on{0};  // Lock id, while an attempt waits.
  uint64_t wait_start_ns = 0;
  const char* wait_site = nullptr;
};

struct PerfSlot {
  int fd = -1;
  int instance = -1;
  // Off once its handler reached max_fires in this iteration (no more
  // signals to drop: each costs the thread ~30 µs); re-armed by the
  // coordinator before the next iteration.
  std::atomic<bool> armed{false};
};

// A task's thread.
struct ThreadState {
  int task = 0;
  int cpu = 0;
  pid_t tid = 0;
  Frame frames[kMaxDepth];
  std::atomic<int> depth{0};  // Index of the top frame.
  uint64_t rng = 0;
  std::atomic<bool> in_body{false};
  std::atomic<uint32_t> sleep_state{0};  // 1: set_current_state(blocked) pending.
  uint32_t blocked_mask = 0;        // The interrupt kinds the mask blocks now.
  // Where the thread was when the watchdog sampled it (SampleThreads).
  Frame::Sample sample;
  PerfSlot perf[kMaxPerfPerThread];
  int nperf = 0;
  std::thread thread;
};

struct Instance {
  rt::HandlerId handler = 0;
  int cpu = 0;
  uint32_t max_fires = 0;
  std::atomic<uint32_t> fires{0};    // This iteration.
  std::atomic<bool> pending{false};  // Raised by rt::RaiseInterrupt.
};

// The event an overflow-triggered handler opens, resolved before the run.
struct OpenedEvent {
  std::string name;  // As opened (after any fallback).
  uint32_t type = 0;
  uint64_t config = 0, config1 = 0, config2 = 0;
  bool clock = false;  // A time-based software event (sample period in ns).
};

// What the child shares with the parent (MAP_SHARED), and fills in.
struct Shared {
  std::atomic<uint64_t> iterations{0};
  std::atomic<uint64_t> interrupts{0};
  std::atomic<uint64_t> interrupts_idle{0};
  std::atomic<uint64_t> interrupts_limited{0};
  std::atomic<uint64_t> deadlock_on_cycle{0};
  std::atomic<uint64_t> deadlock_unjudged{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<int> state{0};  // kRunning, kDone, kFound, kUsage.
  int verdict = 0;
  uint64_t finding_iteration = 0;
  double finding_seconds = 0;
  double seconds = 0;
  char message[1024] = {};
  char signature[512] = {};
  char details[32768] = {};
  char notes[4096] = {};
};
enum SharedState : int { kRunning = 0, kDone = 1, kFound = 2, kUsage = 3 };

class Runtime final : public rt::Backend, public check::LockEventSink {
 public:
  Runtime(const rt::Scenario& scenario, const StressOptions& options,
          std::vector<OpenedEvent> events, Shared* shared);
  ~Runtime() override;

  // Runs the iterations; returns when done, or never (a finding _exits).
  void Run();

  static Runtime* Get();
  static ThreadState* Self();  // The calling thread's, or nullptr.

  // --- rt::Backend ---
  void Point(rt::Op op, uint32_t object, uint64_t value, uint32_t flags) override;
  void NameObject(uint32_t object, const char* name, const volatile void* addr) override;
  void Spin(uint32_t object) override;
  uint64_t Choose(uint64_t bound) override;
  uint64_t Now() override;
  rt::TaskId CurrentTask() override;
  void SetCurrentStateBlocked(const volatile void* on) override;
  void SetCurrentStateRunning() override;
  void Schedule() override;
  bool Wake(rt::TaskId task) override;
  void SleepFor(uint64_t ns) override;
  uint64_t ScheduleTimeout(uint64_t ns) override;
  void Yield() override;
  int EffectivePriority(rt::TaskId task) override;
  int NormalPriority(rt::TaskId task) override;
  void SetEffectivePriority(rt::TaskId task, int prio) override;
  int CurrentCpu() override;
  int NumCpus() override;
  rt::ContextId CurrentContextId() override;
  rt::ContextKind CurrentContextKind() override;
  uint32_t PreemptCount() override;
  void PreemptDisable() override;
  void PreemptEnable() override;
  bool IrqsDisabled() override;
  void LocalIrqDisable() override;
  void LocalIrqEnable() override;
  unsigned long LocalIrqSave() override;
  void LocalIrqRestore(unsigned long flags) override;
  void LocalBhDisable() override;
  void LocalBhEnable() override;
  void RaiseInterrupt(rt::HandlerId handler, int cpu) override;
  void ArmTimer(rt::HandlerId handler, int cpu, uint64_t when_ns) override;
  bool CancelTimer(rt::HandlerId handler, int cpu) override;
  void Progress(rt::MarkId mark) override;
  [[noreturn]] void Report(Verdict verdict, std::string_view message) override;
  bool PreemptRt() override;
  uint64_t ExecutionSerial() override;
  void QueueInterruptWork(int cpu, rt::WorkVector vector, void (*fn)(void*), void* arg) override;
  uint64_t PmuCount(int cpu, rt::PmuEvent event) override;
  [[noreturn]] void Unsupported(std::string_view what) override;

  // --- check::LockEventSink (native_oracles.cc) ---
  void OnAcquire(check::LockId lock, const char* name, check::LockMode mode, bool trylock,
                 const char* site, check::LockKind kind) override;
  void OnContended(check::LockId lock, const char* site) override;
  void OnAcquired(check::LockId lock, const char* site) override;
  void OnFailed(check::LockId lock, int error, const char* site) override;
  void OnRelease(check::LockId lock, const char* site) override;
  void OnNamed(check::LockId lock, const char* name) override;
  bool Holds(check::LockId lock, int read) override;

  // --- Interrupts (interrupt_signals.cc) ---
  void InstallSignalHandlers();
  // Opens this thread's perf events; false with `error` on failure.
  bool OpenPerfEvents(ThreadState* ts, std::string* error);
  void ClosePerfEvents(ThreadState* ts);
  void OnInterruptSignal(int signo, void* info, void* ucontext);
  // The signal mask the thread's frames ask for, applied if it changed.
  void ApplyMask(ThreadState* ts);
  // Has every thread still in its body record where it is (a signal each;
  // waits up to 100 ms for the answers). For the watchdog's report.
  void SampleThreads();
  void OnSampleSignal(void* ucontext);

  // --- Findings ---
  // Claims the run's one finding: fills Shared, stops the run. From any
  // thread, signal handlers included; the caller then parks or returns.
  bool ClaimFinding(Verdict verdict, const std::string& message, const std::string& signature,
                    const std::string& details);
  [[noreturn]] void Park();  // A task thread after its finding: forever.
  // Claims missed-AA (a cycle over one lock) or missed-ABBA on `lock`.
  void ClaimMissedDeadlock(int cycle_locks, uint32_t lock, const char* message);
  std::string ContextName(const ThreadState& ts, int depth) const;
  std::string LockName(uint32_t id) const;
  // Every thread's context stack, for reports (not signal-safe: the
  // coordinator calls it after the run stopped).
  std::string DescribeThreads() const;
  // Which contexts hold a lock, for the wait-for graph: kAcquired, those
  // whose claim lock_acquired() confirmed (while the run goes on: a context
  // may still be spinning for a lock it called lock_acquire() on); kClaims,
  // lockdep's view, every claim (lock_acquire() and no release yet) but the
  // newest unconfirmed one of a running context, which it is taken to be
  // spinning for (the watchdog's view, once nothing has moved for a budget).
  enum class View { kAcquired, kClaims };
  // A wait-for cycle through the top frame of `ts` waiting on `lock`: the
  // number of locks on it (0: none).
  int CycleLocks(const ThreadState& ts, uint32_t lock, View view) const;

  void NoteProgress() { progress_.fetch_add(1, std::memory_order_relaxed); }
  bool stopping() const { return stop_.load(std::memory_order_acquire); }
  double SecondsSinceStart() const;

 private:
  void TaskThreadMain(ThreadState* ts);
  // No progress for `quiet_ns`: a missed deadlock if a waiter is on a
  // cycle, else a stall. Does not return.
  [[noreturn]] void Watchdog(uint64_t quiet_ns);
  // Runs the handler of `instance` on `ts` unless over its max_fires;
  // returns whether more overflows of it may run in this iteration.
  bool RunInstance(ThreadState* ts, int instance, uint64_t ip);
  void RearmPerfEvents();
  void SetUpThread(ThreadState* ts);
  Frame& Top(ThreadState* ts) const;
  [[noreturn]] void FinishWithFinding();
  void Note(const std::string& line);

  const rt::Scenario& scenario_;
  StressOptions options_;
  std::vector<OpenedEvent> events_;  // Per handler (empty name: not overflow).
  Shared* shared_;
  std::vector<ThreadState*> threads_;
  std::vector<std::vector<ThreadState*>> cpu_threads_;  // Per virtual CPU.
  Instance instances_[kMaxInstances];
  int ninstances_ = 0;
  std::vector<int> instance_of_;  // handler * num_cpus + cpu -> instance, or -1.
  std::atomic<const char*> lock_names_[kMaxLocks];
  std::atomic<uint64_t> exclusive_holder_[kMaxLocks];  // (thread + 1) << 8 | depth.
  std::atomic<uint32_t> shared_holders_[kMaxLocks];
  std::atomic<uint64_t> progress_{0};
  std::atomic<uint32_t> remaining_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> quit_{false};
  std::atomic<bool> finding_claimed_{false};
  std::atomic<uint64_t> iteration_{0};
  uint64_t serial_;
  uint64_t start_ns_ = 0;
  int cores_ = 1;
  bool fifo_ = false;
};

uint64_t MonotonicNs();

}  // namespace rtfuzz::native::internal

#endif  // RTFUZZ_SRC_NATIVE_RUNTIME_H_
