// framework/cli/list_command.cc
//
// `rtfuzz list`: every target linked in (rtfuzz/target/target.h), with its
// scenarios and variants, and what a gate runs of it (its gated variants).

#include <cstdio>
#include <string>

#include "command.h"
#include "rtfuzz/target/target.h"

namespace rtfuzz::cli {

int ListCommand(const Flags&, const std::vector<std::string>& positional) {
  if (!positional.empty()) return UsageError("list takes no arguments");
  for (const target::Target& t : target::Targets()) {
    std::printf("%s: %s\n", std::string(t.name).c_str(), std::string(t.summary).c_str());
    std::printf("  scenarios  %s\n", target::JoinNames(t.scenarios).c_str());
    if (!t.variants.empty() && t.scenario_variants == nullptr) {
      std::printf("  variants   %s (default %s)\n", target::JoinNames(t.variants).c_str(),
                  std::string(t.default_variant).c_str());
    } else if (!t.variants.empty()) {
      for (std::string_view s : t.scenarios) {  // Each scenario takes its own.
        std::printf("  %-16s variants %s (default %s)\n", std::string(s).c_str(),
                    target::JoinNames(target::VariantsOf(t, s)).c_str(),
                    std::string(target::DefaultVariantOf(t, s)).c_str());
      }
    }
    // "scenario/variant" for every gated pair, or "every scenario under V".
    std::string gated;
    bool uniform = true;
    const std::vector<std::string_view> first = target::GatedVariantsOf(t, t.scenarios.front());
    for (std::string_view s : t.scenarios) {
      const std::vector<std::string_view> g = target::GatedVariantsOf(t, s);
      uniform = uniform && g == first;
      for (std::string_view v : g) {
        gated += (gated.empty() ? "" : ", ") + std::string(s) +
                 (v == target::kNoVariant ? "" : "/" + std::string(v));
      }
    }
    if (uniform && !first.empty() && t.scenarios.size() > 1) {
      gated = "every scenario under " + target::JoinNames(first);
    }
    std::printf("  gated      %s\n", gated.empty() ? "nothing" : gated.c_str());
  }
  return kExitOk;
}

}  // namespace rtfuzz::cli
