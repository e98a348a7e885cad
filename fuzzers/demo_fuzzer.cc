// fuzzers/demo_fuzzer.cc
//
// Fuzzes the interleavings of the built-in demo scenario. The input bytes are
// the scheduling decisions (rtfuzz/fuzz/fuzz.h). The scenario is "demo-aa"
// (the NMI that spins on its own CPU's lock) unless the command line says
// --scenario=demo; libFuzzer ignores flags that start with "--".
//   build/fuzz/fuzzers/demo_fuzzer -max_total_time=30 corpus/
//   rtfuzz explore --scenario=demo-aa --input=crash-<sha1>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "rtfuzz/demo/demo_scenario.h"
#include "rtfuzz/fuzz/fuzz.h"

namespace {

std::unique_ptr<rtfuzz::rt::Scenario> g_scenario;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  std::string name = "demo-aa";
  for (int i = 1; i < *argc; ++i) {
    if (std::strncmp((*argv)[i], "--scenario=", 11) == 0) name = (*argv)[i] + 11;
  }
  g_scenario = rtfuzz::rt::MakeDemoScenario(name);
  if (g_scenario == nullptr) {
    std::fprintf(stderr, "demo_fuzzer: unknown --scenario=%s (demo or demo-aa)\n",
                 name.c_str());
    std::exit(2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rtfuzz::fuzz::RunFuzzInput(*g_scenario, data, size);
  return 0;
}
