// framework/cli/list_command.cc
//
// `rtfuzz list`: every target linked in (rtfuzz/target/target.h), with its
// scenarios and variants.

#include <cstdio>

#include "command.h"
#include "rtfuzz/target/target.h"

namespace rtfuzz::cli {

int ListCommand(const Flags&, const std::vector<std::string>& positional) {
  if (!positional.empty()) return UsageError("list takes no arguments");
  for (const target::Target& t : target::Targets()) {
    std::printf("%s: %s\n", std::string(t.name).c_str(), std::string(t.summary).c_str());
    std::printf("  scenarios  %s\n", target::JoinNames(t.scenarios).c_str());
    if (t.variants.empty()) continue;
    if (t.scenario_variants == nullptr) {
      std::printf("  variants   %s (default %s)\n", target::JoinNames(t.variants).c_str(),
                  std::string(t.default_variant).c_str());
      continue;
    }
    for (std::string_view s : t.scenarios) {  // Each scenario takes its own.
      std::printf("  %-16s variants %s (default %s)\n", std::string(s).c_str(),
                  target::JoinNames(target::VariantsOf(t, s)).c_str(),
                  std::string(target::DefaultVariantOf(t, s)).c_str());
    }
  }
  return kExitOk;
}

}  // namespace rtfuzz::cli
