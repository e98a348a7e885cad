// framework/src/native/stress.cc
//
// native::RunStress: checks what the scenario asks of the backend, resolves
// its events with libpfm4, then runs it in a child process that shares one
// page of counters and the finding with this one. The parent prints
// progress and waits; the child never returns (it _exits), so a deadlocked
// run is torn down with it.

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <new>
#include <sstream>
#include <string>

#include "perf_event.h"
#include "runtime.h"
#include "rtfuzz/check/lock_event_sink.h"
#include "rtfuzz/native/native.h"
#include "rtfuzz/rt/backend.h"

namespace rtfuzz::native {
namespace {

using internal::Shared;

// What the scenario uses that the native backend does not run; "" if none.
std::string MissingFeature(const rt::Scenario& s) {
  if (s.tasks().size() != static_cast<size_t>(s.num_scenario_tasks())) {
    return "the machine's kthreads (ktimers/N, irq/N-name: soft timers, threaded interrupts)";
  }
  if (!s.task_groups().empty()) return "CPU bandwidth control (task groups)";
  for (const rt::InterruptSpec& i : s.interrupts()) {
    if (i.trigger.kind == rt::Trigger::Kind::kTimer) return "timer-triggered interrupt '" + i.name + "'";
    if (i.thread_fn || i.force_threaded_on_rt) return "threaded interrupt '" + i.name + "'";
  }
  return "";
}

void SleepMs(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1'000'000};
  nanosleep(&ts, nullptr);
}

std::vector<std::string> Lines(const char* text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace

std::string_view NativeEventName(rt::PmuEvent event) {
  switch (event) {
    case rt::PmuEvent::kReads: return "MEM_INST_RETIRED:ALL_LOADS";
    case rt::PmuEvent::kWrites: return "MEM_INST_RETIRED:ALL_STORES";
    case rt::PmuEvent::kAtomics:
    case rt::PmuEvent::kLockOps: return "MEM_INST_RETIRED:LOCK_LOADS";
    default: return "perf::instructions";  // Steps (and spins): a point ~ an instruction.
  }
}

std::string TriggerEventName(const rt::Trigger& trigger) {
  return trigger.event_name.empty() ? std::string(NativeEventName(trigger.event))
                                    : trigger.event_name;
}

StressResult RunStress(const rt::Scenario& scenario, const StressOptions& options) {
  StressResult r;
  if (const std::string missing = MissingFeature(scenario); !missing.empty()) {
    r.error = "scenario " + scenario.name() + ": the native backend does not run " + missing +
              " (docs/native.md#what-runs-natively); use --backend=sim";
    return r;
  }
  if (options.iterations == 0 && options.max_total_time_s == 0) {
    r.error = "a native run needs an iteration or a time budget (--iterations, --max_total_time)";
    return r;
  }
  std::vector<internal::OpenedEvent> events(scenario.interrupts().size());
  for (size_t h = 0; h < scenario.interrupts().size(); ++h) {
    const rt::InterruptSpec& spec = scenario.interrupts()[h];
    if (spec.trigger.kind != rt::Trigger::Kind::kOverflow) continue;
    std::string note;
    if (!internal::ResolveEvent(TriggerEventName(spec.trigger), options.fallback, &events[h],
                                &r.error, &note)) {
      return r;
    }
    r.notes.push_back("interrupt " + spec.name + ": " +
                      (note.empty() ? "event '" + events[h].name + "'" : note));
  }

  void* page = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                    -1, 0);
  if (page == MAP_FAILED) {
    r.error = std::string("mmap for the run's shared state failed: ") + std::strerror(errno);
    return r;
  }
  Shared* shared = new (page) Shared;
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child < 0) {
    r.error = std::string("fork failed: ") + std::strerror(errno);
    munmap(page, sizeof(Shared));
    return r;
  }
  if (child == 0) {
    // The child: the backend for every thread without a machine.
    internal::Runtime runtime(scenario, options, events, shared);
    rt::SetActiveBackend(&runtime);
    check::SetActiveSink(&runtime);
    runtime.Run();
    std::fflush(nullptr);
    _exit(0);
  }

