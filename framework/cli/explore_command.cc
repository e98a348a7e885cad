// framework/cli/explore_command.cc
//
// `rtfuzz explore`: runs a built-in scenario under a seeded random walk (or
// one libFuzzer input with --input), prints what it explored — executions,
// scheduling points, distinct traces, switches, interrupts, warps, verdicts —
// and the report of the first finding with the line that reproduces it.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_set>

#include "command.h"
#include "rtfuzz/base/input_file.h"
#include "rtfuzz/report/execution_report.h"
#include "rtfuzz/sched/random_source.h"
#include "rtfuzz/schedule/replayer.h"
#include "rtfuzz/base/output_file.h"
#include "target_selection.h"

namespace rtfuzz::cli {
namespace {

// Distinct trace hashes are counted up to this many (16 MiB of set).
constexpr size_t kMaxTrackedHashes = 1 << 20;

// Ctrl-C ends a walk between two executions, keeping its summary and its
// finding; a second one kills the process (SA_RESETHAND).
volatile std::sig_atomic_t g_interrupted = 0;
void OnSigint(int) { g_interrupted = 1; }

class SigintGuard {
 public:
  SigintGuard() {
    g_interrupted = 0;
    struct sigaction sa = {};
    sa.sa_handler = OnSigint;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_);
  }
  ~SigintGuard() { sigaction(SIGINT, &old_, nullptr); }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  struct sigaction old_;
};

struct Totals {
  uint64_t executions = 0;
  uint64_t points = 0;
  uint64_t max_points = 0;
  uint64_t time_ns = 0;      // Virtual time, summed over executions.
  uint64_t max_time_ns = 0;  // Of the longest execution.
  uint64_t decisions = 0;
  rt::ExecutionStats stats;
  uint64_t verdicts[kVerdictCount] = {};
  uint64_t tolerated = 0;  // Deadlock errors in windows the scenario accepts.
  uint64_t tolerating = 0;  // Executions with at least one of them.
  uint64_t findings = 0;    // Executions with a verdict (that --signature wants).
  std::map<std::string, uint64_t> windows;  // Tolerated, by window name.
  std::unordered_set<uint64_t> hashes;  // Values, never iterated for output order.

  void Add(const schedule::ReplayOutcome& o, bool wanted) {
    const rt::ExecutionResult& r = *o.result;
    for (std::string_view window : r.tolerated) ++windows[std::string(window)];
    tolerated += r.tolerated.size();
    tolerating += r.tolerated.empty() ? 0 : 1;
    findings += wanted ? 1 : 0;
    ++executions;
    points += r.steps;
    if (r.steps > max_points) max_points = r.steps;
    time_ns += r.time_ns;
    if (r.time_ns > max_time_ns) max_time_ns = r.time_ns;
    decisions += r.decisions.size();
    stats.cpu_switches += r.stats.cpu_switches;
    stats.preemptions += r.stats.preemptions;
    stats.task_switches += r.stats.task_switches;
    stats.interrupts += r.stats.interrupts;
    stats.warps += r.stats.warps;
    stats.warped_ns += r.stats.warped_ns;
    stats.idle_ns += r.stats.idle_ns;
    if (r.stats.max_depth > stats.max_depth) stats.max_depth = r.stats.max_depth;
    ++verdicts[static_cast<int>(r.verdict)];
    if (hashes.size() < kMaxTrackedHashes) hashes.insert(r.trace_hash);
  }
};

// The reproduce line a crash inside the machine prints (a fiber's stack
// overflow, an abort): formatted before the walk, the running execution's
// index appended by the hook, which only formats and writes.
char g_crash_line[1024];
bool g_crash_line_indexed = false;
volatile uint64_t g_crash_index = 0;

void WriteCrashReproduce(int fd) {
  char buf[sizeof(g_crash_line) + 64];
  const int n = g_crash_line_indexed
                    ? std::snprintf(buf, sizeof(buf), "reproduce: %s%" PRIu64 " --executions=1\n",
                                    g_crash_line, static_cast<uint64_t>(g_crash_index))
                    : std::snprintf(buf, sizeof(buf), "reproduce: %s\n", g_crash_line);
  if (n > 0) (void)!::write(fd, buf, std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1));
}

std::string Reproduce(const Flags& f, const Selection& sel, uint64_t index) {
  std::string line = GetBuildDefaults().program_name +
                     " explore --target=" + std::string(sel.target->name) +
                     " --scenario=" + sel.scenario;
  if (sel.variant != target::kNoVariant) line += " --variant=" + sel.variant;
  if (!f.input.empty()) return line + " --input=" + f.input;
  return line + " --seed=" + std::to_string(f.seed) + " --first_execution=" +
         std::to_string(index) + " --executions=1";
}

