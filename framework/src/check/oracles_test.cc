// framework/src/check/oracles_test.cc
//
// Each oracle on a minimal buggy program written here, and silent on its
// correct counterpart (locking-selftest's rule: false negatives and false
// positives both). The locks are test-and-set and sleeping locks built on
// rt::Point that announce themselves with the lock events, as kapi's do.

#include "rtfuzz/check/oracles.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "oracle_gallery.h"
#include "tas_lock_for_test.h"
#include "rtfuzz/report/execution_report.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"

namespace rtfuzz::check {
namespace {

using rt::ContextKind;
using rt::Cpu;
using rt::ExecutionResult;
using rt::Op;
using rt::Policy;
using rt::Scenario;

constexpr const char* kSite = "oracles_test.cc";

using test_locks::TasLock;

bool TryTas(TasLock& l) { return test_locks::TryTas(l, kSite); }

// Returns 0, or -ETIMEDOUT after timeout_ns (0 = never), or -EDEADLK when
// `aa_check_after_ns` has passed and the lock is held by the interrupted
// context (a detector that looks late).
int TasLockWait(TasLock& l, uint64_t timeout_ns = 0) {
  LockAcquire(l.id, l.name, LockMode::kExclusive, false, kSite);
  if (TryTas(l)) return 0;
  LockContended(l.id, kSite);
  const uint64_t start = rt::Now();
  while (!TryTas(l)) {
    rt::Spin(l.id);
    if (timeout_ns != 0 && rt::Now() - start > timeout_ns) {
      LockFailed(l.id, -kEtimedout, kSite);
      return -kEtimedout;
    }
  }
  return 0;
}

bool TasTrylock(TasLock& l) {
  LockAcquire(l.id, l.name, LockMode::kExclusive, true, kSite);
  if (TryTas(l)) return true;
  LockFailed(l.id, -kEbusy, kSite);
  return false;
}

void TasUnlock(TasLock& l) {
  LockRelease(l.id, kSite);  // Before the store, as lockdep: no false overlap.
  l.locked = 0;
  rt::Point(Op::kWrite, l.id, 0, rt::kPointWrite);
}

using test_gallery::Gallery;  // ci/oracle-gallery.sh

class OraclesTest : public ::testing::Test {
 protected:
  ExecutionResult Run(const Scenario& s, const uint8_t* bytes = nullptr, size_t size = 0) {
    sched::ByteSource source(bytes, size);
    return machine_.Run(s, source);
  }
  void SetUp() override { machine_.AddObserver(&oracles_); }
  rt::Machine machine_;
  Oracles oracles_;
};

// --- Deadlock truth and missed detection ---

// "low" holds A; an NMI on its CPU takes A: spinning forever (no detection)
// or with trylock (the correct counterpart).
// The scenario's only interrupt handler: HandlerId 0 (AddInterrupt order).
constexpr rt::HandlerId kFirstHandler = 0;

Scenario MakeNmiRelock(TasLock& a, bool trylock, uint64_t timeout_ns = 0) {
  Scenario s("nmi-relock", 1);
  s.OnReset([&a] { a.locked = 0; });
  s.AddTask({.name = "low", .body = [&a] {
               TasLockWait(a);
               rt::RaiseInterrupt(kFirstHandler, 0);  // Lands inside the section.
               TasUnlock(a);
             }});
  s.AddInterrupt({.name = "pmu", .kind = ContextKind::kNmi,
                        .handler = [&a, trylock, timeout_ns] {
                          if (trylock) {
                            if (TasTrylock(a)) TasUnlock(a);
                          } else if (TasLockWait(a, timeout_ns) == 0) {
                            TasUnlock(a);
                          }
                        }});
  return s;
}

TEST_F(OraclesTest, NmiRelockingItsCpusLockIsMissedAaAndTrylockIsClean) {
  TasLock a{1, "A"};
  Scenario bad = MakeNmiRelock(a, /*trylock=*/false);
  ExecutionResult r = Run(bad);
  EXPECT_EQ(r.verdict, Verdict::kMissedAa) << r.message;
  // TasLock's points name no word, so the machine cannot prove the NMI at a
  // fixed point and warps (a spin-deadlock at once needs the words: the
  // userlocks target's tests); the oracle names the deadlock at its budget.
  EXPECT_NE(r.message.find("nmi:pmu@0 has waited"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("since a true deadlock for A formed"), std::string::npos) << r.message;
  EXPECT_GE(r.time_ns, bad.budgets().deadlock_ns);
  EXPECT_LT(r.steps, 2000u);  // The time warp, not 200 M points of spinning.
  // The lockdep-style body: the NMI nested under CPU0, both lock(A).
  EXPECT_NE(r.details.find("  CPU0\n  ----\n  lock(A);\n  <NMI>\n    lock(A);\n"),
            std::string::npos)
      << r.details;
  EXPECT_NE(r.details.find("task:low (CPU0): A"), std::string::npos) << r.details;
  EXPECT_EQ(r.signature, "missed-AA|nmi-relock|A@oracles_test.cc");
  Gallery("missed-AA", machine_, bad, r);

  Scenario good = MakeNmiRelock(a, /*trylock=*/true);
  ExecutionResult ok = Run(good);
  EXPECT_TRUE(ok.ok()) << ok.message;
}

TEST_F(OraclesTest, ATimeoutInATrueDeadlockIsMissedAa) {
  TasLock a{1, "A"};
  Scenario s = MakeNmiRelock(a, false, /*timeout_ns=*/250'000'000);
  ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kMissedAa) << r.message;
  EXPECT_NE(r.message.find("returned -ETIMEDOUT after 2"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("in a true AA deadlock"), std::string::npos) << r.message;
  EXPECT_GE(r.time_ns, 250'000'000u);
}

// Two CPUs take A then B, and B then A.
Scenario MakeTwoLocks(TasLock& a, TasLock& b, bool same_order) {
  Scenario s(same_order ? "ab-ab" : "ab-ba", 2);
  s.OnReset([&] { a.locked = b.locked = 0; });
  s.AddTask({.name = "t0", .affinity = Cpu(0), .body = [&] {
               TasLockWait(a);
               TasLockWait(b);
               TasUnlock(b);
               TasUnlock(a);
             }});
  s.AddTask({.name = "t1", .affinity = Cpu(1), .body = [&, same_order] {
               TasLock& first = same_order ? a : b;
               TasLock& second = same_order ? b : a;
               TasLockWait(first);
               TasLockWait(second);
               TasUnlock(second);
               TasUnlock(first);
             }});
  return s;
}

TEST_F(OraclesTest, AbbaOnTwoCpusIsACycleAndTheSameOrderIsClean) {
  TasLock a{1, "A"}, b{2, "B"};
  Scenario abba = MakeTwoLocks(a, b, false);
  Scenario abab = MakeTwoLocks(a, b, true);
  sched::RandomSource random(3);
  int found = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    ExecutionResult r = machine_.Run(abba, random, i);
    if (r.ok()) continue;
    ++found;
    ASSERT_EQ(r.verdict, Verdict::kMissedAbba) << r.message << r.details;
    if (found == 1) Gallery("missed-ABBA", machine_, abba, r);
    EXPECT_NE(r.details.find("CPU0"), std::string::npos);
    EXPECT_NE(r.details.find("CPU1"), std::string::npos);
    ExecutionResult clean = machine_.Run(abab, random, i);
    EXPECT_TRUE(clean.ok()) << clean.message << clean.details;
  }
  EXPECT_GT(found, 0);
}

// A detector that looks for AA only after `delay_ns` of spinning.
Scenario MakeDetectingNmi(TasLock& a, uint64_t delay_ns) {
  Scenario s("detecting", 1);
  s.OnReset([&a] { a.locked = 0; });
  s.AddTask({.name = "low", .body = [&a] {
               TasLockWait(a);
               rt::RaiseInterrupt(kFirstHandler, 0);
               TasUnlock(a);
             }});
  s.AddInterrupt({.name = "pmu", .kind = ContextKind::kNmi,
                        .handler = [&a, delay_ns] {
                          LockAcquire(a.id, a.name, LockMode::kExclusive, false, kSite);
                          LockContended(a.id, kSite);
                          const uint64_t start = rt::Now();
                          while (rt::Now() - start < delay_ns) rt::Spin(a.id);
                          LockFailed(a.id, -kEdeadlk, kSite);
                        }});
  return s;
}

TEST_F(OraclesTest, DetectionAfterTheBudgetIsLateAndImmediateDetectionIsClean) {
  TasLock a{1, "A"};
  Scenario late = MakeDetectingNmi(a, 1'000'000);  // 1 ms, as before change (b).
  ExecutionResult r = Run(late);
  EXPECT_EQ(r.verdict, Verdict::kLateDetection) << r.message;
  EXPECT_NE(r.message.find("detected the AA deadlock 1."), std::string::npos) << r.message;
  Gallery("late-deadlock-detection", machine_, late, r);
  Scenario prompt = MakeDetectingNmi(a, 0);
  EXPECT_TRUE(Run(prompt).ok());
}

TEST_F(OraclesTest, DeadlockErrorWithoutACycleIsAFalseReport) {
  TasLock a{1, "A"};
  Scenario s("false-edeadlk", 2);
  s.OnReset([&a] { a.locked = 0; });
  s.AddTask({.name = "holder", .affinity = Cpu(0), .body = [&a] {
               TasLockWait(a);
               rt::SleepFor(10'000);
               TasUnlock(a);
             }});
  s.AddTask({.name = "waiter", .affinity = Cpu(1), .start_ns = 100, .body = [&a] {
               LockAcquire(a.id, a.name, LockMode::kExclusive, false, kSite);
               LockContended(a.id, kSite);
               LockFailed(a.id, -kEdeadlk, kSite);  // Wrong: A is merely busy.
             }});
  ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport) << r.message;
  Gallery("false-deadlock-report", machine_, s, r);
}

TEST_F(OraclesTest, TimeoutWithoutDeadlockIsStarvationAndALongerTimeoutIsClean) {
  TasLock a{1, "A"};
  auto make = [&a](uint64_t timeout_ns) {
    Scenario s("starved", 2);
    s.OnReset([&a] { a.locked = 0; });
    s.AddTask({.name = "holder", .affinity = Cpu(0), .body = [&a] {
                 TasLockWait(a);
                 rt::SleepFor(5'000'000);  // Holds A for 5 ms.
                 TasUnlock(a);
               }});
    s.AddTask({.name = "waiter", .affinity = Cpu(1), .start_ns = 100,
               .body = [&a, timeout_ns] {
                 if (TasLockWait(a, timeout_ns) == 0) TasUnlock(a);
               }});
    return s;
  };
  Scenario starved = make(1'000'000);
  ExecutionResult r = Run(starved);
  EXPECT_EQ(r.verdict, Verdict::kStarvationTimeout) << r.message;
  Gallery("starvation-timeout", machine_, starved, r);
  Scenario patient = make(50'000'000);
  EXPECT_TRUE(Run(patient).ok());
}

// A FIFO ticket lock: a waiter cannot get it before the tickets ahead of it,
// so it says whom it waits behind (LockWaitsBehind).
struct TicketLock {
  LockId id;
  const char* name;
  int next = 0;
  int owner = 0;
  rt::ContextId holder_of[64] = {};  // Context that took each ticket.
};

void TicketLockLock(TicketLock& l) {
  LockAcquire(l.id, l.name, LockMode::kExclusive, false, kSite);
  const int me = l.next++;
  l.holder_of[me % 64] = rt::CurrentContextId();
  rt::Point(Op::kRmw, l.id, static_cast<uint64_t>(me), rt::kPointAtomic | rt::kPointWrite);
  if (l.owner != me) {
    LockContended(l.id, kSite);
    LockWaitsBehind(l.id, l.holder_of[(me - 1) % 64], kSite);
    for (;;) {
      const int served = l.owner;
      if (served == me) LockAcquired(l.id, kSite);  // The same step as the load.
      rt::Point(Op::kRead, l.id, static_cast<uint64_t>(served), rt::kPointRead);
      if (served == me) return;
      rt::Spin(l.id);
    }
  }
  LockAcquired(l.id, kSite);
}

void TicketLockUnlock(TicketLock& l) {
  LockRelease(l.id, kSite);
  ++l.owner;
  rt::Point(Op::kWrite, l.id, static_cast<uint64_t>(l.owner), rt::kPointWrite);
}

// "holder" holds T for 100 us; "queued" on CPU0 queues behind it; then
// "raiser" raises an NMI on `nmi_cpu` that queues too.
Scenario MakeQueueBehind(TicketLock& t, const char* name, int cpus, int holder_cpu,
                         int raiser_cpu, int nmi_cpu) {
  Scenario s(name, cpus);
  s.OnReset([&t] { t.next = t.owner = 0; });
  s.AddTask({.name = "holder", .affinity = Cpu(holder_cpu), .body = [&t] {
               TicketLockLock(t);
               rt::SleepFor(100'000);
               TicketLockUnlock(t);
             }});
  s.AddTask({.name = "queued", .affinity = Cpu(0), .start_ns = 1000, .body = [&t] {
               TicketLockLock(t);
               TicketLockUnlock(t);
             }});
  s.AddTask({.name = "raiser", .affinity = Cpu(raiser_cpu), .start_ns = 20'000,
             .body = [nmi_cpu] { rt::RaiseInterrupt(kFirstHandler, nmi_cpu); }});
  s.AddInterrupt({.name = "pmu", .kind = ContextKind::kNmi, .cpus = rt::AllCpus(cpus),
                  .handler = [&t] {
                    TicketLockLock(t);
                    TicketLockUnlock(t);
                  }});
  return s;
}

// On CPU0 the NMI queues behind "queued", which it interrupts: a deadlock no
// lock holder explains (the queue order closes the cycle). On CPU1 it
// queues behind a waiter that will get its turn.
TEST_F(OraclesTest, QueuedBehindItsOwnCpusWaiterIsMissedAaAndBehindAnotherCpuIsClean) {
  TicketLock t{1, "T"};
  Scenario own = MakeQueueBehind(t, "queued-behind-own-cpu", 3, /*holder_cpu=*/2,
                                 /*raiser_cpu=*/1, /*nmi_cpu=*/0);
  ExecutionResult r = Run(own);
  EXPECT_EQ(r.verdict, Verdict::kMissedAa) << r.message << r.details;
  EXPECT_NE(r.details.find("<NMI>"), std::string::npos) << r.details;
  Scenario other = MakeQueueBehind(t, "queued-behind-other-cpu", 3, 2, 1, /*nmi_cpu=*/1);
  ExecutionResult ok = Run(other);
  EXPECT_TRUE(ok.ok()) << ok.message << ok.details;
}

// The NMI lands on the holder's CPU and queues behind "queued", which waits
// for the holder, which cannot run while the NMI occupies its CPU: the edge
// "runnable task -> what keeps it off its CPU" closes the cycle.
TEST_F(OraclesTest, AnNmiKeepingTheHolderOffItsCpuIsMissedAa) {
  TicketLock t{1, "T"};
  Scenario s = MakeQueueBehind(t, "nmi-over-holders-cpu", 2, /*holder_cpu=*/1,
                               /*raiser_cpu=*/1, /*nmi_cpu=*/1);
  ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kMissedAa) << r.message << r.details;
  EXPECT_NE(r.details.find("task:holder (CPU1): T"), std::string::npos) << r.details;
}

// --- Priority inversion ---

// A sleeping lock; with `pi`, a waiter boosts the owner to its priority.
struct SleepLock {
  LockId id;
  const char* name;
  bool pi;
  int owner = -1;
  int waiter = -1;
};

void SleepLockLock(SleepLock& l) {
  const int me = rt::CurrentTask();
  LockAcquire(l.id, l.name, LockMode::kExclusive, false, kSite);
  rt::Point(Op::kRead, l.id, static_cast<uint64_t>(l.owner + 1), rt::kPointRead);
  if (l.owner >= 0) {
    LockContended(l.id, kSite);
    l.waiter = me;
    if (l.pi) rt::SetEffectivePriority(static_cast<rt::TaskId>(l.owner), rt::EffectivePriority(me));
    while (l.owner >= 0) {
      rt::SetCurrentStateBlocked();
      rt::Schedule();
    }
    l.waiter = -1;
  }
  l.owner = me;
  LockAcquired(l.id, kSite);
  rt::Point(Op::kWrite, l.id, static_cast<uint64_t>(me), rt::kPointWrite);
}

void SleepLockUnlock(SleepLock& l) {
  LockRelease(l.id, kSite);
  const int me = l.owner;
  l.owner = -1;
  rt::Point(Op::kWrite, l.id, 0, rt::kPointWrite);
  if (l.pi) rt::SetEffectivePriority(static_cast<rt::TaskId>(me), rt::NormalPriority(me));
  if (l.waiter >= 0) rt::Wake(static_cast<rt::TaskId>(l.waiter));
}

// low holds L; high (blocked at first) waits for it; medium, woken by low,
// burns 5 ms of CPU time on low's CPU.
Scenario MakeInversion(SleepLock& l) {
  Scenario s(l.pi ? "inversion-pi" : "inversion", 1);
  s.OnReset([&l] { l.owner = l.waiter = -1; });
  s.AddTask({.name = "high", .policy = Policy::kFifo, .rt_priority = 90, .start_ns = 1000,
             .body = [&l] {
               SleepLockLock(l);
               SleepLockUnlock(l);
             }});
  s.AddTask({.name = "medium", .policy = Policy::kFifo, .rt_priority = 50, .start_ns = 2000,
             .body = [] {
               const uint64_t end = rt::Now() + 5'000'000;
               while (rt::Now() < end) rt::Spin();
             }});
  s.AddTask({.name = "low", .policy = Policy::kFifo, .rt_priority = 10, .body = [&l] {
               SleepLockLock(l);
               for (int i = 0; i < 400; ++i) rt::Point(Op::kRead, 9, 0, rt::kPointRead);
               SleepLockUnlock(l);
             }});
  return s;
}

TEST_F(OraclesTest, MediumTaskKeepingAnUnboostedHolderOffItsCpuIsPriorityInversion) {
  SleepLock plain{1, "L", /*pi=*/false};
  Scenario s = MakeInversion(plain);
  ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kPriorityInversion) << r.message;
  EXPECT_NE(r.message.find("task:high (FIFO 90 [prio 9]) has waited"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("held by task:low (FIFO 10 [prio 89]), which task:medium (FIFO 50 [prio 49]) keeps off CPU0"),
            std::string::npos)
      << r.message;
  Gallery("priority-inversion", machine_, s, r);

  SleepLock pi{1, "L", /*pi=*/true};
  Scenario boosted = MakeInversion(pi);
  ExecutionResult ok = Run(boosted);
  EXPECT_TRUE(ok.ok()) << ok.message;
}

// The stall of spec 2.6: "writer" (a throttled task group) holds L;
// ktimers/0 blocks on L in a timer callback; the group's refill is a soft
// timer queued behind that callback on ktimers/0. A real deadlock through
// the throttle; with the hard refill timer (Linux's) it resolves.
Scenario MakeThrottledHolderStall(SleepLock& l, bool hard_refill) {
  Scenario s(hard_refill ? "throttle-hard-refill" : "throttle-stall", 1);
  s.OnReset([&l] { l.owner = l.waiter = -1; });
  const rt::GroupId g = s.AddTaskGroup(
      {.name = "slice", .quota_ns = 20'000, .period_ns = 100'000, .hard_timer = hard_refill});
  s.AddTask({.name = "writer", .body = [&l] {
               SleepLockLock(l);
               while (rt::Now() < 50'000) {
               }
               SleepLockUnlock(l);
             }, .group = g});
  s.AddTimer({.name = "tfd", .first_ns = 30'000, .max_fires = 1, .callback = [&l] {
                SleepLockLock(l);
                SleepLockUnlock(l);
              }});
  return s;
}

TEST_F(OraclesTest, AThrottledHolderWhoseRefillWaitsBehindItsWaiterIsADeadlock) {
  // No PI, as an RT rwlock reader: a boost would lift the throttle.
  SleepLock l{1, "L", /*pi=*/false};
  Scenario stall = MakeThrottledHolderStall(l, false);
  ExecutionResult r = Run(stall);
  EXPECT_EQ(r.verdict, Verdict::kMissedAa) << r.message << r.details;
  EXPECT_NE(r.message.find("task:ktimers/0"), std::string::npos) << r.message;
  EXPECT_NE(r.details.find("task:writer"), std::string::npos) << r.details;
  Scenario hard = MakeThrottledHolderStall(l, true);
  ExecutionResult ok = Run(hard);
  EXPECT_TRUE(ok.ok()) << ok.message << ok.details;
}

// --- Stalls ---

TEST_F(OraclesTest, NoProgressHungTaskAndIrqRecursionAreStalls) {
  Scenario quiet("no-progress", 1);
  const rt::MarkId mark = quiet.AddMark("work");
  quiet.budgets().progress_ns = 1'000'000;
  int rounds = 0;
  quiet.OnReset([&rounds] { rounds = 0; });
  quiet.AddTask({.name = "t", .body = [&rounds, mark] {
                   rt::Progress(mark);
                   // Never set: spins, reading the clock (a loop with a
                   // deadline), so virtual time goes on and the stall shows.
                   while (rounds < 1) {
                     (void)rt::Now();
                     rt::Spin();
                   }
                 }});
  ExecutionResult r = Run(quiet);
  EXPECT_EQ(r.verdict, Verdict::kStall) << r.message;
  EXPECT_NE(r.message.find("no progress mark for 1."), std::string::npos) << r.message;
  EXPECT_NE(r.details.find("CPU0: task:t"), std::string::npos) << r.details;
  Gallery("stall-no-progress", machine_, quiet, r);

  Scenario busy("progress", 1);
  const rt::MarkId busy_mark = busy.AddMark("work");
  busy.budgets().progress_ns = 1'000'000;
  busy.AddTask({.name = "t", .body = [busy_mark] {
                  for (int i = 0; i < 50; ++i) {
                    rt::Progress(busy_mark);
                    rt::SleepFor(100'000);
                  }
                }});
  EXPECT_TRUE(Run(busy).ok());

  Scenario hung("hung", 2);
  hung.budgets().hung_task_ns = 2'000'000;
  hung.AddTask({.name = "sleeper", .affinity = Cpu(0), .body = [] {
                  rt::SetCurrentStateBlocked();
                  rt::Schedule();
                }});
  hung.AddTask({.name = "late-waker", .affinity = Cpu(1), .body = [] {
                  rt::SleepFor(10'000'000);
                  rt::Wake(0);
                }});
  ExecutionResult h = Run(hung);
  EXPECT_EQ(h.verdict, Verdict::kStall) << h.message;
  EXPECT_NE(h.message.find("hung task: task:sleeper has not run for"), std::string::npos)
      << h.message;
  Gallery("stall-hung-task", machine_, hung, h);
  hung.budgets().hung_task_ns = 20'000'000;
  EXPECT_TRUE(Run(hung).ok());

  Scenario storm("irq-storm", 1);
  storm.AddTask({.name = "t", .body = [] {
                   for (int i = 0; i < 100; ++i) rt::Point(Op::kRead, 1, 0, rt::kPointRead);
                 }});
  storm.AddInterrupt({.name = "pmu", .kind = ContextKind::kNmi,
                      .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 1),
                      .handler = [] { rt::Point(Op::kRead, 2, 0, rt::kPointRead); }});
  const uint8_t period_one[] = {1};
  ExecutionResult st = Run(storm, period_one, sizeof(period_one));
  EXPECT_EQ(st.verdict, Verdict::kStall) << st.message;
  EXPECT_NE(st.message.find("interrupt recursion on CPU0"), std::string::npos) << st.message;
  Gallery("stall-irq-recursion", machine_, storm, st);
  EXPECT_TRUE(Run(storm).ok());  // No decision bytes: the NMI is not armed.
}

// A livelock that neither times out nor cycles: two CPUs run an optimistic
// update that retries whenever the shared version moved during it, and
// each step of the update moves it. With both CPUs stepping, as on
// hardware (every slice bounded: HardwareSlices), an update longer than the
// longest slice (64 points) is always interrupted by the other CPU's step,
// so neither ever completes; both keep writing, so neither is "stuck" and
// no lock is held. Only the no-progress check can call it. The same code
// with a short update completes (a slice holds a whole one).
Scenario MakeRetryLivelock(int update_points, uint64_t& version, int& done) {
  Scenario s("retry-livelock", 2);
  const rt::MarkId completed = s.AddMark("update completed");
  // An update of n points completes within the first slice of at least n
  // points its CPU gets; a 1 ms gap is thousands of slices of either CPU.
  s.budgets().progress_ns = 1'000'000;
  s.OnReset([&version, &done] { version = 0, done = 0; });
  for (int cpu = 0; cpu < 2; ++cpu) {
    s.AddTask({.name = "updater" + std::to_string(cpu), .affinity = Cpu(cpu),
               .body = [&version, &done, update_points, completed] {
                 for (;;) {
                   const uint64_t seen = version;
                   rt::Point(Op::kRead, 7, seen, rt::kPointRead);
                   for (int i = 0; i < update_points; ++i) {
                     ++version;  // The update's own step moves the version.
                     rt::Point(Op::kWrite, 7, version, rt::kPointWrite);
                   }
                   const bool clean = version == seen + static_cast<uint64_t>(update_points);
                   rt::Point(Op::kRead, 7, version, rt::kPointRead);
                   if (clean) break;
                 }
                 ++done;
                 rt::Progress(completed);
               }});
  }
  return s;
}

// A random walk whose slices are all bounded (never "until it blocks"): the
// CPUs step in parallel, as hardware does.
class HardwareSlices : public sched::DecisionSource {
 public:
  explicit HardwareSlices(uint64_t seed) : random_(seed) {}
  void BeginExecution(uint64_t index) override { random_.BeginExecution(index); }
  uint64_t Choose(sched::DecisionKind kind, uint64_t bound) override {
    if (kind != sched::DecisionKind::kSliceLength) return random_.Choose(kind, bound);
    return 1 + random_.Choose(kind, bound - 1);
  }

