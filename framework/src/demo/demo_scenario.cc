// framework/src/demo/demo_scenario.cc
//
// The built-in demo scenario (see rtfuzz/demo/demo_scenario.h). Every access to
// the lock word and the counter is its own scheduling point, so an NMI can
// land between any two of them.

#include "rtfuzz/demo/demo_scenario.h"

#include <cstdint>
#include <string>

#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::rt {
namespace {

constexpr uint32_t kLockObject = 1;
constexpr uint32_t kCounterObject = 2;
constexpr uint64_t kLockTimeoutNs = 250'000'000;  // rqspinlock's RES_DEF_TIMEOUT.

struct DemoState {
  uint32_t locked = 0;
  uint64_t counter = 0;
  uint64_t nmi_entries = 0;
  MarkId progress = 0;
};

constexpr const char* kSite = "demo_scenario.cc";

// One test-and-set attempt. On success the oracles learn it in the same step
// as the cmpxchg (before its point), so their idea of the owner never lags
// the lock word: an NMI landing right after the cmpxchg sees the real owner.
bool TryLockOnce(DemoState& s) {
  const uint32_t seen = __atomic_load_n(&s.locked, __ATOMIC_RELAXED);
  Point(Op::kRead, kLockObject, seen, kPointRead);
  if (seen != 0) return false;
  // cmpxchg(0 -> 1): one atomic step; it cannot be split by an interrupt
  // (nor raced by another CPU on the native backend's real threads).
  uint32_t expected = 0;
  const bool won = __atomic_compare_exchange_n(&s.locked, &expected, 1u, false,
                                               __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
  if (won) check::LockAcquired(kLockObject, kSite);
  Point(Op::kRmw, kLockObject, won ? 1u : expected,
        kPointAtomic | kPointLockOp | (won ? uint32_t{kPointWrite} : 0u));
  return won;
}

// The lock announces itself to the oracles as kernel locks do to lockdep:
// attempt, wait, success or failure, release.
bool TryLock(DemoState& s) {
  check::LockAcquire(kLockObject, "demo_lock", check::LockMode::kExclusive, true, kSite);
  if (TryLockOnce(s)) return true;
  check::LockFailed(kLockObject, -check::kEbusy, kSite);
  return false;
}

// Spins until the lock is free and taken, or 250 ms of virtual time pass.
bool LockWithTimeout(DemoState& s) {
  check::LockAcquire(kLockObject, "demo_lock", check::LockMode::kExclusive, false, kSite);
  if (TryLockOnce(s)) return true;
  check::LockContended(kLockObject, kSite);
  const uint64_t deadline = Now() + kLockTimeoutNs;
  while (!TryLockOnce(s)) {
    Spin(kLockObject);
    if (Now() > deadline) {
      check::LockFailed(kLockObject, -check::kEtimedout, kSite);
      return false;
    }
  }
  return true;
}

void Unlock(DemoState& s) {
  check::LockRelease(kLockObject, kSite);  // Before the store, as lockdep.
  __atomic_store_n(&s.locked, 0u, __ATOMIC_RELEASE);
  Point(Op::kWrite, kLockObject, 0, kPointWrite | kPointLockOp);
}

void Increment(DemoState& s) {
  const uint64_t v = s.counter;
  Point(Op::kRead, kCounterObject, v, kPointRead);
  s.counter = v + 1;
  Point(Op::kWrite, kCounterObject, v + 1, kPointWrite);
}

}  // namespace

std::unique_ptr<Scenario> MakeDemoScenario(std::string_view variant, int rounds) {
  const bool nmi_spins = variant == "demo-aa";
  if ((!nmi_spins && variant != "demo") || rounds < 1) return nullptr;
  auto scenario = std::make_unique<Scenario>(std::string(variant), 2);
  auto state = std::make_shared<DemoState>();
  state->progress = scenario->AddMark("increment");
  // Each round's lock either succeeds within its 250 ms timeout or fails the
  // run, so a worker marks an increment at least every kLockTimeoutNs, +
  // 1/8 time-warp overshoot of the spin.
  scenario->budgets().progress_ns = kLockTimeoutNs + kLockTimeoutNs / 8;
  scenario->OnReset([state] {
    const MarkId progress = state->progress;
    *state = DemoState{};
    state->progress = progress;
  });
  auto worker = [state, rounds] {
    for (int i = 0; i < rounds; ++i) {
      if (!LockWithTimeout(*state)) Fail("task lock timed out after 250 ms");
      Increment(*state);
      Unlock(*state);
      Progress(state->progress);
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
       .trigger = Trigger::Overflow(PmuEvent::kSteps, 1, 48, /*max_fires=*/2),
       .handler = [state, nmi_spins] {
         ++state->nmi_entries;
         const bool locked = nmi_spins ? LockWithTimeout(*state) : TryLock(*state);
         if (!locked && nmi_spins) {
           Fail("NMI on CPU 0 timed out after 250 ms on a lock its own CPU "
                "holds: AA deadlock not detected");
         }
         if (locked) Unlock(*state);
       }});
  scenario->AddEndCheck("counter", [state, rounds] {
    return state->counter == 2 * static_cast<uint64_t>(rounds);
  });
  scenario->AddEndCheck("lock released", [state] { return state->locked == 0; });
  return scenario;
}

}  // namespace rtfuzz::rt
