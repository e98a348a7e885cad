// framework/cli/schedule_io.h
//
// Whole-file reads and writes for the subcommands. Writes go to a temporary
// file that is renamed into place, so an interrupted write never leaves a
// half reproducer where a good one was.

#ifndef RTFUZZ_CLI_SCHEDULE_IO_H_
#define RTFUZZ_CLI_SCHEDULE_IO_H_

#include <string>

namespace rtfuzz::cli {

// On failure `error` is "'<path>': <strerror>".
bool ReadWholeFile(const std::string& path, std::string* out, std::string* error);
bool WriteWholeFile(const std::string& path, const std::string& contents, std::string* error);

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_SCHEDULE_IO_H_
