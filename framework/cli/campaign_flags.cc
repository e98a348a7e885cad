// framework/cli/campaign_flags.cc

#include "campaign_flags.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "command.h"

namespace rtfuzz::cli {

bool Given(const Flags& f, const std::string& name) {
  return std::find(f.given.begin(), f.given.end(), name) != f.given.end();
}

unsigned UsableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return 1;
}

bool CampaignOptionsFromFlags(const Flags& f, const std::string& verb, campaign::Options* out,
                              std::string* error) {
  namespace fs = std::filesystem;
  const BuildDefaults& d = GetBuildDefaults();
  if (!campaign::ParseEngine(f.engine, &out->engine)) {
    *error = "unknown --engine=" + f.engine + " (valid: auto, libfuzzer, random)";
    return false;
  }
  if (Given(f, "executions") && f.executions == 0) {
    *error = "--executions must be at least 1";
    return false;
  }
  if (f.max_steps == 0) {
    *error = "--max_steps must be at least 1";
    return false;
  }
  if (f.max_runs == 0) {
    *error = "--max_runs must be at least 1";
    return false;
  }
  if (f.workers > 1024) {
    *error = "--workers must be at most 1024";
    return false;
  }
  out->executions = Given(f, "executions") ? f.executions : 0;
  out->seconds = f.max_total_time;
  // Neither budget: a default length for a run by hand, not an oracle
  // budget (CI names its own). One minute gives each of the 32 bundled
  // gated jobs about 3.7 s on 2 workers, past the ~1 s in which the campaign
  // finds every seeded bug from an empty corpus (ci/campaign.sh, step 1).
  if (out->executions == 0 && out->seconds == 0) out->seconds = 60;
  out->workers = f.workers != 0 ? static_cast<unsigned>(f.workers) : UsableCpus();
  out->seed = f.seed;
  out->minimize = f.minimize;
  out->minimize_runs = f.max_runs;
  out->max_steps = f.max_steps;
  char self[PATH_MAX];
  const ssize_t len = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0) {
    *error = "cannot find this program's own path (/proc/self/exe) for its workers";
    return false;
  }
  out->program.assign(self, static_cast<size_t>(len));
  out->program_name = d.program_name;
  out->fuzzers_dir = f.fuzzers.empty() ? d.fuzzers_dir : f.fuzzers;
  std::error_code ec;
  if (!f.fuzzers.empty() && !fs::is_directory(f.fuzzers, ec)) {
    *error = "--fuzzers=" + f.fuzzers + " is not a folder";
    return false;
  }
  const std::string base = d.build_dir.empty() ? std::string(".") : d.build_dir;
  out->output_dir = f.output.empty() ? (fs::path(base) / verb).string() : f.output;
  out->corpus_dir = f.corpus.empty() ? (fs::path(out->output_dir) / "corpus").string() : f.corpus;
  out->seed_corpora_dir = f.seed_corpora.empty() ? d.seed_corpora_dir : f.seed_corpora;
  if (!f.seed_corpora.empty() && !fs::is_directory(f.seed_corpora, ec)) {
    *error = "--seed_corpora=" + f.seed_corpora + " is not a folder";
    return false;
  }
  const char* term = std::getenv("TERM");
  out->interactive = ::isatty(1) && term != nullptr && std::strcmp(term, "dumb") != 0;
  return true;
}

}  // namespace rtfuzz::cli
