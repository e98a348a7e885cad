// framework/src/native/runtime.cc
//
// The native backend's threads and contexts: one pinned thread per task,
// the rt calls of rtfuzz/rt/context.h answered from the calling thread's
// context stack, and the coordinator that runs iterations and watches for
// a run that stopped making progress.

#include "runtime.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <execinfo.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/preempt_count.h"

namespace rtfuzz::native::internal {
namespace {

Runtime* g_runtime = nullptr;
thread_local ThreadState* t_self = nullptr;

// Native serials are even (kapi's epoch claims use serial | 1) and far past
// any simulated execution's, so no lock mistakes a native run for one.
constexpr uint64_t kNativeSerial = (uint64_t{1} << 63) | 0xffffff00u;

// How often a waiting coordinator looks at the run: the watchdog's and the
// finding's latency, not a budget.
constexpr long kCoordinatorPollNs = 10'000'000;

long FutexWait(std::atomic<uint32_t>* word, uint32_t expected, long timeout_ns) {
  struct timespec ts = {timeout_ns / 1'000'000'000, timeout_ns % 1'000'000'000};
  return ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected,
                   timeout_ns > 0 ? &ts : nullptr, nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* word) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, INT32_MAX,
            nullptr, nullptr, 0);
}

// The signals the interrupt kinds arrive on (interrupt_signals.cc).
void BlockInterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int i = 1; i <= 4; ++i) sigaddset(&set, SIGRTMIN + i);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

uint64_t XorShift(uint64_t* s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

// The coordinator's counterpart of the task threads' barrier word.
std::atomic<uint32_t> g_generation{0};

}  // namespace

uint64_t MonotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

Runtime* Runtime::Get() { return g_runtime; }
ThreadState* Runtime::Self() { return t_self; }

Runtime::Runtime(const rt::Scenario& scenario, const StressOptions& options,
                 std::vector<OpenedEvent> events, Shared* shared)
    : scenario_(scenario),
      options_(options),
      events_(std::move(events)),
      shared_(shared),
      serial_(kNativeSerial) {
  for (uint32_t i = 0; i < kMaxLocks; ++i) {
    lock_names_[i].store(nullptr);
    exclusive_holder_[i].store(0);
    shared_holders_[i].store(0);
  }
  const int ncpus = scenario.num_cpus();
  instance_of_.assign(scenario.interrupts().size() * static_cast<size_t>(ncpus), -1);
  for (size_t h = 0; h < scenario.interrupts().size(); ++h) {
    const rt::InterruptSpec& spec = scenario.interrupts()[h];
    for (int cpu = 0; cpu < ncpus; ++cpu) {
      if ((spec.cpus & rt::Cpu(cpu)) == 0 || ninstances_ >= kMaxInstances) continue;
      Instance& in = instances_[ninstances_];
      in.handler = static_cast<rt::HandlerId>(h);
      in.cpu = cpu;
      in.max_fires = spec.trigger.max_fires;
      instance_of_[h * static_cast<size_t>(ncpus) + static_cast<size_t>(cpu)] = ninstances_++;
    }
  }
  g_runtime = this;
}

Runtime::~Runtime() { g_runtime = nullptr; }

double Runtime::SecondsSinceStart() const {
  return static_cast<double>(MonotonicNs() - start_ns_) / 1e9;
}

void Runtime::Note(const std::string& line) {
  const size_t used = std::strlen(shared_->notes);
  std::snprintf(shared_->notes + used, sizeof(shared_->notes) - used, "%s\n", line.c_str());
}

Frame& Runtime::Top(ThreadState* ts) const {
  return ts->frames[ts->depth.load(std::memory_order_relaxed)];
}

// --- Set-up ---

