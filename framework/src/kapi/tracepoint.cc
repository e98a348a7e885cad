// framework/src/kapi/tracepoint.cc
//
// The recursion check of <linux/tracepoint.h>: a tracepoint fired again from
// its own probes in the same context, deeper than TRACEPOINT_MAX_RECURSION.

#include <string>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/context.h"
// Last: kapi headers define kernel macros.
#include "rtfuzz/kapi/linux/tracepoint.h"

namespace rtfuzz::kapi::internal {

TracepointFiring EnterTracepoint(struct tracepoint* tp) {
  const TracepointFiring outer{tp->rtfuzz_depth, tp->rtfuzz_context, tp->rtfuzz_serial};
  const uint64_t serial = rt::ExecutionSerial();
  const rt::ContextId self = rt::CurrentContextId();
  // A firing of an older execution, or one in another context (an NMI over
  // a probe is nesting, not recursion), starts a new count.
  const bool same = outer.serial == serial && outer.context == self && outer.depth > 0;
  tp->rtfuzz_depth = same ? outer.depth + 1 : 1;
  tp->rtfuzz_context = self;
  tp->rtfuzz_serial = serial;
  if (tp->rtfuzz_depth > TRACEPOINT_MAX_RECURSION) {
    const std::string where = std::string(rt::ContextKindName(rt::CurrentContextKind())) +
                              " context on CPU" + std::to_string(rt::CurrentCpu());
    rt::Report(Verdict::kStall,
               "tracepoint recursion: " + std::string(tp->name) + " fired " +
                   std::to_string(tp->rtfuzz_depth) + " times nested from its own probes in " +
                   where + " (limit " + std::to_string(TRACEPOINT_MAX_RECURSION) +
                   "): a probe re-enters the path that fires it, without bound");
  }
  return outer;
}

}  // namespace rtfuzz::kapi::internal
