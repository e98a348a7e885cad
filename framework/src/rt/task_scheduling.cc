// framework/src/rt/task_scheduling.cc
//
// PREEMPT_RT task rules: on each CPU the highest-priority runnable task runs;
// a wakeup of a higher priority sets need_resched and preempts at that CPU's
// next point where preemption and interrupts are enabled; equal priorities
// are FIFO (a preempted task keeps its place at the head, a woken or yielding
// task goes to the tail); SCHED_OTHER tasks share a CPU in round-robin slices.
// Blocking follows the kernel's set_current_state()/schedule()/wake_up_process()
// protocol, so a lost wakeup in a target is a real, reachable interleaving.

#include <cstdio>
#include <string>

#include "machine_impl.h"
#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/preempt_count.h"

namespace rtfuzz::rt::internal {
namespace {

// The prio of the task a CPU would run next; idle CPUs rank below everything.
int RunningPrio(const VirtualCpu& cpu) {
  int prio = cpu.curr != nullptr ? cpu.curr->prio : kPrioCount;
  if (const RunQueueLinks* queued = cpu.rq.Peek(); queued && queued->prio < prio) {
    prio = queued->prio;
  }
  return prio;
}

}  // namespace

// Where a waking task runs soonest: its last CPU if it would run there at
// once, else the allowed CPU running the lowest priority (lowest index on
// ties). A deterministic stand-in for the kernel's cpupri search.
int MachineImpl::SelectCpu(const Task& task) const {
  const CpuMask allowed = task.spec->affinity;
  if ((allowed & Cpu(task.cpu)) && RunningPrio(cpus_[task.cpu]) > task.prio) {
    return task.cpu;
  }
  int best = -1;
  int best_prio = -1;
  for (const VirtualCpu& cpu : cpus_) {
    if ((allowed & Cpu(cpu.index)) == 0) continue;
    const int prio = RunningPrio(cpu);
    if (prio > best_prio) {
      best = cpu.index;
      best_prio = prio;
    }
  }
  RTFUZZ_CHECK(best >= 0, "a task with no allowed CPU");
  return best;
}

Task* MachineImpl::PopHighest(VirtualCpu& cpu) {
  RunQueueLinks* top = cpu.rq.Peek();
  if (top == nullptr) return nullptr;
  cpu.rq.Dequeue(top);
  return static_cast<Task*>(top);
}

void MachineImpl::SetCurr(VirtualCpu& cpu, Task* task) {
  cpu.curr = task;
  cpu.need_resched = false;
  cpu.rotate = false;
  ++cpu.slice_generation;
  cpu.curr_since = now_;
  if (task == nullptr) return;
  task->cpu = cpu.index;
  task->ctx.cpu = cpu.index;
  ++stats_.task_switches;
  Emit(Op::kSwitch, task->id, task->prio, &task->ctx, cpu.index);
  ArmTimeslice(cpu);
}

void MachineImpl::Enqueue(Task& task) {
  RTFUZZ_CHECK(task.state == RunState::kRunning && !task.queued,
               "enqueue of a task that is not runnable or already queued");
  VirtualCpu& cpu = cpus_[SelectCpu(task)];
  task.queued = true;
  task.cpu = cpu.index;
  task.ctx.cpu = cpu.index;
  if (cpu.curr == nullptr) {
    SetCurr(cpu, &task);  // I2: an idle CPU has an empty run queue.
  } else {
    cpu.rq.Enqueue(&task, /*at_head=*/false);
    CheckPreempt(cpu, task);
    ArmTimeslice(cpu);
  }
  NoteNewRunnable(cpu.index);
}

void MachineImpl::CheckPreempt(VirtualCpu& cpu, const Task& woken) {
  if (cpu.curr != nullptr && woken.prio < cpu.curr->prio) cpu.need_resched = true;
}

bool MachineImpl::Preemptible(const VirtualCpu& cpu) const {
  return cpu.irq_depth == 0 && cpu.curr != nullptr &&
         cpu.curr->ctx.preempt_count == 0 && !cpu.curr->ctx.irqs_disabled;
}

void MachineImpl::Reschedule(VirtualCpu& cpu) {
  Task* prev = cpu.curr;
  const bool rotate = cpu.rotate;
  cpu.need_resched = false;
  cpu.rotate = false;
  const RunQueueLinks* top = cpu.rq.Peek();
  if (prev == nullptr || top == nullptr) return;
  if (top->prio < prev->prio) {
    cpu.rq.Enqueue(prev, /*at_head=*/true);  // Preempted: keeps its turn.
  } else if (rotate && top->prio == prev->prio) {
    cpu.rq.Enqueue(prev, /*at_head=*/false);  // Yield or slice end: to the tail.
  } else {
    return;
  }
  prev->off_cpu_since = now_;
  SetCurr(cpu, PopHighest(cpu));
}

void MachineImpl::ArmTimeslice(VirtualCpu& cpu) {
  Task* curr = cpu.curr;
  if (curr == nullptr || curr->spec->policy != Policy::kOther) return;
  const RunQueueLinks* top = cpu.rq.Peek();
  if (top == nullptr || top->prio != curr->prio) return;
  if (cpu.slice_timer_generation == cpu.slice_generation) return;  // Armed.
  cpu.slice_timer_generation = cpu.slice_generation;
  AddTimer(cpu.curr_since + options_.other_timeslice_ns, TimerKind::kTimeslice,
           static_cast<uint32_t>(cpu.index), cpu.slice_generation);
}

void MachineImpl::StartTask(Task& task) {
  task.state = RunState::kRunning;
  task.off_cpu_since = now_;
  Enqueue(task);
}

bool MachineImpl::WakeTask(Task& task) {
  if (task.state != RunState::kBlocked) return false;
  task.state = RunState::kRunning;
  ++task.sleep_generation;  // Cancels a pending sleep timer.
  ++news_epoch_;
  if (!task.queued) Enqueue(task);
  return true;
}

void MachineImpl::RequireSleepable(const char* what) {
  Context* ctx = current_;
  if (ctx->kind != ContextKind::kTask || ctx->preempt_count != 0 ||
      ctx->irqs_disabled) {
    char detail[160];
    std::snprintf(detail, sizeof(detail),
                  "%s in %s context with preempt_count=%#x, irqs %s", what,
                  std::string(ContextKindName(ctx->kind)).c_str(),
                  ctx->preempt_count, ctx->irqs_disabled ? "disabled" : "enabled");
    FinishFromFiber(Verdict::kSleepInAtomic, ctx->name + ": " + detail);
  }
}

Task& MachineImpl::CurrentTaskOrDie(const char* what) {
  RTFUZZ_PRECONDITION(current_ != nullptr, "rt call outside a running context");
  if (current_->task == nullptr) RequireSleepable(what);  // Never returns here.
  return *current_->task;
}

Task& MachineImpl::TaskById(TaskId id) {
  RTFUZZ_PRECONDITION(id < tasks_.size(), "no task with this TaskId");
  return *tasks_[id];
}

void MachineImpl::SetCurrentStateBlocked() {
  Task& task = CurrentTaskOrDie("set_current_state()");
  task.state = RunState::kBlocked;
  Point(Op::kSetState, task.id, 1, 0);
}

void MachineImpl::SetCurrentStateRunning() {
  Task& task = CurrentTaskOrDie("__set_current_state()");
  // A wakeup may have set it running already; either way it runs on.
  if (task.state == RunState::kBlocked) task.state = RunState::kRunning;
  Point(Op::kSetState, task.id, 0, 0);
}

void MachineImpl::BlockCurrent(Op op, uint32_t object, uint64_t value) {
  Task& task = *current_->task;
  Account(op, object, value, 0);
  if (task.state == RunState::kRunning) {  // Woken since set_current_state().
    if (SlowPathDue()) SlowPath();
    return;
  }
  VirtualCpu& cpu = cpus_[task.cpu];
  task.queued = false;
  task.off_cpu_since = now_;
  cpu.curr = nullptr;
  SetCurr(cpu, PopHighest(cpu));
  Context* next = Settle(cpu);
  if (next == nullptr) next = PickCpu(&cpu, Leave::kForced);
  RTFUZZ_CHECK(next != nullptr, "a blocked task ended the execution");
  SwitchTo(next);
  // Woken and picked again by a CPU.
}

void MachineImpl::Schedule() {
  Task& task = CurrentTaskOrDie("schedule()");
  RequireSleepable("schedule()");
  BlockCurrent(Op::kSchedule, task.id, task.state == RunState::kBlocked);
}

void MachineImpl::SleepFor(uint64_t ns) {
  Task& task = CurrentTaskOrDie("sleep");
  RequireSleepable("sleep");
  task.state = RunState::kBlocked;
  ++task.sleep_generation;
  const uint64_t when = now_ + options_.step_ns + ns;
  AddTimer(when, TimerKind::kWakeTask, task.id, task.sleep_generation);
  BlockCurrent(Op::kSleep, task.id, when);
}

bool MachineImpl::Wake(TaskId id) {
  RTFUZZ_PRECONDITION(current_ != nullptr, "rt call outside a running context");
  const bool woke = WakeTask(TaskById(id));
  Point(Op::kWake, id, woke, 0);
  return woke;
}

void MachineImpl::Yield() {
  Task& task = CurrentTaskOrDie("sched_yield()");
  VirtualCpu& cpu = cpus_[task.cpu];
  cpu.need_resched = true;
  cpu.rotate = true;
  Point(Op::kSchedule, task.id, 0, 0);
}

void MachineImpl::SetEffectivePriority(TaskId id, int prio) {
  RTFUZZ_PRECONDITION(prio >= 0 && prio < kPrioCount, "prio out of [0, 139]");
  Task& task = TaskById(id);
  const int old = task.prio;
  if (prio != old) {
    VirtualCpu& cpu = cpus_[task.cpu];
    if (task.on_queue) {
      // Requeue: a de-boosted task goes to the head of its new prio (it was
      // running ahead of those tasks), a boosted one to the tail.
      cpu.rq.Dequeue(&task);
      task.prio = prio;
      cpu.rq.Enqueue(&task, /*at_head=*/prio > old);
      CheckPreempt(cpu, task);
    } else {
      task.prio = prio;
      if (cpu.curr == &task) {
        const RunQueueLinks* top = cpu.rq.Peek();
        if (top != nullptr && top->prio < prio) cpu.need_resched = true;
      }
    }
    ++news_epoch_;
  }
  Point(Op::kSetPriority, id, static_cast<uint64_t>(prio), 0);
}

}  // namespace rtfuzz::rt::internal
