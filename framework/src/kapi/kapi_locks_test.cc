// framework/src/kapi/kapi_locks_test.cc
//
// kapi's lock types, each on small scenarios, with and without PREEMPT_RT:
// mutual exclusion under random walks (with the oracles attached, so the
// lock events are checked too), priority inheritance along a chain and its
// de-boost, sleeping versus spinning waits, rwbase's reader rules, waiter
// order, the context rules (might_sleep, hardirq), lockdep assertions, the
// points an uncontended operation costs, and replay. Every scenario states
// what it expects, so a rule that breaks changes a log or a count.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/preempt_count.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"
#include "rtfuzz/sched/replay_source.h"

// kapi last: like the kernel, it defines plain-word macros.
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rtmutex.h>
#include <linux/rwlock.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>

// Locks live at namespace scope, as in the kernel. Each starts unlocked in
// every execution without a reset (internal/locks.h).
DEFINE_RAW_SPINLOCK(test_raw);
DEFINE_SPINLOCK(test_spin);
DEFINE_RWLOCK(test_rwlock);
DEFINE_RT_MUTEX(test_rtm_a);
DEFINE_RT_MUTEX(test_rtm_b);
DEFINE_MUTEX(test_mutex);
DECLARE_RWSEM(test_rwsem);

namespace rtfuzz::kapi {
namespace {

using rt::AllCpus;
using rt::ContextKind;
using rt::Cpu;
using rt::ExecutionResult;
using rt::HandlerId;
using rt::Op;
using rt::Policy;
using rt::Scenario;
using rt::TaskId;
using Log = std::vector<std::string>;

// Kernel prio of SCHED_FIFO priority p.
constexpr int Prio(int rt_priority) { return 99 - rt_priority; }

void Step() { rt::Point(Op::kRead, 0, 0, rt::kPointRead); }

// Sets a flag with a shared write: news for spinning CPUs.
void Publish(bool* flag) {
  *flag = true;
  rt::Point(Op::kWrite, 0, 1, rt::kPointWrite);
}

template <typename Cond>
void WaitUntil(Cond cond) {
  while (!cond()) rt::Spin();
}

// Blocks at once until someone wakes the task.
void Park() {
  rt::SetCurrentStateBlocked();
  rt::Schedule();
}

rt::TaskSpec Fifo(const char* name, rt::CpuMask cpus, int rt_priority,
                  std::function<void()> body) {
  return {.name = name, .affinity = cpus, .policy = Policy::kFifo,
          .rt_priority = rt_priority, .body = std::move(body)};
}

ExecutionResult RunQuiet(const Scenario& s, rt::Machine* machine = nullptr) {
  rt::Machine local;
  sched::ByteSource none(nullptr, 0);
  return (machine != nullptr ? machine : &local)->Run(s, none);
}

const char* ConfigName(bool preempt_rt) { return preempt_rt ? "PREEMPT_RT" : "!PREEMPT_RT"; }

// --- Mutual exclusion under random walks ---

// Who is inside the critical section, counted by the test itself.
struct Occupancy {
  int writers = 0;
  int readers = 0;
  int violations = 0;  // An entry or exit that saw someone it must exclude.
  int entries = 0;     // Task entries (interrupt entries are not counted).
  int found_busy = 0;  // Lock calls made while someone was inside.
  int shared = 0;      // Reader entries that found another reader inside.
};

Occupancy occ;

void NoteAttempt() {
  if (occ.writers + occ.readers > 0) ++occ.found_busy;
}

void WriteSection() {
  if (occ.writers != 0 || occ.readers != 0) ++occ.violations;
  ++occ.writers;
  if (rt::CurrentContextKind() == ContextKind::kTask) ++occ.entries;
  Step();
  Step();
  if (occ.writers != 1 || occ.readers != 0) ++occ.violations;
  --occ.writers;
}

void ReadSection() {
  if (occ.writers != 0) ++occ.violations;
  if (occ.readers != 0) ++occ.shared;
  ++occ.readers;
  ++occ.entries;
  Step();
  Step();
  if (occ.writers != 0) ++occ.violations;
  --occ.readers;
}

struct LockCase {
  const char* name;
  void (*write)();  // lock; WriteSection(); unlock
  void (*read)();   // lock shared; ReadSection(); unlock; or nullptr
  // A hardirq on every CPU takes the lock too (with raw_spin_lock); only for
  // cases whose tasks take it with interrupts disabled.
  bool hardirq = false;
};

constexpr int kWalkExecutions = 1000;
constexpr int kIterations = 3;
constexpr int kWalkTasks = 4;

// Four tasks on three CPUs, of three priorities and both policies, each
// entering the section kIterations times (readers and writers alternate
// where the lock has readers), under kWalkExecutions random walks with the
// oracles attached.
Occupancy RunWalk(const LockCase& c, bool preempt_rt, uint64_t seed) {
  Scenario s(std::string("walk-") + c.name, 3);
  s.SetPreemptRt(preempt_rt);
  s.OnReset([] { occ = Occupancy{}; });
  Occupancy total;
  const struct {
    const char* name;
    rt::CpuMask cpus;
    Policy policy;
    int rt_priority;
  } tasks[kWalkTasks] = {{"a", AllCpus(3), Policy::kFifo, 10},
                         {"b", AllCpus(3), Policy::kFifo, 20},
                         {"c", Cpu(0), Policy::kFifo, 20},
                         {"d", Cpu(1) | Cpu(2), Policy::kOther, 0}};
  for (int t = 0; t < kWalkTasks; ++t) {
    s.AddTask({.name = tasks[t].name, .affinity = tasks[t].cpus, .policy = tasks[t].policy,
               .rt_priority = tasks[t].rt_priority, .body = [&c, t] {
                 for (int i = 0; i < kIterations; ++i) {
                   NoteAttempt();
                   if (c.read != nullptr && (t + i) % 2 == 1) {
                     c.read();
                   } else {
                     c.write();
                   }
                   Step();
                 }
               }});
  }
  if (c.hardirq) {
    s.AddInterrupt({.name = "irq", .kind = ContextKind::kHardirq, .cpus = AllCpus(3),
                    .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 3, 30, 4),
                    .handler = [] {
                      NoteAttempt();
                      raw_spin_lock(&test_raw);
                      WriteSection();
                      raw_spin_unlock(&test_raw);
                    }});
  }
  // Short slices: a CPU switch every few points, so sections interleave.
  rt::MachineOptions options;
  options.max_slice = 8;
  rt::Machine machine(options);
  check::Oracles oracles;
  machine.AddObserver(&oracles);
  sched::RandomSource source(seed);
  ExecutionResult r;
  for (int i = 0; i < kWalkExecutions; ++i) {
    machine.Run(s, source, static_cast<uint64_t>(i), &r);
    EXPECT_TRUE(r.ok()) << c.name << " " << ConfigName(preempt_rt) << " execution " << i
                        << ": " << VerdictName(r.verdict) << ": " << r.message;
    if (!r.ok()) break;
    total.violations += occ.violations;
    total.entries += occ.entries;
    total.found_busy += occ.found_busy;
    total.shared += occ.shared;
  }
  return total;
}

void ExpectMutualExclusion(const LockCase& c) {
  for (bool preempt_rt : {false, true}) {
    SCOPED_TRACE(std::string(c.name) + " " + ConfigName(preempt_rt));
    const Occupancy o = RunWalk(c, preempt_rt, 0x5eed0000 + (preempt_rt ? 1 : 0));
    EXPECT_EQ(o.violations, 0);
    EXPECT_EQ(o.entries, kWalkExecutions * kWalkTasks * kIterations);
    // The walk really contends: many lock calls found the section taken.
    EXPECT_GT(o.found_busy, kWalkExecutions / 10);
    if (c.read != nullptr) {
      EXPECT_GT(o.shared, 0);  // Readers did share.
    }
  }
}

TEST(LockMutualExclusionTest, WithoutALockTheWalkSeesOverlap) {
  // The control: the same walk over an empty "lock" breaks exclusion, so the
  // counts below can fail.
  const LockCase none{"none", [] { WriteSection(); }, [] { ReadSection(); }};
  for (bool preempt_rt : {false, true}) {
    const Occupancy o = RunWalk(none, preempt_rt, 0x5eed0000);
    EXPECT_GT(o.violations, 0) << ConfigName(preempt_rt);
  }
}

TEST(LockMutualExclusionTest, RawSpinlock) {
  ExpectMutualExclusion({"raw_spin_lock", [] {
                           raw_spin_lock(&test_raw);
                           WriteSection();
                           raw_spin_unlock(&test_raw);
                         },
                         nullptr});
}

TEST(LockMutualExclusionTest, RawSpinlockIrqsaveAgainstAHardirq) {
  ExpectMutualExclusion({"raw_spin_lock_irqsave",
                         [] {
                           unsigned long flags;
                           raw_spin_lock_irqsave(&test_raw, flags);
                           WriteSection();
                           raw_spin_unlock_irqrestore(&test_raw, flags);
                         },
                         nullptr, /*hardirq=*/true});
}

TEST(LockMutualExclusionTest, Spinlock) {
  ExpectMutualExclusion({"spin_lock", [] {
                           spin_lock(&test_spin);
                           WriteSection();
                           spin_unlock(&test_spin);
                         },
                         nullptr});
}

TEST(LockMutualExclusionTest, SpinlockIrqAndBhForms) {
  ExpectMutualExclusion({"spin_lock_irq/bh",
                         [] {
                           unsigned long flags;
                           spin_lock_irqsave(&test_spin, flags);
                           WriteSection();
                           spin_unlock_irqrestore(&test_spin, flags);
                         },
                         [] {  // Not shared: a second exclusive form.
                           spin_lock_bh(&test_spin);
                           WriteSection();
                           spin_unlock_bh(&test_spin);
                           ++occ.shared;  // Keeps the "readers shared" check quiet.
                         }});
}

TEST(LockMutualExclusionTest, SpinTrylockThenLock) {
  // Not a trylock spin loop: on RT that livelocks when the owner is a
  // preempted lower-priority task on the spinner's CPU, as in the kernel.
  ExpectMutualExclusion({"spin_trylock", [] {
                           if (!spin_trylock(&test_spin)) spin_lock(&test_spin);
                           WriteSection();
                           spin_unlock(&test_spin);
                         },
                         nullptr});
}

TEST(LockMutualExclusionTest, Rwlock) {
  ExpectMutualExclusion({"rwlock",
                         [] {
                           write_lock(&test_rwlock);
                           WriteSection();
                           write_unlock(&test_rwlock);
                         },
                         [] {
                           read_lock(&test_rwlock);
                           ReadSection();
                           read_unlock(&test_rwlock);
                         }});
}

TEST(LockMutualExclusionTest, RtMutex) {
  ExpectMutualExclusion({"rt_mutex", [] {
                           rt_mutex_lock(&test_rtm_a);
                           WriteSection();
                           rt_mutex_unlock(&test_rtm_a);
                         },
                         nullptr});
}

TEST(LockMutualExclusionTest, Mutex) {
  ExpectMutualExclusion({"mutex", [] {
                           mutex_lock(&test_mutex);
                           WriteSection();
                           mutex_unlock(&test_mutex);
                         },
                         [] {  // A trylock loop, as a second way in.
                           while (!mutex_trylock(&test_mutex)) rt::SleepFor(50);
                           WriteSection();
                           mutex_unlock(&test_mutex);
                           ++occ.shared;
                         }});
}

TEST(LockMutualExclusionTest, RwSemaphore) {
  ExpectMutualExclusion({"rwsem",
                         [] {
                           down_write(&test_rwsem);
                           WriteSection();
                           up_write(&test_rwsem);
                         },
                         [] {
                           down_read(&test_rwsem);
                           ReadSection();
                           up_read(&test_rwsem);
                         }});
}

// --- Priority inheritance ---

std::string Prios(const char* label) {
  return std::string(label) + " T1=" + std::to_string(rt::EffectivePriority(0)) +
         " T2=" + std::to_string(rt::EffectivePriority(1)) +
         " T3=" + std::to_string(rt::EffectivePriority(2));
}

// T1 (low) holds A; T2 (mid) holds B and blocks on A; T3 (high) blocks on B.
// One CPU, so who runs is decided by the effective priorities alone.
TEST(RtMutexPiTest, ThreeLevelChainBoostsAndDeboostsStepByStep) {
  for (bool preempt_rt : {false, true}) {  // rt_mutex has PI in both.
    SCOPED_TRACE(ConfigName(preempt_rt));
    Log log;
    Scenario s("pi-chain", 1);
    s.SetPreemptRt(preempt_rt);
    s.OnReset([&log] { log.clear(); });
    s.AddTask(Fifo("T1", Cpu(0), 10, [&log] {
      rt_mutex_lock(&test_rtm_a);
      log.push_back(Prios("T1 holds A:"));
      rt::Wake(1);  // T2 preempts, takes B, blocks on A.
      log.push_back(Prios("T2 blocked on A:"));
      rt::Wake(2);  // T3 preempts, blocks on B: the boost walks B -> T2 -> A -> T1.
      log.push_back(Prios("T3 blocked on B:"));
      rt_mutex_unlock(&test_rtm_a);  // De-boost; T2 (boosted) takes A at once.
      log.push_back(Prios("T1 after unlock:"));
    }));
    s.AddTask(Fifo("T2", Cpu(0), 20, [&log] {
      Park();
      rt_mutex_lock(&test_rtm_b);
      rt_mutex_lock(&test_rtm_a);
      log.push_back(Prios("T2 holds A and B:"));
      rt_mutex_unlock(&test_rtm_a);
      log.push_back(Prios("T2 released A:"));
      rt_mutex_unlock(&test_rtm_b);  // De-boost; T3 takes B and preempts.
      log.push_back(Prios("T2 released B:"));
    }));
    s.AddTask(Fifo("T3", Cpu(0), 30, [&log] {
      Park();
      rt_mutex_lock(&test_rtm_b);
      log.push_back(Prios("T3 holds B:"));
      rt_mutex_unlock(&test_rtm_b);
    }));
    const ExecutionResult r = RunQuiet(s);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(log, (Log{
                       "T1 holds A: T1=89 T2=79 T3=69",
                       "T2 blocked on A: T1=79 T2=79 T3=69",
                       "T3 blocked on B: T1=69 T2=69 T3=69",
                       "T2 holds A and B: T1=89 T2=69 T3=69",
                       "T2 released A: T1=89 T2=69 T3=69",
                       "T3 holds B: T1=89 T2=79 T3=69",
                       "T2 released B: T1=89 T2=79 T3=69",
                       "T1 after unlock: T1=89 T2=79 T3=69",
                   }));
  }
}

// L (prio 10) holds A and is boosted by H (30, on CPU 1). M (20) woken on
// L's CPU does not preempt the boosted L; right after the de-boost it does.
TEST(RtMutexPiTest, BoostedOwnerPreemptsAndResistsAsItsBoostedPriority) {
  Log log;
  bool a_held = false, m_ran = false;
  Scenario s("pi-preemption", 2);
  s.OnReset([&] {
    log.clear();
    a_held = m_ran = false;
  });
  s.AddTask(Fifo("L", Cpu(0), 10, [&] {
    rt_mutex_lock(&test_rtm_a);
    Publish(&a_held);
    WaitUntil([] { return rt::EffectivePriority(0) == Prio(30); });
    rt::Wake(2);  // M (prio 20) is below the boosted L: no preemption.
    Step();
    log.push_back(std::string("L boosted to ") + std::to_string(rt::EffectivePriority(0)) +
                  (m_ran ? ", M ran" : ", M waits"));
    rt_mutex_unlock(&test_rtm_a);  // Back to 10: M preempts at once.
    log.push_back("L after unlock");
  }));
  s.AddTask(Fifo("H", Cpu(1), 30, [&] {
    WaitUntil([&] { return a_held; });
    rt_mutex_lock(&test_rtm_a);
    log.push_back("H holds A");
    rt_mutex_unlock(&test_rtm_a);
  }));
  s.AddTask(Fifo("M", Cpu(0), 20, [&] {
    Park();
    m_ran = true;
    log.push_back(std::string("M runs, L at ") + std::to_string(rt::EffectivePriority(0)));
  }));
  const ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (Log{"L boosted to 69, M waits", "M runs, L at 89", "L after unlock",
                      "H holds A"}));
}

