// framework/src/kapi/kapi_reentry_test.cc
//
// The reentrancy features seeds 003 and 004 need: the hardirq entry/exit
// hooks (in_hardirq() false, interrupts off), irq_work's lists, lazy work,
// an arch without the self-IPI and its two invariants, softirq raising with
// its tracepoint and the tracepoint recursion check, need_resched entering
// __schedule()'s hook, on_each_cpu_cond() and tick_nohz_full_cpu().

#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/tick.h>
#include <linux/tracepoint.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/preempt_count.h"
#include "rtfuzz/sched/byte_source.h"

namespace {

using rtfuzz::Verdict;
using rtfuzz::rt::ContextKind;
using rtfuzz::rt::Cpu;
using rtfuzz::rt::ExecutionResult;
using rtfuzz::rt::HandlerId;
using rtfuzz::rt::Machine;
using rtfuzz::rt::Scenario;

std::vector<std::string> g_log;

ExecutionResult RunQuiet(const Scenario& s) {
  Machine machine;
  rtfuzz::sched::ByteSource none(nullptr, 0);
  return machine.Run(s, none);
}

// "kind:hardirq=<0|1>:irqs=<off|on>" of the running code.
std::string State(const char* what) {
  return std::string(what) + ":" +
         std::string(rtfuzz::rt::ContextKindName(rtfuzz::rt::CurrentContextKind())) +
         ":in_hardirq=" + std::to_string(in_hardirq() ? 1 : 0) +
         ":irqs=" + (irqs_disabled() ? "off" : "on");
}

TEST(HardirqHooksTest, EntryAndExitRunAroundEveryHardirqOutsideHardirqOffset) {
  Scenario s("hooks", 1);
  HandlerId irq = 0;
  s.OnReset([] { g_log.clear(); });
  s.OnHardirqEntry([] { g_log.push_back(State("entry")); });
  s.OnHardirqExit([] { g_log.push_back(State("exit")); });
  s.AddTask({.name = "t", .body = [&irq] { rtfuzz::rt::RaiseInterrupt(irq, 0); }});
  irq = s.AddInterrupt({.name = "i", .kind = ContextKind::kHardirq,
                        .handler = [] { g_log.push_back(State("handler")); }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"entry:hardirq:in_hardirq=0:irqs=off",
                                             "handler:hardirq:in_hardirq=1:irqs=off",
                                             "exit:hardirq:in_hardirq=0:irqs=off"}));
}

TEST(HardirqHooksTest, AnExitHookThatLeavesIrqsOnIsAContextImbalance) {
  Scenario s("hooks-imbalance", 1);
  HandlerId irq = 0;
  s.OnHardirqExit([] { rtfuzz::rt::LocalIrqEnable(); });
  s.AddTask({.name = "t", .body = [&irq] { rtfuzz::rt::RaiseInterrupt(irq, 0); }});
  irq = s.AddInterrupt({.name = "i", .kind = ContextKind::kHardirq, .handler = [] {}});
  EXPECT_EQ(RunQuiet(s).verdict, Verdict::kContextImbalance);
}

// --- irq_work ---

struct irq_work g_raised, g_lazy;

void LogWork(struct irq_work* w) {
  g_log.push_back(std::string(w == &g_lazy ? "lazy" : "raised") + ":" +
                  std::string(rtfuzz::rt::ContextKindName(rtfuzz::rt::CurrentContextKind())));
}

// One CPU; the tick (a hard timer at 1 ms) runs irq_work_tick().
Scenario IrqWorkScenario(const char* name, bool has_interrupt) {
  Scenario s(name, 1);
  s.OnReset([has_interrupt] {
    g_log.clear();
    irq_work_set_arch_has_interrupt(has_interrupt);
    init_irq_work(&g_raised, LogWork);
    init_irq_work_flags(&g_lazy, LogWork, IRQ_WORK_LAZY);
  });
  s.AddTimer({.name = "tick", .first_ns = 1'000'000, .max_fires = 1, .hard = true,
              .callback = [] {
                g_log.push_back("tick");
                irq_work_tick();
              }});
  s.AddTask({.name = "t", .body = [] {
               local_irq_disable();
               EXPECT_TRUE(irq_work_queue(&g_lazy));
               EXPECT_TRUE(irq_work_queue(&g_raised));
               EXPECT_FALSE(irq_work_queue(&g_raised));  // Still pending.
               EXPECT_TRUE(irq_work_is_pending(&g_raised));
               g_log.push_back("queued");
               local_irq_enable();
               rtfuzz::rt::SleepFor(2'000'000);
             }});
  return s;
}

