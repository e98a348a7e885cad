// framework/src/kapi/kapi_oracles_test.cc
//
// kapi's locks under the oracles: the bug shapes of the seeds, each with its
// correct counterpart.
//   - PREEMPT_RT rwlock: a reader preempted by a medium task while a
//     high-priority writer waits is a priority inversion (readers are not
//     boosted); the same with an rt_mutex is not, thanks to PI.
//   - ABBA with spinning locks (non-RT spinlock_t) and with sleeping ones
//     (RT mutex) is a real cycle, found as missed-ABBA; the same order is clean.

#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/rtmutex.h>
#include <linux/rwlock.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "gtest/gtest.h"
#include "oracle_gallery.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"

namespace {

using rtfuzz::Verdict;
using rtfuzz::rt::Cpu;
using rtfuzz::rt::ExecutionResult;
using rtfuzz::rt::Policy;
using rtfuzz::rt::Scenario;

class KapiOraclesTest : public ::testing::Test {
 protected:
  void SetUp() override { machine_.AddObserver(&oracles_); }
  ExecutionResult RunQuiet(const Scenario& s) {
    rtfuzz::sched::ByteSource none(nullptr, 0);
    return machine_.Run(s, none);
  }
  rtfuzz::rt::Machine machine_;
  rtfuzz::check::Oracles oracles_;
};

rwlock_t g_rw;
struct rt_mutex g_rtm;

// One CPU, PREEMPT_RT. "low" takes the lock (read side, or the rt_mutex),
// "high" then wants it (write side), "medium" then burns 5 ms of CPU.
Scenario MakeReaderWriter(bool use_rt_mutex) {
  Scenario s(use_rt_mutex ? "rt-mutex-pi" : "rt-rwlock-reader", 1);
  s.OnReset([] {
    rwlock_init(&g_rw);
    rt_mutex_init(&g_rtm);
  });
  s.AddTask({.name = "low", .policy = Policy::kFifo, .rt_priority = 10,
             .body = [use_rt_mutex] {
               if (use_rt_mutex) {
                 rt_mutex_lock(&g_rtm);
               } else {
                 read_lock(&g_rw);
               }
               for (int i = 0; i < 300; ++i) {
                 rtfuzz::rt::Point(rtfuzz::rt::Op::kRead, 0, 0, rtfuzz::rt::kPointRead);
               }
               if (use_rt_mutex) {
                 rt_mutex_unlock(&g_rtm);
               } else {
                 read_unlock(&g_rw);
               }
             }});
  s.AddTask({.name = "high", .policy = Policy::kFifo, .rt_priority = 90, .start_ns = 1000,
             .body = [use_rt_mutex] {
               if (use_rt_mutex) {
                 rt_mutex_lock(&g_rtm);
                 rt_mutex_unlock(&g_rtm);
               } else {
                 write_lock(&g_rw);
                 write_unlock(&g_rw);
               }
             }});
  s.AddTask({.name = "medium", .policy = Policy::kFifo, .rt_priority = 50, .start_ns = 2000,
             .body = [] {
               const uint64_t end = rtfuzz::rt::Now() + 5'000'000;
               while (rtfuzz::rt::Now() < end) rtfuzz::rt::Spin();
             }});
  return s;
}

TEST_F(KapiOraclesTest, RtRwlockReaderPreemptedByMediumIsInversionAndRtMutexIsNot) {
  Scenario rwlock = MakeReaderWriter(false);
  ExecutionResult r = RunQuiet(rwlock);
  EXPECT_EQ(r.verdict, Verdict::kPriorityInversion) << r.message << r.details;
  EXPECT_NE(r.message.find("task:high (FIFO 90 [prio 9]) has waited"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("which task:medium (FIFO 50 [prio 49]) keeps off CPU0"), std::string::npos)
      << r.message;

  Scenario pi = MakeReaderWriter(true);
  ExecutionResult ok = RunQuiet(pi);
  EXPECT_TRUE(ok.ok()) << ok.message << ok.details;
}

spinlock_t g_a, g_b;
struct mutex g_ma, g_mb;

// Two CPUs take A then B, and B then A (or A then B): spinlock_t on non-RT
// (spinning) or mutex on RT (sleeping).
Scenario MakeAbba(bool sleeping, bool same_order) {
  Scenario s(std::string(sleeping ? "mutex" : "spinlock") + (same_order ? "-ab-ab" : "-ab-ba"),
             2);
  s.SetPreemptRt(sleeping);
  s.OnReset([] {
    spin_lock_init(&g_a);
    spin_lock_init(&g_b);
    mutex_init(&g_ma);
    mutex_init(&g_mb);
  });
  auto take = [sleeping](bool first_a) {
    if (sleeping) {
      struct mutex* x = first_a ? &g_ma : &g_mb;
      struct mutex* y = first_a ? &g_mb : &g_ma;
      mutex_lock(x);
      mutex_lock(y);
      mutex_unlock(y);
      mutex_unlock(x);
    } else {
      spinlock_t* x = first_a ? &g_a : &g_b;
      spinlock_t* y = first_a ? &g_b : &g_a;
      spin_lock(x);
      spin_lock(y);
      spin_unlock(y);
      spin_unlock(x);
    }
  };
  s.AddTask({.name = "t0", .affinity = Cpu(0), .body = [take] { take(true); }});
  s.AddTask({.name = "t1", .affinity = Cpu(1), .body = [take, same_order] { take(same_order); }});
  return s;
}

TEST_F(KapiOraclesTest, AbbaWithSpinningAndSleepingLocksIsACycleAndTheSameOrderIsClean) {
  for (bool sleeping : {false, true}) {
    Scenario abba = MakeAbba(sleeping, false);
    Scenario abab = MakeAbba(sleeping, true);
    rtfuzz::sched::RandomSource random(8);
    int found = 0;
    for (uint64_t i = 0; i < 400; ++i) {
      ExecutionResult r = machine_.Run(abba, random, i);
      if (!r.ok()) {
        ++found;
        EXPECT_EQ(r.verdict, Verdict::kMissedAbba) << abba.name() << ": " << r.message;
      }
      ExecutionResult clean = machine_.Run(abab, random, i);
      EXPECT_TRUE(clean.ok()) << abab.name() << ": " << clean.message << clean.details;
    }
    EXPECT_GT(found, 0) << abba.name();
  }
}

// --- Interrupt livelock and hangs, named ---

struct irq_work self_requeue;

// An irq_work handler that re-queues itself unconditionally: it runs again
// within the same hardirq entry, forever. Each re-queue counts toward the
// interrupt-recursion check, so the verdict is a stall naming the CPU, the
// vector and the work, not step-budget, and not the task with a deadline.
TEST_F(KapiOraclesTest, AnIrqWorkThatRequeuesItselfIsAStallNamingItsCpuAndWork) {
  Scenario s("irq-work-livelock", 1);
  s.OnReset([] {
    init_irq_work(&self_requeue, [](struct irq_work* w) { irq_work_queue(w); });
  });
  s.AddTask({.name = "t",
             .body = [] {
               irq_work_queue(&self_requeue);
               for (int i = 0; i < 10; ++i) (void)rtfuzz::rt::Now();
             },
             .deadline_ns = 1'000'000});
  const ExecutionResult r = RunQuiet(s);
  EXPECT_EQ(r.verdict, Verdict::kStall) << r.message;
  EXPECT_NE(r.message.find("interrupt recursion on CPU0"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("CPU0 has not run task context for"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("hardirq:irq-work@0 keeps running self_requeue"), std::string::npos)
      << r.message;
  EXPECT_EQ(r.signature, "stall|irq-work-livelock|cpu0:irq-recursion");
  EXPECT_LT(r.steps, 10'000u);  // Not 10^6 points to the step budget.
  rtfuzz::check::test_gallery::Gallery("stall-irq-work", machine_, s, r);
}

DECLARE_WAIT_QUEUE_HEAD(lost_wq);
int lost_flag;

// A waiter that checks its condition before it queues itself: the waker's
// wake_up() finds nobody and the waiter sleeps forever. The hang names the
// queue it sleeps on and what the last wakeup on it did.
TEST_F(KapiOraclesTest, AHangNamesTheQueueAndTheLastWakeupOnIt) {
  Scenario s("lost-wakeup", 2);
  s.OnReset([] {
    init_waitqueue_head(&lost_wq);
    lost_flag = 0;
  });
  s.AddTask({.name = "waiter", .affinity = Cpu(0), .body = [] {
               if (READ_ONCE(lost_flag)) return;  // Checked before queueing: the bug.
               rtfuzz::rt::Point(rtfuzz::rt::Op::kRead, 0, 0, 0);
               DEFINE_WAIT(w);
               prepare_to_wait(&lost_wq, &w, TASK_UNINTERRUPTIBLE);
               rtfuzz::rt::Schedule();
               finish_wait(&lost_wq, &w);
             }});
  s.AddTask({.name = "waker", .affinity = Cpu(1), .body = [] {
               WRITE_ONCE(lost_flag, 1);
               wake_up(&lost_wq);
             }});
  // Find a schedule where the waker runs between the check and the queueing.
  rtfuzz::sched::RandomSource random(1);
  ExecutionResult r;
  for (uint64_t i = 0; i < 2000; ++i) {
    r = machine_.Run(s, random, i);
    if (!r.ok()) break;
  }
  ASSERT_EQ(r.verdict, Verdict::kHang) << r.message;
  EXPECT_NE(r.message.find("waiting: task:waiter"), std::string::npos) << r.message;
  EXPECT_NE(r.details.find("task:waiter sleeps on lost_wq since step"), std::string::npos)
      << r.details;
  EXPECT_NE(r.details.find("the last wakeup on it, by task:waker at step"), std::string::npos)
      << r.details;
  EXPECT_NE(r.details.find("woke nobody"), std::string::npos) << r.details;
  rtfuzz::check::test_gallery::Gallery("hang", machine_, s, r);
}

}  // namespace
