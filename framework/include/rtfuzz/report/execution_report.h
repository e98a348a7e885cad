// framework/include/rtfuzz/report/execution_report.h
//
// The text report of one execution that ended in a verdict, in the frame every
// rtfuzz report uses (docs/architecture.md#reports), so it can be grepped:
//
//   ==PID== ERROR: rtfuzz: <VERDICT>
//   <message>, where (scenario, execution, CPU, context, step, time)
//   the last trace records, one column per CPU, nesting indented
//   *** <VERDICT> ***
//   the decisions
//   a copy-paste reproduce line
//   SUMMARY: rtfuzz: <VERDICT>

#ifndef RTFUZZ_REPORT_EXECUTION_REPORT_H_
#define RTFUZZ_REPORT_EXECUTION_REPORT_H_

#include <cstddef>
#include <string>

#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::report {

struct ReportOptions {
  size_t max_records = 24;     // Trace records shown (the last ones).
  std::string reproduce;       // The command that reproduces the execution.
};

std::string FormatExecutionReport(const rt::Scenario& scenario,
                                  const rt::Machine& machine,
                                  const rt::ExecutionResult& result,
                                  const ReportOptions& options);

// "pmu-period/49=5 slice/65=0 ..."; the decisions as the machine asked them.
std::string FormatDecisions(const std::vector<sched::Decision>& decisions);

// One trace record as text: "[nmi:pmu@0] rmw #1 = 1".
std::string FormatRecord(const rt::Machine& machine, const rt::TraceRecord& record);

}  // namespace rtfuzz::report

#endif  // RTFUZZ_REPORT_EXECUTION_REPORT_H_
