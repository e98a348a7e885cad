// framework/src/native/interrupt_signals.cc
//
// Interrupts on the native backend: each kind is a real-time signal, sent
// by a perf event's overflow (fcntl F_SETSIG, F_SETOWN_EX to the thread,
// O_ASYNC) or by rt::RaiseInterrupt (tgkill), and its handler runs the
// scenario's handler on the interrupted thread, on top of whatever that
// thread was doing: true reentrancy.
//
// Masks follow the kernel's: an NMI is never blocked but blocks everything
// while it runs; a hardirq is blocked by local_irq_disable() and blocks
// hardirqs and softirqs while it runs; a softirq is blocked also by
// local_bh_disable(). A blocked signal stays pending and is delivered when
// the mask drops it: local_irq_restore() is where a pending hardirq runs.

#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <execinfo.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

#include "perf_event.h"
#include "runtime.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/preempt_count.h"

namespace rtfuzz::native::internal {
namespace {

// Kind bits of ThreadState::blocked_mask.
constexpr uint32_t kSoftBit = 1u << 0;
constexpr uint32_t kHardBit = 1u << 1;
constexpr uint32_t kNmiBit = 1u << 2;

int SignalFor(rt::ContextKind kind) {
  switch (kind) {
    case rt::ContextKind::kNmi: return SIGRTMIN + 1;
    case rt::ContextKind::kHardirq: return SIGRTMIN + 2;
    default: return SIGRTMIN + 3;
  }
}

rt::ContextKind KindOf(int signo) {
  if (signo == SIGRTMIN + 1) return rt::ContextKind::kNmi;
  if (signo == SIGRTMIN + 2) return rt::ContextKind::kHardirq;
  return rt::ContextKind::kSoftirq;
}

// What running in a context of `kind` blocks by itself.
uint32_t BaseBlock(rt::ContextKind kind) {
  switch (kind) {
    case rt::ContextKind::kNmi: return kNmiBit | kHardBit | kSoftBit;
    case rt::ContextKind::kHardirq: return kHardBit | kSoftBit;
    case rt::ContextKind::kSoftirq: return kSoftBit;
    default: return 0;
  }
}

// preempt_count on entry, as nmi_enter()/irq_enter()/softirq entry set it.
uint32_t EntryCount(rt::ContextKind kind) {
  switch (kind) {
    case rt::ContextKind::kNmi: return rt::kNmiOffset + rt::kHardirqOffset;
    case rt::ContextKind::kHardirq: return rt::kHardirqOffset;
    default: return rt::kSoftirqOffset;
  }
}

// Default sample periods. An overflow signal costs its thread ~30 µs of
// CPU (27-29 µs from overflow to handler entry, ~31 µs lost per signal:
// shared/PERF-FACTS.md), and a clock event counts that time too, so a
// period near it is a storm in which the interrupted code never runs. At
// 100 µs (the measured setting, ~10 k signals/s) a thread keeps ~70% of
// its time. A counted event's 100 k instructions is the same order on a
// core retiring ~1-3 instructions per ns.
constexpr uint64_t kDefaultClockPeriodNs = 100'000;
constexpr uint64_t kDefaultCountPeriod = 100'000;

uint32_t FramesBlock(const ThreadState& ts, int depth) {
  uint32_t bits = 0;
  for (int d = 0; d <= depth; ++d) {
    const Frame& f = ts.frames[d];
    bits |= BaseBlock(f.kind);
    if (f.irqs_disabled) bits |= kHardBit | kSoftBit;
    if ((f.preempt_count & rt::kSoftirqMask) >= rt::kSoftirqDisableOffset) bits |= kSoftBit;
  }
  return bits;
}

void OnSignal(int signo, siginfo_t* info, void* ucontext) {
  if (Runtime* rt = Runtime::Get()) rt->OnInterruptSignal(signo, info, ucontext);
}

// The watchdog's sampling signal: never blocked by the interrupt masks.
int SampleSignal() { return SIGRTMIN + 4; }

void OnSample(int, siginfo_t*, void* ucontext) {
  if (Runtime* rt = Runtime::Get()) rt->OnSampleSignal(ucontext);
}

uint64_t InterruptedIp(void* ucontext) {
#if defined(__x86_64__)
  return static_cast<uint64_t>(static_cast<ucontext_t*>(ucontext)->uc_mcontext.gregs[REG_RIP]);
#else
  (void)ucontext;
  return 0;
#endif
}

}  // namespace

void Runtime::InstallSignalHandlers() {
  const rt::ContextKind kinds[] = {rt::ContextKind::kNmi, rt::ContextKind::kHardirq,
                                   rt::ContextKind::kSoftirq};
  for (rt::ContextKind kind : kinds) {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = OnSignal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    const uint32_t block = BaseBlock(kind);
    if (block & kSoftBit) sigaddset(&sa.sa_mask, SignalFor(rt::ContextKind::kSoftirq));
    if (block & kHardBit) sigaddset(&sa.sa_mask, SignalFor(rt::ContextKind::kHardirq));
    if (block & kNmiBit) sigaddset(&sa.sa_mask, SignalFor(rt::ContextKind::kNmi));
    sigaction(SignalFor(kind), &sa, nullptr);
  }
  struct sigaction sample;
  std::memset(&sample, 0, sizeof(sample));
  sample.sa_sigaction = OnSample;
  sample.sa_flags = SA_SIGINFO | SA_RESTART;
  sigfillset(&sample.sa_mask);
  sigaction(SampleSignal(), &sample, nullptr);
}

void Runtime::OnSampleSignal(void* ucontext) {
  ThreadState* ts = Self();
  if (ts == nullptr) return;
  ts->sample.ip = InterruptedIp(ucontext);
  ts->sample.ncallers = backtrace(ts->sample.callers, Frame::kMaxCallers);
  ts->sample.taken.store(true, std::memory_order_release);
}

void Runtime::SampleThreads() {
  for (ThreadState* ts : threads_) {
    ts->sample.taken.store(false);
    if (ts->in_body.load()) ::syscall(SYS_tgkill, getpid(), ts->tid, SampleSignal());
  }
  for (int wait = 0; wait < 100; ++wait) {
    bool all = true;
    for (ThreadState* ts : threads_) all = all && (!ts->in_body.load() || ts->sample.taken.load());
    if (all) return;
    usleep(1000);
  }
}

void Runtime::ApplyMask(ThreadState* ts) {
  const uint32_t want = FramesBlock(*ts, ts->depth.load(std::memory_order_relaxed));
  if (want == ts->blocked_mask) return;
  // One syscall: the thread's mask is empty but for these (task threads
  // start with nothing else blocked), so the wanted set is the whole mask.
  sigset_t mask;
  sigemptyset(&mask);
  if (want & kSoftBit) sigaddset(&mask, SignalFor(rt::ContextKind::kSoftirq));
  if (want & kHardBit) sigaddset(&mask, SignalFor(rt::ContextKind::kHardirq));
  if (want & kNmiBit) sigaddset(&mask, SignalFor(rt::ContextKind::kNmi));
  ts->blocked_mask = want;
  pthread_sigmask(SIG_SETMASK, &mask, nullptr);  // Pending ones run here.
}

bool Runtime::OpenPerfEvents(ThreadState* ts, std::string* error) {
  for (int i = 0; i < ninstances_; ++i) {
    const Instance& in = instances_[i];
    const OpenedEvent& event = events_[in.handler];
    if (in.cpu != ts->cpu || event.name.empty()) continue;
    if (ts->nperf >= kMaxPerfPerThread) {
      *error = "more than 8 overflow-triggered interrupts on one CPU";
      return false;
    }
    const uint64_t period = options_.sample_period != 0 ? options_.sample_period
                            : event.clock                  ? kDefaultClockPeriodNs
                                                           : kDefaultCountPeriod;
    const int fd = OpenEventFd(event, period);
    const rt::ContextKind kind = scenario_.interrupts()[in.handler].kind;
    struct f_owner_ex owner = {F_OWNER_TID, ts->tid};
    if (fd < 0 || fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK) != 0 ||
        fcntl(fd, F_SETSIG, SignalFor(kind)) != 0 || fcntl(fd, F_SETOWN_EX, &owner) != 0 ||
        ioctl(fd, PERF_EVENT_IOC_RESET, 0) != 0 || ioctl(fd, PERF_EVENT_IOC_REFRESH, 1) != 0) {
      *error = "event '" + event.name + "' on task thread " + std::to_string(ts->task) + ": " +
               std::strerror(errno);
      if (fd >= 0) close(fd);
      return false;
    }
    PerfSlot& slot = ts->perf[ts->nperf++];
    slot.fd = fd;
    slot.instance = i;
    slot.armed.store(true);
  }
  return true;
}

