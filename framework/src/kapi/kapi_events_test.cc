// framework/src/kapi/kapi_events_test.cc
//
// irq_work, cross-CPU calls, wait queues and tracepoints: where and when each
// runs, what it counts, and that the wait-queue protocol loses no wakeup
// while the classic misuse (checking before queueing) does.

#include <linux/compiler.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/smp.h>
#include <linux/tracepoint.h>
#include <linux/wait.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/observer.h"
#include "rtfuzz/rt/preempt_count.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"

namespace {

using rtfuzz::rt::ContextKind;
using rtfuzz::rt::Cpu;
using rtfuzz::rt::ExecutionResult;
using rtfuzz::rt::Machine;
using rtfuzz::rt::Scenario;
using rtfuzz::sched::ByteSource;

std::vector<std::string> g_log;

std::string Where() {
  const uint32_t pc = rtfuzz::rt::PreemptCount();
  const char* kind = rtfuzz::rt::InNmi(pc)       ? "nmi"
                     : rtfuzz::rt::InHardirq(pc) ? "hardirq"
                                                  : "task";
  return std::string(kind) + "@" + std::to_string(rtfuzz::rt::CurrentCpu());
}

ExecutionResult RunQuiet(const Scenario& s) {
  Machine machine;
  ByteSource none(nullptr, 0);
  return machine.Run(s, none);
}

struct irq_work g_work;

TEST(IrqWorkTest, RunsInHardirqAtTheNextPointWithIrqsOnAndNotTwiceWhilePending) {
  Scenario s("irq-work", 1);
  s.OnReset([] {
    g_log.clear();
    init_irq_work(&g_work, [](struct irq_work*) { g_log.push_back("work:" + Where()); });
  });
  s.AddTask({.name = "t", .body = [] {
               const unsigned long flags = rtfuzz::rt::LocalIrqSave();
               EXPECT_TRUE(irq_work_queue(&g_work));
               EXPECT_FALSE(irq_work_queue(&g_work));  // Still pending.
               g_log.push_back("irqs-off");
               rtfuzz::rt::LocalIrqRestore(flags);
               g_log.push_back("irqs-on");
             }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"irqs-off", "work:hardirq@0", "irqs-on"}));
}

TEST(IrqWorkTest, QueuedFromAnNmiRunsAfterTheNmiReturns) {
  Scenario s("irq-work-nmi", 1);
  rtfuzz::rt::HandlerId nmi = 0;
  s.OnReset([] {
    g_log.clear();
    init_irq_work(&g_work, [](struct irq_work*) { g_log.push_back("work:" + Where()); });
  });
  s.AddTask({.name = "t", .body = [&nmi] {
               rtfuzz::rt::RaiseInterrupt(nmi, 0);
               g_log.push_back("task");
             }});
  nmi = s.AddInterrupt({.name = "n", .kind = ContextKind::kNmi, .handler = [] {
                          irq_work_queue(&g_work);
                          g_log.push_back("nmi-end");
                        }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"nmi-end", "work:hardirq@0", "task"}));
}

TEST(SmpTest, CallsRunOnTheTargetInHardirqAndWaitSpinsUntilDone) {
  struct Probe : rtfuzz::rt::Observer {
    void OnExecutionEnd(const rtfuzz::rt::MachineView& v) override {
      ipis1 = v.cpu_noise(1).ipis;
      ipis2 = v.cpu_noise(2).ipis;
    }
    uint64_t ipis1 = 0, ipis2 = 0;
  } probe;
  Scenario s("smp", 3);
  s.OnReset([] { g_log.clear(); });
  s.AddTask({.name = "caller", .affinity = Cpu(0), .body = [] {
               smp_call_function_single(
                   1, [](void*) { g_log.push_back("single:" + Where()); }, nullptr, 1);
               g_log.push_back("after-single");  // wait = 1: it has run.
               on_each_cpu([](void*) { g_log.push_back("each:" + Where()); }, nullptr, 1);
               g_log.push_back("after-each");
             }});
  Machine machine;
  machine.AddObserver(&probe);
  ByteSource none(nullptr, 0);
  ExecutionResult r = machine.Run(s, none);
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(g_log.size(), 6u);
  EXPECT_EQ(g_log[0], "single:hardirq@1");
  EXPECT_EQ(g_log[1], "after-single");
  // The local call runs with interrupts disabled in task context.
  EXPECT_NE(std::find(g_log.begin(), g_log.end(), "each:task@0"), g_log.end());
  EXPECT_NE(std::find(g_log.begin(), g_log.end(), "each:hardirq@1"), g_log.end());
  EXPECT_NE(std::find(g_log.begin(), g_log.end(), "each:hardirq@2"), g_log.end());
  EXPECT_EQ(g_log[5], "after-each");
  EXPECT_EQ(probe.ipis1, 2u);
  EXPECT_EQ(probe.ipis2, 1u);
}

// A waiter sleeps until `ready`; a waker on another CPU sets it and wakes.
// `check_first` is the classic bug: testing the condition before queueing
// and setting the task state, so a wakeup in between is lost.
struct Handshake {
  wait_queue_head_t wq;
  int ready = 0;
};
Handshake g_hs;

