// framework/include/rtfuzz/rt/machine.h
//
// Machine: the deterministic simulated computer that runs one execution of a
// Scenario at a time.
//
// Overview
//
// The machine has N virtual CPUs. Each CPU has a run queue of tasks and a stack
// of contexts: the running task at the bottom, then possibly softirq, hardirq
// and NMI contexts on top. Only the top context of a CPU runs; an interrupted
// context resumes only after everything above it returns. Tasks and handlers
// are Boost.Context fibers on pooled stacks, all on one OS thread.
//
// Every operation a body performs through rtfuzz/rt/context.h is a scheduling
// point. At a point, and nowhere else, the machine may switch which CPU steps
// next and may deliver an interrupt on the current CPU. The choices that are
// not fixed by the machine's rules (PREEMPT_RT priorities, masks, timers) come
// from one sched::DecisionSource and are recorded, so running the same
// scenario with the recorded decisions (sched::ReplaySource) gives the same
// trace, bit for bit: ExecutionResult::trace_hash is equal.
//
// One Machine runs many executions; it keeps its stack pool and buffers across
// them, so an execution allocates nothing in the steady state:
//
//   rt::Machine machine;
//   sched::RandomSource source(seed);
//   rt::ExecutionResult result;
//   for (uint64_t i = 0; i < n; ++i) machine.Run(scenario, source, i, &result);
//
// Invariants it keeps are listed in docs/architecture.md#invariants.

#ifndef RTFUZZ_RT_MACHINE_H_
#define RTFUZZ_RT_MACHINE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/observer.h"
#include "rtfuzz/rt/scenario.h"
#include "rtfuzz/rt/trace.h"
#include "rtfuzz/sched/decision_source.h"

namespace rtfuzz::rt {

namespace internal {
class MachineImpl;
}  // namespace internal

struct MachineOptions {
  // Scheduling points per execution before the verdict step-budget (livelock,
  // or a spin loop with no cpu_relax()).
  uint64_t max_steps = 1'000'000;
  // Virtual time per execution before the verdict time-budget.
  uint64_t max_time_ns = 60'000'000'000;  // 60 s: far past any lock timeout.
  // Virtual nanoseconds one point costs. 10 ns: the order of an uncontended
  // atomic on current x86 cores, so 250 ms of plain spinning is 25 M points,
  // which is why the time warp exists.
  uint64_t step_ns = 10;
  // kSliceLength decisions pick in [0, max_slice]; 0 = no preemption.
  uint32_t max_slice = 64;
  // SCHED_OTHER round-robin slice (CFS's 3 ms base slice order).
  uint64_t other_timeslice_ns = 3'000'000;
  // Bytes per fiber stack. Scenario bodies run on these stacks.
  size_t stack_size = 0;  // 0 = 64 KiB, or 256 KiB under ASan.
  // Records kept in the report ring (rounded up to a power of two).
  size_t trace_ring_size = 256;
  // Keep every record of the execution (for replay pictures, tests).
  bool record_full_trace = false;
  // Observers' OnTick comes at most this often in virtual time (and after
  // every warp): the resolution of time-based oracles.
  uint64_t observer_tick_ns = 10'000;
};

struct ExecutionStats {
  uint64_t points = 0;          // Scheduling points (== steps).
  uint64_t cpu_switches = 0;    // Times another CPU started stepping.
  uint64_t preemptions = 0;     // Slice-end switches the decisions asked for.
  uint64_t task_switches = 0;   // A CPU changed its running task.
  uint64_t interrupts = 0;      // Interrupt contexts entered.
  uint64_t warps = 0;           // Time warps over stuck spinners.
  uint64_t warped_ns = 0;       // Virtual time skipped by warps.
  uint64_t idle_ns = 0;         // Virtual time skipped with every CPU idle.
  uint32_t max_depth = 0;       // Deepest interrupt nesting seen.
};

struct ExecutionResult {
  Verdict verdict = Verdict::kPass;
  std::string message;         // One line; empty for pass.
  std::string details;         // The oracle's report body (may be empty).
  // Stable de-duplication key: "<verdict>|<scenario name>|<site>", where the
  // site is the oracle's (e.g. the lock and call site), else the context.
  std::string signature;
  // Where the verdict was raised: CPU (-1 if none) and context name.
  int cpu = -1;
  std::string context;
  uint64_t steps = 0;
  uint64_t time_ns = 0;
  uint64_t trace_hash = 0;
  uint64_t execution_index = 0;
  std::vector<sched::Decision> decisions;
  ExecutionStats stats;
  std::vector<uint64_t> mark_counts;   // Per MarkId.
  // Deadlock errors the scenario accepts (rt::window), one per occurrence in
  // order, by window name; the execution went on past each.
  std::vector<std::string_view> tolerated;
  std::vector<TraceRecord> last_records;  // The ring, oldest first.

  bool ok() const { return verdict == Verdict::kPass; }
};

// A crash inside a running machine (a fault, an abort, a fiber's stack
// overflow: "stack overflow in <context> on CPU<n>") prints where it
// happened and the decisions so far; then `hook`, if set, writes the line
// that reproduces the execution to fd (a front door knows its seed or
// input). The hook runs in a signal handler of a dying process: it should
// only format and write(2). Process-wide; nullptr removes it.
void SetCrashReproduceHook(void (*hook)(int fd));

class Machine {
 public:
  explicit Machine(MachineOptions options = {});
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // Runs one execution. `result` is overwritten; its buffers are reused.
  void Run(const Scenario& scenario, sched::DecisionSource& source,
           uint64_t execution_index, ExecutionResult* result);
  ExecutionResult Run(const Scenario& scenario, sched::DecisionSource& source,
                      uint64_t execution_index = 0);

  // Every record of the last execution; empty unless record_full_trace.
  const std::vector<TraceRecord>& full_trace() const;
  // Name of a context id in the last execution ("task:low", "nmi:pmu@1").
  std::string ContextName(uint16_t context) const;
  // The name of a trace object of the last execution (rt::NameObject), or ""
  // if nothing named it; and every named one.
  std::string ObjectName(uint32_t object) const;
  std::map<uint32_t, std::string> ObjectNames() const;
  const MachineOptions& options() const;

  // Adds an observer to every later execution (rtfuzz/check's oracles are
  // one). Not owned; must outlive the machine's runs.
  void AddObserver(Observer* observer);

 private:
  std::unique_ptr<internal::MachineImpl> impl_;
};

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_MACHINE_H_
