// targets/rqspinlock/rqspinlock_throughput.cc
//
// Acquire/release throughput of the rqspinlock model on the native backend:
// 1, 2 and 4 tasks (one per virtual CPU) taking one lock in a loop, per
// variant, without and with a BPF-like perf NMI on every CPU that takes the
// same lock (perf::task-clock overflow, every 100 µs of a thread's time).
// Prints a Markdown table: threads x variant -> lock+unlock pairs per ms.
// The figure is the model's under the native backend (kapi's real atomics,
// lock events to the native oracles), not the kernel's; it compares
// variants, and shows what the interrupts cost.
//
//   rqspinlock_throughput [--rounds=N] [--iterations=N]

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "rqspinlock.h"
#include "rtfuzz/native/native.h"
#include "rtfuzz/rt/scenario.h"
#include "variant.h"

namespace {

namespace rq = rtfuzz::targets::rqspinlock;

rqspinlock_t bench_lock;
uint64_t rounds = 20000;  // Lock+unlock pairs per task per iteration.

rtfuzz::rt::Scenario Make(const rqspinlock_variant& v, int threads, bool nmis) {
  rtfuzz::rt::Scenario s("throughput", threads);
  s.OnReset([v, threads] {
    rqspinlock_cfg = v;
    rqspinlock_init(&bench_lock, "bench");
    rqspinlock_reset_percpu(threads);
  });
  for (int cpu = 0; cpu < threads; ++cpu) {
    s.AddTask({.name = "t" + std::to_string(cpu), .affinity = rtfuzz::rt::Cpu(cpu), .body = [] {
                 for (uint64_t i = 0; i < rounds; ++i) {
                   unsigned long flags;
                   if (raw_res_spin_lock_irqsave(&bench_lock, flags) == 0) {
                     raw_res_spin_unlock_irqrestore(&bench_lock, flags);
                   }
                 }
               }});
  }
  if (nmis) {
    s.AddInterrupt({.name = "perf", .kind = rtfuzz::rt::ContextKind::kNmi,
                    .cpus = rtfuzz::rt::AllCpus(threads),
                    .trigger = rtfuzz::rt::Trigger::Overflow("perf::task-clock", 1, 1),
                    .handler = [] {
                      if (raw_res_spin_lock(&bench_lock) == 0) raw_res_spin_unlock(&bench_lock);
                    }});
  }
  return s;
}

// One cell: pairs per ms, or what ended the run.
std::string Cell(const rqspinlock_variant& v, int threads, bool nmis, uint64_t iterations) {
  rtfuzz::native::StressOptions o;
  o.iterations = iterations;
  o.max_total_time_s = 0;
  o.fallback = true;
  const rtfuzz::native::StressResult r = rtfuzz::native::RunStress(Make(v, threads, nmis), o);
  if (!r.error.empty()) {
    std::fprintf(stderr, "rqspinlock_throughput: %s\n", r.error.c_str());
    std::exit(2);
  }
  if (r.found) {
    return std::string(rtfuzz::VerdictName(r.finding.verdict)) + " in iteration " +
           std::to_string(r.finding.iteration);
  }
  const double pairs = static_cast<double>(r.iterations * rounds) * threads;
  char text[64];
  std::snprintf(text, sizeof(text), "%.0f", pairs / (r.seconds * 1e3));
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t iterations = 5;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--rounds=", 9) == 0) {
      rounds = std::strtoull(argv[i] + 9, nullptr, 10);
    } else if (std::strncmp(argv[i], "--iterations=", 13) == 0) {
      iterations = std::strtoull(argv[i] + 13, nullptr, 10);
    } else {
      std::fprintf(stderr, "rqspinlock_throughput: unknown argument '%s' (--rounds=N, --iterations=N)\n",
                   argv[i]);
      return 2;
    }
  }
  if (rounds == 0 || iterations == 0) {
    std::fprintf(stderr, "rqspinlock_throughput: --rounds and --iterations must be at least 1\n");
    return 2;
  }
  std::printf("| threads | variant | pairs/ms, no interrupts | pairs/ms, perf NMI taking the lock |\n");
  std::printf("|---|---|---|---|\n");
  for (int threads : {1, 2}) {
    for (const char* name : {"v6.15", "v6.19", "fixed"}) {
      const rqspinlock_variant v = *rq::ParseVariant(name);
      const std::string quiet = Cell(v, threads, false, iterations);
      const std::string nmi = Cell(v, threads, true, iterations);
      std::printf("| %d | %s | %s | %s |\n", threads, name, quiet.c_str(), nmi.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
