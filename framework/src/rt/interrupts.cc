// framework/src/rt/interrupts.cc
//
// Interrupts and time: pending handler instances, delivery at a point (NMIs
// anywhere but inside an NMI; hardirqs only where interrupts are enabled;
// softirqs only over task context with bottom halves enabled), the virtual
// PMU's counting and overflow triggers, and the timer queue.

#include "machine_impl.h"
#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/preempt_count.h"

namespace rtfuzz::rt::internal {
namespace {

uint32_t EntryOffset(ContextKind kind) {
  switch (kind) {
    case ContextKind::kNmi:
      return kNmiOffset + kHardirqOffset;  // nmi_enter() adds both.
    case ContextKind::kHardirq:
      return kHardirqOffset;
    case ContextKind::kSoftirq:
      return kSoftirqOffset;
    case ContextKind::kTask:
      break;
  }
  RTFUZZ_CHECK(false, "a task is not an interrupt");
  return 0;
}

int LowestSlot(uint64_t mask) { return __builtin_ctzll(mask); }

}  // namespace

void MachineImpl::ArmTriggers() {
  for (auto& h : handlers_) {
    const Trigger& trigger = h->spec->trigger;
    switch (trigger.kind) {
      case Trigger::Kind::kManual:
        break;
      case Trigger::Kind::kTimer:
        if (trigger.first_ns == Trigger::kNotArmed) break;
        h->timer_expires = trigger.first_ns;
        AddTimer(trigger.first_ns, TimerKind::kInterrupt,
                 static_cast<uint32_t>(&h - &handlers_[0]), 0);
        break;
      case Trigger::Kind::kOverflow: {
        // Value 0 = never fires: an exhausted input arms no interrupt.
        const uint64_t choices = trigger.max_period - trigger.min_period + 2;
        const uint64_t pick = Decide(sched::DecisionKind::kPmuPeriod, choices);
        if (pick == 0) break;
        h->period = trigger.min_period + pick - 1;
        const uint64_t phase =
            h->period >= 2 ? Decide(sched::DecisionKind::kPmuPhase, h->period) : 0;
        h->countdown = h->period - phase;
        h->armed = true;
        cpus_[h->cpu].armed.push_back(h.get());
        break;
      }
    }
  }
}

void MachineImpl::MakePending(HandlerInstance& h, bool traced, int from_cpu) {
  if (h.fires >= h.spec->trigger.max_fires) return;
  VirtualCpu& cpu = cpus_[h.cpu];
  if (__builtin_expect(h.to_ktimers, 0)) {
    // A soft timer on PREEMPT_RT: its expiry wakes ktimers/N, which runs the
    // callbacks in expiry order. Still queued = coalesced.
    if (h.ktimers_queued) return;
    h.ktimers_queued = true;
    ++h.fires;
    ++cpu.noise.external;  // A timer expiry: input from outside.
    if (traced) {
      Emit(Op::kIrqRaise, h.handler, static_cast<uint64_t>(h.cpu), current_,
           current_ != nullptr ? current_->cpu : h.cpu);
    }
    QueueKtimers(cpu, KtimersWork{&h, -1});
    return;
  }
  const uint64_t bit = uint64_t{1} << h.slot;
  if (from_cpu >= 0 && from_cpu != h.cpu) ++cpu.noise.ipis;
  if (cpu.pending & bit) return;  // Coalesces, as a latched interrupt line.
  cpu.pending |= bit;
  ++news_epoch_;
  if (traced) {
    Emit(Op::kIrqRaise, h.handler, static_cast<uint64_t>(h.cpu), current_,
         current_ != nullptr ? current_->cpu : h.cpu);
  }
  NoteNewRunnable(h.cpu);
}

HandlerInstance* MachineImpl::Deliverable(const VirtualCpu& cpu) const {
  const uint64_t pending = cpu.pending;
  if (pending == 0 || cpu.irq_depth == kMaxIrqDepth) return nullptr;
  const Context* top = cpu.Top();
  const uint32_t pc = top != nullptr ? top->preempt_count : 0;
  const bool irqs_off = top != nullptr && top->irqs_disabled;
  // NMIs are not masked by anything but an NMI in progress.
  if (const uint64_t nmi = pending & cpu.nmi_slots; nmi != 0 && !InNmi(pc)) {
    return cpu.handlers[LowestSlot(nmi)];
  }
  if (irqs_off) return nullptr;
  for (uint64_t hard = pending & cpu.hardirq_slots; hard != 0; hard &= hard - 1) {
    HandlerInstance* h = cpu.handlers[LowestSlot(hard)];
    if (!h->active) return h;  // A vector never nests in itself.
  }
  if (!InInterrupt(pc)) {
    if (const uint64_t soft = pending & cpu.softirq_slots; soft != 0) {
      return cpu.handlers[LowestSlot(soft)];
    }
  }
  return nullptr;
}

void MachineImpl::Deliver(VirtualCpu& cpu, HandlerInstance& h) {
  Context& ctx = h.ctx;
  RTFUZZ_CHECK(!h.active && !ctx.fiber.suspended(),
               "delivery of a handler that is still running");
  const Context* top = cpu.Top();
  ctx.preempt_count = (top != nullptr ? top->preempt_count : 0) + EntryOffset(ctx.kind);
  ctx.irqs_disabled = ctx.kind != ContextKind::kSoftirq;
  ctx.entry_preempt_count = ctx.preempt_count;
  ctx.entry_irqs_disabled = ctx.irqs_disabled;
  ctx.ResetSpin();
  ctx.started = false;
  h.active = true;
  ++h.fires;
  cpu.pending &= ~(uint64_t{1} << h.slot);
  if (cpu.irq_depth == 0) cpu.irq_since = now_;
  cpu.irq_stack[cpu.irq_depth++] = &ctx;
  ++cpu.noise.interrupts;
  if (h.spec->trigger.kind != Trigger::Kind::kManual) ++cpu.noise.external;
  ++cpu.irq_streak;
  ++stats_.interrupts;
  if (static_cast<uint32_t>(cpu.irq_depth) > stats_.max_depth) {
    stats_.max_depth = static_cast<uint32_t>(cpu.irq_depth);
  }
  ++news_epoch_;
  Emit(Op::kIrqEnter, h.handler, h.fires, &ctx, cpu.index);
}

Context* MachineImpl::Settle(VirtualCpu& cpu) {
  for (;;) {
    if (cpu.pending != 0 && live_tasks_ > 0) {
      if (HandlerInstance* h = Deliverable(cpu)) {
        Deliver(cpu, *h);
        continue;  // An NMI may nest over the handler just entered.
      }
    }
    if (cpu.need_resched && Preemptible(cpu)) Reschedule(cpu);
    return cpu.Top();
  }
}


void MachineImpl::AddTimer(uint64_t when, TimerKind kind, uint32_t target,
                           uint64_t generation) {
  timers_.Add(when, kind, target, generation);
  if (when < check_at_) check_at_ = when;
}

void MachineImpl::FireDueTimers() {
  while (timers_.next_time() <= now_) {
    const Timer t = timers_.Pop();
    switch (t.kind) {
      case TimerKind::kStartTask:
        StartTask(*tasks_[t.target]);
        break;
      case TimerKind::kWakeTask: {
        Task& task = *tasks_[t.target];
        if (task.sleep_generation == t.generation) WakeTask(task);
        break;
      }
      case TimerKind::kInterrupt: {
        HandlerInstance& h = *handlers_[t.target];
        if (t.generation != h.timer_generation) break;  // Re-armed or cancelled.
        h.timer_expires = kUnbounded;
        MakePending(h);
        const Trigger& trigger = h.spec->trigger;
        if (trigger.every_ns != 0 && h.fires < trigger.max_fires) {
          h.timer_expires = t.when + trigger.every_ns;
          timers_.Add(h.timer_expires, TimerKind::kInterrupt, t.target, t.generation);
        }
        break;
      }
      case TimerKind::kGroupExhaust:
        OnGroupExhaust(t);
        break;
      case TimerKind::kGroupPeriod:
        OnGroupPeriod(groups_[t.target]);
        break;
      case TimerKind::kTimeslice: {
        VirtualCpu& cpu = cpus_[t.target];
        if (cpu.slice_generation == t.generation) {
          cpu.need_resched = true;
          cpu.rotate = true;
        }
        break;
      }
    }
    ++news_epoch_;
  }
  RecomputeCheckAt();
}

void MachineImpl::RecomputeCheckAt() {
  uint64_t at = options_.max_time_ns;
  if (timers_.next_time() < at) at = timers_.next_time();
  if (next_tick_ < at) at = next_tick_;
  check_at_ = at;
}

void MachineImpl::RunWork(VirtualCpu& cpu, WorkVector vector) {
  const int v = static_cast<int>(vector);
  // Work queued while this runs is run too (the queue is read by index: fn
  // may queue more and reallocate it).
  uint32_t ran = 0;
  while (cpu.work_head[v] < cpu.work[v].size()) {
    const VirtualCpu::Work work = cpu.work[v][cpu.work_head[v]++];
    // Work queued while the vector runs (an irq_work that re-queues itself)
    // is one more interrupt for the recursion check, as the self-IPI it
    // would raise on hardware.
    if (ran++ > 0) ++cpu.irq_streak;
    cpu.last_work = work;
    work.fn(work.arg);
  }
  cpu.work[v].clear();
  cpu.work_head[v] = 0;
}

}  // namespace rtfuzz::rt::internal