 private:
  sched::RandomSource random_;
};

TEST_F(OraclesTest, ALivelockOfRetriesIsAStallByNoProgress) {
  uint64_t version = 0;
  int done = 0;
  HardwareSlices slices(1);
  Scenario livelock = MakeRetryLivelock(100, version, done);
  for (uint64_t i = 0; i < 20; ++i) {
    const ExecutionResult r = machine_.Run(livelock, slices, i);
    ASSERT_EQ(r.verdict, Verdict::kStall) << i << ": " << r.message;
    EXPECT_NE(r.message.find("no progress mark for 1."), std::string::npos) << r.message;
    EXPECT_EQ(done, 0) << "neither updater completed";
  }
  Scenario fine = MakeRetryLivelock(4, version, done);
  for (uint64_t i = 0; i < 200; ++i) {
    const ExecutionResult r = machine_.Run(fine, slices, i);
    ASSERT_TRUE(r.ok()) << i << ": " << r.message;
    EXPECT_EQ(done, 2);
  }
}

// --- Safety ---

TEST_F(OraclesTest, ANonAtomicTestAndSetIsCaughtAndTheAtomicOneIsClean) {
  struct Racy {
    LockId id = 1;
    int locked = 0;
  };
  Racy l;
  auto racy_lock = [&l] {
    LockAcquire(l.id, "R", LockMode::kExclusive, false, kSite);
    for (;;) {
      const int seen = l.locked;
      rt::Point(Op::kRead, l.id, static_cast<uint64_t>(seen), rt::kPointRead);
      if (seen == 0) break;
      rt::Spin(l.id);
    }
    l.locked = 1;  // Check, then set: not atomic.
    LockAcquired(l.id, kSite);
    rt::Point(Op::kWrite, l.id, 1, rt::kPointWrite);
  };
  auto racy_unlock = [&l] {
    LockRelease(l.id, kSite);
    l.locked = 0;
    rt::Point(Op::kWrite, l.id, 0, rt::kPointWrite);
  };
  Scenario s("racy", 2);
  s.OnReset([&l] { l.locked = 0; });
  for (int c = 0; c < 2; ++c) {
    s.AddTask({.name = "t" + std::to_string(c), .affinity = Cpu(c),
               .body = [&] {
                 for (int round = 0; round < 10; ++round) {
                   racy_lock();
                   rt::Point(Op::kRead, 7, 0, rt::kPointRead);  // The critical section.
                   racy_unlock();
                 }
               }});
  }
  sched::RandomSource random(11);
  int found = 0;
  for (uint64_t i = 0; i < 3000 && found == 0; ++i) {
    ExecutionResult r = machine_.Run(s, random, i);
    if (r.ok()) continue;
    ++found;
    EXPECT_EQ(r.verdict, Verdict::kMutualExclusion) << r.message;
    EXPECT_NE(r.message.find("acquired R (exclusive) while"), std::string::npos) << r.message;
    Gallery("mutual-exclusion", machine_, s, r);
  }
  EXPECT_EQ(found, 1);

  TasLock a{1, "A"};
  Scenario atomic("atomic", 2);
  atomic.OnReset([&a] { a.locked = 0; });
  for (int c = 0; c < 2; ++c) {
    atomic.AddTask({.name = "t" + std::to_string(c), .affinity = Cpu(c), .body = [&a] {
                      for (int round = 0; round < 10; ++round) {
                        TasLockWait(a);
                        rt::Point(Op::kRead, 7, 0, rt::kPointRead);
                        TasUnlock(a);
                      }
                    }});
  }
  for (uint64_t i = 0; i < 500; ++i) {
    ExecutionResult r = machine_.Run(atomic, random, i);
    ASSERT_TRUE(r.ok()) << r.message;
  }
}

TEST_F(OraclesTest, LocksHeldAtExitOrByAReturningInterruptLeak) {
  TasLock a{1, "A"};
  Scenario task("task-leaks", 1);
  task.OnReset([&a] { a.locked = 0; });
  task.AddTask({.name = "t", .body = [&a] { TasLockWait(a); }});
  ExecutionResult r = Run(task);
  EXPECT_EQ(r.verdict, Verdict::kLeakedLock) << r.message;
  EXPECT_EQ(r.message, "task:t still holds at exit A");

  Scenario irq("irq-leaks", 1);
  irq.OnReset([&a] { a.locked = 0; });
  rt::HandlerId h = 0;
  irq.AddTask({.name = "t", .body = [&h] { rt::RaiseInterrupt(h, 0); }});
  h = irq.AddInterrupt({.name = "dev", .kind = ContextKind::kHardirq,
                        .handler = [&a] { TasLockWait(a); }});
  ExecutionResult ri = Run(irq);
  EXPECT_EQ(ri.verdict, Verdict::kLeakedLock) << ri.message;
  EXPECT_EQ(ri.message, "hardirq:dev@0 returned holding A");
  Gallery("leaked-lock", machine_, irq, ri);

  Scenario balanced("balanced", 1);
  balanced.OnReset([&a] { a.locked = 0; });
  balanced.AddTask({.name = "t", .body = [&a] {
                      TasLockWait(a);
                      TasUnlock(a);
                    }});
  EXPECT_TRUE(Run(balanced).ok());
}

TEST_F(OraclesTest, ABrokenInvariantIsAVerdict) {
  Scenario s("invariant", 1);
  int items = 0;
  s.OnReset([&items] { items = 0; });
  s.AddTask({.name = "t", .body = [&items] {
               items = 2;
               rt::Point(Op::kWrite, 1, 2, rt::kPointWrite);
               Invariant(items <= 1, "at most one item", kSite);
             }});
  ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kInvariant);
  EXPECT_EQ(r.message, "invariant broken: at most one item");
  Gallery("invariant", machine_, s, r);
}

