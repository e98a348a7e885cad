// framework/include/rtfuzz/base/format.h
//
// How rtfuzz writes a virtual-time duration in reports: "250.000 ms",
// "1.010 us", "30 ns"; a task priority as a scenario declares it; and a
// count of things ("1 job", "27 jobs"). One function each, so every report
// reads the same.

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

// A kernel prio (0..98 = SCHED_FIFO/RR 99..1, 100..139 = SCHED_OTHER nice
// -20..19) as a scenario declares it: "FIFO 90", "OTHER", "OTHER nice 5".
// Reports print the kernel prio once beside it, in brackets.
inline std::string FormatPriority(int prio) {
  if (prio < 99) return "FIFO " + std::to_string(99 - prio);
  if (prio == 120) return "OTHER";
  return "OTHER nice " + std::to_string(prio - 120);
}

// "1 job", "2 jobs": `noun` takes an "s" unless there is one.
inline std::string FormatCount(uint64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace rtfuzz

#endif  // RTFUZZ_BASE_FORMAT_H_