// O releases M and wakes its top waiter W1; before W1 runs, H blocks on L,
// held by W2, M's other waiter: W2 is boosted past W1 on the free M, so W2
// must be woken to take it (W1 may no longer), or nobody ever would.
TEST(RtMutexPiTest, BoostOfAWaiterOnAFreeLockWakesTheNewTopWaiter) {
  Log log;
  Scenario s("pi-free-lock-requeue", 1);
  s.OnReset([&log] { log.clear(); });
  s.AddTask(Fifo("O", Cpu(0), 60, [] {
    rt_mutex_lock(&test_rtm_a);  // M
    rt::SleepFor(1000);          // W1 and W2 queue on M meanwhile.
    rt_mutex_unlock(&test_rtm_a);  // Wakes W1 (below O: it waits).
    rt::Wake(3);                   // H, also below O.
  }));
  s.AddTask(Fifo("W1", Cpu(0), 20, [&log] {
    rt_mutex_lock(&test_rtm_a);
    log.push_back("W1 holds M");
    rt_mutex_unlock(&test_rtm_a);
  }));
  s.AddTask(Fifo("W2", Cpu(0), 10, [&log] {
    rt_mutex_lock(&test_rtm_b);  // L
    rt_mutex_lock(&test_rtm_a);
    log.push_back("W2 holds M at " + std::to_string(rt::EffectivePriority(2)));
    rt_mutex_unlock(&test_rtm_a);
    rt_mutex_unlock(&test_rtm_b);
  }));
  s.AddTask(Fifo("H", Cpu(0), 50, [&log] {
    Park();
    rt_mutex_lock(&test_rtm_b);
    log.push_back("H holds L");
    rt_mutex_unlock(&test_rtm_b);
  }));
  const ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << VerdictName(r.verdict) << ": " << r.message;
  EXPECT_EQ(log, (Log{"W2 holds M at 49", "H holds L", "W1 holds M"}));
}

