// framework/src/rt/bandwidth.cc
//
// CPU bandwidth control of task groups (a CFS-bandwidth-like quota per
// period) and the machine's kthreads: ktimers/N, which serves soft timers on
// PREEMPT_RT, and irq/N-name, which serves threaded interrupts
// (docs/architecture.md#bandwidth, #kthreads).
//
// Charging is lazy: a group's quota is reduced by (now - charged_at) times
// the number of its members being charged whenever that number changes (a
// member becomes or stops being its CPU's curr, or is boosted into or out of
// an RT priority), and an exhaust timer is armed at the time the quota runs
// out at the current rate. Nothing happens per scheduling point, so a
// scenario without groups pays nothing and one with groups pays per switch.

#include "machine_impl.h"
#include "rtfuzz/base/check.h"

namespace rtfuzz::rt::internal {
namespace {

// Kernel prio of the fair class: a member boosted below this by PI runs as
// an RT task and is neither charged nor throttled.
constexpr int kFairPrio = 100;

}  // namespace

void MachineImpl::ChargeGroup(GroupState& g) {
  if (g.running > 0) {
    const uint64_t used = (now_ - g.charged_at) * static_cast<uint64_t>(g.running);
    g.runtime_left = used >= g.runtime_left ? 0 : g.runtime_left - used;
    g.used_in_period = true;
  }
  g.charged_at = now_;
}

void MachineImpl::ArmExhaust(GroupState& g) {
  ++g.exhaust_generation;  // Cancels the pending one.
  if (g.running == 0 || g.throttled) return;
  const auto running = static_cast<uint64_t>(g.running);
  const uint64_t when = now_ + (g.runtime_left + running - 1) / running;
  AddTimer(when, TimerKind::kGroupExhaust, static_cast<uint32_t>(GroupIndex(g)),
           g.exhaust_generation);
}

void MachineImpl::ArmPeriod(GroupState& g) {
  const uint64_t period = g.spec->period_ns;
  g.period_armed = true;
  AddTimer((now_ / period + 1) * period, TimerKind::kGroupPeriod,
           static_cast<uint32_t>(GroupIndex(g)), 0);
}

void MachineImpl::UpdateCharging(VirtualCpu& cpu) {
  Task* curr = cpu.curr;
  Task* want = curr != nullptr && curr->group >= 0 && curr->prio >= kFairPrio ? curr : nullptr;
  if (cpu.charged == want) return;
  if (Task* old = cpu.charged) {
    GroupState& g = groups_[old->group];
    ChargeGroup(g);
    --g.running;
    ArmExhaust(g);
  }
  cpu.charged = want;
  if (want == nullptr) return;
  GroupState& g = groups_[want->group];
  ChargeGroup(g);
  ++g.running;
  g.used_in_period = true;
  if (!g.period_armed) ArmPeriod(g);
  if (g.throttled) {
    cpu.need_resched = true;  // De-boosted while its group is throttled.
  } else {
    ArmExhaust(g);
  }
}

void MachineImpl::OnGroupExhaust(const Timer& t) {
  GroupState& g = groups_[t.target];
  if (t.generation != g.exhaust_generation) return;
  ChargeGroup(g);
  if (g.runtime_left == 0) {
    ThrottleGroup(g);
  } else {
    ArmExhaust(g);
  }
}

void MachineImpl::ThrottleGroup(GroupState& g) {
  g.throttled = true;
  ++g.throttle_count;
  ++g.exhaust_generation;
  ++news_epoch_;
  Emit(Op::kThrottle, static_cast<uint32_t>(GroupIndex(g)), 1, nullptr, g.spec->timer_cpu);
  for (Task* t : g.members) {
    // Queued = on a CPU or a run queue (a task preempted between
    // set_current_state() and schedule() is queued too).
    if (t->prio < kFairPrio || !t->queued || t->throttled) continue;
    VirtualCpu& cpu = cpus_[t->cpu];
    if (cpu.curr == t) {
      cpu.need_resched = true;  // Leaves at its next preemptible point.
    } else if (t->on_queue) {
      cpu.rq.Dequeue(t);
      t->throttled = true;
      g.waiting.push_back(t);
    }
  }
}

bool MachineImpl::TakeOffThrottled(VirtualCpu& cpu) {
  Task* prev = cpu.curr;
  if (prev == nullptr || prev->group < 0 || prev->prio < kFairPrio) return false;
  GroupState& g = groups_[prev->group];
  if (!g.throttled) return false;
  prev->throttled = true;
  prev->off_cpu_since = now_;
  g.waiting.push_back(prev);
  cpu.curr = nullptr;
  SetCurr(cpu, PopHighest(cpu));
  return true;
}

void MachineImpl::RefillGroup(GroupState& g, int from_cpu) {
  ChargeGroup(g);
  g.runtime_left = g.spec->quota_ns;
  if (g.throttled) {
    g.throttled = false;
    ++news_epoch_;
    Emit(Op::kThrottle, static_cast<uint32_t>(GroupIndex(g)), 0, nullptr, g.spec->timer_cpu);
    // Back on the run queues in the order they were throttled (Enqueue()
    // does not add to the list: the group has quota again).
    for (Task* t : g.waiting) {
      t->throttled = false;
      Place(*t, from_cpu);
    }
    g.waiting.clear();
  }
  ArmExhaust(g);
}

void MachineImpl::FinishPeriod(GroupState& g) {
  // As Linux's period timer: it stops after a period the group did not use.
  const bool active = g.running > 0 || g.used_in_period;
  g.used_in_period = g.running > 0;
  if (active) {
    ArmPeriod(g);
  } else {
    g.period_armed = false;
  }
}

void MachineImpl::OnGroupPeriod(GroupState& g) {
  if (!g.spec->hard_timer && scenario_->preempt_rt()) {
    VirtualCpu& cpu = cpus_[g.spec->timer_cpu];
    if (!g.refill_queued) {
      g.refill_queued = true;
      QueueKtimers(cpu, KtimersWork{nullptr, GroupIndex(g)});
    }
    return;  // The callback re-arms the timer when ktimers runs it.
  }
  RefillGroup(g, g.spec->timer_cpu);
  FinishPeriod(g);
}

// --- kthreads ---

void MachineImpl::QueueKtimers(VirtualCpu& cpu, KtimersWork work) {
  RTFUZZ_CHECK(cpu.ktimers != nullptr, "a soft timer on a CPU without ktimers");
  cpu.ktimers_queue.push_back(work);
  ++news_epoch_;
  // Woken by the timer interrupt there, only if it waits for work: blocked
  // on a lock in a callback it finds the work when it comes back (as
  // TASK_RTLOCK_WAIT is not woken by wake_up_process()).
  if (cpu.ktimers->idle) WakeTask(*cpu.ktimers, cpu.index);
}

void MachineImpl::WakeIrqThread(HandlerInstance& h) {
  h.thread_pending = true;
  ++news_epoch_;
  const bool woke = h.irq_thread->idle && WakeTask(*h.irq_thread, h.cpu);
  Emit(Op::kWake, h.irq_thread->id, woke, &h.ctx, h.cpu);
}

bool MachineImpl::KthreadHasWork(const Task& task) const {
  if (task.spec->kthread == TaskSpec::Kthread::kTimers) {
    const VirtualCpu& cpu = cpus_[task.cpu];
    return cpu.ktimers_head < cpu.ktimers_queue.size();
  }
  for (const HandlerInstance* h : cpus_[task.cpu].handlers) {
    if (h->irq_thread == &task && h->thread_pending) return true;
  }
  return false;
}

void MachineImpl::KthreadRunOne(Task& task) {
  VirtualCpu& cpu = cpus_[task.cpu];
  if (task.spec->kthread == TaskSpec::Kthread::kTimers) {
    const KtimersWork work = cpu.ktimers_queue[cpu.ktimers_head++];
    if (cpu.ktimers_head == cpu.ktimers_queue.size()) {
      cpu.ktimers_queue.clear();
      cpu.ktimers_head = 0;
    }
    if (work.timer != nullptr) {
      work.timer->ktimers_queued = false;
      work.timer->spec->handler();
    } else {
      GroupState& g = groups_[work.group];
      g.refill_queued = false;
      RefillGroup(g, cpu.index);
      FinishPeriod(g);
      Point(Op::kThrottle, static_cast<uint32_t>(work.group), 2, 0);  // The callback's point.
    }
    return;
  }
  for (HandlerInstance* h : cpu.handlers) {
    if (h->irq_thread != &task || !h->thread_pending) continue;
    h->thread_pending = false;
    if (h->forced_thread) {
      h->spec->handler();
    } else {
      h->spec->thread_fn();
    }
    return;
  }
}

void MachineImpl::KthreadMain(Task& task) {
  for (;;) {
    SetCurrentStateBlocked();
    if (KthreadHasWork(task)) {
      SetCurrentStateRunning();
      KthreadRunOne(task);
      continue;
    }
    task.idle = true;
    Schedule();
    task.idle = false;
  }
}

}  // namespace rtfuzz::rt::internal
