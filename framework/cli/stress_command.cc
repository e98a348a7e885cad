// framework/cli/stress_command.cc
//
// `rtfuzz stress`: runs a scenario for an iteration or time budget, on the
// native backend (real threads, real perf_event overflow interrupts:
// docs/native.md) or on the simulator's random walk, with live progress
// and a summary table; the first finding ends the run and is reported. A
// native finding is reproducible only statistically, and says so; the same
// command with --backend=sim gives the simulator's time to the same bug.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "command.h"
#include "rtfuzz/native/native.h"
#include "rtfuzz/report/execution_report.h"
#include "rtfuzz/sched/random_source.h"
#include "rtfuzz/schedule/replayer.h"
#include "target_selection.h"

namespace rtfuzz::cli {
namespace {

volatile std::sig_atomic_t g_stress_interrupted = 0;
void OnStressSigint(int) { g_stress_interrupted = 1; }

std::string Command(const Flags& f, const Selection& sel) {
  std::string line = GetBuildDefaults().program_name + " stress --target=" +
                     std::string(sel.target->name) + " --scenario=" + sel.scenario;
  if (sel.variant != target::kNoVariant) line += " --variant=" + sel.variant;
  line += " --backend=" + f.backend;
  if (f.iterations != 0) line += " --iterations=" + std::to_string(f.iterations);
  if (f.max_total_time != 0) line += " --max_total_time=" + std::to_string(f.max_total_time);
  if (f.fallback) line += " --fallback=true";
  if (f.sample_period != 0) line += " --sample_period=" + std::to_string(f.sample_period);
  if (f.seed != 1) line += " --seed=" + std::to_string(f.seed);
  return line;
}

void Row(const char* name, const std::string& value) {
  std::printf("  %-18s %s\n", name, value.c_str());
}

std::string Rate(uint64_t n, double seconds) {
  char text[64];
  std::snprintf(text, sizeof(text), "%" PRIu64 " in %.1f s (%.0f/s)", n, seconds,
                seconds > 0 ? static_cast<double>(n) / seconds : 0.0);
  return text;
}

int RunNative(const Flags& f, const Selection& sel, const rt::Scenario& scenario) {
  native::StressOptions options;
  options.iterations = f.iterations;
  options.max_total_time_s = f.max_total_time;
  options.fallback = f.fallback;
  options.sample_period = f.sample_period;
  options.seed = f.seed;
  options.progress_fd = STDERR_FILENO;
  struct sigaction sa = {}, old = {};
  sa.sa_handler = OnStressSigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  const native::StressResult r = native::RunStress(scenario, options);
  sigaction(SIGINT, &old, nullptr);
  if (!r.error.empty()) return UsageError(r.error);

  std::printf("rtfuzz stress: %s/%s%s, native backend\n", std::string(sel.target->name).c_str(),
              scenario.name().c_str(),
              sel.variant == target::kNoVariant ? "" : (" under " + sel.variant).c_str());
  Row("iterations", Rate(r.iterations, r.seconds));
  char text[256];
  std::snprintf(text, sizeof(text),
                "%" PRIu64 " handlers run (%" PRIu64 " overflows outside a task body, %" PRIu64
                " over a trigger's max_fires)",
                r.interrupts, r.interrupts_idle, r.interrupts_limited);
  Row("interrupts", text);
  std::snprintf(text, sizeof(text),
                "-EDEADLK %" PRIu64 " on a wait-for cycle, %" PRIu64
                " without one in view (not judged); -ETIMEDOUT %" PRIu64,
                r.deadlock_errors_on_cycle, r.deadlock_errors_unjudged, r.timeouts);
  Row("deadlock errors", text);
  for (const std::string& note : r.notes) Row("machine", note);
  for (const std::string& o : r.active_oracles) Row("oracle (active)", o);
  for (const std::string& o : r.inactive_oracles) Row("oracle (inactive)", o);
  if (!r.found) {
    Row("findings", "0");
    if (r.interrupted) std::printf("interrupted (SIGINT)\n");
    std::fflush(stdout);
    return r.interrupted || g_stress_interrupted ? kExitInterrupted : kExitOk;
  }
  Row("findings", "1");
  std::printf("\n*** %s ***\n%s\nsignature: %s\nfound in iteration %" PRIu64 " after %.2f s\n",
              std::string(VerdictName(r.finding.verdict)).c_str(), r.finding.message.c_str(),
              r.finding.signature.c_str(), r.finding.iteration, r.finding.seconds);
  if (!r.finding.details.empty()) std::printf("%s", r.finding.details.c_str());
  std::printf(
      "\nA native finding is reproducible only statistically (real threads, real interrupts): "
      "rerun\n  %s\nand, for a replayable, minimized interleaving, search the same scenario on "
      "the simulator:\n  %s stress --target=%s --scenario=%s%s --backend=sim\n",
      Command(f, sel).c_str(), GetBuildDefaults().program_name.c_str(),
      std::string(sel.target->name).c_str(), sel.scenario.c_str(),
      sel.variant == target::kNoVariant ? "" : (" --variant=" + sel.variant).c_str());
  std::fflush(stdout);
  return kExitFinding;
}

int RunSimulated(const Flags& f, const Selection& sel) {
  std::string error;
  auto replayer =
      schedule::Replayer::Create(*sel.target, sel.scenario, sel.variant, rt::MachineOptions{}, &error);
  if (replayer == nullptr) return UsageError(error);
  g_stress_interrupted = 0;
  struct sigaction sa = {}, old = {};
  sa.sa_handler = OnStressSigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  sched::RandomSource source(f.seed);
  const auto start = std::chrono::steady_clock::now();  // Wall time: budget and display only.
  auto last_print = start;
  uint64_t executions = 0, interrupts = 0;
  double seconds = 0;
  std::string report;
  std::string verdict;
  for (uint64_t i = 0; f.iterations == 0 || i < f.iterations; ++i) {
    if (g_stress_interrupted) break;
    if (i % 256 == 0) {
      const auto now = std::chrono::steady_clock::now();
      seconds = std::chrono::duration<double>(now - start).count();
      if (f.max_total_time != 0 && seconds >= static_cast<double>(f.max_total_time)) break;
      if (now - last_print >= std::chrono::seconds(1)) {
        last_print = now;
        std::fprintf(stderr, "#sim %" PRIu64 " executions (%.0f/s) interrupts %" PRIu64 " %.0fs\n",
                     executions, static_cast<double>(executions) / seconds, interrupts, seconds);
      }
    }
    const schedule::ReplayOutcome& o = replayer->RunSource(source, i);
    ++executions;
    interrupts += o.result->stats.interrupts;
    if (o.finding()) {
      report::ReportOptions ro;
      ro.reproduce = GetBuildDefaults().program_name + " explore --target=" +
                     std::string(sel.target->name) + " --scenario=" + sel.scenario +
                     (sel.variant == target::kNoVariant ? "" : " --variant=" + sel.variant) +
                     " --seed=" + std::to_string(f.seed) + " --first_execution=" +
                     std::to_string(i) + " --executions=1";
      report = report::FormatExecutionReport(replayer->scenario(), replayer->machine(),
                                             *o.result, ro);
      verdict = o.outcome;
      break;
    }
  }
  sigaction(SIGINT, &old, nullptr);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("rtfuzz stress: %s/%s%s, simulator (random walk, seed %" PRIu64 ")\n",
              std::string(sel.target->name).c_str(), sel.scenario.c_str(),
              sel.variant == target::kNoVariant ? "" : (" under " + sel.variant).c_str(),
              f.seed);
  Row("iterations", Rate(executions, seconds));
  Row("interrupts", std::to_string(interrupts) + " handlers run");
  Row("findings", report.empty() ? "0" : "1 (" + verdict + ")");
  if (report.empty()) {
    std::fflush(stdout);
    return g_stress_interrupted ? kExitInterrupted : kExitOk;
  }
  std::printf("found in iteration %" PRIu64 " after %.2f s\n\n%s", executions, seconds,
              report.c_str());
  std::fflush(stdout);
  return kExitFinding;
}

}  // namespace

int StressCommand(const Flags& f, const std::vector<std::string>& positional) {
  if (!positional.empty()) return UsageError("stress takes no file arguments ('" + positional[0] + "')");
  if (f.backend != "native" && f.backend != "sim") {
    return UsageError("--backend must be native or sim, not '" + f.backend + "'");
  }
  if (f.iterations == 0 && f.max_total_time == 0) {
    return UsageError("stress needs a budget: --iterations=N and/or --max_total_time=S");
  }
  Selection sel;
  std::string error;
  if (!SelectTarget(f, &sel, &error)) return UsageError(error);
  g_stress_interrupted = 0;
  if (f.backend == "sim") return RunSimulated(f, sel);
  std::optional<rt::Scenario> scenario;
  try {
    scenario = target::MakeScenario(*sel.target, sel.scenario, sel.variant, &error);
  } catch (const std::exception& e) {
    return UsageError(std::string("scenario ") + sel.scenario + " cannot run: " + e.what());
  }
  if (!scenario) return UsageError(error);
  return RunNative(f, sel, *scenario);
}

}  // namespace rtfuzz::cli
