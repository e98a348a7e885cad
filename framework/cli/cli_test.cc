// framework/cli/cli_test.cc
//
// The `rtfuzz` command as a user meets it: every bad command line or input
// file is one line on stderr and exit status 2; a clean walk exits 0; a
// finding exits 1 with the report frame; an outcome other than a file
// expects exits 3; Ctrl-C keeps the summary (130, or 1 with a finding); a
// libFuzzer input replays.

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "binary_runner.h"
#include "command.h"
#include "gtest/gtest.h"
#include "rtfuzz/target/target.h"

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
  ExpectUsageError({"stress", "--target=demo", "--max_total_time=1", "--backend=qemu"},
                   "--backend must be native or sim, not 'qemu'");
  ExpectUsageError({"stress", "--target=demo"},
                   "stress needs a budget: --iterations=N and/or --max_total_time=S");
  ExpectUsageError({"stress", "--target=eventpoll", "--scenario=storm", "--iterations=1"},
                   "scenario storm: the native backend does not run the machine's kthreads "
                   "(ktimers/N, irq/N-name: soft timers, threaded interrupts) "
                   "(docs/native.md#what-runs-natively); use --backend=sim");
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
  ExpectUsageError({"explore", "--scenario=demo", "--input=/nonexistent/crash"},
                   "cannot read --input '/nonexistent/crash': No such file or directory");
  ExpectUsageError({"explore", "--input=/nonexistent/crash"},
                   "--input needs --scenario= (the scenario the input was found in; valid: "
                   "demo, demo-aa)");
  ExpectUsageError({"explore", "--target=rqspinlock", "--scenario=abba", "--input=/x"},
                   "--input needs --variant= (the variant the input was found under; valid: "
                   "v6.15, nmi-trylock, a, b, c, d, e, v6.19, fixed, e-v1-leak, racy-count)");
  ExpectUsageError({"list", "extra"}, "list takes no arguments");
  ExpectUsageError({"list", "--seed=3"}, "--seed does not apply to `rtfuzz list` (it takes no flags)");
  ExpectUsageError({"matrix", "--variant=fixed"},
                   "--variant does not apply to `rtfuzz matrix` (its flags: target)");
  ExpectUsageError({"minimize", "x.sched", "--variant=fixed"},
                   "--variant does not apply to `rtfuzz minimize` (its flags: output bug max_runs)");
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
  // A one-byte input: an NMI with period 9 lands while "low" holds the lock.
  const std::string crash = ::testing::TempDir() + "/rtfuzz-cli-test-crash";
  std::ofstream(crash, std::ios::binary) << '\t';
  const Outcome o = RunCli({"explore", "--scenario=demo-aa", "--input=" + crash});
  EXPECT_EQ(o.status, kExitFinding) << o.out;
  EXPECT_NE(o.out.find("decisions: pmu-period/49=9"), std::string::npos) << o.out;
  std::filesystem::remove(crash);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string Temp(const std::string& name) { return ::testing::TempDir() + "/rtfuzz-cli-" + name; }

const std::string kA1 = std::string(RTFUZZ_REGRESSIONS_DIR) + "/rqspinlock/a1-lock-window.sched";

TEST(CliTest, TargetsScenariosAndVariantsAreChecked) {
  ExpectUsageError({"explore", "--target=nolock"},
                   "unknown target 'nolock' (valid: demo, rqspinlock, eventpoll, rcu, "
                   "context_tracking, userlocks, userkit)");
  ExpectUsageError({"explore", "--target=rqspinlock", "--scenario=demo"},
                   "unknown scenario 'demo' of target rqspinlock (valid: task-nmi, nmi-queue, abba, "
                   "stress, nmi-starve, nmi-nested, nmi-count)");
  ExpectUsageError({"explore", "--scenario=abba", "--variant=v7"},
                   "unknown variant 'v7' of target rqspinlock (valid: v6.15, nmi-trylock, a, b, c, d, "
                   "e, v6.19, fixed, e-v1-leak, racy-count)");
  ExpectUsageError({"explore", "--scenario=demo", "--variant=fixed"},
                   "unknown variant 'fixed' of target demo (valid: -)");
}

