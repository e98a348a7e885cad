// framework/include/rtfuzz/schedule/replayer.h
//
// Replayer: runs one target scenario under one variant with every oracle
// attached, from a decision list (a schedule file) or from libFuzzer bytes,
// and names the outcome the way schedule files do ("clean", a verdict name,
// "tolerated:<window>"). One Replayer runs any number of executions; replay,
// minimize, convert, matrix and the regression suite are all built on it.

#ifndef RTFUZZ_SCHEDULE_REPLAYER_H_
#define RTFUZZ_SCHEDULE_REPLAYER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/decision_source.h"
#include "rtfuzz/schedule/schedule_file.h"
#include "rtfuzz/target/target.h"

namespace rtfuzz::schedule {

struct ReplayOutcome {
  std::string outcome;  // "clean", a verdict name or "tolerated:<window>".
  // Index of the first decision whose question (kind, bound) differed from
  // the list: the execution went another way from there (expected when the
  // variant differs from the recording, a bug otherwise).
  std::optional<size_t> divergence;
  const rt::ExecutionResult* result = nullptr;  // Valid until the next run.

  bool finding() const { return outcome != "clean" && outcome.rfind("tolerated:", 0) != 0; }
};

class Replayer {
 public:
  // Builds the scenario; returns null with a one-line error if a name is
  // unknown. `full_trace` keeps every trace record (for pictures).
  static std::unique_ptr<Replayer> Create(const target::Target& target, std::string_view scenario,
                                          std::string_view variant, rt::MachineOptions options,
                                          std::string* error);
  ~Replayer();

  const ReplayOutcome& Run(const std::vector<sched::Decision>& decisions);
  const ReplayOutcome& RunBytes(const uint8_t* data, size_t size);
  // Any source (a random walk); `index` is the execution index it sees.
  const ReplayOutcome& RunSource(sched::DecisionSource& source, uint64_t index);

  const rt::Machine& machine() const;
  const rt::Scenario& scenario() const;
  // Lock id -> name in the last run (check::Oracles::LockNames).
  std::map<uint32_t, std::string> lock_names() const;
  // What the oracles had to judge over every run of this replayer.
  const check::OracleInput& oracle_input() const;
  const target::Target& target() const { return target_; }
  const std::string& variant() const { return variant_; }
  uint64_t runs() const { return runs_; }

 private:
  struct State;
  Replayer(const target::Target& target, std::string variant, std::unique_ptr<State> state);
  const ReplayOutcome& Finish(std::optional<size_t> divergence);

  const target::Target& target_;
  std::string variant_;
  std::unique_ptr<State> state_;
  ReplayOutcome outcome_;
  uint64_t runs_ = 0;
};

// Whether an outcome is what `expected` says: the same outcome, and the
// same signature if the expectation names one, line numbers in the site
// aside (an edit that moves a call keeps its reproducers). `why` says what
// differs.
bool MatchesExpectation(const Expectation& expected, const ReplayOutcome& got, std::string* why);

// The expectation a run writes into a file: its outcome, and the signature
// for a finding.
Expectation ExpectationOf(std::string_view variant, const ReplayOutcome& got);

// What became of the outcome a file recorded under its own variant when the
// schedule runs under another: "the recorded missed-AA is still there",
// "... is gone (clean)", or "the recorded missed-AA is relabelled as
// spin-deadlock" (still a finding, another verdict).
std::string CompareToRecorded(std::string_view recorded, std::string_view now);

// The schedule of the replayer's last run: its target, scenario, variant
// and machine options, the decisions it recorded (the quiet tail dropped)
// with their reasons, and its outcome as the expectation for its variant.
Schedule RecordSchedule(const Replayer& replayer, const ReplayOutcome& last);

// "step 12, cpu1 task:prog1: slice length" for each decision of the last
// run (needs the machine that ran it, for context names).
std::vector<std::string> DecisionReasons(const rt::Machine& machine,
                                         const std::vector<sched::Decision>& decisions);

}  // namespace rtfuzz::schedule

#endif  // RTFUZZ_SCHEDULE_REPLAYER_H_
