// framework/cli/minimize_command.cc
//
// `rtfuzz minimize FILE.sched`: shrinks a reproducer to the decisions that
// matter (schedule/minimizer.h), under the variant it was recorded with, and
// writes the result beside it (FILE.min.sched unless --output). The input
// file is never overwritten unless --output names it.

#include <cstdio>
#include <string>

#include "command.h"
#include "rtfuzz/schedule/minimizer.h"
#include "rtfuzz/base/output_file.h"

namespace rtfuzz::cli {

int MinimizeCommand(const Flags& f, const std::vector<std::string>& positional) {
  if (positional.size() != 1) {
    return UsageError("minimize takes one schedule file (rtfuzz minimize FILE.sched)");
  }
  if (f.max_runs == 0) return UsageError("--max_runs must be at least 1");
  const std::string& path = positional[0];
  schedule::Schedule s;
  std::string error;
  if (!schedule::LoadSchedule(path, &s, &error)) return UsageError(error);
  std::string output = f.output;
  if (output.empty()) {
    const size_t dot = path.rfind(".sched");
    output = (dot == std::string::npos ? path : path.substr(0, dot)) + ".min.sched";
  }
  auto replayer = schedule::Replayer::Create(*target::FindTarget(s.target), s.scenario,
                                             s.variant, s.options, &error);
  if (replayer == nullptr) return UsageError(error);

  schedule::MinimizeOptions options;
  options.max_runs = f.max_runs;
  options.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  const schedule::MinimizeResult m = schedule::Minimize(*replayer, s.decisions, options);
  if (!m.reproduced) {
    return UsageError(path + ": replays clean or tolerated under " + s.variant +
                      ": nothing to minimize");
  }
  std::printf("rtfuzz minimize: %s (%s/%s under %s)\n", path.c_str(), s.target.c_str(),
              s.scenario.c_str(), s.variant.c_str());
  std::printf("  signature %s\n", m.signature.c_str());
  std::printf("  before    %s\n", m.before.ToString().c_str());
  std::printf("  after     %s\n", m.after.ToString().c_str());
  std::printf("  %llu executions%s\n", static_cast<unsigned long long>(m.runs),
              m.budget_exhausted ? " (budget reached: --max_runs; the best so far is kept)" : "");

  // The minimized decisions, replayed once more for their reasons and the
  // expectation of the recorded variant. Other variants' expectations belonged
  // to the old decisions and are dropped.
  const schedule::ReplayOutcome& o = replayer->Run(m.decisions);
  schedule::Schedule out = schedule::RecordSchedule(*replayer, o);
  out.bug = f.bug.empty() ? s.bug : f.bug;
  out.notes = s.notes;
  out.notes.push_back("minimized from " + m.before.ToString());
  if (!WriteWholeFile(output, schedule::FormatSchedule(out), &error)) return UsageError(error);
  std::printf("written to %s", output.c_str());
  if (!target::FindTarget(s.target)->variants.empty()) {
    std::printf("; its matrix row: %s replay --record_expectations=true %s",
                GetBuildDefaults().program_name.c_str(), output.c_str());
  }
  std::printf("\n");
  return kExitOk;
}

}  // namespace rtfuzz::cli
