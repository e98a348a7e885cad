// framework/src/rt/fiber.cc
//
// Fiber on Boost.Context's fcontext backend (boost::context::fiber). The
// fcontext backend has no sanitizer support of its own, so the annotations
// ASan needs for stack switches (__sanitizer_start/finish_switch_fiber) are
// made here, at the one place stacks change: SwitchTo, fiber entry and exit,
// and Reset (unwinding).

#include "fiber.h"

#include <boost/context/fiber.hpp>
#include <cstring>
#include <new>
#include <utility>

#include "rtfuzz/base/check.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RTFUZZ_FIBER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RTFUZZ_FIBER_ASAN 1
#endif
#if defined(RTFUZZ_FIBER_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

namespace rtfuzz::rt::internal {

namespace bc = boost::context;

// A boost::context::fiber is exactly its fcontext pointer; Fiber keeps that
// pointer so that no header outside this file names Boost.
static_assert(sizeof(bc::fiber) == sizeof(void*));

struct FiberAccess {
  static bc::fiber Take(Fiber* f) {
    bc::fiber out;
    void* h = std::exchange(f->handle_, nullptr);
    std::memcpy(static_cast<void*>(&out), &h, sizeof(h));
    return out;
  }
  static void Put(Fiber* f, bc::fiber&& in) {
    void* h = nullptr;
    std::memcpy(&h, static_cast<void*>(&in), sizeof(h));
    std::memset(static_cast<void*>(&in), 0, sizeof(in));  // ownership moved
    RTFUZZ_CHECK(f->handle_ == nullptr, "fiber slot already holds a handle");
    f->handle_ = h;
  }
  static void SetBounds(Fiber* f, const Stack& s) {
    f->stack_bottom_ = static_cast<const char*>(s.top) - s.size;
    f->stack_size_ = s.size;
  }
  // Runs the fiber's entry; returns the fiber to continue with.
  static bc::fiber Entry(Fiber* self);
};

namespace {

// The fiber that has just switched away: whoever resumes stores the returned
// handle in it. One OS thread runs a machine, so a thread_local suffices.
thread_local Fiber* g_switching_from = nullptr;

// The fiber that called Reset(): an unwound fiber returns to it.
thread_local Fiber* g_unwinder = nullptr;

// Boost StackAllocator over a StackPool; tells the fiber its stack bounds.
struct PoolAllocator {
  StackPool* pool;
  Fiber* owner;
  bc::stack_context allocate() {
    Stack s = pool->Take();
    FiberAccess::SetBounds(owner, s);
    bc::stack_context sctx;
    sctx.sp = s.top;
    sctx.size = s.size;
    return sctx;
  }
  void deallocate(bc::stack_context& sctx) noexcept {
    pool->Give(Stack{sctx.sp, sctx.size});
  }
};

}  // namespace

// Finishes the switch annotation on the side that was resumed. ASan reports
// the bounds of the stack we came from: that is how the runner's (thread)
// stack is learned. Pooled fibers know theirs from the allocator, and keep
// them: a handler re-delivered at once reuses its Fiber object while the
// dying invocation's stack is the one we came from.
#if defined(RTFUZZ_FIBER_ASAN)
#define RTFUZZ_FINISH_SWITCH(fake)                                        \
  do {                                                                   \
    const void* old_bottom = nullptr;                                    \
    size_t old_size = 0;                                                 \
    __sanitizer_finish_switch_fiber((fake), &old_bottom, &old_size);     \
    if (g_switching_from != nullptr &&                                   \
        g_switching_from->stack_bottom_ == nullptr) {                    \
      g_switching_from->stack_bottom_ = old_bottom;                      \
      g_switching_from->stack_size_ = old_size;                          \
    }                                                                    \
  } while (0)
#else
#define RTFUZZ_FINISH_SWITCH(fake) (void)(fake)
#endif

bc::fiber FiberAccess::Entry(Fiber* self) {
  Fiber* next = nullptr;
  void* unwinder = nullptr;
  try {
    next = self->entry_(self->arg_);
  } catch (const bc::detail::forced_unwind& unwind) {
    // Reset() is unwinding this fiber. Leave the catch block first and return
    // to the unwinder as a normal exit does: the stack switch then happens
    // with no exception in flight, after the annotation below.
    unwinder = unwind.fctx;
#ifndef BOOST_ASSERT_IS_VOID
    const_cast<bc::detail::forced_unwind&>(unwind).caught = true;
#endif
  }
  if (unwinder != nullptr) {
#if defined(RTFUZZ_FIBER_ASAN)
    __sanitizer_start_switch_fiber(nullptr, g_unwinder->stack_bottom_,
                                   g_unwinder->stack_size_);
#endif
    bc::fiber back;
    std::memcpy(static_cast<void*>(&back), &unwinder, sizeof(unwinder));
    return back;
  }
  // `next` may be this very Fiber object when the same handler is delivered
  // again at once: then it holds a new fiber, created on another stack.
  RTFUZZ_CHECK(next != nullptr && next->handle_ != nullptr,
               "a finished fiber must name a suspended fiber to run");
  g_switching_from = self;  // The resumed side stores "empty" into us.
#if defined(RTFUZZ_FIBER_ASAN)
  // This stack dies (fake_stack_save = null).
  __sanitizer_start_switch_fiber(nullptr, next->stack_bottom_, next->stack_size_);
#endif
  return Take(next);
}

void Fiber::Create(StackPool* pool, Entry entry, void* arg) {
  RTFUZZ_CHECK(handle_ == nullptr, "Create on a fiber that is not empty");
  entry_ = entry;
  arg_ = arg;
  Fiber* self = this;
  bc::fiber f(std::allocator_arg, PoolAllocator{pool, this},
              [self](bc::fiber&& caller) -> bc::fiber {
                RTFUZZ_FINISH_SWITCH(nullptr);
                FiberAccess::Put(g_switching_from, std::move(caller));
                return FiberAccess::Entry(self);
              });
  FiberAccess::Put(this, std::move(f));
}

bool IsFiberUnwind() {
  try {
    throw;
  } catch (const bc::detail::forced_unwind&) {
    return true;
  } catch (...) {
    return false;
  }
}

Fiber::~Fiber() {
  RTFUZZ_CHECK(handle_ == nullptr, "a suspended fiber was destroyed without Reset");
}

void Fiber::SwitchTo(Fiber* from, Fiber* to) {
  RTFUZZ_CHECK(to->handle_ != nullptr, "switch to a fiber that is not suspended");
  g_switching_from = from;
  bc::fiber target = FiberAccess::Take(to);
#if defined(RTFUZZ_FIBER_ASAN)
  __sanitizer_start_switch_fiber(&from->fake_stack_, to->stack_bottom_,
                                 to->stack_size_);
#endif
  // Reset() may make this call throw forced_unwind instead of returning; the
  // annotation for that arrival is made where it is thrown.
  bc::fiber caller = std::move(target).resume();
  RTFUZZ_FINISH_SWITCH(from->fake_stack_);
  if (caller) FiberAccess::Put(g_switching_from, std::move(caller));
}

void Fiber::Reset(Fiber* caller) {
  if (handle_ == nullptr) return;
  RTFUZZ_CHECK(caller != nullptr, "unwinding a suspended fiber needs its caller");
  g_unwinder = caller;
  bc::fiber victim = FiberAccess::Take(this);
#if defined(RTFUZZ_FIBER_ASAN)
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, stack_bottom_, stack_size_);
#endif
  // Run on top of the victim's suspended switch: finish the annotation, then
  // throw forced_unwind there, which unwinds the victim's stack up to
  // FiberAccess::Entry; that returns to us as a normal exit does.
  Fiber* self = this;
  bc::fiber rest = std::move(victim).resume_with([self](bc::fiber&& unwinder) -> bc::fiber {
#if defined(RTFUZZ_FIBER_ASAN)
    __sanitizer_finish_switch_fiber(self->fake_stack_, nullptr, nullptr);
#else
    (void)self;
#endif
    bc::detail::fcontext_t fctx = nullptr;
    std::memcpy(&fctx, static_cast<void*>(&unwinder), sizeof(fctx));
    std::memset(static_cast<void*>(&unwinder), 0, sizeof(unwinder));
    throw bc::detail::forced_unwind(fctx);
  });
  RTFUZZ_CHECK(!rest, "an unwound fiber came back suspended");
#if defined(RTFUZZ_FIBER_ASAN)
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
  g_unwinder = nullptr;
}

}  // namespace rtfuzz::rt::internal
