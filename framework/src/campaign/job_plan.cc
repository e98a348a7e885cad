// framework/src/campaign/job_plan.cc
//
// Which jobs a campaign runs: the cross product of the selected targets,
// scenarios and variants, pruned to the variants each scenario takes.

#include <algorithm>
#include <string>
#include <vector>

#include "rtfuzz/campaign/campaign.h"

namespace rtfuzz::campaign {
namespace {

std::vector<std::string> SplitList(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string item(list.substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

bool Has(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::string Job::Name() const {
  std::string name = std::string(target->name) + "/" + scenario;
  if (variant != target::kNoVariant) name += "/" + variant;
  return name;
}

bool PlanJobs(std::string_view targets, std::string_view scenarios, std::string_view variants,
              std::vector<Job>* jobs, std::string* error) {
  std::vector<const target::Target*> chosen;
  for (const std::string& name : SplitList(targets)) {
    const target::Target* t = target::FindTarget(name);
    if (t == nullptr) {
      std::vector<std::string_view> names;
      for (const target::Target& each : target::Targets()) names.push_back(each.name);
      *error = "unknown target '" + name + "' (valid: " + target::JoinNames(names) + ")";
      return false;
    }
    chosen.push_back(t);
  }
  if (chosen.empty()) {
    for (const target::Target& t : target::Targets()) chosen.push_back(&t);
  }
  const std::vector<std::string> wanted_scenarios = SplitList(scenarios);
  for (const std::string& s : wanted_scenarios) {
    if (std::none_of(chosen.begin(), chosen.end(),
                     [&](const target::Target* t) { return Has(t->scenarios, s); })) {
      *error = "no selected target has a scenario '" + s + "' (rtfuzz list names them)";
      return false;
    }
  }
  std::vector<std::string> wanted_variants = SplitList(variants);
  if (wanted_variants.empty()) wanted_variants.push_back("gated");
  for (const std::string& v : wanted_variants) {
    if (v == "gated" || v == "all" || v == target::kNoVariant) continue;
    if (std::none_of(chosen.begin(), chosen.end(),
                     [&](const target::Target* t) { return Has(t->variants, v); })) {
      *error = "no selected target has a variant '" + v +
               "' (rtfuzz list names them; or "
               "`gated`, `all`)";
      return false;
    }
  }
  jobs->clear();
  for (const target::Target* t : chosen) {
    for (std::string_view scenario : t->scenarios) {
      if (!wanted_scenarios.empty() && std::find(wanted_scenarios.begin(), wanted_scenarios.end(),
                                                 scenario) == wanted_scenarios.end()) {
        continue;
      }
      const std::vector<std::string_view> takes = target::VariantsOf(*t, scenario);
      const std::vector<std::string_view> gated = target::GatedVariantsOf(*t, scenario);
      // In the target's order, each once.
      for (std::string_view v : takes) {
        const bool wanted =
            std::any_of(wanted_variants.begin(), wanted_variants.end(), [&](const std::string& w) {
              return w == "all" || w == v || (w == "gated" && Has(gated, v));
            });
        if (wanted) jobs->push_back({t, std::string(scenario), std::string(v)});
      }
    }
  }
  if (jobs->empty()) {
    *error = "the selection names no job (no selected scenario takes the selected variants)";
    return false;
  }
  return true;
}

bool ParseEngine(std::string_view name, Engine* engine) {
  if (name == "auto") {
    *engine = Engine::kAuto;
  } else if (name == "libfuzzer") {
    *engine = Engine::kLibFuzzer;
  } else if (name == "random") {
    *engine = Engine::kRandomWalk;
  } else {
    return false;
  }
  return true;
}

const char* EngineName(Engine engine) {
  switch (engine) {
    case Engine::kAuto:
      return "auto";
    case Engine::kLibFuzzer:
      return "libFuzzer";
    case Engine::kRandomWalk:
      return "random walk";
  }
  return "?";
}

}  // namespace rtfuzz::campaign