void Runtime::ClosePerfEvents(ThreadState* ts) {
  for (int i = 0; i < ts->nperf; ++i) close(ts->perf[i].fd);
  ts->nperf = 0;
}

void Runtime::OnInterruptSignal(int signo, void* info_ptr, void* ucontext) {
  ThreadState* ts = Self();
  if (ts == nullptr) return;
  const int saved_errno = errno;
  auto* info = static_cast<siginfo_t*>(info_ptr);
  const uint64_t ip = InterruptedIp(ucontext);
  if (info->si_code > 0) {
    // A perf overflow (si_code POLL_*): the handler bound to that fd, then
    // re-arm it for one more overflow.
    for (int i = 0; i < ts->nperf; ++i) {
      PerfSlot& slot = ts->perf[i];
      if (slot.fd != info->si_fd) continue;
      if (RunInstance(ts, slot.instance, ip)) {
        ioctl(slot.fd, PERF_EVENT_IOC_REFRESH, 1);
      } else {
        slot.armed.store(false, std::memory_order_release);
      }
    }
  } else {
    // rt::RaiseInterrupt: every pending instance of this kind on this CPU.
    const rt::ContextKind kind = KindOf(signo);
    for (int i = 0; i < ninstances_; ++i) {
      Instance& in = instances_[i];
      if (in.cpu != ts->cpu || scenario_.interrupts()[in.handler].kind != kind) continue;
      if (in.pending.exchange(false)) RunInstance(ts, i, ip);
    }
  }
  errno = saved_errno;
}

