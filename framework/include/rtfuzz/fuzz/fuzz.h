// framework/include/rtfuzz/fuzz/fuzz.h
//
// What a libFuzzer entry point (fuzzers/<name>_fuzzer.cc) calls: the input
// bytes are the decisions of one execution (sched::ByteSource), so a short
// input means few preemptions and interrupts, and every corpus file or crash
// artifact replays with `rtfuzz explore --scenario=NAME --input=FILE`.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     rtfuzz::fuzz::RunFuzzInput(Scenario(), data, size);
//     return 0;
//   }

#ifndef RTFUZZ_FUZZ_FUZZ_H_
#define RTFUZZ_FUZZ_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::fuzz {

// Runs one execution, with every oracle of rtfuzz/check attached. On a
// verdict other than pass it prints the report on
// stderr and calls abort(), so libFuzzer saves the input as crash-<sha1>.
// Returns the result otherwise. The machine (and its stack pool) is reused
// across calls.
const rt::ExecutionResult& RunFuzzInput(const rt::Scenario& scenario,
                                        const uint8_t* data, size_t size);

struct FuzzOptions {
  // Whether a verdict is a finding (prints the report and aborts). Unset:
  // every verdict but pass. To measure one bug, everything but that bug's
  // verdict can be let through.
  std::function<bool(const rt::ExecutionResult&)> is_finding;
  // The command a finding's report prints to reproduce it; each
  // "CRASH_FILE" in it becomes the file libFuzzer saves the input to
  // (LibFuzzerCrashPath). Unset: rtfuzz explore with --input.
  std::string reproduce;
  // libFuzzer's -artifact_prefix= and -exact_artifact_path=, as given.
  std::string artifact_prefix;
  std::string exact_artifact_path;
};

// The file libFuzzer saves a crashing input to: exact_path if set, else
// prefix + "crash-" + the SHA-1 of the input in hex.
std::string LibFuzzerCrashPath(const std::string& prefix, const std::string& exact_path,
                               const uint8_t* data, size_t size);

// RunFuzzInput with FuzzOptions.
const rt::ExecutionResult& RunFuzzInput(const rt::Scenario& scenario,
                                        const uint8_t* data, size_t size,
                                        const FuzzOptions& options);

}  // namespace rtfuzz::fuzz

#endif  // RTFUZZ_FUZZ_FUZZ_H_
