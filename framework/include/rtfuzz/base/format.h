// framework/include/rtfuzz/base/format.h
//
// How rtfuzz writes a virtual-time duration in reports: "250.000 ms",
// "1.010 us", "30 ns". One function, so every report reads the same.

#ifndef RTFUZZ_BASE_FORMAT_H_
#define RTFUZZ_BASE_FORMAT_H_

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

namespace rtfuzz {

inline std::string FormatDuration(uint64_t ns) {
  char buf[32];
  if (ns >= 1'000'000) {
    std::snprintf(buf, sizeof(buf), "%.3f ms", static_cast<double>(ns) / 1e6);
  } else if (ns >= 1000) {
    std::snprintf(buf, sizeof(buf), "%.3f us", static_cast<double>(ns) / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 " ns", ns);
  }
  return buf;
}

}  // namespace rtfuzz

#endif  // RTFUZZ_BASE_FORMAT_H_
