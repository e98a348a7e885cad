// targets/rqspinlock/scenarios.cc: the scenarios of scenarios.h.

#include <cstdlib>
#include <string>

#include "rtfuzz/base/check.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"
#include "scenarios.h"

#include "rqspinlock.h"

#include <asm/processor.h>
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/timekeeping.h>

namespace rtfuzz::targets::rqspinlock {
namespace {

rqspinlock_t lock_a, lock_b;

// Every scenario's progress mark (SetBudgets): an attempt returned.
constexpr rt::MarkId kReturnedMark = 0;

// Critical-section data and holder counts, per lock (plain: not points).
struct Guarded {
  int data = 0;
  int holders = 0;
};
Guarded guard_a, guard_b;

// nmi-starve: contenders still running (CPU0's task spins until 0).
atomic_t contenders_left;

Guarded* GuardOf(rqspinlock_t* lock) { return lock == &lock_a ? &guard_a : &guard_b; }

void Reset(const rqspinlock_variant& v, int nr_cpus) {
  rqspinlock_cfg = v;
  rqspinlock_init(&lock_a, "A");
  rqspinlock_init(&lock_b, "B");
  guard_a = {};
  guard_b = {};
  rqspinlock_reset_percpu(nr_cpus);
}

// One attempt with the R-I1..R-I3 checks; on success the lock is held with
// interrupts saved in *flags.
int Take(rqspinlock_t* lock, unsigned long* flags) {
  const int cpu = smp_processor_id();
  const int cnt = rqspinlock_held_cnt(cpu);
  const int nodes = rqspinlock_node_count(cpu);
  const int ret = raw_res_spin_lock_irqsave(lock, *flags);
  rt::Progress(kReturnedMark);  // Success or error: the lock returned.

  check::Invariant(ret == 0 || ret == -EDEADLK || ret == -ETIMEDOUT,
                   "res_spin_lock returns 0, -EDEADLK or -ETIMEDOUT", "scenarios.cc");
  check::Invariant(rqspinlock_held_cnt(cpu) == cnt + (ret == 0 ? 1 : 0),
                   "held.cnt grows by 1 on success, is unchanged on failure (R-I3)",
                   "scenarios.cc");
  check::Invariant(rqspinlock_node_count(cpu) == nodes,
                   "rqnodes[0].count is restored by res_spin_lock", "scenarios.cc");
  if (ret == 0) {
    Guarded* g = GuardOf(lock);
    ++g->holders;
    check::Invariant(g->holders == 1, "one holder at a time (R-I1)", "scenarios.cc");
  }
  return ret;
}

void Drop(rqspinlock_t* lock, unsigned long flags) {
  const int cpu = smp_processor_id();
  const int cnt = rqspinlock_held_cnt(cpu);

  --GuardOf(lock)->holders;
  raw_res_spin_unlock_irqrestore(lock, flags);
  check::Invariant(rqspinlock_held_cnt(cpu) == cnt - 1,
                   "unlock pops one held entry (R-I3)", "scenarios.cc");
}

// A critical section of `steps` shared reads and writes.
void Work(rqspinlock_t* lock, int steps) {
  Guarded* g = GuardOf(lock);
  for (int i = 0; i < steps; ++i) {
    if (i % 2 == 0) {
      (void)READ_ONCE(g->data);
    } else {
      WRITE_ONCE(g->data, g->data + 1);
    }
  }
}

// A long critical section: a busy wait on the clock, as a BPF program
// looping under the lock. cpu_relax() lets the machine see it stuck and
// warp over it instead of stepping through milliseconds.
void Hold(uint64_t ns) {
  const uint64_t end = ktime_get_mono_fast_ns() + ns;
  while (ktime_get_mono_fast_ns() < end) cpu_relax();
}

// Take, work, drop; returns the lock's result.
int Section(rqspinlock_t* lock, int steps) {
  unsigned long flags = 0;
  const int ret = Take(lock, &flags);
  if (ret == 0) {
    Work(lock, steps);
    Drop(lock, flags);
  }
  return ret;
}

// A BPF program in an NMI: one attempt; it leaves this CPU's table and node
// count as it found them (R-I3), and never returns holding the lock.
void NmiProgram(rqspinlock_t* lock) {
  const int cpu = smp_processor_id();
  const int cnt = rqspinlock_held_cnt(cpu);
  const int nodes = rqspinlock_node_count(cpu);
  (void)Section(lock, 2);
  check::Invariant(rqspinlock_held_cnt(cpu) == cnt && rqspinlock_node_count(cpu) == nodes,
                   "an NMI leaves held.cnt and rqnodes[0].count as it found them (R-I3)",
                   "scenarios.cc");
}

// What the oracles hold every scenario to under version `v`, from the
// lock's constants (rqspinlock.h) and the machine's time warp, which
// overshoots a spinner's next clock check by at most 1/8 of the spinning so
// far (docs/architecture.md#time-warp).
void SetBudgets(rt::Scenario& s, const rqspinlock_variant& v) {
  rt::OracleBudgets& b = s.budgets();
  b.tolerated_windows = ToleratedWindows(v);
  // Missed AA/ABBA: the longest wait the lock allows is the TAS fallback's
  // 1 s (the queue head's is 2 x RES_DEF_TIMEOUT = 500 ms); a wait in a
  // true deadlock past 1 s + 1/8 overshoot cannot be the lock timing out.
  b.deadlock_ns = NSEC_PER_SEC + NSEC_PER_SEC / 8;
  // From (b) the first check_timeout() of every wait loop runs the AA check
  // before it reads the clock: a same-CPU AA ends within a few dozen steps
  // (a few hundred ns). 100 us leaves room and still flags b's 1 ms.
  b.late_aa_ns = 100 * NSEC_PER_USEC;
  // ABBA is checked at the first poll more than 1 ms (P) after the wait's
  // previous check; entries are published before the attempt from (a) on,
  // so the check that follows the cycle sees it: at most P after the cycle
  // formed, plus the warp's overshoot of that poll, 1/8 of at most P + the
  // overshoot itself: P * 8/7 = 1.143 ms. Measured: 1.120 ms at most in 1 M
  // abba executions under fixed (docs/targets/rqspinlock.md).
  b.late_abba_ns = NSEC_PER_MSEC * 8 / 7 + 1;
  // No progress: every attempt returns within the head's 2 x
  // RES_DEF_TIMEOUT (the pending and trylock loops: 250 ms; a non-head
  // waiter leaves with its head's hand-over or teardown), and no scenario
  // holds a lock longer than 25 ms, so some attempt returns at least every
  // 500 ms + 1/8 overshoot. A wait on a deadlock cycle is the deadlock
  // oracle's (deadlock_ns), not this check's.
  b.progress_ns = 2 * RES_DEF_TIMEOUT + RES_DEF_TIMEOUT / 4;
  const rt::MarkId returned = s.AddMark("res_spin_lock returned");
  RTFUZZ_CHECK(returned == kReturnedMark, "the scenario's first mark");
}

// The whole table is empty once every context is done.
void AddTableEndCheck(rt::Scenario& s, int nr_cpus) {
  s.AddEndCheck("held tables and node counts are empty (R-I3)", [nr_cpus] {
    for (int cpu = 0; cpu < nr_cpus; ++cpu) {
      if (rqspinlock_held_cnt(cpu) != 0 || rqspinlock_node_count(cpu) != 0) return false;
    }
    return true;
  });
  s.AddEndCheck("lock words are free (R-I2)", [] {
    return lock_a.val.counter == 0 && lock_b.val.counter == 0;
  });
}

// The BPF perf_event program: an NMI on CPU0 from the PMU's step counter,
// with a period in [1, max_period] and its phase chosen by decisions, so it
// can land on any step; it takes `lock` once.
void AddPerfNmi(rt::Scenario& s, rqspinlock_t* lock, uint64_t max_period) {
  s.AddInterrupt({.name = "perf", .kind = rt::ContextKind::kNmi, .cpus = rt::Cpu(0),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, max_period, 1),
                  .handler = [lock] { NmiProgram(lock); }});
}

}  // namespace

