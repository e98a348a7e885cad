// framework/cli/list_command.cc
//
// `rtfuzz list`: the built-in scenarios, and the registry --scenario reads.

#include <cstdio>

#include "command.h"
#include "rtfuzz/demo/demo_scenario.h"

namespace rtfuzz::cli {

const std::vector<BuiltinScenario>& BuiltinScenarios() {
  static const std::vector<BuiltinScenario> kScenarios = {
      {"demo", "test-and-set lock on 2 CPUs, NMI uses trylock: always passes"},
      {"demo-aa", "same lock, NMI spins on it: AA deadlock ended by the 250 ms timeout"},
  };
  return kScenarios;
}

std::unique_ptr<rt::Scenario> MakeBuiltinScenario(std::string_view name) {
  return rt::MakeDemoScenario(name);
}

int ListCommand(const Flags&, const std::vector<std::string>& positional) {
  if (!positional.empty()) return UsageError("list takes no arguments");
  for (const BuiltinScenario& s : BuiltinScenarios()) {
    std::printf("%-10s %s\n", s.name, s.summary);
  }
  return kExitOk;
}

}  // namespace rtfuzz::cli
