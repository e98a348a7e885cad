// framework/src/report/timeline_json.cc
//
// FormatTraceEventJson (timeline.h): the legacy Chrome trace-event format
// (the "JSON Object Format" of the Trace Event Format document), which
// Perfetto and chrome://tracing both import.
//
//   pid   = CPU ("CPU n", process_name / process_sort_index metadata)
//   tid   = 1000 * CPU + context id + 1: one track per context per CPU
//           (thread_name = the context's name, sorted task first)
//   ts    = record index * 0.01 us: one record is 10 ns wide, whatever
//           virtual time it had (args have step and time_ns), so a 30 ms warp
//           does not squash the picture, and records that share a step (an
//           annotation shares its point's) still come one after the other
//   X     context slices (task runs, handler enter..exit), cat "context";
//         lock holds (acquired..release) nested in them, cat "lock"
//         and lock waits (contended..acquired/failed), cat "lock-wait"
//   i     lock contended / failed (s "t"), the finding (s "g")
//   s/f   flows: wake (waker -> woken task's next record) and irq raise
//         (raise -> the handler's entry), bp "e"
//
// Events are sorted by ts (longer slices first at equal ts) so every track
// is monotone and slices nest.

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/report/timeline.h"
#include "timeline_model.h"

namespace rtfuzz::report {
namespace {

using internal::JsonEscape;
using internal::kNone;

// ts of record index `step` in us (10 ns per record), exact decimal.
std::string Us(uint64_t step) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%" PRIu64 ".%02" PRIu64, step / 100, step % 100);
  return buf;
}

uint64_t Tid(int cpu, uint16_t context) {
  return 1000 * static_cast<uint64_t>(cpu) + context + 1;
}

struct Event {
  uint64_t ts = 0;   // In records.
  uint64_t dur = 0;  // In records (X only).
  int order = 0;     // Tie-break at equal ts: metadata, slices, then points.
  std::string json;  // The whole object.
};

}  // namespace