rt::Scenario MakeTaskNmi(const rqspinlock_variant& v) {
  rt::Scenario s("task-nmi", 1);
  SetBudgets(s, v);
  s.OnReset([v] { Reset(v, 1); });
  s.AddTask({.name = "prog", .body = [] {
               for (int i = 0; i < 2; ++i) (void)Section(&lock_a, 2);
             }});
  AddPerfNmi(s, &lock_a, 64);
  AddTableEndCheck(s, 1);
  return s;
}

rt::Scenario MakeNmiQueue(const rqspinlock_variant& v) {
  constexpr int kCpus = 3;
  rt::Scenario s("nmi-queue", kCpus);
  SetBudgets(s, v);
  s.OnReset([v] { Reset(v, kCpus); });
  for (int cpu = 0; cpu < kCpus; ++cpu) {
    s.AddTask({.name = "prog" + std::to_string(cpu), .affinity = rt::Cpu(cpu), .body = [] {
                 for (int i = 0; i < 2; ++i) (void)Section(&lock_a, 4);
               }});
  }
  AddPerfNmi(s, &lock_a, 96);
  AddTableEndCheck(s, kCpus);
  return s;
}

rt::Scenario MakeAbba(const rqspinlock_variant& v) {
  constexpr int kCpus = 2;
  rt::Scenario s("abba", kCpus);
  SetBudgets(s, v);
  s.OnReset([v] { Reset(v, kCpus); });
  for (int cpu = 0; cpu < kCpus; ++cpu) {
    s.AddTask({.name = "prog" + std::to_string(cpu), .affinity = rt::Cpu(cpu), .body = [cpu] {
                 rqspinlock_t* first = cpu == 0 ? &lock_a : &lock_b;
                 rqspinlock_t* second = cpu == 0 ? &lock_b : &lock_a;
                 unsigned long f1 = 0, f2 = 0;
                 if (Take(first, &f1) != 0) return;
                 Work(first, 2);
                 if (Take(second, &f2) == 0) {
                   Work(second, 2);
                   Drop(second, f2);
                 }
                 Drop(first, f1);
               }});
  }
  s.AddInterrupt({.name = "perf", .kind = rt::ContextKind::kNmi, .cpus = rt::AllCpus(kCpus),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 64, 1),
                  .handler = [] {
                    NmiProgram(smp_processor_id() == 0 ? &lock_b : &lock_a);
                  }});
  AddTableEndCheck(s, kCpus);
  return s;
}

