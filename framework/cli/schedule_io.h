// framework/cli/schedule_io.h
//
// Whole-file writes for the subcommands (reads: rtfuzz/base/input_file.h).
// Writes go to a temporary file that is renamed into place, so an
// interrupted write never leaves a half reproducer where a good one was.

#ifndef RTFUZZ_CLI_SCHEDULE_IO_H_
#define RTFUZZ_CLI_SCHEDULE_IO_H_

#include <string>

namespace rtfuzz::cli {

// On failure `error` is "cannot write '<path>': <strerror>".
bool WriteWholeFile(const std::string& path, const std::string& contents, std::string* error);

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_SCHEDULE_IO_H_
