// framework/src/native/perf_event.cc
//
// libpfm4 names to perf_event_attr, and the check that the event opens.

#include "perf_event.h"

#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace rtfuzz::native::internal {
namespace {

// pfm_initialize() once per process; its result.
int PfmInit() {
  static const int rc = pfm_initialize();
  return rc;
}

bool Encode(std::string_view name, OpenedEvent* out, std::string* reason) {
  const int init = PfmInit();
  if (init != PFM_SUCCESS) {
    *reason = std::string("libpfm4 did not initialise: ") + pfm_strerror(init);
    return false;
  }
  struct perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  pfm_perf_encode_arg_t arg;
  std::memset(&arg, 0, sizeof(arg));
  arg.attr = &attr;
  arg.size = sizeof(arg);
  const std::string n(name);
  // PFM_PLM3: user level only, as the sampled code is the target's.
  const int rc = pfm_get_os_event_encoding(n.c_str(), PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
  if (rc != PFM_SUCCESS) {
    *reason = std::string("libpfm4 cannot encode it: ") + pfm_strerror(rc);
    return false;
  }
  out->name = n;
  out->type = attr.type;
  out->config = attr.config;
  out->config1 = attr.config1;
  out->config2 = attr.config2;
  out->clock = attr.type == PERF_TYPE_SOFTWARE && (attr.config == PERF_COUNT_SW_TASK_CLOCK ||
                                                   attr.config == PERF_COUNT_SW_CPU_CLOCK);
  return true;
}

// Opens and closes it: the kernel's answer for this machine.
bool Opens(const OpenedEvent& event, std::string* reason) {
  const int fd = OpenEventFd(event, 100000);
  if (fd >= 0) {
    close(fd);
    return true;
  }
  const int e = errno;
  *reason = std::string("perf_event_open failed: ") + std::strerror(e);
  const bool hardware = event.type == PERF_TYPE_HARDWARE || event.type == PERF_TYPE_HW_CACHE ||
                        event.type == PERF_TYPE_RAW || event.type >= PERF_TYPE_MAX;
  if (hardware && (e == ENOENT || e == EOPNOTSUPP || e == ENODEV)) {
    *reason += " (a hardware event, and this machine has no hardware PMU)";
  } else if (e == EACCES || e == EPERM) {
    *reason += " (kernel.perf_event_paranoid forbids it to this user)";
  }
  return false;
}

}  // namespace

int OpenEventFd(const OpenedEvent& event, uint64_t sample_period) {
  struct perf_event_attr attr;
  std::memset(&attr, 0, sizeof(attr));
  attr.size = sizeof(attr);
  attr.type = event.type;
  attr.config = event.config;
  attr.config1 = event.config1;
  attr.config2 = event.config2;
  attr.sample_period = sample_period;
  attr.disabled = 1;
  // Overflows in user mode only: the handler interrupts target code, not
  // the kernel's futex or signal paths.
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  attr.wakeup_events = 1;
  return static_cast<int>(::syscall(SYS_perf_event_open, &attr, 0, -1, -1,
                                    PERF_FLAG_FD_CLOEXEC));
}

bool ResolveEvent(std::string_view name, bool fallback, OpenedEvent* out, std::string* error,
                  std::string* note) {
  std::string reason;
  if (Encode(name, out, &reason) && Opens(*out, &reason)) return true;
  if (!fallback) {
    *error = "event '" + std::string(name) + "': " + reason + "; the software event '" +
             std::string(kFallbackEvent) + "' can stand in: rerun with --fallback";
    return false;
  }
  std::string fallback_reason;
  if (!Encode(kFallbackEvent, out, &fallback_reason) || !Opens(*out, &fallback_reason)) {
    *error = "event '" + std::string(name) + "': " + reason + "; and the fallback '" +
             std::string(kFallbackEvent) + "' does not open either: " + fallback_reason;
    return false;
  }
  *note = "event: '" + std::string(name) + "' " + reason + "; '" + std::string(kFallbackEvent) +
          "' used instead (--fallback)";
  return true;
}

}  // namespace rtfuzz::native::internal
