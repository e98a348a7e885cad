// framework/src/base/verdict.cc
//
// The stable names of Verdict values.

#include "rtfuzz/base/verdict.h"

namespace rtfuzz {
namespace {

constexpr std::string_view kNames[kVerdictCount] = {
    "pass",      "end-check", "failure",     "exception",  "sleep-in-atomic",
    "context-imbalance", "hang", "step-budget", "time-budget",
};

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  const auto index = static_cast<int>(verdict);
  return index < kVerdictCount ? kNames[index] : "unknown";
}

bool ParseVerdict(std::string_view name, Verdict* verdict) {
  for (int i = 0; i < kVerdictCount; ++i) {
    if (kNames[i] == name) {
      *verdict = static_cast<Verdict>(i);
      return true;
    }
  }
  return false;
}

}  // namespace rtfuzz
