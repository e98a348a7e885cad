// framework/cli/command.cc
//
// `rtfuzz <command> [--flag=value ...]`: dispatch to one subcommand. Exit
// statuses: flags.h (0 clean, 1 finding, 2 usage, 3 mismatch, 130 SIGINT).

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
     "  what it explored, what its oracles judged (with a warning when they had\n"
     "  no lock events, and a stop after one execution when there is nothing to\n"
     "  choose) and the report of the first finding; --output writes\n"
     "  that finding as a schedule file.",
     "target scenario variant seed executions first_execution input max_steps max_slice stop_on_finding signature report_events output bug max_total_time",
     &ExploreCommand},
    {"replay",
     "rtfuzz replay FILE.sched [--variant=V] [--trace_json=F] [--html=F]\n"
     "  Re-runs a schedule file: report, per-CPU swimlane, and whether the outcome\n"
     "  is the one the file expects; --variant runs the same decisions under\n"
     "  another variant. --record_expectations=true rewrites the file's expect\n"
     "  lines from a run under every variant.",
     "variant report_events swimlane swimlane_rows trace_json html record_expectations",
     &ReplayCommand},
    {"minimize",
     "rtfuzz minimize FILE.sched [--output=F] [--max_runs=N]\n"
     "  Shrinks a reproducer, keeping its finding's signature: fewer interrupts,\n"
     "  then fewer preemptions, then fewer decisions. Writes FILE.min.sched.",
     "output bug max_runs",
     &MinimizeCommand},
    {"convert",
     "rtfuzz convert --target=T --scenario=S --variant=V CRASH [--output=F.sched]\n"
     "rtfuzz convert FILE.sched --output=F\n"
     "  A libFuzzer input into a schedule file, or a schedule file into the bytes\n"
     "  of a libFuzzer input.",
     "target scenario variant output bug",
     &ConvertCommand},
    {"matrix",
     "rtfuzz matrix [--target=T] [DIR|FILE ...]\n"
     "  Replays every reproducer (default corpora/regressions) under every variant\n"
     "  its scenario takes and prints the variant x finding table, each cell\n"
     "  checked against the file's expectations (- where the scenario does not\n"
     "  take the variant; the legend names every cell).",
     "target",
     &MatrixCommand},
    {"campaign",
     "rtfuzz campaign [--target=T,..] [--scenario=S,..] [--variant=gated|all|V,..]\n"
     "                [--executions=N] [--max_total_time=S] [--workers=N] [--engine=E]\n"
     "                [--output=DIR] [--corpus=DIR] [--fuzzers=DIR]\n"
     "  Fuzzes every selected target x scenario x variant (default: every gated\n"
     "  one) with worker processes, shows their progress, writes each new finding\n"
     "  as a minimized DIR/findings/<target>/*.sched and ends with the summary\n"
     "  table. Budget: --executions a job and/or --max_total_time in all\n"
     "  (default 60 s). Nothing found is lost to a killed worker or a Ctrl-C.\n"
     "  --dry_run=true prints the jobs (target:scenario:variant) and exits.",
     "target scenario variant executions max_total_time workers engine fuzzers output corpus seed_corpora seed minimize max_runs max_steps dry_run",
     &CampaignCommand},
    {"gate",
     "rtfuzz gate [--config=rtfuzz.toml] [--junit=F.xml] [--markdown=F.md] [--variant=V]\n"
     "  The merge gate: replays every reproducer the config names under every\n"
     "  variant it expects something of, then runs a campaign over the gated\n"
     "  variants; writes JUnit XML and a Markdown summary. Campaign flags\n"
     "  override the file; --variant replaces the gated variants.",
     "config junit markdown variant executions max_total_time workers engine fuzzers output corpus seed_corpora seed minimize max_runs max_steps",
     &GateCommand},
    {"stress",
     "rtfuzz stress [--target=T] [--scenario=S] [--variant=V] [--backend=native|sim]\n"
     "              [--iterations=N] [--max_total_time=S] [--fallback] [--sample_period=N]\n"
     "  Runs a scenario for a budget with live progress and a summary table. native\n"
     "  (the default): the same bodies on real pinned threads, SCHED_FIFO where\n"
     "  permitted, interrupted by real perf_event overflow signals named by libpfm4\n"
     "  (docs/native.md); a finding names the interrupted instruction's function\n"
     "  and line, and is reproducible only statistically. sim: the simulator's\n"
     "  random walk under the same budget, for the time to the same bug.",
     "target scenario variant backend iterations max_total_time fallback sample_period seed",
     &StressCommand},
    {"list",
     "rtfuzz list\n  Names the targets, their scenarios and variants (per scenario where a\n"
     "  target's scenarios take different ones).",
     "", &ListCommand},
};

void PrintHelp() {
  std::printf("usage: rtfuzz <command> [--flag=value ...]\n\ncommands:\n");
  for (const Command& c : kCommands) {
    std::printf("%s\n", c.usage);
    if (*c.flags) std::printf("  Flags: %s\n", c.flags);
    std::printf("\n");
  }
  std::printf("flags:\n%s\nexit status: 0 ran to the end, no finding, every expectation met; 1 finding;\n"
              "  2 usage error or bad file; 3 replay/matrix/gate: an outcome not the one the file expects;\n"
              "  4 campaign/gate: a worker failed (crashed or killed) with no finding;\n"
              "  130 interrupted (SIGINT; campaign/gate also SIGTERM) with no finding\n",
              FlagsHelp().c_str());
}

}  // namespace

namespace {
BuildDefaults& Defaults() {
  static BuildDefaults defaults;
  return defaults;
}
}  // namespace

void SetBuildDefaults(BuildDefaults defaults) { Defaults() = std::move(defaults); }
const BuildDefaults& GetBuildDefaults() { return Defaults(); }

int UsageError(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", GetBuildDefaults().program_name.c_str(), message.c_str());
  return kExitUsage;
}

int RunCommandLine(const std::vector<std::string>& args, const BuildDefaults& defaults) {
  SetBuildDefaults(defaults);
  return Main(args);
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
    const std::string accepted = std::string(" ") + c.flags + " ";
    for (const std::string& given : flags.given) {
      if (accepted.find(" " + given + " ") == std::string::npos) {
        return UsageError("--" + given + " does not apply to `rtfuzz " + name + "`" +
                          (*c.flags ? std::string(" (its flags: ") + c.flags + ")"
                                    : std::string(" (it takes no flags)")));
      }
    }
    return c.run(flags, positional);
  }
  return UsageError("unknown command '" + name + "' (rtfuzz help lists the commands)");
}

}  // namespace rtfuzz::cli
