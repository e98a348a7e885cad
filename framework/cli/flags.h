// framework/cli/flags.h
//
// Flags of the `rtfuzz` command, generated from flags.def. Parsing is strict:
// an unknown flag, a flag without `=value`, or a value of the wrong type is a
// one-line error and exit status kExitUsage.

#ifndef RTFUZZ_CLI_FLAGS_H_
#define RTFUZZ_CLI_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace rtfuzz::cli {

// Exit statuses, an interface CI gates on (docs/cli.md): never 0 unless the
// command ran to its end and found nothing it was asked to report.
inline constexpr int kExitOk = 0;       // Ran; no finding; every expectation met.
inline constexpr int kExitFinding = 1;  // A verdict other than pass was found.
inline constexpr int kExitUsage = 2;    // Bad command line or input file.
inline constexpr int kExitMismatch = 3;  // replay/matrix/gate: an outcome is not the expected one.
// 4: campaign/gate, a worker crashed or was killed (campaign::kExitWorkerFailed).
inline constexpr int kExitInterrupted = 130;  // SIGINT (128 + 2) before the end, no finding.

struct Flags {
#define RTFUZZ_FLAG_STRING(name, def, help) std::string name = def;
#define RTFUZZ_FLAG_UINT64(name, def, help) uint64_t name = def;
#define RTFUZZ_FLAG_BOOL(name, def, help) bool name = def;
#include "flags.def"
#undef RTFUZZ_FLAG_STRING
#undef RTFUZZ_FLAG_UINT64
#undef RTFUZZ_FLAG_BOOL
  // The flags the command line gave, in order: a command rejects those it
  // does not use (Command::flags), so none is silently ignored.
  std::vector<std::string> given;
};

// Parses `--name=value` arguments into *flags and the rest into *positional.
// On error returns false with a one-line message in *error.
bool ParseFlags(const std::vector<std::string>& args, Flags* flags,
                std::vector<std::string>* positional, std::string* error);

// The flag table, for --help.
std::string FlagsHelp();

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_FLAGS_H_
