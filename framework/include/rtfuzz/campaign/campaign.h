// framework/include/rtfuzz/campaign/campaign.h
//
// A fuzz campaign: target x scenario x variant jobs, each fuzzed by one
// worker process for a budget in executions or seconds, up to `workers` at
// once, with a live progress display. Every finding is replayed in-process,
// de-duplicated by signature against this run and the output folder,
// minimized and written as a .sched file; nothing a worker wrote (crash
// files, walk findings, corpus inputs) is ever deleted, whether the worker
// ends, crashes or is killed, or the campaign is interrupted.
//
// Engines: libFuzzer (the target's <target>_fuzzer built with libFuzzer; the
// corpus folder grows between runs) or a random walk (`rtfuzz explore`
// workers, resuming each job's walk where the last run stopped). One job is
// one process: on 2 cores two processes on two jobs beat libFuzzer's own
// -fork/-jobs on one (docs/ci.md has the measurement).

#ifndef RTFUZZ_CAMPAIGN_CAMPAIGN_H_
#define RTFUZZ_CAMPAIGN_CAMPAIGN_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/target/target.h"

namespace rtfuzz::campaign {

struct Job {
  const target::Target* target = nullptr;
  std::string scenario;
  std::string variant;  // target::kNoVariant for a target without variants.
  // "rqspinlock/abba/v6.19" (the variant left out when there is none).
  std::string Name() const;
};

// The jobs of comma-separated lists of targets and scenarios (empty: all)
// and of variants (names, "gated" for each scenario's gated variants, or
// "all"). A scenario is matched in every selected target that has it; a
// variant a scenario does not take is left out for that scenario. False
// with a one-line error for an unknown name or an empty plan.
bool PlanJobs(std::string_view targets, std::string_view scenarios, std::string_view variants,
              std::vector<Job>* jobs, std::string* error);

enum class Engine { kAuto, kLibFuzzer, kRandomWalk };
bool ParseEngine(std::string_view name, Engine* engine);
const char* EngineName(Engine engine);

struct Options {
  std::vector<Job> jobs;
  Engine engine = Engine::kAuto;
  std::string program;           // The rtfuzz-style CLI: runs random-walk workers.
  std::string program_name;      // How reports name it ("rtfuzz").
  std::string fuzzers_dir;       // Holds <target>_fuzzer.
  std::string output_dir;        // findings/, artifacts/, logs/.
  std::string corpus_dir;        // <target>/<scenario>/ inputs; random-walk/ positions.
  std::string seed_corpora_dir;  // <target>_fuzzer/ seeds; empty: none.
  uint64_t executions = 0;       // Per job; 0: no limit.
  uint64_t seconds = 0;          // Wall time of the whole campaign; 0: no limit.
  unsigned workers = 1;
  uint64_t seed = 1;
  bool minimize = true;
  uint64_t minimize_runs = 20'000;
  uint64_t max_steps = 1'000'000;  // Per execution, as explore's --max_steps.
  // Live display: redrawn in place (a terminal) or plain lines.
  bool interactive = false;
  std::FILE* out = stdout;
};

enum class JobState { kPending, kRunning, kClean, kFinding, kFailed, kInterrupted };

struct FindingFile {
  std::string verdict;  // The outcome, or "crash" for a crash file no replay reproduces.
  std::string signature;
  std::string path;  // The .sched (its notes name the worker's file), or the crash file.
  bool is_new = true;    // False: the output folder had its signature already.
  bool minimized = false;
};

struct JobResult {
  Job job;
  Engine engine = Engine::kRandomWalk;
  JobState state = JobState::kPending;
  std::string detail;  // Why a job failed or was interrupted.
  uint64_t executions = 0;
  double seconds = 0;  // Wall time of its worker.
  uint64_t executions_to_finding = 0;
  double seconds_to_finding = 0;
  std::vector<FindingFile> findings;
  std::string log;  // The worker's stdout and stderr.
};

struct Result {
  std::vector<JobResult> jobs;
  bool interrupted = false;  // SIGINT or SIGTERM.
  double seconds = 0;
  size_t corpus_inputs = 0;
  std::string error;  // Set (and nothing run) when the campaign could not start.
  // 0 clean, 1 finding, 4 a worker failed, 130 interrupted (in that
  // precedence: a finding is never hidden behind another status).
  int ExitStatus() const;
};

Result Run(const Options& options);

// The final table: target, scenario, variant, verdict, executions and
// seconds to the first finding, reproducer; then the command viewing each.
std::string FormatSummary(const Options& options, const Result& result);

inline constexpr int kExitWorkerFailed = 4;

}  // namespace rtfuzz::campaign

#endif  // RTFUZZ_CAMPAIGN_CAMPAIGN_H_