// --- Isolation noise ---

TEST_F(OraclesTest, IpisToAnIsolatedCpuAreNoise) {
  auto make = [](bool isolate) {
    Scenario s(isolate ? "isolated" : "shared", 2);
    if (isolate) s.IsolateCpu(1);
    s.AddTask({.name = "sender", .affinity = Cpu(0), .body = [] {
                 for (int i = 0; i < 3; ++i) {
                   rt::QueueInterruptWork(1, rt::WorkVector::kCallFunction, [](void*) {},
                                          nullptr);
                   rt::SleepFor(1000);
                 }
               }});
    return s;
  };
  Scenario isolated = make(true);
  ExecutionResult r = Run(isolated);
  EXPECT_EQ(r.verdict, Verdict::kIsolationNoise) << r.message;
  // Seen at the first look after the raise: the IPI is noise before it lands.
  EXPECT_NE(r.message.find("isolated CPU1 was disturbed: "), std::string::npos) << r.message;
  EXPECT_NE(r.message.find(" 1 IPIs (budget 0)"), std::string::npos) << r.message;
  Gallery("isolation-noise", machine_, isolated, r);
  Scenario shared = make(false);
  EXPECT_TRUE(Run(shared).ok());
  isolated.budgets().isolated_interrupts = 3;
  isolated.budgets().isolated_ipis = 3;
  isolated.budgets().isolated_stolen_ns = 1'000'000;
  EXPECT_TRUE(Run(isolated).ok());
}

// --- No oracle without Oracles; no stale state across executions ---

TEST(OraclesAbsentTest, LockEventsWithoutOraclesOnlyTrace) {
  TasLock a{1, "A"};
  Scenario s("no-oracles", 1);
  s.OnReset([&a] { a.locked = 0; });
  s.AddTask({.name = "t", .body = [&a] { TasLockWait(a); }});  // Leaks A.
  rt::Machine machine;
  sched::ByteSource none(nullptr, 0);
  ExecutionResult r = machine.Run(s, none);
  EXPECT_TRUE(r.ok());
  bool traced = false;
  for (const rt::TraceRecord& rec : r.last_records) traced |= rec.op == Op::kLockAcquired;
  EXPECT_TRUE(traced);
}

}  // namespace
}  // namespace rtfuzz::check
