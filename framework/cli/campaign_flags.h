// framework/cli/campaign_flags.h
//
// The campaign options campaign and gate read from the same flags:
// budget, workers, engine and folders, with the build's defaults.

#ifndef RTFUZZ_CLI_CAMPAIGN_FLAGS_H_
#define RTFUZZ_CLI_CAMPAIGN_FLAGS_H_

#include <string>

#include "flags.h"
#include "rtfuzz/campaign/campaign.h"

namespace rtfuzz::cli {

// Everything but the jobs. `verb` names the default output folder
// (<build>/<verb>). False with a one-line error for a bad value.
bool CampaignOptionsFromFlags(const Flags& f, const std::string& verb, campaign::Options* out,
                              std::string* error);

// Whether the command line gave --<name>.
bool Given(const Flags& f, const std::string& name);

// Worker processes a machine runs at once: the CPUs this process may use.
unsigned UsableCpus();

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_CAMPAIGN_FLAGS_H_
