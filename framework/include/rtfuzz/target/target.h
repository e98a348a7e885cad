// framework/include/rtfuzz/target/target.h
//
// Target: what the tools (rtfuzz replay/minimize/matrix, the regression
// suite, schedule files) need to know of a mechanism under test: its
// scenarios, its variants and how to build one. Which deadlock errors a
// version of the lock accepts by design is the scenario's
// (rt::OracleBudgets::tolerated_windows), checked by the oracle.
//
// The list of targets is a link-time seam: Targets() is defined by the
// program, normally by linking rtfuzz::all_targets (targets/all_targets.cc),
// so the framework never depends on a target.

#ifndef RTFUZZ_TARGET_TARGET_H_
#define RTFUZZ_TARGET_TARGET_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::target {

// The variant name of a target that has none.
inline constexpr std::string_view kNoVariant = "-";

struct Target {
  std::string_view name;     // "rqspinlock"
  std::string_view summary;  // One line for `rtfuzz list`.
  std::vector<std::string_view> scenarios;
  // Oldest first. Empty: the target has no variants (files say "-").
  std::vector<std::string_view> variants;
  std::string_view default_variant;  // kNoVariant if there are none.
  // Builds `scenario` under `variant`; both are names from the lists above.
  rt::Scenario (*make)(std::string_view scenario, std::string_view variant) = nullptr;
  // The variants `scenario` takes (a subset of `variants`), its default
  // first unless it takes default_variant. Null: every scenario takes every
  // variant.
  std::vector<std::string_view> (*scenario_variants)(std::string_view scenario) = nullptr;
  // The variants of `scenario` a merge gate runs and expects clean (the
  // fixed versions; `rtfuzz campaign` and `rtfuzz gate` by default), a subset
  // of those it takes. Empty: the scenario demonstrates a bug and is never
  // gated. Null: the scenario's default variant.
  std::vector<std::string_view> (*gated_variants)(std::string_view scenario) = nullptr;
};

// The variants `scenario` of `target` takes, in the target's order ({"-"}
// for a target without variants).
std::vector<std::string_view> VariantsOf(const Target& target, std::string_view scenario);
// What a scenario runs under when no variant is named: the target's default
// if the scenario takes it, else the first it takes.
std::string_view DefaultVariantOf(const Target& target, std::string_view scenario);

// The variants of `scenario` a gate runs by default (Target::gated_variants),
// in the target's order; empty for a bug demonstration.
std::vector<std::string_view> GatedVariantsOf(const Target& target, std::string_view scenario);

// Every target linked into the program, in a fixed order.
const std::vector<Target>& Targets();

const Target* FindTarget(std::string_view name);

// Whether `scenario` of `target` takes `variant`; else a one-line `error`:
// an unknown variant, or one the scenario does not take, naming what is valid.
bool CheckVariant(const Target& target, std::string_view scenario, std::string_view variant,
                  std::string* error);

// Checks the names and builds the scenario, or returns nullopt with a
// one-line `error` naming what is valid.
std::optional<rt::Scenario> MakeScenario(const Target& target, std::string_view scenario,
                                         std::string_view variant, std::string* error);

// The outcome of one execution as files and tables write it: the verdict
// name ("missed-AA"), else "tolerated:<window>" naming the first window the
// oracle tolerated (ExecutionResult::tolerated), else "clean".
std::string OutcomeOf(const rt::ExecutionResult& result);

// "a, b, c": for error messages.
std::string JoinNames(const std::vector<std::string_view>& names);

}  // namespace rtfuzz::target

#endif  // RTFUZZ_TARGET_TARGET_H_
