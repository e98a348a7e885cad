// framework/src/check/oracles.cc
//
// Oracles: the rt::Observer that runs every oracle, and the one state the
// lock events of the running execution go to.

#include "rtfuzz/check/oracles.h"

#include "oracle_state.h"

namespace rtfuzz::check {
namespace internal {
namespace {

thread_local OracleState* g_active = nullptr;

}  // namespace

OracleState* ActiveState() {
  return g_active != nullptr && g_active->active() ? g_active : nullptr;
}
void SetActiveState(OracleState* state) { g_active = state; }

void OracleState::Start(const rt::MachineView& view) {
  view_ = view;
  serial_ = view.execution_serial();
  ++input.executions;
  seq_ = 0;
  // Cleared in place: executions are short and many, so the vectors keep
  // their capacity instead of reallocating per execution.
  for (LockInfo& l : locks_) {
    l.name = nullptr;
    l.kind = LockKind::kLock;  // Ids are per execution: the kind is too.
    l.holders.clear();
    l.last_releaser = rt::kNoContext;
    l.last_release_site = nullptr;
  }
  contexts_.resize(static_cast<size_t>(view.num_contexts()));
  for (ContextState& c : contexts_) {
    c.held.clear();
    c.claims.clear();
    c.entries.clear();
    c.cycle.clear();
    c.history.clear();
    c.attempting = c.waiting = c.in_cycle = c.inverted = false;
    c.seq_read = ContextState::kNoSeqRead;
  }
}

bool OracleState::active() const { return view_.execution_serial() == serial_; }

}  // namespace internal

Oracles::Oracles() : state_(std::make_unique<internal::OracleState>()) {}
Oracles::~Oracles() {
  if (internal::g_active == state_.get()) internal::SetActiveState(nullptr);
}

void Oracles::OnExecutionStart(const rt::MachineView& view) {
  state_->Start(view);
  internal::SetActiveState(state_.get());
}

void Oracles::OnTick(const rt::MachineView&) {
  state_->CheckDeadlocks();
  state_->CheckInversion();
  state_->CheckStall();
  state_->CheckNoise();
}

void Oracles::OnInterruptExit(const rt::MachineView&, rt::ContextId id) {
  state_->CheckLeaks(id);
}

void Oracles::OnHang(const rt::MachineView&) { state_->OnHang(); }

void Oracles::OnSpinDeadlock(const rt::MachineView&) { state_->OnSpinDeadlock(); }

void Oracles::OnExecutionEnd(const rt::MachineView&) {
  state_->CheckNoise();
  state_->CheckLeaks(rt::kNoContext);
}

std::map<uint32_t, std::string> Oracles::LockNames() const { return state_->LockNames(); }
const OracleInput& Oracles::input() const { return state_->input; }

std::string DescribeInput(const OracleInput& in) {
  return "mutual-exclusion, leaked-lock: " + std::to_string(in.acquisitions) +
         " acquisitions; deadlock, starvation: " + std::to_string(in.waits) +
         " waits; priority-inversion: " + std::to_string(in.task_waits) +
         " task waits; false-deadlock-report: " + std::to_string(in.lock_errors) +
         " lock errors";
}

std::string InputWarning(const OracleInput& in) {
  if (in.executions == 0) return "";
  if (in.lock_events == 0) {
    return "warning: no lock events in " + std::to_string(in.executions) +
           (in.executions == 1 ? " execution" : " executions") + ": mutual-exclusion, leaked-lock, the deadlock-timing and "
           "priority-inversion oracles had nothing to judge (spin-deadlock, hang and stall "
           "still did); annotate the lock (kapi/README.md, \"Writing your own lock\")";
  }
  if (in.waits == 0) {
    return "warning: no lock waits in " + std::to_string(in.executions) +
           (in.executions == 1 ? " execution" : " executions") + ": lock_contended() was never called, so deadlock timing, starvation "
           "and priority inversion had nothing to judge";
  }
  return "";
}

}  // namespace rtfuzz::check
