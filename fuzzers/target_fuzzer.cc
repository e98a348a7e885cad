// fuzzers/target_fuzzer.cc
//
// The libFuzzer entry point of one target of the registry
// (rtfuzz/target/target.h), chosen at build time with
// -DRTFUZZ_FUZZ_TARGET="rqspinlock": fuzzers/CMakeLists.txt builds one
// binary per target. Scenario and variant come from the command line;
// libFuzzer ignores flags that start with "--", and this harness rejects
// any it does not know:
//   --scenario=<name>   default: the target's first scenario
//   --variant=<name>    default: the target's default (its fixed version)
//   --only=<verdict>    abort on that verdict only (e.g. missed-AA), let the
//                       others pass: measures executions to one bug's finding
//   --signature=<text>  abort only on a verdict whose signature contains the
//                       text (one bug of several with the same verdict)
//   --print_engine      print "libfuzzer" or "replay-only" and exit 0 (how
//                       rtfuzz campaign picks its engine)
//   --print_jobs        print the target's gated target:scenario:variant
//                       jobs and exit 0
//   build/fuzz/fuzzers/rqspinlock_fuzzer --scenario=abba --variant=v6.19 -max_total_time=60 corpus/
//
// A build for one job (fuzzers/CMakeLists.txt, RTFUZZ_JOB_FUZZERS: what
// .clusterfuzzlite/build.sh makes, since OSS-Fuzz runs a fuzzer without
// arguments) compiles its scenario and variant in with
// -DRTFUZZ_FUZZ_SCENARIO= and -DRTFUZZ_FUZZ_VARIANT=; the flags still win.
//
// The input bytes are the scheduling decisions (rtfuzz/fuzz/fuzz.h). Every
// verdict aborts with the execution report, so libFuzzer saves the input;
// deadlock errors in windows the scenario accepts are not verdicts (named on
// stderr when RTFUZZ_VERBOSE is set). The crash file becomes a schedule file
// with `rtfuzz convert`: the report prints the command with the file
// libFuzzer writes (its -artifact_prefix= or -exact_artifact_path= and
// crash-<sha1 of the input>).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/fuzz/fuzz.h"
#include "rtfuzz/target/target.h"

// The command line that converts its crash files (rtfuzz_add_target names
// the user's program).
#ifndef RTFUZZ_CLI_NAME
#define RTFUZZ_CLI_NAME "rtfuzz"
#endif

#ifndef RTFUZZ_FUZZ_TARGET
#error "build with -DRTFUZZ_FUZZ_TARGET=\"<target name>\""
#endif

namespace {

namespace target = rtfuzz::target;

const target::Target* g_target = nullptr;
std::unique_ptr<rtfuzz::rt::Scenario> g_scenario;
std::string g_variant;
bool g_verbose = false;
std::string g_artifact_prefix;  // libFuzzer's -artifact_prefix=.
std::string g_exact_artifact;   // libFuzzer's -exact_artifact_path=.
std::vector<std::string> g_inputs;  // Paths given (not flags).

// The files this process runs instead of fuzzing, or none: libFuzzer runs
// its arguments when every one is a file (and writes no crash file: the
// input is it); the replay-only main (RTFUZZ_REPLAY_ONLY) runs every file
// of every argument.
std::vector<std::string> InputFiles() {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  for (const std::string& arg : g_inputs) {
    if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
      continue;
    }
#ifdef RTFUZZ_REPLAY_ONLY
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::directory_iterator(arg, ec)) {
        if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
      }
      continue;
    }
#endif
    return {};  // A corpus directory: libFuzzer fuzzes and writes crash files.
  }
  return files;
}
std::optional<rtfuzz::Verdict> g_only;  // --only=: the one verdict that aborts.
std::string g_signature;                 // --signature=: text the signature must hold.