void Runtime::SetUpThread(ThreadState* ts) {
  t_self = ts;
  ts->tid = static_cast<pid_t>(::gettid());
  const rt::TaskSpec& spec = scenario_.tasks()[static_cast<size_t>(ts->task)];
  // Virtual CPU n runs on the n-th core this process may use, modulo.
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  sched_getaffinity(0, sizeof(allowed), &allowed);
  int want = ts->cpu % cores_, seen = 0;
  for (int core = 0; core < CPU_SETSIZE; ++core) {
    if (!CPU_ISSET(core, &allowed)) continue;
    if (seen++ == want) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(core, &one);
      sched_setaffinity(0, sizeof(one), &one);
      break;
    }
  }
  // Set explicitly: a thread inherits the coordinator's SCHED_FIFO 99.
  struct sched_param p = {};
  const bool fifo = fifo_ && spec.policy == rt::Policy::kFifo;
  p.sched_priority = fifo ? spec.rt_priority : 0;
  pthread_setschedparam(pthread_self(), fifo ? SCHED_FIFO : SCHED_OTHER, &p);
  ts->rng = (options_.seed + 1) * 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(ts->task + 1);
  Frame& f = ts->frames[0];
  f.kind = rt::ContextKind::kTask;
  f.id = static_cast<rt::ContextId>(ts->task);
}

void Runtime::TaskThreadMain(ThreadState* ts) {
  SetUpThread(ts);
  std::string error;
  const bool opened = OpenPerfEvents(ts, &error);
  if (!opened && ClaimFinding(Verdict::kPass, error, "", "")) {
    shared_->state.store(kUsage);
  }
  // Interrupts may come from here on, but run handlers only inside a body.
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, nullptr);  // ApplyMask's base: nothing blocked.
  ts->blocked_mask = 0;
  if (remaining_.fetch_sub(1) == 1) FutexWake(&remaining_);

  uint32_t seen = 0;
  for (;;) {
    uint32_t now = g_generation.load(std::memory_order_acquire);
    while (now == seen) {
      FutexWait(&g_generation, seen, 0);
      now = g_generation.load(std::memory_order_acquire);
    }
    seen = now;
    if (quit_.load(std::memory_order_acquire)) break;
    Frame& f = ts->frames[0];
    f.preempt_count = 0;
    f.irqs_disabled = false;
    f.nheld.store(0);
    f.waiting_on.store(0);
    ts->depth.store(0);
    ts->in_body.store(true, std::memory_order_release);
    const rt::TaskSpec& spec = scenario_.tasks()[static_cast<size_t>(ts->task)];
    if (spec.start_ns != 0) SleepFor(spec.start_ns);  // Virtual time read as real.
    try {
      spec.body();
    } catch (const std::exception& e) {
      Report(Verdict::kException, "task " + spec.name + " threw: " + e.what());
    } catch (...) {
      Report(Verdict::kException, "task " + spec.name + " threw a non-standard exception");
    }
    ts->in_body.store(false, std::memory_order_release);
    if (f.nheld.load() > 0) {
      Report(Verdict::kLeakedLock, "leaked lock: " + LockName(f.held[0].id.load()) +
                                       " still held when task " + spec.name + " returned");
    }
    if (f.preempt_count != 0 || f.irqs_disabled) {
      Report(Verdict::kContextImbalance,
             "task " + spec.name + " returned with " +
                 (f.irqs_disabled ? std::string("interrupts disabled")
                                  : "preempt_count " + std::to_string(f.preempt_count)));
    }
    if (remaining_.fetch_sub(1) == 1) FutexWake(&remaining_);
  }
  ClosePerfEvents(ts);
}

// --- The coordinator ---

