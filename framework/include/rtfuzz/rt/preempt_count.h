// framework/include/rtfuzz/rt/preempt_count.h
//
// preempt_count layout, as in the kernel's <linux/preempt.h>, so in_nmi() and
// friends read exactly as kernel developers expect:
//
//   bits  0-7   preemption disable depth
//   bits  8-15  softirq: +1 (bit 8) while serving, +2 per local_bh_disable()
//   bits 16-19  hardirq nesting
//   bits 20-23  NMI nesting (nmi_enter() adds NMI_OFFSET + HARDIRQ_OFFSET)
//
// Each context (task, softirq, hardirq, NMI) owns its count; an interrupt
// context starts from the interrupted context's count plus its offset, so the
// interrupted count is back in force when the interrupt returns.

#ifndef RTFUZZ_RT_PREEMPT_COUNT_H_
#define RTFUZZ_RT_PREEMPT_COUNT_H_

#include <cstdint>

namespace rtfuzz::rt {

inline constexpr uint32_t kPreemptOffset = 1u << 0;
inline constexpr uint32_t kSoftirqOffset = 1u << 8;
inline constexpr uint32_t kSoftirqDisableOffset = 2u * kSoftirqOffset;
inline constexpr uint32_t kHardirqOffset = 1u << 16;
inline constexpr uint32_t kNmiOffset = 1u << 20;

inline constexpr uint32_t kPreemptMask = 0xffu << 0;
inline constexpr uint32_t kSoftirqMask = 0xffu << 8;
inline constexpr uint32_t kHardirqMask = 0xfu << 16;
inline constexpr uint32_t kNmiMask = 0xfu << 20;

inline constexpr bool InNmi(uint32_t pc) { return (pc & kNmiMask) != 0; }
inline constexpr bool InHardirq(uint32_t pc) { return (pc & kHardirqMask) != 0; }
// True while serving a softirq or with bottom halves disabled (in_softirq()).
inline constexpr bool InSoftirq(uint32_t pc) { return (pc & kSoftirqMask) != 0; }
inline constexpr bool InServingSoftirq(uint32_t pc) {
  return (pc & kSoftirqOffset) != 0;
}
inline constexpr bool InInterrupt(uint32_t pc) {
  return (pc & (kNmiMask | kHardirqMask | kSoftirqMask)) != 0;
}
// in_task(): not in NMI, hardirq, or serving softirq (bh-disabled is a task).
inline constexpr bool InTask(uint32_t pc) {
  return (pc & (kNmiMask | kHardirqMask | kSoftirqOffset)) == 0;
}

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_PREEMPT_COUNT_H_
