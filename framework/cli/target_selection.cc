// framework/cli/target_selection.cc

#include "target_selection.h"

#include <algorithm>
#include <vector>

#include "command.h"

namespace rtfuzz::cli {

bool SelectTarget(const Flags& f, Selection* out, std::string* error) {
  *out = Selection{};
  if (!f.target.empty()) {
    out->target = target::FindTarget(f.target);
    if (out->target == nullptr) {
      std::vector<std::string_view> names;
      for (const target::Target& t : target::Targets()) names.push_back(t.name);
      *error = "unknown target '" + f.target + "' (valid: " + target::JoinNames(names) + ")";
      return false;
    }
  } else if (f.scenario.empty()) {
    // The first target the program lists (rtfuzz's: demo; a user's
    // program: its own first).
    out->target = &target::Targets().front();
  } else {
    std::vector<std::string_view> holders;
    for (const target::Target& t : target::Targets()) {
      if (std::find(t.scenarios.begin(), t.scenarios.end(), f.scenario) != t.scenarios.end()) {
        holders.push_back(t.name);
        out->target = &t;
      }
    }
    if (holders.empty()) {
      *error = "unknown scenario '" + f.scenario + "' (" + GetBuildDefaults().program_name + " list names them)";
      return false;
    }
    if (holders.size() > 1) {
      *error = "scenario '" + f.scenario + "' is in several targets (" +
               target::JoinNames(holders) + "): say which with --target";
      return false;
    }
  }
  const target::Target& t = *out->target;
  out->scenario = f.scenario.empty() ? std::string(t.scenarios.front()) : f.scenario;
  if (std::find(t.scenarios.begin(), t.scenarios.end(), out->scenario) == t.scenarios.end()) {
    *error = "unknown scenario '" + out->scenario + "' of target " + std::string(t.name) +
             " (valid: " + target::JoinNames(t.scenarios) + ")";
    return false;
  }
  out->variant =
      f.variant.empty() ? std::string(target::DefaultVariantOf(t, out->scenario)) : f.variant;
  return target::CheckVariant(t, out->scenario, out->variant, error);
}

}  // namespace rtfuzz::cli
