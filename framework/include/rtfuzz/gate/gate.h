// framework/include/rtfuzz/gate/gate.h
//
// The merge gate: its configuration (rtfuzz.toml), the replay of every
// reproducer under every variant it names against its expectation, and the
// reports a CI shows (JUnit XML, a Markdown summary for a pull-request
// comment). The campaign half is rtfuzz/campaign/campaign.h.

#ifndef RTFUZZ_GATE_GATE_H_
#define RTFUZZ_GATE_GATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtfuzz/campaign/campaign.h"

namespace rtfuzz::gate {

// What rtfuzz.toml says (docs/ci.md). Paths are relative to the file's
// folder, made absolute by LoadConfig. Absent keys keep these defaults.
struct Config {
  std::string path;  // The file read; empty: none, the defaults.
  std::vector<std::string>
      reproducers;               // Folders or .sched files; default corpora/regressions if present.
  uint64_t executions = 20'000;  // Per campaign job; 0: none (then max_total_time).
  uint64_t max_total_time = 0;   // Seconds for the whole campaign; 0: none.
  std::string engine = "auto";
  uint64_t workers = 0;      // 0: one per CPU.
  std::string output;        // Default: <build>/gate.
  std::string corpus;        // Default: <output>/corpus.
  std::string seed_corpora;  // Default: the build's.
  struct Gated {
    std::string target;
    std::vector<std::string> scenarios;  // Empty: all.
    std::vector<std::string> variants;   // Empty: "gated".
  };
  std::vector<Gated> targets;  // Empty: every target, its gated variants.
};

// Reads `path`. A missing file is an error unless `may_be_missing` (then
// the defaults, resolved against the working folder). Every unknown key,
// wrong type or bad value is a one-line error "<file>:<line>: ...".
bool LoadConfig(const std::string& path, bool may_be_missing, Config* out, std::string* error);

// The campaign jobs a config gates, `variant_override` (non-empty) replacing
// every target's variants (e.g. "would the gate catch the planted bug?").
bool GatedJobs(const Config& config, const std::string& variant_override,
               std::vector<campaign::Job>* jobs, std::string* error);

// One row of the gate: a reproducer under one variant, or a campaign job.
struct Check {
  std::string suite;                  // "reproducers" or "campaign".
  std::string target, variant, name;  // name: the file, or the scenario.
  enum class Status { kPassed, kFailed, kError, kSkipped } status = Status::kPassed;
  std::string message;  // One line: why it failed.
  std::string body;     // The report (failure body).
  double seconds = 0;
};

// Replays every .sched under `roots` under every variant it has an
// expectation for. False with a one-line error if a file cannot be read or
// names an unknown target (a bad input, not a failed check).
bool ReplayReproducers(const std::vector<std::string>& roots, const std::string& program_name,
                       std::vector<Check>* checks, std::string* error);

// The campaign's jobs as checks: a finding fails with its report, a worker
// that failed is an error, an interrupted or unstarted job is skipped.
std::vector<Check> CampaignChecks(const campaign::Options& options, const campaign::Result& result);

// The report of a reproducer as `rtfuzz replay` prints it (no swimlane).
std::string ReplayReport(const std::string& sched_path, const std::string& program_name);

std::string FormatJUnit(const std::vector<Check>& checks);
std::string FormatMarkdown(const std::vector<Check>& checks, const std::string& headline);

}  // namespace rtfuzz::gate

#endif  // RTFUZZ_GATE_GATE_H_
