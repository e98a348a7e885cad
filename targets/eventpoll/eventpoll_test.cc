// targets/eventpoll/eventpoll_test.cc
//
// The eventpoll model under the oracles: every scenario, every variant, a
// seeded random walk (deterministic: seed 1). Each test states the finding
// it expects in which variant, with its verdict, and that the fixed eras
// are clean.

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
#include "rtfuzz/report/execution_report.h"
#include <cstdlib>
#include "rtfuzz/sched/random_source.h"
#include "scenarios.h"
#include "variant.h"

namespace {

namespace ep = rtfuzz::targets::eventpoll;
using rtfuzz::rt::ExecutionResult;

constexpr uint64_t kRuns = 3000;

struct Finding {
  int count = 0;
  uint64_t first = 0;   // Execution index of the first one.
  std::string message;  // Of the first one.
};

// Verdict name -> how often and first where.
using Survey = std::map<std::string, Finding>;

class EventpollTest : public ::testing::Test {
 protected:
  void SetUp() override { machine_.AddObserver(&oracles_); }

  Survey Run(std::string_view scenario, std::string_view variant, uint64_t runs = kRuns) {
    std::optional<eventpoll_variant> v = ep::ParseVariant(variant);
    EXPECT_TRUE(v.has_value()) << variant;
    rtfuzz::rt::Scenario s = ep::MakeScenario(scenario, *v);
    rtfuzz::sched::RandomSource random(1);
    Survey out;
    stats_ = {};
    for (uint64_t i = 0; i < runs; ++i) {
      ExecutionResult r = machine_.Run(s, random, i);
      stats_.max_steps = std::max(stats_.max_steps, r.steps);
      const ep::EventpollStats st = ep::LastStats();
      stats_.chained += st.chained > 0 ? 1 : 0;
      stats_.removed_undelivered += st.removed_before_delivery;
      if (r.ok()) continue;
      Finding& f = out[std::string(rtfuzz::VerdictName(r.verdict))];
      if (f.count++ == 0) {
        f.first = i;
        f.message = r.message;
        // RTFUZZ_EVENTPOLL_REPORT=1: the report of each first finding.
        if (std::getenv("RTFUZZ_EVENTPOLL_REPORT") != nullptr) {
          rtfuzz::report::ReportOptions options;
          options.max_records = 200;
          std::printf("%s\n", rtfuzz::report::FormatExecutionReport(s, machine_, r, options).c_str());
        }
      }
    }
    std::string line = std::string(scenario) + " " + std::string(variant) + ":";
    for (const auto& [k, f] : out) {
      line += " " + k + "=" + std::to_string(f.count) + "(first " + std::to_string(f.first) + ")";
    }
    line += " [max steps " + std::to_string(stats_.max_steps) + ", executions with an ovflist" +
            " chain " + std::to_string(stats_.chained) + ", with the removed item undelivered " +
            std::to_string(stats_.removed_undelivered) + "]";
    std::printf("%s\n", line.c_str());
    return out;
  }

  struct Stats {
    uint64_t max_steps = 0;
    int chained = 0;
    int removed_undelivered = 0;
  };
  Stats stats_;

