// framework/src/kapi/kapi_primitives_test.cc
//
// The basic kapi primitives, each on a small scenario: kernel return values
// and memory effects, how many points each operation makes and what the PMU
// and the spin detector see of it, per-CPU addressing and indivisibility
// against NMIs, context tests, barriers and conditional loads, lock-less and
// plain lists, BUG/WARN, and deterministic object ids.

#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/sched/random_source.h"
#include "rtfuzz/sched/replay_source.h"

// kapi last: like the kernel, it defines plain-word macros (noinline, ...).
#include <asm/barrier.h>
#include <asm/processor.h>
#include <linux/atomic.h>
#include <linux/bottom_half.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/irqflags.h>
#include <linux/kapi_errno.h>
#include <linux/kapi_types.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/timekeeping.h>

// The kernel's values (include/uapi/asm-generic/errno*.h).
static_assert(EPERM == 1 && EINTR == 4 && EAGAIN == 11 && ENOMEM == 12 && EBUSY == 16 &&
              EINVAL == 22 && EDEADLK == 35 && ETIMEDOUT == 110);
static_assert(NSEC_PER_SEC == 1000 * NSEC_PER_MSEC && NSEC_PER_MSEC == 1000 * NSEC_PER_USEC);
static_assert(sizeof(u8) == 1 && sizeof(u16) == 2 && sizeof(u32) == 4 && sizeof(u64) == 8 &&
              sizeof(s32) == 4 && sizeof(s64) == 8);

// Per-CPU variables live at namespace scope, as in the kernel.
struct pcp_stats {
  int a;
  unsigned long b;
};
struct pcp_qnode {
  int count;
  int locked;
};
static DEFINE_PER_CPU(int, pcp_counter);
static DEFINE_PER_CPU(struct pcp_stats, pcp_stats_var);
static DEFINE_PER_CPU(struct pcp_qnode, pcp_qnodes[4]);
static DEFINE_PER_CPU_ALIGNED(u64, pcp_aligned) = 7;

