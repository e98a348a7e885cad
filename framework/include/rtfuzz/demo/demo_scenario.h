// framework/include/rtfuzz/demo/demo_scenario.h
//
// The built-in demo: a test-and-set spinlock with a 250 ms timeout (in virtual
// time, as rqspinlock's), two SCHED_FIFO tasks on two CPUs incrementing a
// counter under it, and a PMU-overflow NMI on CPU 0 that takes the same lock.
// It shows the scenario API end to end and is what `rtfuzz explore` runs
// without arguments.
//
//   "demo"     The NMI uses trylock, as NMI code must. Passes always.
//   "demo-aa"  The NMI spins on the lock. When it lands while the task it
//              interrupted holds the lock, it waits for a context that cannot
//              run until it returns: an AA deadlock that the lock only ends by
//              its 250 ms timeout. With rtfuzz/check's oracles attached that
//              is "missed-AA"; without them the scenario's own check says
//              "failure".
// The lock reports its events (rtfuzz/check/lock_events.h), so the oracles
// see who holds and who waits.

#ifndef RTFUZZ_DEMO_DEMO_SCENARIO_H_
#define RTFUZZ_DEMO_DEMO_SCENARIO_H_

#include <memory>
#include <string_view>

#include "rtfuzz/rt/scenario.h"

namespace rtfuzz::rt {

// Null if `variant` is not "demo" or "demo-aa". Each task takes the lock
// `rounds` times (>= 1); the default makes executions of about 50 points,
// 12 rounds about 200.
std::unique_ptr<Scenario> MakeDemoScenario(std::string_view variant, int rounds = 3);

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_DEMO_DEMO_SCENARIO_H_
