// framework/include/rtfuzz/rt/backend.h
//
// The seam between target code and what runs it. Every call of
// rtfuzz/rt/context.h goes to the simulated machine running on the calling
// OS thread; on a thread where no machine runs, it goes to the active
// Backend, if one is set: today the native backend (rtfuzz/native), which
// runs the same task and handler bodies on real threads.
//
// The simulator's hot path does not see this seam: a point finds its machine
// first and reaches the backend only where it would otherwise have failed
// (no machine on this thread), so the point and switch cost no instruction
// more (docs/native.md#the-seam gives the callgrind counts).
//
// Target code never uses this header. A backend implements every call with
// the semantics context.h states, minus what only a simulator can give
// (determinism, trace records, virtual time).

#ifndef RTFUZZ_RT_BACKEND_H_
#define RTFUZZ_RT_BACKEND_H_

#include <atomic>
#include <cstdint>
#include <string_view>

#include "rtfuzz/base/verdict.h"
#include "rtfuzz/rt/context.h"

namespace rtfuzz::rt {

class Backend {
 public:
  virtual ~Backend() = default;

  // A point: the native backend has no scheduler, so it only counts.
  virtual void Point(Op op, uint32_t object, uint64_t value, uint32_t flags) = 0;
  virtual void NameObject(uint32_t object, const char* name, const volatile void* addr) = 0;
  virtual void Spin(uint32_t object) = 0;
  virtual uint64_t Choose(uint64_t bound) = 0;
  virtual uint64_t Now() = 0;
  virtual TaskId CurrentTask() = 0;
  virtual void SetCurrentStateBlocked(const volatile void* on) = 0;
  virtual void SetCurrentStateRunning() = 0;
  virtual void Schedule() = 0;
  virtual bool Wake(TaskId task) = 0;
  virtual void SleepFor(uint64_t ns) = 0;
  virtual uint64_t ScheduleTimeout(uint64_t ns) = 0;
  virtual void Yield() = 0;
  virtual int EffectivePriority(TaskId task) = 0;
  virtual int NormalPriority(TaskId task) = 0;
  virtual void SetEffectivePriority(TaskId task, int prio) = 0;
  virtual int CurrentCpu() = 0;
  virtual int NumCpus() = 0;
  virtual ContextId CurrentContextId() = 0;
  virtual ContextKind CurrentContextKind() = 0;
  virtual uint32_t PreemptCount() = 0;
  virtual void PreemptDisable() = 0;
  virtual void PreemptEnable() = 0;
  virtual bool IrqsDisabled() = 0;
  virtual void LocalIrqDisable() = 0;
  virtual void LocalIrqEnable() = 0;
  virtual unsigned long LocalIrqSave() = 0;
  virtual void LocalIrqRestore(unsigned long flags) = 0;
  virtual void LocalBhDisable() = 0;
  virtual void LocalBhEnable() = 0;
  virtual void RaiseInterrupt(HandlerId handler, int cpu) = 0;
  virtual void ArmTimer(HandlerId handler, int cpu, uint64_t when_ns) = 0;
  virtual bool CancelTimer(HandlerId handler, int cpu) = 0;
  virtual void Progress(MarkId mark) = 0;
  [[noreturn]] virtual void Report(Verdict verdict, std::string_view message) = 0;
  virtual bool PreemptRt() = 0;
  virtual uint64_t ExecutionSerial() = 0;
  virtual void QueueInterruptWork(int cpu, WorkVector vector, void (*fn)(void*), void* arg) = 0;
  virtual uint64_t PmuCount(int cpu, PmuEvent event) = 0;
  // A call the backend cannot give its semantics (a lock type it does not
  // run): ends the run as a usage error naming `what`.
  [[noreturn]] virtual void Unsupported(std::string_view what) = 0;
};

// The backend of threads that run no machine, or nullptr. Process-wide; the
// native backend sets it for the life of its run.
Backend* ActiveBackend();
void SetActiveBackend(Backend* backend);

namespace internal {
extern std::atomic<Backend*> active_backend;
bool MachineRunsHere();  // A simulated machine runs on the calling thread.
}  // namespace internal

// Whether the calling thread is in a backend's run (a backend active and no
// machine on this thread): what kapi's locks ask before choosing their
// native form. Inline and first a load of a null pointer in every process
// that never starts a native run, so the simulator pays two instructions.
inline bool OnBackend() {
  return internal::active_backend.load(std::memory_order_relaxed) != nullptr &&
         !internal::MachineRunsHere();
}

}  // namespace rtfuzz::rt

#endif  // RTFUZZ_RT_BACKEND_H_
