// framework/src/rt/pmu_event_names.cc
//
// The virtual PMU's reading of real event names (rt/pmu.h VirtualEventFor),
// so one scenario names its event once and runs on both backends.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "rtfuzz/rt/pmu.h"

namespace rtfuzz::rt {
namespace {

struct Mapping {
  std::string_view name;  // Lower case, as compared.
  PmuEvent event;
};

// libpfm4 spells the generic events "perf::<name>" (also the kernel's
// PERF_COUNT_* names) and accepts the bare perf tool name.
constexpr Mapping kMappings[] = {
    {"perf::instructions", PmuEvent::kSteps},
    {"instructions", PmuEvent::kSteps},
    {"perf::perf_count_hw_instructions", PmuEvent::kSteps},
    {"inst_retired:any", PmuEvent::kSteps},
    {"inst_retired:any_p", PmuEvent::kSteps},
    {"perf::cycles", PmuEvent::kSteps},
    {"cycles", PmuEvent::kSteps},
    {"perf::cpu-cycles", PmuEvent::kSteps},
    {"perf::perf_count_hw_cpu_cycles", PmuEvent::kSteps},
    {"perf::task-clock", PmuEvent::kSteps},
    {"task-clock", PmuEvent::kSteps},
    {"perf::perf_count_sw_task_clock", PmuEvent::kSteps},
    {"perf::cpu-clock", PmuEvent::kSteps},
    {"cpu-clock", PmuEvent::kSteps},
    {"perf::perf_count_sw_cpu_clock", PmuEvent::kSteps},
    {"mem_inst_retired:all_loads", PmuEvent::kReads},
    {"mem_inst_retired:all_stores", PmuEvent::kWrites},
    {"mem_inst_retired:lock_loads", PmuEvent::kAtomics},
};

}  // namespace

bool VirtualEventFor(std::string_view libpfm4_name, PmuEvent* event, std::string* error) {
  std::string lower(libpfm4_name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const Mapping& m : kMappings) {
    if (m.name == lower) {
      *event = m.event;
      return true;
    }
  }
  if (ParsePmuEvent(lower, event)) return true;
  *error = "the virtual PMU cannot map event '" + std::string(libpfm4_name) +
           "': it counts perf::instructions, perf::cycles, perf::task-clock and "
           "perf::cpu-clock as steps, MEM_INST_RETIRED:ALL_LOADS/ALL_STORES/LOCK_LOADS as "
           "reads/writes/atomics, and its own steps, reads, writes, atomics, lock-ops, spins";
  return false;
}

}  // namespace rtfuzz::rt