std::string FormatTraceEventJson(const TimelineInput& input) {
  const std::vector<rt::TraceRecord>& trace = input.trace;
  const internal::TimelineModel model = internal::BuildModel(input);
  const int cpus = input.scenario.num_cpus();
  std::vector<Event> events;

  auto common = [](const std::string& name, const char* ph, uint64_t ts, int pid,
                   uint64_t tid) {
    return "{\"name\":\"" + JsonEscape(name) + "\",\"ph\":\"" + ph + "\",\"ts\":" + Us(ts) +
           ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid);
  };

  // Metadata: CPUs as processes, contexts as threads.
  for (int c = 0; c < cpus; ++c) {
    events.push_back({0, 0, 0,
                      common("process_name", "M", 0, c, 0) + ",\"args\":{\"name\":\"CPU " +
                          std::to_string(c) + "\"}}"});
    events.push_back({0, 0, 0,
                      common("process_sort_index", "M", 0, c, 0) +
                          ",\"args\":{\"sort_index\":" + std::to_string(c) + "}}"});
  }
  std::vector<std::pair<int, uint16_t>> tracks;
  for (const internal::ContextSlice& s : model.slices) {
    const std::pair<int, uint16_t> key{s.cpu, s.context};
    if (std::find(tracks.begin(), tracks.end(), key) != tracks.end()) continue;
    tracks.push_back(key);
    const uint64_t tid = Tid(s.cpu, s.context);
    const std::string name = internal::ContextLabel(input, s.context);
    events.push_back({0, 0, 0,
                      common("thread_name", "M", 0, s.cpu, tid) + ",\"args\":{\"name\":\"" +
                          JsonEscape(name) + "\"}}"});
    events.push_back({0, 0, 0,
                      common("thread_sort_index", "M", 0, s.cpu, tid) +
                          ",\"args\":{\"sort_index\":" +
                          std::to_string(static_cast<int>(s.kind) * 10000 + s.context) + "}}"});
  }

  // Context slices.
  for (const internal::ContextSlice& s : model.slices) {
    const rt::TraceRecord& a = trace[s.first];
    const rt::TraceRecord& b = trace[s.last];
    const uint64_t dur = s.last - s.first + 1;
    events.push_back(
        {s.first, dur, 1,
         common(internal::ContextLabel(input, s.context), "X", s.first, s.cpu,
                Tid(s.cpu, s.context)) +
             ",\"dur\":" + Us(dur) + ",\"cat\":\"context\",\"args\":{\"kind\":\"" +
             std::string(internal::KindClass(s.kind)) +
             "\",\"context\":" + std::to_string(s.context) +
             ",\"depth\":" + std::to_string(s.depth) +
             ",\"first_step\":" + std::to_string(a.step) +
             ",\"last_step\":" + std::to_string(b.step) +
             ",\"time_ns\":" + std::to_string(a.time_ns) +
             ",\"end_time_ns\":" + std::to_string(b.time_ns) + "}}"});
  }

  // Lock holds, clipped to the holder's slices so they nest in them.
  for (const internal::LockHold& h : model.holds) {
    const size_t end = h.released != kNone ? h.released : trace.size() - 1;
    for (const internal::ContextSlice& s : model.slices) {
      if (s.context != h.context || s.last < h.acquired || s.first > end) continue;
      const size_t from = std::max(s.first, h.acquired);
      const size_t to = std::min(s.last, end);
      const uint64_t dur = to - from + 1;
      const std::string name = internal::ObjectLabel(input, h.lock);
      events.push_back(
          {from, dur, 2,
           common(name, "X", from, s.cpu, Tid(s.cpu, s.context)) +
               ",\"dur\":" + Us(dur) + ",\"cat\":\"lock\",\"args\":{\"lock\":" +
               std::to_string(h.lock) + ",\"acquired_step\":" +
               std::to_string(trace[h.acquired].step) + ",\"released_step\":" +
               (h.released != kNone ? std::to_string(trace[h.released].step) : "null") +
               ",\"held_ns\":" +
               std::to_string(trace[end].time_ns - trace[h.acquired].time_ns) + "}}"});
    }
  }

  // Lock waits (contended .. acquired or failed), ending where the hold
  // begins so the two never overlap on the track.
  for (const internal::LockWait& w : model.waits) {
    const size_t end = w.ended != kNone ? w.ended : trace.size();
    for (const internal::ContextSlice& s : model.slices) {
      if (s.context != w.context || s.last < w.contended || s.first >= end) continue;
      const size_t from = std::max(s.first, w.contended);
      const size_t to = std::min(s.last + 1, end);  // Exclusive.
      if (to <= from) continue;
      events.push_back(
          {from, to - from, 2,
           common("wait " + internal::ObjectLabel(input, w.lock), "X", from, s.cpu,
                  Tid(s.cpu, s.context)) +
               ",\"dur\":" + Us(to - from) + ",\"cat\":\"lock-wait\",\"args\":{\"lock\":" +
               std::to_string(w.lock) + ",\"failed\":" + (w.failed ? "true" : "false") + "}}"});
    }
  }

  // Lock contended / failed.
  for (const size_t i : model.lock_marks) {
    const rt::TraceRecord& r = trace[i];
    const bool failed = r.op == rt::Op::kLockFailed;
    std::string name = std::string(failed ? "failed " : "contended ") +
                       internal::ObjectLabel(input, r.object);
    if (failed) name += " " + internal::ErrnoText(r.value);
    events.push_back({i, 0, 3,
                      common(name, "i", i, r.cpu, Tid(r.cpu, r.context)) +
                          ",\"s\":\"t\",\"cat\":\"lock\",\"args\":{\"lock\":" +
                          std::to_string(r.object) + ",\"step\":" + std::to_string(r.step) +
                          ",\"time_ns\":" + std::to_string(r.time_ns) + "}}"});
  }

  // Flows: "s" on the source's track, "f" (bound to the enclosing slice) on
  // the destination's.
  uint64_t flow_id = 1;
  for (const internal::Flow& f : model.flows) {
    const rt::TraceRecord& a = trace[f.from];
    const rt::TraceRecord& b = trace[f.to];
    if (a.context == internal::kRunner || b.context == internal::kRunner) continue;
    const std::string name = f.wake ? "wake" : (f.cross_cpu ? "ipi" : "irq-raise");
    const std::string id = std::to_string(flow_id++);
    events.push_back({f.from, 0, 4,
                      common(name, "s", f.from, a.cpu, Tid(a.cpu, a.context)) +
                          ",\"id\":" + id + ",\"cat\":\"flow\"}"});
    events.push_back({f.to, 0, 4,
                      common(name, "f", f.to, b.cpu, Tid(b.cpu, b.context)) +
                          ",\"id\":" + id + ",\"bp\":\"e\",\"cat\":\"flow\"}"});
  }

  // The finding: a global instant.
  if (model.finding != kNone) {
    const rt::TraceRecord& r = trace[model.finding];
    const int pid = input.result.cpu >= 0 && input.result.cpu < cpus ? input.result.cpu
                                                                      : std::min<int>(r.cpu, cpus - 1);
    const uint64_t tid = r.context != internal::kRunner ? Tid(r.cpu, r.context) : 0;
    events.push_back(
        {model.finding, 0, 5,
         common("finding: " + std::string(VerdictName(input.result.verdict)), "i", model.finding,
                pid,
                tid) +
             ",\"s\":\"g\",\"cat\":\"finding\",\"args\":{\"verdict\":\"" +
             JsonEscape(VerdictName(input.result.verdict)) + "\",\"message\":\"" +
             JsonEscape(input.result.message) + "\",\"context\":\"" +
             JsonEscape(input.result.context) + "\",\"cpu\":" + std::to_string(input.result.cpu) +
             ",\"step\":" + std::to_string(r.step) +
             ",\"time_ns\":" + std::to_string(r.time_ns) + "}}"});
  }

  std::stable_sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
    if (x.ts != y.ts) return x.ts < y.ts;
    if (x.order != y.order) return x.order < y.order;
    return x.dur > y.dur;
  });

  std::string out = "{\"traceEvents\":[\n";
  for (size_t i = 0; i < events.size(); ++i) {
    out += events[i].json;
    out += i + 1 < events.size() ? ",\n" : "\n";
  }
  out += "],\"displayTimeUnit\":\"ns\",\"otherData\":{\"scenario\":\"" +
         JsonEscape(input.scenario.name()) + "\",\"title\":\"" + JsonEscape(input.title) +
         "\",\"verdict\":\"" + JsonEscape(VerdictName(input.result.verdict)) +
         "\",\"message\":\"" + JsonEscape(input.result.message) +
         "\",\"time_unit\":\"one trace record = 0.01 us\"}}\n";
  return out;
}

}  // namespace rtfuzz::report
