// framework/cli/command.cc
//
// `rtfuzz <command> [--flag=value ...]`: dispatch to one subcommand. Exit
// statuses: 0 ran with no finding, 1 finding, 2 usage error (flags.h).

#include <cstdio>
#include <string>
#include <vector>

#include "command.h"

namespace rtfuzz::cli {
namespace {

const Command kCommands[] = {
    {"explore",
     "rtfuzz explore [--scenario=NAME] [--seed=N] [--executions=N] [--input=FILE]\n"
     "  Runs a scenario under a random walk (or one libFuzzer input) and prints\n"
     "  what it explored and the report of the first finding.",
     &ExploreCommand},
    {"list", "rtfuzz list\n  Names the built-in scenarios.", &ListCommand},
};

void PrintHelp() {
  std::printf("usage: rtfuzz <command> [--flag=value ...]\n\ncommands:\n");
  for (const Command& c : kCommands) std::printf("%s\n\n", c.usage);
  std::printf("flags:\n%s\nexit status: 0 no finding, 1 finding, 2 usage error\n",
              FlagsHelp().c_str());
}

}  // namespace

int UsageError(const std::string& message) {
  std::fprintf(stderr, "rtfuzz: %s\n", message.c_str());
  return kExitUsage;
}

int Main(const std::vector<std::string>& args) {
  if (args.empty()) {
    PrintHelp();
    return kExitUsage;
  }
  const std::string& name = args[0];
  if (name == "help" || name == "--help" || name == "-h") {
    PrintHelp();
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    Flags flags;
    std::vector<std::string> positional;
    std::string error;
    if (!ParseFlags(std::vector<std::string>(args.begin() + 1, args.end()), &flags,
                    &positional, &error)) {
      return UsageError(error);
    }
    return c.run(flags, positional);
  }
  return UsageError("unknown command '" + name + "' (rtfuzz help lists the commands)");
}

}  // namespace rtfuzz::cli
