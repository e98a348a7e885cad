// framework/include/rtfuzz/target/target.h
//
// Target: what the tools (rtfuzz replay/minimize/matrix, the regression
// suite, schedule files) need to know of a mechanism under test: its
// scenarios, its variants, how to build one, and which verdicts it knows to
// be accepted by the kernel ("tolerated": a named false-positive window, not
// a finding).
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
  // Called right after an execution that ended in a verdict, before the next
  // one (it may read the scenario's state): the name of the window in which
  // the target accepts that verdict, or "" if it is a finding. Null: every
  // verdict is a finding.
  std::string_view (*tolerated)(const rt::ExecutionResult& result) = nullptr;
};

// Every target linked into the program, in a fixed order.
const std::vector<Target>& Targets();

const Target* FindTarget(std::string_view name);

// Checks the names and builds the scenario, or returns nullopt with a
// one-line `error` naming what is valid.
std::optional<rt::Scenario> MakeScenario(const Target& target, std::string_view scenario,
                                         std::string_view variant, std::string* error);

// The outcome of one execution as files and tables write it: "clean",
// "tolerated:<window>" or the verdict name ("missed-AA").
std::string OutcomeOf(const Target& target, const rt::ExecutionResult& result);

// "a, b, c": for error messages.
std::string JoinNames(const std::vector<std::string_view>& names);

}  // namespace rtfuzz::target

#endif  // RTFUZZ_TARGET_TARGET_H_
