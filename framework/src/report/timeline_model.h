// framework/src/report/timeline_model.h
//
// What the three timeline renderers (timeline.h) share: the trace cut into
// context slices, lock holds, lock markers and flow arrows, the finding's
// record, the folding of plain runs, names and escaping. Internal to report.

#ifndef RTFUZZ_REPORT_TIMELINE_MODEL_H_
#define RTFUZZ_REPORT_TIMELINE_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/report/timeline.h"

namespace rtfuzz::report::internal {

inline constexpr size_t kNone = static_cast<size_t>(-1);
inline constexpr uint16_t kRunner = 0xffff;  // rt::kNoContext.

// A context's stretch on one CPU: a task from its switch-in (or first
// record) to its last record before another switch on that CPU, its exit or
// a move; an interrupt from kIrqEnter to kIrqExit. A context an interrupt
// lands on stays on its CPU until the interrupt returns, so its slice covers
// the interrupt's (the pictures shade that part). Indices into the trace.
struct ContextSlice {
  int cpu = 0;
  uint16_t context = 0;
  rt::ContextKind kind = rt::ContextKind::kTask;
  int depth = 0;
  size_t first = 0;
  size_t last = 0;
};

// kLockAcquired .. kLockRelease by one context (released == kNone: held at
// the end of the trace).
struct LockHold {
  uint16_t context = 0;
  uint32_t lock = 0;
  size_t acquired = 0;
  size_t released = kNone;
};

// kLockContended .. the kLockAcquired (exclusive) or kLockFailed that ends
// the attempt (ended == kNone: still waiting at the end of the trace).
struct LockWait {
  uint16_t context = 0;
  uint32_t lock = 0;
  size_t contended = 0;
  size_t ended = kNone;
  bool failed = false;
};

// kWake (waker's record -> the woken task's next record) or kIrqRaise (the
// raise -> the handler's kIrqEnter on the target CPU).
struct Flow {
  size_t from = 0;
  size_t to = 0;
  bool wake = false;
  bool cross_cpu = false;
};

struct TimelineModel {
  std::vector<ContextSlice> slices;  // Ordered by first record.
  std::vector<LockHold> holds;       // Ordered by acquired.
  std::vector<LockWait> waits;       // Ordered by contended.
  std::vector<size_t> lock_marks;    // kLockContended / kLockFailed records.
  std::vector<Flow> flows;           // Ordered by from.
  std::vector<int> max_depth;        // Per CPU.
  size_t finding = kNone;            // Record the finding is marked on.
};

TimelineModel BuildModel(const TimelineInput& input);

// Plain records carry no event a reader must see: reads, writes, atomics,
// spins, time reads, preempt/irq/bh toggles, progress, choose, warps.
bool IsPlain(rt::Op op);

// A maximal run of consecutive plain records whose middle is folded.
struct Fold {
  size_t begin = 0;  // First folded record.
  size_t end = 0;    // One past the last folded record.
};

// Folds the middle of every plain run so that at most `max_visible` records
// stay visible, keeping as many records around each event as fit (never the
// finding's record). max_visible == 0: no folds.
std::vector<Fold> ComputeFolds(const TimelineInput& input, size_t finding,
                               size_t max_visible);

// "demo_lock" or "#1".
std::string ObjectLabel(const TimelineInput& input, uint32_t object);
// Name of a handler id ("pmu") from the scenario, or "handler#<id>".
std::string HandlerLabel(const TimelineInput& input, uint32_t handler);
// A record without its context, e.g. "lock-acquired demo_lock",
// "wake task:high", "raise ipi -> CPU0", "read #2 = 5".
// Records ops on memory objects (read, write, rmw, spin) name the object.
std::string DescribeRecord(const TimelineInput& input, const rt::TraceRecord& r);
// "task", "softirq", "hardirq", "nmi".
std::string_view KindClass(rt::ContextKind kind);
// "TASK", "SOFTIRQ", "IRQ", "NMI" (swimlane brackets).
std::string_view KindTag(rt::ContextKind kind);
std::string ContextLabel(const TimelineInput& input, uint16_t context);
// Negative errno of kLockFailed as text: "-110 (ETIMEDOUT)".
std::string ErrnoText(uint64_t value);
// A record's value as the program had it: kapi sign-extends signed types, so
// a value with the top bit set prints as the negative number it was (a
// 64-bit unsigned above 2^63 prints as its two's-complement negative too).
std::string ValueText(uint64_t value);

std::string JsonEscape(std::string_view s);
std::string HtmlEscape(std::string_view s);

}  // namespace rtfuzz::report::internal

#endif  // RTFUZZ_REPORT_TIMELINE_MODEL_H_