TEST(IrqWorkListsTest, SelfIpiRunsRaisedWorkAtOnceAndLazyWorkAtTheTick) {
  Scenario s = IrqWorkScenario("self-ipi", true);
  ASSERT_TRUE(RunQuiet(s).ok());
  // The raise runs the raised list and (non-RT or not) the lazy list the
  // interrupt finds: irq_work_run() takes both.
  EXPECT_EQ(g_log, (std::vector<std::string>{"queued", "raised:hardirq", "lazy:hardirq", "tick"}));
}

TEST(IrqWorkListsTest, WithoutTheArchInterruptEveryWorkWaitsForTheTick) {
  Scenario s = IrqWorkScenario("no-ipi", false);
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"queued", "tick", "raised:hardirq", "lazy:hardirq"}));
}

TEST(IrqWorkListsTest, ReinitialisingAQueuedWorkIsAnInvariantNamingTheWork) {
  Scenario s("reinit", 1);
  s.OnReset([] {
    irq_work_set_arch_has_interrupt(false);
    init_irq_work(&g_raised, LogWork);
  });
  s.AddTask({.name = "t", .body = [] {
               EXPECT_TRUE(irq_work_queue(&g_raised));
               init_irq_work(&g_raised, LogWork);  // Still on the list.
               (void)irq_work_queue(&g_raised);
             }});
  const ExecutionResult r = RunQuiet(s);
  EXPECT_EQ(r.verdict, Verdict::kInvariant);
  EXPECT_NE(r.message.find("never re-initialise a queued irq_work"), std::string::npos);
  EXPECT_NE(r.message.find("g_raised"), std::string::npos) << r.message;
}

TEST(IrqWorkListsTest, ACopiedOverQueuedWorkIsCaughtAsAListCycle) {
  Scenario s("cycle", 1);
  s.OnReset([] {
    irq_work_set_arch_has_interrupt(false);
    init_irq_work(&g_raised, LogWork);
  });
  s.AddTask({.name = "t", .body = [] {
               EXPECT_TRUE(irq_work_queue(&g_raised));
               g_raised = IRQ_WORK_INIT_HARD(LogWork);  // Assignment: no init check.
               (void)irq_work_queue(&g_raised);
             }});
  const ExecutionResult r = RunQuiet(s);
  EXPECT_EQ(r.verdict, Verdict::kInvariant);
  EXPECT_NE(r.message.find("irq_work list stays acyclic"), std::string::npos) << r.message;
}

// --- softirq and tracepoint recursion ---

int g_raises = 0;
bool g_recurse = false;

void OnSoftirqRaise(void*, unsigned long nr, unsigned long) {
  g_log.push_back("softirq_raise:" + std::to_string(nr));
  if (g_recurse) raise_softirq_irqoff(RCU_SOFTIRQ);  // A probe that re-raises.
}

Scenario SoftirqScenario(const char* name, bool recurse) {
  Scenario s(name, 1);
  static HandlerId softirq = 0;
  s.OnReset([recurse] {
    g_log.clear();
    g_raises = 0;
    g_recurse = recurse;
    __tracepoint_softirq_raise.nr_probes = 0;
    tracepoint_probe_register(&__tracepoint_softirq_raise, OnSoftirqRaise, nullptr);
    rtfuzz_open_softirq(RCU_SOFTIRQ, softirq);
  });
  s.AddTask({.name = "t", .body = [] {
               local_irq_disable();
               raise_softirq_irqoff(RCU_SOFTIRQ);
               g_log.push_back("raised");
               local_irq_enable();
               g_log.push_back("irqs-on");
             }});
  softirq = s.AddInterrupt({.name = "RCU_SOFTIRQ", .kind = ContextKind::kSoftirq,
                            .handler = [] { g_log.push_back(State("rcu_core")); }});
  return s;
}

TEST(SoftirqTest, RaiseFiresTheTracepointAndRunsTheSoftirqWhenIrqsAreOn) {
  Scenario s = SoftirqScenario("softirq", false);
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"softirq_raise:9", "raised",
                                             "rcu_core:softirq:in_hardirq=0:irqs=on",
                                             "irqs-on"}));
}

