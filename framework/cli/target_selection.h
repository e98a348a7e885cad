// framework/cli/target_selection.h
//
// --target, --scenario and --variant as every subcommand reads them: the
// target may be left out when the scenario names one target's scenario, the
// scenario when the target has a first one, the variant for the target's
// default (its newest fixed version).

#ifndef RTFUZZ_CLI_TARGET_SELECTION_H_
#define RTFUZZ_CLI_TARGET_SELECTION_H_

#include <string>

#include "flags.h"
#include "rtfuzz/target/target.h"

namespace rtfuzz::cli {

struct Selection {
  const target::Target* target = nullptr;
  std::string scenario;
  std::string variant;
};

// Returns false with a one-line error if a name is unknown or ambiguous.
bool SelectTarget(const Flags& flags, Selection* out, std::string* error);

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_TARGET_SELECTION_H_
