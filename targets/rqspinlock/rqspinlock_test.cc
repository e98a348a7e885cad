// targets/rqspinlock/rqspinlock_test.cc
//
// The rqspinlock model under the oracles: every scenario, every variant, a
// seeded random walk of kRuns executions each (deterministic: seed 1).
// Each test states the finding it expects in which variant, with its
// verdict, and that the fix removes it. A false -EDEADLK inside one of the
// windows the version accepts (scenarios.h, ToleratedWindows; the oracle
// checks it) is counted as "tolerated:<window>", never as a finding, and the
// execution goes on.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/random_source.h"
#include "rqspinlock.h"
#include "scenarios.h"
#include "variant.h"

namespace {

namespace rq = rtfuzz::targets::rqspinlock;
using rtfuzz::Verdict;
using rtfuzz::rt::ExecutionResult;

constexpr uint64_t kRuns = 3000;

struct Finding {
  int count = 0;
  uint64_t first = 0;    // Execution index of the first one.
  std::string message;   // Of the first one.
  std::string details;   // Of the first one.
};

// Verdict name (or "tolerated:<window>") -> how often and first where.
using Survey = std::map<std::string, Finding>;

class RqspinlockTest : public ::testing::Test {
 protected:
  void SetUp() override { machine_.AddObserver(&oracles_); }

  Survey Run(std::string_view scenario, std::string_view variant, uint64_t runs = kRuns) {
    std::optional<rqspinlock_variant> v = rq::ParseVariant(variant);
    EXPECT_TRUE(v.has_value()) << variant;
    rtfuzz::rt::Scenario s = rq::MakeScenario(scenario, *v);
    rtfuzz::sched::RandomSource random(1);
    Survey out;
    windows_ = {};
    for (uint64_t i = 0; i < runs; ++i) {
      ExecutionResult r = machine_.Run(s, random, i);
      windows_.max_steps = std::max(windows_.max_steps, r.steps);
      windows_.nmi_trylock_nested += rqspinlock_stats.nmi_trylock_nested > 0 ? 1 : 0;
      windows_.racy_count_window += rqspinlock_stats.racy_count_window > 0 ? 1 : 0;
      auto count = [&](const std::string& key, const std::string& message) {
        Finding& f = out[key];
        if (f.count++ == 0) {
          f.first = i;
          f.message = message;
          f.details = r.details;
        }
      };
      for (std::string_view window : r.tolerated) {
        count("tolerated:" + std::string(window), "tolerated");
      }
      if (!r.ok()) count(std::string(rtfuzz::VerdictName(r.verdict)), r.message);
    }
    std::string line = std::string(scenario) + " " + std::string(variant) + ":";
    for (const auto& [k, f] : out) {
      line += " " + k + "=" + std::to_string(f.count) + "(first " + std::to_string(f.first) + ")";
    }
    line += " [max steps " + std::to_string(windows_.max_steps) + ", executions with a nested" +
            " NMI trylock " + std::to_string(windows_.nmi_trylock_nested) + ", with the racy" +
            " window hit " + std::to_string(windows_.racy_count_window) + "]";
    std::printf("%s\n", line.c_str());
    return out;
  }

  // Of the last Run(): the most steps of one execution, and how many
  // executions reached each model window (rqspinlock_stats).
  struct Windows {
    uint64_t max_steps = 0;
    int nmi_trylock_nested = 0;
    int racy_count_window = 0;
  };
  Windows windows_;