TEST(SoftirqTest, AProbeThatReRaisesIsTracepointRecursion) {
  Scenario s = SoftirqScenario("softirq-recursion", true);
  const ExecutionResult r = RunQuiet(s);
  EXPECT_EQ(r.verdict, Verdict::kStall);
  EXPECT_NE(r.message.find("tracepoint recursion: softirq_raise fired 5 times"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(static_cast<int>(g_log.size()), TRACEPOINT_MAX_RECURSION);
}

TEST(SoftirqTest, RaisingWithIrqsOnOrAnUnboundVectorIsAFailure) {
  Scenario on("irqs-on", 1);
  on.OnReset([] { rtfuzz_open_softirq(RCU_SOFTIRQ, 0); });
  on.AddInterrupt({.name = "s", .kind = ContextKind::kSoftirq, .handler = [] {}});
  on.AddTask({.name = "t", .body = [] { raise_softirq_irqoff(RCU_SOFTIRQ); }});
  EXPECT_EQ(RunQuiet(on).verdict, Verdict::kFailure);
  Scenario unbound("unbound", 1);
  unbound.AddTask({.name = "t", .body = [] { raise_softirq(TIMER_SOFTIRQ); }});
  const ExecutionResult r = RunQuiet(unbound);
  EXPECT_EQ(r.verdict, Verdict::kFailure);
  EXPECT_NE(r.message.find("rtfuzz_open_softirq"), std::string::npos);
}

// --- need_resched and __schedule()'s hook ---

void NoteSwitch(bool preempt) { g_log.push_back(preempt ? "switch:preempt" : "switch:voluntary"); }

TEST(ReschedTest, NeedReschedEntersTheHookAtPreemptEnableAndSchedule) {
  Scenario s("resched", 1);
  s.OnReset([] {
    g_log.clear();
    sched_set_switch_hook(NoteSwitch);
  });
  s.AddTask({.name = "t", .body = [] {
               preempt_disable();
               set_tsk_need_resched(current);
               EXPECT_TRUE(need_resched());
               local_irq_disable();
               preempt_enable();  // Irqs off: not preemptible yet.
               g_log.push_back("irqs-off");
               local_irq_enable();
               preempt_disable();
               preempt_enable();  // Now it enters __schedule().
               EXPECT_FALSE(need_resched());
               EXPECT_EQ(cond_resched(), 0);
               schedule();
             }});
  ASSERT_TRUE(RunQuiet(s).ok());
  EXPECT_EQ(g_log, (std::vector<std::string>{"irqs-off", "switch:preempt", "switch:voluntary"}));
}

// --- on_each_cpu_cond and nohz_full ---

bool OddCpu(int cpu, void*) { return cpu % 2 == 1; }

TEST(OnEachCpuCondTest, CallsOnlyWhereTheConditionHoldsAndCountsIpisThere) {
  Scenario s("cond", 4);
  s.IsolateCpu(3);
  static int calls[4];
  s.OnReset([] {
    g_log.clear();
    for (int& c : calls) c = 0;
  });
  for (int cpu = 1; cpu < 4; ++cpu) {
    s.AddTask({.name = "idle" + std::to_string(cpu), .affinity = Cpu(cpu), .body = [] {
                 rtfuzz::rt::SleepFor(1'000'000);
               }});
  }
  s.AddTask({.name = "sender", .affinity = Cpu(1), .body = [] {
               EXPECT_TRUE(tick_nohz_full_cpu(3));
               EXPECT_FALSE(tick_nohz_full_cpu(1));
               on_each_cpu_cond(OddCpu, [](void*) {
                 ++calls[smp_processor_id()];
                 g_log.push_back(State(smp_processor_id() == 1 ? "local" : "remote"));
               }, nullptr, 1);
             }});
  const ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(calls[0], 0);
  EXPECT_EQ(calls[1], 1);  // Local.
  EXPECT_EQ(calls[2], 0);
  EXPECT_EQ(calls[3], 1);  // An IPI.
  // The remote call is an IPI (hardirq on CPU3); the local one runs in the
  // sender with interrupts off.
  EXPECT_EQ(g_log, (std::vector<std::string>{"local:task:in_hardirq=0:irqs=off",
                                             "remote:hardirq:in_hardirq=1:irqs=off"}));
}

}  // namespace
