// framework/src/check/tolerated_windows_test.cc
//
// Each tolerated window (rt::window) on a small resilient lock written here:
// a test-and-set lock with a per-CPU table of entries, like rqspinlock's
// held-locks table, whose detector returns -EDEADLK when a lower context of
// its CPU has an entry for the lock. Each window is tolerated where the
// graph shows it and the scenario accepts it, and reported as
// false-deadlock-report in its near misses: the scenario does not accept it
// (the lock version before the change), the entry names another lock, the
// entry is on another CPU, the reporter is not an NMI.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/byte_source.h"
#include "tas_lock_for_test.h"

namespace rtfuzz::check {
namespace {

using rt::ContextKind;
using rt::Cpu;
using rt::ExecutionResult;
using rt::Op;
using rt::Scenario;

constexpr const char* kSite = "tolerated_windows_test.cc";
constexpr rt::HandlerId kNmi = 0;  // Each scenario's only interrupt handler.

// A test-and-set lock whose attempts publish entries in Tables.
using ResLock = test_locks::TasLock;

// What the detector reads: per CPU, the locks its contexts hold or take.
struct Tables {
  std::vector<ResLock*> cpu[3];
  // A detector that ignores which lock an entry names (a buggy one): any
  // lower entry counts.
  bool any_lock = false;
  // A detector that also reads the other CPU's table for AA (a buggy one).
  bool remote = false;
};

class World {
 public:
  ResLock a{1, "A"}, b{2, "B"};
  Tables tables;
  int step = 0;  // Hand-over between the CPUs' tasks (plain, a point each change).
  // Runs once when an attempt has to wait (after LockContended).
  std::function<void()> on_contended;

  void Reset() {
    a.locked = b.locked = 0;
    for (std::vector<ResLock*>& t : tables.cpu) t.clear();
    step = 0;
    on_contended = nullptr;
  }