void PrintSummary(const Flags& f, const Selection& sel, const rt::Scenario& s, const Totals& t,
                  const check::OracleInput& judged, double seconds) {
  std::printf("rtfuzz explore: %s/%s%s (CPUs %d, tasks %zu, interrupt handlers %zu), %s\n",
              std::string(sel.target->name).c_str(), s.name().c_str(),
              sel.variant == target::kNoVariant ? "" : (" under " + sel.variant).c_str(),
              s.num_cpus(), s.tasks().size(), s.interrupts().size(),
              f.input.empty() ? ("random walk, seed " + std::to_string(f.seed)).c_str()
                              : ("input " + f.input).c_str());
  const double per_exec = t.executions ? static_cast<double>(t.points) / t.executions : 0;
  std::printf("  executions         %" PRIu64 " (from #%" PRIu64 "), %.0f/s wall\n",
              t.executions, f.first_execution,
              seconds > 0 ? static_cast<double>(t.executions) / seconds : 0.0);
  std::printf("  scheduling points  %" PRIu64 " (%.1f per execution, most %" PRIu64 ")\n",
              t.points, per_exec, t.max_points);
  std::printf("  virtual time       %.3f ms per execution, most %.3f ms\n",
              t.executions ? static_cast<double>(t.time_ns) / 1e6 / t.executions : 0.0,
              static_cast<double>(t.max_time_ns) / 1e6);
  std::printf("  distinct traces    %zu%s\n", t.hashes.size(),
              t.hashes.size() >= kMaxTrackedHashes ? " (count capped)" : "");
  std::printf("  decisions          %" PRIu64 "\n", t.decisions);
  std::printf("  CPU switches       %" PRIu64 " (%" PRIu64 " at slice ends)\n",
              t.stats.cpu_switches, t.stats.preemptions);
  std::printf("  task switches      %" PRIu64 "\n", t.stats.task_switches);
  std::printf("  interrupts         %" PRIu64 " (deepest nesting %u)\n", t.stats.interrupts,
              t.stats.max_depth);
  std::printf("  time warps         %" PRIu64 " (%.3f ms skipped; %.3f ms idle)\n",
              t.stats.warps, static_cast<double>(t.stats.warped_ns) / 1e6,
              static_cast<double>(t.stats.idle_ns) / 1e6);
  std::string verdicts;
  for (int v = 0; v < kVerdictCount; ++v) {
    if (t.verdicts[v] == 0) continue;
    if (!verdicts.empty()) verdicts += ", ";
    verdicts += std::string(VerdictName(static_cast<Verdict>(v))) + " " +
                std::to_string(t.verdicts[v]);
  }
  std::printf("  verdicts           %s\n", verdicts.c_str());
  std::printf("  findings           %" PRIu64 "\n", t.findings);
  if (t.tolerated != 0) {
    std::printf("  tolerated          %" PRIu64 " deadlock errors in accepted windows, in %" PRIu64
                " executions (each went on to its end)\n",
                t.tolerated, t.tolerating);
  }
  for (const auto& [window, count] : t.windows) {
    std::printf("  tolerated          %s %" PRIu64 "\n", window.c_str(), count);
  }
  std::printf("  judged             %s\n", check::DescribeInput(judged).c_str());
  if (const std::string w = check::InputWarning(judged); !w.empty()) std::printf("%s\n", w.c_str());
  if (t.executions != 0 && t.decisions == 0) {
    std::printf("warning: the scenario made no decisions: every execution would be this one, so "
                "explore stopped after %" PRIu64 " of %" PRIu64
                " (give it something to choose: more CPUs, interrupts, timers)\n",
                t.executions, f.executions);
  }
}

}  // namespace