TEST(CliTest, ToleratedWindowsAreCountedByNameAndAreNotFindings) {
  const Outcome o = RunCli({"explore", "--target=rqspinlock", "--scenario=abba", "--executions=3000"});
  EXPECT_EQ(o.status, kExitOk) << o.out;
  EXPECT_NE(o.out.find("  findings           0\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("deadlock errors in accepted windows, in"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  tolerated          entry-before-acquire "), std::string::npos) << o.out;
}

TEST(CliTest, ReplayGivesTheRecordedFindingAndSaysWhetherAVariantFixesIt) {
  const Outcome o = RunCli({"replay", kA1, "--swimlane_rows=20"});
  EXPECT_EQ(o.status, kExitFinding) << o.err;
  EXPECT_NE(o.out.find("expected missed-AA: matches"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("SUMMARY: rtfuzz: MISSED-AA in task-nmi"), std::string::npos);
  EXPECT_NE(o.out.find("<NMI nmi:perf@0>"), std::string::npos) << "swimlane";
  const Outcome fixed = RunCli({"replay", kA1, "--variant=fixed", "--swimlane=false"});
  EXPECT_EQ(fixed.status, kExitOk) << fixed.err;
  EXPECT_NE(fixed.out.find("under fixed the recorded missed-AA is gone"), std::string::npos)
      << fixed.out;
}

TEST(CliTest, ReplayWritesThePictures) {
  const std::string json = Temp("a1.json"), html = Temp("a1.html");
  const Outcome o = RunCli({"replay", kA1, "--swimlane=false", "--trace_json=" + json, "--html=" + html});
  EXPECT_EQ(o.status, kExitFinding) << o.err;
  EXPECT_NE(Slurp(json).find("\"traceEvents\""), std::string::npos);
  EXPECT_NE(Slurp(html).find("id=\"finding\""), std::string::npos);
  const Outcome bad = RunCli({"replay", kA1, "--swimlane=false", "--html=/nonexistent/x.html"});
  EXPECT_EQ(bad.status, kExitUsage);
  EXPECT_NE(bad.err.find("cannot write '/nonexistent/x.html'"), std::string::npos) << bad.err;
}

TEST(CliTest, BadScheduleFilesAndArgumentsAreOneLineErrors) {
  ExpectUsageError({"replay"}, "replay takes one schedule file (rtfuzz replay FILE.sched)");
  ExpectUsageError({"replay", "/nonexistent.sched"},
                   "cannot read '/nonexistent.sched': No such file or directory");
  const std::string bad = Temp("bad.sched");
  std::ofstream(bad) << "rtfuzz-schedule 1\ntarget rqspinlock\nscenario abba\nvariant v9\n"
                        "decisions\nend\n";
  ExpectUsageError({"replay", bad}, bad + ":4: unknown variant 'v9' of target rqspinlock (valid: "
                                          "v6.15, nmi-trylock, a, b, c, d, e, v6.19, fixed, "
                                          "e-v1-leak, racy-count)");
  ExpectUsageError({"replay", kA1, "--variant=v9"},
                   "unknown variant 'v9' of target rqspinlock (valid: v6.15, nmi-trylock, a, b, "
                   "c, d, e, v6.19, fixed, e-v1-leak, racy-count)");
  ExpectUsageError({"minimize", kA1, "--max_runs=0"}, "--max_runs must be at least 1");
  ExpectUsageError({"convert", kA1}, "convert FILE.sched needs --output=FILE for the bytes");
  ExpectUsageError({"convert", "crash-1"}, "cannot read 'crash-1': No such file or directory");
  ExpectUsageError({"convert", kA1 + ".bytes-do-not-exist"},
                   "cannot read '" + kA1 + ".bytes-do-not-exist': No such file or directory");
  ExpectUsageError({"convert", std::string(RTFUZZ_DEMO_CORPUS) + "/da39a3ee5e6b4b0d3255bfef95601890afd80709"},
                   "convert of a libFuzzer input needs --target= or --scenario= (and --variant=) "
                   "as the fuzzer ran it");
  ExpectUsageError({"matrix", "/nonexistent"},
                   "'/nonexistent' is neither a schedule file nor a directory");
}

TEST(CliTest, ConvertRoundTripsBetweenBytesAndScheduleFiles) {
  const std::string bytes = Temp("a1.bin"), back = Temp("a1-back.sched");
  ASSERT_EQ(RunCli({"convert", kA1, "--output=" + bytes}).status, kExitOk);
  const Outcome o = RunCli({"convert", "--target=rqspinlock", "--scenario=task-nmi",
                            "--variant=nmi-trylock", bytes, "--output=" + back});
  ASSERT_EQ(o.status, kExitOk) << o.err;
  EXPECT_NE(o.out.find("missed-AA; 1 decisions written"), std::string::npos) << o.out;
  const Outcome replay = RunCli({"replay", back, "--swimlane=false"});
  EXPECT_EQ(replay.status, kExitFinding);
  EXPECT_NE(replay.out.find("expected missed-AA: matches"), std::string::npos) << replay.out;
}

TEST(CliTest, ExploreWritesItsFindingAsAScheduleThatMinimizes) {
  const std::string sched = Temp("walk.sched"), min = Temp("walk.min.sched");
  const Outcome o = RunCli({"explore", "--target=rqspinlock", "--scenario=nmi-queue",
                            "--variant=v6.15", "--seed=3", "--output=" + sched});
  ASSERT_EQ(o.status, kExitFinding) << o.err;
  const Outcome m = RunCli({"minimize", sched, "--output=" + min});
  ASSERT_EQ(m.status, kExitOk) << m.err;
  EXPECT_NE(m.out.find("after     1 decisions (1 non-zero), 1 interrupts, 0 preemptions"),
            std::string::npos) << m.out;
  EXPECT_EQ(RunCli({"replay", min, "--swimlane=false"}).status, kExitFinding);
  // A clean schedule has nothing to minimize.
  const std::string clean = Temp("clean.sched"), empty = Temp("empty-input");
  std::ofstream(empty, std::ios::binary).flush();
  ASSERT_EQ(RunCli({"convert", "--scenario=demo", empty, "--output=" + clean}).status, kExitOk);
  const Outcome c = RunCli({"minimize", clean});
  EXPECT_EQ(c.status, kExitUsage);
  EXPECT_NE(c.err.find("replays clean or tolerated under -: nothing to minimize"), std::string::npos)
      << c.err;
}

TEST(CliTest, MatrixChecksEveryCellAndMarksAWrongOne) {
  const Outcome o = RunCli({"matrix", std::string(RTFUZZ_REGRESSIONS_DIR)});
  EXPECT_EQ(o.status, kExitOk) << o.out << o.err;
  EXPECT_NE(o.out.find("every cell as expected"), std::string::npos);
  // The a1 reproducer claiming the fixed lock still has the bug.
  std::string text = Slurp(kA1);
  const std::string from = "expect fixed clean";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "expect fixed missed-AA");
  const std::string wrong = Temp("wrong.sched");
  std::ofstream(wrong) << text;
  const Outcome w = RunCli({"matrix", wrong});
  EXPECT_EQ(w.status, kExitMismatch);
  EXPECT_NE(w.out.find(".!"), std::string::npos) << w.out;
  EXPECT_NE(w.err.find("under fixed: expected missed-AA, got clean"), std::string::npos) << w.err;
}

