// framework/src/rt/task_scheduling.cc
//
// PREEMPT_RT task rules: on each CPU the highest-priority runnable task runs;
// a wakeup of a higher priority sets need_resched and preempts at that CPU's
// next point where preemption and interrupts are enabled; equal priorities
// are FIFO (a preempted task keeps its place at the head, a woken or yielding
// task goes to the tail); SCHED_OTHER tasks share a CPU in round-robin slices.
// Blocking follows the kernel's set_current_state()/schedule()/wake_up_process()
// protocol, so a lost wakeup in a target is a real, reachable interleaving.

#include <cstddef>
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
  if (__builtin_expect(has_groups_, 0)) UpdateCharging(cpu);
  if (task == nullptr) return;
  task->cpu = cpu.index;
  task->ctx.cpu = cpu.index;
  ++stats_.task_switches;
  Emit(Op::kSwitch, task->id, task->prio, &task->ctx, cpu.index);
  ArmTimeslice(cpu);
}

void MachineImpl::Enqueue(Task& task, int from_cpu) {
  RTFUZZ_CHECK(task.state == RunState::kRunning && !task.queued,
               "enqueue of a task that is not runnable or already queued");
  Place(task, from_cpu);
}

void MachineImpl::Place(Task& task, int from_cpu) {
  task.queued = true;
  if (task.group >= 0) {
    GroupState& g = groups_[task.group];
    if (g.throttled && task.prio >= 100) {  // Waits for the refill.
      task.throttled = true;
      g.waiting.push_back(&task);
      return;
    }
  }
  VirtualCpu& cpu = cpus_[SelectCpu(task)];
  task.cpu = cpu.index;
  task.ctx.cpu = cpu.index;
  if (cpu.curr == nullptr) {
    // I2: an idle CPU has an empty run queue. Waking it from another CPU is
    // a reschedule IPI (an idle CPU that does not poll).
    if (from_cpu >= 0 && from_cpu != cpu.index) SendReschedIpi(cpu, from_cpu);
    SetCurr(cpu, &task);
  } else {
    cpu.rq.Enqueue(&task, /*at_head=*/false);
    CheckPreempt(cpu, task, from_cpu);
    ArmTimeslice(cpu);
  }
  NoteNewRunnable(cpu.index);
}

void MachineImpl::CheckPreempt(VirtualCpu& cpu, const Task& woken, int from_cpu) {
  if (cpu.curr != nullptr && woken.prio < cpu.curr->prio) Resched(cpu, from_cpu);
}

void MachineImpl::Resched(VirtualCpu& cpu, int from_cpu) {
  if (cpu.need_resched) return;  // Already set: no second IPI.
  cpu.need_resched = true;
  if (from_cpu >= 0 && from_cpu != cpu.index) SendReschedIpi(cpu, from_cpu);
}

void MachineImpl::SendReschedIpi(VirtualCpu& cpu, int from_cpu) {
  ++cpu.noise.resched_ipis;
  const HandlerId handler = scenario_->resched_ipi_handler();
  if (handler == Scenario::kNoHandler) return;
  for (HandlerInstance* h : cpu.handlers) {
    if (h->handler == handler) {
      MakePending(*h, /*traced=*/true, from_cpu);
      return;
    }
  }
}

bool MachineImpl::Preemptible(const VirtualCpu& cpu) const {
  return cpu.irq_depth == 0 && cpu.curr != nullptr &&
         cpu.curr->ctx.preempt_count == 0 && !cpu.curr->ctx.irqs_disabled;
}