// Waiters are served by priority (FIFO among equals) on the rt_mutex core,
// and FIFO by the non-RT mutex.
TEST(RtMutexPiTest, WaitersAreServedByPriorityButNonRtMutexIsFifo) {
  for (bool preempt_rt : {false, true}) {
    SCOPED_TRACE(ConfigName(preempt_rt));
    Log log;
    Scenario s("waiter-order", 1);
    s.SetPreemptRt(preempt_rt);
    s.OnReset([&log] { log.clear(); });
    s.AddTask(Fifo("owner", Cpu(0), 10, [&log] {
      mutex_lock(&test_mutex);
      for (TaskId t : {1, 2, 3, 4}) rt::Wake(t);  // Each preempts and blocks.
      log.push_back("owner prio " + std::to_string(rt::EffectivePriority(0)));
      mutex_unlock(&test_mutex);
    }));
    const std::pair<const char*, int> waiters[] = {
        {"w20", 20}, {"w40", 40}, {"w30a", 30}, {"w30b", 30}};
    for (auto [name, prio] : waiters) {
      s.AddTask(Fifo(name, Cpu(0), prio, [&log, name = std::string(name)] {
        Park();
        mutex_lock(&test_mutex);
        log.push_back(name);
        mutex_unlock(&test_mutex);
      }));
    }
    const ExecutionResult r = RunQuiet(s);
    ASSERT_TRUE(r.ok()) << r.message;
    if (preempt_rt) {
      EXPECT_EQ(log, (Log{"owner prio 59", "w40", "w30a", "w30b", "w20"}));
    } else {
      EXPECT_EQ(log, (Log{"owner prio 89", "w20", "w40", "w30a", "w30b"}));
    }
  }
}

