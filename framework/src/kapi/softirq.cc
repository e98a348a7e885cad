// framework/src/kapi/softirq.cc
//
// Softirq vectors (<linux/interrupt.h>) bound to the scenario's softirq
// interrupts per execution, and the softirq_raise tracepoint.

#include <string>

#include "lock_internal.h"
#include "per_execution.h"
#include "rtfuzz/rt/context.h"
// Last: kapi headers define kernel macros.
#include "rtfuzz/kapi/linux/interrupt.h"

struct tracepoint __tracepoint_softirq_raise = {"softirq_raise", 0, {}, {}, 0, 0, 0};

namespace {

constexpr rtfuzz::rt::HandlerId kUnbound = rtfuzz::rt::Scenario::kNoHandler;

struct SoftirqVectors {
  SoftirqVectors() {
    for (rtfuzz::rt::HandlerId& h : handler) h = kUnbound;
  }
  rtfuzz::rt::HandlerId handler[NR_SOFTIRQS];
};

rtfuzz::kapi::internal::PerExecution<SoftirqVectors> g_vectors;

SoftirqVectors& Vectors() {
  rtfuzz::kapi::internal::NotOnNative("softirqs (rtfuzz_open_softirq, raise_softirq)");
  return g_vectors.Get();
}

}  // namespace

extern "C" void rtfuzz_open_softirq(unsigned int nr, rtfuzz::rt::HandlerId handler) {
  if (nr >= NR_SOFTIRQS) {
    rtfuzz::rt::Fail("rtfuzz_open_softirq(" + std::to_string(nr) + "): no such vector");
  }
  Vectors().handler[nr] = handler;
}

extern "C" void __raise_softirq_irqoff(unsigned int nr) {
  const rtfuzz::rt::HandlerId h = nr < NR_SOFTIRQS ? Vectors().handler[nr] : kUnbound;
  if (h == kUnbound) {
    rtfuzz::rt::Fail("raise_softirq_irqoff(" + std::to_string(nr) +
                     "): no softirq interrupt bound to this vector (rtfuzz_open_softirq)");
  }
  trace_softirq_raise(nr);
  rtfuzz::rt::RaiseInterrupt(h, rtfuzz::rt::CurrentCpu());
}

extern "C" void raise_softirq_irqoff(unsigned int nr) {
  if (!rtfuzz::rt::IrqsDisabled()) {
    rtfuzz::rt::Fail("raise_softirq_irqoff(" + std::to_string(nr) +
                     ") with interrupts enabled (use raise_softirq)");
  }
  __raise_softirq_irqoff(nr);
}

extern "C" void raise_softirq(unsigned int nr) {
  const unsigned long flags = rtfuzz::rt::LocalIrqSave();
  raise_softirq_irqoff(nr);
  rtfuzz::rt::LocalIrqRestore(flags);
}
