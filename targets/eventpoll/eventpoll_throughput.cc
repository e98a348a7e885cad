// targets/eventpoll/eventpoll_throughput.cc
//
// A stress-epoll-like benchmark of the eventpoll model on the native
// backend (spec section 2.8): N producer tasks, each with its own eventfd
// registered in one eventpoll, signal it K times (eventfd_signal: count++
// and the wakeup through ep_poll_callback); one consumer loops on a
// blocking epoll_wait() and reads every ready file until it has read N*K.
// Per variant, without and with perf interrupts (a hardirq on every
// producer's CPU from perf::task-clock overflow, whose handler only runs:
// the cost of being interrupted). Prints a Markdown table of events/ms: the
// model's under the native backend, not the kernel's.
//
//   eventpoll_throughput [--events=K] [--iterations=N]

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "eventpoll.h"
#include "rtfuzz/native/native.h"
#include "rtfuzz/rt/scenario.h"
#include "variant.h"

namespace {

namespace ep = rtfuzz::targets::eventpoll;

constexpr int kMaxProducers = 8;
struct eventpoll bench_ep;
struct ep_source bench_src[kMaxProducers];
struct epitem bench_items[kMaxProducers];
const char* const kNames[kMaxProducers] = {"efd0", "efd1", "efd2", "efd3",
                                           "efd4", "efd5", "efd6", "efd7"};
uint64_t events_per_producer = 20000;

rtfuzz::rt::Scenario Make(const eventpoll_variant& v, int producers, bool irqs) {
  // CPUs 0..producers-1 produce; the consumer has the last CPU to itself.
  rtfuzz::rt::Scenario s("stress-epoll", producers + 1);
  s.OnReset([v, producers] {
    eventpoll_cfg = v;
    ep_init_plain(&bench_ep);
    for (int i = 0; i < producers; ++i) {
      ep_source_init_plain(&bench_src[i], kNames[i], 0);
      ep_item_init_plain(&bench_items[i], &bench_ep, &bench_src[i], kNames[i]);
      ep_register_plain(&bench_items[i]);
    }
  });
  for (int i = 0; i < producers; ++i) {
    s.AddTask({.name = std::string("producer") + std::to_string(i),
               .affinity = rtfuzz::rt::Cpu(i), .body = [i] {
                 for (uint64_t k = 0; k < events_per_producer; ++k) ep_source_signal(&bench_src[i]);
               }});
  }
  s.AddTask({.name = "consumer", .affinity = rtfuzz::rt::Cpu(producers), .body = [producers] {
               const uint64_t total = events_per_producer * static_cast<uint64_t>(producers);
               uint64_t sum = 0;
               struct epitem* ready[kMaxProducers];
               while (sum < total) {
                 const int n = ep_poll(&bench_ep, ready, producers, /*block=*/true);
                 for (int j = 0; j < n; ++j) sum += static_cast<uint64_t>(ep_source_read(ready[j]->file));
               }
             }});
  if (irqs) {
    s.AddInterrupt({.name = "perf", .kind = rtfuzz::rt::ContextKind::kHardirq,
                    .cpus = rtfuzz::rt::AllCpus(producers),
                    .trigger = rtfuzz::rt::Trigger::Overflow("perf::task-clock", 1, 1),
                    .handler = [] {}});
  }
  return s;
}

std::string Cell(const eventpoll_variant& v, int producers, bool irqs, uint64_t iterations) {
  rtfuzz::native::StressOptions o;
  o.iterations = iterations;
  o.max_total_time_s = 0;
  o.fallback = true;
  const rtfuzz::native::StressResult r = rtfuzz::native::RunStress(Make(v, producers, irqs), o);
  if (!r.error.empty()) {
    // "... does not run <what> (docs/...)": the cell names <what>.
    const size_t from = r.error.find("does not run ");
    const size_t to = r.error.find(" (", from);
    return from == std::string::npos ? "error: " + r.error
                                     : "not on native: " + r.error.substr(from + 13, to - from - 13);
  }
  if (r.found) {
    return std::string(rtfuzz::VerdictName(r.finding.verdict)) + " in iteration " +
           std::to_string(r.finding.iteration);
  }
  char text[64];
  std::snprintf(text, sizeof(text), "%.0f",
                static_cast<double>(r.iterations * events_per_producer) * producers /
                    (r.seconds * 1e3));
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t iterations = 3;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--events=", 9) == 0) {
      events_per_producer = std::strtoull(argv[i] + 9, nullptr, 10);
    } else if (std::strncmp(argv[i], "--iterations=", 13) == 0) {
      iterations = std::strtoull(argv[i] + 13, nullptr, 10);
    } else {
      std::fprintf(stderr, "eventpoll_throughput: unknown argument '%s' (--events=N, --iterations=N)\n",
                   argv[i]);
      return 2;
    }
  }
  if (events_per_producer == 0 || iterations == 0) {
    std::fprintf(stderr, "eventpoll_throughput: --events and --iterations must be at least 1\n");
    return 2;
  }
  std::printf("| producers | variant | events/ms, no interrupts | events/ms, perf hardirqs |\n");
  std::printf("|---|---|---|---|\n");
  for (int producers : {1, 2, 4}) {
    for (const char* name : {"rwlock", "spinlock", "llist-v3"}) {
      const eventpoll_variant v = *ep::ParseVariant(name);
      const std::string quiet = Cell(v, producers, false, iterations);
      const std::string irq = Cell(v, producers, true, iterations);
      std::printf("| %d | %s | %s | %s |\n", producers, name, quiet.c_str(), irq.c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}
