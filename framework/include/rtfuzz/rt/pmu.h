// framework/include/rtfuzz/rt/pmu.h
//
// Virtual PMU events. Each virtual CPU counts these at every scheduling point
// of any context running on it (task, softirq, hardirq, NMI alike, as a real
// per-CPU counter without exclude_* bits would). A scenario can arm an
// interrupt on the overflow of one counter (Trigger::Overflow in scenario.h),
// the deterministic analogue of perf's sample_period overflow NMI.
//
// Names follow perf's event spelling so the native backend can map them onto
// libpfm4 strings; the mapping is in docs/architecture.md#virtual-pmu
// (e.g. "steps" ~ "instructions", "atomics" ~ locked memory instructions).

#ifndef RTFUZZ_RT_PMU_H_
#define RTFUZZ_RT_PMU_H_

#include <cstdint>
#include <string_view>

namespace rtfuzz::rt {

// Event n (n >= 1) is counted by points whose flags have bit n-1 set
// (rt::PointFlags in context.h); kSteps by every point.
enum class PmuEvent : uint8_t {
  kSteps,    // "steps": every scheduling point.
  kReads,    // "reads": shared-memory loads.
  kWrites,   // "writes": shared-memory stores (including RMWs that wrote).
  kAtomics,  // "atomics": atomic read-modify-writes and ordered accesses.
  kLockOps,  // "lock-ops": lock acquire/release operations and annotations.
  kSpins,    // "spins": cpu_relax()-like spin-wait iterations.
};

inline constexpr int kPmuEventCount = 6;

std::string_view PmuEventName(PmuEvent event);
bool ParsePmuEvent(std::string_view name, PmuEvent* event);

// The virtual event that stands for a real one named by its libpfm4 string
// (case-insensitive, as libpfm4): retired instructions, cycles and the
// task/CPU clocks count points ("steps": a point stands for an instruction
// of the modelled code and costs MachineOptions::step_ns of virtual time);
// MEM_INST_RETIRED:ALL_LOADS, :ALL_STORES and :LOCK_LOADS count reads,
// writes and atomics; the virtual names themselves map to themselves.
// false, with a one-line `error` naming the event and what does map, for
// any other name.
bool VirtualEventFor(std::string_view libpfm4_name, PmuEvent* event, std::string* error);

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_PMU_H_