// --- Sleeping versus spinning: spinlock_t on RT and without ---

// L (10) on CPU 0 holds the spinlock_t; H (50) on CPU 1 wants it.
TEST(SpinlockRtTest, ContendedSpinlockSleepsOnRtAndSpinsWithoutRt) {
  for (bool preempt_rt : {false, true}) {
    SCOPED_TRACE(ConfigName(preempt_rt));
    bool held = false, h_trying = false;
    int l_prio = -1;
    Scenario s("spin-contended", 2);
    s.SetPreemptRt(preempt_rt);
    s.OnReset([&] {
      held = h_trying = false;
      l_prio = -1;
    });
    s.AddTask(Fifo("L", Cpu(0), 10, [&] {
      spin_lock(&test_spin);
      Publish(&held);
      WaitUntil([&] { return h_trying; });
      l_prio = rt::EffectivePriority(0);
      spin_unlock(&test_spin);
    }));
    s.AddTask(Fifo("H", Cpu(1), 50, [&] {
      WaitUntil([&] { return held; });
      Publish(&h_trying);
      spin_lock(&test_spin);
      spin_unlock(&test_spin);
    }));
    rt::MachineOptions options;
    options.record_full_trace = true;
    rt::Machine machine(options);
    const ExecutionResult r = RunQuiet(s, &machine);
    ASSERT_TRUE(r.ok()) << r.message;

    constexpr uint16_t kH = 1;  // Context ids of tasks are their TaskIds.
    int h_spins = 0, h_blocks = 0, h_spins_preemptible = 0;
    uint64_t h_preempt_count = 0;
    bool contended = false;
    for (const rt::TraceRecord& rec : machine.full_trace()) {
      if (rec.context != kH) continue;
      if (rec.op == Op::kPreemptDisable || rec.op == Op::kPreemptEnable) {
        h_preempt_count = rec.value;
      }
      if (rec.op == Op::kLockContended) contended = true;
      if (rec.op == Op::kSpin && contended) {
        ++h_spins;
        if (h_preempt_count == 0) ++h_spins_preemptible;
      }
      if (rec.op == Op::kSchedule && rec.value == 1) ++h_blocks;
    }
    EXPECT_TRUE(contended);
    if (preempt_rt) {
      EXPECT_EQ(h_blocks, 1);  // set_current_state + schedule: blocked once.
      EXPECT_EQ(h_spins, 0);
      EXPECT_EQ(l_prio, Prio(50));  // PI: the sleeping waiter boosts L.
    } else {
      EXPECT_EQ(h_blocks, 0);
      EXPECT_GT(h_spins, 0);
      EXPECT_EQ(h_spins_preemptible, 0);  // Spins with preemption disabled.
      EXPECT_EQ(l_prio, Prio(10));        // No PI for spinning locks.
    }
  }
}

