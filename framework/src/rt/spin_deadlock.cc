// framework/src/rt/spin_deadlock.cc
//
// The verdict spin-deadlock: every CPU that can run is stuck spinning
// (spin_detector.cc) and nothing still to come can change what the spinners
// read, so the execution ends at once instead of warping to the time budget.
// Oracles see it first (Observer::OnSpinDeadlock) and name it by lock when
// lock annotations allow (missed-AA, missed-ABBA, lost-handoff); otherwise
// the machine names it by the words: for each spinner the words its stuck
// iteration read, what they hold, who wrote each last, and why that writer
// cannot run.

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "machine_impl.h"
#include "rtfuzz/base/format.h"
#include "word_names.h"

namespace rtfuzz::rt::internal {
namespace {

// Contents as a report shows them: small numbers in decimal, anything that
// looks like a pointer only as null/non-null (addresses differ between runs).
// What the word holds now: a stuck spinner found it there at its first
// access of the iteration, and nothing changed it since.
std::string ShowBits(const WordAccess& w) {
  const uint64_t bits = MachineImpl::WordBits(w.addr(), w.size());
  char text[32];
  if (bits < 0x10000) {
    std::snprintf(text, sizeof(text), "%" PRIu64, bits);
  } else if (w.size() == 8 && bits > 0xffffffffu) {
    return "a non-null pointer";
  } else {
    std::snprintf(text, sizeof(text), "%#" PRIx64, bits);
  }
  return text;
}

}  // namespace

std::string MachineImpl::WhyCannotRun(const Context& c) const {
  const VirtualCpu& cpu = cpus_[c.cpu];
  const std::string on_cpu = " on CPU" + std::to_string(c.cpu);
  // Level 0 is the task, level n the interrupt irq_stack[n - 1].
  for (int level = 0; level < cpu.irq_depth; ++level) {
    const Context* below = level == 0 ? (cpu.curr != nullptr ? &cpu.curr->ctx : nullptr)
                                      : cpu.irq_stack[level - 1];
    if (below == &c) {
      const Context* above = cpu.irq_stack[level];
      return c.name + " is interrupted" + on_cpu + " beneath " + above->name +
             (Runnable(cpu) && cpu.Top() == above ? ", which spins" : "");
    }
  }
  if (cpu.Top() == &c) return c.name + " spins itself" + on_cpu;
  if (const Task* t = c.task) {
    switch (t->state) {
      case RunState::kExited:
        return c.name + " has exited";
      case RunState::kBlocked:
        return c.name + " sleeps (blocked)";
      case RunState::kNotStarted:
        return c.name + " has not started";
      case RunState::kRunning:
        if (t->throttled) return c.name + " is throttled (its group waits for a refill)";
        return c.name + " is runnable" + on_cpu + " but " +
               (cpu.Top() != nullptr ? cpu.Top()->name : std::string("nothing")) +
               " keeps the CPU";
    }
  }
  return c.name + " has returned";
}

std::string MachineImpl::SpinReport(std::string* first_word) const {
  std::string out;
  std::vector<uint16_t> writers;
  bool first_spinner = true;
  for (const VirtualCpu& cpu : cpus_) {
    const Context* top = cpu.Top();
    if (top == nullptr || !Runnable(cpu)) continue;
    const bool name_first = first_spinner && first_word != nullptr;
    first_spinner = false;
    out += "  " + top->name + " on CPU" + std::to_string(cpu.index) + " spins";
    if (top->spin_flags & kFpAnonymousRead) {
      out += " (its loop reads memory kapi cannot name: judged by no write anywhere)\n";
      continue;
    }
    out += top->fp_mark == top->fp_prev_mark ? " reading no memory\n" : " reading:\n";
    // Each word once, at its last access in the stuck iteration.
    for (uint32_t i = top->fp_prev_mark; i != top->fp_mark; ++i) {
      if (!top->LastAccessBefore(i, top->fp_mark)) continue;
      const WordAccess& w = top->fp[i & (kFootprintRing - 1)];
      const std::string name = NameWord(w.addr(), w.size(), 0);
      if (name_first) *first_word = name;  // Its last word: the one it waits on.
      out += "    " + name + " == " + ShowBits(w);
      const WriterSlot& slot =
          writers_[(reinterpret_cast<uintptr_t>(w.addr()) >> 2) & (kWriterSlots - 1)];
      if ((slot.serial_context >> 32) == (serial_ & 0xffffffffu) && slot.addr == w.addr()) {
        const auto writer = static_cast<uint16_t>(slot.serial_context & 0xffff);
        out += ", last written by " + contexts_[writer]->name + "\n";
        bool seen = false;
        for (uint16_t id : writers) seen |= id == writer;
        if (!seen) writers.push_back(writer);
      } else {
        out += ", not written in this execution by any context (or too long ago to say)\n";
      }
    }
  }
  // Contexts a spinner interrupted cannot run either (a holder among them
  // is the usual cause).
  for (const VirtualCpu& cpu : cpus_) {
    if (cpu.Top() == nullptr || !Runnable(cpu)) continue;
    for (int level = 0; level < cpu.irq_depth; ++level) {
      const Context* below = level == 0 ? (cpu.curr != nullptr ? &cpu.curr->ctx : nullptr)
                                        : cpu.irq_stack[level - 1];
      if (below == nullptr) continue;
      bool seen = false;
      for (uint16_t id : writers) seen |= id == below->id;
      if (!seen) writers.push_back(below->id);
    }
  }
  if (!writers.empty()) out += "  why no writer of those words, or context beneath a spinner, can run:\n";
  for (uint16_t id : writers) out += "    " + WhyCannotRun(*contexts_[id]) + "\n";
  return out;
}

std::string MachineImpl::ObjectName(uint32_t object) const {
  for (const ObjectNote& n : object_notes_) {
    if (n.object != object) continue;
    if (n.name != nullptr) return n.name;
    std::string name = NameWord(n.addr, 0, 0);
    // kapi names an unnamed object (an atomic) by its id field, whose
    // variable is the object.
    constexpr std::string_view kIdField = ".rtfuzz_obj";
    if (name.ends_with(kIdField)) name.resize(name.size() - kIdField.size());
    return name;
  }
  return "";
}

std::vector<uint32_t> MachineImpl::NamedObjects() const {
  std::vector<uint32_t> out;
  for (const ObjectNote& n : object_notes_) out.push_back(n.object);
  return out;
}

std::string MachineImpl::HangReport() const {
  std::string out;
  for (const auto& t : tasks_) {
    if (t->state == RunState::kExited || t->idle) continue;
    out += "  " + t->ctx.name;
    if (t->state != RunState::kBlocked) {
      out += " is " + std::string(t->state == RunState::kNotStarted ? "not started" : "runnable") +
             "\n";
      continue;
    }
    if (t->sleep_on == nullptr) {
      out += " sleeps (on nothing it named) since step " + std::to_string(t->sleep_step) + "\n";
      continue;
    }
    const std::string on = NameWord(t->sleep_on, 0, 0);
    out += " sleeps on " + on + " since step " + std::to_string(t->sleep_step);
    const WakeupNote* last = nullptr;
    const uint64_t kept = wakeup_count_ < kWakeupNotes ? wakeup_count_ : kWakeupNotes;
    for (uint64_t i = 0; i < kept && last == nullptr; ++i) {
      const WakeupNote& n = wakeups_[(wakeup_count_ - 1 - i) % kWakeupNotes];
      if (n.on == t->sleep_on) last = &n;
    }
    if (last == nullptr) {
      out += "; no wakeup on " + on + " in the last " + std::to_string(kWakeupNotes) +
             " wakeups of this execution\n";
      continue;
    }
    out += "; the last wakeup on it, by " + contexts_[last->waker]->name + " at step " +
           std::to_string(last->step) + ", woke " +
           (last->woken < 0 ? std::string("nobody (no one was waiting yet)")
            : last->asleep
                ? tasks_[last->woken]->ctx.name
                : tasks_[last->woken]->ctx.name +
                      ", which was still awake: it went to sleep after its wakeup (lost)") +
           "\n";
  }
  return out;
}

void MachineImpl::ReportSpinDeadlock(bool time_budget) {
  Notify([](Observer& o, const MachineView& v) { o.OnSpinDeadlock(v); });
  if (finished_) return;  // An oracle named it (on the runner).
  std::string first_word;
  const std::string details = SpinReport(&first_word);
  std::string spinners;
  for (const VirtualCpu& cpu : cpus_) {
    if (cpu.Top() != nullptr && Runnable(cpu)) spinners += " " + cpu.Top()->name;
  }
  const std::string message =
      time_budget
          ? "every CPU that can run spun without news until the time budget (" +
                FormatDuration(options_.max_time_ns) +
                "; the machine warped in case their loops read the clock or count iterations):" +
                spinners
          : "every CPU that can run spins and no timer, interrupt, deadline or other context "
            "can change what it reads:" + spinners;
  Report(Verdict::kSpinDeadlock, message, details,
         first_word.empty() ? std::string("no word") : first_word);
}

}  // namespace rtfuzz::rt::internal
