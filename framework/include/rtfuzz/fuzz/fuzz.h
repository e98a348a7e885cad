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
#include <vector>

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
  // When the harness runs given inputs instead of fuzzing (libFuzzer given
  // files, or the replay-only main), no crash file is written: the inputs,
  // one of which is the crash file.
  std::vector<std::string> input_files;
};

// The file that holds a crashing input: the one of options.input_files
// whose bytes are the input's, else the file libFuzzer saves it to:
// exact_artifact_path if set, else artifact_prefix + "crash-" + the SHA-1
// of the input in hex.
std::string CrashFilePath(const FuzzOptions& options, const uint8_t* data, size_t size);

// RunFuzzInput with FuzzOptions.
const rt::ExecutionResult& RunFuzzInput(const rt::Scenario& scenario,
                                        const uint8_t* data, size_t size,
                                        const FuzzOptions& options);

}  // namespace rtfuzz::fuzz

#endif  // RTFUZZ_FUZZ_FUZZ_H_