TEST(SpinlockRtTest, IrqsaveDisablesInterruptsOnlyWithoutRt) {
  for (bool preempt_rt : {false, true}) {
    unsigned long flags = 1;
    bool irqs_off = false;
    uint32_t preempt_count = 0;
    Scenario s("irqsave", 1);
    s.SetPreemptRt(preempt_rt);
    s.AddTask({.name = "t", .body = [&] {
                 spin_lock_irqsave(&test_spin, flags);
                 irqs_off = rt::IrqsDisabled();
                 preempt_count = rt::PreemptCount();
                 spin_unlock_irqrestore(&test_spin, flags);
               }});
    const ExecutionResult r = RunQuiet(s);
    ASSERT_TRUE(r.ok()) << r.message;
    if (preempt_rt) {
      EXPECT_EQ(flags, 0u);
      EXPECT_FALSE(irqs_off);
      EXPECT_EQ(preempt_count, 0u);  // Only migrate_disable().
    } else {
      EXPECT_EQ(flags, RTFUZZ_KAPI_IRQ_ENABLED_FLAG);
      EXPECT_TRUE(irqs_off);
      EXPECT_EQ(preempt_count, rt::kPreemptOffset);
    }
  }
}

// --- Context rules ---

TEST(SpinlockRtTest, SpinLockInHardirqIsSleepInAtomicOnlyOnRt) {
  for (bool preempt_rt : {false, true}) {
    Scenario s("spin-in-hardirq", 1);
    s.SetPreemptRt(preempt_rt);
    HandlerId irq = 0;
    s.AddTask({.name = "t", .body = [&irq] {
                 rt::RaiseInterrupt(irq, 0);
                 Step();
               }});
    irq = s.AddInterrupt({.name = "irq", .kind = ContextKind::kHardirq, .handler = [] {
                            spin_lock(&test_spin);
                            spin_unlock(&test_spin);
                          }});
    const ExecutionResult r = RunQuiet(s);
    if (preempt_rt) {
      EXPECT_EQ(r.verdict, Verdict::kSleepInAtomic);
      EXPECT_NE(r.message.find("spin_lock()"), std::string::npos) << r.message;
      EXPECT_NE(r.message.find("hardirq"), std::string::npos) << r.message;
      EXPECT_NE(r.message.find("kapi_locks_test.cc:"), std::string::npos) << r.message;
    } else {
      EXPECT_TRUE(r.ok()) << r.message;
    }
  }
}

