// framework/src/base/verdict.cc
//
// The stable names of Verdict values.

#include "rtfuzz/base/verdict.h"

#include "rtfuzz/base/name_table.h"

namespace rtfuzz {
namespace {

constexpr std::string_view kNames[kVerdictCount] = {
    "pass",      "end-check", "failure",     "exception",  "sleep-in-atomic",
    "context-imbalance", "hang", "step-budget", "time-budget",
    "missed-AA", "missed-ABBA", "late-deadlock-detection", "false-deadlock-report",
    "starvation-timeout", "priority-inversion", "stall", "mutual-exclusion",
    "leaked-lock", "invariant", "isolation-noise", "spin-deadlock", "lost-handoff",
};

}  // namespace

std::string_view VerdictName(Verdict verdict) { return NameOf(kNames, verdict); }

bool ParseVerdict(std::string_view name, Verdict* verdict) {
  return ParseName(kNames, name, verdict);
}

}  // namespace rtfuzz
