// framework/src/rt/kthreads_test.cc
//
// The machine features for kernel mechanisms that involve the scheduler:
// CPU bandwidth control of task groups (throttling and refill), soft timers
// in ktimers/N on PREEMPT_RT, threaded interrupts in irq/N-name, and
// reschedule IPIs counted per target CPU. Each test states the times and
// contexts it expects.

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/observer.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"
#include "rtfuzz/sched/replay_source.h"

namespace rtfuzz::rt {
namespace {

ExecutionResult RunQuiet(const Scenario& s, Machine& machine) {
  sched::ByteSource none(nullptr, 0);
  return machine.Run(s, none);
}

void SpinUntil(uint64_t t) {
  while (Now() < t) {
  }
}

// A sleeping lock made of machine primitives: one owner, one waiter slot.
struct SleepLock {
  bool held = false;
  uint64_t waiters = 0;  // By TaskId.
  void Lock() {
    for (;;) {
      SetCurrentStateBlocked();
      if (!held) {
        SetCurrentStateRunning();
        held = true;
        Point(Op::kWrite, 7, 1, kPointWrite);
        return;
      }
      waiters |= uint64_t{1} << CurrentTask();
      Schedule();
    }
  }
  void Unlock() {
    held = false;
    Point(Op::kWrite, 7, 0, kPointWrite);
    const uint64_t woken = waiters;
    waiters = 0;
    for (int t = 0; t < 64; ++t) {
      if (woken & (uint64_t{1} << t)) Wake(static_cast<TaskId>(t));
    }
  }
};

struct ThrottleRecord {
  uint64_t time;
  uint64_t value;
};

std::vector<ThrottleRecord> ThrottleRecords(const Machine& machine) {
  std::vector<ThrottleRecord> out;
  for (const TraceRecord& r : machine.full_trace()) {
    if (r.op == Op::kThrottle && r.value <= 1) out.push_back({r.time_ns, r.value});
  }
  return out;
}

// --- CPU bandwidth control ---

TEST(BandwidthTest, AGroupIsThrottledAfterItsQuotaAndRefilledAtThePeriod) {
  Scenario s("bandwidth", 1);
  const GroupId g = s.AddTaskGroup({.name = "slice", .quota_ns = 100'000, .period_ns = 200'000});
  s.AddTask({.name = "hog", .body = [] { SpinUntil(450'000); }, .group = g});
  class Probe : public Observer {
   public:
    void OnTick(const MachineView& view) override {
      if (view.task_throttled(0)) {
        ++throttled_ticks;
        EXPECT_NE(view.task_state(0), TaskState::kBlocked);  // Runnable, or running until preemptible.
        EXPECT_EQ(view.group_runtime_left_ns(0), 0u);
      }
      throttles = view.group_throttle_count(0);
    }
    int throttled_ticks = 0;
    uint64_t throttles = 0;
  } probe;
  MachineOptions options;
  options.record_full_trace = true;
  Machine machine(options);
  machine.AddObserver(&probe);
  ExecutionResult r = RunQuiet(s, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  const std::vector<ThrottleRecord> recs = ThrottleRecords(machine);
  ASSERT_EQ(recs.size(), 4u);
  // Runs 100 us per 200 us period: throttled as the quota runs out (at the
  // first point at or past it), refilled by the period timer exactly.
  EXPECT_EQ(recs[0].value, 1u);
  EXPECT_GE(recs[0].time, 100'000u);
  EXPECT_LE(recs[0].time, 100'010u);
  EXPECT_EQ(recs[1].value, 0u);
  EXPECT_EQ(recs[1].time, 200'000u);
  EXPECT_EQ(recs[2].value, 1u);
  EXPECT_GE(recs[2].time, 300'000u);
  EXPECT_LE(recs[2].time, 300'020u);
  EXPECT_EQ(recs[3].value, 0u);
  EXPECT_EQ(recs[3].time, 400'000u);
  EXPECT_GE(r.time_ns, 450'000u);
  EXPECT_LT(r.time_ns, 460'000u);
  EXPECT_EQ(probe.throttles, 2u);
}

TEST(BandwidthTest, OtherTasksRunWhileTheGroupIsThrottledAndTimeWarpsAreCharged) {
  Scenario s("bandwidth-share", 1);
  const GroupId g = s.AddTaskGroup({.name = "slice", .quota_ns = 50'000, .period_ns = 1'000'000});
  std::vector<uint64_t> other_ran;
  s.OnReset([&] { other_ran.clear(); });
  // The hog spins with no news: the time warp skips most of its quota.
  s.AddTask({.name = "hog", .body = [] {
               while (Now() < 60'000) Spin();
             }, .group = g});
  s.AddTask({.name = "other", .start_ns = 1'000, .body = [&] {
               other_ran.push_back(Now());
               SleepFor(10);
               other_ran.push_back(Now());
             }});
  MachineOptions options;
  options.record_full_trace = true;
  Machine machine(options);
  ExecutionResult r = RunQuiet(s, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_GT(r.stats.warps, 0u);
  const std::vector<ThrottleRecord> recs = ThrottleRecords(machine);
  ASSERT_GE(recs.size(), 2u);
  EXPECT_EQ(recs[0].value, 1u);
  EXPECT_GE(recs[0].time, 50'000u);
  EXPECT_LE(recs[0].time, 50'100u);  // The warp stops at the exhaustion.
  // "other" got the CPU only when the hog was throttled (equal SCHED_OTHER
  // prio, 3 ms slices), and the hog finished after the refill at 1 ms.
  ASSERT_EQ(other_ran.size(), 2u);
  EXPECT_GE(other_ran[0], recs[0].time);
  EXPECT_LT(other_ran[1], 1'000'000u);
  EXPECT_GE(r.time_ns, 1'000'000u);
}

// CPU 1 runs a clock task, so observers tick while CPU 0 is idle.
Scenario MakeThrottledHolder(bool grouped, SleepLock& lock, uint64_t& acquired_at) {
  Scenario s(grouped ? "throttled-holder" : "unthrottled-holder", 2);
  s.OnReset([&] {
    lock = SleepLock{};
    acquired_at = 0;
  });
  const GroupId g = s.AddTaskGroup({.name = "slice", .quota_ns = 50'000, .period_ns = 1'000'000});
  s.AddTask({.name = "holder", .body = [&lock] {
               lock.Lock();
               SpinUntil(80'000);
               lock.Unlock();
             }, .group = grouped ? g : kNoGroup});
  s.AddTask({.name = "waiter", .policy = Policy::kFifo, .rt_priority = 10, .start_ns = 20'000,
             .body = [&] {
               lock.Lock();
               acquired_at = Now();
               lock.Unlock();
             }});
  s.AddTask({.name = "clock", .affinity = Cpu(1), .body = [] { SpinUntil(1'100'000); }});
  return s;
}

TEST(BandwidthTest, AThrottledLockHolderMakesAHigherPriorityWaiterWaitForTheRefill) {
  SleepLock lock;
  uint64_t acquired_at = 0;
  class Probe : public Observer {
   public:
    void OnTick(const MachineView& view) override {
      if (view.task_throttled(0) && view.task_state(1) == TaskState::kBlocked) {
        ++seen;
        EXPECT_EQ(view.task_throttle_waiter_of(0), kNoContext);  // A hard refill.
      }
    }
    int seen = 0;
  } probe;
  Machine machine;
  machine.AddObserver(&probe);
  Scenario grouped = MakeThrottledHolder(true, lock, acquired_at);
  ExecutionResult r = RunQuiet(grouped, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_GE(acquired_at, 1'000'000u);  // Held across the throttled period.
  EXPECT_GT(probe.seen, 50);
  Scenario ungrouped = MakeThrottledHolder(false, lock, acquired_at);
  probe.seen = 0;
  r = RunQuiet(ungrouped, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_GE(acquired_at, 80'000u);
  EXPECT_LT(acquired_at, 90'000u);
  EXPECT_EQ(probe.seen, 0);
}

TEST(BandwidthTest, APriorityBoostLiftsTheThrottleAndTimeBoostedIsNotCharged) {
  SleepLock lock;
  uint64_t acquired_at = 0;
  // PI by hand: the waiter boosts the holder before it blocks.
  Scenario pi("throttled-holder-pi", 1);
  pi.OnReset([&] {
    lock = SleepLock{};
    acquired_at = 0;
  });
  const GroupId g = pi.AddTaskGroup({.name = "slice", .quota_ns = 50'000, .period_ns = 1'000'000});
  const TaskId holder = pi.AddTask({.name = "holder", .body = [&lock] {
                                      lock.Lock();
                                      SpinUntil(80'000);
                                      lock.Unlock();
                                      SetEffectivePriority(CurrentTask(), NormalPriority(CurrentTask()));
                                    }, .group = g});
  pi.AddTask({.name = "waiter", .policy = Policy::kFifo, .rt_priority = 10, .start_ns = 60'000,
              .body = [&] {
                SetEffectivePriority(holder, EffectivePriority(CurrentTask()));
                lock.Lock();
                acquired_at = Now();
                lock.Unlock();
              }});
  Machine machine;
  ExecutionResult r = RunQuiet(pi, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  // Throttled at 50 us, boosted at 60 us: it runs at once as an RT task.
  EXPECT_GE(acquired_at, 80'000u);
  EXPECT_LT(acquired_at, 90'000u);
}

// Throttled at any point of the set_current_state() protocol, including
// between set_current_state() and __set_current_state() (preempted while
// "blocked"): the refill puts the task back and it runs on.
TEST(BandwidthTest, AThrottleBetweenSetCurrentStateAndScheduleIsSafe) {
  for (int offset = 0; offset < 3; ++offset) {
    Scenario s("throttle-set-state", 1);
    const GroupId g = s.AddTaskGroup({.name = "slice", .quota_ns = 100'000, .period_ns = 200'000});
    s.AddTask({.name = "t", .body = [offset] {
                 for (int i = 0; i < offset; ++i) Point(Op::kRead, 0, 0, kPointRead);
                 while (Now() < 150'000) {
                   SetCurrentStateBlocked();
                   SetCurrentStateRunning();
                 }
               }, .group = g});
    MachineOptions options;
    options.record_full_trace = true;
    Machine machine(options);
    ExecutionResult r = RunQuiet(s, machine);
    ASSERT_TRUE(r.ok()) << offset << ": " << r.message;
    EXPECT_EQ(ThrottleRecords(machine).size(), 2u) << offset;
    EXPECT_GE(r.time_ns, 200'000u) << offset;  // Now() counts the throttled time.
  }
}

// --- Soft timers: ktimers/N on PREEMPT_RT, softirq otherwise ---

struct TimerSeen {
  ContextKind kind = ContextKind::kNmi;
  std::string context;
  int prio = -1;
  uint64_t done_at = 0;
};

Scenario MakeSoftTimer(bool rt, SleepLock& lock, TimerSeen& seen, Machine& machine) {
  Scenario s(rt ? "soft-timer-rt" : "soft-timer", 1);
  s.SetPreemptRt(rt);
  s.OnReset([&] {
    lock = SleepLock{};
    seen = TimerSeen{};
  });
  s.AddTask({.name = "holder", .body = [&lock] {
               lock.Lock();
               SpinUntil(50'000);
               lock.Unlock();
             }});
  s.AddTimer({.name = "tfd", .first_ns = 10'000, .max_fires = 1, .callback = [&] {
                seen.kind = CurrentContextKind();
                seen.context = machine.ContextName(CurrentContextId());
                if (seen.kind == ContextKind::kTask) {
                  seen.prio = EffectivePriority(CurrentTask());
                  lock.Lock();  // Blocks: the holder has it until 50 us.
                  lock.Unlock();
                }
                seen.done_at = Now();
              }});
  return s;
}

TEST(KtimersTest, ASoftTimerRunsInKtimersOnRtAndMayBlockButInSoftirqWithoutRt) {
  SleepLock lock;
  TimerSeen seen;
  Machine machine;
  Scenario rt = MakeSoftTimer(true, lock, seen, machine);
  ASSERT_EQ(rt.tasks().size(), 2u);  // holder, then ktimers/0.
  EXPECT_EQ(rt.num_scenario_tasks(), 1);
  EXPECT_EQ(rt.tasks()[1].name, "ktimers/0");
  ExecutionResult r = RunQuiet(rt, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(seen.kind, ContextKind::kTask);
  EXPECT_EQ(seen.context, "task:ktimers/0");
  EXPECT_EQ(seen.prio, 98);  // SCHED_FIFO 1.
  EXPECT_GE(seen.done_at, 50'000u);

  Scenario non_rt = MakeSoftTimer(false, lock, seen, machine);
  r = RunQuiet(non_rt, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(seen.kind, ContextKind::kSoftirq);
  EXPECT_EQ(seen.context, "softirq:tfd@0");
  EXPECT_LT(seen.done_at, 11'000u);
}

TEST(KtimersTest, AHardTimerRunsInHardirqEvenOnRt) {
  ContextKind kind = ContextKind::kTask;
  Scenario s("hard-timer", 1);
  s.AddTask({.name = "t", .body = [] { SpinUntil(20'000); }});
  s.AddTimer({.name = "hard", .first_ns = 5'000, .max_fires = 1, .hard = true,
              .callback = [&kind] { kind = CurrentContextKind(); }});
  EXPECT_EQ(s.tasks().size(), 1u);  // No ktimers thread for a hard timer.
  Machine machine;
  ExecutionResult r = RunQuiet(s, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(kind, ContextKind::kHardirq);
}

TEST(KtimersTest, ArmTimerAndCancelTimerStartAndStopATimerAtRunTime) {
  std::vector<uint64_t> fired;
  std::vector<bool> cancelled;
  Scenario s("arm-timer", 1);
  s.OnReset([&] {
    fired.clear();
    cancelled.clear();
  });
  HandlerId tfd = 0;
  s.AddTask({.name = "t", .body = [&] {
               ArmTimer(tfd, 0, 5'000);
               SleepFor(10'000);             // Fires at 5 us.
               ArmTimer(tfd, 0, 20'000);
               ArmTimer(tfd, 0, 30'000);     // Replaces the 20 us expiry.
               SleepFor(25'000);             // Fires at 30 us.
               ArmTimer(tfd, 0, 50'000);
               cancelled.push_back(CancelTimer(tfd, 0));  // Pending: true.
               cancelled.push_back(CancelTimer(tfd, 0));  // None: false.
               SleepFor(40'000);
             }});
  tfd = s.AddTimer({.name = "tfd", .first_ns = Trigger::kNotArmed, .hard = true,
                    .callback = [&fired] { fired.push_back(Now()); }});
  Machine machine;
  ExecutionResult r = RunQuiet(s, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_GE(fired[0], 5'000u);
  EXPECT_LT(fired[0], 5'100u);
  EXPECT_GE(fired[1], 30'000u);
  EXPECT_LT(fired[1], 30'100u);
  EXPECT_EQ(cancelled, (std::vector<bool>{true, false}));
}

// The stall of spec 2.6: a throttled reader holds the lock; ktimers/0 blocks
// in a timer callback on it; the refill is queued behind that callback.
TEST(KtimersTest, ASoftRefillQueuedBehindABlockedTimerCallbackNeverComes) {
  SleepLock lock;
  Scenario s("soft-refill-stall", 1);
  s.OnReset([&] { lock = SleepLock{}; });
  const GroupId g = s.AddTaskGroup({.name = "slice", .quota_ns = 20'000, .period_ns = 100'000,
                                    .hard_timer = false});
  s.AddTask({.name = "writer", .body = [&lock] {
               lock.Lock();
               SpinUntil(50'000);  // Throttled at 20 us, holding the lock.
               lock.Unlock();
             }, .group = g});
  s.AddTimer({.name = "tfd", .first_ns = 30'000, .max_fires = 1, .callback = [&lock] {
                lock.Lock();
                lock.Unlock();
              }});
  class Probe : public Observer {
   public:
    void OnHang(const MachineView& view) override {
      throttled = view.task_throttled(0);
      waiter_of = view.task_throttle_waiter_of(0);
      ktimers = view.scenario().num_scenario_tasks();  // ktimers/0's TaskId.
      ktimers_state = view.task_state(static_cast<TaskId>(ktimers));
      ktimers_idle = view.task_idle(static_cast<TaskId>(ktimers));
    }
    bool throttled = false;
    ContextId waiter_of = kNoContext;
    int ktimers = -1;
    TaskState ktimers_state = TaskState::kExited;
    bool ktimers_idle = true;
  } probe;
  Machine machine;
  machine.AddObserver(&probe);
  ExecutionResult r = RunQuiet(s, machine);
  EXPECT_EQ(r.verdict, Verdict::kHang) << r.message;
  EXPECT_NE(r.message.find("task:writer"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("task:ktimers/0"), std::string::npos) << r.message;
  EXPECT_TRUE(probe.throttled);
  EXPECT_EQ(probe.waiter_of, static_cast<ContextId>(probe.ktimers));
  EXPECT_EQ(probe.ktimers_state, TaskState::kBlocked);
  EXPECT_FALSE(probe.ktimers_idle);

  // The same with the hard refill timer (Linux's): no stall.
  Scenario hard("hard-refill", 1);
  hard.OnReset([&] { lock = SleepLock{}; });
  const GroupId hg = hard.AddTaskGroup({.name = "slice", .quota_ns = 20'000, .period_ns = 100'000});
  hard.AddTask({.name = "writer", .body = [&lock] {
                  lock.Lock();
                  SpinUntil(50'000);
                  lock.Unlock();
                }, .group = hg});
  hard.AddTimer({.name = "tfd", .first_ns = 30'000, .max_fires = 1, .callback = [&lock] {
                   lock.Lock();
                   lock.Unlock();
                 }});
  r = RunQuiet(hard, machine);
  EXPECT_TRUE(r.ok()) << r.message;
}

// --- Threaded interrupts ---

TEST(ThreadedIrqTest, TheHardirqWakesIrqThreadWhichRunsAtFifo50) {
  std::vector<std::string> log;
  Machine machine;
  Scenario s("threaded", 2);
  s.OnReset([&log] { log.clear(); });
  HandlerId dev = 0;
  s.AddTask({.name = "raiser", .affinity = Cpu(1), .body = [&] {
               RaiseInterrupt(dev, 1);
               log.push_back("raiser:after-raise");
               SleepFor(1'000);
             }});
  dev = s.AddInterrupt({.name = "dev", .kind = ContextKind::kHardirq, .cpus = AllCpus(2),
                        .handler = [&] { log.push_back("primary:" + std::string(ContextKindName(CurrentContextKind()))); },
                        .thread_fn = [&] {
                          log.push_back("thread:" + machine.ContextName(CurrentContextId()) +
                                        ":prio" + std::to_string(EffectivePriority(CurrentTask())) +
                                        ":cpu" + std::to_string(CurrentCpu()));
                        }});
  ASSERT_EQ(s.tasks().size(), 3u);
  EXPECT_EQ(s.tasks()[1].name, "irq/0-dev");
  EXPECT_EQ(s.tasks()[2].name, "irq/1-dev");
  EXPECT_EQ(s.tasks()[2].rt_priority, 50);
  ExecutionResult r = RunQuiet(s, machine);
  ASSERT_TRUE(r.ok()) << r.message;
  // The thread (FIFO 50) preempts the raiser (SCHED_OTHER) on CPU 1 right
  // after the hardirq returns.
  EXPECT_EQ(log, (std::vector<std::string>{"primary:hardirq", "thread:task:irq/1-dev:prio49:cpu1",
                                           "raiser:after-raise"}));
}

TEST(ThreadedIrqTest, ForcedThreadingMovesTheHandlerToTheThreadOnRtOnly) {
  for (bool rt : {true, false}) {
    ContextKind kind = ContextKind::kNmi;
    Scenario s(rt ? "forced-rt" : "forced", 1);
    s.SetPreemptRt(rt);
    HandlerId dev = 0;
    s.AddTask({.name = "t", .body = [&dev] {
                 RaiseInterrupt(dev, 0);
                 SleepFor(100);
               }});
    dev = s.AddInterrupt({.name = "dev", .kind = ContextKind::kHardirq,
                          .handler = [&kind] { kind = CurrentContextKind(); },
                          .force_threaded_on_rt = true});
    Machine machine;
    ExecutionResult r = RunQuiet(s, machine);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(kind, rt ? ContextKind::kTask : ContextKind::kHardirq) << rt;
  }
}

// --- Reschedule IPIs ---

TEST(ReschedIpiTest, CrossCpuWakeupsThatPreemptOrWakeAnIdleCpuSendAnIpi) {
  for (bool routed : {false, true}) {
    Scenario s(routed ? "resched-routed" : "resched", 2);
    int ipi_handler_runs = 0;
    s.OnReset([&] { ipi_handler_runs = 0; });
    TaskId b = 0, d = 0, f = 0;
    s.AddTask({.name = "a", .affinity = Cpu(0), .policy = Policy::kFifo, .rt_priority = 10,
               .body = [&] {
                 SleepFor(20'000);
                 Wake(b);  // CPU 1 idle: IPI 1.
                 SleepFor(80'000);
                 Wake(b);  // CPU 1 runs e (SCHED_OTHER), b preempts: IPI 2.
                 SleepFor(50'000);
                 Wake(f);  // CPU 1 runs e, f does not preempt it: no IPI.
                 Wake(d);  // Same CPU: no IPI.
               }});
    b = s.AddTask({.name = "b", .affinity = Cpu(1), .policy = Policy::kFifo, .rt_priority = 20,
                   .body = [] {
                     for (int i = 0; i < 2; ++i) {
                       SetCurrentStateBlocked();
                       Schedule();
                     }
                   }});
    d = s.AddTask({.name = "d", .affinity = Cpu(0), .body = [] {
                     SetCurrentStateBlocked();
                     Schedule();
                   }});
    f = s.AddTask({.name = "f", .affinity = Cpu(1), .body = [] {
                     SetCurrentStateBlocked();
                     Schedule();
                   }});
    // e spins with cpu_relax(): stuck, it lets CPU 0 run (and time warp).
    s.AddTask({.name = "e", .affinity = Cpu(1), .start_ns = 50'000, .body = [] {
                 while (Now() < 200'000) Spin();
               }});
    if (routed) {
      const HandlerId res = s.AddInterrupt({.name = "res", .kind = ContextKind::kHardirq,
                                            .cpus = AllCpus(2),
                                            .handler = [&] { ++ipi_handler_runs; }});
      s.SetReschedIpiHandler(res);
    }
    class Probe : public Observer {
     public:
      void OnExecutionEnd(const MachineView& view) override {
        for (int c = 0; c < 2; ++c) noise[c] = view.cpu_noise(c);
      }
      CpuNoise noise[2];
    } probe;
    Machine machine;
    machine.AddObserver(&probe);
    ExecutionResult r = RunQuiet(s, machine);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(probe.noise[0].resched_ipis, 0u);
    EXPECT_EQ(probe.noise[1].resched_ipis, 2u);
    if (routed) {
      EXPECT_EQ(ipi_handler_runs, 2);
      EXPECT_EQ(probe.noise[1].ipis, 2u);
    } else {
      EXPECT_EQ(probe.noise[1].ipis, 0u);
      EXPECT_EQ(probe.noise[1].interrupts, 0u);
    }
  }
}

// --- Determinism with every feature in play ---

TEST(KthreadsDeterminismTest, ReplayReproducesTheTraceHash) {
  SleepLock lock;
  Scenario s("everything", 2);
  s.OnReset([&] { lock = SleepLock{}; });
  const GroupId g = s.AddTaskGroup({.name = "slice", .quota_ns = 20'000, .period_ns = 50'000,
                                    .hard_timer = false});
  HandlerId dev = 0;
  s.AddTask({.name = "w", .affinity = AllCpus(2), .body = [&] {
               for (int i = 0; i < 5; ++i) {
                 lock.Lock();
                 SpinUntil(Now() + 3'000);
                 lock.Unlock();
                 RaiseInterrupt(dev, 1);
               }
             }, .group = g});
  s.AddTask({.name = "r", .affinity = AllCpus(2), .policy = Policy::kFifo, .rt_priority = 5,
             .body = [&] {
               for (int i = 0; i < 5; ++i) {
                 lock.Lock();
                 lock.Unlock();
                 SleepFor(7'000);
               }
             }});
  s.AddTimer({.name = "tfd", .cpus = AllCpus(2), .first_ns = 1'000, .every_ns = 9'000,
              .max_fires = 8, .callback = [&] {
                lock.Lock();
                lock.Unlock();
              }});
  dev = s.AddInterrupt({.name = "dev", .kind = ContextKind::kHardirq, .cpus = AllCpus(2),
                        .handler = [] {}, .thread_fn = [] { Point(Op::kRead, 0, 0, kPointRead); }});
  Machine machine;
  sched::RandomSource random(7);
  int ok = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    ExecutionResult recorded = machine.Run(s, random, i);
    ok += recorded.ok();
    sched::ReplaySource replay(recorded.decisions);
    ExecutionResult replayed = machine.Run(s, replay, i);
    EXPECT_FALSE(replay.first_divergence().has_value());
    EXPECT_EQ(replayed.trace_hash, recorded.trace_hash);
    EXPECT_EQ(replayed.verdict, recorded.verdict);
  }
  EXPECT_GT(ok, 0);
}

}  // namespace
}  // namespace rtfuzz::rt