  void Publish(ResLock& l) {
    LockEntryPublished(l.id, kSite);  // The step of the store below.
    tables.cpu[rt::CurrentCpu()].push_back(&l);
    rt::Point(Op::kWrite, 100, l.id, rt::kPointWrite);
  }
  void Clear(ResLock& l) {
    LockEntryCleared(l.id, kSite);
    tables.cpu[rt::CurrentCpu()].pop_back();
    rt::Point(Op::kWrite, 100, 0, rt::kPointWrite);
  }
  bool TryTas(ResLock& l) { return test_locks::TryTas(l, kSite); }
  // An entry below this attempt's own (the top one) that names `l`.
  bool Detects(ResLock& l) {
    const int me = rt::CurrentCpu();
    for (int cpu = 0; cpu < 3; ++cpu) {
      if (cpu != me && !tables.remote) continue;
      const std::vector<ResLock*>& t = tables.cpu[cpu];
      const size_t below = cpu == me ? t.size() - 1 : t.size();
      for (size_t i = 0; i < below; ++i) {
        if (t[i] == &l || tables.any_lock) return true;
      }
    }
    return false;
  }
  // The entry first, then the cmpxchg; `between` runs in between (e.g.
  // raises the NMI, delivered at the cmpxchg's point). On contention the
  // detector looks once: -EDEADLK, or the lock after spinning. `single`:
  // one trylock only, failing with -EDEADLK (rqspinlock's (d)).
  int Take(ResLock& l, const std::function<void()>& between = {}, bool single = false) {
    LockAcquire(l.id, l.name, LockMode::kExclusive, false, kSite);
    Publish(l);
    if (between) between();
    if (TryTas(l)) return 0;
    LockContended(l.id, kSite);
    if (on_contended) std::exchange(on_contended, nullptr)();
    if (single || Detects(l)) {
      Clear(l);
      LockFailed(l.id, -kEdeadlk, kSite);
      return -kEdeadlk;
    }
    while (!TryTas(l)) rt::Spin(l.id);
    return 0;
  }
  // Release first, then the entry (rqspinlock's order from (a) on);
  // `between` runs in between.
  void Unlock(ResLock& l, const std::function<void()>& between = {}) {
    LockRelease(l.id, kSite);
    l.locked = 0;
    rt::Point(Op::kWrite, l.id, 0, rt::kPointWrite);
    if (between) between();
    Clear(l);
  }
  void Set(int value) {
    step = value;
    rt::Point(Op::kWrite, 200, static_cast<uint64_t>(value), rt::kPointWrite);
  }
  void WaitFor(int value) {
    while (step < value) rt::Spin(200);
  }
};

class ToleratedWindowsTest : public ::testing::Test {
 protected:
  void SetUp() override { machine_.AddObserver(&oracles_); }
  ExecutionResult Run(const Scenario& s) {
    sched::ByteSource source(nullptr, 0);
    return machine_.Run(s, source);
  }
  rt::Machine machine_;
  Oracles oracles_;
  World w_;
};

// CPU1's holder keeps `held` until step 2; CPU0's task runs `task0` at
// step 1 with the NMI `nmi_kind` on CPU0 (or CPU1 with nmi_cpu).
Scenario TwoCpus(World& w, uint32_t accepted, std::function<void()> task0,
                 std::function<void()> nmi, ResLock& held, ContextKind nmi_kind = ContextKind::kNmi,
                 int nmi_cpu = 0) {
  Scenario s("windows", 2);
  s.budgets().tolerated_windows = accepted;
  s.OnReset([&w] { w.Reset(); });
  s.AddTask({.name = "holder", .affinity = Cpu(1), .body = [&w, &held] {
               EXPECT_EQ(w.Take(held), 0);
               w.Set(1);
               w.WaitFor(2);
               w.Unlock(held);
             }});
  s.AddTask({.name = "t0", .affinity = Cpu(0), .body = [&w, task0] {
               w.WaitFor(1);
               task0();
               w.Set(2);
             }});
  s.AddInterrupt({.name = "nmi", .kind = nmi_kind, .cpus = Cpu(nmi_cpu), .handler = nmi});
  return s;
}

constexpr uint32_t kAll = rt::window::kEntryBeforeAcquire | rt::window::kEntryAfterRelease |
                          rt::window::kNmiOverWaiter;

// --- entry-before-acquire: the NMI lands between t0's entry and cmpxchg ---

Scenario EntryBeforeAcquire(World& w, uint32_t accepted, ResLock& entry) {
  return TwoCpus(
      w, accepted,
      [&w, &entry] {
        if (w.Take(entry, [] { rt::RaiseInterrupt(kNmi, 0); }) == 0) w.Unlock(entry);
      },
      [&w] {
        if (w.Take(w.a) == 0) w.Unlock(w.a);
        w.Set(2);  // The holder lets A go; t0 then takes it.
      },
      w.a);
}

TEST_F(ToleratedWindowsTest, EntryBeforeAcquireIsToleratedAndTheExecutionGoesOn) {
  Scenario s = EntryBeforeAcquire(w_, kAll, w_.a);
  const ExecutionResult r = Run(s);
  EXPECT_TRUE(r.ok()) << r.message << "\n" << r.details;
  ASSERT_EQ(r.tolerated.size(), 1u);
  EXPECT_EQ(r.tolerated[0], "entry-before-acquire");
  EXPECT_EQ(w_.step, 2) << "the execution went on to its end";
}

TEST_F(ToleratedWindowsTest, EntryBeforeAcquireIsReportedWhereTheVersionLacksIt) {
  Scenario s = EntryBeforeAcquire(w_, kAll & ~rt::window::kEntryBeforeAcquire, w_.a);
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport);
  EXPECT_NE(r.message.find("falls in the entry-before-acquire window, which this scenario does "
                           "not accept"),
            std::string::npos)
      << r.message;
  EXPECT_NE(r.details.find("entries A (not held)"), std::string::npos) << r.details;
}

TEST_F(ToleratedWindowsTest, AnEntryForAnotherLockExplainsNothing) {
  w_.tables.any_lock = true;
  Scenario s = EntryBeforeAcquire(w_, kAll, w_.b);
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport) << r.message;
  EXPECT_NE(r.message.find("no wait-for cycle)"), std::string::npos) << r.message;
  EXPECT_TRUE(r.tolerated.empty());
}

