// framework/src/base/check.cc
//
// CheckFailed: the crash path of RTFUZZ_CHECK / RTFUZZ_PRECONDITION. Uses only
// write(2) and no allocation: it may run on a fiber stack in a broken state.

#include "rtfuzz/base/check.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rtfuzz::internal {
namespace {

FailureContextPrinter g_context_printer = nullptr;

void WriteAll(int fd, const char* s) {
  size_t len = std::strlen(s);
  while (len > 0) {
    ssize_t n = ::write(fd, s, len);
    if (n <= 0) return;
    s += n;
    len -= static_cast<size_t>(n);
  }
}

}  // namespace

void SetFailureContextPrinter(FailureContextPrinter printer) {
  g_context_printer = printer;
}

void CheckFailed(const char* kind, const char* expr, const char* msg,
                 const char* file, int line) {
  char buf[512];
  std::snprintf(buf, sizeof(buf), "==%d== rtfuzz: [%s] %s:%d: %s (%s)\n",
                static_cast<int>(::getpid()), kind, file, line, msg, expr);
  WriteAll(2, buf);
  if (g_context_printer != nullptr) g_context_printer(2);
  std::abort();
}

}  // namespace rtfuzz::internal