namespace rtfuzz::kapi {
namespace {

using rt::ExecutionResult;
using rt::Machine;
using rt::MachineOptions;
using rt::Scenario;

ExecutionResult RunQuiet(const Scenario& s, MachineOptions options = {}) {
  Machine machine(options);
  sched::ByteSource none(nullptr, 0);
  return machine.Run(s, none);
}

// Runs `body` as the only task of a one-CPU scenario.
ExecutionResult RunBody(std::function<void()> body, MachineOptions options = {}) {
  Scenario s("body", 1);
  s.AddTask({.name = "t", .body = std::move(body)});
  return RunQuiet(s, options);
}

uint64_t Pmu(rt::PmuEvent event) { return rt::PmuCount(smp_processor_id(), event); }

// PMU deltas of one stretch of code inside a body.
struct PmuDelta {
  uint64_t steps = 0, reads = 0, writes = 0, atomics = 0, spins = 0;
};

PmuDelta Measure(const std::function<void()>& f) {
  const uint64_t steps = Pmu(rt::PmuEvent::kSteps), reads = Pmu(rt::PmuEvent::kReads),
                 writes = Pmu(rt::PmuEvent::kWrites), atomics = Pmu(rt::PmuEvent::kAtomics),
                 spins = Pmu(rt::PmuEvent::kSpins);
  f();
  return {Pmu(rt::PmuEvent::kSteps) - steps, Pmu(rt::PmuEvent::kReads) - reads,
          Pmu(rt::PmuEvent::kWrites) - writes, Pmu(rt::PmuEvent::kAtomics) - atomics,
          Pmu(rt::PmuEvent::kSpins) - spins};
}

// --- Atomics ---

// Every operation of one atomic family, with the kernel's return values and
// memory effects. The family's API is generated, so one body checks all three.
#define RTFUZZ_CHECK_ATOMIC_FAMILY(pfx, at, it)                                      \
  [] {                                                                               \
    at v = {0, RTFUZZ_KAPI_OBJ_INIT};                                                \
    pfx##_set(&v, 5);                                                                \
    EXPECT_EQ(pfx##_read(&v), 5);                                                    \
    pfx##_add(3, &v);                                                                \
    EXPECT_EQ(v.counter, 8);                                                         \
    pfx##_sub(1, &v);                                                                \
    pfx##_inc(&v);                                                                   \
    pfx##_dec(&v);                                                                   \
    EXPECT_EQ(pfx##_read_acquire(&v), 7);                                            \
    EXPECT_EQ(pfx##_add_return(3, &v), 10);                                          \
    EXPECT_EQ(pfx##_sub_return_acquire(4, &v), 6);                                   \
    EXPECT_EQ(pfx##_inc_return_relaxed(&v), 7);                                      \
    EXPECT_EQ(pfx##_dec_return_release(&v), 6);                                      \
    EXPECT_EQ(pfx##_fetch_add(4, &v), 6);                                            \
    EXPECT_EQ(pfx##_fetch_sub_relaxed(2, &v), 10);                                   \
    EXPECT_EQ(pfx##_fetch_inc(&v), 8);                                               \
    EXPECT_EQ(pfx##_fetch_dec_acquire(&v), 9);                                       \
    EXPECT_EQ(v.counter, 8);                                                         \
    EXPECT_EQ(pfx##_fetch_or(0x3, &v), 8);                                           \
    EXPECT_EQ(pfx##_fetch_and_release(0x9, &v), 0xb);                                \
    EXPECT_EQ(pfx##_fetch_andnot(0x1, &v), 0x9);                                     \
    EXPECT_EQ(pfx##_fetch_xor(0xc, &v), 0x8);                                        \
    EXPECT_EQ(v.counter, 0x4);                                                       \
    pfx##_or(1, &v);                                                                 \
    EXPECT_EQ(v.counter, 5);                                                         \
    pfx##_and(4, &v);                                                                \
    EXPECT_EQ(v.counter, 4);                                                         \
    pfx##_andnot(4, &v);                                                             \
    EXPECT_EQ(v.counter, 0);                                                         \
    pfx##_xor(6, &v);                                                                \
    EXPECT_EQ(v.counter, 6);                                                         \
    EXPECT_EQ(pfx##_xchg(&v, 11), 6);                                                \
    EXPECT_EQ(pfx##_cmpxchg(&v, 11, 12), 11);                                        \
    EXPECT_EQ(pfx##_cmpxchg_relaxed(&v, 99, 13), 12);                                \
    EXPECT_EQ(v.counter, 12);                                                        \
    it old = 99;                                                                     \
    EXPECT_FALSE(pfx##_try_cmpxchg(&v, &old, 14));                                   \
    EXPECT_EQ(old, 12); /* the kernel's contract: *old gets the value seen */        \
    EXPECT_TRUE(pfx##_try_cmpxchg_acquire(&v, &old, 14));                            \
    EXPECT_EQ(old, 12);                                                              \
    EXPECT_EQ(v.counter, 14);                                                        \
    pfx##_set(&v, 1);                                                                \
    EXPECT_TRUE(pfx##_dec_and_test(&v));                                             \
    EXPECT_FALSE(pfx##_inc_and_test(&v));                                            \
    pfx##_set(&v, -1);                                                               \
    EXPECT_TRUE(pfx##_inc_and_test(&v));                                             \
    pfx##_set(&v, 5);                                                                \
    EXPECT_FALSE(pfx##_sub_and_test(4, &v));                                         \
    EXPECT_TRUE(pfx##_sub_and_test(1, &v));                                          \
    EXPECT_TRUE(pfx##_add_negative(-1, &v));                                         \
    EXPECT_FALSE(pfx##_add_negative_relaxed(1, &v));                                 \
    EXPECT_FALSE(pfx##_inc_not_zero(&v));                                            \
    EXPECT_EQ(v.counter, 0);                                                         \
    pfx##_set(&v, 3);                                                                \
    EXPECT_TRUE(pfx##_inc_not_zero(&v));                                             \
    EXPECT_EQ(pfx##_fetch_add_unless(&v, 2, 4), 4);                                  \
    EXPECT_EQ(v.counter, 4);                                                         \
    EXPECT_TRUE(pfx##_add_unless(&v, 2, 0));                                         \
    EXPECT_EQ(v.counter, 6);                                                         \
    pfx##_set(&v, -1);                                                               \
    EXPECT_FALSE(pfx##_inc_unless_negative(&v));                                     \
    EXPECT_TRUE(pfx##_dec_unless_positive(&v));                                      \
    EXPECT_EQ(v.counter, -2);                                                        \
    pfx##_set(&v, 1);                                                                \
    EXPECT_FALSE(pfx##_dec_unless_positive(&v));                                     \
    EXPECT_TRUE(pfx##_inc_unless_negative(&v));                                      \
    EXPECT_EQ(v.counter, 2);                                                         \
    pfx##_set(&v, 1);                                                                \
    EXPECT_EQ(pfx##_dec_if_positive(&v), 0);                                         \
    EXPECT_EQ(pfx##_dec_if_positive(&v), -1);                                        \
    EXPECT_EQ(v.counter, 0); /* not stored: the result was negative */               \
    pfx##_set(&v, std::numeric_limits<it>::max());                                   \
    EXPECT_EQ(pfx##_inc_return(&v), std::numeric_limits<it>::min()); /* wraps */     \
  }

TEST(AtomicTest, EveryFamilyHasTheKernelsReturnValuesAndEffects) {
  int families = 0;
  ExecutionResult r = RunBody([&] {
    RTFUZZ_CHECK_ATOMIC_FAMILY(atomic, atomic_t, int)();
    ++families;
    RTFUZZ_CHECK_ATOMIC_FAMILY(atomic64, atomic64_t, s64)();
    ++families;
    RTFUZZ_CHECK_ATOMIC_FAMILY(atomic_long, atomic_long_t, long)();
    ++families;
  });
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(families, 3);
}

TEST(AtomicTest, EachOperationIsExactlyOnePoint) {
  std::vector<PmuDelta> deltas;
  atomic_t v = ATOMIC_INIT(0);
  ExecutionResult r = RunBody([&] {
    auto one = [&](const std::function<void()>& op) { deltas.push_back(Measure(op)); };
    one([&] { atomic_set(&v, 4); });                            // 0: write
    one([&] { EXPECT_EQ(atomic_read(&v), 4); });                // 1: read
    one([&] { atomic_add(1, &v); });                            // 2: RMW, wrote
    one([&] { EXPECT_EQ(atomic_cmpxchg(&v, 5, 6), 5); });       // 3: cmpxchg hit
    one([&] { EXPECT_EQ(atomic_cmpxchg(&v, 5, 7), 6); });       // 4: cmpxchg miss
    one([&] {                                                   // 5: try miss
      int old = 0;
      EXPECT_FALSE(atomic_try_cmpxchg(&v, &old, 1));
    });
    one([&] { atomic_or(0x2, &v); });                           // 6: no change
    one([&] { EXPECT_TRUE(atomic_inc_not_zero(&v)); });         // 7: conditional
    one([&] { EXPECT_EQ(atomic_fetch_add_unless(&v, 1, 7), 7); });  // 8: refused
  });
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(deltas.size(), 9u);
  // Nine operations, nine more steps than a task that does nothing.
  const ExecutionResult empty = RunBody([] {});
  ASSERT_TRUE(empty.ok()) << empty.message;
  EXPECT_EQ(r.steps, empty.steps + 9);
  for (size_t i = 0; i < deltas.size(); ++i) EXPECT_EQ(deltas[i].steps, 1u) << "op " << i;
  // A plain write and a plain read are not "atomics" (x86: a mov).
  EXPECT_EQ(deltas[0].writes, 1u);
  EXPECT_EQ(deltas[0].atomics, 0u);
  EXPECT_EQ(deltas[1].reads, 1u);
  EXPECT_EQ(deltas[1].atomics, 0u);
  // Every RMW reads and is atomic; it writes iff the value changed.
  const uint64_t wrote[] = {0, 0, 1, 1, 0, 0, 0, 1, 0};
  for (size_t i = 2; i < deltas.size(); ++i) {
    EXPECT_EQ(deltas[i].atomics, 1u) << "op " << i;
    EXPECT_EQ(deltas[i].reads, 1u) << "op " << i;
    EXPECT_EQ(deltas[i].writes, wrote[i]) << "op " << i;
  }
  EXPECT_EQ(v.counter, 7);
}

// A spinner retrying a cmpxchg that keeps failing, with cpu_relax(), is
// stuck: the failed cmpxchg is no news, so the time warp skips to its 250 ms
// timeout in a few hundred points instead of 12.5 million.
TEST(AtomicTest, SpinnerOnAFailingCmpxchgIsStuckAndTheTimeoutIsCheap) {
  atomic_t lock = ATOMIC_INIT(1);
  uint64_t waited = 0;
  bool acquired = true;
  Scenario s("cmpxchg-spinner", 1);
  s.OnReset([&] { lock.counter = 1; });
  s.AddTask({.name = "spinner", .body = [&] {
               const u64 start = ktime_get_ns();
               acquired = false;
               for (;;) {
                 if (atomic_cmpxchg_acquire(&lock, 0, 1) == 0) {
                   acquired = true;
                   break;
                 }
                 cpu_relax();
                 if (ktime_get_ns() - start > 250 * NSEC_PER_MSEC) break;
               }
               waited = ktime_get_ns() - start;
             }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_FALSE(acquired);
  EXPECT_GE(waited, 250 * static_cast<uint64_t>(NSEC_PER_MSEC));
  EXPECT_LE(waited, 250 * static_cast<uint64_t>(NSEC_PER_MSEC) * 9 / 8 + 1000);
  EXPECT_LE(r.steps, 1000u);

  // The control: a spinner whose RMW writes every time is never stuck, so
  // the same timeout needs a point per 10 ns and runs out of steps.
  Scenario writer("writing-spinner", 1);
  writer.AddTask({.name = "spinner", .body = [&] {
                    const u64 start = ktime_get_ns();
                    while (atomic_inc_return(&lock) != 0) {
                      cpu_relax();
                      if (ktime_get_ns() - start > 250 * NSEC_PER_MSEC) break;
                    }
                  }});
  MachineOptions small;
  small.max_steps = 100'000;
  EXPECT_EQ(RunQuiet(writer, small).verdict, Verdict::kStepBudget);
}

TEST(AtomicTest, GenericXchgAndCmpxchgWorkOnEveryWidthAndOnPointers) {
  u8 b = 1;
  u16 h = 2;
  u32 w = 3;
  u64 q = 4;
  int target = 0;
  int* p = nullptr;
  std::vector<PmuDelta> deltas;
  ExecutionResult r = RunBody([&] {
    EXPECT_EQ(xchg(&b, u8{200}), 1);
    EXPECT_EQ(cmpxchg(&h, 2, 0xffff), 2);
    EXPECT_EQ(cmpxchg_relaxed(&h, 2, 7), 0xffff);
    u32 old = 9;
    EXPECT_FALSE(try_cmpxchg(&w, &old, 10u));
    EXPECT_EQ(old, 3u);
    EXPECT_TRUE(try_cmpxchg_acquire(&w, &old, 10u));
    EXPECT_EQ(xchg_release(&q, u64{1} << 40), 4u);
    EXPECT_EQ(cmpxchg(&p, nullptr, &target), nullptr);
    EXPECT_EQ(xchg(&p, NULL), &target);
    deltas.push_back(Measure([&] { (void)cmpxchg(&w, 0u, 1u); }));  // miss
    deltas.push_back(Measure([&] { (void)xchg(&w, 10u); }));        // same value
    deltas.push_back(Measure([&] { (void)xchg(&w, 11u); }));
  });
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(b, 200);
  EXPECT_EQ(h, 0xffff);
  EXPECT_EQ(w, 11u);
  EXPECT_EQ(q, u64{1} << 40);
  EXPECT_EQ(p, nullptr);
  ASSERT_EQ(deltas.size(), 3u);
  for (const PmuDelta& d : deltas) {
    EXPECT_EQ(d.steps, 1u);
    EXPECT_EQ(d.atomics, 1u);
  }
  EXPECT_EQ(deltas[0].writes, 0u);
  EXPECT_EQ(deltas[1].writes, 0u);
  EXPECT_EQ(deltas[2].writes, 1u);
}

// --- READ_ONCE / WRITE_ONCE, barriers, cpu_relax ---

struct outer {
  int tag;
  struct list_head node;
};

TEST(CompilerTest, OnceAccessesBarriersAndRelaxAreOnePointEach) {
  int x = 0;
  std::vector<PmuDelta> deltas;
  int seen = -1;
  ExecutionResult r = RunBody([&] {
    deltas.push_back(Measure([&] { WRITE_ONCE(x, 3); }));
    deltas.push_back(Measure([&] { seen = READ_ONCE(x); }));
    deltas.push_back(Measure([&] { smp_store_release(&x, 4); }));
    deltas.push_back(Measure([&] { seen += smp_load_acquire(&x); }));
    deltas.push_back(Measure([&] { smp_mb(); }));
    deltas.push_back(Measure([&] {
      smp_rmb();
      smp_wmb();
      smp_mb__before_atomic();
      smp_mb__after_atomic();
    }));
    deltas.push_back(Measure([&] { cpu_relax(); }));
    deltas.push_back(Measure([&] { barrier(); }));
    deltas.push_back(Measure([&] { smp_store_mb(x, 5); }));
  });
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(seen, 7);
  EXPECT_EQ(x, 5);
  ASSERT_EQ(deltas.size(), 9u);
  EXPECT_EQ(deltas[0].steps, 1u);
  EXPECT_EQ(deltas[0].writes, 1u);
  EXPECT_EQ(deltas[1].steps, 1u);
  EXPECT_EQ(deltas[1].reads, 1u);
  EXPECT_EQ(deltas[2].writes, 1u);
  EXPECT_EQ(deltas[3].reads, 1u);
  EXPECT_EQ(deltas[4].steps, 1u);
  EXPECT_EQ(deltas[4].atomics, 1u);  // x86: smp_mb() is a locked instruction.
  EXPECT_EQ(deltas[5].steps, 4u);
  EXPECT_EQ(deltas[5].atomics, 0u);
  EXPECT_EQ(deltas[6].spins, 1u);
  EXPECT_EQ(deltas[7].steps, 0u);  // A compiler barrier is no operation.
  EXPECT_EQ(deltas[8].steps, 1u);
  EXPECT_EQ(deltas[8].atomics, 1u);
}

TEST(CompilerTest, ContainerOfTypecheckAndBranchHints) {
  struct outer o = {42, {nullptr, nullptr}};
  struct list_head* member = &o.node;
  EXPECT_EQ(container_of(member, struct outer, node), &o);
  const struct list_head* cmember = &o.node;
  EXPECT_EQ(container_of(cmember, struct outer, node)->tag, 42);
  unsigned long flags = 0;
  EXPECT_EQ(typecheck(unsigned long, flags), 1);
  EXPECT_TRUE(likely(flags == 0));
  EXPECT_FALSE(unlikely(flags != 0));
  BUILD_BUG_ON(sizeof(u32) != 4);
  EXPECT_EQ(BUILD_BUG_ON_ZERO(0), 0);
}

// smp_cond_load_acquire() on CPU 0 waits for CPU 1's store, which comes after
// CPU 1 sleeps 1 ms: the waiter is stuck after two evaluations, so time
// warps and the wait costs about a hundred points, not 100 000.
TEST(BarrierTest, CondLoadAcquireWaitsForAnotherCpusStoreInFewPoints) {
  int flag = 0;
  int got = 0;
  u64 waited = 0;
  Scenario s("cond-load", 2);
  s.OnReset([&] { flag = got = 0; });
  s.AddTask({.name = "waiter", .affinity = rt::Cpu(0), .body = [&] {
               const u64 start = ktime_get_ns();
               got = smp_cond_load_acquire(&flag, VAL >= 3);
               waited = ktime_get_ns() - start;
             }});
  s.AddTask({.name = "releaser", .affinity = rt::Cpu(1), .body = [&] {
               rt::SleepFor(NSEC_PER_MSEC);
               WRITE_ONCE(flag, 1);  // Not yet: the waiter keeps waiting.
               smp_store_release(&flag, 3);
             }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(got, 3);
  EXPECT_GE(waited, static_cast<u64>(NSEC_PER_MSEC));
  // The warps grow by 1/8 from 1 us: ~60 warps reach 1 ms, each one more
  // load and spin of the waiter; spinning without the detector is 100 000.
  EXPECT_LT(r.steps, 200u);
}

// --- Per-CPU ---

TEST(PerCpuTest, AccessorsAddressEachCpusCopyOfMembersAndArrays) {
  Scenario s("percpu", 2);
  s.OnReset([] {
    for (int cpu = 0; cpu < 2; ++cpu) {
      per_cpu(pcp_stats_var, cpu) = {0, 0};
      for (auto& q : pcp_qnodes) per_cpu(q, cpu) = {0, 0};
    }
  });
  std::vector<int> cpus_seen(2, -1);
  std::vector<unsigned> possible(2, 0);
  std::vector<bool> pointers_agree(2, false);
  for (int c = 0; c < 2; ++c) {
    s.AddTask({.name = "t" + std::to_string(c), .affinity = rt::Cpu(c), .body = [&, c] {
                 cpus_seen[c] = smp_processor_id();
                 int cpu;
                 for_each_possible_cpu(cpu) ++possible[c];
                 pointers_agree[c] =
                     this_cpu_ptr(&pcp_stats_var) == per_cpu_ptr(&pcp_stats_var, c) &&
                     this_cpu_ptr(&pcp_qnodes[2].locked) ==
                         &per_cpu_ptr(&pcp_qnodes[0], c)[2].locked;
                 this_cpu_inc(pcp_stats_var.b);
                 this_cpu_add(pcp_qnodes[2].count, c + 1);
                 EXPECT_EQ(this_cpu_inc_return(pcp_stats_var.a), 1);
                 EXPECT_EQ(this_cpu_xchg(pcp_stats_var.a, 5), 1);
                 EXPECT_EQ(this_cpu_cmpxchg(pcp_stats_var.a, 5, 6), 5);
                 EXPECT_EQ(this_cpu_cmpxchg(pcp_stats_var.a, 5, 7), 6);
                 EXPECT_EQ(this_cpu_read(pcp_stats_var.a), 6);
                 __this_cpu_write(pcp_qnodes[3].locked, 10 + c);
                 this_cpu_or(pcp_qnodes[3].locked, 0x100);
               }});
  }
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  for (int c = 0; c < 2; ++c) {
    EXPECT_EQ(cpus_seen[c], c);
    EXPECT_EQ(possible[c], 2u);
    EXPECT_TRUE(pointers_agree[c]) << c;
    EXPECT_EQ(per_cpu(pcp_stats_var, c).b, 1u);
    EXPECT_EQ(per_cpu(pcp_stats_var, c).a, 6);
    EXPECT_EQ(per_cpu(pcp_qnodes[2].count, c), c + 1);
    EXPECT_EQ(per_cpu(pcp_qnodes[3].locked, c), 0x100 | (10 + c));
  }
  // CPU 0's copy is the defined object itself; the others are elsewhere.
  EXPECT_EQ(per_cpu_ptr(&pcp_stats_var, 0), &pcp_stats_var);
  EXPECT_NE(per_cpu_ptr(&pcp_stats_var, 1), &pcp_stats_var);
  // Every copy starts from the definition's initializer and keeps alignment.
  for (int cpu : {0, 1, 17, 63}) {
    EXPECT_EQ(per_cpu(pcp_aligned, cpu), 7u) << cpu;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(per_cpu_ptr(&pcp_aligned, cpu)) % SMP_CACHE_BYTES,
              0u)
        << cpu;
  }
}

// One CPU increments its per-CPU counter three times; an overflow NMI placed
// at each point in turn increments it once more. this_cpu_inc() is one
// point, so the NMI always lands between two increments: nothing is lost. A
// READ_ONCE() + WRITE_ONCE() increment has a point between its load and its
// store: an NMI there is overwritten.
struct NmiRace {
  int fired = 0;  // Phases where the NMI ran.
  int lost = 0;   // Phases where the final count missed an increment.
};

NmiRace RunPerCpuIncrementAgainstNmi(bool indivisible) {
  bool nmi_ran = false;
  Scenario s(indivisible ? "this-cpu-inc" : "read-write-inc", 1);
  s.OnReset([&] {
    per_cpu(pcp_counter, 0) = 0;
    nmi_ran = false;
  });
  s.AddTask({.name = "t", .body = [indivisible] {
               for (int i = 0; i < 3; ++i) {
                 if (indivisible) {
                   this_cpu_inc(pcp_counter);
                 } else {
                   int* p = this_cpu_ptr(&pcp_counter);
                   WRITE_ONCE(*p, READ_ONCE(*p) + 1);
                 }
               }
             }});
  constexpr uint64_t kPeriod = 6;  // The racy task makes 6 points.
  s.AddInterrupt({.name = "pmu", .kind = rt::ContextKind::kNmi,
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, kPeriod, kPeriod, 1),
                  .handler = [&] {
                    EXPECT_TRUE(in_nmi());
                    this_cpu_inc(pcp_counter);
                    nmi_ran = true;
                  }});
  NmiRace race;
  for (uint64_t phase = 0; phase < kPeriod; ++phase) {
    // pmu-period: index 1 of [6, 6] (0 = never); then the phase.
    sched::ReplaySource source({{sched::DecisionKind::kPmuPeriod, 2, 1},
                                {sched::DecisionKind::kPmuPhase, kPeriod, phase}});
    Machine machine;
    ExecutionResult r = machine.Run(s, source);
    EXPECT_TRUE(r.ok()) << r.message;
    race.fired += nmi_ran;
    race.lost += per_cpu(pcp_counter, 0) != 3 + (nmi_ran ? 1 : 0);
  }
  return race;
}

TEST(PerCpuTest, ThisCpuIncIsIndivisibleAgainstAnNmi) {
  const NmiRace race = RunPerCpuIncrementAgainstNmi(/*indivisible=*/true);
  EXPECT_EQ(race.fired, 3);  // Phases that place it within the task's 3 points.
  EXPECT_EQ(race.lost, 0);
}

TEST(PerCpuTest, ReadOnceWriteOnceIncrementLosesAnUpdateToAnNmiBetweenThem) {
  const NmiRace race = RunPerCpuIncrementAgainstNmi(/*indivisible=*/false);
  EXPECT_EQ(race.fired, 6);
  EXPECT_EQ(race.lost, 3);  // The NMI lands after each of the 3 loads once.
}

// --- Context tests ---

struct ContextFacts {
  bool task = false, interrupt = true, nmi = true, preemptible = false;
  bool bh_softirq = false, bh_serving = true, bh_task = false;
  bool atomic_in_preempt_off = false, preemptible_in_preempt_off = true;
  int count_in_preempt_off = 0;
  bool hard_hardirq = false, hard_irq = false, hard_nmi = true, hard_task = true,
       hard_irqs_off = false;
  bool nmi_nmi = false, nmi_hardirq = false, nmi_task = true, nmi_interrupt = false;
  bool soft_serving = false, soft_softirq = false, soft_task = true, soft_interrupt = false;
};

TEST(ContextTest, InNmiInHardirqInSoftirqAndInTaskReadAsInTheKernel) {
  ContextFacts f;
  rt::HandlerId hardirq = 0, nmi = 0, softirq = 0;
  Scenario s("contexts", 1);
  s.AddTask({.name = "t", .body = [&] {
               f.task = in_task();
               f.interrupt = in_interrupt();
               f.nmi = in_nmi();
               f.preemptible = preemptible();
               local_bh_disable();
               f.bh_softirq = in_softirq();
               f.bh_serving = in_serving_softirq();
               f.bh_task = in_task();
               local_bh_enable();
               preempt_disable();
               f.count_in_preempt_off = preempt_count();
               f.atomic_in_preempt_off = in_atomic();
               f.preemptible_in_preempt_off = preemptible();
               preempt_enable();
               rt::RaiseInterrupt(hardirq, 0);
               rt::RaiseInterrupt(softirq, 0);
             }});
  hardirq = s.AddInterrupt({.name = "h", .kind = rt::ContextKind::kHardirq,
                            .handler = [&] {
                              f.hard_hardirq = in_hardirq();
                              f.hard_irq = in_irq();
                              f.hard_nmi = in_nmi();
                              f.hard_task = in_task();
                              f.hard_irqs_off = irqs_disabled();
                              rt::RaiseInterrupt(nmi, 0);
                            }});
  nmi = s.AddInterrupt({.name = "n", .kind = rt::ContextKind::kNmi, .handler = [&] {
                          f.nmi_nmi = in_nmi();
                          f.nmi_hardirq = in_hardirq();
                          f.nmi_task = in_task();
                          f.nmi_interrupt = in_interrupt();
                        }});
  softirq = s.AddInterrupt({.name = "s", .kind = rt::ContextKind::kSoftirq,
                            .handler = [&] {
                              f.soft_serving = in_serving_softirq();
                              f.soft_softirq = in_softirq();
                              f.soft_task = in_task();
                              f.soft_interrupt = in_interrupt();
                            }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(f.task);
  EXPECT_FALSE(f.interrupt);
  EXPECT_FALSE(f.nmi);
  EXPECT_TRUE(f.preemptible);
  EXPECT_TRUE(f.bh_softirq);
  EXPECT_FALSE(f.bh_serving);
  EXPECT_TRUE(f.bh_task);  // Bottom halves off is still task context.
  EXPECT_EQ(f.count_in_preempt_off, 1);
  EXPECT_TRUE(f.atomic_in_preempt_off);
  EXPECT_FALSE(f.preemptible_in_preempt_off);
  EXPECT_TRUE(f.hard_hardirq);
  EXPECT_TRUE(f.hard_irq);
  EXPECT_FALSE(f.hard_nmi);
  EXPECT_FALSE(f.hard_task);
  EXPECT_TRUE(f.hard_irqs_off);
  EXPECT_TRUE(f.nmi_nmi);
  EXPECT_TRUE(f.nmi_hardirq);  // nmi_enter() adds HARDIRQ_OFFSET too.
  EXPECT_FALSE(f.nmi_task);
  EXPECT_TRUE(f.nmi_interrupt);
  EXPECT_TRUE(f.soft_serving);
  EXPECT_TRUE(f.soft_softirq);
  EXPECT_FALSE(f.soft_task);
  EXPECT_TRUE(f.soft_interrupt);
}

TEST(IrqflagsTest, LocalIrqSaveAndRestoreNestAndRoundTrip) {
  std::vector<std::string> log;
  rt::HandlerId hardirq = 0;
  Scenario s("irqflags", 1);
  s.OnReset([&] { log.clear(); });
  s.AddTask({.name = "t", .body = [&] {
               unsigned long outer_flags, inner_flags, saved;
               EXPECT_FALSE(irqs_disabled());
               local_irq_save(outer_flags);
               EXPECT_TRUE(irqs_disabled());
               EXPECT_FALSE(irqs_disabled_flags(outer_flags));
               local_irq_save(inner_flags);
               EXPECT_TRUE(irqs_disabled_flags(inner_flags));
               local_save_flags(saved);
               EXPECT_TRUE(irqs_disabled_flags(saved));
               rt::RaiseInterrupt(hardirq, 0);  // Held off: interrupts are disabled.
               log.push_back("inner");
               local_irq_restore(inner_flags);
               EXPECT_TRUE(irqs_disabled());  // Still inside the outer save.
               log.push_back("outer");
               local_irq_restore(outer_flags);  // The hardirq runs here.
               log.push_back("enabled");
               EXPECT_FALSE(irqs_disabled());
               local_irq_disable();
               EXPECT_TRUE(irqs_disabled());
               local_irq_enable();
               EXPECT_FALSE(irqs_disabled());
             }});
  hardirq = s.AddInterrupt({.name = "h", .kind = rt::ContextKind::kHardirq,
                            .handler = [&] { log.push_back("hardirq"); }});
  ExecutionResult r = RunQuiet(s);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(log, (std::vector<std::string>{"inner", "outer", "hardirq", "enabled"}));
}

// --- Time ---

TEST(TimeTest, ClocksReadVirtualTime) {
  u64 before = 0, after = 0;
  ktime_t kt0 = 0, kt1 = 0;
  ExecutionResult r = RunBody([&] {
    before = ktime_get_ns();
    kt0 = ktime_get();
    rt::SleepFor(2 * NSEC_PER_MSEC);
    after = ktime_get_mono_fast_ns();
    kt1 = ktime_get();
  });
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_GE(after - before, 2 * static_cast<u64>(NSEC_PER_MSEC));
  EXPECT_LT(after - before, 2 * static_cast<u64>(NSEC_PER_MSEC) + 1000);
  EXPECT_TRUE(ktime_after(kt1, kt0));
  EXPECT_EQ(ktime_to_ms(ktime_sub(kt1, kt0)), 2);
}

// --- Lists ---

struct item {
  int v;
  struct list_head node;
};

std::vector<int> Values(struct list_head* head) {
  std::vector<int> out;
  struct item* pos;
  list_for_each_entry(pos, head, node) out.push_back(pos->v);
  return out;
}

TEST(ListTest, OperationsKeepTheKernelsOrderAndEachIsOnePoint) {
  std::vector<std::vector<int>> states;
  std::vector<PmuDelta> deltas;
  ExecutionResult r = RunBody([&] {
    struct item items[5];
    LIST_HEAD(head);
    LIST_HEAD(other);
    for (int i = 0; i < 5; ++i) items[i].v = i;
    EXPECT_TRUE(list_empty(&head));
    for (int i = 1; i < 5; ++i) list_add_tail(&items[i].node, &head);
    deltas.push_back(Measure([&] { list_add(&items[0].node, &head); }));
    states.push_back(Values(&head));  // 0 1 2 3 4
    deltas.push_back(Measure([&] { list_del(&items[2].node); }));
    states.push_back(Values(&head));  // 0 1 3 4
    deltas.push_back(Measure([&] { list_move_tail(&items[0].node, &head); }));
    states.push_back(Values(&head));  // 1 3 4 0
    deltas.push_back(Measure([&] { EXPECT_FALSE(list_empty(&head)); }));
    EXPECT_EQ(list_first_entry(&head, struct item, node)->v, 1);
    EXPECT_EQ(list_last_entry(&head, struct item, node)->v, 0);
    EXPECT_EQ(list_first_entry_or_null(&other, struct item, node), nullptr);
    EXPECT_EQ(list_first_entry_or_null(&head, struct item, node), &items[1]);
    EXPECT_TRUE(list_is_last(&items[0].node, &head));
    EXPECT_TRUE(list_is_first(&items[1].node, &head));
    struct item *pos, *n;
    list_for_each_entry_safe(pos, n, &head, node) {
      if (pos->v % 2) list_move_tail(&pos->node, &other);
    }
    states.push_back(Values(&head));   // 4 0
    states.push_back(Values(&other));  // 1 3
    deltas.push_back(Measure([&] { list_splice_init(&other, &head); }));
    states.push_back(Values(&head));  // 1 3 4 0
    EXPECT_TRUE(list_empty(&other));
    list_del_init(&items[3].node);
    EXPECT_TRUE(list_empty(&items[3].node));
    list_rotate_left(&head);
    states.push_back(Values(&head));  // 4 0 1
    std::vector<int> reversed;
    list_for_each_entry_reverse(pos, &head, node) reversed.push_back(pos->v);
    states.push_back(reversed);  // 1 0 4
    list_del(&items[4].node);
    list_del(&items[0].node);
    EXPECT_TRUE(list_is_singular(&head));
  });
  ASSERT_TRUE(r.ok()) << r.message;
  using V = std::vector<int>;
  EXPECT_EQ(states, (std::vector<V>{V{0, 1, 2, 3, 4}, V{0, 1, 3, 4}, V{1, 3, 4, 0}, V{4, 0},
                                    V{1, 3}, V{1, 3, 4, 0}, V{4, 0, 1}, V{1, 0, 4}}));
  ASSERT_EQ(deltas.size(), 5u);
  for (size_t i = 0; i < deltas.size(); ++i) EXPECT_EQ(deltas[i].steps, 1u) << "op " << i;
  EXPECT_EQ(deltas[0].writes, 1u);  // Mutations write ...
  EXPECT_EQ(deltas[3].reads, 1u);   // ... list_empty() reads.
  EXPECT_EQ(deltas[3].writes, 0u);
}

TEST(ListTest, DeletingTwiceOrAddingTwiceIsCaughtAsCorruption) {
  ExecutionResult twice = RunBody([] {
    struct item a = {1, {nullptr, nullptr}};
    LIST_HEAD(head);
    list_add(&a.node, &head);
    list_del(&a.node);
    list_del(&a.node);
  });
  EXPECT_EQ(twice.verdict, Verdict::kFailure);
  EXPECT_EQ(twice.message, "list_del corruption: entry->next is LIST_POISON1 (deleted twice?)");

  ExecutionResult double_add = RunBody([] {
    struct item a = {1, {nullptr, nullptr}};
    LIST_HEAD(head);
    list_add(&a.node, &head);
    list_add(&a.node, &head);
  });
  EXPECT_EQ(double_add.verdict, Verdict::kFailure);
  EXPECT_EQ(double_add.message, "list_add double add: new is prev or next");
}

// --- Lock-less lists ---

struct lnode {
  int v;
  struct llist_node node;
};

// The kernel's llist_add() with its try_cmpxchg() replaced by a load and a
// store: the planted bug the walk must find.
bool broken_llist_add(struct llist_node* nw, struct llist_head* head) {
  struct llist_node* first = READ_ONCE(head->first);
  nw->next = first;
  WRITE_ONCE(head->first, nw);
  return !first;
}

struct LlistWalk {
  int executions_with_nmis = 0;
  int retried = 0;  // Executions where some add's cmpxchg failed and retried.
  int lost = 0;     // Executions that lost a node.
  size_t distinct_traces = 0;
};

// CPUs 0 and 1 each add three nodes to one list while an overflow NMI on
// each CPU adds one more; CPU 1 then takes them all. 2000 random executions.
LlistWalk WalkLlist(bool correct) {
  constexpr int kPerTask = 3;
  LLIST_HEAD(head);
  struct lnode nodes[2][kPerTask];
  struct lnode nmi_nodes[2];
  int nmis = 0;
  Scenario s(correct ? "llist" : "llist-broken", 2);
  s.OnReset([&] {
    init_llist_head(&head);
    nmis = 0;
  });
  auto add = [correct, &head](struct llist_node* n) {
    if (correct)
      llist_add(n, &head);
    else
      broken_llist_add(n, &head);
  };
  for (int c = 0; c < 2; ++c) {
    s.AddTask({.name = "adder" + std::to_string(c), .affinity = rt::Cpu(c), .body = [&, c] {
                 for (int i = 0; i < kPerTask; ++i) {
                   nodes[c][i].v = c * 10 + i;
                   add(&nodes[c][i].node);
                 }
               }});
  }
  s.AddInterrupt({.name = "pmu", .kind = rt::ContextKind::kNmi, .cpus = rt::AllCpus(2),
                  .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 12, 1),
                  .handler = [&] {
                    const int cpu = smp_processor_id();
                    nmi_nodes[cpu].v = 100 + cpu;
                    add(&nmi_nodes[cpu].node);
                    ++nmis;
                  }});
  MachineOptions options;
  options.record_full_trace = true;
  Machine machine(options);
  sched::RandomSource source(2024);
  std::set<uint64_t> hashes;
  LlistWalk walk;
  for (uint64_t i = 0; i < 2000; ++i) {
    ExecutionResult r = machine.Run(s, source, i);
    EXPECT_TRUE(r.ok()) << r.message;
    hashes.insert(r.trace_hash);
    walk.executions_with_nmis += nmis > 0;
    // Outside the machine: walk the list by hand (no points).
    int count = 0;
    for (struct llist_node* n = head.first; n != nullptr; n = n->next) ++count;
    walk.lost += count != 2 * kPerTask + nmis;
    // One successful RMW per add; more RMW points mean a cmpxchg lost a race.
    int rmws = 0;
    for (const rt::TraceRecord& rec : machine.full_trace()) rmws += rec.op == rt::Op::kRmw;
    walk.retried += rmws > 2 * kPerTask + nmis;
  }
  walk.distinct_traces = hashes.size();
  return walk;
}

TEST(LlistTest, TwoCpusAndAnNmiNeverLoseANode) {
  const LlistWalk walk = WalkLlist(/*correct=*/true);
  EXPECT_EQ(walk.lost, 0);
  // The walk really races: NMIs fire, cmpxchgs fail and retry, and the
  // interleavings differ (the scenario is small: 12 task points).
  EXPECT_GT(walk.executions_with_nmis, 1000);
  EXPECT_GT(walk.retried, 500);
  EXPECT_GT(walk.distinct_traces, 200u);
}

TEST(LlistTest, TheWalkFindsALostNodeWithoutTheCmpxchg) {
  const LlistWalk walk = WalkLlist(/*correct=*/false);
  EXPECT_GT(walk.lost, 500);
}

TEST(LlistTest, DelFirstDelAllAndReverseOrder) {
  std::vector<int> order, reversed;
  ExecutionResult r = RunBody([&] {
    LLIST_HEAD(head);
    struct lnode n[3] = {{0, {nullptr}}, {1, {nullptr}}, {2, {nullptr}}};
    EXPECT_TRUE(llist_empty(&head));
    EXPECT_TRUE(llist_add(&n[0].node, &head));  // Was empty.
    EXPECT_FALSE(llist_add(&n[1].node, &head));
    EXPECT_FALSE(llist_add(&n[2].node, &head));
    struct llist_node* first = llist_del_first(&head);
    EXPECT_EQ(llist_entry(first, struct lnode, node)->v, 2);
    llist_add(first, &head);
    struct llist_node* all = llist_del_all(&head);
    EXPECT_TRUE(llist_empty(&head));
    EXPECT_EQ(llist_del_first(&head), nullptr);
    struct lnode* pos;
    llist_for_each_entry(pos, all, node) order.push_back(pos->v);
    struct lnode* tmp;
    llist_for_each_entry_safe(pos, tmp, llist_reverse_order(all), node) {
      reversed.push_back(pos->v);
    }
  });
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(order, (std::vector<int>{2, 1, 0}));
  EXPECT_EQ(reversed, (std::vector<int>{0, 1, 2}));
}

// --- BUG and WARN ---

TEST(BugTest, BugOnAndWarnOnEndTheExecutionWithFileAndLine) {
  int line = 0;
  int x = 1;
  ExecutionResult bug = RunBody([&] {
    BUG_ON(x == 2);  // False: nothing happens.
    line = __LINE__ + 1;
    BUG_ON(x == 1);
  });
  EXPECT_EQ(bug.verdict, Verdict::kFailure);
  EXPECT_EQ(bug.message, "BUG at kapi_primitives_test.cc:" + std::to_string(line) + ": x == 1");

  bool warned_false = true;
  ExecutionResult warn = RunBody([&] {
    warned_false = WARN_ON(x == 2);
    line = __LINE__ + 1;
    if (WARN_ON_ONCE(x == 1)) x = 3;
  });
  EXPECT_FALSE(warned_false);
  EXPECT_EQ(warn.verdict, Verdict::kFailure);
  EXPECT_EQ(warn.message,
            "WARNING at kapi_primitives_test.cc:" + std::to_string(line) + ": x == 1");
  EXPECT_EQ(x, 1);  // The execution ended inside WARN_ON_ONCE().

  ExecutionResult fmt = RunBody([&] {
    line = __LINE__ + 1;
    WARN(x == 1, "value %d", 7);
  });
  EXPECT_EQ(fmt.message,
            "WARNING at kapi_primitives_test.cc:" + std::to_string(line) + ": value 7");
}

// --- Object ids ---

// The objects of kRmw records in the last execution's full trace.
std::vector<uint32_t> RmwObjects(const Machine& machine) {
  std::vector<uint32_t> out;
  for (const rt::TraceRecord& rec : machine.full_trace()) {
    if (rec.op == rt::Op::kRmw) out.push_back(rec.object);
  }
  return out;
}

// Ids are given in order of first use within each execution, whatever ran
// before in the process: replaying a schedule after other executions (which
// used the same atomics in another order), or on a fresh machine, gives the
// same ids and the same trace hash.
TEST(ObjectIdTest, IdsFollowFirstUseInEachExecutionNotProcessHistory) {
  atomic_t a = ATOMIC_INIT(0), b = ATOMIC_INIT(0);
  auto make = [&](const char* name, atomic_t* first, atomic_t* second) {
    Scenario s(name, 2);
    s.OnReset([&] { a.counter = b.counter = 0; });
    s.AddTask({.name = "x", .affinity = rt::Cpu(0), .body = [first, second] {
                 atomic_inc(first);
                 atomic_inc(second);
                 atomic_inc(first);
               }});
    s.AddTask({.name = "y", .affinity = rt::Cpu(1), .body = [second] {
                 atomic_add(2, second);
               }});
    return s;
  };
  Scenario ab = make("ab", &a, &b);
  Scenario ba = make("ba", &b, &a);
  MachineOptions options;
  options.record_full_trace = true;
  Machine machine(options);
  sched::RandomSource random(7);
  ExecutionResult first = machine.Run(ab, random, 0);
  ASSERT_TRUE(first.ok()) << first.message;
  const std::vector<uint32_t> first_ids = RmwObjects(machine);
  ASSERT_EQ(first_ids.size(), 4u);
  EXPECT_EQ(first_ids[0], 1u);  // The first atomic used is 1 ...
  for (uint32_t id : first_ids) EXPECT_TRUE(id == 1 || id == 2) << id;

  // Other history: b is used first now, and the walk moves on. Ids restart
  // at 1 in every execution.
  for (uint64_t i = 1; i < 20; ++i) {
    ASSERT_TRUE(machine.Run(ba, random, i).ok());
    const std::vector<uint32_t> ids = RmwObjects(machine);
    ASSERT_EQ(ids.size(), 4u);
    EXPECT_EQ(ids[0], 1u);
    for (uint32_t id : ids) EXPECT_TRUE(id == 1 || id == 2) << id;
  }

  sched::ReplaySource replay(first.decisions);
  ExecutionResult again = machine.Run(ab, replay, 0);
  EXPECT_FALSE(replay.first_divergence().has_value());
  EXPECT_EQ(again.trace_hash, first.trace_hash);
  EXPECT_EQ(RmwObjects(machine), first_ids);

  Machine fresh(options);
  sched::ReplaySource replay_fresh(first.decisions);
  ExecutionResult on_fresh = fresh.Run(ab, replay_fresh, 0);
  EXPECT_EQ(on_fresh.trace_hash, first.trace_hash);
  EXPECT_EQ(RmwObjects(fresh), first_ids);
}

}  // namespace
}  // namespace rtfuzz::kapi
