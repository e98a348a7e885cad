// targets/userkit/scenarios.cc
//
// The scenario glue for the kit's users (scenarios.h): mailbox.h and
// stamp.h see only kapi; this file builds machines around them with
// rtfuzz::rt, as a user's test would.

#include "scenarios.h"

#include <string>

#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/context.h"
// kapi last: it defines kernel macros.
#include "mailbox.h"
#include "stamp.h"
#include <linux/atomic.h>

namespace rtfuzz::targets::userkit {
namespace {

struct mailbox box;
struct stamp_seq seq_stamp;
struct stamp_latch latch_stamp;
struct stamp_lock lock_stamp;
atomic_t rounds_done = ATOMIC_INIT(0);
bool ack_seen;

// A library's *_init() functions, run where a user runs them: in OnReset,
// outside every context, where kapi accesses are plain.
void Reset() {
  mailbox_init(&box);
  seqcount_init(&seq_stamp.seq);
  stamp_set(&seq_stamp.now, 0);
  seqcount_latch_init(&latch_stamp.seq);
  stamp_set(&latch_stamp.copy[0], 0);
  stamp_set(&latch_stamp.copy[1], 0);
  seqlock_init(&lock_stamp.lock);
  stamp_set(&lock_stamp.now, 0);
  raw_spin_lock_init(&lock_stamp.raw_lock);
  seqcount_raw_spinlock_init(&lock_stamp.raw_seq, &lock_stamp.raw_lock);
  stamp_set(&lock_stamp.raw_now, 0);
  atomic_set(&rounds_done, 0);
  ack_seen = false;
}

constexpr rt::MarkId kRoundMark = 0;

void Round() {
  atomic_inc(&rounds_done);
  rt::Progress(kRoundMark);
}

void Consistent(const struct stamp& s) { BUG_ON(s.sec != s.nsec); }

// Every scenario: the shared reset, the round mark, its no-progress budget.
rt::Scenario Begin(const char* name, int cpus, uint64_t progress_ns) {
  rt::Scenario s(name, cpus);
  s.OnReset(&Reset);
  RTFUZZ_CHECK(s.AddMark("round") == kRoundMark, "the scenario's first mark");
  s.budgets().progress_ns = progress_ns;
  return s;
}

rt::Scenario MakeWaiter(bool check_then_sleep, bool one_cpu) {
  // The longest time without a round: the poller's 3 timeouts of 1 ms after
  // the last one; the rounds themselves come within 29 points of 10 ns (the
  // most in `rtfuzz explore --target=userkit --scenario=waiter
  // --executions=20000`). 10 ms is past any schedule that makes progress.
  rt::Scenario s =
      Begin(one_cpu ? "waiter-1cpu" : "waiter", one_cpu ? 1 : 2, /*progress_ns=*/10'000'000);
  s.AddTask({.name = "consumer", .affinity = rt::Cpu(0), .body = [check_then_sleep] {
               if (check_then_sleep) {
                 mailbox_wait_check_then_sleep(&box);
               } else {
                 mailbox_wait(&box);
               }
               mailbox_ack(&box);
               Round();
             }});
  const int other = one_cpu ? 0 : 1;
  s.AddTask({.name = "producer", .affinity = rt::Cpu(other), .body = [] {
               mailbox_post(&box);
               mailbox_nudge(&box);
               Round();
             }});
  s.AddTask({.name = "poller", .affinity = rt::Cpu(other), .body = [] {
               // Gives up after 3 timeouts of 1 ms: the consumer acks within
               // microseconds of the post (a few hundred 10 ns points).
               ack_seen = mailbox_poll_ack(&box, 3);
             }});
  s.AddEndCheck("the poller saw the ack", [] { return ack_seen; });
  return s;
}

rt::Scenario MakeSeqcountNmi(bool latch) {
  // Nothing sleeps or waits for a timer: a whole execution is at most 73
  // points of 10 ns (`rtfuzz explore --target=userkit --scenario=seqcount-nmi
  // --executions=20000`), so 1 ms without a round is no progress.
  rt::Scenario s = Begin("seqcount-nmi", 2, /*progress_ns=*/1'000'000);
  constexpr int kRounds = 3;
  s.AddTask({.name = "writer", .affinity = rt::Cpu(0), .body = [latch] {
               for (unsigned long v = 1; v <= kRounds; ++v) {
                 if (latch) {
                   stamp_latch_write(&latch_stamp, v);
                 } else {
                   stamp_seq_write(&seq_stamp, v);
                 }
                 Round();
               }
             }});
  auto read = [latch] {
    Consistent(latch ? stamp_latch_read(&latch_stamp) : stamp_seq_read(&seq_stamp));
  };
  s.AddTask({.name = "reader", .affinity = rt::Cpu(1), .body = [read] {
               for (int i = 0; i < kRounds; ++i) {
                 read();
                 Round();
               }
             }});
  // Any step of CPU0 (period 1..48 and its phase are decisions), once.
  s.AddInterrupt({.name = "perf", .kind = rt::ContextKind::kNmi, .cpus = rt::Cpu(0),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 48, 1),
                  .handler = read});
  s.AddEndCheck("every round ran", [] { return atomic_read(&rounds_done) == 2 * kRounds; });
  return s;
}

rt::Scenario MakeSeqlockContend(bool checked) {
  // As seqcount-nmi: no sleeps, no timers; at most 181 points of 10 ns
  // (`rtfuzz explore --target=userkit --scenario=seqlock-contend
  // --executions=20000`).
  rt::Scenario s = Begin("seqlock-contend", 3, /*progress_ns=*/1'000'000);
  constexpr int kRounds = 2;
  for (int cpu = 0; cpu < 2; ++cpu) {
    s.AddTask({.name = cpu == 0 ? "writer0" : "writer1", .affinity = rt::Cpu(cpu),
               .body = [checked, cpu] {
                 for (unsigned long v = 1; v <= kRounds; ++v) {
                   const unsigned long value = 10 * v + static_cast<unsigned long>(cpu);
                   if (checked) {
                     stamp_lock_write_checked(&lock_stamp, value);
                   } else {
                     stamp_lock_write(&lock_stamp, value);
                   }
                   Round();
                 }
               }});
  }
  s.AddTask({.name = "reader", .affinity = rt::Cpu(2), .body = [checked] {
               for (int i = 0; i < kRounds; ++i) {
                 if (!checked) Consistent(stamp_lock_read(&lock_stamp));
                 Consistent(stamp_lock_read_raw(&lock_stamp));
                 Round();
               }
             }});
  s.AddEndCheck("every round ran", [] { return atomic_read(&rounds_done) == 3 * kRounds; });
  return s;
}

}  // namespace