// A gate's "stall-free" means "made progress": every bundled scenario, under
// every variant, marks progress and arms the no-progress check.
TEST(CliTest, EveryBundledScenarioArmsTheNoProgressCheck) {
  for (const target::Target& t : target::Targets()) {
    for (std::string_view scenario : t.scenarios) {
      for (std::string_view variant : target::VariantsOf(t, scenario)) {
        std::string error;
        const std::optional<rt::Scenario> s = target::MakeScenario(t, scenario, variant, &error);
        ASSERT_TRUE(s.has_value()) << error;
        EXPECT_GT(s->budgets().progress_ns, 0u) << t.name << "/" << scenario << " " << variant;
        EXPECT_FALSE(s->marks().empty()) << t.name << "/" << scenario << " " << variant;
      }
    }
  }
}

// A directory, a FIFO (reading it would block) and a regular file whose
// read fails (/proc/self/mem at offset 0: EIO, even for root) given where
// a file is read: one line naming the path and what is wrong, status 2.
TEST(CliTest, InputsThatAreNotReadableFilesAreOneLineErrors) {
  const std::string dir = ::testing::TempDir();
  const std::string fifo = Temp("fifo");
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string unreadable = "/proc/self/mem";
  struct Case {
    std::string path;
    std::string what;
  };
  const Case cases[] = {{dir, "is a directory"},
                        {fifo, "is a FIFO, not a regular file"},
                        {unreadable, "read failed: Input/output error"}};
  for (const Case& c : cases) {
    const std::vector<std::vector<std::string>> commands = {
        {"replay", c.path},
        {"minimize", c.path},
        {"convert", c.path, "--output=" + Temp("never")},
        {"convert", "--target=demo", "--scenario=demo", c.path},
        {"explore", "--scenario=demo", "--input=" + c.path},
    };
    for (const std::vector<std::string>& args : commands) {
      const Outcome o = RunCli(args);
      EXPECT_EQ(o.status, kExitUsage) << args[0] << " " << c.path;
      EXPECT_NE(o.err.find("'" + c.path + "': " + c.what), std::string::npos)
          << args[0] << ": " << o.err;
      EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "one line: " << o.err;
    }
  }
  std::remove(fifo.c_str());
}