// might_sleep() judges the context, not whether the lock was free.
TEST(SpinlockRtTest, MutexUnderASpinlockIsSleepInAtomicOnlyWithoutRt) {
  for (bool preempt_rt : {false, true}) {
    Scenario s("mutex-under-spinlock", 1);
    s.SetPreemptRt(preempt_rt);
    s.AddTask({.name = "t", .body = [] {
                 spin_lock(&test_spin);
                 mutex_lock(&test_mutex);  // Uncontended.
                 mutex_unlock(&test_mutex);
                 spin_unlock(&test_spin);
               }});
    const ExecutionResult r = RunQuiet(s);
    if (preempt_rt) {
      EXPECT_TRUE(r.ok()) << r.message;  // spinlock_t keeps preemption on.
    } else {
      EXPECT_EQ(r.verdict, Verdict::kSleepInAtomic);
      EXPECT_NE(r.message.find("mutex_lock()"), std::string::npos) << r.message;
    }
  }
  Scenario raw("mutex-under-raw-spinlock-rt", 1);  // A raw spinlock is atomic on RT too.
  raw.AddTask({.name = "t", .body = [] {
                 raw_spin_lock(&test_raw);
                 mutex_lock(&test_mutex);
                 mutex_unlock(&test_mutex);
                 raw_spin_unlock(&test_raw);
               }});
  EXPECT_EQ(RunQuiet(raw).verdict, Verdict::kSleepInAtomic);
}

TEST(SpinlockRtTest, UnlockOfAnUnlockedLockIsAFailure) {
  Scenario s("double-unlock", 1);
  s.AddTask({.name = "t", .body = [] {
               spin_lock(&test_spin);
               spin_unlock(&test_spin);
               spin_unlock(&test_spin);
             }});
  const ExecutionResult r = RunQuiet(s);
  EXPECT_EQ(r.verdict, Verdict::kFailure);
  EXPECT_NE(r.message.find("unlock of an unlocked lock"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("test_spin"), std::string::npos) << r.message;
}

// --- rwlock_t and rw_semaphore ---

// On RT a waiting writer boosts no reader, while the same writer waiting on
// a spinlock_t boosts its owner, and a reader waiting on a writer boosts the
// writer (it waits on the writer's rtmutex).
TEST(RwlockRtTest, ReadersAreNotBoostedButBoostWriters) {
  enum class Case { kReaderHolds, kSpinlockHolds, kWriterHolds };
  for (Case c : {Case::kReaderHolds, Case::kSpinlockHolds, Case::kWriterHolds}) {
    SCOPED_TRACE(static_cast<int>(c));
    int holder_prio = -1;
    bool held = false;
    Scenario s("rwlock-pi", 2);
    s.OnReset([&] {
      holder_prio = -1;
      held = false;
    });
    s.AddTask(Fifo("holder", Cpu(0), 10, [&] {
      switch (c) {
        case Case::kReaderHolds: read_lock(&test_rwlock); break;
        case Case::kSpinlockHolds: spin_lock(&test_spin); break;
        case Case::kWriterHolds: write_lock(&test_rwlock); break;
      }
      Publish(&held);
      // Until the waiter on CPU 1 is queued (a pending writer, or a PI boost).
      WaitUntil([c] {
        return c == Case::kReaderHolds ? test_rwlock.rtfuzz_rwbase.writer_pending != 0
                                       : rt::EffectivePriority(0) != Prio(10);
      });
      holder_prio = rt::EffectivePriority(0);
      switch (c) {
        case Case::kReaderHolds: read_unlock(&test_rwlock); break;
        case Case::kSpinlockHolds: spin_unlock(&test_spin); break;
        case Case::kWriterHolds: write_unlock(&test_rwlock); break;
      }
    }));
    s.AddTask(Fifo("waiter", Cpu(1), 50, [&] {
      WaitUntil([&] { return held; });
      switch (c) {
        case Case::kReaderHolds:
          write_lock(&test_rwlock);
          write_unlock(&test_rwlock);
          break;
        case Case::kSpinlockHolds:
          spin_lock(&test_spin);
          spin_unlock(&test_spin);
          break;
        case Case::kWriterHolds:
          read_lock(&test_rwlock);
          read_unlock(&test_rwlock);
          break;
      }
    }));
    const ExecutionResult r = RunQuiet(s);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(holder_prio, c == Case::kReaderHolds ? Prio(10) : Prio(50));
  }
}

// A pending writer keeps new readers out: on RT (rwbase_rt after
// 286deb7ec03d) and in the non-RT rw_semaphore (FIFO, writer first).
TEST(RwlockRtTest, PendingWriterKeepsNewReadersOut) {
  struct Variant {
    const char* name;
    bool preempt_rt;
    // Not named read_lock etc.: those are function-like macros.
    void (*take_shared)();
    void (*drop_shared)();
    void (*take_exclusive)();
    void (*drop_exclusive)();
  };
  const Variant variants[] = {
      {"rwlock_t RT", true, [] { read_lock(&test_rwlock); }, [] { read_unlock(&test_rwlock); },
       [] { write_lock(&test_rwlock); }, [] { write_unlock(&test_rwlock); }},
      {"rwsem RT", true, [] { down_read(&test_rwsem); }, [] { up_read(&test_rwsem); },
       [] { down_write(&test_rwsem); }, [] { up_write(&test_rwsem); }},
      {"rwsem", false, [] { down_read(&test_rwsem); }, [] { up_read(&test_rwsem); },
       [] { down_write(&test_rwsem); }, [] { up_write(&test_rwsem); }},
  };
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.name);
    Log log;
    Scenario s("writer-preference", 1);
    s.SetPreemptRt(v.preempt_rt);
    s.OnReset([&log] { log.clear(); });
    s.AddTask(Fifo("R1", Cpu(0), 10, [&] {
      v.take_shared();
      rt::Wake(1);  // W blocks behind R1.
      rt::Wake(2);  // R2 must queue behind W.
      log.push_back("R1 leaves");
      v.drop_shared();
    }));
    s.AddTask(Fifo("W", Cpu(0), 30, [&] {
      Park();
      v.take_exclusive();
      log.push_back("W writes");
      v.drop_exclusive();
    }));
    s.AddTask(Fifo("R2", Cpu(0), 20, [&] {
      Park();
      v.take_shared();
      log.push_back("R2 reads");
      v.drop_shared();
    }));
    const ExecutionResult r = RunQuiet(s);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(log, (Log{"R1 leaves", "W writes", "R2 reads"}));
  }
}

