// framework/include/rtfuzz/rt/trace.h
//
// The execution trace: one TraceRecord per scheduling point and per machine
// event (interrupt entry/exit, wakeup, context switch, time warp). Every record
// is folded into a 64-bit trace hash, so "same decisions, same trace" is one
// integer comparison; the last records are kept in a bounded ring for reports,
// and the whole trace only when MachineOptions::record_full_trace is set.
//
// Records hold no addresses: objects are small integer ids chosen by the
// caller (kapi gives each lock and variable one in order of first use), so a
// trace and its hash are the same in every process.

#ifndef RTFUZZ_RT_TRACE_H_
#define RTFUZZ_RT_TRACE_H_

#include <cstdint>
#include <string_view>

namespace rtfuzz::rt {

// What happened at a point. Values are stable: they feed the trace hash.
enum class Op : uint16_t {
  kTaskStart,
  kTaskExit,
  kRead,
  kWrite,
  kRmw,            // Atomic read-modify-write (value = the new value).
  kSpin,           // cpu_relax()-like spin-wait iteration.
  kTimeRead,       // Read of the virtual clock.
  kSetState,       // set_current_state(): about to block.
  kSchedule,       // schedule(): block unless woken since kSetState.
  kWake,           // object = the woken task.
  kSleep,          // value = the wake-up time.
  kSwitch,         // A CPU changed tasks (value = next task id).
  kIrqRaise,       // object = handler instance made pending (value = CPU).
  kIrqEnter,
  kIrqExit,
  kPreemptDisable,
  kPreemptEnable,
  kIrqDisable,
  kIrqEnable,
  kBhDisable,
  kBhEnable,
  kProgress,       // object = progress mark id.
  kChoose,         // value = the chosen value.
  kWarp,           // value = nanoseconds skipped.
  kSetPriority,    // object = task, value = new effective prio.
  kLockAcquire,    // Lockdep-style annotations (object = lock id).
  kLockContended,
  kLockAcquired,
  kLockRelease,
  kLockFailed,     // value = the negative errno the attempt returned.
  kThrottle,       // object = task group, value 1 throttled, 0 refilled.
  kTimer,          // ArmTimer/CancelTimer: object = handler, value = expiry
                   // (0 = a cancel; an expiry at 0 is traced as 1).
  kUser,           // First value free for callers; kUser + n is allowed.
};

std::string_view OpName(Op op);

struct TraceRecord {
  uint64_t step;        // Index of this record in the execution.
  uint64_t time_ns;     // Virtual time.
  uint64_t value;
  uint32_t object;
  Op op;
  uint16_t context;     // ContextId (tasks first, then interrupt instances).
  uint8_t cpu;
  uint8_t depth;        // Interrupt nesting depth above the task (0 = task).
  uint8_t context_kind; // rt::ContextKind of the context.
  uint8_t reserved = 0;
};

// Folds one record into a running hash. Stable across builds and hosts.
// The fields are mixed into one word off the dependency chain; the chain
// itself is one multiply per record, because a point's cost is bounded below
// by this chain (docs/performance.md).
inline uint64_t HashTraceRecord(uint64_t hash, const TraceRecord& r) {
  constexpr uint64_t kMul = 0x9fb21c651e98df25ULL;  // Odd; from rrmxmx.
  constexpr uint64_t kValueMul = 0xd6e8feb86659fd93ULL;
  const uint64_t ids = uint64_t{r.object} | uint64_t{static_cast<uint16_t>(r.op)} << 32 |
                       uint64_t{r.context} << 48;
  const uint64_t where = uint64_t{r.cpu} | uint64_t{r.depth} << 8 |
                         uint64_t{r.context_kind} << 16;
  uint64_t word = r.time_ns ^ (r.value * kValueMul) ^ ((ids << 21) | (ids >> 43)) ^
                  (where << 40);
  hash = (hash ^ word) * kMul;
  return hash ^ (hash >> 31);
}

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_TRACE_H_
