// framework/src/kapi/resched.cc
//
// need_resched and __schedule()'s hook (<linux/preempt.h>, <linux/sched.h>):
// per CPU and per execution, so a flag or hook an earlier execution left is
// never seen by the next.

#include "per_execution.h"
#include "rtfuzz/rt/context.h"
// Last: kapi headers define kernel macros.
#include "rtfuzz/kapi/linux/preempt.h"
#include "rtfuzz/kapi/linux/sched.h"

uint64_t rtfuzz_kapi_need_resched_mask = 0;

namespace {

struct ReschedState {
  uint64_t need_resched = 0;  // One bit per CPU.
  void (*hook)(bool preempt) = nullptr;
};

rtfuzz::kapi::internal::PerExecution<ReschedState> g_state;

// The mask follows this execution's flags (0 when a new one starts).
ReschedState& State() {
  ReschedState& s = g_state.Get();
  rtfuzz_kapi_need_resched_mask = s.need_resched;
  return s;
}

uint64_t ThisCpu() { return uint64_t{1} << rtfuzz::rt::CurrentCpu(); }

void SetNeedResched() {
  ReschedState& s = State();
  s.need_resched |= ThisCpu();
  rtfuzz_kapi_need_resched_mask = s.need_resched;
}

}  // namespace

extern "C" void set_tsk_need_resched(struct task_struct*) { SetNeedResched(); }

extern "C" void set_preempt_need_resched(void) { SetNeedResched(); }

extern "C" bool need_resched(void) { return (State().need_resched & ThisCpu()) != 0; }

extern "C" void sched_set_switch_hook(void (*hook)(bool preempt)) { State().hook = hook; }

extern "C" void rtfuzz_kapi_note_schedule(bool preempt) {
  ReschedState& s = State();
  s.need_resched &= ~ThisCpu();
  rtfuzz_kapi_need_resched_mask = s.need_resched;
  if (s.hook == nullptr) return;
  rtfuzz::rt::PreemptDisable();
  s.hook(preempt);
  rtfuzz::rt::PreemptEnable();
}

extern "C" void rtfuzz_kapi_preempt_schedule(void) {
  // Only a task that just became preemptible enters __schedule().
  if (rtfuzz::rt::CurrentContextKind() != rtfuzz::rt::ContextKind::kTask ||
      rtfuzz::rt::PreemptCount() != 0 || rtfuzz::rt::IrqsDisabled() || !need_resched()) {
    return;
  }
  rtfuzz_kapi_note_schedule(true);
  rtfuzz::rt::Schedule();
}