// A libFuzzer crash file given to replay: the error says how to make it a
// schedule file.
TEST(CliTest, ReplayOfACrashFileNamesConvert) {
  const std::string crash = Temp("crash-0123");
  std::ofstream(crash, std::ios::binary) << "\x60\x16\xdc";
  const Outcome o = RunCli({"replay", crash});
  EXPECT_EQ(o.status, kExitUsage);
  EXPECT_NE(o.err.find("not a schedule file"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("rtfuzz convert --target=T --scenario=S --variant=V FILE"),
            std::string::npos)
      << o.err;
}

// A reproducer whose outcome is not the one it expects fails a gate: 3,
// with the MISMATCH line; the same file under a variant it expects matches.
TEST(CliTest, ReplayExitsThreeOnAMismatch) {
  std::string text = Slurp(kA1);
  const std::string from = "expect fixed clean";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "expect fixed missed-AA");
  const std::string wrong = Temp("mismatch.sched");
  std::ofstream(wrong) << text;
  const Outcome o = RunCli({"replay", wrong, "--variant=fixed", "--swimlane=false"});
  EXPECT_EQ(o.status, kExitMismatch) << o.out;
  EXPECT_NE(o.out.find("MISMATCH with"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("expected missed-AA, got clean"), std::string::npos) << o.out;
  const Outcome buggy = RunCli({"replay", wrong, "--swimlane=false"});
  EXPECT_EQ(buggy.status, kExitFinding) << "nmi-trylock: the recorded finding, as expected";
}

// Runs the real binary, waits for its first progress line (a walk prints
// one about once a second), sends SIGINT and collects the output.
Outcome RunAndInterrupt(const std::vector<std::string>& args) {
  bool sent = false;
  const BinaryRun run = RunBinary(args, [&sent](const std::string& line, pid_t pid) {
    if (!sent && line.find("execs") != std::string::npos) {
      sent = true;
      ::kill(pid, SIGINT);
    }
  });
  return Outcome{run.status, run.out, ""};
}

TEST(CliTest, SigintEndsAWalkWithItsSummaryAndKeepsItsFinding) {
  const Outcome clean = RunAndInterrupt({"explore", "--scenario=demo", "--executions=1000000000"});
  EXPECT_EQ(clean.status, kExitInterrupted) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("  executions         "), std::string::npos) << clean.out;
  EXPECT_NE(clean.out.find("interrupted (SIGINT) after "), std::string::npos) << clean.out;
  const std::string kept = Temp("sigint.sched");
  std::remove(kept.c_str());
  const Outcome found =
      RunAndInterrupt({"explore", "--scenario=demo-aa", "--executions=1000000000",
                       "--stop_on_finding=false", "--output=" + kept});
  EXPECT_EQ(found.status, kExitFinding) << found.out << found.err;
  EXPECT_NE(found.out.find("interrupted (SIGINT) after "), std::string::npos) << found.out;
  EXPECT_NE(found.out.find("ERROR: rtfuzz: MISSED-AA"), std::string::npos) << found.out;
  EXPECT_NE(Slurp(kept).find("rtfuzz-schedule"), std::string::npos) << "the finding is kept";
}

}  // namespace
}  // namespace rtfuzz::cli

