// framework/src/gate/replay_checks.cc
//
// The gate's first half: every reproducer under every variant it names,
// checked against its `expect` line, as `rtfuzz matrix` checks its cells;
// and the report text a failed check carries.

#include <chrono>
#include <filesystem>

#include "rtfuzz/gate/gate.h"
#include "rtfuzz/report/execution_report.h"
#include "rtfuzz/schedule/replayer.h"
#include "rtfuzz/schedule/schedule_file.h"

namespace rtfuzz::gate {
namespace {

namespace fs = std::filesystem;

std::string Report(const schedule::Replayer& replayer, const schedule::ReplayOutcome& o,
                   const std::string& reproduce) {
  report::ReportOptions options;
  options.reproduce = reproduce;
  return report::FormatExecutionReport(replayer.scenario(), replayer.machine(), *o.result, options);
}

}  // namespace

bool ReplayReproducers(const std::vector<std::string>& roots, const std::string& program_name,
                       std::vector<Check>* checks, std::string* error) {
  std::vector<std::string> files;
  if (!schedule::CollectScheduleFiles(roots, &files, error)) return false;
  for (const std::string& file : files) {
    schedule::Schedule s;
    if (!schedule::LoadSchedule(file, &s, error)) return false;
    const target::Target* t = target::FindTarget(s.target);
    if (t == nullptr) {
      *error = file + ": target '" + s.target + "' is not linked into this program";
      return false;
    }
    for (const schedule::Expectation& e : s.expectations) {
      Check c;
      c.suite = "reproducers";
      c.target = s.target;
      c.variant = e.variant;
      c.name = fs::path(file).filename().string();
      const auto start = std::chrono::steady_clock::now();
      std::string why;
      auto replayer = schedule::Replayer::Create(*t, s.scenario, e.variant, s.options, &why);
      if (replayer == nullptr) {
        c.status = Check::Status::kFailed;
        c.message = file + ":" + std::to_string(e.line) + ": " + why;
        checks->push_back(std::move(c));
        continue;
      }
      const schedule::ReplayOutcome& o = replayer->Run(s.decisions);
      if (!schedule::MatchesExpectation(e, o, &why)) {
        c.status = Check::Status::kFailed;
        c.message = file + ":" + std::to_string(e.line) + ": under " + e.variant + ": " + why;
        c.body = c.message + "\n\n" +
                 (o.finding() ? Report(*replayer, o,
                                       program_name + " replay " + file + " --variant=" + e.variant)
                              : "the replay ended " + o.outcome + "\n");
      }
      c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      checks->push_back(std::move(c));
    }
  }
  return true;
}

std::string ReplayReport(const std::string& sched_path, const std::string& program_name) {
  schedule::Schedule s;
  std::string error;
  if (!schedule::LoadSchedule(sched_path, &s, &error)) return error + "\n";
  const target::Target* t = target::FindTarget(s.target);
  if (t == nullptr) return sched_path + ": unknown target " + s.target + "\n";
  auto replayer = schedule::Replayer::Create(*t, s.scenario, s.variant, s.options, &error);
  if (replayer == nullptr) return error + "\n";
  const schedule::ReplayOutcome& o = replayer->Run(s.decisions);
  if (!o.finding()) return sched_path + " replays " + o.outcome + "\n";
  return Report(*replayer, o, program_name + " replay " + sched_path);
}

std::vector<Check> CampaignChecks(const campaign::Options& options,
                                  const campaign::Result& result) {
  std::vector<Check> checks;
  for (const campaign::JobResult& jr : result.jobs) {
    Check c;
    c.suite = "campaign";
    c.target = std::string(jr.job.target->name);
    c.variant = jr.job.variant;
    c.name = jr.job.scenario;
    c.seconds = jr.seconds;
    if (!jr.findings.empty()) {
      c.status = Check::Status::kFailed;
      for (const campaign::FindingFile& f : jr.findings) {
        if (!c.message.empty()) c.message += "; ";
        c.message += f.verdict + " after " + std::to_string(jr.executions_to_finding) +
                     " executions: " + f.path;
        c.body += f.verdict == "crash" ? "the worker crashed on " + f.path +
                                             " (no rtfuzz verdict; its log: " + jr.log + ")\n"
                                       : ReplayReport(f.path, options.program_name);
        c.body += "\n";
      }
    } else if (jr.state == campaign::JobState::kFailed) {
      c.status = Check::Status::kError;
      c.message = jr.detail;
    } else if (jr.state == campaign::JobState::kInterrupted) {
      c.status = Check::Status::kSkipped;
      c.message = jr.detail;
    } else {
      c.message = std::to_string(jr.executions) + " executions, clean";
    }
    checks.push_back(std::move(c));
  }
  return checks;
}

}  // namespace rtfuzz::gate
