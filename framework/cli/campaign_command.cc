// framework/cli/campaign_command.cc
//
// `rtfuzz campaign`: fuzzes target x scenario x variant jobs with worker
// processes (rtfuzz/campaign/campaign.h), shows their progress, writes every
// new finding as a minimized .sched and ends with the summary table.

#include <cstdio>
#include <string>

#include "campaign_flags.h"
#include "command.h"

namespace rtfuzz::cli {

int CampaignCommand(const Flags& f, const std::vector<std::string>& positional) {
  if (!positional.empty()) {
    return UsageError("campaign takes no file arguments ('" + positional[0] + "')");
  }
  campaign::Options options;
  std::string error;
  if (!CampaignOptionsFromFlags(f, "campaign", &options, &error)) return UsageError(error);
  if (!campaign::PlanJobs(f.target, f.scenario, f.variant, &options.jobs, &error)) {
    return UsageError(error);
  }
  if (f.dry_run) {
    for (const campaign::Job& job : options.jobs) {
      std::printf("%s:%s:%s\n", std::string(job.target->name).c_str(), job.scenario.c_str(),
                  job.variant.c_str());
    }
    return kExitOk;
  }
  const campaign::Result result = campaign::Run(options);
  if (!result.error.empty()) return UsageError(result.error);
  std::printf("\n%s", campaign::FormatSummary(options, result).c_str());
  std::fflush(stdout);
  return result.ExitStatus();
}

}  // namespace rtfuzz::cli