namespace rtfuzz::cli {
namespace {

TEST(CliTest, VariantsBelongToScenarios) {
  const Outcome list = RunCli({"list"});
  EXPECT_NE(list.out.find("  waiter           variants prepare-first, check-then-sleep (default "
                          "prepare-first)\n"),
            std::string::npos)
      << list.out;
  ExpectUsageError({"explore", "--target=userkit", "--scenario=waiter", "--variant=latch"},
                   "scenario 'waiter' of target userkit does not take variant 'latch' (it takes: "
                   "prepare-first, check-then-sleep)");
  // No --variant: the scenario's own default, not the target's.
  const Outcome o = RunCli({"explore", "--target=userkit", "--scenario=seqcount-nmi",
                            "--executions=10"});
  EXPECT_EQ(o.status, kExitOk) << o.out << o.err;
  EXPECT_NE(o.out.find("userkit/seqcount-nmi under latch"), std::string::npos) << o.out;
}

TEST(CliTest, ARunSaysWhatItsOraclesJudgedAndWarnsWhenNothing) {
  const Outcome hooked = RunCli({"explore", "--target=userlocks", "--scenario=ticket-contend",
                                 "--variant=hooks", "--executions=200"});
  EXPECT_NE(hooked.out.find("  judged             mutual-exclusion, leaked-lock: "),
            std::string::npos)
      << hooked.out;
  EXPECT_EQ(hooked.out.find("warning: no lock events"), std::string::npos) << hooked.out;
  const Outcome bare = RunCli({"explore", "--target=userlocks", "--scenario=ticket-contend",
                               "--variant=bare", "--executions=200"});
  EXPECT_NE(bare.out.find("  judged             mutual-exclusion, leaked-lock: 0 acquisitions; "
                          "deadlock, starvation: 0 waits;"),
            std::string::npos)
      << bare.out;
  EXPECT_NE(bare.out.find("warning: no lock events in 200 executions: mutual-exclusion, "
                          "leaked-lock, the deadlock-timing and priority-inversion oracles had "
                          "nothing to judge"),
            std::string::npos)
      << bare.out;
}

TEST(CliTest, AScenarioWithNoDecisionsRunsOnceAndSaysSo) {
  const Outcome o = RunCli({"explore", "--target=userkit", "--scenario=waiter-1cpu",
                            "--executions=5000"});
  EXPECT_EQ(o.status, kExitOk) << o.out << o.err;
  EXPECT_NE(o.out.find("  executions         1 (from #0)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("warning: the scenario made no decisions: every execution would be this "
                       "one, so explore stopped after 1 of 5000"),
            std::string::npos)
      << o.out;
}

// Every cell starts where its column's header does, whatever verdict names
// the cells hold (time-budget, late-deadlock-detection's "late", "[starve]").
TEST(CliTest, TheMatrixColumnsLineUpForEveryCell) {
  const Outcome o = RunCli({"matrix", std::string(RTFUZZ_REGRESSIONS_DIR)});
  ASSERT_EQ(o.status, kExitOk) << o.out << o.err;
  std::istringstream lines(o.out);
  std::string line;
  std::vector<size_t> starts;  // Column starts of the current table's header.
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("reproducer", 0) == 0) {
      starts.clear();
      for (size_t i = 1; i < line.size(); ++i) {
        if (line[i - 1] == ' ' && line[i] != ' ') starts.push_back(i);
      }
      continue;
    }
    if (starts.empty() || line.empty() || line.find(" (") == std::string::npos) {
      if (line.empty()) starts.clear();
      continue;
    }
    // The label ends with its scenario in parentheses; cells follow.
    size_t at = line.find(')') + 1;
    for (size_t column : starts) {
      while (at < line.size() && line[at] == ' ') ++at;
      ASSERT_EQ(at, column) << "misaligned cell in:\n" << line << "\n" << o.out;
      while (at < line.size() && line[at] != ' ') ++at;
    }
    ++rows;
  }
  EXPECT_GT(rows, 10) << o.out;
}

TEST(CliTest, TheMatrixNamesEveryVerdictInItsLegend) {
  const std::string legend = MatrixLegend();
  for (int v = 1; v < kVerdictCount; ++v) {
    const std::string name(VerdictName(static_cast<Verdict>(v)));
    EXPECT_LE(MatrixCell(name).size(), 6u) << name << " has no short cell name";
    EXPECT_NE(legend.find(" " + MatrixCell(name) + " " + name + ","), std::string::npos)
        << name << " is not in the legend:\n"
        << legend;
  }
  EXPECT_EQ(MatrixCell("tolerated:entry-before-acquire"), "tol");
}

}  // namespace
}  // namespace rtfuzz::cli
