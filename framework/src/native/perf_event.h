// framework/src/native/perf_event.h
//
// Events by libpfm4 name: encoded with pfm_get_os_event_encoding() into a
// perf_event_attr, and checked to open on this machine (a hardware event
// does not where there is no PMU), before a run starts.

#ifndef RTFUZZ_SRC_NATIVE_PERF_EVENT_H_
#define RTFUZZ_SRC_NATIVE_PERF_EVENT_H_

#include <string>
#include <string_view>

#include "runtime.h"

namespace rtfuzz::native::internal {

// The software event that stands in for one that cannot be opened here.
inline constexpr std::string_view kFallbackEvent = "perf::task-clock";

// Resolves `name`. On failure returns false with a one-line `error` naming
// the event, the reason and the software fallback, unless `fallback`, when
// it opens kFallbackEvent instead and says so in `note`.
bool ResolveEvent(std::string_view name, bool fallback, OpenedEvent* out, std::string* error,
                  std::string* note);

// perf_event_open(2) for `event` on the calling thread, disabled.
int OpenEventFd(const OpenedEvent& event, uint64_t sample_period);

}  // namespace rtfuzz::native::internal

#endif  // RTFUZZ_SRC_NATIVE_PERF_EVENT_H_