void Runtime::RearmPerfEvents() {
  for (ThreadState* ts : threads_) {
    for (int i = 0; i < ts->nperf; ++i) {
      PerfSlot& slot = ts->perf[i];
      if (slot.armed.exchange(true)) continue;
      ioctl(slot.fd, PERF_EVENT_IOC_REFRESH, 1);
    }
  }
}

bool Runtime::RunInstance(ThreadState* ts, int instance, uint64_t ip) {
  if (!ts->in_body.load(std::memory_order_acquire) || stopping()) {
    shared_->interrupts_idle.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  Instance& in = instances_[instance];
  const uint32_t fired = in.fires.fetch_add(1, std::memory_order_relaxed);
  if (fired >= in.max_fires) {
    shared_->interrupts_limited.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  shared_->interrupts.fetch_add(1, std::memory_order_relaxed);
  const rt::InterruptSpec& spec = scenario_.interrupts()[in.handler];
  const int below = ts->depth.load(std::memory_order_relaxed);
  const int d = below + 1;
  Frame& f = ts->frames[d];
  f.kind = spec.kind;
  f.id = static_cast<rt::ContextId>(scenario_.tasks().size() + static_cast<size_t>(instance));
  f.instance = instance;
  f.preempt_count = EntryCount(spec.kind);
  f.irqs_disabled = spec.kind != rt::ContextKind::kSoftirq;
  f.interrupted_ip = ip;
  // glibc's backtrace() unwinds through the signal frame into the
  // interrupted code; it was called once before the run (Runtime::Run), so
  // it does not load libgcc_s here.
  f.ncallers = backtrace(f.callers, Frame::kMaxCallers);
  f.nheld.store(0);
  f.waiting_on.store(0);
  const uint32_t saved_mask = ts->blocked_mask;
  ts->depth.store(d, std::memory_order_release);
  // What the kernel blocked for this handler (sa_mask and the signal).
  ts->blocked_mask = FramesBlock(*ts, d);
  try {
    spec.handler();
  } catch (...) {
    Report(Verdict::kException, ContextName(*ts, d) + " threw from its handler");
  }
  if (f.nheld.load() > 0) {
    Report(Verdict::kLeakedLock, "leaked lock: " + LockName(f.held[0].id.load()) +
                                     " still held when " + ContextName(*ts, d) + " returned");
  }
  if (f.preempt_count != EntryCount(spec.kind)) {
    Report(Verdict::kContextImbalance,
           ContextName(*ts, d) + " returned with preempt_count " + std::to_string(f.preempt_count));
  }
  ts->depth.store(below, std::memory_order_release);
  ts->blocked_mask = saved_mask;  // The kernel restores the interrupted mask.
  return fired + 1 < in.max_fires;
}

void Runtime::RaiseInterrupt(rt::HandlerId handler, int cpu) {
  const size_t at = static_cast<size_t>(handler) * static_cast<size_t>(scenario_.num_cpus()) +
                    static_cast<size_t>(cpu);
  if (at >= instance_of_.size() || instance_of_[at] < 0) {
    Unsupported("rt::RaiseInterrupt() of a handler with no instance on that CPU");
  }
  if (cpu_threads_[static_cast<size_t>(cpu)].empty()) {
    Unsupported("an interrupt raised on a CPU with no task (nothing to interrupt)");
  }
  instances_[instance_of_[at]].pending.store(true);
  const ThreadState* target = cpu_threads_[static_cast<size_t>(cpu)].front();
  ::syscall(SYS_tgkill, getpid(), target->tid, SignalFor(scenario_.interrupts()[handler].kind));
}

}  // namespace rtfuzz::native::internal