// A detector that reads other CPUs' tables: the NMI on CPU1 (over a task
// that holds nothing) finds t0's early entry for A on CPU0. t0 waits for
// A's holder on CPU2, not for the NMI: no cycle, no window.
TEST_F(ToleratedWindowsTest, AnEntryOnAnotherCpuExplainsNothing) {
  w_.tables.remote = true;
  Scenario s("windows", 3);
  s.budgets().tolerated_windows = kAll;
  s.OnReset([this] { w_.Reset(); });
  s.AddTask({.name = "t0", .affinity = Cpu(0), .body = [this] {
               w_.WaitFor(1);
               if (w_.Take(w_.a, [this] {
                     rt::RaiseInterrupt(kNmi, 1);
                     w_.WaitFor(2);  // Between the entry and the cmpxchg.
                   }) == 0) {
                 w_.Unlock(w_.a);
               }
             }});
  s.AddTask({.name = "idle1", .affinity = Cpu(1), .body = [this] { w_.WaitFor(2); }});
  s.AddTask({.name = "holder", .affinity = Cpu(2), .body = [this] {
               EXPECT_EQ(w_.Take(w_.a), 0);
               w_.Set(1);
               w_.WaitFor(2);
               w_.Unlock(w_.a);
             }});
  s.AddInterrupt({.name = "nmi", .kind = ContextKind::kNmi, .cpus = Cpu(1), .handler = [this] {
                    if (w_.Take(w_.a) == 0) w_.Unlock(w_.a);
                    w_.Set(2);
                  }});
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport) << r.message << r.details;
  EXPECT_NE(r.message.find("no wait-for cycle)"), std::string::npos) << r.message;
}

// --- entry-after-release: the NMI lands between t0's release and entry clear,
// after the holder on CPU1 re-took the lock ---

Scenario EntryAfterRelease(World& w, uint32_t accepted, ResLock& stale) {
  Scenario s("windows", 2);
  s.budgets().tolerated_windows = accepted;
  s.OnReset([&w] { w.Reset(); });
  s.AddTask({.name = "t0", .affinity = Cpu(0), .body = [&w, &stale] {
               EXPECT_EQ(w.Take(stale), 0);
               w.Unlock(stale, [&w] {
                 w.Set(1);
                 w.WaitFor(2);  // The NMI comes meanwhile.
               });
             }});
  s.AddTask({.name = "retaker", .affinity = Cpu(1), .body = [&w] {
               w.WaitFor(1);
               EXPECT_EQ(w.Take(w.a), 0);
               rt::RaiseInterrupt(kNmi, 0);
               w.WaitFor(3);
               w.Unlock(w.a);
             }});
  s.AddInterrupt({.name = "nmi", .kind = ContextKind::kNmi, .cpus = Cpu(0), .handler = [&w] {
                    if (w.Take(w.a) == 0) w.Unlock(w.a);
                    w.Set(3);
                  }});
  return s;
}

TEST_F(ToleratedWindowsTest, EntryAfterReleaseIsTolerated) {
  Scenario s = EntryAfterRelease(w_, kAll, w_.a);
  // t0 waits for step 2, which nobody sets: the NMI's step 3 ends its wait.
  const ExecutionResult r = Run(s);
  EXPECT_TRUE(r.ok()) << r.message << "\n" << r.details;
  ASSERT_EQ(r.tolerated.size(), 1u);
  EXPECT_EQ(r.tolerated[0], "entry-after-release");
}

TEST_F(ToleratedWindowsTest, EntryAfterReleaseIsReportedWhereTheVersionLacksIt) {
  Scenario s = EntryAfterRelease(w_, kAll & ~rt::window::kEntryAfterRelease, w_.a);
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport);
  EXPECT_NE(r.message.find("entry-after-release window"), std::string::npos) << r.message;
  EXPECT_NE(r.details.find("entries A (released)"), std::string::npos) << r.details;
}