// Without RT, a waiting writer keeps task readers out, but a reader in
// interrupt context still gets in while the writer only waits (qrwlock).
TEST(RwlockRtTest, NonRtInterruptReaderPassesAWaitingWriter) {
  Log log;
  bool read_held = false;
  Scenario s("qrwlock-irq-reader", 2);
  s.SetPreemptRt(false);
  s.OnReset([&] {
    log.clear();
    read_held = false;
  });
  HandlerId irq = 0;
  s.AddTask(Fifo("reader", Cpu(0), 10, [&] {
    read_lock(&test_rwlock);
    Publish(&read_held);
    WaitUntil([] { return test_rwlock.rtfuzz_qrw.writers_waiting != 0; });
    log.push_back(read_trylock(&test_rwlock) ? "task trylock in" : "task trylock refused");
    rt::RaiseInterrupt(irq, 0);
    read_unlock(&test_rwlock);
  }));
  s.AddTask(Fifo("writer", Cpu(1), 50, [&] {
    WaitUntil([&] { return read_held; });
    write_lock(&test_rwlock);
    log.push_back("writer in");
    write_unlock(&test_rwlock);
  }));
  irq = s.AddInterrupt({.name = "irq", .kind = ContextKind::kHardirq, .handler = [&log] {
                          read_lock(&test_rwlock);
                          log.push_back("irq reader in");
                          read_unlock(&test_rwlock);
                        }});
  const ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (Log{"task trylock refused", "irq reader in", "writer in"}));
}

// --- Lockdep assertions ---

TEST(LockdepTest, AssertHeldPassesForTheHolderOnly) {
  Scenario ok("assert-held", 1);
  ok.AddTask({.name = "t", .body = [] {
                lockdep_assert_not_held(&test_mutex);
                mutex_lock(&test_mutex);
                lockdep_assert_held(&test_mutex);
                lockdep_assert_held_write(&test_mutex);
                mutex_unlock(&test_mutex);
                down_read(&test_rwsem);
                lockdep_assert_held_read(&test_rwsem);
                up_read(&test_rwsem);
                spin_lock(&test_spin);
                assert_spin_locked(&test_spin);
                spin_unlock(&test_spin);
              }});
  const ExecutionResult r = RunQuiet(ok);
  EXPECT_TRUE(r.ok()) << r.message;

  Scenario bad("assert-held-fails", 2);
  bool held = false;
  bad.OnReset([&held] { held = false; });
  bad.AddTask({.name = "holder", .affinity = Cpu(0), .body = [&held] {
                 mutex_lock(&test_mutex);
                 Publish(&held);
                 WaitUntil([] { return false; });  // Spins until the verdict.
               }});
  bad.AddTask({.name = "other", .affinity = Cpu(1), .body = [&held] {
                 WaitUntil([&held] { return held; });
                 lockdep_assert_held(&test_mutex);  // Held, but not by this task.
               }});
  const ExecutionResult b = RunQuiet(bad);
  EXPECT_EQ(b.verdict, Verdict::kInvariant);
  EXPECT_NE(b.message.find("lockdep_assert_held(&test_mutex)"), std::string::npos)
      << b.message;

  Scenario unlocked("assert-spin-locked", 1);
  unlocked.AddTask({.name = "t", .body = [] { assert_spin_locked(&test_spin); }});
  EXPECT_EQ(RunQuiet(unlocked).verdict, Verdict::kFailure);
}