void Runtime::Run() {
  start_ns_ = MonotonicNs();
  BlockInterruptSignals();  // Task threads inherit this; they unblock.
  {
    void* warm[4];
    backtrace(warm, 4);  // Loads the unwinder now, not in a signal handler.
  }
  InstallSignalHandlers();
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  sched_getaffinity(0, sizeof(allowed), &allowed);
  cores_ = CPU_COUNT(&allowed);
  const int ncpus = scenario_.num_cpus();
  if (cores_ >= ncpus) {
    Note("cpus: " + std::to_string(ncpus) + " virtual CPUs on " + std::to_string(ncpus) +
         " of " + std::to_string(cores_) + " cores, one each, pinned");
  } else {
    Note("cpus: this machine has " + std::to_string(cores_) + " cores for " +
         std::to_string(ncpus) + " virtual CPUs: CPU n runs on core n mod " +
         std::to_string(cores_) + ", so some CPUs share a core");
  }
  // The coordinator itself at the top RT priority, so a run whose threads
  // spin at SCHED_FIFO still has its watchdog.
  struct sched_param top = {};
  top.sched_priority = sched_get_priority_max(SCHED_FIFO);
  const int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &top);
  fifo_ = rc == 0;
  Note(fifo_ ? "scheduling: SCHED_FIFO tasks at their priorities (permitted)"
             : std::string("scheduling: SCHED_FIFO not permitted (") + std::strerror(rc) +
                   "; needs CAP_SYS_NICE or RLIMIT_RTPRIO): every task runs SCHED_OTHER");

  cpu_threads_.assign(static_cast<size_t>(ncpus), {});
  const int ntasks = scenario_.num_scenario_tasks();
  remaining_.store(static_cast<uint32_t>(ntasks));
  for (int t = 0; t < ntasks; ++t) {
    auto* ts = new ThreadState;
    ts->task = t;
    const rt::CpuMask mask = scenario_.tasks()[static_cast<size_t>(t)].affinity;
    ts->cpu = __builtin_ctzll(mask);  // A task that may run on several CPUs runs on the first.
    threads_.push_back(ts);
    cpu_threads_[static_cast<size_t>(ts->cpu)].push_back(ts);
  }
  for (ThreadState* ts : threads_) ts->thread = std::thread([this, ts] { TaskThreadMain(ts); });
  for (uint32_t left = remaining_.load(); left != 0; left = remaining_.load()) {
    FutexWait(&remaining_, left, kCoordinatorPollNs);
  }
  if (finding_claimed_.load()) FinishWithFinding();

  const uint64_t budget_ns = options_.max_total_time_s * 1'000'000'000ull;
  // The watchdog: no lock event, mark or iteration end for this long is a
  // deadlock or a stall. The scenario's deadlock budget is past every lock
  // timeout it knows (OracleBudgets::deadlock_ns), as the simulator's.
  const uint64_t watchdog_ns = scenario_.budgets().deadlock_ns;
  for (;;) {
    const uint64_t done = shared_->iterations.load();
    if (options_.iterations != 0 && done >= options_.iterations) break;
    if (budget_ns != 0 && MonotonicNs() - start_ns_ >= budget_ns) break;
    for (int i = 0; i < ninstances_; ++i) instances_[i].fires.store(0);
    RearmPerfEvents();
    if (scenario_.reset()) scenario_.reset()();
    iteration_.store(done + 1);
    remaining_.store(static_cast<uint32_t>(ntasks));
    g_generation.fetch_add(1, std::memory_order_acq_rel);
    FutexWake(&g_generation);
    uint64_t last_progress = progress_.load();
    uint64_t last_change_ns = MonotonicNs();
    for (uint32_t left = remaining_.load(); left != 0; left = remaining_.load()) {
      FutexWait(&remaining_, left, kCoordinatorPollNs);
      if (stop_.load()) FinishWithFinding();
      const uint64_t p = progress_.load();
      const uint64_t now = MonotonicNs();
      if (p != last_progress) {
        last_progress = p;
        last_change_ns = now;
      } else if (now - last_change_ns > watchdog_ns) {
        Watchdog(now - last_change_ns);
      }
    }
    if (stop_.load()) FinishWithFinding();
    for (const rt::EndCheck& check : scenario_.end_checks()) {
      if (!check.holds()) {
        // Said with the finding: a scenario's virtual-time budgets are real
        // time here, where the OS may delay a thread past a timeout that
        // virtual time never reaches (docs/native.md#time).
        ClaimFinding(Verdict::kEndCheckFailed,
                     "end check failed: " + check.name +
                         " (on real threads: if it depends on a timeout, an OS scheduling "
                         "delay can fail it too)",
                     "end-check|" + scenario_.name() + "|" + check.name, "");
        FinishWithFinding();
      }
    }
    shared_->iterations.fetch_add(1);
    NoteProgress();
  }
  quit_.store(true, std::memory_order_release);
  g_generation.fetch_add(1, std::memory_order_acq_rel);
  FutexWake(&g_generation);
  for (ThreadState* ts : threads_) ts->thread.join();
  shared_->seconds = SecondsSinceStart();
  shared_->state.store(kDone);
}

