// framework/src/rt/machine.cc
//
// Executions: set-up from a Scenario, the runner's switch into the first
// context and back, teardown (unwinding unfinished fibers), end checks,
// results; and the per-point accounting (step, time, trace, PMU).

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <utility>

#include "crash_handler.h"
#include "machine_impl.h"
#include "rtfuzz/base/check.h"
#include "rtfuzz/rt/preempt_count.h"

namespace rtfuzz::rt {
namespace internal {
namespace {

size_t DefaultStackSize() {
#if defined(__SANITIZE_ADDRESS__)
  return 256 * 1024;  // ASan's redzones and fake frames need ~3x the stack.
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return 256 * 1024;
#else
  return 64 * 1024;
#endif
#else
  return 64 * 1024;
#endif
}

size_t RoundUpPow2(size_t n) {
  size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

std::string InstanceName(const InterruptSpec& spec, int cpu) {
  return std::string(ContextKindName(spec.kind)) + ":" + spec.name + "@" +
         std::to_string(cpu);
}

// Runs scenario code on the runner (reset, end checks): an exception it
// throws is a finding about the scenario, not a crash of the runner.
bool CallScenarioCode(const std::function<void()>& fn, std::string* error) {
  if (!fn) return true;
  try {
    fn();
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "an exception not derived from std::exception";
  }
  return false;
}

void PrintRunningMachine(int fd) {
  if (MachineImpl* m = MachineImpl::Running()) m->PrintWhere(fd);
}

}  // namespace

MachineImpl::MachineImpl(MachineOptions options)
    : options_(options),
      stacks_(options.stack_size != 0 ? options.stack_size : DefaultStackSize()) {
  RTFUZZ_PRECONDITION(options_.step_ns >= 1, "MachineOptions::step_ns must be >= 1");
  RTFUZZ_PRECONDITION(options_.max_slice >= 1, "MachineOptions::max_slice must be >= 1");
  const size_t ring = RoundUpPow2(options_.trace_ring_size < 1 ? 1 : options_.trace_ring_size);
  ring_.resize(ring);
  ring_mask_ = ring - 1;
  rtfuzz::internal::SetFailureContextPrinter(&PrintRunningMachine);
  const char* const kWorkNames[kWorkVectorCount] = {"call-function", "irq-work"};
  for (int v = 0; v < kWorkVectorCount; ++v) {
    work_specs_[v].name = kWorkNames[v];
    work_specs_[v].kind = ContextKind::kHardirq;
    work_specs_[v].handler = [this, v] {
      RunWork(cpus_[current_->cpu], static_cast<WorkVector>(v));
    };
  }
}

MachineImpl::~MachineImpl() = default;

void MachineImpl::Prepare(const Scenario& s) {
  if (scenario_ == &s && scenario_serial_ == s.serial() &&
      scenario_revision_ == s.revision()) {
    return;
  }
  scenario_ = &s;
  scenario_serial_ = s.serial();
  scenario_revision_ = s.revision();
  hardirq_hooks_ = static_cast<bool>(s.hardirq_entry()) || static_cast<bool>(s.hardirq_exit());
  const int n = s.num_cpus();
  cpus_.clear();
  cpus_.resize(n);
  for (int c = 0; c < n; ++c) cpus_[c].index = c;
  tasks_.clear();
  handlers_.clear();
  contexts_.clear();
  groups_.clear();
  groups_.resize(s.task_groups().size());
  for (size_t g = 0; g < groups_.size(); ++g) groups_[g].spec = &s.task_groups()[g];
  has_groups_ = !groups_.empty();

  for (size_t i = 0; i < s.tasks().size(); ++i) {
    const TaskSpec& spec = s.tasks()[i];
    auto t = std::make_unique<Task>();
    t->spec = &spec;
    t->id = static_cast<TaskId>(i);
    t->normal_prio = spec.policy == Policy::kFifo ? 99 - spec.rt_priority : 120;
    t->ctx.kind = ContextKind::kTask;
    t->ctx.task = t.get();
    t->ctx.name = "task:" + spec.name;
    t->ctx.id = static_cast<uint16_t>(contexts_.size());
    t->group = spec.group == kNoGroup ? -1 : static_cast<int>(spec.group);
    if (t->group >= 0) groups_[t->group].members.push_back(t.get());
    if (spec.kthread == TaskSpec::Kthread::kTimers) {
      cpus_[__builtin_ctzll(spec.affinity)].ktimers = t.get();
    }
    contexts_.push_back(&t->ctx);
    tasks_.push_back(std::move(t));
  }
  for (size_t i = 0; i < s.interrupts().size(); ++i) {
    const InterruptSpec& spec = s.interrupts()[i];
    for (int c = 0; c < n; ++c) {
      if ((spec.cpus & Cpu(c)) == 0) continue;
      auto h = std::make_unique<HandlerInstance>();
      VirtualCpu& cpu = cpus_[c];
      h->spec = &spec;
      h->handler = static_cast<HandlerId>(i);
      h->cpu = c;
      h->slot = static_cast<int>(cpu.handlers.size());
      RTFUZZ_PRECONDITION(h->slot < 64, "at most 64 interrupt handlers per CPU");
      const uint64_t bit = uint64_t{1} << h->slot;
      if (spec.kind == ContextKind::kNmi) cpu.nmi_slots |= bit;
      if (spec.kind == ContextKind::kHardirq) cpu.hardirq_slots |= bit;
      if (spec.kind == ContextKind::kSoftirq) cpu.softirq_slots |= bit;
      cpu.handlers.push_back(h.get());
      h->ctx.kind = spec.kind;
      h->ctx.handler = h.get();
      h->ctx.cpu = c;
      h->ctx.name = InstanceName(spec, c);
      h->ctx.id = static_cast<uint16_t>(contexts_.size());
      // Routing to the machine's kthreads (docs/architecture.md#kthreads).
      h->to_ktimers = spec.soft_timer && s.preempt_rt();
      if (spec.thread_fn || (spec.force_threaded_on_rt && s.preempt_rt())) {
        for (auto& t : tasks_) {
          if (t->spec->kthread == TaskSpec::Kthread::kIrqThread &&
              t->spec->kthread_handler == i && t->spec->affinity == Cpu(c)) {
            h->irq_thread = t.get();
          }
        }
        RTFUZZ_CHECK(h->irq_thread != nullptr, "a threaded interrupt without its thread");
        h->forced_thread = !spec.thread_fn;
      }
      contexts_.push_back(&h->ctx);
      handlers_.push_back(std::move(h));
    }
  }
  if (s.resched_ipi_handler() != Scenario::kNoHandler) {
    RTFUZZ_PRECONDITION(s.resched_ipi_handler() < s.interrupts().size(),
                        "no such reschedule IPI handler");
  }
  // The built-in work vectors: one hardirq instance per CPU and vector,
  // after the scenario's handlers.
  for (int c = 0; c < n; ++c) {
    VirtualCpu& cpu = cpus_[c];
    for (int v = 0; v < kWorkVectorCount; ++v) {
      auto h = std::make_unique<HandlerInstance>();
      h->spec = &work_specs_[v];
      h->handler = static_cast<HandlerId>(s.interrupts().size() + v);
      h->cpu = c;
      h->slot = static_cast<int>(cpu.handlers.size());
      RTFUZZ_PRECONDITION(h->slot < 64, "at most 62 interrupt handlers per CPU");
      cpu.hardirq_slots |= uint64_t{1} << h->slot;
      cpu.handlers.push_back(h.get());
      cpu.work_handler[v] = h.get();
      h->ctx.kind = ContextKind::kHardirq;
      h->ctx.handler = h.get();
      h->ctx.cpu = c;
      h->ctx.name = InstanceName(work_specs_[v], c);
      h->ctx.id = static_cast<uint16_t>(contexts_.size());
      contexts_.push_back(&h->ctx);
      handlers_.push_back(std::move(h));
    }
  }
  RTFUZZ_PRECONDITION(contexts_.size() < 0xffff, "too many contexts");
}

void MachineImpl::ResetExecution(sched::DecisionSource& source, uint64_t index) {
  for (VirtualCpu& cpu : cpus_) {
    cpu.curr = nullptr;
    cpu.irq_depth = 0;
    cpu.rq.Clear();
    cpu.need_resched = false;
    cpu.rotate = false;
    cpu.slice_generation = 0;
    cpu.slice_timer_generation = kUnbounded;
    cpu.curr_since = 0;
    cpu.pending = 0;
    cpu.armed.clear();
    for (uint64_t& count : cpu.pmu) count = 0;
    cpu.noise = CpuNoise{};
    cpu.irq_since = 0;
    cpu.irq_streak = 0;
    cpu.last_work = {nullptr, nullptr};
    for (int v = 0; v < kWorkVectorCount; ++v) {
      cpu.work[v].clear();
      cpu.work_head[v] = 0;
    }
    cpu.ktimers_queue.clear();
    cpu.ktimers_head = 0;
    cpu.charged = nullptr;
  }
  for (GroupState& g : groups_) {
    g.runtime_left = g.spec->quota_ns;
    g.charged_at = 0;
    g.running = 0;
    g.used_in_period = false;
    g.throttled = false;
    g.period_armed = false;
    g.refill_queued = false;
    g.exhaust_generation = 0;
    g.throttle_count = 0;
    g.waiting.clear();
  }
  auto reset_context = [](Context& ctx) {
    RTFUZZ_CHECK(!ctx.fiber.suspended(), "a fiber survived the last teardown");
    ctx.started = false;
    ctx.preempt_count = 0;
    ctx.irqs_disabled = false;
    ctx.entry_preempt_count = 0;
    ctx.entry_irqs_disabled = false;
    ctx.ResetSpin();
  };
  for (auto& t : tasks_) {
    reset_context(t->ctx);
    t->state = RunState::kNotStarted;
    t->queued = false;
    t->prev = t->next = nullptr;
    t->on_queue = false;
    t->prio = t->normal_prio;
    t->deboosted_from = 0;
    t->deboosted_at = 0;
    t->cpu = __builtin_ctzll(t->spec->affinity);
    t->ctx.cpu = t->cpu;
    t->sleep_generation = 0;
    t->off_cpu_since = 0;
    t->throttled = false;
    t->idle = false;
    t->sleep_on = nullptr;
    t->sleep_step = 0;
  }
  for (auto& h : handlers_) {
    reset_context(h->ctx);
    h->active = false;
    h->fires = 0;
    h->armed = false;
    h->period = 0;
    h->countdown = 0;
    h->ktimers_queued = false;
    h->thread_pending = false;
    h->timer_expires = kUnbounded;
    h->timer_generation = 0;
  }
  source_ = &source;
  source.BeginExecution(index);
  serial_ = ++next_serial_;
  serial_tag_ = serial_ << 32;
  next_tick_ = observers_.empty() ? kUnbounded : 0;
  last_progress_ns_ = 0;
  current_ = nullptr;
  step_ = 0;
  now_ = 0;
  news_epoch_ = 0;
  slice_left_ = kUnbounded;
  slice_pending_ = false;
  yield_cpu_ = false;
  warping_ = false;
  warp_run_start_ = 0;
  finished_ = false;
  tearing_down_ = false;
  live_tasks_ = scenario_->num_scenario_tasks();  // Kthreads do not keep it alive.
  timers_.Clear();
  check_at_ = options_.max_time_ns;
  if (next_tick_ < check_at_) check_at_ = next_tick_;
  trace_hash_ = 0xcbf29ce484222325ULL;  // FNV offset basis: any fixed seed.
  ring_count_ = 0;
  full_trace_.clear();
  mark_counts_.assign(scenario_->marks().size(), 0);
  tolerated_.clear();
  stats_ = ExecutionStats{};
  wakeup_count_ = 0;
  object_notes_.clear();
}

void MachineImpl::Run(const Scenario& scenario, sched::DecisionSource& source,
                      uint64_t execution_index, ExecutionResult* result) {
  RTFUZZ_PRECONDITION(running_ == nullptr,
                      "Machine::Run called from inside a running execution");
  Prepare(scenario);
  result_ = result;
  result->verdict = Verdict::kPass;
  result->message.clear();
  result->details.clear();
  result->signature.clear();
  result->cpu = -1;
  result->context.clear();
  result->decisions.clear();
  result->execution_index = execution_index;
  ResetExecution(source, execution_index);
  // OnReset runs outside every context: kapi initialisers and accesses
  // there are plain (context.h), anything else a clear error.
  running_ = this;
  outside_contexts_ = "Scenario::OnReset";
  std::string reset_error;
  const bool reset_ok = CallScenarioCode(scenario.reset(), &reset_error);
  outside_contexts_ = nullptr;
  if (!reset_ok) {
    running_ = nullptr;
    Finish(Verdict::kException, "the scenario's OnReset threw: " + reset_error);
    FillResult(result);
    result_ = nullptr;
    source_ = nullptr;
    return;
  }
  InstallCrashHandlers();

  Notify([](Observer& o, const MachineView& v) { o.OnExecutionStart(v); });
  ArmTriggers();
  DrawSlice();
  for (auto& t : tasks_) {
    if (t->spec->kthread != TaskSpec::Kthread::kNone) {
      t->state = RunState::kBlocked;  // Asleep until it has work.
      t->idle = true;
      continue;
    }
    if (t->spec->start_ns == 0) {
      StartTask(*t);
    } else {
      AddTimer(t->spec->start_ns, TimerKind::kStartTask, t->id, 0);
    }
  }
  if (Context* first = PickCpu(nullptr, Leave::kForced)) {
    first->stuck = false;
    current_ = first;
    EnsureFiber(first);
    Fiber::SwitchTo(&runner_, &first->fiber);
  }
  // Back on the runner: the execution is over (finished or a verdict).
  current_ = nullptr;
  Teardown();
  if (!finished_) {
    Notify([](Observer& o, const MachineView& v) { o.OnExecutionEnd(v); });
  }
  if (result->verdict == Verdict::kPass) RunEndChecks();
  FillResult(result);
  running_ = nullptr;
  source_ = nullptr;
  result_ = nullptr;
}

void MachineImpl::Teardown() {
  // Unwind every context still suspended mid-body (a verdict stopped the
  // execution). Points made by destructors during unwinding are ignored.
  // While a context unwinds it is current_, so queries made by destructors
  // (CurrentCpu, PreemptCount, ...) answer about it.
  tearing_down_ = true;
  for (Context* ctx : contexts_) {
    if (!ctx->fiber.suspended()) continue;
    current_ = ctx;
    ctx->fiber.Reset(&runner_);
  }
  current_ = nullptr;
  tearing_down_ = false;
}

void MachineImpl::RunEndChecks() {
  for (const EndCheck& check : scenario_->end_checks()) {
    bool holds = false;
    std::string error;
    outside_contexts_ = "an end check";
    const bool ok = CallScenarioCode([&] { holds = check.holds(); }, &error);
    outside_contexts_ = nullptr;
    if (!ok) {
      Finish(Verdict::kException, "end check '" + check.name + "' threw: " + error, {},
             "end check " + check.name);
      return;
    }
    if (!holds) {
      Finish(Verdict::kEndCheckFailed, "end check '" + check.name + "' does not hold", {},
             "end check " + check.name);
      return;
    }
  }
}

void MachineImpl::FillResult(ExecutionResult* result) {
  result->steps = step_;
  result->time_ns = now_;
  result->trace_hash = trace_hash_;
  stats_.points = step_;
  result->stats = stats_;
  result->mark_counts = mark_counts_;
  result->tolerated = tolerated_;
  const size_t kept = ring_count_ < ring_.size() ? ring_count_ : ring_.size();
  result->last_records.resize(kept);
  for (size_t i = 0; i < kept; ++i) {
    result->last_records[i] = ring_[(ring_count_ - kept + i) & ring_mask_];
  }
}

uint64_t MachineImpl::Decide(sched::DecisionKind kind, uint64_t bound) {
  RTFUZZ_CHECK(bound >= 2, "the machine asked a question with one answer");
  const uint64_t value = source_->Choose(kind, bound);
  RTFUZZ_CHECK(value < bound, "DecisionSource answered out of range");
  sched::Decision d{.kind = kind, .bound = bound, .value = value};
  d.step = static_cast<uint32_t>(step_);
  if (current_ != nullptr) {  // The runner asks between points: no context.
    d.cpu = static_cast<uint8_t>(current_->cpu);
    d.context = current_->id;
  }
  result_->decisions.push_back(d);
  return value;
}



void MachineImpl::Point(Op op, uint32_t object, uint64_t value, uint32_t flags) {
  Account(op, object, value, flags);
  if (SlowPathDue()) SlowPath();
}

void MachineImpl::Finish(Verdict verdict, std::string message, std::string_view details,
                         std::string_view site) {
  if (!finished_) {
    finished_ = true;
    result_->verdict = verdict;
    result_->message = std::move(message);
    result_->details.assign(details);
    if (current_ != nullptr) {
      result_->cpu = current_->cpu;
      result_->context = current_->name;
    }
    result_->signature = std::string(VerdictName(verdict)) + "|" + scenario_->name() + "|" +
                         (!site.empty() ? std::string(site) : result_->context);
  }
}

void MachineImpl::FinishFromFiber(Verdict verdict, std::string message,
                                  std::string_view details, std::string_view site) {
  Finish(verdict, std::move(message), details, site);
  RTFUZZ_CHECK(current_ != nullptr, "FinishFromFiber on the runner");
  Context* self = current_;
  current_ = nullptr;
  Fiber::SwitchTo(&self->fiber, &runner_);
  // Only forced_unwind (teardown) ever leaves the switch above.
  RTFUZZ_CHECK(false, "a finished execution was resumed");
  __builtin_unreachable();
}

void MachineImpl::Report(Verdict verdict, std::string_view message, std::string_view details,
                         std::string_view site) {
  if (current_ != nullptr && !tearing_down_) {
    FinishFromFiber(verdict, std::string(message), details, site);
  }
  Finish(verdict, std::string(message), details, site);
}

void MachineImpl::Tick() {
  next_tick_ = now_ + options_.observer_tick_ns;
  RecomputeCheckAt();
  Notify([](Observer& o, const MachineView& v) { o.OnTick(v); });
}

void MachineImpl::EnsureFiber(Context* ctx) {
  if (!ctx->started) {
    ctx->fiber.Create(&stacks_, &MachineImpl::ContextEntry, ctx);
    ctx->started = true;
  }
}

void MachineImpl::SwitchTo(Context* next) {
  Context* self = current_;
  if (next == self) return;
  ++stats_.cpu_switches;
  current_ = next;
  EnsureFiber(next);
  Fiber::SwitchTo(&self->fiber, &next->fiber);
  RTFUZZ_CHECK(current_ == self, "resumed a context that is not current");
}

// The entry/exit code around a hardirq (Scenario::OnHardirqEntry/Exit):
// outside irq_enter()/irq_exit()'s HARDIRQ_OFFSET, interrupts still off.
void MachineImpl::RunHardirqHook(Context* ctx, const std::function<void()>& hook) {
  if (!hook) return;
  ctx->preempt_count -= kHardirqOffset;
  hook();
  ctx->preempt_count += kHardirqOffset;
}

Fiber* MachineImpl::ContextEntry(void* arg) {
  Context* ctx = static_cast<Context*>(arg);
  MachineImpl* m = running_;
  std::string error;
  bool threw = false;
  try {
    if (ctx->task != nullptr) {
      m->Emit(Op::kTaskStart, ctx->task->id, 0, ctx, ctx->cpu);
      if (ctx->task->spec->kthread != TaskSpec::Kthread::kNone) {
        m->KthreadMain(*ctx->task);  // Never returns; unwound at teardown.
      } else {
        ctx->task->spec->body();
      }
    } else {
      HandlerInstance* h = ctx->handler;
      const bool hooked = m->hardirq_hooks_ && ctx->kind == ContextKind::kHardirq;
      if (hooked) m->RunHardirqHook(ctx, m->scenario_->hardirq_entry());
      if (h->irq_thread == nullptr) {
        h->spec->handler();
      } else {
        // Threaded: the primary handler (unless forced threading moved it
        // to the thread), then IRQ_WAKE_THREAD.
        if (!h->forced_thread && h->spec->handler) h->spec->handler();
        m->WakeIrqThread(*h);
      }
      if (hooked) m->RunHardirqHook(ctx, m->scenario_->hardirq_exit());
    }
  } catch (const std::exception& e) {
    threw = true;
    error = e.what();
  } catch (...) {
    if (IsFiberUnwind()) throw;
    threw = true;
    error = "an exception not derived from std::exception";
  }
  if (threw) {
    m->FinishFromFiber(Verdict::kException,
                       "uncaught exception in " + ctx->name + ": " + error);
  }
  return m->OnContextExit(ctx);
}

Fiber* MachineImpl::OnContextExit(Context* ctx) {
  VirtualCpu& cpu = cpus_[ctx->cpu];
  char detail[160];
  if (Task* t = ctx->task) {
    if (ctx->preempt_count != 0 || ctx->irqs_disabled) {
      std::snprintf(detail, sizeof(detail),
                    " exited with preempt_count=%#x and irqs %s",
                    ctx->preempt_count, ctx->irqs_disabled ? "disabled" : "enabled");
      FinishFromFiber(Verdict::kContextImbalance, ctx->name + detail);
    }
    Account(Op::kTaskExit, t->id, 0, 0);
    t->state = RunState::kExited;
    t->queued = false;
    cpu.curr = nullptr;
    --live_tasks_;
    ++news_epoch_;
    SetCurr(cpu, PopHighest(cpu));
  } else {
    if (ctx->preempt_count != ctx->entry_preempt_count ||
        ctx->irqs_disabled != ctx->entry_irqs_disabled) {
      std::snprintf(detail, sizeof(detail),
                    " returned with preempt_count=%#x (entered with %#x) and irqs %s",
                    ctx->preempt_count, ctx->entry_preempt_count,
                    ctx->irqs_disabled ? "disabled" : "enabled");
      FinishFromFiber(Verdict::kContextImbalance, ctx->name + detail);
    }
    RTFUZZ_CHECK(cpu.irq_depth > 0 && cpu.irq_stack[cpu.irq_depth - 1] == ctx,
                 "an interrupt returned that is not the top of its CPU");
    if (!observers_.empty()) {
      const ContextId id = ctx->id;
      Notify([id](Observer& o, const MachineView& v) { o.OnInterruptExit(v, id); });
    }
    Emit(Op::kIrqExit, ctx->handler->handler, ctx->handler->fires, ctx, cpu.index);
    if (--cpu.irq_depth == 0) cpu.noise.stolen_ns += now_ - cpu.irq_since;
    ctx->handler->active = false;
    ++news_epoch_;
  }
  // The CPU continues with what is below (or its next task); if it has
  // nothing, another CPU steps.
  Context* next = Settle(cpu);
  if (next == nullptr) next = PickCpu(&cpu, Leave::kForced);
  if (next == nullptr) {  // Every task exited: the execution is over.
    current_ = nullptr;
    return &runner_;
  }
  ++stats_.cpu_switches;
  current_ = next;
  next->stuck = false;
  EnsureFiber(next);
  return &next->fiber;
}

bool MachineImpl::ReportStackOverflow(int fd, const void* addr) const {
  const Context* ctx = current_;
  const long page = ::sysconf(_SC_PAGESIZE);
  if (ctx == nullptr || page <= 0 || !ctx->fiber.InGuardPage(addr, static_cast<size_t>(page))) {
    return false;
  }
  char buf[320];
  std::snprintf(buf, sizeof(buf),
                "==%d== ERROR: rtfuzz: stack overflow in %s on CPU%d (its fiber stack is %zu "
                "KiB: MachineOptions::stack_size)\n",
                static_cast<int>(::getpid()), ctx->name.c_str(), ctx->cpu,
                ctx->fiber.stack_size() / 1024);
  (void)!::write(fd, buf, std::strlen(buf));
  return true;
}

void MachineImpl::PrintWhere(int fd) const {
  char buf[512];
  const Context* ctx = current_;
  std::snprintf(buf, sizeof(buf),
                "rtfuzz: in scenario '%s', execution %" PRIu64 ", step %" PRIu64
                ", virtual time %" PRIu64 " ns, CPU %d, context '%s'\n",
                scenario_ != nullptr ? scenario_->name().c_str() : "?",
                result_ != nullptr ? result_->execution_index : 0, step_, now_,
                ctx != nullptr ? ctx->cpu : -1,
                ctx != nullptr ? ctx->name.c_str() : "runner");
  (void)!::write(fd, buf, std::strlen(buf));
  if (result_ == nullptr) return;
  // The decisions so far: with the scenario, enough to replay the execution.
  int len = std::snprintf(buf, sizeof(buf), "rtfuzz: decisions so far (%zu):",
                          result_->decisions.size());
  for (const sched::Decision& d : result_->decisions) {
    if (len > static_cast<int>(sizeof(buf)) - 48) {
      (void)!::write(fd, buf, static_cast<size_t>(len));
      len = 0;
    }
    len += std::snprintf(buf + len, sizeof(buf) - static_cast<size_t>(len),
                         " %s/%" PRIu64 "=%" PRIu64,
                         sched::DecisionKindName(d.kind).data(), d.bound, d.value);
  }
  buf[len++] = '\n';
  (void)!::write(fd, buf, static_cast<size_t>(len));
}

std::string MachineImpl::ContextName(uint16_t id) const {
  if (id < contexts_.size()) return contexts_[id]->name;
  return id == 0xffff ? "machine" : "context#" + std::to_string(id);
}

}  // namespace internal

Machine::Machine(MachineOptions options)
    : impl_(std::make_unique<internal::MachineImpl>(options)) {}
Machine::~Machine() = default;

void Machine::Run(const Scenario& scenario, sched::DecisionSource& source,
                  uint64_t execution_index, ExecutionResult* result) {
  impl_->Run(scenario, source, execution_index, result);
}

ExecutionResult Machine::Run(const Scenario& scenario, sched::DecisionSource& source,
                             uint64_t execution_index) {
  ExecutionResult result;
  impl_->Run(scenario, source, execution_index, &result);
  return result;
}

const std::vector<TraceRecord>& Machine::full_trace() const {
  return impl_->full_trace();
}
std::string Machine::ContextName(uint16_t context) const {
  return impl_->ContextName(context);
}
std::string Machine::ObjectName(uint32_t object) const { return impl_->ObjectName(object); }
std::map<uint32_t, std::string> Machine::ObjectNames() const {
  std::map<uint32_t, std::string> out;
  for (const uint32_t id : impl_->NamedObjects()) out[id] = impl_->ObjectName(id);
  return out;
}
const MachineOptions& Machine::options() const { return impl_->options(); }
void Machine::AddObserver(Observer* observer) { impl_->AddObserver(observer); }

}  // namespace rtfuzz::rt
