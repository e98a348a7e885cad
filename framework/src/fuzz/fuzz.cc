// framework/src/fuzz/fuzz.cc
//
// RunFuzzInput: one execution per libFuzzer input; a verdict aborts.

#include "rtfuzz/fuzz/fuzz.h"

#include <sha1.h>  // libmd

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "rtfuzz/base/input_file.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/report/execution_report.h"
#include "rtfuzz/sched/byte_source.h"

namespace rtfuzz::fuzz {

std::string CrashFilePath(const FuzzOptions& options, const uint8_t* data, size_t size) {
  for (const std::string& path : options.input_files) {
    std::string bytes, error;
    if (ReadInputFile(path, &bytes, &error) && bytes.size() == size &&
        (size == 0 || std::memcmp(bytes.data(), data, size) == 0)) {
      return path;
    }
  }
  if (!options.exact_artifact_path.empty()) return options.exact_artifact_path;
  SHA1_CTX ctx;
  SHA1Init(&ctx);
  SHA1Update(&ctx, data, size);
  char hex[SHA1_DIGEST_STRING_LENGTH];
  SHA1End(&ctx, hex);
  return options.artifact_prefix + "crash-" + hex;
}

const rt::ExecutionResult& RunFuzzInput(const rt::Scenario& scenario, const uint8_t* data,
                                        size_t size) {
  return RunFuzzInput(scenario, data, size, FuzzOptions{});
}

namespace {

// The input running now, for the crash reproduce line (a fiber's stack
// overflow or an abort kills the process before any verdict).
const uint8_t* g_data = nullptr;
size_t g_size = 0;
const FuzzOptions* g_options = nullptr;
const rt::Scenario* g_scenario = nullptr;

std::string ReproduceLine(const rt::Scenario& scenario, const uint8_t* data, size_t size,
                          const FuzzOptions& options) {
  std::string reproduce = !options.reproduce.empty()
                              ? options.reproduce
                              : "rtfuzz explore --scenario=" + scenario.name() +
                                    " --input=CRASH_FILE";
  const std::string crash_path = CrashFilePath(options, data, size);
  for (size_t at; (at = reproduce.find("CRASH_FILE")) != std::string::npos;) {
    reproduce.replace(at, 10, crash_path);
  }
  return reproduce;
}

// Runs in the crash handler of a dying process: allocation is acceptable.
void WriteCrashReproduce(int fd) {
  if (g_options == nullptr) return;
  const std::string line =
      "reproduce: " + ReproduceLine(*g_scenario, g_data, g_size, *g_options) + "\n";
  (void)!::write(fd, line.data(), line.size());
}

}  // namespace

namespace {

// Once, after this many executions (libFuzzer's first corpus pass is
// longer than that): what the oracles had no input for, and a scenario
// with nothing to choose, on stderr beside libFuzzer's own lines.
constexpr uint64_t kJudgedAfter = 1000;

void WarnIfNothingJudged(const rt::Scenario& scenario, const check::OracleInput& input,
                         uint64_t decisions) {
  if (const std::string w = check::InputWarning(input); !w.empty()) {
    std::fprintf(stderr, "rtfuzz: %s: %s\n", scenario.name().c_str(), w.c_str());
  }
  if (decisions == 0) {
    std::fprintf(stderr,
                 "rtfuzz: %s: warning: no decisions in %" PRIu64
                 " executions: every input runs the same execution (give the scenario something "
                 "to choose: more CPUs, interrupts, timers)\n",
                 scenario.name().c_str(), input.executions);
  }
}

}  // namespace

const rt::ExecutionResult& RunFuzzInput(const rt::Scenario& scenario, const uint8_t* data,
                                        size_t size, const FuzzOptions& options) {
  // Both live as long as the process; every input gets every oracle.
  static check::Oracles* oracles = new check::Oracles();
  static rt::Machine* machine = [] {
    auto* m = new rt::Machine();
    m->AddObserver(oracles);
    return m;
  }();
  static rt::ExecutionResult result;
  static uint64_t index = 0;
  g_data = data, g_size = size, g_options = &options, g_scenario = &scenario;
  rt::SetCrashReproduceHook(&WriteCrashReproduce);
  sched::ByteSource source(data, size);
  machine->Run(scenario, source, index++, &result);
  static uint64_t decisions = 0;
  decisions += result.decisions.size();
  if (index == kJudgedAfter) WarnIfNothingJudged(scenario, oracles->input(), decisions);
  if (result.ok() || (options.is_finding && !options.is_finding(result))) return result;
  report::ReportOptions report_options;
  report_options.reproduce = ReproduceLine(scenario, data, size, options);
  const std::string text = report::FormatExecutionReport(scenario, *machine, result, report_options);
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace rtfuzz::fuzz