void Runtime::Watchdog(uint64_t quiet_ns) {
  const double quiet_s = static_cast<double>(quiet_ns) / 1e9;
  SampleThreads();
  // Nothing moved for the budget: lockdep's view of who holds what (a
  // lock without lock_acquired() hooks has only claims).
  for (ThreadState* ts : threads_) {
    const int depth = ts->depth.load();
    const Frame& f = ts->frames[depth];
    uint32_t lock = 0;
    for (int i = f.nheld.load() - 1; i >= 0 && lock == 0; --i) {
      if (!f.held[i].acquired.load()) lock = f.held[i].id.load();
    }
    if (lock == 0) continue;
    const int locks = CycleLocks(*ts, lock, View::kClaims);
    if (locks == 0) continue;
    char message[512];
    std::snprintf(message, sizeof(message),
                  "%s waits on lock %s at %s in a true deadlock (a wait-for cycle over %d "
                  "lock%s) and nothing happened for %.1f s: the lock did not detect it",
                  ContextName(*ts, depth).c_str(), LockName(lock).c_str(),
                  f.waiting_on.load() == lock && f.wait_site != nullptr ? f.wait_site
                                                                        : "(its last lock_acquire)",
                  locks,
                  locks == 1 ? "" : "s", quiet_s);
    ClaimMissedDeadlock(locks, lock, message);
    FinishWithFinding();
  }
  char message[256];
  std::snprintf(message, sizeof(message),
                "stall: no lock event, progress mark or finished iteration for %.1f s, and no "
                "wait-for cycle in view",
                quiet_s);
  ClaimFinding(Verdict::kStall, message, "stall|" + scenario_.name() + "|watchdog", "");
  FinishWithFinding();
}

// --- Findings ---

bool Runtime::ClaimFinding(Verdict verdict, const std::string& message,
                           const std::string& signature, const std::string& details) {
  if (finding_claimed_.exchange(true)) return false;
  shared_->verdict = static_cast<int>(verdict);
  shared_->finding_iteration = iteration_.load();
  shared_->finding_seconds = SecondsSinceStart();
  std::snprintf(shared_->message, sizeof(shared_->message), "%s", message.c_str());
  std::snprintf(shared_->signature, sizeof(shared_->signature), "%s", signature.c_str());
  std::snprintf(shared_->details, sizeof(shared_->details), "%s", details.c_str());
  stop_.store(true, std::memory_order_release);
  return true;
}

void Runtime::ClaimMissedDeadlock(int cycle_locks, uint32_t lock, const char* message) {
  const Verdict v = cycle_locks == 1 ? Verdict::kMissedAa : Verdict::kMissedAbba;
  ClaimFinding(v, message,
               std::string(VerdictName(v)) + "|" + scenario_.name() + "|" + LockName(lock), "");
}

void Runtime::Park() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  std::atomic<uint32_t> never{0};
  for (;;) FutexWait(&never, 0, 0);
}

void Runtime::FinishWithFinding() {
  if (shared_->state.load() != kUsage) {
    const std::string threads = DescribeThreads();
    const size_t used = std::strlen(shared_->details);
    std::snprintf(shared_->details + used, sizeof(shared_->details) - used, "%s",
                  threads.c_str());
    shared_->state.store(kFound);
  }
  shared_->seconds = SecondsSinceStart();
  // Threads may spin or sleep for good (that may be the finding): end the
  // process rather than join them.
  std::fflush(nullptr);
  _exit(0);
}

void Runtime::Report(Verdict verdict, std::string_view message) {
  std::string site;
  ThreadState* ts = t_self;
  if (ts != nullptr) site = ContextName(*ts, ts->depth.load());
  ClaimFinding(verdict, std::string(message),
               std::string(VerdictName(verdict)) + "|" + scenario_.name() + "|" + site, "");
  if (ts == nullptr) FinishWithFinding();  // The coordinator (an end check).
  Park();
}

void Runtime::Unsupported(std::string_view what) {
  if (ClaimFinding(Verdict::kPass,
                   "the native backend does not run " + std::string(what) +
                       " (docs/native.md#what-runs-natively); use --backend=sim",
                   "", "")) {
    shared_->state.store(kUsage);
  }
  if (t_self == nullptr) FinishWithFinding();
  Park();
}