TEST_F(ToleratedWindowsTest, AStaleEntryForAnotherLockExplainsNothing) {
  w_.tables.any_lock = true;
  Scenario s = EntryAfterRelease(w_, kAll, w_.b);
  const ExecutionResult r = Run(s);
  EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport) << r.message;
  EXPECT_TRUE(r.tolerated.empty());
}

// --- nmi-over-waiter: the NMI's single trylock of B fails while t0, below
// it, waits for A; both are held by CPU1's holder ---

Scenario NmiOverWaiter(World& w, uint32_t accepted, bool t0_waits, ContextKind kind) {
  Scenario s("windows", 2);
  s.budgets().tolerated_windows = accepted;
  s.OnReset([&w] { w.Reset(); });
  s.AddTask({.name = "holder", .affinity = Cpu(1), .body = [&w] {
               EXPECT_EQ(w.Take(w.a), 0);
               EXPECT_EQ(w.Take(w.b), 0);
               w.Set(1);
               w.WaitFor(2);
               w.Unlock(w.b);
               w.Unlock(w.a);
             }});
  s.AddTask({.name = "t0", .affinity = Cpu(0), .body = [&w, t0_waits] {
               w.WaitFor(1);
               if (t0_waits) {
                 // The NMI lands once t0 waits for A.
                 w.on_contended = [] { rt::RaiseInterrupt(kNmi, 0); };
                 if (w.Take(w.a) == 0) w.Unlock(w.a);
               } else {
                 rt::RaiseInterrupt(kNmi, 0);
                 rt::Point(Op::kRead, 300, 0, rt::kPointRead);
               }
             }});
  s.AddInterrupt({.name = "nmi", .kind = kind, .cpus = Cpu(0), .handler = [&w] {
                    EXPECT_EQ(w.Take(w.b, {}, /*single=*/true), -kEdeadlk);
                    w.Set(2);
                  }});
  return s;
}

TEST_F(ToleratedWindowsTest, NmiOverWaiterIsTolerated) {
  Scenario s = NmiOverWaiter(w_, kAll, true, ContextKind::kNmi);
  const ExecutionResult r = Run(s);
  EXPECT_TRUE(r.ok()) << r.message << "\n" << r.details;
  ASSERT_EQ(r.tolerated.size(), 1u);
  EXPECT_EQ(r.tolerated[0], "nmi-over-waiter");
}

TEST_F(ToleratedWindowsTest, NmiOverWaiterNearMisses) {
  {
    Scenario s = NmiOverWaiter(w_, kAll & ~rt::window::kNmiOverWaiter, true, ContextKind::kNmi);
    const ExecutionResult r = Run(s);
    EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport) << "version before the change";
    EXPECT_NE(r.message.find("nmi-over-waiter window"), std::string::npos) << r.message;
  }
  {
    Scenario s = NmiOverWaiter(w_, kAll, false, ContextKind::kNmi);
    const ExecutionResult r = Run(s);
    EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport) << "nobody waits below the NMI";
  }
  {
    Scenario s = NmiOverWaiter(w_, kAll, true, ContextKind::kHardirq);
    const ExecutionResult r = Run(s);
    EXPECT_EQ(r.verdict, Verdict::kFalseDeadlockReport) << "a hardirq, not an NMI";
  }
}

// A true AA through the same entries is no window: the holder is below.
TEST_F(ToleratedWindowsTest, ATrueDeadlockIsNeverAWindow) {
  Scenario s("windows", 1);
  s.budgets().tolerated_windows = kAll;
  s.OnReset([this] { w_.Reset(); });
  s.AddTask({.name = "t0", .body = [this] {
               EXPECT_EQ(w_.Take(w_.a), 0);
               rt::RaiseInterrupt(kNmi, 0);
               w_.Unlock(w_.a);
             }});
  s.AddInterrupt({.name = "nmi", .kind = ContextKind::kNmi, .handler = [this] {
                    EXPECT_EQ(w_.Take(w_.a), -kEdeadlk);
                  }});
  const ExecutionResult r = Run(s);
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(r.tolerated.empty()) << "a detected true AA is neither a finding nor tolerated";
}

}  // namespace
}  // namespace rtfuzz::check
