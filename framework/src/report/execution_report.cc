// framework/src/report/execution_report.cc
//
// Text report of a finding: verdict frame, where it happened, and the last
// trace records laid out in one column per CPU.

#include "rtfuzz/report/execution_report.h"

#include "rtfuzz/base/format.h"
#include "timeline_model.h"

#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>

namespace rtfuzz::report {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

}  // namespace

std::string FormatDecisions(const std::vector<sched::Decision>& decisions) {
  std::string out;
  for (const sched::Decision& d : decisions) {
    if (!out.empty()) out += ' ';
    out += std::string(sched::DecisionKindName(d.kind)) + "/" + std::to_string(d.bound) +
           "=" + std::to_string(d.value);
  }
  return out.empty() ? "(none)" : out;
}

std::string FormatRecord(const rt::Machine& machine, const rt::TraceRecord& r) {
  std::string text;
  if (r.context != 0xffff) text = "[" + machine.ContextName(r.context) + "] ";
  text += std::string(rt::OpName(r.op));
  if (r.object != 0) text += " #" + std::to_string(r.object);
  // Memory and lock records name their object (a variable, a lock, a queue).
  const bool named_op = r.op == rt::Op::kRead || r.op == rt::Op::kWrite ||
                        r.op == rt::Op::kRmw || r.op == rt::Op::kLockAcquire ||
                        r.op == rt::Op::kLockContended || r.op == rt::Op::kLockAcquired ||
                        r.op == rt::Op::kLockRelease || r.op == rt::Op::kLockFailed;
  if (r.object != 0 && named_op) {
    if (const std::string name = machine.ObjectName(r.object); !name.empty()) {
      text += " (" + name + ")";
    }
  }
  // A lock's error is a negative errno, stored as the record's 64-bit value.
  if (r.op == rt::Op::kSwitch || r.op == rt::Op::kSetPriority) {  // A kernel prio.
    const int prio = static_cast<int>(r.value);
    return text + " = " + FormatPriority(prio) + " [prio " + std::to_string(prio) + "]";
  }
  text += " = " + (r.op == rt::Op::kLockFailed ? internal::ErrnoText(r.value)
                                                : internal::ValueText(r.value));
  return text;
}

std::string FormatExecutionReport(const rt::Scenario& scenario, const rt::Machine& machine,
                                  const rt::ExecutionResult& result,
                                  const ReportOptions& options) {
  const std::string verdict = Upper(VerdictName(result.verdict));
  std::string out = "==" + std::to_string(::getpid()) + "== ERROR: rtfuzz: " + verdict + "\n";
  out += result.message + "\n";
  char where[256];
  std::snprintf(where, sizeof(where),
                "  in scenario '%s', execution %" PRIu64 ", CPU %d, context %s, "
                "step %" PRIu64 ", virtual time %s\n",
                scenario.name().c_str(), result.execution_index, result.cpu,
                result.context.empty() ? "(none)" : result.context.c_str(), result.steps,
                FormatDuration(result.time_ns).c_str());
  out += where;
  if (!result.details.empty()) {
    out += "\n" + result.details;
    if (result.details.back() != '\n') out += "\n";
  }

  // The last records, one column per CPU; nesting depth indents the text.
  const int cpus = scenario.num_cpus();
  const size_t shown = std::min(options.max_records, result.last_records.size());
  constexpr size_t kColumn = 34;
  if (shown > 0) {
    out += "\nLast " + std::to_string(shown) + " events (oldest first):\n";
    std::string header = "  step      time        ";
    for (int c = 0; c < cpus; ++c) {
      std::string col = "CPU" + std::to_string(c);
      col.resize(kColumn, ' ');
      header += col;
    }
    while (header.back() == ' ') header.pop_back();
    out += header + "\n";
    for (size_t i = result.last_records.size() - shown; i < result.last_records.size(); ++i) {
      const rt::TraceRecord& r = result.last_records[i];
      char lead[48];
      std::snprintf(lead, sizeof(lead), "  %-9" PRIu64 " %-11s ", r.step,
                    FormatDuration(r.time_ns).c_str());
      std::string line = lead;
      const int column = r.context == 0xffff ? -1 : r.cpu;
      if (column < 0) {
        line += "-- " + FormatRecord(machine, r) + " --";
      } else {
        line += std::string(static_cast<size_t>(column) * kColumn, ' ');
        line += std::string(2u * r.depth, ' ') + FormatRecord(machine, r);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  out += "\n*** " + verdict + " ***\n";
  if (!result.signature.empty()) out += "signature: " + result.signature + "\n";
  out += "decisions: " + FormatDecisions(result.decisions) + "\n";
  if (!options.reproduce.empty()) out += "reproduce: " + options.reproduce + "\n";
  out += "SUMMARY: rtfuzz: " + verdict + " in " + scenario.name() + "\n";
  return out;
}

}  // namespace rtfuzz::report
