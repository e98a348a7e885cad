// framework/cli/command.h
//
// A subcommand of `rtfuzz`: one file each (<verb>_command.cc), registered in
// main.cc's table.

#ifndef RTFUZZ_CLI_COMMAND_H_
#define RTFUZZ_CLI_COMMAND_H_

#include <string>
#include <vector>

#include "flags.h"
#include "rtfuzz/cli/cli.h"

namespace rtfuzz::cli {

struct Command {
  const char* name;
  const char* usage;  // One paragraph for `rtfuzz help`.
  const char* flags;  // The flags it reads, space-separated; others are errors.
  int (*run)(const Flags& flags, const std::vector<std::string>& positional);
};

int ExploreCommand(const Flags& flags, const std::vector<std::string>& positional);
int ListCommand(const Flags& flags, const std::vector<std::string>& positional);
int ReplayCommand(const Flags& flags, const std::vector<std::string>& positional);
int MinimizeCommand(const Flags& flags, const std::vector<std::string>& positional);
int ConvertCommand(const Flags& flags, const std::vector<std::string>& positional);
int MatrixCommand(const Flags& flags, const std::vector<std::string>& positional);
// The matrix's short name for an outcome, and the legend naming every one.
std::string MatrixCell(const std::string& outcome);
std::string MatrixLegend();

int CampaignCommand(const Flags& flags, const std::vector<std::string>& positional);
int GateCommand(const Flags& flags, const std::vector<std::string>& positional);
int StressCommand(const Flags& flags, const std::vector<std::string>& positional);

// The program's BuildDefaults (rtfuzz/cli/cli.h), set by RunCommandLine.
void SetBuildDefaults(BuildDefaults defaults);
const BuildDefaults& GetBuildDefaults();

// Runs `rtfuzz <args...>` (args excludes the program name); returns the exit
// status.
int Main(const std::vector<std::string>& args);

// Prints "rtfuzz: <message>" on stderr and returns kExitUsage.
int UsageError(const std::string& message);

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_COMMAND_H_
