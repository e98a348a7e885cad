// framework/src/rt/machine_test.cc
//
// The machine's rules, each on a small scenario written here: interrupt
// nesting and masking, PREEMPT_RT preemption and FIFO order, blocking,
// virtual time and the warp, the virtual PMU, determinism of replay, and how
// failures inside fibers come out. Every test states the order of events it
// expects, so a rule that breaks changes the log and fails the test.

#include "rtfuzz/rt/machine.h"

#include <unistd.h>

#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/demo/demo_scenario.h"
#include "rtfuzz/rt/observer.h"
#include "rtfuzz/rt/preempt_count.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"
#include "rtfuzz/sched/replay_source.h"

namespace rtfuzz::rt {
namespace {

using Log = std::vector<std::string>;

// Runs once with no decisions: no preemption, no overflow interrupt.
ExecutionResult RunQuiet(const Scenario& s, MachineOptions options = {}) {
  Machine machine(options);
  sched::ByteSource none(nullptr, 0);
  return machine.Run(s, none);
}

void Step() { Point(Op::kRead, 0, 0, kPointRead); }

Scenario MakeLogged(const char* name, int cpus, Log& log) {
  Scenario s(name, cpus);
  s.OnReset([&log] { log.clear(); });
  return s;
}

// --- Interrupt nesting and masking ---

TEST(InterruptTest, NmiNestsOverHardirqOverTaskAndReturnsInOrder) {
  Log log;
  Scenario s = MakeLogged("nesting", 1, log);
  HandlerId nmi = 0, hardirq = 0;
  uint32_t pc_task = 1, pc_hard = 0, pc_nmi = 0;
  s.AddTask({.name = "t", .body = [&] {
               pc_task = PreemptCount();
               log.push_back("task:raise");
               RaiseInterrupt(hardirq, 0);  // Delivered at this very point.
               log.push_back("task:resumed");
               Step();
             }});
  hardirq = s.AddInterrupt({.name = "h", .kind = ContextKind::kHardirq,
                            .handler = [&] {
                              pc_hard = PreemptCount();
                              log.push_back("hardirq:enter");
                              RaiseInterrupt(nmi, 0);
                              log.push_back("hardirq:after-nmi");
                            }});
  nmi = s.AddInterrupt({.name = "n", .kind = ContextKind::kNmi,
                        .handler = [&] {
                          pc_nmi = PreemptCount();
                          log.push_back("nmi:enter");
                          Step();
                          log.push_back("nmi:exit");
                        }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (Log{"task:raise", "hardirq:enter", "nmi:enter", "nmi:exit",
                      "hardirq:after-nmi", "task:resumed"}));
  EXPECT_TRUE(InTask(pc_task));
  EXPECT_TRUE(InHardirq(pc_hard));
  EXPECT_FALSE(InNmi(pc_hard));
  EXPECT_TRUE(InNmi(pc_nmi));
  EXPECT_TRUE(InHardirq(pc_nmi));  // nmi_enter() adds HARDIRQ_OFFSET too.
  EXPECT_EQ(r.stats.interrupts, 2u);
  EXPECT_EQ(r.stats.max_depth, 2u);
}

TEST(InterruptTest, IrqsDisabledBlocksHardirqButNotNmi) {
  Log log;
  Scenario s = MakeLogged("masking", 1, log);
  HandlerId nmi = 0, hardirq = 0;
  s.AddTask({.name = "t", .body = [&] {
               const unsigned long flags = LocalIrqSave();
               RaiseInterrupt(hardirq, 0);
               RaiseInterrupt(nmi, 0);
               log.push_back("task:irqs-off");
               LocalIrqRestore(flags);
               log.push_back("task:irqs-on");
             }});
  hardirq = s.AddInterrupt({.name = "h", .kind = ContextKind::kHardirq,
                            .handler = [&] { log.push_back("hardirq"); }});
  nmi = s.AddInterrupt({.name = "n", .kind = ContextKind::kNmi,
                        .handler = [&] { log.push_back("nmi"); }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (Log{"nmi", "task:irqs-off", "hardirq", "task:irqs-on"}));
}

TEST(InterruptTest, SoftirqWaitsForBottomHalvesEnabled) {
  Log log;
  Scenario s = MakeLogged("softirq", 1, log);
  HandlerId soft = 0;
  s.AddTask({.name = "t", .body = [&] {
               LocalBhDisable();
               RaiseInterrupt(soft, 0);
               log.push_back("task:bh-off");
               LocalBhEnable();
               log.push_back("task:bh-on");
             }});
  soft = s.AddInterrupt({.name = "s", .kind = ContextKind::kSoftirq,
                         .handler = [&] {
                           log.push_back(InServingSoftirq(PreemptCount()) ? "softirq"
                                                                          : "wrong");
                         }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(log, (Log{"task:bh-off", "softirq", "task:bh-on"}));
}

// The fuzzer places an overflow NMI at any point: with period p and phase f
// (decisions), the first NMI lands after the (p - f)-th counted event.
TEST(InterruptTest, OverflowNmiLandsBetweenTheChosenTwoPoints) {
  for (uint64_t phase = 0; phase < 6; ++phase) {
    Log log;
    Scenario s = MakeLogged("pmu", 1, log);
    s.AddTask({.name = "t", .body = [&] {
                 for (int i = 0; i < 6; ++i) {
                   log.push_back("op" + std::to_string(i));
                   Point(Op::kRmw, 7, static_cast<uint64_t>(i),
                         kPointAtomic | kPointWrite);
                 }
               }});
    s.AddInterrupt({.name = "n", .kind = ContextKind::kNmi,
                    .trigger = Trigger::Overflow(PmuEvent::kAtomics, 6, 6, 1),
                    .handler = [&] { log.push_back("nmi"); }});
    // pmu-period: index 1 of [6, 6] (0 would mean "never"); then the phase.
    sched::ReplaySource source({{sched::DecisionKind::kPmuPeriod, 2, 1},
                                {sched::DecisionKind::kPmuPhase, 6, phase}});
    Machine machine;
    ExecutionResult r = machine.Run(s, source);
    ASSERT_TRUE(r.ok()) << r.message;
    const size_t after = 6 - phase;  // Right after op(after - 1).
    ASSERT_EQ(log.size(), 7u);
    EXPECT_EQ(log[after], "nmi") << "phase " << phase;
    EXPECT_EQ(PmuEventName(PmuEvent::kAtomics), "atomics");
  }
}

TEST(InterruptTest, ExhaustedDecisionsArmNoOverflowInterrupt) {
  Log log;
  Scenario s = MakeLogged("pmu-off", 1, log);
  s.AddTask({.name = "t", .body = [&] {
               for (int i = 0; i < 100; ++i) Step();
             }});
  s.AddInterrupt({.name = "n", .kind = ContextKind::kNmi,
                  .trigger = Trigger::Overflow(PmuEvent::kSteps, 1, 10),
                  .handler = [&] { log.push_back("nmi"); }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(log.empty());
  ASSERT_EQ(r.decisions.size(), 1u);
  EXPECT_EQ(r.decisions[0].kind, sched::DecisionKind::kPmuPeriod);
  EXPECT_EQ(r.decisions[0].value, 0u);
}

TEST(InterruptTest, TimerTriggerFiresPeriodicallyUpToItsLimit) {
  Log log;
  Scenario s = MakeLogged("timer", 1, log);
  s.AddTask({.name = "t", .body = [&] { SleepFor(10'000); }});
  s.AddInterrupt({.name = "tick", .kind = ContextKind::kHardirq,
                  .trigger = Trigger::Timer(1000, 2000, 3),
                  .handler = [&] { log.push_back(std::to_string(Now() / 1000)); }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (Log{"1", "3", "5"}));
  EXPECT_GT(r.stats.idle_ns, 9000u);  // The CPU idled between ticks: no points.
  EXPECT_LT(r.steps, 20u);
}

TEST(InterruptTest, PmuCountsEachEventKind) {
  uint64_t atomics = 0, lock_ops = 0, steps = 0;
  Scenario s("pmu-count", 1);
  s.AddTask({.name = "t", .body = [&] {
               Point(Op::kRmw, 1, 0, kPointAtomic | kPointWrite);
               Point(Op::kLockAcquire, 1, 0, kPointLockOp);
               Point(Op::kRmw, 1, 0, kPointAtomic | kPointLockOp);
               atomics = PmuCount(0, PmuEvent::kAtomics);
               lock_ops = PmuCount(0, PmuEvent::kLockOps);
               steps = PmuCount(0, PmuEvent::kSteps);
             }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(atomics, 2u);
  EXPECT_EQ(lock_ops, 2u);
  EXPECT_EQ(steps, 3u);
}

// --- PREEMPT_RT task rules ---

// A SCHED_FIFO task on CPU 0 that blocks at once and logs `woken` when it
// runs again.
TaskSpec BlocksUntilWoken(const char* name, int rt_priority, Log& log,
                          const char* woken) {
  return {.name = name, .policy = Policy::kFifo, .rt_priority = rt_priority,
          .body = [&log, woken] {
            SetCurrentStateBlocked();
            Schedule();
            log.push_back(woken);
          }};
}

// "high" blocks at once; "low" then wakes it, first with preemption disabled.
Scenario MakeWakeup(Log& log, bool preempt_off) {
  Scenario s = MakeLogged("wakeup", 1, log);
  s.AddTask(BlocksUntilWoken("high", 50, log, "high:runs"));
  s.AddTask({.name = "low", .policy = Policy::kFifo, .rt_priority = 10,
             .body = [&log, preempt_off] {
               if (preempt_off) PreemptDisable();
               Wake(0);
               log.push_back("low:after-wake");
               Step();
               log.push_back("low:next-point");
               if (preempt_off) PreemptEnable();
               log.push_back("low:end");
             }});
  return s;
}

TEST(PreemptionTest, HigherPriorityWakeupPreemptsAtTheNextPoint) {
  Log log;
  Scenario s = MakeWakeup(log, /*preempt_off=*/false);
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(log, (Log{"high:runs", "low:after-wake", "low:next-point", "low:end"}));
}

TEST(PreemptionTest, WakeupDoesNotPreemptInsidePreemptDisable) {
  Log log;
  Scenario s = MakeWakeup(log, /*preempt_off=*/true);
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(log, (Log{"low:after-wake", "low:next-point", "high:runs", "low:end"}));
}

TEST(PreemptionTest, WakeupDoesNotPreemptWithIrqsDisabled) {
  Log log;
  Scenario s = MakeLogged("irqs-off-wake", 1, log);
  s.AddTask(BlocksUntilWoken("high", 50, log, "high:runs"));
  s.AddTask({.name = "low", .policy = Policy::kFifo, .rt_priority = 10,
             .body = [&log] {
               LocalIrqDisable();
               Wake(0);
               log.push_back("low:irqs-off");
               LocalIrqEnable();
               log.push_back("low:end");
             }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(log, (Log{"low:irqs-off", "high:runs", "low:end"}));
}

TEST(PreemptionTest, FifoAmongEqualsAndYieldGoesToTheTail) {
  Log log;
  Scenario s = MakeLogged("fifo", 1, log);
  for (const char* name : {"a", "b", "c"}) {
    s.AddTask({.name = name, .policy = Policy::kFifo, .rt_priority = 20,
               .body = [&log, name] {
                 log.push_back(std::string(name) + "1");
                 Yield();
                 log.push_back(std::string(name) + "2");
               }});
  }
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(log, (Log{"a1", "b1", "c1", "a2", "b2", "c2"}));
}

TEST(PreemptionTest, PreemptedTaskKeepsItsPlaceAheadOfEquals) {
  Log log;
  Scenario s = MakeLogged("head", 1, log);
  s.AddTask({.name = "a", .policy = Policy::kFifo, .rt_priority = 20,
             .body = [&log] {
               log.push_back("a1");
               Wake(2);  // "high" preempts here.
               log.push_back("a2");
             }});
  s.AddTask({.name = "b", .policy = Policy::kFifo, .rt_priority = 20,
             .body = [&log] { log.push_back("b"); }});
  s.AddTask(BlocksUntilWoken("high", 60, log, "high"));
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(log, (Log{"a1", "high", "a2", "b"}));
}

TEST(PreemptionTest, BlockingSwitchesToTheNextRunnableTask) {
  Log log;
  Scenario s = MakeLogged("block", 1, log);
  s.AddTask({.name = "first", .policy = Policy::kFifo, .rt_priority = 30,
             .body = [&log] {
               log.push_back("first:blocks");
               SetCurrentStateBlocked();
               Schedule();
               log.push_back("first:woken");
             }});
  s.AddTask({.name = "second", .policy = Policy::kFifo, .rt_priority = 20,
             .body = [&log] {
               log.push_back("second:runs");
               Wake(0);
               log.push_back("second:end");
             }});
  s.AddTask({.name = "other", .body = [&log] { log.push_back("other:runs"); }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (Log{"first:blocks", "second:runs", "first:woken", "second:end",
                      "other:runs"}));
}

TEST(PreemptionTest, WakeBeforeScheduleIsNotLost) {
  Log log;
  Scenario s = MakeLogged("no-lost-wakeup", 2, log);
  s.AddTask({.name = "waiter", .affinity = Cpu(0), .body = [&log] {
               SetCurrentStateBlocked();
               Step();  // The waker on CPU 1 runs here (slice decision).
               Schedule();
               log.push_back("waiter:done");
             }});
  s.AddTask({.name = "waker", .affinity = Cpu(1), .body = [&log] {
               Wake(0);
               log.push_back("waker:done");
             }});
  // Initial slice 2 points; then switch to CPU 1 with an unbounded slice.
  sched::ReplaySource source({{sched::DecisionKind::kSliceLength, 65, 2}});
  Machine machine;
  ExecutionResult r = machine.Run(s, source);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (Log{"waker:done", "waiter:done"}));
}

TEST(PreemptionTest, BoostedTaskPreemptsAsItsBoostedPriority) {
  Log log;
  Scenario s = MakeLogged("boost", 1, log);
  s.AddTask({.name = "holder", .policy = Policy::kFifo, .rt_priority = 10,
             .body = [&log] {
               log.push_back("holder:1");
               SetEffectivePriority(0, 99 - 70);  // Boosted above "medium".
               Wake(1);
               log.push_back("holder:boosted-keeps-cpu");
               SetEffectivePriority(0, NormalPriority(0));  // De-boost: preempted.
               log.push_back("holder:after-deboost");
             }});
  s.AddTask(BlocksUntilWoken("medium", 50, log, "medium"));
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(log, (Log{"holder:1", "holder:boosted-keeps-cpu", "medium",
                      "holder:after-deboost"}));
}

TEST(PreemptionTest, OtherTasksShareACpuInSlices) {
  Log log;
  Scenario s = MakeLogged("other-rr", 1, log);
  for (const char* name : {"a", "b"}) {
    s.AddTask({.name = name, .body = [&log, name] {
                 for (int i = 0; i < 3; ++i) {
                   for (int j = 0; j < 100; ++j) Step();  // 100 points = 1 us.
                   log.push_back(name);
                 }
               }});
  }
  MachineOptions options;
  options.other_timeslice_ns = 1500;
  ASSERT_TRUE(RunQuiet(s, options).ok());
  EXPECT_EQ(log, (Log{"a", "b", "a", "b", "a", "b"}));
}

TEST(PreemptionTest, WakeupPicksAnIdleAllowedCpu) {
  int ran_on = -1;
  Scenario s("placement", 2);
  s.AddTask({.name = "busy", .affinity = Cpu(0), .policy = Policy::kFifo,
             .rt_priority = 50, .body = [] { Wake(1); }});
  s.AddTask({.name = "mobile", .affinity = AllCpus(2), .policy = Policy::kFifo,
             .rt_priority = 10, .start_ns = 5, .body = [&ran_on] {
               ran_on = CurrentCpu();
             }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(ran_on, 1);
}

// --- The seed bugs' shapes are expressible ---

// A high-priority task on CPU 1 spins on a flag held by a low-priority task
// on CPU 0, which a medium-priority task preempts for 2 ms: high waits at
// least as long as medium runs (the shape of unbounded priority inversion).
TEST(ExpressivenessTest, MediumTaskPreemptsTheHolderAHighTaskWaitsFor) {
  int flag = 1;
  uint64_t waited = 0;
  Scenario s("inversion", 2);
  s.OnReset([&] { flag = 1; waited = 0; });
  s.AddTask({.name = "low", .affinity = Cpu(0), .policy = Policy::kFifo,
             .rt_priority = 10, .body = [&] {
               Wake(1);  // medium preempts the holder here
               flag = 0;
               Point(Op::kWrite, 1, 0, kPointWrite);
             }});
  s.AddTask({.name = "medium", .affinity = Cpu(0), .policy = Policy::kFifo,
             .rt_priority = 50, .body = [&] {
               SetCurrentStateBlocked();
               Schedule();
               const uint64_t end = Now() + 2'000'000;
               while (Now() < end) Spin();
             }});
  s.AddTask({.name = "high", .affinity = Cpu(1), .policy = Policy::kFifo,
             .rt_priority = 90, .body = [&] {
               const uint64_t start = Now();
               for (;;) {
                 const int seen = flag;
                 Point(Op::kRead, 1, static_cast<uint64_t>(seen), kPointRead);
                 if (seen == 0) break;
                 Spin();
               }
               waited = Now() - start;
             }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_GE(waited, 2'000'000u);
  EXPECT_LT(r.steps, 2000u);  // Warps, not 200 k points of spinning.
}

// 15 CPUs take one lock from hardirq context, and CPU 0's task from task
// context; the lock keeps mutual exclusion under a random walk.
TEST(ExpressivenessTest, FifteenCpusHammerOneLockFromInterrupts) {
  constexpr int kCpus = 16;
  int locked = 0, inside = 0, entries = 0, overlaps = 0;
  Scenario s("hammer", kCpus);
  s.OnReset([&] { locked = inside = entries = overlaps = 0; });
  auto critical = [&] {
    for (;;) {
      const bool won = locked == 0;
      if (won) locked = 1;
      Point(Op::kRmw, 1, 1, kPointAtomic | (won ? kPointWrite : 0u));
      if (won) break;
      Spin(1);
    }
    overlaps += inside++ != 0;
    Step();
    --inside;
    ++entries;
    locked = 0;
    Point(Op::kWrite, 1, 0, kPointWrite);
  };
  s.AddTask({.name = "t", .affinity = Cpu(0), .body = [&] {
               for (int i = 0; i < 3; ++i) critical();
               SleepFor(100'000);
             }});
  s.AddInterrupt({.name = "dev", .kind = ContextKind::kHardirq,
                  .cpus = AllCpus(kCpus) & ~Cpu(0),
                  .trigger = Trigger::Timer(1000, 0, 1), .handler = critical});
  Machine machine;
  sched::RandomSource source(99);
  std::set<uint64_t> hashes;
  for (uint64_t i = 0; i < 50; ++i) {
    ExecutionResult r = machine.Run(s, source, i);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(entries, 3 + (kCpus - 1));
    EXPECT_EQ(overlaps, 0);
    EXPECT_EQ(r.stats.interrupts, static_cast<uint64_t>(kCpus - 1));
    hashes.insert(r.trace_hash);
  }
  EXPECT_GT(hashes.size(), 25u);  // The walk really explores interleavings.
}

// --- Time ---

struct SpinWait {
  int cpus;
  uint64_t steps;
  uint64_t waited;
};

// Every CPU spins on a flag nobody sets, each with a 250 ms timeout.
SpinWait RunSpinTimeout(int cpus) {
  uint64_t waited = 0;
  int flag = 0;
  Scenario s("spin-timeout", cpus);
  for (int c = 0; c < cpus; ++c) {
    s.AddTask({.name = "spinner" + std::to_string(c), .affinity = Cpu(c),
               .body = [&waited, &flag] {
                 const uint64_t start = Now();
                 const uint64_t deadline = start + 250'000'000;
                 for (;;) {
                   Point(Op::kRead, 1, static_cast<uint64_t>(flag), kPointRead);
                   if (flag) break;
                   Spin(1);
                   if (Now() > deadline) break;
                 }
                 waited = Now() - start;
               }});
  }
  ExecutionResult r = RunQuiet(s);
  EXPECT_TRUE(r.ok()) << r.message;
  return {cpus, r.steps, waited};
}

TEST(TimeWarpTest, A250MsSpinTimeoutCostsAtMost1000Points) {
  for (int cpus : {1, 2, 3}) {
    const SpinWait w = RunSpinTimeout(cpus);
    EXPECT_LE(w.steps, 1000u) << cpus << " CPUs";
    EXPECT_GE(w.waited, 250'000'000u);
    EXPECT_LE(w.waited, 250'000'000u * 9 / 8 + 1000);  // Overshoot <= 1/8.
  }
}

TEST(TimeWarpTest, SleepAdvancesVirtualTimeWithoutPoints) {
  uint64_t before = 0, after = 0;
  Scenario s("sleep", 1);
  s.AddTask({.name = "t", .body = [&] {
               before = Now();
               SleepFor(5'000'000);
               after = Now();
             }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(after - before, 5'000'000u);
  EXPECT_LT(r.steps, 10u);
}

// --- Determinism ---

TEST(DeterminismTest, ReplayingRecordedDecisionsReproducesTheTraceHash) {
  auto demo = MakeDemoScenario("demo");
  Machine machine;
  sched::RandomSource random(2024);
  std::set<uint64_t> hashes;
  for (uint64_t i = 0; i < 300; ++i) {
    ExecutionResult recorded = machine.Run(*demo, random, i);
    ASSERT_TRUE(recorded.ok()) << recorded.message;
    hashes.insert(recorded.trace_hash);
    sched::ReplaySource replay(recorded.decisions);
    ExecutionResult replayed = machine.Run(*demo, replay, i);
    EXPECT_FALSE(replay.first_divergence().has_value());
    EXPECT_EQ(replayed.trace_hash, recorded.trace_hash);
    EXPECT_EQ(replayed.steps, recorded.steps);
    EXPECT_EQ(replayed.decisions, recorded.decisions);
  }
  // The hash is a real fingerprint: different schedules, different hashes.
  EXPECT_GT(hashes.size(), 100u);
}

TEST(DeterminismTest, FreshMachineSameBytesSameTrace) {
  auto demo = MakeDemoScenario("demo-aa");
  const uint8_t bytes[] = {3, 0, 7, 1, 2, 30, 5, 9, 1, 40, 2};
  uint64_t hash = 0;
  for (int i = 0; i < 3; ++i) {
    Machine machine;
    sched::ByteSource source(bytes, sizeof(bytes));
    ExecutionResult r = machine.Run(*demo, source);
    if (i == 0) hash = r.trace_hash;
    EXPECT_EQ(r.trace_hash, hash);
  }
}

TEST(DeterminismTest, FullTraceHashesToTheResultHash) {
  auto demo = MakeDemoScenario("demo");
  MachineOptions options;
  options.record_full_trace = true;
  Machine machine(options);
  sched::RandomSource random(5);
  ExecutionResult r = machine.Run(*demo, random, 3);
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const TraceRecord& rec : machine.full_trace()) hash = HashTraceRecord(hash, rec);
  EXPECT_EQ(hash, r.trace_hash);
  ASSERT_FALSE(r.last_records.empty());
  EXPECT_EQ(r.last_records.back().step, machine.full_trace().back().step);
}

// --- Failures inside fibers ---

TEST(FailureTest, ExceptionInATaskIsAVerdictWithTheScenario) {
  Scenario s("throwing", 2);
  std::string cleaned;
  struct Guard {
    std::string* out;
    ~Guard() { *out = "unwound"; }
  };
  s.OnReset([&] { cleaned.clear(); });
  s.AddTask({.name = "victim", .policy = Policy::kFifo, .rt_priority = 50,
             .body = [&] {
               Guard g{&cleaned};
               SetCurrentStateBlocked();
               Schedule();  // Never woken: unwound at teardown.
             }});
  s.AddTask({.name = "thrower", .body = [] {
               Step();
               throw std::runtime_error("boom");
             }});
  Machine machine;
  sched::ByteSource none(nullptr, 0);
  ExecutionResult r = machine.Run(s, none);
  EXPECT_EQ(r.verdict, Verdict::kException);
  EXPECT_NE(r.message.find("boom"), std::string::npos);
  EXPECT_NE(r.message.find("task:thrower"), std::string::npos);
  EXPECT_EQ(r.context, "task:thrower");
  EXPECT_EQ(cleaned, "unwound");  // The blocked task's stack was unwound.
  // The machine is intact: the next execution runs normally.
  auto demo = MakeDemoScenario("demo");
  EXPECT_TRUE(machine.Run(*demo, none).ok());
}

// After a verdict the machine unwinds unfinished bodies; their destructors
// may call the machine (an RAII guard re-enabling preemption, waking a
// waiter, reading the clock): nothing happens and nothing is traced.
TEST(FailureTest, DestructorsThatCallTheMachineDuringUnwindingAreHarmless) {
  struct Guard {
    int* cpu_seen;
    ~Guard() {
      *cpu_seen = CurrentCpu();
      (void)Now();
      Wake(1);
      PreemptEnable();
      Point(Op::kWrite, 1, 0, kPointWrite);
    }
  };
  int cpu_seen = -1;
  Scenario s("unwinding", 2);
  s.AddTask({.name = "guarded", .affinity = Cpu(1), .policy = Policy::kFifo,
             .rt_priority = 50, .body = [&cpu_seen] {
               PreemptDisable();
               Guard g{&cpu_seen};
               for (;;) Spin();  // Never returns: unwound after the verdict.
             }});
  s.AddTask({.name = "sleeper", .affinity = Cpu(0), .body = [] {
               SetCurrentStateBlocked();
               Schedule();
             }});
  s.AddTask({.name = "failer", .affinity = Cpu(0), .start_ns = 1000, .body = [] {
               Fail("stop here");
             }});
  Machine machine;
  sched::ByteSource none(nullptr, 0);
  ExecutionResult r = machine.Run(s, none);
  EXPECT_EQ(r.verdict, Verdict::kFailure);
  EXPECT_EQ(r.message, "stop here");
  EXPECT_EQ(cpu_seen, 1);  // The destructor ran, as the unwinding context.
  // Nothing after the verdict reached the trace: no wake, no write #1.
  for (const TraceRecord& rec : r.last_records) {
    EXPECT_FALSE(rec.op == Op::kWake && rec.object == 1);
    EXPECT_FALSE(rec.op == Op::kWrite && rec.object == 1);
  }
  EXPECT_TRUE(machine.Run(s, none).verdict == Verdict::kFailure);
}

TEST(FailureTest, FailFromAnNmiStopsTheExecution) {
  Scenario s("bug-on", 1);
  int after = 0;
  HandlerId nmi = 0;
  s.OnReset([&] { after = 0; });
  s.AddTask({.name = "t", .body = [&] {
               RaiseInterrupt(nmi, 0);
               ++after;
             }});
  nmi = s.AddInterrupt({.name = "n", .kind = ContextKind::kNmi,
                        .handler = [] { Fail("BUG_ON in NMI"); }});
  ExecutionResult r = RunQuiet(s);
  EXPECT_EQ(r.verdict, Verdict::kFailure);
  EXPECT_EQ(r.message, "BUG_ON in NMI");
  EXPECT_EQ(r.context, "nmi:n@0");
  EXPECT_EQ(after, 0);
}

void RunAbortingScenario() {
  Scenario s("aborting", 1);
  s.AddTask({.name = "t", .body = [] {
               Step();
               std::abort();
             }});
  Machine machine;
  sched::ByteSource none(nullptr, 0);
  machine.Run(s, none);
}

TEST(FailureDeathTest, AbortInsideAFiberIsReportedWithTheScenario) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(RunAbortingScenario(),
               "crash \\(signal 6.*\n.*scenario 'aborting'.*step 1.*CPU 0, "
               "context 'task:t'");
}

// Recursion far deeper than any fiber stack (the limit is read at run time,
// so the compiler keeps it): each frame keeps 512 bytes live across the call.
volatile int g_deep_limit = 1 << 30;
int Deep(int n) {
  if (n == g_deep_limit) return 0;
  volatile char frame[512];
  frame[0] = static_cast<char>(n);
  frame[511] = static_cast<char>(n);
  return Deep(n + 1) + frame[0] + frame[511];
}

void WriteTestReproduce(int fd) {
  const char line[] = "reproduce: the front door's line\n";
  (void)!::write(fd, line, sizeof(line) - 1);
}

// A task or an interrupt handler that overflows its fiber stack: the guard
// page faults, and the report names the stack overflow, the context and
// its CPU, where the machine was, and the front door's reproduce line.
void RunOverflowingScenario(bool in_nmi) {
  Scenario s("overflow", 2);
  s.AddTask({.name = "idle", .affinity = Cpu(0), .body = [] { Step(); }});
  s.AddTask({.name = "deep", .affinity = Cpu(1), .body = [in_nmi] {
               Step();
               if (in_nmi) {
                 RaiseInterrupt(0, 1);
                 Step();
               } else {
                 (void)Deep(0);
               }
             }});
  s.AddInterrupt({.name = "perf", .kind = ContextKind::kNmi, .cpus = Cpu(1),
                  .handler = [] { (void)Deep(0); }});
  SetCrashReproduceHook(&WriteTestReproduce);
  Machine machine;
  sched::ByteSource none(nullptr, 0);
  machine.Run(s, none);
}

TEST(FailureDeathTest, AStackOverflowInATaskNamesTheTaskAndItsCpu) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(RunOverflowingScenario(false),
               "ERROR: rtfuzz: stack overflow in task:deep on CPU1 \\(its fiber stack is "
               "[0-9]+ KiB.*\n.*scenario 'overflow'.*CPU 1, context 'task:deep'"
               "(.|\n)*reproduce: the front door's line");
}

TEST(FailureDeathTest, AStackOverflowInAnNmiHandlerNamesTheNmi) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(RunOverflowingScenario(true),
               "ERROR: rtfuzz: stack overflow in nmi:perf@1 on CPU1 (.|\n)*"
               "context 'nmi:perf@1'(.|\n)*reproduce: the front door's line");
}

TEST(FailureTest, SleepingInAtomicContextIsAVerdict) {
  Scenario s("sleep-in-atomic", 1);
  s.AddTask({.name = "t", .body = [] {
               PreemptDisable();
               SetCurrentStateBlocked();
               Schedule();
             }});
  ExecutionResult r = RunQuiet(s);
  EXPECT_EQ(r.verdict, Verdict::kSleepInAtomic);
  EXPECT_NE(r.message.find("preempt_count=0x1"), std::string::npos) << r.message;

  Scenario irq("sleep-in-irq", 1);
  HandlerId h = 0;
  irq.AddTask({.name = "t", .body = [&h] { RaiseInterrupt(h, 0); }});
  h = irq.AddInterrupt({.name = "h", .kind = ContextKind::kHardirq,
                        .handler = [] { SleepFor(10); }});
  EXPECT_EQ(RunQuiet(irq).verdict, Verdict::kSleepInAtomic);
}

TEST(FailureTest, UnbalancedContextsAreVerdicts) {
  Scenario task("task-leaks-preempt", 1);
  task.AddTask({.name = "t", .body = [] { PreemptDisable(); }});
  EXPECT_EQ(RunQuiet(task).verdict, Verdict::kContextImbalance);

  Scenario irq("irq-enables-irqs", 1);
  HandlerId h = 0;
  irq.AddTask({.name = "t", .body = [&h] { RaiseInterrupt(h, 0); }});
  h = irq.AddInterrupt({.name = "h", .kind = ContextKind::kHardirq,
                        .handler = [] { LocalIrqEnable(); }});
  ExecutionResult r = RunQuiet(irq);
  EXPECT_EQ(r.verdict, Verdict::kContextImbalance);
  EXPECT_NE(r.message.find("hardirq:h@0"), std::string::npos);

  // The balanced counterparts pass.
  Scenario ok("balanced", 1);
  HandlerId h2 = 0;
  ok.AddTask({.name = "t", .body = [&h2] {
                PreemptDisable();
                RaiseInterrupt(h2, 0);
                PreemptEnable();
              }});
  h2 = ok.AddInterrupt({.name = "h", .kind = ContextKind::kHardirq,
                        .handler = [] {
                          LocalIrqEnable();
                          LocalIrqDisable();
                        }});
  EXPECT_TRUE(RunQuiet(ok).ok());
}

TEST(FailureTest, NothingRunnableIsAHangAndALoopIsAStepBudget) {
  Scenario hang("hang", 1);
  hang.AddTask({.name = "t", .body = [] {
                  SetCurrentStateBlocked();
                  Schedule();
                }});
  ExecutionResult r = RunQuiet(hang);
  EXPECT_EQ(r.verdict, Verdict::kHang);
  EXPECT_NE(r.message.find("task:t"), std::string::npos);

  Scenario loop("loop", 1);
  loop.AddTask({.name = "t", .body = [] {
                  for (;;) Point(Op::kWrite, 1, 0, kPointWrite);
                }});
  MachineOptions options;
  options.max_steps = 5000;
  ExecutionResult l = RunQuiet(loop, options);
  EXPECT_EQ(l.verdict, Verdict::kStepBudget);
  EXPECT_EQ(l.steps, 5000u);
  EXPECT_NE(l.message.find("task:t never called cpu_relax()"), std::string::npos) << l.message;
  EXPECT_EQ(l.signature, "step-budget|loop|task:t:no-cpu-relax");

  // Relaxes, but reads a value it changes itself every time: a livelock.
  static uint64_t counter;
  Scenario live("livelock", 1);
  live.OnReset([] { counter = 0; });
  live.AddTask({.name = "t", .body = [] {
                  for (;;) {
                    ++counter;  // WRITE_ONCE(counter, counter + 1), READ_ONCE(counter).
                    Point(Op::kWrite, 0, counter, kPointWrite | PointWordSize(8), &counter, counter);
                    Point(Op::kRead, 0, counter, kPointRead | PointWordSize(8), &counter, counter);
                    Spin();
                  }
                }});
  ExecutionResult lv = RunQuiet(live, options);
  EXPECT_EQ(lv.verdict, Verdict::kStepBudget);
  EXPECT_NE(lv.message.find("task:t calls cpu_relax() (last at step"), std::string::npos)
      << lv.message;
  EXPECT_NE(lv.message.find("a livelock"), std::string::npos) << lv.message;
}

TEST(FailureTest, EndChecksRunAfterEveryTaskExits) {
  int value = 0;
  Scenario s("end-check", 1);
  s.OnReset([&] { value = 0; });
  s.AddTask({.name = "t", .body = [&] { value = 1; }});
  s.AddEndCheck("value is two", [&] { return value == 2; });
  ExecutionResult r = RunQuiet(s);
  EXPECT_EQ(r.verdict, Verdict::kEndCheckFailed);
  EXPECT_NE(r.message.find("value is two"), std::string::npos);
}

TEST(MachineReuseTest, AScenarioChangedBetweenRunsIsRebuilt) {
  Log log;
  Scenario s = MakeLogged("grows", 2, log);
  HandlerId first = 0;
  s.AddTask({.name = "t", .body = [&] { RaiseInterrupt(first, 0); }});
  first = s.AddInterrupt({.name = "h", .kind = ContextKind::kHardirq,
                          .cpus = AllCpus(2),
                          .handler = [&] { log.push_back("hardirq"); }});
  Machine machine;
  sched::ByteSource none(nullptr, 0);
  ASSERT_TRUE(machine.Run(s, none).ok());
  EXPECT_EQ(log, (Log{"hardirq"}));
  // Adding a handler after a run reallocates the scenario's handler list; the
  // machine must not keep pointers into the old one.
  HandlerId second = s.AddInterrupt({.name = "n", .kind = ContextKind::kNmi,
                                     .handler = [&] { log.push_back("nmi"); }});
  s.AddTask({.name = "u", .body = [&] { RaiseInterrupt(second, 0); }});
  ExecutionResult r = machine.Run(s, none);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (Log{"hardirq", "nmi"}));
}

TEST(FailureTest, ScenarioCodeThatThrowsOnTheRunnerIsAVerdict) {
  Scenario check("throwing-check", 1);
  check.AddTask({.name = "t", .body = [] { Step(); }});
  check.AddEndCheck("explodes", []() -> bool { throw std::logic_error("bad check"); });
  ExecutionResult r = RunQuiet(check);
  EXPECT_EQ(r.verdict, Verdict::kException);
  EXPECT_EQ(r.message, "end check 'explodes' threw: bad check");

  Scenario reset("throwing-reset", 1);
  reset.AddTask({.name = "t", .body = [] { Step(); }});
  reset.OnReset([] { throw std::runtime_error("no state"); });
  Machine machine;
  sched::ByteSource none(nullptr, 0);
  ExecutionResult first = machine.Run(reset, none);
  EXPECT_EQ(first.verdict, Verdict::kException);
  EXPECT_EQ(first.message, "the scenario's OnReset threw: no state");
  EXPECT_EQ(first.steps, 0u);
  // The machine is not left half-running.
  EXPECT_TRUE(machine.Run(check, none).verdict == Verdict::kException);
}

// --- Work vectors (IPIs, irq_work) and observers ---

TEST(WorkVectorTest, CrossCpuWorkRunsInHardirqOnTheTargetAndCountsAnIpi) {
  struct Seen {
    int cpu = -1;
    bool hardirq = false;
  };
  static Seen seen[2];
  Scenario s("ipi", 2);
  s.OnReset([] { seen[0] = seen[1] = Seen{}; });
  s.IsolateCpu(1);
  s.AddTask({.name = "sender", .affinity = Cpu(0), .body = [&] {
               auto record = [](void* slot) {
                 Seen& out = *static_cast<Seen*>(slot);
                 out.cpu = CurrentCpu();
                 out.hardirq = InHardirq(PreemptCount());
               };
               QueueInterruptWork(1, WorkVector::kCallFunction, record, &seen[1]);
               QueueInterruptWork(0, WorkVector::kIrqWork, record, &seen[0]);
               SleepFor(1000);  // CPU 1 runs its IPI meanwhile.
             }});
  s.AddTask({.name = "idle1", .affinity = Cpu(1), .start_ns = 500'000,
             .body = [] { Step(); }});
  class NoiseProbe : public Observer {
   public:
    void OnExecutionEnd(const MachineView& view) override {
      ipis = view.cpu_noise(1).ipis;
      interrupts0 = view.cpu_noise(0).interrupts;
    }
    uint64_t ipis = 0, interrupts0 = 0;
  } probe;
  Machine machine;
  machine.AddObserver(&probe);
  sched::ByteSource none(nullptr, 0);
  ExecutionResult r = machine.Run(s, none);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(seen[1].cpu, 1);
  EXPECT_TRUE(seen[1].hardirq);
  EXPECT_EQ(seen[0].cpu, 0);  // irq_work: a self-interrupt.
  EXPECT_TRUE(seen[0].hardirq);
  EXPECT_EQ(probe.ipis, 1u);
  EXPECT_EQ(probe.interrupts0, 1u);
  EXPECT_TRUE(s.preempt_rt());
}

TEST(ObserverTest, TicksFollowVirtualTimeAndAVerdictFromATickStopsTheRun) {
  Scenario s("ticks", 1);
  s.AddTask({.name = "t", .body = [] { SleepFor(100'000); }});
  class Counter : public Observer {
   public:
    void OnTick(const MachineView& view) override {
      ++ticks;
      last = view.now();
    }
    int ticks = 0;
    uint64_t last = 0;
  } counter;
  MachineOptions options;
  options.observer_tick_ns = 10'000;
  Machine machine(options);
  machine.AddObserver(&counter);
  sched::ByteSource none(nullptr, 0);
  ASSERT_TRUE(machine.Run(s, none).ok());
  // A sleeping machine has no points: ticks come at slow paths and warps, so
  // only a few here, never one per 10 us of idle time.
  EXPECT_GE(counter.ticks, 1);

  Scenario spin("spin", 1);
  spin.AddTask({.name = "t", .body = [] {
                  for (;;) {
                    (void)Now();  // A clock reader: time can matter to it.
                    Spin();
                  }
                }});
  class Deadline : public Observer {
   public:
    void OnTick(const MachineView& view) override {
      if (view.now() > 3'000'000) view.Report(Verdict::kStall, "spun past 3 ms");
    }
  } deadline;
  Machine machine2(options);
  machine2.AddObserver(&deadline);
  ExecutionResult r = machine2.Run(spin, none);
  EXPECT_EQ(r.verdict, Verdict::kStall);
  EXPECT_EQ(r.message, "spun past 3 ms");
  EXPECT_LT(r.time_ns, 4'000'000u);  // Warps end with a tick.
  EXPECT_LT(r.steps, 400u);
}

TEST(ObserverTest, AVerdictOnHangReplacesHangAndExecutionSerialsIncrease) {
  Scenario s("blocked", 1);
  uint64_t serials[2] = {};
  int run = 0;
  s.OnReset([&] { ++run; });
  s.AddTask({.name = "t", .body = [&] {
               serials[run - 1] = ExecutionSerial();
               SetCurrentStateBlocked();
               Schedule();
             }});
  class Namer : public Observer {
   public:
    void OnHang(const MachineView& view) override {
      EXPECT_EQ(view.task_state(0), TaskState::kBlocked);
      view.Report(Verdict::kMissedAbba, "named by the oracle");
    }
  } namer;
  Machine machine;
  machine.AddObserver(&namer);
  sched::ByteSource none(nullptr, 0);
  EXPECT_EQ(machine.Run(s, none).verdict, Verdict::kMissedAbba);
  EXPECT_EQ(machine.Run(s, none).message, "named by the oracle");
  EXPECT_GT(serials[1], serials[0]);
}

// --- The demo ---

TEST(DemoTest, CorrectDemoPassesAndSpinningNmiIsFound) {
  Machine machine;
  auto demo = MakeDemoScenario("demo");
  auto aa = MakeDemoScenario("demo-aa");
  ASSERT_NE(demo, nullptr);
  ASSERT_NE(aa, nullptr);
  EXPECT_EQ(MakeDemoScenario("no-such-demo"), nullptr);
  sched::RandomSource random(1);
  int found = 0;
  for (uint64_t i = 0; i < 500; ++i) {
    ExecutionResult ok = machine.Run(*demo, random, i);
    ASSERT_TRUE(ok.ok()) << ok.message;
    ExecutionResult bad = machine.Run(*aa, random, i);
    if (!bad.ok()) {
      ++found;
      EXPECT_EQ(bad.verdict, Verdict::kFailure);
      // The NMI times out, or "high" on CPU 1, which waits behind it.
      EXPECT_TRUE(bad.context == "nmi:pmu@0" || bad.context == "task:high")
          << bad.context;
      EXPECT_GE(bad.time_ns, 250'000'000u);
      EXPECT_LE(bad.steps, 2000u);
    }
  }
  EXPECT_GT(found, 0);
}

}  // namespace
}  // namespace rtfuzz::rt
