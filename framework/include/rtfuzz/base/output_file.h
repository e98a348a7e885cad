// framework/include/rtfuzz/base/output_file.h
//
// WriteWholeFile: the one way the tools write a file (a schedule file, a
// libFuzzer input, a report, a campaign's reproducer). The contents go to
// a temporary file that is renamed into place, so an interrupted write
// never leaves a half file where a good one was.

#ifndef RTFUZZ_BASE_OUTPUT_FILE_H_
#define RTFUZZ_BASE_OUTPUT_FILE_H_

#include <string>

namespace rtfuzz {

// On failure returns false with *error "cannot write '<path>': <strerror>".
bool WriteWholeFile(const std::string& path, const std::string& contents, std::string* error);

}  // namespace rtfuzz

#endif  // RTFUZZ_BASE_OUTPUT_FILE_H_
