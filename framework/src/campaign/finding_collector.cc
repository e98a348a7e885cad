// framework/src/campaign/finding_collector.cc

#include "finding_collector.h"

#include <filesystem>
#include <memory>

#include "rtfuzz/base/input_file.h"
#include "rtfuzz/base/output_file.h"
#include "rtfuzz/schedule/minimizer.h"
#include "rtfuzz/schedule/replayer.h"
#include "rtfuzz/schedule/schedule_file.h"

namespace rtfuzz::campaign {

namespace fs = std::filesystem;

FindingCollector::FindingCollector(std::string findings_dir, uint64_t minimize_runs,
                                   uint64_t max_steps)
    : findings_dir_(std::move(findings_dir)),
      minimize_runs_(minimize_runs),
      max_steps_(max_steps) {}

bool FindingCollector::LoadKnown(std::string* error) {
  std::error_code ec;
  if (!fs::is_directory(findings_dir_, ec)) return true;
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(findings_dir_, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sched") {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    schedule::Schedule s;
    if (!schedule::LoadSchedule(file, &s, error)) return false;
    const schedule::Expectation* e = s.ExpectationFor(s.variant);
    if (e != nullptr && !e->signature.empty()) known_.emplace(e->signature, file);
  }
  return true;
}

std::string FindingCollector::UnusedPath(const Job& job, const std::string& verdict) const {
  std::string stem = job.scenario;
  if (job.variant != target::kNoVariant) stem += "-" + job.variant;
  stem += "-" + verdict;
  const fs::path dir = fs::path(findings_dir_) / std::string(job.target->name);
  std::error_code ec;
  fs::path path = dir / (stem + ".sched");
  for (int n = 2; fs::exists(path, ec); ++n) {
    path = dir / (stem + "-" + std::to_string(n) + ".sched");
  }
  return path.string();
}

bool FindingCollector::Collect(const Job& job, Engine engine, const std::string& artifact,
                               bool minimize, FindingFile* out, std::string* error) {
  *out = FindingFile{};
  rt::MachineOptions options;
  options.max_steps = max_steps_;
  schedule::Schedule recorded;
  std::unique_ptr<schedule::Replayer> replayer;
  const schedule::ReplayOutcome* outcome = nullptr;
  if (engine == Engine::kLibFuzzer) {
    std::string bytes;
    if (!ReadInputFile(artifact, &bytes, error)) return false;
    replayer = schedule::Replayer::Create(*job.target, job.scenario, job.variant, {}, error);
    if (replayer == nullptr) return false;
    outcome = &replayer->RunBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  } else {
    if (!schedule::LoadSchedule(artifact, &recorded, error)) return false;
    replayer = schedule::Replayer::Create(*job.target, recorded.scenario, recorded.variant,
                                          recorded.options, error);
    if (replayer == nullptr) return false;
    outcome = &replayer->Run(recorded.decisions);
  }
  if (!outcome->finding()) {
    // Not a verdict of ours: the worker crashed on it some other way.
    out->verdict = "crash";
    out->signature = "unreproduced:" + fs::path(artifact).filename().string();
    out->path = artifact;
    return true;
  }
  out->verdict = outcome->outcome;
  out->signature = outcome->result->signature;
  if (auto it = known_.find(out->signature); it != known_.end()) {
    out->is_new = false;
    out->path = it->second;
    return true;
  }
  schedule::Schedule s = schedule::RecordSchedule(*replayer, *outcome);
  s.notes = recorded.notes;
  s.notes.push_back("found by rtfuzz campaign (" + std::string(EngineName(engine)) + ") in " +
                    artifact);
  if (minimize) {
    schedule::MinimizeOptions mo;
    mo.max_runs = minimize_runs_;
    const schedule::MinimizeResult m = schedule::Minimize(*replayer, s.decisions, mo);
    if (m.reproduced) {
      std::vector<std::string> notes = s.notes;
      s = schedule::RecordSchedule(*replayer, replayer->Run(m.decisions));
      s.notes = notes;
      s.notes.push_back("minimized from " + m.before.ToString());
      out->minimized = true;
    }
  }
  out->path = UnusedPath(job, out->verdict);
  std::error_code ec;
  fs::create_directories(fs::path(out->path).parent_path(), ec);
  if (!WriteWholeFile(out->path, schedule::FormatSchedule(s), error)) return false;
  known_.emplace(out->signature, out->path);
  return true;
}

}  // namespace rtfuzz::campaign
