// framework/src/kapi/smp.cc
//
// Cross-CPU function calls (<linux/smp.h>) on the machine's call-function
// vector, with per-(sender, target) call-single-data locked while in flight.

#include "rtfuzz/kapi/linux/smp.h"

#include "per_execution.h"
#include "rtfuzz/kapi/internal/kapi.h"

namespace {

using rtfuzz::rt::kMaxCpus;

struct Csd {
  smp_call_func_t func = nullptr;
  void* info = nullptr;
  bool locked = false;  // In flight: queued and not yet run.
};

// Per sender and target, as the kernel's per-CPU csd/cfd data, for one
// execution (a verdict may have left calls in flight).
struct CsdTable {
  Csd csd[kMaxCpus][kMaxCpus];
};
rtfuzz::kapi::internal::PerExecution<CsdTable> g_csd;

Csd& CsdFor(int sender, int target) { return g_csd.Get().csd[sender][target]; }

void RunCsd(void* arg) {
  Csd* csd = static_cast<Csd*>(arg);
  csd->func(csd->info);
  csd->locked = false;  // csd_unlock(): a release store the sender spins on.
  rtfuzz::rt::Point(rtfuzz::rt::Op::kWrite, 0, 0,
                    rtfuzz::rt::kPointWrite | rtfuzz::rt::PointWordSize(sizeof(csd->locked)),
                    &csd->locked, 0);
}

void CsdLockWait(Csd& csd) {
  for (;;) {
    const bool locked = csd.locked;
    rtfuzz::rt::Point(rtfuzz::rt::Op::kRead, 0, locked,
                      rtfuzz::rt::kPointRead | rtfuzz::rt::PointWordSize(sizeof(locked)),
                      &csd.locked, locked);
    if (!locked) return;
    rtfuzz::rt::Spin();
  }
}

void RunLocally(smp_call_func_t func, void* info) {
  const unsigned long flags = rtfuzz::rt::LocalIrqSave();
  func(info);
  rtfuzz::rt::LocalIrqRestore(flags);
}

// Queues func on `target` from the current CPU; returns its csd.
Csd& Queue(int target, smp_call_func_t func, void* info) {
  Csd& csd = CsdFor(rtfuzz::rt::CurrentCpu(), target);
  CsdLockWait(csd);  // The previous call to this target must have run.
  csd.func = func;
  csd.info = info;
  csd.locked = true;
  rtfuzz::rt::QueueInterruptWork(target, rtfuzz::rt::WorkVector::kCallFunction, RunCsd, &csd);
  return csd;
}

}  // namespace

extern "C" int smp_call_function_single(int cpu, smp_call_func_t func, void* info, int wait) {
  if (cpu < 0 || cpu >= rtfuzz::rt::NumCpus()) return -6;  // -ENXIO
  rtfuzz::rt::PreemptDisable();
  if (cpu == rtfuzz::rt::CurrentCpu()) {
    RunLocally(func, info);
  } else {
    Csd& csd = Queue(cpu, func, info);
    if (wait) CsdLockWait(csd);
  }
  rtfuzz::rt::PreemptEnable();
  return 0;
}

extern "C" void smp_call_function(smp_call_func_t func, void* info, int wait) {
  rtfuzz::rt::PreemptDisable();
  const int self = rtfuzz::rt::CurrentCpu();
  const int n = rtfuzz::rt::NumCpus();
  for (int cpu = 0; cpu < n; ++cpu) {
    if (cpu != self) Queue(cpu, func, info);
  }
  if (wait) {
    for (int cpu = 0; cpu < n; ++cpu) {
      if (cpu != self) CsdLockWait(CsdFor(self, cpu));
    }
  }
  rtfuzz::rt::PreemptEnable();
}

extern "C" void on_each_cpu(smp_call_func_t func, void* info, int wait) {
  rtfuzz::rt::PreemptDisable();
  smp_call_function(func, info, wait);
  RunLocally(func, info);
  rtfuzz::rt::PreemptEnable();
}

extern "C" void on_each_cpu_cond(smp_cond_func_t cond_func, smp_call_func_t func, void* info,
                                 int wait) {
  rtfuzz::rt::PreemptDisable();
  const int self = rtfuzz::rt::CurrentCpu();
  const int n = rtfuzz::rt::NumCpus();
  uint64_t called = 0;  // Remote CPUs whose call was queued.
  for (int cpu = 0; cpu < n; ++cpu) {
    if (cpu == self || (cond_func != nullptr && !cond_func(cpu, info))) continue;
    Queue(cpu, func, info);
    called |= uint64_t{1} << cpu;
  }
  if (cond_func == nullptr || cond_func(self, info)) RunLocally(func, info);
  if (wait) {
    for (int cpu = 0; cpu < n; ++cpu) {
      if (called & (uint64_t{1} << cpu)) CsdLockWait(CsdFor(self, cpu));
    }
  }
  rtfuzz::rt::PreemptEnable();
}
