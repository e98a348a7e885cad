// framework/cli/command.h
//
// A subcommand of `rtfuzz`: one file each (<verb>_command.cc), registered in
// main.cc's table.

#ifndef RTFUZZ_CLI_COMMAND_H_
#define RTFUZZ_CLI_COMMAND_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flags.h"
#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::cli {

struct Command {
  const char* name;
  const char* usage;  // One paragraph for `rtfuzz help`.
  int (*run)(const Flags& flags, const std::vector<std::string>& positional);
};

int ExploreCommand(const Flags& flags, const std::vector<std::string>& positional);
int ListCommand(const Flags& flags, const std::vector<std::string>& positional);

// The built-in scenarios `--scenario` can name.
struct BuiltinScenario {
  const char* name;
  const char* summary;
};
const std::vector<BuiltinScenario>& BuiltinScenarios();
std::unique_ptr<rt::Scenario> MakeBuiltinScenario(std::string_view name);

// Runs `rtfuzz <args...>` (args excludes the program name); returns the exit
// status.
int Main(const std::vector<std::string>& args);

// Prints "rtfuzz: <message>" on stderr and returns kExitUsage.
int UsageError(const std::string& message);

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_COMMAND_H_