const std::vector<std::string_view>& ScenarioNames() {
  static const std::vector<std::string_view> names = {"waiter", "waiter-1cpu", "seqcount-nmi",
                                                      "seqlock-contend"};
  return names;
}

const std::vector<std::string_view>& VariantNames() {
  static const std::vector<std::string_view> names = {
      "prepare-first", "check-then-sleep", "latch", "seqcount", "seqlock", "raw-checked"};
  return names;
}

std::vector<std::string_view> ScenarioVariants(std::string_view scenario) {
  if (scenario == "waiter" || scenario == "waiter-1cpu") return {"prepare-first", "check-then-sleep"};
  if (scenario == "seqcount-nmi") return {"latch", "seqcount"};
  if (scenario == "seqlock-contend") return {"seqlock", "raw-checked"};
  return {};
}

rt::Scenario MakeScenario(std::string_view scenario, std::string_view variant) {
  if (scenario.starts_with("waiter")) {
    return MakeWaiter(variant == "check-then-sleep", scenario == "waiter-1cpu");
  }
  if (scenario == "seqcount-nmi") return MakeSeqcountNmi(variant == "latch");
  RTFUZZ_PRECONDITION(scenario == "seqlock-contend", "no such userkit scenario");
  return MakeSeqlockContend(variant == "raw-checked");
}

}  // namespace rtfuzz::targets::userkit
