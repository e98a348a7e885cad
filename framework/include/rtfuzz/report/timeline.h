// framework/include/rtfuzz/report/timeline.h
//
// Pictures of one execution's full trace (MachineOptions::record_full_trace),
// for a person looking at a finding. Three renderings of the same input:
//
//   FormatSwimlane        terminal text: one column per CPU, one row per
//                         record in step order, interrupt nesting indented and
//                         bracketed (<NMI nmi:pmu@0> ... </NMI ...>), lock
//                         events named, long runs of plain points folded
//                         ("... 240 spins ..."), the finding marked on its row.
//   FormatTraceEventJson  Chrome/Perfetto legacy trace-event JSON: a process
//                         per CPU, a thread per context on it, slices for
//                         context time on CPU and lock holds, instants for
//                         contention, failures and the finding, flow arrows
//                         for wakeups and raised interrupts (IPIs). Open it in
//                         ui.perfetto.dev or chrome://tracing.
//   FormatHtmlTimeline    one self-contained HTML page with an inline SVG (no
//                         scripts, fonts or images from anywhere): a lane per
//                         CPU with a sub-lane per nesting depth, lock-hold
//                         bars, wake/IPI arrows, and a red line at the finding.
//
// docs/pictures.md says how to read each. Off the hot path: these walk the
// trace a few times and build strings freely.
//
// Time: the pictures are laid out by step (one record = one unit), because
// many records share a virtual time and a time warp can skip 30 ms between two
// records; virtual time is shown beside the step (axis labels, args). In the
// JSON one record is 10 ns (ts = record index * 0.01 us; records that share a
// step, as an annotation shares its point's, still follow one another).
//
// Objects have no names in the trace (records hold small ids). A record's
// object is shown as TimelineInput::object_names[id] when the caller knows it
// (e.g. {1, "demo_lock"}), else as "#<id>" like FormatRecord
// (execution_report.h); tasks, handlers and contexts are named by the machine
// and the scenario.

#ifndef RTFUZZ_REPORT_TIMELINE_H_
#define RTFUZZ_REPORT_TIMELINE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/scenario.h"
#include "rtfuzz/rt/trace.h"

namespace rtfuzz::report {

// One execution to draw. `machine` must still hold that execution (it names
// contexts: Machine::ContextName), `trace` is usually machine.full_trace(),
// and `result` its ExecutionResult; a verdict other than pass is the finding,
// marked at the last record whose step is <= result.steps.
struct TimelineInput {
  const rt::Scenario& scenario;
  const rt::Machine& machine;
  const std::vector<rt::TraceRecord>& trace;
  const rt::ExecutionResult& result;
  std::string title;                             // Shown first; may be empty.
  std::map<uint32_t, std::string> object_names;  // Lock/variable id -> name.
};

struct SwimlaneOptions {
  // Soft cap on the rows printed. Runs of plain records (reads, writes,
  // atomics, spins, time reads, preempt/irq/bh toggles, warps) are folded
  // into one "... N spins ..." row until the trace fits; rows with lock,
  // interrupt, switch, wake, task start/exit or block events are always kept,
  // so the cap can be exceeded. 0 = never fold.
  size_t max_rows = 200;
  size_t column_width = 40;  // Characters per CPU column (>= 16).
};

// The terminal swimlane (ASCII only, '\n'-terminated lines).
std::string FormatSwimlane(const TimelineInput& input, const SwimlaneOptions& options = {});

// {"traceEvents":[...],"displayTimeUnit":"ns"}: pid = CPU, tid = 1000 * CPU +
// context id + 1 (one track per context on each CPU it ran on), ts in us.
std::string FormatTraceEventJson(const TimelineInput& input);

// A complete HTML document (UTF-8, inline CSS and SVG, no external
// references). Stable hooks for tests and tools: <g class="cpu-lane"
// data-cpu="N">, <rect class="ctx task|softirq|hardirq|nmi">,
// class="lock-hold", "lock-contended", "lock-failed", "flow wake", "flow ipi",
// <g id="finding">, <g id="legend">.
std::string FormatHtmlTimeline(const TimelineInput& input);

}  // namespace rtfuzz::report

#endif  // RTFUZZ_REPORT_TIMELINE_H_