TEST(LockdepTest, TargetLockAnnotationsReachTheTrace) {
  static struct lockdep_map map = STATIC_LOCKDEP_MAP_INIT("target_lock", nullptr);
  Scenario s("annotations", 1);
  s.AddTask({.name = "t", .body = [] {
               lock_acquire(&map, 0, 0, 0, 1, nullptr, _RET_IP_);
               lock_contended(&map, _RET_IP_);
               lock_acquired(&map, _RET_IP_);
               lock_release(&map, _RET_IP_);
               lock_acquire(&map, 0, 1, 0, 1, nullptr, _THIS_IP_);
               rtfuzz_lock_failed(&map, -16, _THIS_IP_);
               Step();
             }});
  rt::MachineOptions options;
  options.record_full_trace = true;
  rt::Machine machine(options);
  const ExecutionResult r = RunQuiet(s, &machine);
  ASSERT_TRUE(r.ok()) << r.message;
  std::vector<Op> ops;
  for (const rt::TraceRecord& rec : machine.full_trace()) {
    if (rec.op >= Op::kLockAcquire && rec.op <= Op::kLockFailed) {
      ops.push_back(rec.op);
      EXPECT_EQ(rec.object, 1u);  // The first object used in the execution.
    }
  }
  ASSERT_EQ(ops.size(), 6u);  // The sixth is the failure's record.
  EXPECT_EQ(ops[0], Op::kLockAcquire);
  EXPECT_EQ(ops[1], Op::kLockContended);
  EXPECT_EQ(ops[2], Op::kLockAcquired);
  EXPECT_EQ(ops[3], Op::kLockRelease);
  EXPECT_EQ(ops[4], Op::kLockAcquire);
  EXPECT_EQ(ops[5], Op::kLockFailed);
  EXPECT_EQ(std::string(RTFUZZ_KAPI_HERE).rfind("kapi_locks_test.cc:", 0), 0u);
}

// --- Costs and determinism ---

// An uncontended lock/unlock pair makes a fixed number of points: the lock
// word's RMW or store, plus preempt (non-RT) or migrate (RT) toggles.
TEST(LockCostTest, UncontendedPairsMakeFixedPoints) {
  struct Pair {
    const char* name;
    void (*run)();
    uint64_t steps_non_rt, steps_rt;
    uint64_t lock_ops_non_rt, lock_ops_rt;
  };
  const Pair pairs[] = {
      {"raw_spin_lock", [] { raw_spin_lock(&test_raw); raw_spin_unlock(&test_raw); }, 4, 4, 2, 2},
      {"spin_lock", [] { spin_lock(&test_spin); spin_unlock(&test_spin); }, 4, 4, 2, 2},
      {"read_lock", [] { read_lock(&test_rwlock); read_unlock(&test_rwlock); }, 4, 4, 2, 2},
      // RT: the inner rtmutex, then the reader bias, then the rtmutex again.
      {"write_lock", [] { write_lock(&test_rwlock); write_unlock(&test_rwlock); }, 4, 5, 2, 3},
      {"mutex_lock", [] { mutex_lock(&test_mutex); mutex_unlock(&test_mutex); }, 2, 2, 2, 2},
      {"rt_mutex_lock", [] { rt_mutex_lock(&test_rtm_a); rt_mutex_unlock(&test_rtm_a); }, 2, 2,
       2, 2},
      {"down_read", [] { down_read(&test_rwsem); up_read(&test_rwsem); }, 2, 2, 2, 2},
  };
  for (const Pair& p : pairs) {
    for (bool preempt_rt : {false, true}) {
      SCOPED_TRACE(std::string(p.name) + " " + ConfigName(preempt_rt));
      uint64_t lock_ops = 0;
      Scenario s("cost", 1);
      s.SetPreemptRt(preempt_rt);
      s.AddTask({.name = "t", .body = [&] {
                   p.run();
                   lock_ops = rt::PmuCount(0, rt::PmuEvent::kLockOps);
                 }});
      const ExecutionResult r = RunQuiet(s);
      ASSERT_TRUE(r.ok()) << r.message;
      // Minus the task's exit.
      EXPECT_EQ(r.steps - 1, preempt_rt ? p.steps_rt : p.steps_non_rt);
      EXPECT_EQ(lock_ops, preempt_rt ? p.lock_ops_rt : p.lock_ops_non_rt);
    }
  }
}

TEST(LockDeterminismTest, ReplayingAWalkOverEveryLockGivesTheSameTrace) {
  for (bool preempt_rt : {false, true}) {
    Scenario s("replay-locks", 2);
    s.SetPreemptRt(preempt_rt);
    for (int t = 0; t < 3; ++t) {
      s.AddTask(Fifo(t == 0 ? "a" : t == 1 ? "b" : "c", AllCpus(2), 10 + 10 * t, [t] {
        if (t == 2) rt::SleepFor(50);
        mutex_lock(&test_mutex);
        spin_lock(&test_spin);
        Step();
        spin_unlock(&test_spin);
        mutex_unlock(&test_mutex);
        down_write(&test_rwsem);
        rt_mutex_lock(&test_rtm_b);
        rt_mutex_unlock(&test_rtm_b);
        up_write(&test_rwsem);
        read_lock(&test_rwlock);
        Step();
        read_unlock(&test_rwlock);
      }));
    }
    rt::Machine machine;
    sched::RandomSource random(99);
    for (uint64_t i = 0; i < 100; ++i) {
      const ExecutionResult recorded = machine.Run(s, random, i);
      ASSERT_TRUE(recorded.ok()) << recorded.message;
      sched::ReplaySource replay(recorded.decisions);
      const ExecutionResult replayed = machine.Run(s, replay, i);
      EXPECT_EQ(replayed.trace_hash, recorded.trace_hash) << ConfigName(preempt_rt) << " " << i;
    }
  }
}

}  // namespace
}  // namespace rtfuzz::kapi
