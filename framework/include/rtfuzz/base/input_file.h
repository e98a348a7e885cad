// framework/include/rtfuzz/base/input_file.h
//
// ReadInputFile: the one way the tools read a file a user names (a schedule
// file, a libFuzzer input). Only a regular file is read: a directory, a FIFO
// (which would block), a device or a socket is refused before it is opened,
// and a read error (EIO, EACCES) is reported, never thrown.

#ifndef RTFUZZ_BASE_INPUT_FILE_H_
#define RTFUZZ_BASE_INPUT_FILE_H_

#include <string>

namespace rtfuzz {

// Reads all of `path` into *out. On failure returns false with a one-line
// *error that names the path: "'x': is a directory", "'x': is a FIFO, not a
// regular file", "'x': No such file or directory", "'x': read failed:
// Input/output error".
bool ReadInputFile(const std::string& path, std::string* out, std::string* error);

}  // namespace rtfuzz

#endif  // RTFUZZ_BASE_INPUT_FILE_H_
