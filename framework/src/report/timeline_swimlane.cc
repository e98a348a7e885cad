// framework/src/report/timeline_swimlane.cc
//
// FormatSwimlane (timeline.h): the trace as text, one column per CPU.
//
//   step     time          CPU0                          CPU1
//   0        0 ns          [task:low] task-start
//   7        70 ns         <NMI nmi:pmu@0>
//   8        70 ns           lock-acquire demo_lock
//   ...                      ... 240 spins, 2 warps (+250.000 ms) ...
//   300      250.010 ms      lock-failed demo_lock -110 (ETIMEDOUT)  *** missed-AA ***

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "rtfuzz/base/format.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/report/timeline.h"
#include "timeline_model.h"

namespace rtfuzz::report {
namespace {

using internal::kNone;
using internal::kRunner;

// Keeps text printable ASCII (names come from scenarios).
std::string Ascii(std::string s) {
  for (char& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) c = '?';
  }
  return s;
}

std::string Fit(std::string s, size_t width) {
  if (s.size() > width) {
    s.resize(width > 0 ? width - 1 : 0);
    s += '~';
  }
  return s;
}

std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "240 spins, 3 reads, 2 warps (+250.000 ms)" for trace[begin, end).
std::string FoldSummary(const std::vector<rt::TraceRecord>& trace, size_t begin, size_t end) {
  std::map<std::string, uint64_t> counts;
  uint64_t warped = 0;
  for (size_t i = begin; i < end; ++i) {
    const rt::TraceRecord& r = trace[i];
    switch (r.op) {
      case rt::Op::kSpin: ++counts["spin"]; break;
      case rt::Op::kRead: ++counts["read"]; break;
      case rt::Op::kWrite: ++counts["write"]; break;
      case rt::Op::kRmw: ++counts["atomic"]; break;
      case rt::Op::kTimeRead: ++counts["time-read"]; break;
      case rt::Op::kWarp:
        ++counts["warp"];
        warped += r.value;
        break;
      default: ++counts["other"]; break;
    }
  }
  std::string text;
  static const char* const kOrder[][2] = {{"spin", "spins"},   {"read", "reads"},
                                          {"write", "writes"}, {"atomic", "atomics"},
                                          {"time-read", "time-reads"}, {"warp", "warps"},
                                          {"other", "others"}};
  for (const auto& [one, many] : kOrder) {
    const auto it = counts.find(one);
    if (it == counts.end()) continue;
    if (!text.empty()) text += ", ";
    text += Plural(it->second, one, many);
  }
  const uint64_t span = trace[end - 1].time_ns - trace[begin].time_ns;
  if (warped != 0 || span != 0) text += " (+" + FormatDuration(span) + ")";
  return text;
}

}  // namespace