[[noreturn]] void Usage(const std::string& message) {
  std::fprintf(stderr, "%s_fuzzer: %s\n", RTFUZZ_FUZZ_TARGET, message.c_str());
  std::exit(2);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  g_target = target::FindTarget(RTFUZZ_FUZZ_TARGET);
  if (g_target == nullptr) Usage("target " RTFUZZ_FUZZ_TARGET " is not linked in");
#ifdef RTFUZZ_FUZZ_SCENARIO
  std::string scenario = RTFUZZ_FUZZ_SCENARIO;  // A one-job build (ClusterFuzzLite).
#else
  std::string scenario(g_target->scenarios.front());
#endif
#ifdef RTFUZZ_FUZZ_VARIANT
  std::string variant_flag = RTFUZZ_FUZZ_VARIANT;
#else
  std::string variant_flag;  // Empty: the scenario's default.
#endif
  for (int i = 1; i < *argc; ++i) {
    const char* arg = (*argv)[i];
    if (std::strncmp(arg, "-artifact_prefix=", 17) == 0) g_artifact_prefix = arg + 17;
    if (std::strncmp(arg, "-exact_artifact_path=", 21) == 0) g_exact_artifact = arg + 21;
    if (arg[0] != '-') g_inputs.emplace_back(arg);
    if (std::strncmp(arg, "--", 2) != 0) continue;  // libFuzzer's -flags and paths.
    if (std::strncmp(arg, "--scenario=", 11) == 0) {
      scenario = arg + 11;
    } else if (std::strncmp(arg, "--variant=", 10) == 0) {
      variant_flag = arg + 10;
    } else if (std::strncmp(arg, "--only=", 7) == 0) {
      rtfuzz::Verdict verdict;
      if (!rtfuzz::ParseVerdict(arg + 7, &verdict) || verdict == rtfuzz::Verdict::kPass) {
        Usage(std::string("unknown --only=") + (arg + 7) + " (a verdict name, e.g. missed-AA)");
      }
      g_only = verdict;
    } else if (std::strcmp(arg, "--print_jobs") == 0) {
      // The gated jobs of this target, as `rtfuzz campaign --dry_run=true`
      // prints them (.clusterfuzzlite/build.sh builds a fuzzer for each).
      for (std::string_view s : g_target->scenarios) {
        for (std::string_view v : target::GatedVariantsOf(*g_target, s)) {
          std::printf("%s:%.*s:%.*s\n", RTFUZZ_FUZZ_TARGET, static_cast<int>(s.size()), s.data(),
                      static_cast<int>(v.size()), v.data());
        }
      }
      std::exit(0);
    } else if (std::strcmp(arg, "--print_engine") == 0) {
      // How rtfuzz campaign tells a libFuzzer build from a replay-only one.
#ifdef RTFUZZ_REPLAY_ONLY
      std::printf("replay-only\n");
#else
      std::printf("libfuzzer\n");
#endif
      std::exit(0);
    } else if (std::strncmp(arg, "--signature=", 12) == 0 && arg[12] != '\0') {
      g_signature = arg + 12;
    } else {
      Usage(std::string("unknown flag ") + arg +
            " (valid: --scenario=, --variant=, --only=, --signature=, --print_engine, --print_jobs)");
    }
  }
  g_variant = variant_flag.empty() ? std::string(target::DefaultVariantOf(*g_target, scenario))
                                   : variant_flag;
  std::string error;
  std::optional<rtfuzz::rt::Scenario> s = target::MakeScenario(*g_target, scenario, g_variant, &error);
  if (!s.has_value()) Usage(error);
  g_scenario = std::make_unique<rtfuzz::rt::Scenario>(std::move(*s));
  const char* verbose = std::getenv("RTFUZZ_VERBOSE");
  g_verbose = verbose != nullptr && *verbose != '\0' && std::strcmp(verbose, "0") != 0;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rtfuzz::fuzz::FuzzOptions options = [] {
    rtfuzz::fuzz::FuzzOptions o;
    o.is_finding = [](const rtfuzz::rt::ExecutionResult& result) {
      return (!g_only.has_value() || result.verdict == *g_only) &&
             result.signature.find(g_signature) != std::string::npos;
    };
    std::string where = std::string(" --target=") + RTFUZZ_FUZZ_TARGET + " --scenario=" +
                        g_scenario->name();
    if (!g_target->variants.empty()) where += " --variant=" + g_variant;
    o.reproduce = std::string(RTFUZZ_CLI_NAME) + " convert" + where + " CRASH_FILE --output=CRASH_FILE.sched";
    o.artifact_prefix = g_artifact_prefix;
    o.exact_artifact_path = g_exact_artifact;
    o.input_files = InputFiles();
    return o;
  }();
  const auto& result = rtfuzz::fuzz::RunFuzzInput(*g_scenario, data, size, options);
  if (g_verbose) {
    for (std::string_view window : result.tolerated) {
      std::fprintf(stderr, "%s_fuzzer: tolerated:%.*s\n", RTFUZZ_FUZZ_TARGET,
                   static_cast<int>(window.size()), window.data());
    }
  }
  return 0;
}