std::string Runtime::ContextName(const ThreadState& ts, int depth) const {
  if (depth == 0) return "task:" + scenario_.tasks()[static_cast<size_t>(ts.task)].name;
  const Frame& f = ts.frames[depth];
  const Instance& in = instances_[f.instance];
  return std::string(rt::ContextKindName(f.kind)) + ":" +
         scenario_.interrupts()[in.handler].name + "@" + std::to_string(in.cpu);
}

std::string Runtime::LockName(uint32_t id) const {
  const char* name = id < kMaxLocks ? lock_names_[id].load() : nullptr;
  return name != nullptr ? std::string(name) : "#" + std::to_string(id);
}

// --- rt::Backend: the current context ---

void Runtime::Point(rt::Op, uint32_t, uint64_t, uint32_t) {}

void Runtime::NameObject(uint32_t object, const char* name, const volatile void*) {
  if (object < kMaxLocks && name != nullptr) {
    const char* none = nullptr;
    lock_names_[object].compare_exchange_strong(none, name);
  }
}

void Runtime::Spin(uint32_t) { __builtin_ia32_pause(); }

uint64_t Runtime::Choose(uint64_t bound) {
  ThreadState* ts = t_self;
  if (ts == nullptr || bound <= 1) return 0;
  return XorShift(&ts->rng) % bound;
}

uint64_t Runtime::Now() { return MonotonicNs() - start_ns_; }

rt::TaskId Runtime::CurrentTask() {
  ThreadState* ts = t_self;
  if (ts == nullptr) Unsupported("rt::CurrentTask() outside a task");
  return static_cast<rt::TaskId>(ts->task);
}

int Runtime::CurrentCpu() { return t_self != nullptr ? t_self->cpu : 0; }
int Runtime::NumCpus() { return scenario_.num_cpus(); }

rt::ContextId Runtime::CurrentContextId() {
  ThreadState* ts = t_self;
  return ts != nullptr ? Top(ts).id : rt::kNoContext;
}

rt::ContextKind Runtime::CurrentContextKind() {
  ThreadState* ts = t_self;
  return ts != nullptr ? Top(ts).kind : rt::ContextKind::kTask;
}

uint32_t Runtime::PreemptCount() {
  ThreadState* ts = t_self;
  return ts != nullptr ? Top(ts).preempt_count : 0;
}

void Runtime::PreemptDisable() {
  if (ThreadState* ts = t_self) Top(ts).preempt_count += rt::kPreemptOffset;
}

void Runtime::PreemptEnable() {
  ThreadState* ts = t_self;
  if (ts == nullptr) return;
  Frame& f = Top(ts);
  if ((f.preempt_count & rt::kPreemptMask) == 0) {
    Report(Verdict::kContextImbalance,
           ContextName(*ts, ts->depth.load()) +
               ": preempt_enable() with preemption already enabled");
  }
  f.preempt_count -= rt::kPreemptOffset;
}

bool Runtime::IrqsDisabled() {
  ThreadState* ts = t_self;
  return ts != nullptr && Top(ts).irqs_disabled;
}

void Runtime::LocalIrqDisable() {
  if (ThreadState* ts = t_self) {
    Top(ts).irqs_disabled = true;
    ApplyMask(ts);
  }
}

void Runtime::LocalIrqEnable() {
  if (ThreadState* ts = t_self) {
    Top(ts).irqs_disabled = false;
    ApplyMask(ts);
  }
}

// x86's EFLAGS.IF, as the simulator's local_irq_save() returns it.
constexpr unsigned long kFlagsIrqEnabled = 0x200;

unsigned long Runtime::LocalIrqSave() {
  ThreadState* ts = t_self;
  if (ts == nullptr) return kFlagsIrqEnabled;
  Frame& f = Top(ts);
  const unsigned long flags = f.irqs_disabled ? 0 : kFlagsIrqEnabled;
  f.irqs_disabled = true;
  ApplyMask(ts);
  return flags;
}

void Runtime::LocalIrqRestore(unsigned long flags) {
  if (ThreadState* ts = t_self) {
    Top(ts).irqs_disabled = (flags & kFlagsIrqEnabled) == 0;
    ApplyMask(ts);
  }
}

