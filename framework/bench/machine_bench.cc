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

// Runs one execution per benchmark iteration (execution indices 0, 1, ...)
// and returns the summed stats. Any verdict but pass stops the benchmark with
// the verdict as its error.
ExecutionStats RunExecutions(benchmark::State& state, Machine& machine,
                             const Scenario& scenario, sched::DecisionSource& source) {
  ExecutionResult result;
  ExecutionStats sum;
  uint64_t index = 0;
  for (auto _ : state) {
    machine.Run(scenario, source, index, &result);
    if (!result.ok()) {
      const std::string error = scenario.name() + ": execution " + std::to_string(index) +
                                " gave " + std::string(VerdictName(result.verdict)) + ": " +
                                result.message;
      state.SkipWithError(error.c_str());
      break;
    }
    ++index;
    benchmark::DoNotOptimize(result.trace_hash);
    sum.points += result.stats.points;
    sum.cpu_switches += result.stats.cpu_switches;
    sum.interrupts += result.stats.interrupts;
  }
  return sum;
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
  const uint64_t points = RunExecutions(state, machine, scenario, no_decisions).points;
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
  const ExecutionStats sum = RunExecutions(state, machine, scenario, source);
  const uint64_t switches = sum.cpu_switches;
  const uint64_t points = sum.points;
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
  const uint64_t interrupts =
      RunExecutions(state, machine, scenario, no_decisions).interrupts;
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

// Runs executions 0, 1, 2, ... of a seeded random walk, one per iteration.
void RunRandomWalk(benchmark::State& state, const Scenario& scenario) {
  Machine machine;
  sched::RandomSource source(/*seed=*/1);
  const ExecutionStats sum = RunExecutions(state, machine, scenario, source);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["points"] = PerExecution(sum.points);
  state.counters["switches"] = PerExecution(sum.cpu_switches);
}

// The demo (two tasks on two CPUs taking a test-and-set lock, a PMU-overflow
// NMI on CPU 0 that trylocks it) with 12 rounds per task: ~200 points.
void BM_Executions2Cpu200Points(benchmark::State& state) {
  const std::unique_ptr<Scenario> scenario = MakeDemoScenario("demo", /*rounds=*/12);
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