int ExploreCommand(const Flags& f, const std::vector<std::string>& positional) {
  if (!positional.empty()) {
    return UsageError("explore takes no file arguments ('" + positional[0] +
                      "'); use --input=FILE for a libFuzzer input");
  }
  Selection sel;
  std::string error;
  if (!SelectTarget(f, &sel, &error)) return UsageError(error);
  // A libFuzzer input's bytes mean a schedule only under the scenario and
  // variant its fuzzer ran: no default may stand in for them.
  if (!f.input.empty() && f.scenario.empty()) {
    return UsageError("--input needs --scenario= (the scenario the input was found in; valid: " +
                      target::JoinNames(sel.target->scenarios) + ")");
  }
  if (!f.input.empty() && f.variant.empty() && !sel.target->variants.empty()) {
    return UsageError("--input needs --variant= (the variant the input was found under; valid: " +
                      target::JoinNames(sel.target->variants) + ")");
  }
  if (f.executions == 0) return UsageError("--executions must be at least 1");
  if (f.max_steps == 0) return UsageError("--max_steps must be at least 1");
  if (f.max_slice == 0 || f.max_slice > (1u << 20)) {
    return UsageError("--max_slice must be in [1, 1048576]");
  }
  std::string bytes;
  if (!f.input.empty() && !ReadInputFile(f.input, &bytes, &error)) {
    return UsageError("cannot read --input " + error);
  }
  rt::MachineOptions options;
  options.max_steps = f.max_steps;
  options.max_slice = static_cast<uint32_t>(f.max_slice);
  auto replayer = schedule::Replayer::Create(*sel.target, sel.scenario, sel.variant, options, &error);
  if (replayer == nullptr) return UsageError(error);
  {
    const std::string line = Reproduce(f, sel, 0);
    g_crash_line_indexed = f.input.empty();
    // Without --input the line ends in "--first_execution=0 --executions=1":
    // keep "...--first_execution=" and let the hook add the index.
    const std::string prefix =
        g_crash_line_indexed ? line.substr(0, line.rfind("--first_execution=") + 18) : line;
    std::snprintf(g_crash_line, sizeof(g_crash_line), "%s", prefix.c_str());
    rt::SetCrashReproduceHook(&WriteCrashReproduce);
  }
  Totals totals;
  bool interrupted = false;
  bool out_of_time = false;  // --max_total_time ended the walk.
  std::string first_report;
  schedule::Schedule first_schedule;
  bool output_written = false;
  const auto start = std::chrono::steady_clock::now();  // Wall time: display only.

  // A finding, and the one --signature hunts for if it names one.
  auto wanted = [&f](const schedule::ReplayOutcome& o) {
    return o.finding() &&
           (f.signature.empty() || o.result->signature.find(f.signature) != std::string::npos);
  };
  auto record = [&](const schedule::ReplayOutcome& o, uint64_t index) {
    totals.Add(o, wanted(o));
    if (!wanted(o) || !first_report.empty()) return;
    report::ReportOptions report_options;
    report_options.max_records = f.report_events;
    report_options.reproduce = Reproduce(f, sel, index);
    first_report = report::FormatExecutionReport(replayer->scenario(), replayer->machine(),
                                                 *o.result, report_options);
    first_schedule = schedule::RecordSchedule(*replayer, o);
    first_schedule.notes.push_back("found by " + Reproduce(f, sel, index) +
                                   (f.signature.empty() ? "" : " (--signature=" + f.signature + ")"));
    first_schedule.bug = f.bug;
    // Written at once, not at the end: a walk killed after its finding (a
    // campaign worker) keeps it.
    if (!f.output.empty()) {
      output_written = WriteWholeFile(f.output, schedule::FormatSchedule(first_schedule), &error);
    }
  };

  if (!f.input.empty()) {
    record(replayer->RunBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
  } else {
    SigintGuard sigint;
    sched::RandomSource source(f.seed);
    // Progress on stderr about once a second (a campaign reads it from the
    // worker's log); the wall clock is read every kClockEvery executions
    // only, and decides nothing but when to print and --max_total_time.
    constexpr uint64_t kClockEvery = 256;
    auto last_progress = start;
    for (uint64_t i = 0; i < f.executions; ++i) {
      if (g_interrupted) {
        interrupted = true;
        break;
      }
      if (i % kClockEvery == 0 && i != 0) {
        const auto now = std::chrono::steady_clock::now();
        const double s = std::chrono::duration<double>(now - start).count();
        if (f.max_total_time != 0 && s >= static_cast<double>(f.max_total_time)) {
          out_of_time = true;
          break;
        }
        if (now - last_progress >= std::chrono::seconds(1)) {
          last_progress = now;
          std::fprintf(stderr, "#%" PRIu64 "\texecs %.0f/s\tdistinct %zu\tfindings %" PRIu64 "\n",
                       totals.executions, static_cast<double>(totals.executions) / s,
                       totals.hashes.size(), totals.findings);
        }
      }
      const uint64_t index = f.first_execution + i;
      g_crash_index = index;
      const schedule::ReplayOutcome& o = replayer->RunSource(source, index);
      record(o, index);
      if (wanted(o) && f.stop_on_finding) break;
      if (o.result->decisions.empty() && totals.decisions == 0) break;  // Nothing to choose.
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(f, sel, replayer->scenario(), totals, replayer->oracle_input(), seconds);
  if (interrupted) {
    std::printf("interrupted (SIGINT) after %" PRIu64 " of %" PRIu64 " executions\n",
                totals.executions, f.executions);
  }
  if (out_of_time) {
    std::printf("stopped by --max_total_time=%" PRIu64 " after %" PRIu64 " of %" PRIu64
                " executions\n",
                f.max_total_time, totals.executions, f.executions);
  }
  if (first_report.empty()) {
    if (!f.output.empty()) std::printf("no finding: %s not written\n", f.output.c_str());
    std::fflush(stdout);
    return interrupted ? kExitInterrupted : kExitOk;
  }
  std::printf("\n%s", first_report.c_str());
  if (!f.output.empty()) {
    if (!output_written) {
      std::fflush(stdout);
      return UsageError(error);
    }
    std::printf("schedule written to %s (%s replay %s)\n", f.output.c_str(),
                GetBuildDefaults().program_name.c_str(), f.output.c_str());
  }
  std::fflush(stdout);
  return kExitFinding;
}

}  // namespace rtfuzz::cli