  rtfuzz::rt::Machine machine_;
  rtfuzz::check::Oracles oracles_;
};

bool OnlyTolerated(const Survey& s) {
  for (const auto& [k, f] : s) {
    if (k.rfind("tolerated:", 0) != 0) return false;
  }
  return true;
}

Survey Without(Survey s, const std::string& verdict) {
  s.erase(verdict);
  return s;
}

std::string Keys(const Survey& s) {
  std::string out;
  for (const auto& [k, f] : s) out += k + " (" + f.message + "); ";
  return out;
}

TEST(RqspinlockVariantTest, PresetsParseAndUnknownNamesAreRejected) {
  for (std::string_view name : rq::VariantNames()) {
    EXPECT_TRUE(rq::ParseVariant(name).has_value()) << name;
  }
  EXPECT_FALSE(rq::ParseVariant("v6.14").has_value());
  EXPECT_FALSE(rq::ParseVariant("").has_value());
  EXPECT_FALSE(rq::ParseVariant("Fixed").has_value());

  const rqspinlock_variant v615 = *rq::ParseVariant("v6.15");
  EXPECT_FALSE(v615.nmi_trylock);
  const rqspinlock_variant a = *rq::ParseVariant("a");
  EXPECT_TRUE(a.nmi_trylock && a.entry_first && !a.aa_first_check);
  const rqspinlock_variant e = *rq::ParseVariant("e");
  EXPECT_TRUE(e.entry_first && e.aa_first_check && e.nmi_trylock_nested && e.single_trylock &&
              e.aa_before_queue && !e.keep_queue_on_deadlock);
  const rqspinlock_variant fixed = *rq::ParseVariant("fixed");
  EXPECT_TRUE(fixed.keep_queue_on_deadlock && fixed.reset_tail_on_deadlock);
  EXPECT_FALSE(fixed.e_v1_leak || fixed.racy_count);
  EXPECT_TRUE(rq::ParseVariant("e-v1-leak")->e_v1_leak);
  EXPECT_TRUE(rq::ParseVariant("racy-count")->racy_count);
}

// The fixed lock: nothing but the accepted false positives, anywhere.
TEST_F(RqspinlockTest, FixedHasOnlyToleratedFalsePositivesInEveryScenario) {
  for (std::string_view scenario : rq::ScenarioNames()) {
    Survey s = Run(scenario, "fixed");
    EXPECT_TRUE(OnlyTolerated(s)) << scenario << ": " << Keys(s);
  }
}

// Task and NMI on one CPU, same lock. Before (a) the NMI lands between the
// cmpxchg and the entry (a1) or between the entry clear and the release
// (a2) and times out after 250 ms in a true AA: missed-AA. Before (b) the
// AA is seen only at the second check, >= 1 ms late. From (b) on: clean.
TEST_F(RqspinlockTest, TaskNmiFindsTheWindowsOfAAndB) {
  for (std::string_view before_a : {"v6.15", "nmi-trylock"}) {
    Survey s = Run("task-nmi", before_a);
    ASSERT_TRUE(s.count("missed-AA")) << before_a << ": " << Keys(s);
    EXPECT_NE(s["missed-AA"].message.find("returned -ETIMEDOUT after 2"), std::string::npos)
        << s["missed-AA"].message;
    EXPECT_TRUE(s.count("late-deadlock-detection")) << before_a << ": " << Keys(s);
  }
  Survey a = Run("task-nmi", "a");
  EXPECT_FALSE(a.count("missed-AA")) << Keys(a);
  ASSERT_TRUE(a.count("late-deadlock-detection")) << Keys(a);
  EXPECT_NE(a["late-deadlock-detection"].message.find("detected the AA deadlock 1."),
            std::string::npos)
      << a["late-deadlock-detection"].message;
  for (std::string_view after_b : {"b", "c", "d", "e", "v6.19", "fixed"}) {
    Survey s = Run("task-nmi", after_b);
    EXPECT_TRUE(s.empty()) << after_b << ": " << Keys(s);
  }
}

// An NMI on CPU0 while CPU0's task owns, is pending on, heads or waits in
// the queue of A, with two more CPUs contending.
TEST_F(RqspinlockTest, NmiQueueFindsTheLockupTheETimeoutAndNothingAfterE) {
  // v6.15: the NMI queues behind its own CPU's waiter, which cannot run
  // until the NMI returns: a cycle through the queue order (the MCS node
  // names the context queued ahead; check::LockWaitsBehind). Found as
  // missed-AA (before queue-order edges it ran into the 60 s time budget).
  Survey v615 = Run("nmi-queue", "v6.15");
  ASSERT_TRUE(v615.count("missed-AA")) << Keys(v615);
  EXPECT_FALSE(v615.count("time-budget")) << Keys(v615);
  // 0d80e7f951be: no lockup any more.
  Survey nmi = Run("nmi-queue", "nmi-trylock");
  EXPECT_FALSE(nmi.count("time-budget")) << Keys(nmi);
  // c and d (before e): an idx-0 NMI on the owner or pending waiter queues
  // behind another CPU's head, which times out after 250..500 ms and tears
  // the queue down: missed-AA for the head stuck behind the NMI's deadlock.
  for (std::string_view before_e : {"c", "d"}) {
    Survey s = Run("nmi-queue", before_e);
    ASSERT_TRUE(s.count("missed-AA")) << before_e << ": " << Keys(s);
    EXPECT_NE(s["missed-AA"].message.find("behind a true deadlock of nmi:perf@0"),
              std::string::npos)
        << s["missed-AA"].message;
  }
  for (std::string_view after_e : {"e", "v6.19"}) {
    Survey s = Run("nmi-queue", after_e);
    EXPECT_TRUE(OnlyTolerated(s)) << after_e << ": " << Keys(s);
  }
}

// ABBA between two tasks, NMIs taking the other task's first lock. 6.19's
// head that detects the deadlock waits for a successor that never comes:
// the other side gives up and the cycle dissolves, but the head's wait
// never ends: missed-ABBA, as soon as the head is the only spinner left and
// nothing can change what it reads (it polls no clock); resetting the tail
// fixes it.
TEST_F(RqspinlockTest, AbbaFindsTheHeadWithoutSuccessorOfV619) {
  Survey v619 = Run("abba", "v6.19");
  ASSERT_TRUE(v619.count("missed-ABBA")) << Keys(v619);
  EXPECT_NE(v619["missed-ABBA"].message.find(
                "waits forever for B: a true ABBA deadlock (which dissolved while it kept waiting)"),
            std::string::npos)
      << v619["missed-ABBA"].message;
  EXPECT_NE(v619["missed-ABBA"].details.find("rqnodes[0].next == 0"), std::string::npos)
      << v619["missed-ABBA"].details;
  Survey e = Run("abba", "e");
  EXPECT_TRUE(OnlyTolerated(e)) << Keys(e);
  // Before (a): timeouts in true AA and ABBA deadlocks.
  Survey v615 = Run("abba", "v6.15");
  EXPECT_TRUE(v615.count("missed-AA")) << Keys(v615);
  EXPECT_TRUE(v615.count("missed-ABBA")) << Keys(v615);
}

// v1 of (e) returned -EDEADLK without releasing its held entry.
TEST_F(RqspinlockTest, EV1LeakBreaksTheHeldTable) {
  for (std::string_view scenario : {"nmi-queue", "abba"}) {
    Survey s = Run(scenario, "e-v1-leak");
    ASSERT_TRUE(s.count("invariant")) << scenario << ": " << Keys(s);
    EXPECT_NE(s["invariant"].message.find("unchanged on failure (R-I3)"), std::string::npos)
        << s["invariant"].message;
  }
}

// 0d80e7f951be sends every NMI at `queue` to the 250 ms trylock loop, which
// succeeds only on a free word. CPU0's task never takes A; CPU1 and CPU2
// keep A busy back to back for 350 ms, so the NMI on CPU0 starves and
// times out with no deadlock. A fair queue (v6.15), and an idx-0 NMI that
// queues (c and later), get the lock.
TEST_F(RqspinlockTest, NmiStarveIsolatesTheTrylockStarvation) {
  constexpr uint64_t kStarveRuns = 300;
  for (std::string_view trylock : {"nmi-trylock", "a", "b"}) {
    Survey s = Run("nmi-starve", trylock, kStarveRuns);
    ASSERT_TRUE(s.count("starvation-timeout")) << trylock << ": " << Keys(s);
    EXPECT_TRUE(OnlyTolerated(Without(s, "starvation-timeout"))) << trylock << ": " << Keys(s);
    EXPECT_NE(s["starvation-timeout"].message.find("nmi:perf@0: A returned -ETIMEDOUT after 25"),
              std::string::npos)
        << s["starvation-timeout"].message;
  }
  for (std::string_view fair : {"v6.15", "c", "d", "e", "v6.19", "fixed"}) {
    Survey s = Run("nmi-starve", fair, kStarveRuns);
    EXPECT_TRUE(s.empty()) << fair << ": " << Keys(s);
  }
}

// c vs d. From (b) on, the loop's first check_timeout() finds an NMI's
// same-lock AA at once, and its ABBA check ends a cycle within 1 ms, so
// what is left of c's 250 ms loop is starvation: an NMI on B while its
// CPU's task is queued on A (idx > 0) spins on a contended B and times
// out. (d) tries once and fails at once: -EDEADLK with no deadlock, the
// cost 81d5a6a43859 accepts (tolerated). v6.15 queues the NMI fairly.
TEST_F(RqspinlockTest, NmiNestedTellsCFromD) {
  constexpr uint64_t kNestedRuns = 1000;
  for (std::string_view loop : {"nmi-trylock", "b", "c"}) {
    Survey s = Run("nmi-nested", loop, kNestedRuns);
    EXPECT_GT(windows_.nmi_trylock_nested, 0) << loop;
    ASSERT_TRUE(s.count("starvation-timeout")) << loop << ": " << Keys(s);
    EXPECT_TRUE(OnlyTolerated(Without(s, "starvation-timeout"))) << loop << ": " << Keys(s);
    EXPECT_NE(s["starvation-timeout"].message.find("nmi:perf@0: B returned -ETIMEDOUT after 25"),
              std::string::npos)
        << s["starvation-timeout"].message;
  }
  for (std::string_view once : {"d", "e", "fixed"}) {
    Survey s = Run("nmi-nested", once, kNestedRuns);
    EXPECT_GT(windows_.nmi_trylock_nested, 0) << once;
    EXPECT_TRUE(OnlyTolerated(s)) << once << ": " << Keys(s);
    EXPECT_TRUE(s.count("tolerated:nmi-over-waiter")) << once << ": " << Keys(s);
  }
  Survey v615 = Run("nmi-nested", "v6.15", kNestedRuns);
  EXPECT_TRUE(v615.empty()) << Keys(v615);
}

// idx = count++ as a load and a store. Interrupts nest LIFO and every
// context that increments the count decrements it before it returns, so an
// interrupting context leaves the count as the interrupted one loaded it,
// and that one's store is right. nmi-count proves the window is reached:
// an NMI on B lands between CPU0's load and store of the count for A and
// increments the count in there. Nothing breaks (docs/targets/rqspinlock.md).
TEST_F(RqspinlockTest, RacyCountReachesTheWindowAndBreaksNothing) {
  Survey racy = Run("nmi-count", "racy-count");
  EXPECT_GE(windows_.racy_count_window, 50);
  EXPECT_TRUE(OnlyTolerated(racy)) << Keys(racy);
  Survey fixed = Run("nmi-count", "fixed");
  EXPECT_EQ(windows_.racy_count_window, 0);
  EXPECT_TRUE(OnlyTolerated(fixed)) << Keys(fixed);
  for (std::string_view scenario : rq::ScenarioNames()) {
    Survey s = Run(scenario, "racy-count");
    EXPECT_TRUE(OnlyTolerated(s)) << scenario << ": " << Keys(s);
  }
}

// Plain contention, no NMI: mutual exclusion, table and word consistency,
// every attempt succeeds, in every variant.
TEST_F(RqspinlockTest, StressIsCleanInEveryVariant) {
  for (std::string_view variant : rq::VariantNames()) {
    Survey s = Run("stress", variant, 1000);
    EXPECT_TRUE(s.empty()) << variant << ": " << Keys(s);
  }
}

// Same decisions, same execution.
TEST_F(RqspinlockTest, ExecutionsAreDeterministic) {
  rtfuzz::rt::Scenario s = rq::MakeNmiQueue(*rq::ParseVariant("c"));
  for (uint64_t i = 0; i < 50; ++i) {
    rtfuzz::sched::RandomSource a(7), b(7);
    ExecutionResult ra = machine_.Run(s, a, i);
    ExecutionResult rb = machine_.Run(s, b, i);
    EXPECT_EQ(ra.trace_hash, rb.trace_hash) << i;
    EXPECT_EQ(ra.verdict, rb.verdict) << i;
  }
}

}  // namespace
