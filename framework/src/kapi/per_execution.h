// framework/src/kapi/per_execution.h
//
// kapi state that lives for one execution (per-CPU irq_work lists, softirq
// bindings, need_resched, cross-CPU call data): value-initialised in place
// when a new execution first touches it, so nothing an earlier execution
// left (a verdict may end it anywhere) leaks into the next. One machine
// runs on one thread at a time.

#ifndef RTFUZZ_SRC_KAPI_PER_EXECUTION_H_
#define RTFUZZ_SRC_KAPI_PER_EXECUTION_H_

#include <cstdint>
#include <memory>

#include "rtfuzz/rt/context.h"

namespace rtfuzz::kapi::internal {

template <typename T>
class PerExecution {
 public:
  T& Get() {
    const uint64_t serial = rt::ExecutionSerial();
    if (serial != serial_) {
      serial_ = serial;
      // In place: T may be large (smp.cc's csd table is ~100 KiB) and this
      // runs on a fiber's stack, where a temporary T{} would not fit.
      std::destroy_at(&value_);
      std::construct_at(&value_);
    }
    return value_;
  }

 private:
  T value_{};
  uint64_t serial_ = 0;
};

}  // namespace rtfuzz::kapi::internal

#endif  // RTFUZZ_SRC_KAPI_PER_EXECUTION_H_
