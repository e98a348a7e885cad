// framework/src/rt/machine_view.cc
//
// MachineView: the read-only window observers (the oracles) get on a running
// machine, plus the one thing they may do to it: end the execution.

#include "machine_impl.h"
#include "word_names.h"
#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/observer.h"

namespace rtfuzz::rt {

const Scenario& MachineView::scenario() const { return *m_->scenario_; }
uint64_t MachineView::now() const { return m_->now_; }
uint64_t MachineView::step() const { return m_->step_; }
uint64_t MachineView::execution_serial() const { return m_->serial_; }
int MachineView::num_cpus() const { return static_cast<int>(m_->cpus_.size()); }
int MachineView::num_contexts() const { return static_cast<int>(m_->contexts_.size()); }

const std::string& MachineView::context_name(ContextId id) const {
  RTFUZZ_PRECONDITION(id < m_->contexts_.size(), "no such context");
  return m_->contexts_[id]->name;
}

ContextKind MachineView::context_kind(ContextId id) const {
  RTFUZZ_PRECONDITION(id < m_->contexts_.size(), "no such context");
  return m_->contexts_[id]->kind;
}

int MachineView::context_cpu(ContextId id) const {
  RTFUZZ_PRECONDITION(id < m_->contexts_.size(), "no such context");
  return m_->contexts_[id]->cpu;
}

bool MachineView::context_preemptible(ContextId id) const {
  RTFUZZ_PRECONDITION(id < m_->contexts_.size(), "no such context");
  const internal::Context& c = *m_->contexts_[id];
  return c.kind == ContextKind::kTask && c.preempt_count == 0 && !c.irqs_disabled;
}

ContextId MachineView::current_context() const {
  return m_->current_ != nullptr ? m_->current_->id : kNoContext;
}

int MachineView::cpu_depth(int cpu) const {
  const internal::VirtualCpu& c = m_->cpus_[cpu];
  return c.irq_depth + 1;
}

ContextId MachineView::cpu_context(int cpu, int level) const {
  const internal::VirtualCpu& c = m_->cpus_[cpu];
  if (level == 0) return c.curr != nullptr ? c.curr->ctx.id : kNoContext;
  RTFUZZ_PRECONDITION(level <= c.irq_depth, "no context at that level");
  return c.irq_stack[level - 1]->id;
}

CpuNoise MachineView::cpu_noise(int cpu) const {
  const internal::VirtualCpu& c = m_->cpus_[cpu];
  CpuNoise noise = c.noise;
  if (c.irq_depth > 0) noise.stolen_ns += m_->now_ - c.irq_since;  // Ongoing.
  return noise;
}

uint64_t MachineView::cpu_irq_streak(int cpu) const { return m_->cpus_[cpu].irq_streak; }

uint64_t MachineView::cpu_irq_since(int cpu) const { return m_->cpus_[cpu].irq_since; }

std::string MachineView::cpu_last_work(int cpu) const {
  const internal::VirtualCpu::Work& w = m_->cpus_[cpu].last_work;
  return w.arg != nullptr ? internal::NameWord(w.arg, 0, 0) : std::string();
}

ContextId MachineView::cpu_spinner(int cpu) const {
  const internal::VirtualCpu& c = m_->cpus_[cpu];
  const internal::Context* top = c.Top();
  return top != nullptr && m_->Runnable(c) ? top->id : kNoContext;
}

std::string MachineView::spin_report() const { return m_->SpinReport(); }

TaskState MachineView::task_state(TaskId task) const {
  const internal::Task& t = *m_->tasks_[task];
  switch (t.state) {
    case internal::RunState::kNotStarted:
      return TaskState::kNotStarted;
    case internal::RunState::kExited:
      return TaskState::kExited;
    case internal::RunState::kBlocked:
      return TaskState::kBlocked;
    case internal::RunState::kRunning:
      return m_->cpus_[t.cpu].curr == &t ? TaskState::kRunning : TaskState::kRunnable;
  }
  return TaskState::kExited;
}

int MachineView::task_prio(TaskId task) const { return m_->tasks_[task]->prio; }
int MachineView::task_normal_prio(TaskId task) const { return m_->tasks_[task]->normal_prio; }
int MachineView::task_deboosted_from(TaskId task) const { return m_->tasks_[task]->deboosted_from; }
uint64_t MachineView::task_deboosted_at(TaskId task) const {
  return m_->tasks_[task]->deboosted_at;
}

uint64_t MachineView::task_last_ran_ns(TaskId task) const {
  const internal::Task& t = *m_->tasks_[task];
  // An idle kthread sleeps interruptibly: never a hung task.
  return m_->cpus_[t.cpu].curr == &t || t.idle ? m_->now_ : t.off_cpu_since;
}

bool MachineView::task_idle(TaskId task) const { return m_->tasks_[task]->idle; }

bool MachineView::task_throttled(TaskId task) const {
  const internal::Task& t = *m_->tasks_[task];
  if (t.throttled) return true;
  // Still on its CPU until a preemptible point.
  return t.group >= 0 && m_->groups_[t.group].throttled && t.prio >= 100 && t.queued &&
         m_->cpus_[t.cpu].curr == &t;
}

ContextId MachineView::task_throttle_waiter_of(TaskId task) const {
  const internal::Task& t = *m_->tasks_[task];
  if (!task_throttled(task)) return kNoContext;
  const internal::GroupState& g = m_->groups_[t.group];
  if (!g.refill_queued) return kNoContext;
  const internal::Task* ktimers = m_->cpus_[g.spec->timer_cpu].ktimers;
  return ktimers != nullptr ? ktimers->ctx.id : kNoContext;
}

bool MachineView::group_throttled(GroupId group) const {
  RTFUZZ_PRECONDITION(group < m_->groups_.size(), "no such task group");
  return m_->groups_[group].throttled;
}

uint64_t MachineView::group_runtime_left_ns(GroupId group) const {
  RTFUZZ_PRECONDITION(group < m_->groups_.size(), "no such task group");
  const internal::GroupState& g = m_->groups_[group];
  const uint64_t used = (m_->now_ - g.charged_at) * static_cast<uint64_t>(g.running);
  return used >= g.runtime_left ? 0 : g.runtime_left - used;
}

uint64_t MachineView::group_throttle_count(GroupId group) const {
  RTFUZZ_PRECONDITION(group < m_->groups_.size(), "no such task group");
  return m_->groups_[group].throttle_count;
}

uint64_t MachineView::last_progress_ns() const { return m_->last_progress_ns_; }

void MachineView::Report(Verdict verdict, std::string_view message, std::string_view details,
                         std::string_view site) const {
  const_cast<internal::MachineImpl*>(m_)->Report(verdict, message, details, site);
}

void MachineView::Tolerate(std::string_view window) const {
  const_cast<internal::MachineImpl*>(m_)->tolerated_.push_back(window);
}

}  // namespace rtfuzz::rt