void MachineImpl::Reschedule(VirtualCpu& cpu) {
  if (__builtin_expect(has_groups_, 0) && TakeOffThrottled(cpu)) return;
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

bool MachineImpl::WakeTask(Task& task, int from_cpu) {
  if (task.state != RunState::kBlocked) return false;
  task.state = RunState::kRunning;
  ++task.sleep_generation;  // Cancels a pending sleep timer.
  ++news_epoch_;
  if (task.idle) {  // A kthread with work: the hung-task clock starts now.
    task.idle = false;
    task.off_cpu_since = now_;
  }
  if (!task.queued) Enqueue(task, from_cpu);
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

void MachineImpl::SetCurrentStateBlocked(const volatile void* on) {
  Task& task = CurrentTaskOrDie("set_current_state()");
  task.state = RunState::kBlocked;
  task.sleep_on = on;
  task.sleep_step = step_;
  Point(Op::kSetState, task.id, 1, 0);
}

void MachineImpl::NoteWakeup(const volatile void* on, int woken) {
  // Noted before the wakeup: a task not yet blocked is awake, and a wakeup
  // of an awake task that then sleeps is the lost wakeup a hang names.
  const bool asleep = woken >= 0 && static_cast<size_t>(woken) < tasks_.size() &&
                      tasks_[static_cast<size_t>(woken)]->state == RunState::kBlocked;
  wakeups_[wakeup_count_++ % kWakeupNotes] = WakeupNote{on, step_, current_->id, woken, asleep};
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
  if (next == nullptr) {
    // Only a kthread may block as the last scenario task exits elsewhere:
    // the execution is over; teardown unwinds this fiber.
    RTFUZZ_CHECK(live_tasks_ == 0 && task.spec->kthread != TaskSpec::Kthread::kNone,
                 "a blocked task ended the execution");
    Context* self = current_;
    current_ = nullptr;
    Fiber::SwitchTo(&self->fiber, &runner_);
    RTFUZZ_CHECK(false, "a finished execution was resumed");
  }
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

uint64_t MachineImpl::ScheduleTimeout(uint64_t ns) {
  Task& task = CurrentTaskOrDie("schedule_timeout()");
  RequireSleepable("schedule_timeout()");
  const uint64_t deadline = now_ + options_.step_ns + ns;
  if (task.state == RunState::kBlocked) {
    ++task.sleep_generation;  // A wakeup before the deadline cancels it.
    AddTimer(deadline, TimerKind::kWakeTask, task.id, task.sleep_generation);
  }
  BlockCurrent(Op::kSchedule, task.id, task.state == RunState::kBlocked);
  return deadline > now_ ? deadline - now_ : 0;
}

bool MachineImpl::Wake(TaskId id) {
  RTFUZZ_PRECONDITION(current_ != nullptr, "rt call outside a running context");
  const bool woke = WakeTask(TaskById(id), current_->cpu);
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
  if (prio > old) {  // Kernel prio: a larger number runs later.
    task.deboosted_from = old;
    task.deboosted_at = now_;
  }
  if (prio != old) {
    VirtualCpu& cpu = cpus_[task.cpu];
    const int from_cpu = current_->cpu;
    if (task.throttled) {
      task.prio = prio;
      if (prio < 100) {  // Boosted into an RT prio: leaves the fair class.
        std::vector<Task*>& waiting = groups_[task.group].waiting;
        for (size_t i = 0; i < waiting.size(); ++i) {
          if (waiting[i] == &task) {
            waiting.erase(waiting.begin() + static_cast<std::ptrdiff_t>(i));
            break;
          }
        }
        task.throttled = false;
        Place(task, from_cpu);
      }
    } else if (task.on_queue) {
      // Requeue: a de-boosted task goes to the head of its new prio (it was
      // running ahead of those tasks), a boosted one to the tail.
      cpu.rq.Dequeue(&task);
      task.prio = prio;
      cpu.rq.Enqueue(&task, /*at_head=*/prio > old);
      CheckPreempt(cpu, task, from_cpu);
    } else {
      task.prio = prio;
      if (cpu.curr == &task) {
        const RunQueueLinks* top = cpu.rq.Peek();
        if (top != nullptr && top->prio < prio) Resched(cpu, from_cpu);
        if (__builtin_expect(has_groups_, 0)) UpdateCharging(cpu);
      }
    }
    ++news_epoch_;
  }
  Point(Op::kSetPriority, id, static_cast<uint64_t>(prio), 0);
}

}  // namespace rtfuzz::rt::internal
