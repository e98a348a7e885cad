// framework/cli/cli_test.cc
//
// The `rtfuzz` command as a user meets it: every bad command line is one line
// on stderr and exit status 2; a clean walk exits 0; a finding exits 1 with
// the report frame; a libFuzzer input replays.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "command.h"
#include "gtest/gtest.h"

namespace rtfuzz::cli {
namespace {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

Outcome RunCli(const std::vector<std::string>& args) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int status = Main(args);
  std::fflush(stdout);
  Outcome o{status, ::testing::internal::GetCapturedStdout(),
            ::testing::internal::GetCapturedStderr()};
  return o;
}

void ExpectUsageError(const std::vector<std::string>& args, const std::string& message) {
  const Outcome o = RunCli(args);
  EXPECT_EQ(o.status, kExitUsage) << args[0];
  EXPECT_EQ(o.err, "rtfuzz: " + message + "\n");
  EXPECT_EQ(o.out, "");
}

TEST(CliTest, BadCommandLinesAreOneLineErrors) {
  ExpectUsageError({"frobnicate"}, "unknown command 'frobnicate' (rtfuzz help lists the commands)");
  ExpectUsageError({"explore", "--bogus=1"}, "unknown flag '--bogus' (rtfuzz help lists the flags)");
  ExpectUsageError({"explore", "--seed"}, "flag '--seed' needs a value: --seed=VALUE");
  ExpectUsageError({"explore", "--seed=-3"}, "--seed expects an unsigned integer, got '-3'");
  ExpectUsageError({"explore", "--executions=12x"},
                   "--executions expects an unsigned integer, got '12x'");
  ExpectUsageError({"explore", "--stop_on_finding=maybe"},
                   "--stop_on_finding expects true/false/1/0, got 'maybe'");
  ExpectUsageError({"explore", "--scenario=nope"},
                   "unknown scenario 'nope' (rtfuzz list names them)");
  ExpectUsageError({"explore", "--executions=0"}, "--executions must be at least 1");
  ExpectUsageError({"explore", "--max_slice=0"}, "--max_slice must be in [1, 1048576]");
  ExpectUsageError({"explore", "file.bin"},
                   "explore takes no file arguments ('file.bin'); use --input=FILE for a "
                   "libFuzzer input");
  ExpectUsageError({"explore", "--input=/nonexistent/crash"},
                   "cannot read --input '/nonexistent/crash': No such file or directory");
  ExpectUsageError({"list", "extra"}, "list takes no arguments");
}

TEST(CliTest, HelpAndListSucceed) {
  const Outcome help = RunCli({"help"});
  EXPECT_EQ(help.status, kExitOk);
  EXPECT_NE(help.out.find("--first_execution=0"), std::string::npos);
  const Outcome list = RunCli({"list"});
  EXPECT_EQ(list.status, kExitOk);
  EXPECT_NE(list.out.find("demo-aa"), std::string::npos);
  EXPECT_EQ(RunCli({}).status, kExitUsage);
}

TEST(CliTest, CleanWalkExitsZeroAndSaysWhatItExplored) {
  const Outcome o = RunCli({"explore", "--scenario=demo", "--executions=2000", "--seed=7"});
  EXPECT_EQ(o.status, kExitOk) << o.err;
  EXPECT_NE(o.out.find("executions         2000 (from #0)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("verdicts           pass 2000"), std::string::npos) << o.out;
}

TEST(CliTest, FindingExitsOneWithAReproduceLineThatReproduces) {
  const Outcome o = RunCli({"explore", "--scenario=demo-aa", "--executions=5000"});
  ASSERT_EQ(o.status, kExitFinding) << o.out;
  // The oracles name the bug: the NMI waits for its own CPU's holder.
  EXPECT_NE(o.out.find("ERROR: rtfuzz: MISSED-AA"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("SUMMARY: rtfuzz: MISSED-AA in demo-aa"), std::string::npos);
  EXPECT_NE(o.out.find("<NMI>"), std::string::npos) << o.out;
  const std::string marker = "reproduce: rtfuzz ";
  const size_t at = o.out.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string line = o.out.substr(at + marker.size(),
                                        o.out.find('\n', at) - at - marker.size());
  std::vector<std::string> args;
  for (size_t pos = 0; pos < line.size();) {
    const size_t space = line.find(' ', pos);
    args.push_back(line.substr(pos, space - pos));
    pos = space == std::string::npos ? line.size() : space + 1;
  }
  const Outcome again = RunCli(args);
  EXPECT_EQ(again.status, kExitFinding);
  // Same decisions, same report body (the PID line aside).
  auto body = [](const std::string& s) { return s.substr(s.find("ERROR: rtfuzz:")); };
  EXPECT_EQ(body(again.out), body(o.out));
}

TEST(CliTest, LibFuzzerInputsReplay) {
  for (const auto& entry : std::filesystem::directory_iterator(RTFUZZ_DEMO_CORPUS)) {
    const Outcome o = RunCli({"explore", "--scenario=demo", "--input=" + entry.path().string()});
    EXPECT_EQ(o.status, kExitOk) << entry.path() << o.out;
  }
  // A one-byte input: an NMI with period 10 lands while "low" holds the lock.
  const std::string crash = ::testing::TempDir() + "/rtfuzz-cli-test-crash";
  std::ofstream(crash, std::ios::binary) << '\n';
  const Outcome o = RunCli({"explore", "--scenario=demo-aa", "--input=" + crash});
  EXPECT_EQ(o.status, kExitFinding) << o.out;
  EXPECT_NE(o.out.find("decisions: pmu-period/49=10"), std::string::npos) << o.out;
  std::filesystem::remove(crash);
}

}  // namespace
}  // namespace rtfuzz::cli
