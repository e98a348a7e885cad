// framework/src/rt/cpu_stepping.cc
//
// Which CPU steps next. CPUs run in parallel; the machine interleaves them one
// point at a time. The current CPU keeps stepping for a slice of points whose
// length is a decision (0 = until it blocks, exits or gets stuck); at the end
// of a slice a decision picks another runnable CPU. A spinning context that
// is stuck (spin_detector.cc) lets the next CPU that can make progress step
// instead (round robin, no decision); when every runnable CPU is stuck,
// virtual time warps forward (to the next timer, or by 1/8 of the time the run
// of warps has lasted, at least 1 us), so a 250 ms timeout costs about a
// hundred warps, not 25 M points; and when nothing still to come can change
// what the spinners read, the execution ends at once: spin-deadlock
// (spin_deadlock.cc).

#include <string>

#include "machine_impl.h"
#include "word_names.h"
#include "rtfuzz/base/check.h"

namespace rtfuzz::rt::internal {
namespace {

// Smallest warp. Small enough that short spin-waits (an IPI answer, a lock
// handoff) are not overshot by much; the stride grows from there.
constexpr uint64_t kMinWarpNs = 1000;
// A warp covers 1/kWarpDivisor of the time the run of warps has lasted, so a
// timeout is overshot by at most 12.5% and reached in O(log) warps.
constexpr uint64_t kWarpDivisor = 8;

}  // namespace

bool MachineImpl::Runnable(const VirtualCpu& cpu) const {
  return cpu.curr != nullptr || cpu.irq_depth > 0 ||
         (cpu.pending != 0 && live_tasks_ > 0 && Deliverable(cpu) != nullptr);
}

void MachineImpl::DrawSlice() {
  if (cpus_.size() < 2) {
    slice_left_ = kUnbounded;  // One CPU: nothing to interleave.
    return;
  }
  const uint64_t v = Decide(sched::DecisionKind::kSliceLength, options_.max_slice + 1);
  slice_left_ = v == 0 ? kUnbounded : v;
}

void MachineImpl::NoteNewRunnable(int cpu) {
  // A slice that ended while no other CPU could run is served at the next
  // point once another CPU can.
  if (slice_pending_ && current_ != nullptr && cpu != current_->cpu) slice_left_ = 1;
}

void MachineImpl::SlowPath() {
  if (step_ >= options_.max_steps) {
    // Which context looped: one that has not relaxed for half the budget
    // never waits; one that relaxes but never repeats an iteration keeps
    // changing what it reads (a livelock).
    const Context& c = *current_;
    const bool relaxes = c.spin_epoch != kUnbounded && step_ - c.last_spin_step < step_ / 2;
    FinishFromFiber(Verdict::kStepBudget,
                    "no end after " + std::to_string(step_) + " scheduling points: " + c.name +
                        (relaxes ? " calls cpu_relax() (last at step " +
                                       std::to_string(c.last_spin_step) +
                                       ") but no two of its iterations read the same: a livelock"
                                 : c.spin_epoch == kUnbounded
                                       ? " never called cpu_relax(): a loop that never relaxes"
                                       : " has not called cpu_relax() since step " +
                                             std::to_string(c.last_spin_step) +
                                             ": a loop that never relaxes"),
                    {}, c.name + (relaxes ? ":livelock" : ":no-cpu-relax"));
  }
  if (now_ >= check_at_) {
    if (now_ >= options_.max_time_ns) ReportTimeBudget();
    FireDueTimers();
    if (now_ >= next_tick_) Tick();
  }
  VirtualCpu& cpu = cpus_[current_->cpu];
  Context* next;
  const bool stuck = yield_cpu_;
  yield_cpu_ = false;
  // A slice that ends at the very point where the context got stuck is still
  // a slice end: its decision is asked, not lost.
  if (slice_left_ == 0) {
    next = PickCpu(&cpu, Leave::kSliceEnd);
  } else if (stuck) {
    next = PickCpu(&cpu, Leave::kStuck);
  } else {
    next = Settle(cpu);
    if (next == nullptr) next = PickCpu(&cpu, Leave::kForced);
  }
  RTFUZZ_CHECK(next != nullptr, "a running context found nothing to run");
  next->stuck = false;  // It runs: stuck again only at a spin that repeats.
  SwitchTo(next);
}

Context* MachineImpl::PickCpu(VirtualCpu* from, Leave why) {
  const int n = static_cast<int>(cpus_.size());
  int candidates[kMaxCpus];
  for (;;) {
    // Runnable, not stuck, other than `from`, in round-robin order after it.
    int count = 0;
    int index = from != nullptr ? from->index : n - 1;
    for (int i = 0; i < n; ++i) {
      index = index + 1 == n ? 0 : index + 1;
      VirtualCpu& cpu = cpus_[index];
      if (&cpu != from && Runnable(cpu) && !Stuck(cpu)) candidates[count++] = index;
    }
    const bool from_ok = from != nullptr && Runnable(*from) && !Stuck(*from);
    int chosen = -1;
    if (why == Leave::kSliceEnd) {
      if (count > 0) {
        chosen = candidates[count > 1 ? Decide(sched::DecisionKind::kNextCpu, count) : 0];
        slice_pending_ = false;
        ++stats_.preemptions;
        DrawSlice();
      } else {
        slice_pending_ = true;  // Decide when another CPU can run.
        slice_left_ = kUnbounded;
        why = Leave::kForced;
      }
    }
    if (chosen < 0 && count > 0) chosen = candidates[0];  // Round robin.
    // Settling may leave a CPU with nothing (its task was throttled:
    // docs/architecture.md#bandwidth); then look again.
    if (chosen < 0 && from_ok) {
      Context* top = Settle(*from);
      return __builtin_expect(top != nullptr, 1) ? top : PickCpu(from, Leave::kForced);
    }
    if (chosen >= 0) {
      Context* top = Settle(cpus_[chosen]);
      if (__builtin_expect(top != nullptr, 1)) return top;
      RTFUZZ_CHECK(has_groups_, "a runnable CPU has nothing on top");
      return PickCpu(from, Leave::kForced);
    }

    // Nothing can make progress now.
    bool any_runnable = false;
    for (const VirtualCpu& cpu : cpus_) any_runnable |= Runnable(cpu);
    if (any_runnable) {
      // Every runnable CPU is stuck spinning: a spin deadlock, unless time
      // can change what they read.
      if (!SomethingCanChange()) {
        ReportSpinDeadlock(/*time_budget=*/false);
        return nullptr;
      }
      Warp();
    } else if (live_tasks_ == 0) {
      return nullptr;  // Every task exited and no interrupt is running.
    } else if (!timers_.empty()) {
      const uint64_t next = timers_.next_time();
      if (next > now_) {
        stats_.idle_ns += next - now_;
        now_ = next;
      }
    } else {
      Notify([](Observer& o, const MachineView& v) { o.OnHang(v); });
      if (finished_) return nullptr;  // An oracle named it (on the runner).
      std::string blocked;
      std::string site;  // The sleepers and what they sleep on, not who ran last.
      for (const auto& t : tasks_) {
        if (t->state == RunState::kExited || t->idle) continue;
        blocked += " " + t->ctx.name;
        site += (site.empty() ? "" : ",") + t->ctx.name;
        if (t->sleep_on != nullptr) site += "@" + NameWord(t->sleep_on, 0, 0);
      }
      // Report(): from a fiber it does not return; on the runner it records.
      Report(Verdict::kHang, "nothing can run and no timer is pending; waiting:" + blocked,
             HangReport(), site);
      return nullptr;
    }
    if (now_ >= options_.max_time_ns) {
      // After a warp every runnable CPU was stuck: name the spinners.
      if (any_runnable) {
        ReportSpinDeadlock(/*time_budget=*/true);
      } else {
        ReportTimeBudget();
      }
      return nullptr;
    }
    FireDueTimers();
    if (now_ >= next_tick_) Tick();
    if (finished_) return nullptr;  // An observer reported, on the runner.
  }
}

void MachineImpl::ReportTimeBudget() {
  Report(Verdict::kTimeBudget,
         "virtual time passed " + std::to_string(options_.max_time_ns) + " ns");
}

void MachineImpl::Warp() {
  if (!warping_) {
    warping_ = true;
    warp_run_start_ = now_;
  }
  uint64_t stride = (now_ - warp_run_start_) / kWarpDivisor;
  if (stride < kMinWarpNs) stride = kMinWarpNs;
  uint64_t target = now_ + stride;
  if (timers_.next_time() < target) target = timers_.next_time();
  if (target > options_.max_time_ns) target = options_.max_time_ns;
  if (target <= now_) target = now_ + 1;
  ++stats_.warps;
  stats_.warped_ns += target - now_;
  Emit(Op::kWarp, 0, target - now_, nullptr, 0);
  now_ = target;
  // Time is news for the stuck contexts, but only once: each gets one more
  // spin to look at the clock before it counts as stuck again.
  for (VirtualCpu& cpu : cpus_) {
    if (Context* top = cpu.Top()) top->stuck = false;
  }
  if (!observers_.empty()) next_tick_ = now_;  // Time-based oracles look now.
}

}  // namespace rtfuzz::rt::internal
