// framework/src/schedule/replayer.cc

#include "rtfuzz/schedule/replayer.h"

#include "rtfuzz/check/oracles.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/replay_source.h"

namespace rtfuzz::schedule {

struct Replayer::State {
  State(rt::Scenario s, const rt::MachineOptions& options)
      : scenario(std::move(s)), machine(options) {
    machine.AddObserver(&oracles);
  }
  rt::Scenario scenario;
  check::Oracles oracles;  // Declared before the machine that points at it.
  rt::Machine machine;
  rt::ExecutionResult result;
};

std::unique_ptr<Replayer> Replayer::Create(const target::Target& target, std::string_view scenario,
                                           std::string_view variant, rt::MachineOptions options,
                                           std::string* error) {
  std::optional<rt::Scenario> s = target::MakeScenario(target, scenario, variant, error);
  if (!s.has_value()) return nullptr;
  return std::unique_ptr<Replayer>(new Replayer(
      target, std::string(variant), std::make_unique<State>(std::move(*s), options)));
}

Replayer::Replayer(const target::Target& target, std::string variant,
                   std::unique_ptr<State> state)
    : target_(target), variant_(std::move(variant)), state_(std::move(state)) {}

Replayer::~Replayer() = default;

const rt::Machine& Replayer::machine() const { return state_->machine; }
const rt::Scenario& Replayer::scenario() const { return state_->scenario; }
std::map<uint32_t, std::string> Replayer::lock_names() const {
  std::map<uint32_t, std::string> names = state_->machine.ObjectNames();
  for (auto& [id, name] : state_->oracles.LockNames()) names[id] = name;
  return names;
}
const check::OracleInput& Replayer::oracle_input() const { return state_->oracles.input(); }

const ReplayOutcome& Replayer::Run(const std::vector<sched::Decision>& decisions) {
  sched::ReplaySource source(decisions);
  state_->machine.Run(state_->scenario, source, runs_, &state_->result);
  return Finish(source.first_divergence());
}

const ReplayOutcome& Replayer::RunBytes(const uint8_t* data, size_t size) {
  sched::ByteSource source(data, size);
  state_->machine.Run(state_->scenario, source, runs_, &state_->result);
  return Finish(std::nullopt);
}

const ReplayOutcome& Replayer::RunSource(sched::DecisionSource& source, uint64_t index) {
  state_->machine.Run(state_->scenario, source, index, &state_->result);
  return Finish(std::nullopt);
}

const ReplayOutcome& Replayer::Finish(std::optional<size_t> divergence) {
  ++runs_;
  outcome_.outcome = target::OutcomeOf(state_->result);
  outcome_.divergence = divergence;
  outcome_.result = &state_->result;
  return outcome_;
}

namespace {

// A signature without the line numbers of its site ("A@rqspinlock.cc:79" ->
// "A@rqspinlock.cc:"), so an edit that moves a call does not break every
// reproducer of the file; the lock, the file and the verdict still count.
std::string WithoutLines(std::string_view signature) {
  std::string out;
  for (size_t i = 0; i < signature.size(); ++i) {
    out += signature[i];
    if (signature[i] != ':') continue;
    while (i + 1 < signature.size() && signature[i + 1] >= '0' && signature[i + 1] <= '9') ++i;
  }
  return out;
}

}  // namespace

bool MatchesExpectation(const Expectation& expected, const ReplayOutcome& got, std::string* why) {
  if (got.outcome != expected.outcome) {
    *why = "expected " + expected.outcome + ", got " + got.outcome;
    return false;
  }
  if (!expected.signature.empty() &&
      WithoutLines(got.result->signature) != WithoutLines(expected.signature)) {
    *why = "expected signature " + expected.signature + ", got " + got.result->signature;
    return false;
  }
  return true;
}

Expectation ExpectationOf(std::string_view variant, const ReplayOutcome& got) {
  Expectation e;
  e.variant = variant;
  e.outcome = got.outcome;
  if (got.finding()) e.signature = got.result->signature;
  return e;
}

std::string CompareToRecorded(std::string_view recorded, std::string_view now) {
  const std::string was = "the recorded " + std::string(recorded);
  if (recorded == now) return was + " is still there";
  const auto benign = [](std::string_view o) {
    return o == "clean" || o.rfind("tolerated:", 0) == 0;
  };
  if (benign(now) || benign(recorded)) return was + " is gone (" + std::string(now) + ")";
  return was + " is relabelled as " + std::string(now) + " (still a finding)";
}

std::vector<std::string> DecisionReasons(const rt::Machine& machine,
                                         const std::vector<sched::Decision>& decisions) {
  std::vector<std::string> reasons;
  reasons.reserve(decisions.size());
  for (const sched::Decision& d : decisions) {
    std::string where = "step " + std::to_string(d.step) + ", ";
    where += d.context == 0xffff ? std::string("between points")
                                 : "cpu" + std::to_string(d.cpu) + " " +
                                       machine.ContextName(d.context);
    const char* what = "";
    switch (d.kind) {
      case sched::DecisionKind::kNextCpu: what = "which CPU runs next"; break;
      case sched::DecisionKind::kSliceLength: what = "points until the next CPU switch (0 = none)"; break;
      case sched::DecisionKind::kPmuPeriod: what = "overflow period (0 = never fires)"; break;
      case sched::DecisionKind::kPmuPhase: what = "events before the first overflow"; break;
      case sched::DecisionKind::kValue: what = "rt::Choose"; break;
    }
    reasons.push_back(where + ": " + what);
  }
  return reasons;
}

}  // namespace rtfuzz::schedule

namespace rtfuzz::schedule {

Schedule RecordSchedule(const Replayer& replayer, const ReplayOutcome& last) {
  Schedule s;
  s.target = replayer.target().name;
  s.scenario = replayer.scenario().name();
  s.variant = replayer.variant();
  s.options = replayer.machine().options();
  s.decisions = last.result->decisions;
  while (!s.decisions.empty() && s.decisions.back().value == 0) s.decisions.pop_back();
  s.reasons = DecisionReasons(replayer.machine(), s.decisions);
  s.expectations.push_back(ExpectationOf(s.variant, last));
  return s;
}

}  // namespace rtfuzz::schedule
