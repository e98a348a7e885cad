// framework/src/schedule/schedule_file_test.cc
//
// The schedule file format: a round trip keeps everything, a hand edit is
// read, and every malformed file gets a one-line error naming its line.

#include "rtfuzz/schedule/schedule_file.h"

#include <string>

#include "gtest/gtest.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/schedule/replayer.h"
#include "rtfuzz/target/target.h"

namespace rtfuzz::schedule {
namespace {

const char kGood[] =
    "# a comment\n"
    "rtfuzz-schedule 1\n"
    "target rqspinlock\n"
    "scenario task-nmi\n"
    "variant v6.15\n"
    "bug a1\n"
    "note the NMI lands inside the fast path\n"
    "option max_slice 32\n"
    "expect v6.15 missed-AA missed-AA|task-nmi|some site\n"
    "expect fixed clean\n"
    "decisions\n"
    "pmu-period 49 7      # step 0, cpu0 task:prog: overflow period\n"
    "pmu-phase 12 3\n"
    "end\n";

Schedule ParseOk(const std::string& text) {
  Schedule s;
  std::string error;
  EXPECT_TRUE(ParseSchedule(text, "f.sched", &s, &error)) << error;
  EXPECT_TRUE(ValidateSchedule(s, "f.sched", &error)) << error;
  return s;
}

std::string ParseError(const std::string& text) {
  Schedule s;
  std::string error;
  if (ParseSchedule(text, "f.sched", &s, &error) && ValidateSchedule(s, "f.sched", &error)) {
    return "(parsed)";
  }
  EXPECT_EQ(error.find('\n'), std::string::npos) << "errors are one line: " << error;
  return error;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(ScheduleFileTest, AnotherVariantsOutcomeIsComparedToTheRecordedOne) {
  EXPECT_EQ(CompareToRecorded("missed-AA", "missed-AA"), "the recorded missed-AA is still there");
  EXPECT_EQ(CompareToRecorded("missed-AA", "clean"), "the recorded missed-AA is gone (clean)");
  EXPECT_EQ(CompareToRecorded("missed-AA", "spin-deadlock"),
            "the recorded missed-AA is relabelled as spin-deadlock (still a finding)");
  EXPECT_EQ(CompareToRecorded("missed-AA", "tolerated:entry-before-acquire"),
            "the recorded missed-AA is gone (tolerated:entry-before-acquire)");
}

TEST(ScheduleFileTest, ReadsEveryField) {
  const Schedule s = ParseOk(kGood);
  EXPECT_EQ(s.target, "rqspinlock");
  EXPECT_EQ(s.scenario, "task-nmi");
  EXPECT_EQ(s.variant, "v6.15");
  EXPECT_EQ(s.bug, "a1");
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_EQ(s.options.max_slice, 32u);
  EXPECT_EQ(s.options.max_steps, rt::MachineOptions{}.max_steps);
  ASSERT_EQ(s.expectations.size(), 2u);
  EXPECT_EQ(s.ExpectationFor("v6.15")->signature, "missed-AA|task-nmi|some site");
  EXPECT_EQ(s.ExpectationFor("fixed")->outcome, "clean");
  EXPECT_EQ(s.ExpectationFor("fixed")->line, 10);
  ASSERT_EQ(s.decisions.size(), 2u);
  EXPECT_EQ(s.decisions[0], (sched::Decision{.kind = sched::DecisionKind::kPmuPeriod,
                                             .bound = 49, .value = 7}));
  EXPECT_EQ(s.reasons[0], "step 0, cpu0 task:prog: overflow period");
}

TEST(ScheduleFileTest, FormatThenParseGivesTheSameSchedule) {
  const Schedule s = ParseOk(kGood);
  const std::string text = FormatSchedule(s);
  const Schedule again = ParseOk(text);
  EXPECT_EQ(FormatSchedule(again), text);
  EXPECT_EQ(again.decisions, s.decisions);
  EXPECT_EQ(again.reasons, s.reasons);
  EXPECT_EQ(again.options.max_slice, 32u);
}

TEST(ScheduleFileTest, DecisionsSurviveTheLibFuzzerByteEncoding) {
  std::vector<sched::Decision> decisions = {
      {.kind = sched::DecisionKind::kPmuPeriod, .bound = 49, .value = 48},
      {.kind = sched::DecisionKind::kValue, .bound = 1000, .value = 999},
      {.kind = sched::DecisionKind::kValue, .bound = 100000, .value = 65537},
  };
  const std::string bytes = sched::EncodeDecisionBytes(decisions);
  EXPECT_EQ(bytes.size(), 1u + 2u + 4u);
  sched::ByteSource source(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  for (const sched::Decision& d : decisions) EXPECT_EQ(source.Choose(d.kind, d.bound), d.value);
}

TEST(ScheduleFileTest, AHandEditedDecisionIsReplayedAsWritten) {
  // Quieting the NMI's period by hand: the replay must take it (no interrupt).
  const Schedule s = ParseOk(Replace(kGood, "pmu-period 49 7", "pmu-period 49 0"));
  std::string error;
  auto replayer = Replayer::Create(*target::FindTarget("rqspinlock"), s.scenario, s.variant,
                                   s.options, &error);
  ASSERT_NE(replayer, nullptr) << error;
  const ReplayOutcome& o = replayer->Run(s.decisions);
  EXPECT_EQ(o.result->stats.interrupts, 0u);
  EXPECT_EQ(o.outcome, "clean");
}

struct Malformed {
  const char* what;
  std::string text;
  const char* error;  // Expected substring, with the line.
};

TEST(ScheduleFileTest, MalformedFilesGetOneLineErrorsWithTheLine) {
  const std::string good = kGood;
  const Malformed cases[] = {
      {"empty", "", "f.sched:0: empty file"},
      {"not a schedule", "hello\n", "f.sched:1: not a schedule file"},
      {"future version", Replace(good, "rtfuzz-schedule 1", "rtfuzz-schedule 2"),
       "f.sched:2: schedule version 2 is not supported (this rtfuzz reads version 1)"},
      {"bad version", Replace(good, "rtfuzz-schedule 1", "rtfuzz-schedule one"),
       "f.sched:2: bad version"},
      {"unknown target", Replace(good, "target rqspinlock", "target nolock"),
       "f.sched:3: unknown target 'nolock' (valid: demo, rqspinlock"},
      {"unknown scenario", Replace(good, "scenario task-nmi", "scenario nope"),
       "f.sched:4: unknown scenario 'nope' of target rqspinlock (valid: task-nmi"},
      {"unknown variant", Replace(good, "variant v6.15", "variant v9"),
       "f.sched:5: unknown variant 'v9' of target rqspinlock (valid: v6.15"},
      {"unknown expect variant", Replace(good, "expect fixed clean", "expect fxed clean"),
       "f.sched:10: unknown variant 'fxed'"},
      {"unknown outcome", Replace(good, "expect fixed clean", "expect fixed fine"),
       "f.sched:10: unknown outcome 'fine'"},
      {"duplicate expectation", Replace(good, "expect fixed clean", "expect v6.15 clean"),
       "f.sched:10: second expectation for variant v6.15"},
      {"duplicate key", Replace(good, "bug a1", "target rqspinlock"),
       "f.sched:6: 'target' given twice"},
      {"unknown keyword", Replace(good, "bug a1", "bugs a1"), "f.sched:6: unknown keyword 'bugs'"},
      {"unknown option", Replace(good, "option max_slice 32", "option max_slices 32"),
       "f.sched:8: unknown option 'max_slices'"},
      {"bad option value", Replace(good, "option max_slice 32", "option max_slice 0"),
       "f.sched:8: option max_slice needs an integer in [1, 1048576], not '0'"},
      {"unknown kind", Replace(good, "pmu-phase 12 3", "pmu-face 12 3"),
       "f.sched:13: unknown decision kind 'pmu-face'"},
      {"value out of range", Replace(good, "pmu-phase 12 3", "pmu-phase 12 12"),
       "f.sched:13: decision value 12 is not below its bound 12"},
      {"bound too small", Replace(good, "pmu-phase 12 3", "pmu-phase 1 0"),
       "f.sched:13: decision bound must be at least 2"},
      {"not a number", Replace(good, "pmu-phase 12 3", "pmu-phase 12 x"),
       "f.sched:13: a decision is 'KIND BOUND VALUE'"},
      {"extra field", Replace(good, "pmu-phase 12 3", "pmu-phase 12 3 4"),
       "f.sched:13: a decision is 'KIND BOUND VALUE'"},
      {"truncated", good.substr(0, good.find("end\n")),
       "f.sched:13: file ends inside the decision list (no 'end'): truncated?"},
      {"truncated mid-line", good.substr(0, good.find("pmu-phase 12 3") + 11),
       "f.sched:13: a decision is 'KIND BOUND VALUE'"},
      {"no decisions", good.substr(0, good.find("decisions\n")), "no 'decisions' ... 'end' block"},
      {"text after end", good + "slice 65 1\n", "f.sched:15: text after 'end'"},
      {"no target", Replace(good, "target rqspinlock\n", ""), "no 'target' line"},
  };
  for (const Malformed& c : cases) {
    const std::string error = ParseError(c.text);
    EXPECT_NE(error.find(c.error), std::string::npos)
        << c.what << ": got \"" << error << "\", want \"" << c.error << "\"";
  }
}

}  // namespace
}  // namespace rtfuzz::schedule
