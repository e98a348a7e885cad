// framework/cli/gate_command.cc
//
// `rtfuzz gate`: what CI runs before a merge. Reads rtfuzz.toml, replays
// every reproducer under every variant it names against its expectation,
// then runs a campaign over the gated variants with the configured budget
// (flags override the file), prints both results, writes JUnit XML and a
// Markdown summary when asked, and exits non-zero on any finding (1),
// expectation mismatch (3), failed worker (4) or interrupt (130).

#include <cstdio>
#include <filesystem>
#include <string>

#include "campaign_flags.h"
#include "command.h"
#include "rtfuzz/base/format.h"
#include "rtfuzz/gate/gate.h"
#include "rtfuzz/base/output_file.h"

namespace rtfuzz::cli {
namespace {

// A flag given on the command line wins over the file.
void ApplyConfig(const gate::Config& c, Flags* f) {
  if (!Given(*f, "executions")) {
    f->executions = c.executions;
    if (c.executions != 0) f->given.push_back("executions");
  }
  if (!Given(*f, "max_total_time")) f->max_total_time = c.max_total_time;
  if (!Given(*f, "engine")) f->engine = c.engine;
  if (!Given(*f, "workers")) f->workers = c.workers;
  if (!Given(*f, "output") && !c.output.empty()) f->output = c.output;
  if (!Given(*f, "corpus") && !c.corpus.empty()) f->corpus = c.corpus;
  if (!Given(*f, "seed_corpora") && !c.seed_corpora.empty()) f->seed_corpora = c.seed_corpora;
}

}  // namespace

int GateCommand(const Flags& flags, const std::vector<std::string>& positional) {
  if (!positional.empty()) {
    return UsageError("gate takes no file arguments ('" + positional[0] +
                      "'); reproducers are named in the config (--config=)");
  }
  gate::Config config;
  std::string error;
  if (!gate::LoadConfig(flags.config, !Given(flags, "config"), &config, &error)) {
    return UsageError(error);
  }
  Flags f = flags;
  ApplyConfig(config, &f);
  campaign::Options options;
  if (!CampaignOptionsFromFlags(f, "gate", &options, &error)) return UsageError(error);
  if (!gate::GatedJobs(config, f.variant, &options.jobs, &error)) return UsageError(error);

  std::printf("%s gate: config %s\n", options.program_name.c_str(),
              config.path.empty() ? "(none: the defaults, docs/ci.md)" : config.path.c_str());
  std::vector<gate::Check> checks;
  if (!gate::ReplayReproducers(config.reproducers, options.program_name, &checks, &error)) {
    return UsageError(error);
  }
  size_t mismatches = 0;
  for (const gate::Check& c : checks) {
    if (c.status == gate::Check::Status::kFailed) {
      ++mismatches;
      std::printf("MISMATCH %s\n", c.message.c_str());
    }
  }
  std::printf("reproducers: %s (each expect line of every .sched under %s), %zu not as expected\n\n",
              FormatCount(checks.size(), "check").c_str(),
              FormatCount(config.reproducers.size(), "path").c_str(), mismatches);
  std::fflush(stdout);

  const campaign::Result result = campaign::Run(options);
  if (!result.error.empty()) return UsageError(result.error);
  std::printf("\n%s", campaign::FormatSummary(options, result).c_str());
  const std::vector<gate::Check> campaign_checks = gate::CampaignChecks(options, result);
  checks.insert(checks.end(), campaign_checks.begin(), campaign_checks.end());

  int status = result.ExitStatus();
  if (status == kExitOk && mismatches != 0) status = kExitMismatch;
  std::string budget = options.executions != 0
                           ? std::to_string(options.executions) + " executions a job"
                           : std::to_string(options.seconds) + " s";
  const std::string headline = FormatCount(checks.size() - campaign_checks.size(),
                                           "reproducer check") +
                               ", " + FormatCount(campaign_checks.size(), "campaign job") + " (" +
                               budget + "); exit " + std::to_string(status);
  if (!f.junit.empty() && !WriteWholeFile(f.junit, gate::FormatJUnit(checks), &error)) {
    return UsageError(error);
  }
  if (!f.markdown.empty() &&
      !WriteWholeFile(f.markdown, gate::FormatMarkdown(checks, headline), &error)) {
    return UsageError(error);
  }
  std::printf("gate: %s — %s%s%s\n", status == kExitOk ? "passed" : "FAILED", headline.c_str(),
              f.junit.empty() ? "" : ("; JUnit " + f.junit).c_str(),
              f.markdown.empty() ? "" : ("; Markdown " + f.markdown).c_str());
  std::fflush(stdout);
  return status;
}

}  // namespace rtfuzz::cli
