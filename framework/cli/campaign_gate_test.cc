// framework/cli/campaign_gate_test.cc
//
// rtfuzz campaign and rtfuzz gate as CI runs them: the real binary in a
// child process (workers are processes too; binary_runner.h).

#include <gtest/gtest.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "binary_runner.h"
#include "flags.h"
#include "rtfuzz/campaign/campaign.h"

namespace rtfuzz::cli {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string FreshDir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("rtfuzz-campaign-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// The pid in "start  <job> (random walk, pid N)".
pid_t WorkerPid(const std::string& line, const std::string& job) {
  if (line.rfind("start  " + job + " (", 0) != 0) return -1;
  return static_cast<pid_t>(std::stol(line.substr(line.find("pid ") + 4)));
}

const std::string kFinding = "/findings/demo/demo-aa-missed-AA.sched";

// demo-aa finds its AA within a few executions; demo (the correct lock)
// would walk 10^12 executions: the test decides how it ends.
std::vector<std::string> Endless(const std::string& out) {
  return {"campaign",        "--target=demo", "--variant=all",
          "--engine=random", "--workers=2",   "--executions=1000000000000",
          "--output=" + out};
}

TEST(Campaign, AKilledWorkerLosesNoFindingAndTheTableListsEveryReproducer) {
  const std::string out = FreshDir("killed");
  pid_t demo = -1;
  bool found = false, killed = false;
  const BinaryRun run = RunBinary(Endless(out), [&](const std::string& line, pid_t) {
    if (pid_t p = WorkerPid(line, "demo/demo"); p > 0) demo = p;
    if (line.rfind("FOUND  demo/demo-aa: missed-AA", 0) == 0) found = true;
    if (found && demo > 0 && !killed) {
      killed = true;
      ::kill(demo, SIGKILL);
    }
  });
  ASSERT_TRUE(killed) << run.out;
  EXPECT_EQ(run.status, 1) << "a finding: exit 1\n" << run.out;
  EXPECT_NE(run.out.find("failed demo/demo: worker killed by signal 9 (Killed)"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("  rtfuzz replay " + out + kFinding + "\n"), std::string::npos) << run.out;
  EXPECT_NE(Slurp(out + kFinding).find("expect - missed-AA missed-AA|demo-aa|"), std::string::npos);
  // The summary's rows: the killed job says so, the finding names its file.
  EXPECT_NE(run.out.find("worker failed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("missed-AA"), std::string::npos) << run.out;
  EXPECT_NE(run.out.rfind("campaign: 1 finding(s), 1 new (exit 1)\n"), std::string::npos)
      << run.out;
}

TEST(Campaign, AKilledWorkerAloneIsExit4) {
  const std::string out = FreshDir("killed-alone");
  std::vector<std::string> args = Endless(out);
  args[2] = "--variant=gated";  // demo/demo only.
  const BinaryRun run = RunBinary(args, [&](const std::string& line, pid_t) {
    if (pid_t p = WorkerPid(line, "demo/demo"); p > 0) ::kill(p, SIGKILL);
  });
  EXPECT_EQ(run.status, campaign::kExitWorkerFailed) << run.out;
  EXPECT_NE(run.out.find("campaign: 1 worker(s) failed, no finding (exit 4)"), std::string::npos)
      << run.out;
}

TEST(Campaign, AnInterruptedCampaignKeepsItsFindingsAndSaysWhatDidNotRun) {
  const std::string out = FreshDir("interrupted");
  std::vector<std::string> args = Endless(out);
  // A third job that never starts: the interrupt comes first.
  args[1] = "--target=demo,userkit";
  args.push_back("--scenario=demo,demo-aa,waiter");
  args[4] = "--workers=2";
  bool sent = false;
  const BinaryRun run = RunBinary(args, [&](const std::string& line, pid_t campaign) {
    if (!sent && line.rfind("FOUND  demo/demo-aa", 0) == 0) {
      sent = true;
      ::kill(campaign, SIGINT);
    }
  });
  ASSERT_TRUE(sent) << run.out;
  EXPECT_EQ(run.status, 1) << "the finding outranks the interrupt\n" << run.out;
  EXPECT_NE(run.out.find("interrupted: stopping "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("not started"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  rtfuzz replay " + out + kFinding + "\n"), std::string::npos) << run.out;
  EXPECT_TRUE(fs::exists(out + kFinding));
}

TEST(Campaign, AnInterruptWithoutFindingsIs130) {
  const std::string out = FreshDir("interrupted-clean");
  std::vector<std::string> args = Endless(out);
  args[2] = "--variant=gated";
  const BinaryRun run = RunBinary(args, [&](const std::string& line, pid_t campaign) {
    if (WorkerPid(line, "demo/demo") > 0) ::kill(campaign, SIGINT);
  });
  EXPECT_EQ(run.status, 130) << run.out;
  EXPECT_NE(run.out.find("campaign: interrupted, no finding (exit 130)"), std::string::npos)
      << run.out;
}

TEST(Campaign, BadOptionsAreOneLineUsageErrors) {
  const struct {
    std::vector<std::string> args;
    std::string error;
  } cases[] = {
      {{"campaign", "--engine=afl"},
       "rtfuzz: unknown --engine=afl (valid: auto, libfuzzer, random)\n"},
      {{"campaign", "--target=nolock"},
       "rtfuzz: unknown target 'nolock' (valid: demo, rqspinlock, eventpoll, rcu, "
       "context_tracking, userlocks, userkit)\n"},
      {{"campaign", "--executions=0"}, "rtfuzz: --executions must be at least 1\n"},
      {{"campaign", "--max_runs=0"}, "rtfuzz: --max_runs must be at least 1\n"},
      {{"gate", "--workers=2000"}, "rtfuzz: --workers must be at most 1024\n"},
      {{"campaign", "--fuzzers=/nonexistent"}, "rtfuzz: --fuzzers=/nonexistent is not a folder\n"},
      {{"campaign", "stray"}, "rtfuzz: campaign takes no file arguments ('stray')\n"},
      {{"gate", "--config=/nonexistent.toml"},
       "rtfuzz: cannot read config '/nonexistent.toml': no such file\n"},
  };
  for (const auto& c : cases) {
    const BinaryRun run = RunBinary(c.args);
    EXPECT_EQ(run.status, kExitUsage) << run.out;
    EXPECT_EQ(run.out, c.error);
  }
}

// A gate over userkit's waiter: the correct prepare-first variant is gated,
// check-then-sleep has the lost wakeup; the reproducer is the committed one.
std::string WaiterConfig(const std::string& dir, const std::string& reproducer) {
  const std::string path = dir + "/rtfuzz.toml";
  std::ofstream(path) << "[gate]\nreproducers = [\"" << reproducer
                      << "\"]\nexecutions = 3000\nengine = \"random\"\nworkers = 2\n"
                         "output = \"out\"\n\n[gate.targets.userkit]\nscenarios = [\"waiter\"]\n";
  return path;
}

const std::string kCheckThenSleep =
    std::string(RTFUZZ_REGRESSIONS_DIR) + "/userkit/check-then-sleep.sched";

TEST(Gate, PassesOnTheFixedVariantWithJUnitAndMarkdown) {
  const std::string dir = FreshDir("gate-pass");
  const BinaryRun run =
      RunBinary({"gate", "--config=" + WaiterConfig(dir, kCheckThenSleep),
                 "--junit=" + dir + "/gate.xml", "--markdown=" + dir + "/gate.md"});
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("reproducers: 2 checks"), std::string::npos) << run.out;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((dir + "/gate.xml").c_str()));
  EXPECT_EQ(doc.child("testsuites").attribute("tests").as_int(), 3);  // 2 replays + 1 job.
  EXPECT_EQ(doc.child("testsuites").attribute("failures").as_int(), 0);
  EXPECT_EQ(Slurp(dir + "/gate.md").rfind("## rtfuzz gate: passed\n", 0), 0u);
}

TEST(Gate, FailsOnABuggyVariantWithTheReportInTheJUnitFailure) {
  const std::string dir = FreshDir("gate-buggy");
  const BinaryRun run = RunBinary({"gate", "--config=" + WaiterConfig(dir, kCheckThenSleep),
                                    "--variant=check-then-sleep", "--junit=" + dir + "/gate.xml",
                                    "--markdown=" + dir + "/gate.md"});
  EXPECT_EQ(run.status, 1) << run.out;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((dir + "/gate.xml").c_str()));
  const pugi::xml_node tc = doc.child("testsuites")
                                .find_child_by_attribute("testsuite", "name", "campaign")
                                .find_child_by_attribute("testcase", "name", "waiter");
  EXPECT_STREQ(tc.attribute("classname").as_string(), "rtfuzz.campaign.userkit.check-then-sleep");
  const std::string body = tc.child("failure").child_value();
  EXPECT_NE(body.find("*** HANG ***"), std::string::npos) << body;
  EXPECT_NE(body.find("box.post_wq"), std::string::npos) << "names the wait queue\n" << body;
  EXPECT_NE(Slurp(dir + "/gate.md").find("## rtfuzz gate: FAILED"), std::string::npos);
}

TEST(Gate, FailsOnAReproducerWhoseExpectationNoLongerHolds) {
  const std::string dir = FreshDir("gate-stale");
  std::string text = Slurp(kCheckThenSleep);
  const std::string was = "expect prepare-first clean";
  ASSERT_NE(text.find(was), std::string::npos);
  text.replace(text.find(was), was.size(), "expect prepare-first hang");
  const std::string stale = dir + "/stale.sched";
  std::ofstream(stale) << text;
  const BinaryRun run =
      RunBinary({"gate", "--config=" + WaiterConfig(dir, stale), "--junit=" + dir + "/gate.xml"});
  EXPECT_EQ(run.status, kExitMismatch) << run.out;
  EXPECT_NE(run.out.find("MISMATCH " + stale + ":16: under prepare-first:"), std::string::npos)
      << run.out;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((dir + "/gate.xml").c_str()));
  const pugi::xml_node rep =
      doc.child("testsuites").find_child_by_attribute("testsuite", "name", "reproducers");
  EXPECT_EQ(rep.attribute("failures").as_int(), 1);
  EXPECT_STREQ(rep.find_child_by_attribute("testcase", "classname",
                                           "rtfuzz.reproducers.userkit.prepare-first")
                   .child("failure")
                   .attribute("type")
                   .as_string(),
               "expectation");
}

}  // namespace
}  // namespace rtfuzz::cli
