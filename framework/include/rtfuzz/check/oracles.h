// framework/include/rtfuzz/check/oracles.h
//
// Oracles: the target-independent judges of an execution, as one
// rt::Observer. Attach one to a Machine and every scenario it runs gets them
// for free:
//
//   rt::Machine machine;
//   check::Oracles oracles;
//   machine.AddObserver(&oracles);
//
// Overview (docs/oracles.md has a real report of each kind)
//
// The oracles are fed by the lock events of lock_events.h (kapi's locks call
// them; a target's own lock calls them where the kernel calls lockdep) and
// look at the machine through rt::MachineView. Each is its own component:
//   deadlock     wait-for graph over contexts — a waiter waits for the
//                holders of its lock and for the context queued ahead of it;
//                an interrupted context waits for the context that
//                interrupted it on its CPU; a runnable task waits for what
//                keeps it off its CPU; a cycle is a real AA (one lock) or
//                ABBA (two or more) deadlock. missed-AA /
//                missed-ABBA, late-deadlock-detection, false-deadlock-report,
//                starvation-timeout (deadlock_oracle.cc).
//   inversion    a task waits on a lock whose transitive holder is runnable
//                but kept off its CPU by a task of intermediate priority, for
//                longer than a bound: priority-inversion (inversion_oracle.cc).
//   stall        no progress mark, a hung task, interrupt recursion: stall,
//                with what each CPU was doing (stall_oracle.cc).
//   safety       two holders of an exclusive lock, locks held at exit or by
//                a returning interrupt, invariants: mutual-exclusion,
//                leaked-lock, invariant (lock_table.cc).
//   noise        interrupts, IPIs and stolen time on isolated CPUs:
//                isolation-noise (noise_oracle.cc).
// Budgets come from the scenario (rt::OracleBudgets). A verdict ends the
// execution at once, with a lockdep-style report body and a signature.

#ifndef RTFUZZ_CHECK_ORACLES_H_
#define RTFUZZ_CHECK_ORACLES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/observer.h"

namespace rtfuzz::check {

namespace internal {
class OracleState;
}  // namespace internal

// What the oracles had to judge, summed over the executions they observed:
// a run that gave them nothing says so instead of reading as "clean".
struct OracleInput {
  uint64_t executions = 0;
  uint64_t lock_events = 0;   // Every lock event (lock_acquire .. lock_release).
  uint64_t acquisitions = 0;  // Holds begun: mutual-exclusion and leaked-lock judge these.
  uint64_t waits = 0;         // lock_contended: deadlock, starvation and inversion judge these.
  uint64_t task_waits = 0;    // The waits of tasks (what priority inversion needs).
  uint64_t lock_errors = 0;   // -EDEADLK/-ETIMEDOUT results: false-deadlock-report.
};

// "mutual-exclusion, leaked-lock: N acquisitions; ..." for summaries, and
// the warning (empty if none) when lock events were missing: one line each.
std::string DescribeInput(const OracleInput& input);
std::string InputWarning(const OracleInput& input);

class Oracles final : public rt::Observer {
 public:
  Oracles();
  ~Oracles() override;
  Oracles(const Oracles&) = delete;
  Oracles& operator=(const Oracles&) = delete;

  void OnExecutionStart(const rt::MachineView& view) override;
  void OnTick(const rt::MachineView& view) override;
  void OnInterruptExit(const rt::MachineView& view, rt::ContextId id) override;
  void OnHang(const rt::MachineView& view) override;
  void OnSpinDeadlock(const rt::MachineView& view) override;
  void OnExecutionEnd(const rt::MachineView& view) override;

  // The name of every lock the last execution's lock events named, by lock
  // id (the trace's object id for lock records): for pictures of the trace.
  std::map<uint32_t, std::string> LockNames() const;
  // What every execution observed so far gave the oracles.
  const OracleInput& input() const;

 private:
  std::unique_ptr<internal::OracleState> state_;
};

}  // namespace rtfuzz::check

#endif  // RTFUZZ_CHECK_ORACLES_H_
