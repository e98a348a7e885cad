// framework/src/kapi/bug.cc
//
// The out-of-line ends of BUG()/BUG_ON() and WARN*() (<linux/bug.h>): format
// the kernel-style message and end the execution with rt::Fail.

#include <cstdarg>
#include <cstdio>
#include <string>
#include <string_view>

#include "rtfuzz/rt/context.h"
// Last: kapi headers define kernel macros (noinline, likely, ...).
#include "rtfuzz/kapi/linux/bug.h"

namespace {

// The base name: __FILE__ is an absolute path in CMake builds, which would
// make messages (and report signatures) differ between checkouts.
std::string_view BaseName(const char* file) {
  std::string_view f(file);
  const size_t slash = f.find_last_of('/');
  return slash == std::string_view::npos ? f : f.substr(slash + 1);
}

std::string Where(const char* kind, const char* file, int line) {
  std::string s(kind);
  s += " at ";
  s += BaseName(file);
  s += ':';
  s += std::to_string(line);
  return s;
}

}  // namespace

extern "C" void rtfuzz_kapi_bug(const char* file, int line, const char* cond) {
  std::string message = Where("BUG", file, line);
  if (cond != nullptr) {
    message += ": ";
    message += cond;
  }
  rtfuzz::rt::Fail(message);
}

extern "C" bool rtfuzz_kapi_warn(const char* file, int line, const char* fmt, ...) {
  char text[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(text, sizeof(text), fmt, args);
  va_end(args);
  std::string message = Where("WARNING", file, line);
  if (text[0] != '\0') {
    message += ": ";
    message += text;
  }
  rtfuzz::rt::Fail(message);
}
