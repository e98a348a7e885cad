// framework/src/check/noise_oracle.cc
//
// Isolation noise: on each CPU the scenario isolates, the interrupts, IPIs
// and time stolen by interrupt contexts so far, against the isolated_*
// budgets, and the isolated CPUs' reschedule IPIs against the external
// interrupts that could have caused them (a feedback loop): isolation-noise
// with the counts.

#include <string>

#include "oracle_state.h"
#include "rtfuzz/base/verdict.h"

namespace rtfuzz::check::internal {

void OracleState::CheckNoise() {
  const rt::Scenario& s = view_.scenario();
  const rt::OracleBudgets& b = s.budgets();
  if (s.isolated_cpus() == 0) return;
  if (b.isolated_resched_ipis_per_external != UINT32_MAX) {
    uint64_t external = 0, ipis = 0;
    for (int cpu = 0; cpu < view_.num_cpus(); ++cpu) {
      const rt::CpuNoise n = view_.cpu_noise(cpu);
      external += n.external;
      if (s.isolated_cpus() & rt::Cpu(cpu)) ipis += n.resched_ipis;
    }
    const uint64_t per = b.isolated_resched_ipis_per_external;
    if (ipis > per * (external + 1)) {
      view_.Report(Verdict::kIsolationNoise,
                   "the isolated CPUs got " + std::to_string(ipis) + " reschedule IPIs for " +
                       std::to_string(external) +
                       " external interrupts: IPIs cause IPIs (budget " + std::to_string(per) +
                       " per external interrupt, plus " + std::to_string(per) + ")",
                   CpuStates(), "isolated:resched-ipi-feedback");
      return;
    }
  }
  for (int cpu = 0; cpu < view_.num_cpus(); ++cpu) {
    if ((s.isolated_cpus() & rt::Cpu(cpu)) == 0) continue;
    const rt::CpuNoise n = view_.cpu_noise(cpu);
    if (n.interrupts <= b.isolated_interrupts && n.ipis <= b.isolated_ipis &&
        n.stolen_ns <= b.isolated_stolen_ns) {
      continue;
    }
    view_.Report(Verdict::kIsolationNoise,
                 "isolated CPU" + std::to_string(cpu) + " was disturbed: " +
                     std::to_string(n.interrupts) + " interrupts (budget " +
                     std::to_string(b.isolated_interrupts) + "), " + std::to_string(n.ipis) +
                     " IPIs (budget " + std::to_string(b.isolated_ipis) + "), " +
                     FormatDuration(n.stolen_ns) + " stolen (budget " +
                     FormatDuration(b.isolated_stolen_ns) + ")",
                 CpuStates(), "cpu" + std::to_string(cpu));
    return;
  }
}

}  // namespace rtfuzz::check::internal