void Runtime::LocalBhDisable() {
  if (ThreadState* ts = t_self) {
    Top(ts).preempt_count += rt::kSoftirqDisableOffset;
    ApplyMask(ts);
  }
}

void Runtime::LocalBhEnable() {
  ThreadState* ts = t_self;
  if (ts == nullptr) return;
  Frame& f = Top(ts);
  if ((f.preempt_count & rt::kSoftirqMask) < rt::kSoftirqDisableOffset) {
    Report(Verdict::kContextImbalance, ContextName(*ts, ts->depth.load()) +
                                           ": local_bh_enable() without local_bh_disable()");
  }
  f.preempt_count -= rt::kSoftirqDisableOffset;
  ApplyMask(ts);
}

bool Runtime::PreemptRt() { return scenario_.preempt_rt(); }
uint64_t Runtime::ExecutionSerial() { return serial_; }
void Runtime::Progress(rt::MarkId) { NoteProgress(); }

// --- rt::Backend: sleeping and waking (set_current_state protocol) ---

void Runtime::SetCurrentStateBlocked(const volatile void*) {
  if (ThreadState* ts = t_self) ts->sleep_state.store(1, std::memory_order_seq_cst);
}

void Runtime::SetCurrentStateRunning() {
  if (ThreadState* ts = t_self) ts->sleep_state.store(0, std::memory_order_seq_cst);
}

void Runtime::Schedule() {
  ThreadState* ts = t_self;
  if (ts == nullptr) return;
  while (ts->sleep_state.load(std::memory_order_acquire) == 1) FutexWait(&ts->sleep_state, 1, 0);
}

bool Runtime::Wake(rt::TaskId task) {
  if (task >= threads_.size()) Unsupported("rt::Wake() of a machine kthread");
  ThreadState* ts = threads_[task];
  if (ts->sleep_state.exchange(0, std::memory_order_seq_cst) != 1) return false;
  FutexWake(&ts->sleep_state);
  return true;
}

void Runtime::SleepFor(uint64_t ns) {
  struct timespec ts = {static_cast<time_t>(ns / 1'000'000'000u),
                        static_cast<long>(ns % 1'000'000'000u)};
  while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) {
  }
}

uint64_t Runtime::ScheduleTimeout(uint64_t ns) {
  ThreadState* ts = t_self;
  if (ts == nullptr) return 0;
  const uint64_t end = MonotonicNs() + ns;
  while (ts->sleep_state.load(std::memory_order_acquire) == 1) {
    const uint64_t now = MonotonicNs();
    if (now >= end) {
      ts->sleep_state.store(0);
      return 0;
    }
    FutexWait(&ts->sleep_state, 1, static_cast<long>(end - now));
  }
  const uint64_t now = MonotonicNs();
  return now < end ? end - now : 1;
}

void Runtime::Yield() { sched_yield(); }

// Kernel prio scale, as rt::EffectivePriority: 0..98 for SCHED_FIFO 99..1.
int Runtime::EffectivePriority(rt::TaskId task) { return NormalPriority(task); }

int Runtime::NormalPriority(rt::TaskId task) {
  const rt::TaskSpec& spec = scenario_.tasks().at(task);
  return spec.policy == rt::Policy::kFifo ? 99 - spec.rt_priority : 120;
}

void Runtime::SetEffectivePriority(rt::TaskId, int) {
  Unsupported("rt::SetEffectivePriority() (priority inheritance is the kernel's PI futex here)");
}

void Runtime::ArmTimer(rt::HandlerId, int, uint64_t) { Unsupported("hrtimers (rt::ArmTimer)"); }
bool Runtime::CancelTimer(rt::HandlerId, int) { Unsupported("hrtimers (rt::CancelTimer)"); }

void Runtime::QueueInterruptWork(int, rt::WorkVector, void (*)(void*), void*) {
  Unsupported("smp_call_function()/irq_work_queue() (rt::QueueInterruptWork)");
}

uint64_t Runtime::PmuCount(int, rt::PmuEvent) { Unsupported("rt::PmuCount()"); }

}  // namespace rtfuzz::native::internal
