// targets/userlocks/userlocks_test.cc
//
// Locks written as a user would (scenarios.h), judged with every oracle:
// correct ones cleanly, an NMI re-taking its CPU's lock as a named AA
// deadlock, a lost handoff as lost-handoff, and never time-budget or
// step-budget. Each judgement comes without a replay: the report names the
// lock (hooks) or the word (bare), the contexts and the cause.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "oracle_gallery.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/random_source.h"
#include "scenarios.h"

namespace {

namespace ul = rtfuzz::targets::userlocks;
using rtfuzz::Verdict;
using rtfuzz::rt::ExecutionResult;

// Executions per scenario and variant: the deadlock needs the NMI inside a
// section, which about one execution in four reaches (measured counts are
// printed), so 20,000 gives thousands of deadlocks to name.
constexpr uint64_t kRuns = 20'000;

struct Finding {
  uint64_t count = 0;
  uint64_t first_index = 0;
  ExecutionResult first;
};
using Survey = std::map<std::string, Finding>;  // By verdict name.

Survey RunMany(std::string_view scenario, std::string_view variant, uint64_t runs = kRuns,
           uint64_t seed = 1) {
  rtfuzz::rt::Machine machine;
  rtfuzz::check::Oracles oracles;
  machine.AddObserver(&oracles);
  const rtfuzz::rt::Scenario s = ul::MakeScenario(scenario, *ul::ParseVariant(variant));
  rtfuzz::sched::RandomSource random(seed);
  Survey out;
  uint64_t most_steps = 0;
  for (uint64_t i = 0; i < runs; ++i) {
    ExecutionResult r = machine.Run(s, random, i);
    most_steps = std::max(most_steps, r.steps);
    Finding& f = out[std::string(rtfuzz::VerdictName(r.verdict))];
    if (f.count++ == 0) {
      f.first_index = i;
      f.first = std::move(r);
    }
  }
  std::string line = std::string(scenario) + " " + std::string(variant) + ":";
  for (const auto& [k, f] : out) line += " " + k + "=" + std::to_string(f.count);
  std::printf("%s [most steps %llu]\n", line.c_str(), static_cast<unsigned long long>(most_steps));
  return out;
}

// Replays the first `verdict` of RunMany(scenario, variant) with a full
// trace and writes its report for docs/oracles.md (ci/oracle-gallery.sh).
void Gallery(const char* name, std::string_view scenario, std::string_view variant,
             const Finding& f) {
  if (std::getenv("RTFUZZ_ORACLE_GALLERY") == nullptr) return;
  rtfuzz::rt::MachineOptions options;
  options.record_full_trace = true;
  rtfuzz::rt::Machine machine(options);
  rtfuzz::check::Oracles oracles;
  machine.AddObserver(&oracles);
  const rtfuzz::rt::Scenario s = ul::MakeScenario(scenario, *ul::ParseVariant(variant));
  rtfuzz::sched::RandomSource random(1);
  const ExecutionResult r = machine.Run(s, random, f.first_index);
  EXPECT_EQ(r.signature, f.first.signature);
  rtfuzz::check::test_gallery::Gallery(name, machine, s, r);
}

std::string Keys(const Survey& s) {
  std::string out;
  for (const auto& [k, f] : s) {
    out += k + " (" + std::to_string(f.count) + "): " + f.first.message + "\n" + f.first.details;
  }
  return out;
}

class UserlocksTest : public ::testing::TestWithParam<char> {
 protected:
  std::string Scenario(const char* kind) const {
    const char l = GetParam();
    return std::string(l == 't' ? "ticket" : l == 'm' ? "mcs" : "rw") + "-" + kind;
  }
  // The word a bare lock's deadlock is named by: the variable and member.
  const char* Word() const {
    const char l = GetParam();
    return l == 't' ? "ticket.owner" : l == 'm' ? "mcs_nodes[3].locked" : "rw.cnts.counter";
  }
};

// (a) Contention with a task that retries a trylock that writes on failure
// (mcs resets its node, rw sets and undoes the writer bit): no report.
TEST_P(UserlocksTest, ContentionWithTrylockRetryIsClean) {
  for (const char* variant : {"hooks", "bare"}) {
    Survey s = RunMany(Scenario("contend"), variant);
    EXPECT_EQ(s.size(), 1u) << variant << ": " << Keys(s);
    EXPECT_EQ(s["pass"].count, kRuns) << variant << ": " << Keys(s);
  }
}

// (b) An NMI that takes the lock its task holds: every deadlock is named at
// once, by the lock with hooks and by the word without.
TEST_P(UserlocksTest, AnNmiRetakingItsCpusLockIsANamedDeadlock) {
  Survey hooked = RunMany(Scenario("nmi"), "hooks");
  ASSERT_TRUE(hooked.count("missed-AA")) << Keys(hooked);
  EXPECT_EQ(hooked["pass"].count + hooked["missed-AA"].count, kRuns) << Keys(hooked);
  const ExecutionResult& aa = hooked["missed-AA"].first;
  const char* lock = GetParam() == 't' ? "ticket" : GetParam() == 'm' ? "mcs" : "rw";
  EXPECT_NE(aa.message.find("nmi:perf@0"), std::string::npos) << aa.message;
  EXPECT_NE(aa.message.find(std::string("for ") + lock), std::string::npos) << aa.message;
  EXPECT_NE(aa.signature.find(std::string("|") + lock + "@"), std::string::npos) << aa.signature;
  EXPECT_NE(aa.details.find("task:locker"), std::string::npos) << aa.details;
  if (GetParam() == 't') Gallery("missed-AA-spinning", Scenario("nmi"), "hooks", hooked["missed-AA"]);

  Survey bare = RunMany(Scenario("nmi"), "bare");
  ASSERT_TRUE(bare.count("spin-deadlock")) << Keys(bare);
  EXPECT_EQ(bare["pass"].count + bare["spin-deadlock"].count, kRuns) << Keys(bare);
  const ExecutionResult& spin = bare["spin-deadlock"].first;
  EXPECT_NE(spin.message.find("nmi:perf@0"), std::string::npos) << spin.message;
  EXPECT_NE(spin.details.find(Word()), std::string::npos) << spin.details;
  EXPECT_NE(spin.details.find("task:locker is interrupted on CPU0 beneath nmi:perf@0"),
            std::string::npos)
      << spin.details;
  if (GetParam() == 'm') Gallery("spin-deadlock", Scenario("nmi"), "bare", bare["spin-deadlock"]);
}

// (c) A release that passes the lock to nobody: lost-handoff with hooks,
// spin-deadlock by the word without; never an anonymous budget.
TEST_P(UserlocksTest, ALostHandoffIsNamed) {
  Survey hooked = RunMany(Scenario("contend"), "lost-hooks");
  ASSERT_TRUE(hooked.count("lost-handoff")) << Keys(hooked);
  EXPECT_EQ(hooked["pass"].count + hooked["lost-handoff"].count, kRuns) << Keys(hooked);
  const ExecutionResult& lost = hooked["lost-handoff"].first;
  EXPECT_NE(lost.message.find("no context holds it"), std::string::npos) << lost.message;
  if (GetParam() == 't') Gallery("lost-handoff", Scenario("contend"), "lost-hooks", hooked["lost-handoff"]);

  Survey bare = RunMany(Scenario("contend"), "lost-bare");
  ASSERT_TRUE(bare.count("spin-deadlock")) << Keys(bare);
  EXPECT_EQ(bare["pass"].count + bare["spin-deadlock"].count, kRuns) << Keys(bare);
}

INSTANTIATE_TEST_SUITE_P(Locks, UserlocksTest, ::testing::Values('t', 'm', 'r'),
                         [](const ::testing::TestParamInfo<char>& p) {
                           return std::string(p.param == 't'   ? "Ticket"
                                              : p.param == 'm' ? "Mcs"
                                                                  : "Rw");
                         });

}  // namespace