std::string FormatSwimlane(const TimelineInput& input, const SwimlaneOptions& options) {
  const std::vector<rt::TraceRecord>& trace = input.trace;
  const internal::TimelineModel model = internal::BuildModel(input);
  const int cpus = input.scenario.num_cpus();
  const size_t width = std::max<size_t>(options.column_width, 16);
  const std::string verdict(VerdictName(input.result.verdict));

  std::string out;
  if (!input.title.empty()) out += Ascii(input.title) + "\n";
  out += "scenario '" + Ascii(input.scenario.name()) + "', " + std::to_string(cpus) +
         " CPUs, " + std::to_string(trace.size()) + " records, verdict " + verdict + "\n";
  if (trace.empty()) {
    out += "(no trace: run with MachineOptions::record_full_trace)\n";
    return out;
  }

  // Leading columns: step, virtual time.
  constexpr size_t kLead = 24;
  auto lead = [](const std::string& step, const std::string& time) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%-9s %-13s ", step.c_str(), time.c_str());
    return std::string(buf);
  };
  std::string header = lead("step", "time");
  for (int c = 0; c < cpus; ++c) {
    std::string col = "CPU" + std::to_string(c);
    if (c + 1 < cpus) col.resize(width, ' ');
    header += col;
  }
  out += header + "\n";
  std::string rule = std::string(kLead - 2, '-') + "  ";
  for (int c = 0; c < cpus; ++c) {
    std::string col(std::min<size_t>(width - 2, 24), '-');
    if (c + 1 < cpus) col.resize(width, ' ');
    rule += col;
  }
  out += rule + "\n";

  // Places `text` in CPU column `cpu` (-1: across all columns).
  auto row = [&](const std::string& left, int cpu, const std::string& text, bool overflow) {
    std::string line = left;
    if (cpu < 0 || cpu >= cpus) {
      line += "-- " + text + " --";
    } else {
      line += std::string(static_cast<size_t>(cpu) * width, ' ');
      line += cpu + 1 < cpus && !overflow ? Fit(text, width - 1) : text;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += Ascii(line) + "\n";
  };

  const std::vector<internal::Fold> folds =
      internal::ComputeFolds(input, model.finding, options.max_rows);
  size_t next_fold = 0;
  std::vector<uint16_t> shown_context(static_cast<size_t>(cpus), kRunner);

  for (size_t i = 0; i < trace.size(); ++i) {
    if (next_fold < folds.size() && folds[next_fold].begin == i) {
      const internal::Fold& f = folds[next_fold++];
      int cpu = trace[f.begin].cpu;
      int depth = trace[f.begin].depth;
      for (size_t j = f.begin; j < f.end; ++j) {
        if (trace[j].cpu != cpu || trace[j].context == kRunner) cpu = -1;
        if (cpu >= 0) depth = std::min<int>(depth, trace[j].depth);
      }
      const std::string text = "... " + FoldSummary(trace, f.begin, f.end) + " ...";
      const std::string steps = std::to_string(trace[f.begin].step) + "-" +
                                std::to_string(trace[f.end - 1].step);
      row(lead(steps, ""), cpu, cpu >= 0 ? std::string(2u * depth, ' ') + text : text, false);
      i = f.end - 1;
      continue;
    }
    const rt::TraceRecord& r = trace[i];
    const std::string left = lead(std::to_string(r.step), FormatDuration(r.time_ns));
    std::string text;
    int cpu = r.cpu;
    if (r.context == kRunner) {
      cpu = -1;
      text = r.op == rt::Op::kWarp ? "time warp +" + FormatDuration(r.value)
                                   : internal::DescribeRecord(input, r);
    } else {
      const auto kind = static_cast<rt::ContextKind>(r.context_kind);
      const std::string name = internal::ContextLabel(input, r.context);
      const std::string tag(internal::KindTag(kind));
      std::string indent(2u * r.depth, ' ');
      if (r.op == rt::Op::kIrqEnter) {
        text = indent + "<" + tag + " " + name + ">";
      } else if (r.op == rt::Op::kIrqExit) {
        text = indent + "</" + tag + " " + name + ">";
      } else if (r.op == rt::Op::kSwitch) {
        text = indent + "== " + name + " " + internal::DescribeRecord(input, r) + " ==";
      } else {
        // Name the context when the column changes hands.
        const bool named = r.cpu < shown_context.size() && shown_context[r.cpu] == r.context;
        text = indent + (named ? "" : "[" + name + "] ") + internal::DescribeRecord(input, r);
      }
      if (r.cpu < shown_context.size()) {
        shown_context[r.cpu] = r.op == rt::Op::kIrqExit ? kRunner : r.context;
      }
    }
    // The finding's mark may run over into the next column: it is the last
    // thing that happened.
    const bool finding = i == model.finding;
    if (finding) text += "  *** " + verdict + " ***";
    row(left, cpu, text, finding);
  }

  out += rule + "\n";
  if (model.finding != kNone) {
    // The verdict's own step and time, as the report's header gives them
    // (a verdict inside a time warp comes after its last record's time).
    char where[160];
    std::snprintf(where, sizeof(where), " at step %" PRIu64 " (%s), CPU %d, %s",
                  input.result.steps, FormatDuration(input.result.time_ns).c_str(), input.result.cpu,
                  input.result.context.empty() ? "(no context)" : input.result.context.c_str());
    out += Ascii("*** " + verdict + " ***" + where) + "\n";
    out += Ascii(input.result.message) + "\n";
  } else {
    out += "no finding (" + verdict + ")\n";
  }
  return out;
}

}  // namespace rtfuzz::report
