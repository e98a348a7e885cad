// framework/src/campaign/worker_progress_test.cc

#include "worker_progress.h"

#include <gtest/gtest.h>

namespace rtfuzz::campaign {
namespace {

TEST(WorkerProgress, LibFuzzerStatusLinesGiveExecutionsRateAndCoverage) {
  const WorkerProgress p = ParseLibFuzzerLog(
      "INFO: Seed: 1\n#2\tINITED cov: 40 ft: 41 corp: 1/1b exec/s: 0 rss: 30Mb\n"
      "#4096\tpulse  cov: 57 ft: 210 corp: 12/96b lim: 4 exec/s: 2048 rss: 31Mb\n#81");
  EXPECT_EQ(p.executions, 4096u);
  EXPECT_EQ(p.exec_per_s, 2048u);
  EXPECT_EQ(p.coverage, "cov 57 ft 210");
  EXPECT_FALSE(p.final);  // "#81" has no newline: a line still being written.
}

TEST(WorkerProgress, LibFuzzerFinalStatsWin) {
  const WorkerProgress p = ParseLibFuzzerLog(
      "#512\tNEW    cov: 5 ft: 6 corp: 2/2b exec/s: 0 rss: 30Mb\n"
      "stat::number_of_executed_units: 600\nstat::average_exec_per_sec:     300\n");
  EXPECT_EQ(p.executions, 600u);
  EXPECT_EQ(p.exec_per_s, 300u);
  EXPECT_TRUE(p.final);
}

TEST(WorkerProgress, ExploreProgressAndSummary) {
  WorkerProgress p = ParseExploreLog("#8192\texecs 40000/s\tdistinct 900\tfindings 0\n");
  EXPECT_EQ(p.executions, 8192u);
  EXPECT_EQ(p.exec_per_s, 40000u);
  EXPECT_EQ(p.coverage, "900 traces");
  EXPECT_FALSE(p.final);
  p = ParseExploreLog(
      "rtfuzz explore: demo/demo-aa ...\n  executions         17 (from #0), 850/s wall\n"
      "  distinct traces    12\n");
  EXPECT_EQ(p.executions, 17u);
  EXPECT_EQ(p.exec_per_s, 850u);
  EXPECT_EQ(p.coverage, "12 traces");
  EXPECT_TRUE(p.final);
}

TEST(WorkerProgress, AFirstLineCutByTheTailIsIgnored) {
  // A tail that starts mid-line: "9999\texecs..." is not a whole line.
  const WorkerProgress p = ParseExploreLog("99\texecs 5/s\tdistinct 1\tfindings 0\n");
  EXPECT_EQ(p.executions, 0u);
}

}  // namespace
}  // namespace rtfuzz::campaign
