// framework/src/rt/fiber.h
//
// Fiber: one execution context (a task or an interrupt handler invocation) on
// a pooled stack, or the runner's own thread stack. This file and fiber.cc are
// the only ones that know Boost.Context; the rest of rtfuzz sees this class.
//
// States: empty (never created, running, or finished) and suspended (holds a
// handle that SwitchTo can resume). A running fiber's slot is empty; when it
// switches away, the resumed side stores the handle back into it.
//
// Reset(caller) on a suspended fiber unwinds its stack with Boost.Context's
// forced_unwind, running the destructors of everything on it. That exception
// is the only one that ever crosses a fiber boundary.

#ifndef RTFUZZ_SRC_RT_FIBER_H_
#define RTFUZZ_SRC_RT_FIBER_H_

#include <cstddef>

#include "stack_pool.h"

namespace rtfuzz::rt::internal {

class Fiber {
 public:
  // Runs on the new fiber; returns the (suspended) fiber to switch to when it
  // is done. It may exit by throwing only forced_unwind.
  using Entry = Fiber* (*)(void* arg);

  Fiber() = default;
  // A fiber must be empty when destroyed: unwind it with Reset() first.
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Makes this (empty) fiber suspended at the start of entry(arg), on a stack
  // from `pool`. The stack returns to the pool when the fiber finishes.
  void Create(StackPool* pool, Entry entry, void* arg);

  // Suspends the running fiber `from` and resumes `to`. Returns when some
  // fiber switches back to `from`. The single switch point: it carries the
  // sanitizer annotations.
  static void SwitchTo(Fiber* from, Fiber* to);

  // Unwinds a suspended fiber (no-op when empty). `caller` is the running
  // fiber, to which control returns when the unwinding is done.
  void Reset(Fiber* caller);

  bool suspended() const { return handle_ != nullptr; }
  // Whether `addr` is in the guard page below this fiber's stack (the
  // StackPool maps one PROT_NONE page there): a fault there is an overflow.
  bool InGuardPage(const void* addr, size_t page_size) const {
    const char* bottom = static_cast<const char*>(stack_bottom_);
    const char* a = static_cast<const char*>(addr);
    return bottom != nullptr && a < bottom && a >= bottom - page_size;
  }
  size_t stack_size() const { return stack_size_; }
  // One past the highest address of its stack (it grows down), or null.
  const char* stack_top() const {
    return stack_bottom_ != nullptr ? static_cast<const char*>(stack_bottom_) + stack_size_
                                    : nullptr;
  }

 private:
  friend struct FiberAccess;

  void* handle_ = nullptr;  // boost::context::fiber's fcontext, when suspended.
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  // Stack bounds, for the sanitizer annotations (learned for the runner).
  const void* stack_bottom_ = nullptr;
  size_t stack_size_ = 0;
  void* fake_stack_ = nullptr;  // ASan's fake stack of a suspended fiber.
};

// Inside a catch (...) block: true if the exception being handled is the
// forced unwinding of a fiber, which the handler must rethrow.
bool IsFiberUnwind();

}  // namespace rtfuzz::rt::internal

#endif  // RTFUZZ_SRC_RT_FIBER_H_