rt::Scenario MakeNmiStarve(const rqspinlock_variant& v) {
  constexpr int kCpus = 3;
  // 2 contenders x 7 rounds x 25 ms: A is never free for 350 ms, longer
  // than the NMI's 250 ms trylock loop, whenever the NMI comes early.
  constexpr int kRounds = 7;
  constexpr uint64_t kHoldNs = 25 * NSEC_PER_MSEC;
  rt::Scenario s("nmi-starve", kCpus);
  SetBudgets(s, v);
  s.OnReset([v] {
    Reset(v, kCpus);
    atomic_set(&contenders_left, kCpus - 1);
  });
  // CPU0's task never takes A; it only runs, so the PMU's NMI fires.
  s.AddTask({.name = "idle0", .affinity = rt::Cpu(0), .body = [] {
               while (atomic_read(&contenders_left) > 0) cpu_relax();
             }});
  for (int cpu = 1; cpu < kCpus; ++cpu) {
    s.AddTask({.name = "prog" + std::to_string(cpu), .affinity = rt::Cpu(cpu), .body = [] {
                 for (int i = 0; i < kRounds; ++i) {
                   unsigned long flags = 0;
                   if (Take(&lock_a, &flags) != 0) continue;
                   Hold(kHoldNs);
                   Drop(&lock_a, flags);
                 }
                 // An atomic RMW: the two contenders may finish at once on
                 // real CPUs (the native backend).
                 atomic_dec(&contenders_left);
               }});
  }
  AddPerfNmi(s, &lock_a, 96);
  AddTableEndCheck(s, kCpus);
  return s;
}

rt::Scenario MakeNmiNested(const rqspinlock_variant& v) {
  constexpr int kCpus = 4;
  constexpr int kRounds = 7;
  constexpr uint64_t kHoldNs = 25 * NSEC_PER_MSEC;
  rt::Scenario s("nmi-nested", kCpus);
  SetBudgets(s, v);
  s.OnReset([v] { Reset(v, kCpus); });
  // CPU0 and CPU3 take A while the B holders pass through it, so CPU0's
  // task often sits in A's queue (its rqnodes[0] in use: idx > 0 in NMI).
  // The NMI comes within CPU0's first 192 steps, early in B's 350 ms.
  for (int cpu : {0, 3}) {
    s.AddTask({.name = "prog" + std::to_string(cpu), .affinity = rt::Cpu(cpu), .body = [] {
                 for (int i = 0; i < 3; ++i) (void)Section(&lock_a, 2);
               }});
  }
  // CPU1 and CPU2: A then B (same order, no ABBA), then 25 ms on B alone,
  // back to back: B is never free for 350 ms.
  for (int cpu = 1; cpu <= 2; ++cpu) {
    s.AddTask({.name = "prog" + std::to_string(cpu), .affinity = rt::Cpu(cpu), .body = [] {
                 for (int i = 0; i < kRounds; ++i) {
                   unsigned long fa = 0, fb = 0;
                   if (Take(&lock_a, &fa) != 0) continue;
                   if (Take(&lock_b, &fb) != 0) {
                     Drop(&lock_a, fa);
                     continue;
                   }
                   // Out of order: A's unlock restores B's (disabled) flags.
                   Drop(&lock_a, fb);
                   Hold(kHoldNs);
                   Drop(&lock_b, fa);
                 }
               }});
  }
  AddPerfNmi(s, &lock_b, 96);
  AddTableEndCheck(s, kCpus);
  return s;
}

