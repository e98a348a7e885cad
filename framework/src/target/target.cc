// framework/src/target/target.cc
//
// Name checks and outcomes shared by every tool that takes a target.

#include "rtfuzz/target/target.h"

#include <algorithm>

namespace rtfuzz::target {
namespace {

bool Contains(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

const Target* FindTarget(std::string_view name) {
  for (const Target& t : Targets()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string JoinNames(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::vector<std::string_view> VariantsOf(const Target& target, std::string_view scenario) {
  if (target.variants.empty()) return {kNoVariant};
  if (target.scenario_variants == nullptr) return target.variants;
  const std::vector<std::string_view> takes = target.scenario_variants(scenario);
  std::vector<std::string_view> out;
  for (std::string_view v : target.variants) {
    if (Contains(takes, v)) out.push_back(v);
  }
  return out;
}

std::string_view DefaultVariantOf(const Target& target, std::string_view scenario) {
  if (target.variants.empty()) return kNoVariant;
  if (target.scenario_variants == nullptr) return target.default_variant;
  const std::vector<std::string_view> takes = target.scenario_variants(scenario);
  if (takes.empty() || Contains(takes, target.default_variant)) return target.default_variant;
  return takes.front();
}

std::vector<std::string_view> GatedVariantsOf(const Target& target, std::string_view scenario) {
  if (target.gated_variants == nullptr) return {DefaultVariantOf(target, scenario)};
  const std::vector<std::string_view> gated = target.gated_variants(scenario);
  std::vector<std::string_view> out;
  for (std::string_view v : VariantsOf(target, scenario)) {
    if (Contains(gated, v)) out.push_back(v);
  }
  return out;
}

bool CheckVariant(const Target& target, std::string_view scenario, std::string_view variant,
                  std::string* error) {
  const bool known = target.variants.empty() ? variant == kNoVariant
                                             : Contains(target.variants, variant);
  if (!known) {
    *error = "unknown variant '" + std::string(variant) + "' of target " +
             std::string(target.name) + " (valid: " +
             (target.variants.empty() ? std::string(kNoVariant) : JoinNames(target.variants)) +
             ")";
    return false;
  }
  const std::vector<std::string_view> takes = VariantsOf(target, scenario);
  if (Contains(takes, variant)) return true;
  *error = "scenario '" + std::string(scenario) + "' of target " + std::string(target.name) +
           " does not take variant '" + std::string(variant) + "' (it takes: " +
           JoinNames(takes) + ")";
  return false;
}

std::optional<rt::Scenario> MakeScenario(const Target& target, std::string_view scenario,
                                         std::string_view variant, std::string* error) {
  if (!Contains(target.scenarios, scenario)) {
    *error = "unknown scenario '" + std::string(scenario) + "' of target " +
             std::string(target.name) + " (valid: " + JoinNames(target.scenarios) + ")";
    return std::nullopt;
  }
  if (!CheckVariant(target, scenario, variant, error)) return std::nullopt;
  return target.make(scenario, variant);
}

std::string OutcomeOf(const rt::ExecutionResult& result) {
  if (!result.ok()) return std::string(VerdictName(result.verdict));
  if (!result.tolerated.empty()) return "tolerated:" + std::string(result.tolerated.front());
  return "clean";
}

}  // namespace rtfuzz::target
