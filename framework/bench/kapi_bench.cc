// framework/bench/kapi_bench.cc
//
// What kapi operations cost inside the machine: an atomic_inc() (one point),
// a READ_ONCE()/WRITE_ONCE() pair (two points)
// and an uncontended spin_lock()/spin_unlock() pair, without PREEMPT_RT (a
// raw spinlock: preempt_disable, test-and-set, store-release,
// preempt_enable) and with it (the rt_mutex core: cmpxchg, migrate_disable,
// migrate_enable, cmpxchg). Each is four points but for the atomic; the
// per-op figures include those points. At the repository root:
//   cmake -S . -B build/bench-check -G Ninja -DCMAKE_BUILD_TYPE=Release -DRTFUZZ_BUILD_TESTS=OFF
//   ninja -C build/bench-check kapi_bench
//   build/bench-check/framework/bench/kapi_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

#include <cstdint>
#include <string>

#include "benchmark/benchmark.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/rt/scenario.h"
#include "rtfuzz/sched/byte_source.h"

// kapi last: like the kernel, it defines plain-word macros.
#include <linux/atomic.h>
#include <linux/spinlock.h>

namespace {

atomic_t bench_counter = ATOMIC_INIT(0);
DEFINE_SPINLOCK(bench_lock);

// Operations per execution: large enough that setting up and tearing down an
// execution is noise.
constexpr int64_t kOps = 1'000'000;

// "time / count" as a counter: printed in seconds per item (e.g. "9.8ns").
benchmark::Counter TimePer(uint64_t count) {
  return benchmark::Counter(static_cast<double>(count),
                            benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Runs one execution of a one-task scenario per iteration; returns the
// operations done. A verdict stops the benchmark with the verdict as error.
uint64_t RunOps(benchmark::State& state, rtfuzz::rt::Scenario& scenario) {
  rtfuzz::rt::MachineOptions options;
  options.max_steps = 8 * kOps;  // Up to 4 points per op, with room.
  rtfuzz::rt::Machine machine(options);
  rtfuzz::sched::ByteSource no_decisions(nullptr, 0);  // One CPU: nothing asked.
  rtfuzz::rt::ExecutionResult result;
  uint64_t ops = 0, points = 0, index = 0;
  for (auto _ : state) {
    machine.Run(scenario, no_decisions, index++, &result);
    if (!result.ok()) {
      const std::string error =
          std::string(rtfuzz::VerdictName(result.verdict)) + ": " + result.message;
      state.SkipWithError(error.c_str());
      break;
    }
    ops += kOps;
    points += result.steps;
  }
  state.SetItemsProcessed(static_cast<int64_t>(ops));
  state.counters["per_op"] = TimePer(ops);
  state.counters["points_per_op"] =
      benchmark::Counter(ops != 0 ? static_cast<double>(points) / static_cast<double>(ops) : 0);
  return ops;
}

void BM_AtomicInc(benchmark::State& state) {
  rtfuzz::rt::Scenario scenario("atomic-inc", 1);
  scenario.AddTask({.name = "t", .body = [] {
                      for (int64_t i = 0; i < kOps; ++i) atomic_inc(&bench_counter);
                    }});
  RunOps(state, scenario);
}
BENCHMARK(BM_AtomicInc)->Unit(benchmark::kMillisecond);

// READ_ONCE() and WRITE_ONCE() of a plain word: the points a hand-written
// lock is made of (each carries its word for the spin detector).
int bench_word;

void BM_ReadWriteOnce(benchmark::State& state) {
  rtfuzz::rt::Scenario scenario("read-write-once", 1);
  scenario.AddTask({.name = "t", .body = [] {
                      for (int64_t i = 0; i < kOps; i += 2) {
                        WRITE_ONCE(bench_word, READ_ONCE(bench_word) + 1);
                      }
                    }});
  RunOps(state, scenario);
}
BENCHMARK(BM_ReadWriteOnce)->Unit(benchmark::kMillisecond);

// range(0): 0 without PREEMPT_RT, 1 with it.
void BM_SpinLockUnlockUncontended(benchmark::State& state) {
  rtfuzz::rt::Scenario scenario("spin-lock-unlock", 1);
  scenario.SetPreemptRt(state.range(0) != 0);
  scenario.AddTask({.name = "t", .body = [] {
                      for (int64_t i = 0; i < kOps; ++i) {
                        spin_lock(&bench_lock);
                        spin_unlock(&bench_lock);
                      }
                    }});
  RunOps(state, scenario);
}
BENCHMARK(BM_SpinLockUnlockUncontended)->ArgName("preempt_rt")->Arg(0)->Arg(1)->Unit(
    benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
