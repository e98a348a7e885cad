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

}  // namespace rtfuzz::fuzz

#endif  // RTFUZZ_FUZZ_FUZZ_H_
