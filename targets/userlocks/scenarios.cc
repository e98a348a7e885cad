// targets/userlocks/scenarios.cc
//
// The scenario glue for the user-style locks (scenarios.h). The locks are
// in their own headers and see only kapi; this file builds machines around
// them with rtfuzz::rt, as a user's test would.

#include "scenarios.h"

#include <string>

#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/context.h"
// kapi last: it defines kernel macros.
#include "mcs_lock.h"
#include "rw_lock.h"
#include "ticket_lock.h"
#include <linux/bug.h>

DEFINE_PER_CPU(struct mcs_node, mcs_nodes[4]);

namespace rtfuzz::targets::userlocks {
namespace {

struct ticket_lock ticket = TICKET_LOCK_INIT(ticket);
struct mcs_lock mcs = MCS_LOCK_INIT(mcs);
struct rw_lock rw = RW_LOCK_INIT(rw);

// What the critical sections check: one writer at a time, no reader beside
// a writer, and every round ran.
int writers_in;
int readers_in;
int rounds_done;

void Reset() {
  ticket = TICKET_LOCK_INIT(ticket);
  mcs = MCS_LOCK_INIT(mcs);
  rw = RW_LOCK_INIT(rw);
  for (int cpu = 0; cpu < rt::kMaxCpus; ++cpu) {
    for (int level = 0; level < 4; ++level) *per_cpu_ptr(&mcs_nodes[level], cpu) = mcs_node{};
  }
  writers_in = readers_in = rounds_done = 0;
}

// The scenario's only mark: a critical section ran.
constexpr rt::MarkId kRoundMark = 0;

void WriteSection() {
  const int in = READ_ONCE(writers_in);
  BUG_ON(in != 0 || READ_ONCE(readers_in) != 0);
  WRITE_ONCE(writers_in, in + 1);
  WRITE_ONCE(writers_in, READ_ONCE(writers_in) - 1);
  WRITE_ONCE(rounds_done, READ_ONCE(rounds_done) + 1);
  rt::Progress(kRoundMark);
}

void ReadSection() {
  BUG_ON(READ_ONCE(writers_in) != 0);
  WRITE_ONCE(readers_in, READ_ONCE(readers_in) + 1);
  WRITE_ONCE(readers_in, READ_ONCE(readers_in) - 1);
  WRITE_ONCE(rounds_done, READ_ONCE(rounds_done) + 1);
  rt::Progress(kRoundMark);
}

// One lock's operations under one flavour: exclusive lock, trylock,
// unlock, and the shared side (the exclusive one for ticket and mcs).
template <bool kHooks, bool kLost>
struct Ops {
  static void Lock(char l) {
    if (l == 't') ticket_spin_lock<kHooks, kLost>(&ticket);
    if (l == 'm') mcs_spin_lock<kHooks, kLost>(&mcs);
    if (l == 'r') rw_write_lock<kHooks, kLost>(&rw);
  }
  static bool Trylock(char l) {
    if (l == 't') return ticket_spin_trylock<kHooks, kLost>(&ticket);
    if (l == 'm') return mcs_spin_trylock<kHooks, kLost>(&mcs);
    return rw_write_trylock<kHooks, kLost>(&rw);
  }
  static void Unlock(char l) {
    if (l == 't') ticket_spin_unlock<kHooks, kLost>(&ticket);
    if (l == 'm') mcs_spin_unlock<kHooks, kLost>(&mcs);
    if (l == 'r') rw_write_unlock<kHooks, kLost>(&rw);
  }
  static void Round(char l) {
    Lock(l);
    WriteSection();
    Unlock(l);
  }
  static void TrylockRound(char l) {
    while (!Trylock(l)) cpu_relax();
    WriteSection();
    Unlock(l);
  }
  static void SharedRound(char l) {
    if (l != 'r') return Round(l);
    rw_read_lock<kHooks, kLost>(&rw);
    ReadSection();
    rw_read_unlock<kHooks, kLost>(&rw);
  }
};

template <bool kHooks, bool kLost>
rt::Scenario Make(std::string_view name, char l) {
  using O = Ops<kHooks, kLost>;
  const bool nmi = name.ends_with("-nmi");
  const int cpus = nmi ? 2 : 3;
  const int rounds = nmi ? 2 : 3;
  rt::Scenario s(std::string(name), cpus);
  s.OnReset(&Reset);
  RTFUZZ_CHECK(s.AddMark("critical section ran") == kRoundMark, "the scenario's first mark");
  // No progress: no context waits for a timer and, without a deadlock (which
  // the machine names at once), no CPU is stuck for long, so a whole
  // execution is a few hundred points of 10 ns: the longest measured is 287
  // points, 2.9 us (mcs-contend, `rtfuzz explore --target=userlocks
  // --executions=20000`, most steps). 1 ms between two sections is far past
  // any schedule of these rounds.
  s.budgets().progress_ns = 1'000'000;
  s.AddTask({.name = "locker", .affinity = rt::Cpu(0), .body = [l, rounds] {
               for (int i = 0; i < rounds; ++i) O::Round(l);
             }});
  if (nmi) {
    s.AddTask({.name = "other", .affinity = rt::Cpu(1), .body = [l, rounds] {
                 for (int i = 0; i < rounds; ++i) O::SharedRound(l);
               }});
    // Any step of CPU0 (period 1..48 and its phase are decisions), once.
    s.AddInterrupt({.name = "perf", .kind = rt::ContextKind::kNmi, .cpus = rt::Cpu(0),
                    .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 48, 1),
                    .handler = [l] { O::Round(l); }});
    s.AddEndCheck("every round ran", [rounds] { return rounds_done >= 2 * rounds; });
  } else {
    s.AddTask({.name = "trylocker", .affinity = rt::Cpu(1), .body = [l, rounds] {
                 for (int i = 0; i < rounds; ++i) O::TrylockRound(l);
               }});
    s.AddTask({.name = "other", .affinity = rt::Cpu(2), .body = [l, rounds] {
                 for (int i = 0; i < rounds; ++i) O::SharedRound(l);
               }});
    s.AddEndCheck("every round ran", [rounds] { return rounds_done == 3 * rounds; });
  }
  return s;
}

}  // namespace

std::optional<Variant> ParseVariant(std::string_view name) {
  if (name == "hooks") return Variant{true, false};
  if (name == "bare") return Variant{false, false};
  if (name == "lost-hooks") return Variant{true, true};
  if (name == "lost-bare") return Variant{false, true};
  return std::nullopt;
}

const std::vector<std::string_view>& VariantNames() {
  static const std::vector<std::string_view> names = {"hooks", "bare", "lost-hooks",
                                                      "lost-bare"};
  return names;
}

const std::vector<std::string_view>& ScenarioNames() {
  static const std::vector<std::string_view> names = {"ticket-contend", "ticket-nmi",
                                                      "mcs-contend",    "mcs-nmi",
                                                      "rw-contend",     "rw-nmi"};
  return names;
}

rt::Scenario MakeScenario(std::string_view scenario, const Variant& v) {
  const char l = scenario.front();  // t, m or r.
  RTFUZZ_PRECONDITION(l == 't' || l == 'm' || l == 'r', "no such userlocks scenario");
  if (v.hooks) return v.lost ? Make<true, true>(scenario, l) : Make<true, false>(scenario, l);
  return v.lost ? Make<false, true>(scenario, l) : Make<false, false>(scenario, l);
}

}  // namespace rtfuzz::targets::userlocks
