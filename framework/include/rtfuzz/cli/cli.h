// framework/include/rtfuzz/cli/cli.h
//
// The `rtfuzz` command line as a function, for a program's main(): the
// bundled `rtfuzz` and every program rtfuzz_add_target() builds for a
// user's own targets (framework/cmake/RtfuzzAddTarget.cmake) run the same
// commands with the same flags, reports and exit statuses (docs/cli.md).
// The targets are the program's own: it defines rtfuzz::target::Targets().

#ifndef RTFUZZ_CLI_CLI_H_
#define RTFUZZ_CLI_CLI_H_

#include <string>
#include <vector>

namespace rtfuzz::cli {

// What the program's build knows: how to name the program in the commands
// it prints, and the folders campaign and gate default to.
struct BuildDefaults {
  std::string program_name = "rtfuzz";
  std::string fuzzers_dir;       // The build's <target>_fuzzer binaries.
  std::string seed_corpora_dir;  // <target>_fuzzer/ seed folders ("" if none).
  std::string build_dir;         // Default outputs go under it.
};

// Runs `<program> <args...>` (args excludes the program name) and returns
// the exit status.
int RunCommandLine(const std::vector<std::string>& args, const BuildDefaults& defaults);

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_CLI_H_
