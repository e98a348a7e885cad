// framework/src/native/thread_report.cc
//
// A finding's picture of the run: every thread's context stack, top first,
// with the locks each context holds or waits on, and where each interrupt
// landed: its instruction pointer symbolized (rt::DescribeCode: function,
// source file and line, from libdw), so the window can be found in the source.

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rtfuzz/rt/context.h"
#include "runtime.h"

namespace rtfuzz::native::internal {
namespace {

// The callers of the code at `ip`, from a backtrace taken in a signal
// handler: the entries past the one at `ip` (return addresses, so each is
// looked up one byte back, inside its call instruction).
std::string Callers(uint64_t ip, void* const* callers, int ncallers, const char* indent) {
  int from = -1;
  for (int i = 0; i < ncallers && from < 0; ++i) {
    if (reinterpret_cast<uint64_t>(callers[i]) == ip) from = i + 1;
  }
  std::string out;
  for (int i = from, shown = 0; from >= 0 && i < ncallers && shown < 8; ++i, ++shown) {
    const std::string caller = rt::DescribeCode(reinterpret_cast<uint64_t>(callers[i]) - 1);
    if (caller.empty()) break;
    out += std::string(indent) + "called from " + caller + "\n";
  }
  return out;
}

}  // namespace

std::string Runtime::DescribeThreads() const {
  std::string out = "threads (top context first):\n";
  for (const ThreadState* ts : threads_) {
    const int top = ts->depth.load();
    char head[128];
    std::snprintf(head, sizeof(head), "  thread %d (tid %d, CPU%d)%s:\n", ts->task,
                  static_cast<int>(ts->tid), ts->cpu,
                  ts->in_body.load() ? "" : ", its task returned");
    out += head;
    if (ts->sample.taken.load()) {
      char ip[32];
      std::snprintf(ip, sizeof(ip), "0x%" PRIx64, ts->sample.ip);
      const std::string where = rt::DescribeCode(ts->sample.ip);
      out += "    now at " + std::string(ip) + (where.empty() ? "" : " in " + where) + "\n" +
             Callers(ts->sample.ip, ts->sample.callers, ts->sample.ncallers, "      ");
    }
    for (int d = top; d >= 0; --d) {
      const Frame& f = ts->frames[d];
      out += "    " + ContextName(*ts, d);
      std::string held, claimed;
      for (int i = 0; i < f.nheld.load(); ++i) {
        std::string& list = f.held[i].acquired.load() ? held : claimed;
        list += (list.empty() ? "" : ", ") + LockName(f.held[i].id.load()) +
                (f.held[i].shared ? " (read)" : "");
      }
      out += held.empty() ? ", holds nothing" : ", holds " + held;
      // lock_acquire() without lock_acquired() yet: trying, or holding a
      // lock whose hooks never confirm (lockdep counts it held).
      if (!claimed.empty()) out += ", lock_acquire()d " + claimed;
      const uint32_t waits = f.waiting_on.load();
      if (waits != 0) {
        out += ", waits on " + LockName(waits) + " at " +
               (f.wait_site != nullptr ? f.wait_site : "(unknown)");
      }
      out += "\n";
      if (d > 0) {
        char ip[32];
        std::snprintf(ip, sizeof(ip), "0x%" PRIx64, f.interrupted_ip);
        const std::string where = rt::DescribeCode(f.interrupted_ip);
        out += "      interrupted " + ContextName(*ts, d - 1) + " at " + ip +
               (where.empty() ? "" : " in " + where) + "\n";
        out += Callers(f.interrupted_ip, f.callers, f.ncallers, "        ");
      }
    }
  }
  return out;
}

}  // namespace rtfuzz::native::internal
