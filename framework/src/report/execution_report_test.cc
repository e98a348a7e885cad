// framework/src/report/execution_report_test.cc
//
// The report frame of a real finding (the demo's spinning NMI): verdict
// lines in order, the CPU columns, and a reproduce line that is printed.

#include "rtfuzz/report/execution_report.h"

#include <regex>

#include "gtest/gtest.h"
#include "rtfuzz/demo/demo_scenario.h"
#include "rtfuzz/sched/random_source.h"

namespace rtfuzz::report {
namespace {

TEST(ExecutionReportTest, FramesTheVerdictAndShowsCpuColumns) {
  auto aa = rt::MakeDemoScenario("demo-aa");
  rt::Machine machine;
  sched::RandomSource random(1);
  rt::ExecutionResult result;
  uint64_t i = 0;
  for (; i < 1000; ++i) {
    machine.Run(*aa, random, i, &result);
    if (!result.ok()) break;
  }
  ASSERT_FALSE(result.ok()) << "no finding in 1000 executions of demo-aa";
  ReportOptions options;
  options.reproduce = "rtfuzz explore --scenario=demo-aa --seed=1 --first_execution=" +
                      std::to_string(i) + " --executions=1";
  const std::string text = FormatExecutionReport(*aa, machine, result, options);
  const std::regex frame(
      "^==[0-9]+== ERROR: rtfuzz: FAILURE\n"
      "[^\n]*250 ms[^\n]*\n"
      "  in scenario 'demo-aa', execution [0-9]+, CPU [01], context [^\n]+\n"
      "\nLast 24 events \\(oldest first\\):\n"
      "  step +time +CPU0 +CPU1\n"
      "(  [0-9]+ +[0-9.]+ [mun]?s +[^\n]+\n){24}"
      "\n\\*\\*\\* FAILURE \\*\\*\\*\n"
      "signature: failure\\|demo-aa\\|(nmi:pmu@0|task:high)\n"
      "decisions: [^\n]*pmu-period/49=[0-9]+[^\n]*\n"
      "reproduce: rtfuzz explore [^\n]+\n"
      "SUMMARY: rtfuzz: FAILURE in demo-aa\n$");
  EXPECT_TRUE(std::regex_match(text, frame)) << text;
  // The NMI's records are nested (indented) under CPU 0.
  EXPECT_NE(text.find("  [nmi:pmu@0]"), std::string::npos) << text;
}

TEST(ExecutionReportTest, ALockErrorIsASignedErrnoWithItsName) {
  rt::Machine machine;
  rt::TraceRecord r{};
  r.op = rt::Op::kLockFailed;
  r.object = 2;
  r.context = 0xffff;
  r.value = static_cast<uint64_t>(int64_t{-110});
  EXPECT_EQ(FormatRecord(machine, r), "lock-failed #2 = -110 (ETIMEDOUT)");
  r.value = static_cast<uint64_t>(int64_t{-35});
  EXPECT_EQ(FormatRecord(machine, r), "lock-failed #2 = -35 (EDEADLK)");
}

TEST(ExecutionReportTest, DecisionsAreListedAsAsked) {
  EXPECT_EQ(FormatDecisions({}), "(none)");
  EXPECT_EQ(FormatDecisions({{sched::DecisionKind::kNextCpu, 3, 2},
                             {sched::DecisionKind::kSliceLength, 65, 0}}),
            "next-cpu/3=2 slice/65=0");
}

}  // namespace
}  // namespace rtfuzz::report