rt::Scenario MakeNmiCount(const rqspinlock_variant& v) {
  constexpr int kCpus = 4;
  rt::Scenario s("nmi-count", kCpus);
  SetBudgets(s, v);
  s.OnReset([v] { Reset(v, kCpus); });
  // CPU1 holds A and B for 1 ms; CPU2 and CPU3 wait on them as pending
  // waiters, so CPU0's task and an NMI on CPU0 (on B: A would stop at (e)'s
  // AA check) both reach `queue` and its rqnodes[0].count increment.
  s.AddTask({.name = "holder1", .affinity = rt::Cpu(1), .body = [] {
               unsigned long fa = 0, fb = 0;
               if (Take(&lock_a, &fa) != 0) return;
               if (Take(&lock_b, &fb) == 0) {
                 Hold(NSEC_PER_MSEC);
                 Drop(&lock_b, fb);
               }
               Drop(&lock_a, fa);
             }});
  for (int cpu = 2; cpu <= 3; ++cpu) {
    s.AddTask({.name = "pending" + std::to_string(cpu), .affinity = rt::Cpu(cpu),
               .start_ns = 2 * NSEC_PER_USEC, .body = [cpu] {
                 (void)Section(cpu == 2 ? &lock_a : &lock_b, 2);
               }});
  }
  s.AddTask({.name = "prog0", .affinity = rt::Cpu(0), .start_ns = 5 * NSEC_PER_USEC,
             .body = [] { (void)Section(&lock_a, 2); }});
  // A short period: the NMI lands on one of the first ~30 steps of CPU0,
  // the path to the count's load included.
  AddPerfNmi(s, &lock_b, 16);
  AddTableEndCheck(s, kCpus);
  return s;
}

rt::Scenario MakeStress(const rqspinlock_variant& v) {
  constexpr int kCpus = 3;
  rt::Scenario s("stress", kCpus);
  SetBudgets(s, v);
  s.OnReset([v] { Reset(v, kCpus); });
  for (int cpu = 0; cpu < kCpus; ++cpu) {
    s.AddTask({.name = "t" + std::to_string(cpu), .affinity = rt::Cpu(cpu), .body = [] {
                 for (int i = 0; i < 3; ++i) {
                   const int ret = Section(&lock_a, 3);
                   check::Invariant(ret == 0, "uncontended by deadlocks: every attempt succeeds",
                                    "scenarios.cc");
                 }
               }});
  }
  AddTableEndCheck(s, kCpus);
  // Work(_, 3) writes once per section.
  s.AddEndCheck("every critical section ran", [] { return guard_a.data == 3 * 3; });
  return s;
}

uint32_t ToleratedWindows(const rqspinlock_variant& v) {
  uint32_t windows = 0;
  if (v.entry_first) windows |= rt::window::kEntryBeforeAcquire | rt::window::kEntryAfterRelease;
  if (v.single_trylock) windows |= rt::window::kNmiOverWaiter;
  return windows;
}

const std::vector<std::string_view>& ScenarioNames() {
  static const std::vector<std::string_view> names = {"task-nmi", "nmi-queue", "abba",
                                                       "stress",   "nmi-starve", "nmi-nested", "nmi-count"};
  return names;
}

rt::Scenario MakeScenario(std::string_view name, const rqspinlock_variant& v) {
  if (name == "task-nmi") return MakeTaskNmi(v);
  if (name == "nmi-queue") return MakeNmiQueue(v);
  if (name == "abba") return MakeAbba(v);
  if (name == "nmi-starve") return MakeNmiStarve(v);
  if (name == "nmi-nested") return MakeNmiNested(v);
  if (name == "nmi-count") return MakeNmiCount(v);
  return MakeStress(v);
}

}  // namespace rtfuzz::targets::rqspinlock