Scenario MakeHandshake(bool check_first) {
  Scenario s(check_first ? "lost-wakeup" : "wait-event", 2);
  s.OnReset([] {
    init_waitqueue_head(&g_hs.wq);
    g_hs.ready = 0;
  });
  s.AddTask({.name = "waiter", .affinity = Cpu(0), .body = [check_first] {
               if (!check_first) {
                 wait_event(g_hs.wq, READ_ONCE(g_hs.ready));
                 return;
               }
               while (!READ_ONCE(g_hs.ready)) {
                 DEFINE_WAIT(w);
                 prepare_to_wait(&g_hs.wq, &w, TASK_UNINTERRUPTIBLE);
                 rtfuzz::rt::Schedule();  // No re-check after queueing.
                 finish_wait(&g_hs.wq, &w);
               }
             }});
  s.AddTask({.name = "waker", .affinity = Cpu(1), .body = [] {
               WRITE_ONCE(g_hs.ready, 1);
               wake_up(&g_hs.wq);
             }});
  return s;
}

TEST(WaitQueueTest, WaitEventLosesNoWakeupAndCheckingBeforeQueueingDoes) {
  Scenario good = MakeHandshake(false);
  Scenario bad = MakeHandshake(true);
  Machine machine;
  rtfuzz::sched::RandomSource random(21);
  int lost = 0;
  for (uint64_t i = 0; i < 2000; ++i) {
    ExecutionResult r = machine.Run(good, random, i);
    ASSERT_TRUE(r.ok()) << r.message;
    ExecutionResult b = machine.Run(bad, random, i);
    if (!b.ok()) {
      ++lost;
      EXPECT_EQ(b.verdict, rtfuzz::Verdict::kHang) << b.message;
    }
  }
  EXPECT_GT(lost, 0);
}

DEFINE_TRACEPOINT(contention_begin)

TEST(TracepointTest, ProbesRunInTheFiringContext) {
  Scenario s("tracepoint", 1);
  rtfuzz::rt::HandlerId nmi = 0;
  s.OnReset([] {
    g_log.clear();
    __tracepoint_contention_begin.nr_probes = 0;
    tracepoint_probe_register(
        &__tracepoint_contention_begin,
        [](void* data, unsigned long a, unsigned long) {
          g_log.push_back(std::string(static_cast<const char*>(data)) + ":" + Where() + ":" +
                          std::to_string(a));
        },
        const_cast<char*>("probe"));
  });
  s.AddTask({.name = "t", .body = [&nmi] {
               trace_contention_begin(7);
               rtfuzz::rt::RaiseInterrupt(nmi, 0);
             }});
  nmi = s.AddInterrupt({.name = "n", .kind = ContextKind::kNmi,
                        .handler = [] { trace_contention_begin(8); }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"probe:task@0:7", "probe:nmi@0:8"}));
}

// --- hrtimer ---

struct HrtimerProbe {
  struct hrtimer timer;
  int fired = 0;
  std::vector<std::string> where;
};
HrtimerProbe g_hrtimer;

enum hrtimer_restart HrtimerTick(struct hrtimer *timer) {
  HrtimerProbe *p = &g_hrtimer;
  p->where.push_back(std::string(rtfuzz::rt::ContextKindName(rtfuzz::rt::CurrentContextKind())) +
                     "@" + std::to_string(ktime_to_us(hrtimer_get_expires(timer))) + "us");
  if (++p->fired == 3) return HRTIMER_NORESTART;
  hrtimer_forward_now(timer, 10 * NSEC_PER_USEC);
  return HRTIMER_RESTART;
}

TEST(HrtimerTest, SoftTimersRunInKtimersOnRtAndHardOnesInHardirqAndRestart) {
  for (const bool hard : {false, true}) {
    for (const bool rt : {true, false}) {
      Scenario s("hrtimer", 1);
      s.SetPreemptRt(rt);
      const enum hrtimer_mode mode = hard ? HRTIMER_MODE_REL_HARD : HRTIMER_MODE_REL_SOFT;
      rtfuzz_hrtimer_declare(s, &g_hrtimer.timer, 0, mode);
      s.OnReset([] {
        g_hrtimer.fired = 0;
        g_hrtimer.where.clear();
      });
      s.AddTask({.name = "t", .body = [mode] {
                   hrtimer_setup(&g_hrtimer.timer, HrtimerTick, 1, mode);
                   hrtimer_start(&g_hrtimer.timer, 5 * NSEC_PER_USEC, mode);
                   rtfuzz::rt::SleepFor(50'000);
                   EXPECT_EQ(hrtimer_try_to_cancel(&g_hrtimer.timer), 0);
                 }});
      Machine machine;
      ByteSource none(nullptr, 0);
      ExecutionResult r = machine.Run(s, none);
      ASSERT_TRUE(r.ok()) << r.message;
      const std::string kind = hard ? "hardirq" : rt ? "task" : "softirq";
      // Armed at 5 us after the first points; forwarded by 10 us each time.
      ASSERT_EQ(g_hrtimer.where.size(), 3u) << kind;
      EXPECT_EQ(g_hrtimer.where,
                (std::vector<std::string>{kind + "@5us", kind + "@15us", kind + "@25us"}));
    }
  }
}

}  // namespace
