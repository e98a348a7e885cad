// fuzzers/rqspinlock_fuzzer.cc
//
// Fuzzes the interleavings of one rqspinlock scenario (targets/rqspinlock/
// scenarios.h) under one variant (variant.h), both chosen on the command
// line; libFuzzer ignores flags that start with "--":
//   --scenario=task-nmi|nmi-queue|abba|stress   (default task-nmi)
//   --variant=<preset>                          (default fixed)
//   --only=<verdict>   abort on that verdict only (e.g. missed-AA); others
//                      pass. For measuring executions to one bug's finding.
// The input bytes are the scheduling decisions (rtfuzz/fuzz/fuzz.h).
//   build/fuzz/fuzzers/rqspinlock_fuzzer --scenario=abba --variant=v6.19 -max_total_time=60 corpus/
//
// Every verdict aborts with the execution report, so libFuzzer saves the
// input, EXCEPT a false-deadlock-report that ToleratedWindow() places in a
// window the kernel accepts: that is not a finding (one line on stderr if
// RTFUZZ_VERBOSE is set). The filter is a FuzzOptions::is_finding.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/fuzz/fuzz.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/scenario.h"
#include "scenarios.h"
#include "variant.h"

namespace {

namespace rq = rtfuzz::targets::rqspinlock;

std::unique_ptr<rtfuzz::rt::Scenario> g_scenario;
std::string g_variant_name;
bool g_verbose = false;
std::optional<rtfuzz::Verdict> g_only;  // --only=: the one verdict that aborts.

std::string Names(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  std::string scenario = "task-nmi";
  std::string variant = "fixed";
  std::string only;
  for (int i = 1; i < *argc; ++i) {
    const char* arg = (*argv)[i];
    if (std::strncmp(arg, "--scenario=", 11) == 0) scenario = arg + 11;
    if (std::strncmp(arg, "--variant=", 10) == 0) variant = arg + 10;
    if (std::strncmp(arg, "--only=", 7) == 0) only = arg + 7;
  }
  if (!only.empty()) {
    rtfuzz::Verdict verdict;
    if (!rtfuzz::ParseVerdict(only, &verdict) || verdict == rtfuzz::Verdict::kPass) {
      std::fprintf(stderr, "rqspinlock_fuzzer: unknown --only=%s (a verdict name, e.g. missed-AA)\n",
                   only.c_str());
      std::exit(2);
    }
    g_only = verdict;
  }
  bool known_scenario = false;
  for (std::string_view n : rq::ScenarioNames()) known_scenario = known_scenario || n == scenario;
  if (!known_scenario) {
    std::fprintf(stderr, "rqspinlock_fuzzer: unknown --scenario=%s (valid: %s)\n",
                 scenario.c_str(), Names(rq::ScenarioNames()).c_str());
    std::exit(2);
  }
  const std::optional<rqspinlock_variant> v = rq::ParseVariant(variant);
  if (!v.has_value()) {
    std::fprintf(stderr, "rqspinlock_fuzzer: unknown --variant=%s (valid: %s)\n",
                 variant.c_str(), Names(rq::VariantNames()).c_str());
    std::exit(2);
  }
  g_scenario = std::make_unique<rtfuzz::rt::Scenario>(rq::MakeScenario(scenario, *v));
  g_variant_name = variant;
  const char* verbose = std::getenv("RTFUZZ_VERBOSE");
  g_verbose = verbose != nullptr && *verbose != '\0' && std::strcmp(verbose, "0") != 0;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rtfuzz::fuzz::FuzzOptions options = [] {
    rtfuzz::fuzz::FuzzOptions o;
    o.is_finding = [](const rtfuzz::rt::ExecutionResult& result) {
      if (result.verdict == rtfuzz::Verdict::kFalseDeadlockReport) {
        const bool nmi = result.context.rfind("nmi:", 0) == 0;
        const std::string_view window = rq::ToleratedWindow(result.cpu, nmi);
        if (!window.empty()) {
          if (g_verbose) {
            std::fprintf(stderr, "rqspinlock_fuzzer: tolerated:%.*s (%s)\n",
                         static_cast<int>(window.size()), window.data(),
                         result.message.c_str());
          }
          return false;
        }
      }
      return !g_only.has_value() || result.verdict == *g_only;
    };
    o.reproduce = "build/dev/fuzzers/rqspinlock_fuzzer --scenario=" + g_scenario->name() +
                  " --variant=" + g_variant_name + " CRASH_FILE";
    return o;
  }();
  rtfuzz::fuzz::RunFuzzInput(*g_scenario, data, size, options);
  return 0;
}
