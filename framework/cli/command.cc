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
     "rtfuzz explore [--target=T] [--scenario=S] [--variant=V] [--seed=N] [--executions=N]\n"
     "               [--input=FILE] [--output=FILE.sched]\n"
     "  Runs a scenario under a random walk (or one libFuzzer input) and prints\n"
     "  what it explored and the report of the first finding; --output writes\n"
     "  that finding as a schedule file.",
     &ExploreCommand},
    {"replay",
     "rtfuzz replay FILE.sched [--variant=V] [--trace_json=F] [--html=F]\n"
     "  Re-runs a schedule file: report, per-CPU swimlane, and whether the outcome\n"
     "  is the one the file expects; --variant runs the same decisions under\n"
     "  another variant. --record_expectations=true rewrites the file's expect\n"
     "  lines from a run under every variant.",
     &ReplayCommand},
    {"minimize",
     "rtfuzz minimize FILE.sched [--output=F] [--max_runs=N]\n"
     "  Shrinks a reproducer, keeping its finding's signature: fewer interrupts,\n"
     "  then fewer preemptions, then fewer decisions. Writes FILE.min.sched.",
     &MinimizeCommand},
    {"convert",
     "rtfuzz convert --target=T --scenario=S --variant=V CRASH [--output=F.sched]\n"
     "rtfuzz convert FILE.sched --output=F\n"
     "  A libFuzzer input into a schedule file, or a schedule file into the bytes\n"
     "  of a libFuzzer input.",
     &ConvertCommand},
    {"matrix",
     "rtfuzz matrix [--target=T] [DIR|FILE ...]\n"
     "  Replays every reproducer (default corpora/regressions) under every variant\n"
     "  of its target and prints the variant x finding table, each cell checked\n"
     "  against the file's expectations.",
     &MatrixCommand},
    {"list", "rtfuzz list\n  Names the targets, their scenarios and variants.", &ListCommand},
};

void PrintHelp() {
  std::printf("usage: rtfuzz <command> [--flag=value ...]\n\ncommands:\n");
  for (const Command& c : kCommands) std::printf("%s\n\n", c.usage);
  std::printf("flags:\n%s\nexit status: 0 no finding, 1 finding (matrix: a cell not as expected), 2 usage error or bad file\n",
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
