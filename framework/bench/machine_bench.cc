// framework/bench/machine_bench.cc
//
// What rt::Machine costs, against issue #2's goals: a scheduling point
// (<= 15 ns), a cross-CPU switch (<= 40 ns), interrupt delivery and return,
// and whole executions (>= 100,000 executions/s on one core). The figures come
// from, at the repository root:
//   cmake -S . -B build/bench-check -G Ninja -DCMAKE_BUILD_TYPE=Release -DRTFUZZ_BUILD_TESTS=OFF
//   ninja -C build/bench-check machine_bench
//   build/bench-check/framework/bench/machine_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

#include <cstdint>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/demo/demo_scenario.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/scenario.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/decision_source.h"
#include "rtfuzz/sched/random_source.h"

namespace rtfuzz::rt {
namespace {

// Points (or raises) per task and execution in the per-operation benchmarks:
// large enough that setting up and tearing down an execution is noise.
constexpr int64_t kOpsPerTask = 1'000'000;

// The default step budget (1 M points) is sized for search, not for these
// long executions.
MachineOptions LongExecutionOptions() {
  MachineOptions options;
  options.max_steps = 16 * kOpsPerTask;
  return options;
}

// "time / count" as a counter: printed in seconds per item (e.g. "9.8ns").
benchmark::Counter TimePer(uint64_t count) {
  return benchmark::Counter(static_cast<double>(count),
                            benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// A per-execution average of `total` over the benchmark's iterations.
benchmark::Counter PerExecution(uint64_t total) {
  return benchmark::Counter(static_cast<double>(total),
                            benchmark::Counter::kAvgIterations);
}

// Runs one execution; on any verdict but pass, stops the benchmark with the
// verdict as its error and returns false.
bool RunPassing(benchmark::State& state, Machine& machine, const Scenario& scenario,
                sched::DecisionSource& source, uint64_t index,
                ExecutionResult* result) {
  machine.Run(scenario, source, index, result);
  if (result->ok()) return true;
  const std::string error = scenario.name() + ": execution " +
                            std::to_string(index) + " gave " +
                            std::string(VerdictName(result->verdict)) + ": " +
                            result->message;
  state.SkipWithError(error.c_str());
  return false;
}

void ReadPoints(int64_t n) {
  for (int64_t i = 0; i < n; ++i) Point(Op::kRead, 1, 0, kPointRead);
}

// --- a. A point that does not switch ---

void BM_PointNoSwitch(benchmark::State& state) {
  const int64_t n = state.range(0);
  Scenario scenario("point-no-switch", 1);
  scenario.AddTask({.name = "t", .body = [n] { ReadPoints(n); }});
  Machine machine(LongExecutionOptions());
  sched::ByteSource no_decisions(nullptr, 0);  // One CPU: nothing is asked.
  ExecutionResult result;
  uint64_t index = 0;
  uint64_t points = 0;
  for (auto _ : state) {
    if (!RunPassing(state, machine, scenario, no_decisions, index++, &result)) break;
    benchmark::DoNotOptimize(result.trace_hash);
    points += result.stats.points;
  }
  state.SetItemsProcessed(static_cast<int64_t>(points));
  state.counters["per_point"] = TimePer(points);
}
BENCHMARK(BM_PointNoSwitch)->Arg(kOpsPerTask)->Unit(benchmark::kMillisecond);

// --- b. A switch to the other CPU at every point ---

// Every slice is one point long, so every point ends a slice and the other
// CPU steps next (with two CPUs there is no next-cpu question to answer).
class SwitchEveryPoint final : public sched::DecisionSource {
 public:
  uint64_t Choose(sched::DecisionKind kind, uint64_t) override {
    return kind == sched::DecisionKind::kSliceLength ? 1 : 0;
  }
};

void BM_CrossCpuSwitch(benchmark::State& state) {
  const int64_t n = state.range(0);
  Scenario scenario("cross-cpu-switch", 2);
  scenario.AddTask({.name = "a", .affinity = Cpu(0), .body = [n] { ReadPoints(n); }});
  scenario.AddTask({.name = "b", .affinity = Cpu(1), .body = [n] { ReadPoints(n); }});
  Machine machine(LongExecutionOptions());
  SwitchEveryPoint source;
  ExecutionResult result;
  uint64_t index = 0;
  uint64_t switches = 0;
  uint64_t points = 0;
  for (auto _ : state) {
    if (!RunPassing(state, machine, scenario, source, index++, &result)) break;
    benchmark::DoNotOptimize(result.trace_hash);
    switches += result.stats.cpu_switches;
    points += result.stats.points;
  }
  // The time per switch includes the point it happens at.
  state.SetItemsProcessed(static_cast<int64_t>(switches));
  state.counters["per_switch"] = TimePer(switches);
  state.counters["switches"] = PerExecution(switches);
  state.counters["points"] = PerExecution(points);
}
// 2 M decisions are recorded per execution at 1 M points per task; the
// smaller size shows what that recording costs.
BENCHMARK(BM_CrossCpuSwitch)
    ->Arg(kOpsPerTask)
    ->Arg(10'000)
    ->Unit(benchmark::kMillisecond);

// --- c. Interrupt delivery and return ---

// One task raises `kind`'s handler on its own CPU N times; each raise is
// delivered at its own point. range(0) = points in the handler's body.
void BM_InterruptDeliveryAndReturn(benchmark::State& state, ContextKind kind) {
  const int64_t body_points = state.range(0);
  Scenario scenario("interrupt-delivery", 1);
  const HandlerId handler = scenario.AddInterrupt(
      {.name = "h",
       .kind = kind,
       .cpus = Cpu(0),
       .trigger = Trigger::Manual(),
       .handler = [body_points] { ReadPoints(body_points); }});
  scenario.AddTask({.name = "t", .body = [handler] {
                      for (int64_t i = 0; i < kOpsPerTask; ++i) {
                        RaiseInterrupt(handler, 0);
                      }
                    }});
  Machine machine(LongExecutionOptions());
  sched::ByteSource no_decisions(nullptr, 0);
  ExecutionResult result;
  uint64_t index = 0;
  uint64_t interrupts = 0;
  for (auto _ : state) {
    if (!RunPassing(state, machine, scenario, no_decisions, index++, &result)) break;
    benchmark::DoNotOptimize(result.trace_hash);
    interrupts += result.stats.interrupts;
  }
  // Includes the raising point and the handler's body points.
  state.SetItemsProcessed(static_cast<int64_t>(interrupts));
  state.counters["per_interrupt"] = TimePer(interrupts);
  state.counters["interrupts"] = PerExecution(interrupts);
}
BENCHMARK_CAPTURE(BM_InterruptDeliveryAndReturn, hardirq, ContextKind::kHardirq)
    ->ArgName("body_points")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_InterruptDeliveryAndReturn, nmi, ContextKind::kNmi)
    ->ArgName("body_points")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

// --- d. Whole executions of a small scenario ---

constexpr uint32_t kLockObject = 1;
constexpr uint32_t kCounterObject = 2;
constexpr int kRoundsPerTask = 10;
constexpr int kIncrementsPerRound = 3;

struct LockState {
  uint32_t locked = 0;
  uint64_t counter = 0;
};

// Test-and-set: a read, then one atomic cmpxchg(0 -> 1).
bool TryLock(LockState& s) {
  const uint32_t seen = s.locked;
  Point(Op::kRead, kLockObject, seen, kPointRead);
  if (seen != 0) return false;
  const bool won = s.locked == 0;
  if (won) s.locked = 1;
  Point(Op::kRmw, kLockObject, s.locked,
        kPointAtomic | kPointLockOp | (won ? uint32_t{kPointWrite} : 0u));
  return won;
}

void Lock(LockState& s) {
  while (!TryLock(s)) Spin(kLockObject);
}

void Unlock(LockState& s) {
  s.locked = 0;
  Point(Op::kWrite, kLockObject, 0, kPointWrite | kPointLockOp);
}

void Increment(LockState& s) {
  const uint64_t v = s.counter;
  Point(Op::kRead, kCounterObject, v, kPointRead);
  s.counter = v + 1;
  Point(Op::kWrite, kCounterObject, v + 1, kPointWrite);
}

// Two tasks, one per CPU, each taking the lock kRoundsPerTask times to
// increment a counter, and an NMI on CPU 0 (at most twice) that trylocks it:
// about 200 points per execution.
std::unique_ptr<Scenario> MakeLockScenario() {
  auto scenario = std::make_unique<Scenario>("lock-2cpu", 2);
  auto state = std::make_shared<LockState>();
  scenario->OnReset([state] { *state = LockState{}; });
  auto worker = [state] {
    for (int round = 0; round < kRoundsPerTask; ++round) {
      Lock(*state);
      for (int i = 0; i < kIncrementsPerRound; ++i) Increment(*state);
      Unlock(*state);
    }
  };
  scenario->AddTask({.name = "low",
                     .affinity = Cpu(0),
                     .policy = Policy::kFifo,
                     .rt_priority = 10,
                     .body = worker});
  scenario->AddTask({.name = "high",
                     .affinity = Cpu(1),
                     .policy = Policy::kFifo,
                     .rt_priority = 50,
                     .body = worker});
  scenario->AddInterrupt(
      {.name = "pmu",
       .kind = ContextKind::kNmi,
       .cpus = Cpu(0),
       .trigger = Trigger::Overflow(PmuEvent::kSteps, 1, 64, /*max_fires=*/2),
       .handler = [state] {
         if (TryLock(*state)) Unlock(*state);
       }});
  scenario->AddEndCheck("counter", [state] {
    return state->counter == 2 * kRoundsPerTask * kIncrementsPerRound;
  });
  scenario->AddEndCheck("lock released", [state] { return state->locked == 0; });
  return scenario;
}

// Runs executions 0, 1, 2, ... of a seeded random walk, one per iteration.
void RunRandomWalk(benchmark::State& state, const Scenario& scenario) {
  Machine machine;
  sched::RandomSource source(/*seed=*/1);
  ExecutionResult result;
  uint64_t index = 0;
  uint64_t points = 0;
  uint64_t switches = 0;
  for (auto _ : state) {
    if (!RunPassing(state, machine, scenario, source, index++, &result)) break;
    benchmark::DoNotOptimize(result.trace_hash);
    points += result.stats.points;
    switches += result.stats.cpu_switches;
  }
  state.SetItemsProcessed(static_cast<int64_t>(index));
  state.counters["points"] = PerExecution(points);
  state.counters["switches"] = PerExecution(switches);
}

void BM_Executions2Cpu200Points(benchmark::State& state) {
  const std::unique_ptr<Scenario> scenario = MakeLockScenario();
  RunRandomWalk(state, *scenario);
}
BENCHMARK(BM_Executions2Cpu200Points);

void BM_ExecutionsDemo(benchmark::State& state) {
  const std::unique_ptr<Scenario> scenario = MakeDemoScenario("demo");
  RunRandomWalk(state, *scenario);
}
BENCHMARK(BM_ExecutionsDemo);

}  // namespace
}  // namespace rtfuzz::rt

BENCHMARK_MAIN();