  // The parent: progress, and a backstop past the child's own watchdog.
  const uint64_t start = internal::MonotonicNs();
  const uint64_t watchdog_s = scenario.budgets().deadlock_ns / 1'000'000'000u + 1;
  const uint64_t backstop_s =
      options.max_total_time_s != 0 ? options.max_total_time_s + 4 * watchdog_s + 30 : 0;
  uint64_t last_print = start;
  int status = 0;
  bool killed = false;
  for (;;) {
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    SleepMs(50);
    const uint64_t now = internal::MonotonicNs();
    if (options.progress_fd >= 0 && now - last_print >= 1'000'000'000u) {
      last_print = now;
      const double s = static_cast<double>(now - start) / 1e9;
      const uint64_t it = shared->iterations.load();
      dprintf(options.progress_fd,
              "#native %" PRIu64 " iterations (%.0f/s) interrupts %" PRIu64
              " (idle %" PRIu64 ", over max_fires %" PRIu64 ") findings %d %.0fs\n",
              it, static_cast<double>(it) / s, shared->interrupts.load(),
              shared->interrupts_idle.load(), shared->interrupts_limited.load(),
              shared->state.load() == internal::kFound ? 1 : 0, s);
    }
    if (backstop_s != 0 && now - start > backstop_s * 1'000'000'000u && !killed) {
      kill(child, SIGKILL);
      killed = true;
    }
  }
  r.iterations = shared->iterations.load();
  // The child's own span (threads up to the end) when it got there; else
  // the parent's, fork and teardown included.
  r.seconds = shared->seconds > 0 ? shared->seconds
                                  : static_cast<double>(internal::MonotonicNs() - start) / 1e9;
  r.interrupts = shared->interrupts.load();
  r.interrupts_idle = shared->interrupts_idle.load();
  r.interrupts_limited = shared->interrupts_limited.load();
  r.deadlock_errors_on_cycle = shared->deadlock_on_cycle.load();
  r.deadlock_errors_unjudged = shared->deadlock_unjudged.load();
  r.timeouts = shared->timeouts.load();
  for (std::string& line : Lines(shared->notes)) r.notes.push_back(std::move(line));
  const int state = shared->state.load();
  if (state == internal::kUsage) {
    r.error = shared->message;
  } else if (state == internal::kFound) {
    r.found = true;
    r.finding.verdict = static_cast<Verdict>(shared->verdict);
    r.finding.message = shared->message;
    r.finding.details = shared->details;
    r.finding.signature = shared->signature;
    r.finding.iteration = shared->finding_iteration;
    r.finding.seconds = shared->finding_seconds;
  } else if (state != internal::kDone && WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) {
    r.interrupted = true;
  } else if (state != internal::kDone) {
    // The child died without a word: a crash in the target is a finding.
    r.found = true;
    r.finding.verdict = Verdict::kFailure;
    const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    r.finding.message = killed ? "the native run stopped answering and was killed (SIGKILL) "
                                 "past its watchdog"
                               : std::string("the native run's process died: ") +
                                     (sig != 0 ? strsignal(sig) : "exit " +
                                          std::to_string(WEXITSTATUS(status)));
    r.finding.signature = "failure|" + scenario.name() + "|crash";
    r.finding.iteration = shared->iterations.load() + 1;
  }
  munmap(page, sizeof(Shared));

  r.active_oracles = {"mutual-exclusion (lock annotations)",
                      "leaked-lock (held at task and handler exit)",
                      "context-imbalance (preempt count, irqs at exit)",
                      "missed-AA/ABBA (-ETIMEDOUT on a wait-for cycle; a cycle still waiting "
                      "at the watchdog)",
                      "stall (watchdog: no lock event, mark or iteration end for deadlock_ns)",
                      "invariant and end checks", "exception, crash"};
  r.inactive_oracles = {
      "priority-inversion: needs virtual time per context; PI here is the kernel's futex",
      "false-deadlock-report and late detection: -EDEADLK without a cycle in view is counted, "
      "not judged (entries published before or after the wait are not visible here)",
      "starvation-timeout: -ETIMEDOUT without a cycle is counted (real time includes the OS's "
      "preemption)",
      "spin-deadlock, lost-handoff: the watchdog stands in (no word-level spin detection)",
      "isolation-noise, hung task: need the simulator's accounting"};
  return r;
}

}  // namespace rtfuzz::native