  rtfuzz::rt::Machine machine_;
  rtfuzz::check::Oracles oracles_;
};

std::string Keys(const Survey& s) {
  std::string out;
  for (const auto& [k, f] : s) out += k + " (" + f.message + "); ";
  return out;
}

TEST(EventpollVariantTest, PresetsParseAndUnknownNamesAreRejected) {
  for (std::string_view name : ep::VariantNames()) {
    EXPECT_TRUE(ep::ParseVariant(name).has_value()) << name;
  }
  EXPECT_FALSE(ep::ParseVariant("").has_value());
  EXPECT_FALSE(ep::ParseVariant("Spinlock").has_value());
  EXPECT_EQ(ep::ParseVariant("rwlock")->lock, EP_LOCK_RWLOCK);
  EXPECT_EQ(ep::ParseVariant("spinlock")->lock, EP_LOCK_SPINLOCK);
  EXPECT_EQ(ep::ParseVariant("llist-v3")->lock, EP_LOCK_NONE_LLIST);
  const eventpoll_variant lw = *ep::ParseVariant("lost-wakeup");
  EXPECT_TRUE(lw.lock == EP_LOCK_SPINLOCK && lw.wq_check_outside_lock);
  const eventpoll_variant le = *ep::ParseVariant("lost-event");
  EXPECT_TRUE(le.lock == EP_LOCK_NONE_LLIST && le.no_recheck_after_poll);
  const eventpoll_variant dl = *ep::ParseVariant("double-link");
  EXPECT_TRUE(dl.lock == EP_LOCK_RWLOCK && dl.reinject_without_linked_check);
  EXPECT_TRUE(ep::ParseVariant("v3-check-then-add")->v3_check_then_add);
  EXPECT_TRUE(ep::ParseVariant("v3-plain-available")->v3_plain_available);
}

// The three eras: producers from a task, hardirqs, a softirq and an NMI's
// irq_work, a consumer and epoll_ctl add/remove: EP-I1..I3 hold, and the
// ovflist path is exercised.
TEST_F(EventpollTest, InvariantsHoldInEveryEra) {
  for (std::string_view variant : {"rwlock", "spinlock", "llist-v3"}) {
    Survey s = Run("invariants", variant);
    EXPECT_TRUE(s.empty()) << variant << ": " << Keys(s);
    if (variant != "llist-v3") {
      EXPECT_GT(stats_.chained, 0) << variant;
    }
    EXPECT_GT(stats_.removed_undelivered, 0) << variant;
  }
}

// Each planted bug is found by the invariant it breaks.
TEST_F(EventpollTest, PlantedBugsAreFoundByTheirInvariant) {
  const struct {
    std::string_view variant;
    std::string_view what;
  } planted[] = {
      {"lost-wakeup", "EP-I3 no lost wakeup"},
      {"lost-event", "EP-I1 no lost event"},
      {"double-link", "EP-I2 no double link"},
      {"v3-check-then-add", "EP-I3 no lost wakeup"},
      {"v3-plain-available", "EP-I3 no lost wakeup"},
  };
  for (const auto& p : planted) {
    Survey s = Run("invariants", p.variant);
    ASSERT_TRUE(s.count("invariant")) << p.variant << ": " << Keys(s);
    EXPECT_NE(s["invariant"].message.find(p.what), std::string::npos)
        << p.variant << ": " << s["invariant"].message;
    EXPECT_EQ(s.size(), 1u) << p.variant << ": " << Keys(s);
  }
}

// Spec 2.5: on PREEMPT_RT a reader of the rwlock_t cannot be boosted, so
// the hog keeps the producer (holding ep->lock for read) off the CPU while
// the RT consumer waits for the write lock. The spinlock_t (an rtmutex)
// boosts its owner; llist-v3's producer holds no lock the consumer needs.
TEST_F(EventpollTest, InversionOnlyInTheRwlockEraOnRt) {
  Survey rw = Run("inversion", "rwlock");
  ASSERT_TRUE(rw.count("priority-inversion")) << Keys(rw);
  EXPECT_EQ(rw.size(), 1u) << Keys(rw);
  EXPECT_NE(rw["priority-inversion"].message.find("ep->lock"), std::string::npos)
      << rw["priority-inversion"].message;
  for (std::string_view fixed : {"spinlock", "llist-v3"}) {
    Survey s = Run("inversion", fixed);
    EXPECT_TRUE(s.empty()) << fixed << ": " << Keys(s);
  }
  for (std::string_view variant : {"rwlock", "spinlock", "llist-v3"}) {
    Survey s = Run("inversion-nonrt", variant);
    EXPECT_TRUE(s.empty()) << variant << ": " << Keys(s);
  }
}

// Same decisions, same execution.
TEST_F(EventpollTest, ExecutionsAreDeterministic) {
  rtfuzz::rt::Scenario s = ep::MakeInvariants(*ep::ParseVariant("rwlock"));
  for (uint64_t i = 0; i < 50; ++i) {
    rtfuzz::sched::RandomSource a(7), b(7);
    ExecutionResult ra = machine_.Run(s, a, i);
    ExecutionResult rb = machine_.Run(s, b, i);
    EXPECT_EQ(ra.trace_hash, rb.trace_hash) << i;
    EXPECT_EQ(ra.verdict, rb.verdict) << i;
  }
}

}  // namespace
