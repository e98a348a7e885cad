// framework/src/campaign/summary_table.cc
//
// The campaign's last words: one row per job and finding, then how to view
// each reproducer, where the corpus is, and the exit status in words.

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "rtfuzz/base/format.h"
#include "rtfuzz/campaign/campaign.h"

namespace rtfuzz::campaign {
namespace {

std::string StateText(const JobResult& jr) {
  switch (jr.state) {
    case JobState::kClean:
      return "clean";
    case JobState::kFailed:
      return "worker failed";
    case JobState::kInterrupted:
      return jr.detail == "not started" ? "not started" : "interrupted";
    default:
      return "?";
  }
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

}  // namespace

std::string FormatSummary(const Options& o, const Result& r) {
  std::vector<std::vector<std::string>> rows = {{"target", "scenario", "variant", "engine",
                                                 "verdict", "executions", "s to finding",
                                                 "reproducer"}};
  uint64_t executions = 0;
  size_t found = 0, fresh = 0, failed = 0;
  std::vector<std::string> views;
  for (const JobResult& jr : r.jobs) {
    executions += jr.executions;
    const std::string engine = jr.engine == Engine::kLibFuzzer ? "libFuzzer" : "random";
    std::vector<std::string> base = {std::string(jr.job.target->name), jr.job.scenario,
                                     jr.job.variant, engine};
    if (jr.findings.empty()) {
      std::vector<std::string> row = base;
      row.push_back(StateText(jr));
      row.push_back(std::to_string(jr.executions));
      row.push_back("-");
      row.push_back(jr.state == JobState::kFailed ? jr.detail : "-");
      failed += jr.state == JobState::kFailed ? 1 : 0;
      rows.push_back(row);
      continue;
    }
    for (const FindingFile& f : jr.findings) {
      ++found;
      fresh += f.is_new ? 1 : 0;
      std::vector<std::string> row = base;
      row.push_back(f.verdict);
      row.push_back(std::to_string(jr.executions_to_finding));
      row.push_back(Fixed(jr.seconds_to_finding, 1));
      std::string where = f.path;
      if (!f.is_new) {
        where += " (known)";
      } else if (f.verdict != "crash" && !f.minimized) {
        where += " (not minimized)";
      }
      row.push_back(where);
      rows.push_back(row);
      if (f.verdict == "crash") {
        views.push_back(
            "  " + o.program_name + " explore --target=" + std::string(jr.job.target->name) +
            " --scenario=" + jr.job.scenario +
            (jr.job.variant == target::kNoVariant ? "" : " --variant=" + jr.job.variant) +
            " --input=" + f.path + "   # replays clean: see " + jr.log);
      } else {
        views.push_back("  " + o.program_name + " replay " + f.path);
      }
    }
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out = "campaign summary: " + FormatCount(r.jobs.size(), "job") + ", " +
                    std::to_string(executions) + " executions in " + Fixed(r.seconds, 0) +
                    " s; output " + o.output_dir + "\n";
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); ++i) {
      std::string cell = row[i];
      // Numbers right-aligned, words left.
      const bool number = i == 5 || i == 6;
      if (number) {
        cell.insert(0, width[i] - std::min(width[i], cell.size()), ' ');
      } else if (i + 1 < row.size()) {
        cell.resize(width[i], ' ');
      }
      line += " " + cell;
    }
    out += line + "\n";
  }
  if (!views.empty()) {
    out += "view a reproducer:\n";
    for (const std::string& v : views) out += v + "\n";
  }
  out += "corpus: " + o.corpus_dir + " (" + std::to_string(r.corpus_inputs) +
         " inputs, kept and merged into the next run)\n";
  std::string verdict;
  switch (r.ExitStatus()) {
    case 0:
      verdict = "campaign: clean, every job ran its budget (exit 0)";
      break;
    case 1:
      verdict = "campaign: " + std::to_string(found) + " finding(s), " + std::to_string(fresh) +
                " new (exit 1)";
      break;
    case 130:
      verdict = "campaign: interrupted, no finding (exit 130)";
      break;
    default:
      verdict = "campaign: " + std::to_string(failed) + " worker(s) failed, no finding (exit 4)";
  }
  return out + verdict + "\n";
}

}  // namespace rtfuzz::campaign
