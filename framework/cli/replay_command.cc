// framework/cli/replay_command.cc
//
// `rtfuzz replay FILE.sched`: re-runs a schedule file bit for bit (or under
// another --variant), prints the report and the per-CPU swimlane, says
// whether the outcome is the one the file expects, and on request writes the
// Perfetto trace-event JSON and the HTML timeline. With
// --record_expectations it runs the file under every variant of its target
// and rewrites its `expect` lines (the matrix row of the reproducer).

#include <cstdio>
#include <string>

#include "command.h"
#include "rtfuzz/report/execution_report.h"
#include "rtfuzz/report/timeline.h"
#include "rtfuzz/schedule/minimizer.h"
#include "rtfuzz/schedule/replayer.h"
#include "rtfuzz/base/output_file.h"
#include "target_selection.h"

namespace rtfuzz::cli {
namespace {

int RecordExpectations(const std::string& path, schedule::Schedule s) {
  const target::Target& t = *target::FindTarget(s.target);
  const std::vector<std::string_view> variants = target::VariantsOf(t, s.scenario);
  s.expectations.clear();
  // The replay note is regenerated, never carried over.
  std::erase_if(s.notes, [](const std::string& n) {
    return n.rfind(schedule::kReplayNotePrefix, 0) == 0;
  });
  std::string error;
  for (std::string_view v : variants) {
    auto replayer = schedule::Replayer::Create(t, s.scenario, v, s.options, &error);
    if (replayer == nullptr) return UsageError(error);
    const schedule::ReplayOutcome& o = replayer->Run(s.decisions);
    s.expectations.push_back(schedule::ExpectationOf(v, o));
    if (v == s.variant) {
      s.notes.push_back(schedule::ReplayNote(v, schedule::CostOf(*o.result, s.decisions)));
    }
    std::printf("  %-12s %s\n", std::string(v).c_str(), o.outcome.c_str());
  }
  if (!WriteWholeFile(path, schedule::FormatSchedule(s), &error)) return UsageError(error);
  std::printf("expectations for %zu variants written to %s\n", variants.size(), path.c_str());
  return kExitOk;
}

bool WritePicture(const std::string& path, const std::string& contents, const char* what) {
  std::string error;
  if (!WriteWholeFile(path, contents, &error)) {
    std::fprintf(stderr, "rtfuzz: %s\n", error.c_str());
    return false;
  }
  std::printf("%s written to %s\n", what, path.c_str());
  return true;
}

}  // namespace

int ReplayCommand(const Flags& f, const std::vector<std::string>& positional) {
  if (positional.size() != 1) {
    return UsageError("replay takes one schedule file (rtfuzz replay FILE.sched)");
  }
  const std::string& path = positional[0];
  schedule::Schedule s;
  std::string error;
  if (!schedule::LoadSchedule(path, &s, &error)) return UsageError(error);
  const target::Target& t = *target::FindTarget(s.target);
  if (f.record_expectations) return RecordExpectations(path, s);
  const std::string variant = f.variant.empty() ? s.variant : f.variant;
  if (!target::CheckVariant(t, s.scenario, variant, &error)) return UsageError(error);

  rt::MachineOptions options = s.options;
  options.record_full_trace = true;  // For the swimlane and the pictures.
  auto replayer = schedule::Replayer::Create(t, s.scenario, variant, options, &error);
  if (replayer == nullptr) return UsageError(error);
  const schedule::ReplayOutcome& o = replayer->Run(s.decisions);
  const rt::ExecutionResult& r = *o.result;

  std::printf("rtfuzz replay: %s: %s/%s, recorded under %s, replayed under %s\n", path.c_str(),
              s.target.c_str(), s.scenario.c_str(), s.variant.c_str(), variant.c_str());
  std::printf("  %zu decisions, %llu steps, %llu interrupts, %llu preemptions, %llu CPU switches\n",
              s.decisions.size(), static_cast<unsigned long long>(r.steps),
              static_cast<unsigned long long>(r.stats.interrupts),
              static_cast<unsigned long long>(r.stats.preemptions),
              static_cast<unsigned long long>(r.stats.cpu_switches));
  if (o.divergence.has_value()) {
    const sched::Decision& d = s.decisions[*o.divergence];
    std::printf("  diverged from the file at decision %zu (%s %llu): %s\n", *o.divergence,
                std::string(sched::DecisionKindName(d.kind)).c_str(),
                static_cast<unsigned long long>(d.bound),
                variant == s.variant ? "the file was edited or the target changed"
                                     : "expected: the variant takes another path");
  }
  std::printf("  outcome: %s%s%s\n", o.outcome.c_str(), r.signature.empty() ? "" : "  ",
              r.signature.c_str());
  bool mismatch = false;
  if (const schedule::Expectation* e = s.ExpectationFor(variant)) {
    std::string why;
    if (schedule::MatchesExpectation(*e, o, &why)) {
      std::printf("  expected %s: matches\n", e->outcome.c_str());
    } else {
      mismatch = true;
      std::printf("  MISMATCH with %s:%d: %s\n", path.c_str(), e->line, why.c_str());
    }
  } else {
    std::printf("  no expectation for %s in the file\n", variant.c_str());
  }
  if (variant != s.variant) {
    if (const schedule::Expectation* recorded = s.ExpectationFor(s.variant)) {
      std::printf("  under %s %s\n", variant.c_str(),
                  schedule::CompareToRecorded(recorded->outcome, o.outcome).c_str());
    }
  }
  std::printf("  judged: %s\n", check::DescribeInput(replayer->oracle_input()).c_str());
  if (const std::string w = check::InputWarning(replayer->oracle_input()); !w.empty()) {
    std::printf("  %s\n", w.c_str());
  }

  report::TimelineInput timeline{replayer->scenario(), replayer->machine(),
                                 replayer->machine().full_trace(), r,
                                 s.target + "/" + s.scenario + " under " + variant,
                                 replayer->lock_names()};
  if (!r.ok()) {
    report::ReportOptions report_options;
    report_options.max_records = f.report_events;
    report_options.reproduce = GetBuildDefaults().program_name + " replay " + path +
                               (variant == s.variant ? "" : " --variant=" + variant);
    std::printf("\n%s", report::FormatExecutionReport(replayer->scenario(), replayer->machine(), r,
                                                      report_options)
                            .c_str());
  }
  if (f.swimlane) {
    report::SwimlaneOptions swimlane;
    swimlane.max_rows = f.swimlane_rows;
    std::printf("\n%s", report::FormatSwimlane(timeline, swimlane).c_str());
  }
  bool written = true;
  if (!f.trace_json.empty()) {
    written &= WritePicture(f.trace_json, report::FormatTraceEventJson(timeline),
                            "trace-event JSON (ui.perfetto.dev, chrome://tracing)");
  }
  if (!f.html.empty()) {
    written &= WritePicture(f.html, report::FormatHtmlTimeline(timeline), "HTML timeline");
  }
  std::fflush(stdout);
  if (!written) return kExitUsage;
  if (mismatch) return kExitMismatch;
  return o.finding() ? kExitFinding : kExitOk;
}

}  // namespace rtfuzz::cli
