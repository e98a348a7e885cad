// framework/src/report/timeline_model.cc
//
// The trace cut into what the pictures draw (timeline_model.h).

#include "timeline_model.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>

#include "rtfuzz/base/format.h"

namespace rtfuzz::report::internal {

bool IsPlain(rt::Op op) {
  switch (op) {
    case rt::Op::kRead:
    case rt::Op::kWrite:
    case rt::Op::kRmw:
    case rt::Op::kSpin:
    case rt::Op::kTimeRead:
    case rt::Op::kPreemptDisable:
    case rt::Op::kPreemptEnable:
    case rt::Op::kIrqDisable:
    case rt::Op::kIrqEnable:
    case rt::Op::kBhDisable:
    case rt::Op::kBhEnable:
    case rt::Op::kProgress:
    case rt::Op::kChoose:
    case rt::Op::kWarp:
      return true;
    default:
      return false;
  }
}

TimelineModel BuildModel(const TimelineInput& input) {
  const std::vector<rt::TraceRecord>& trace = input.trace;
  const int cpus = input.scenario.num_cpus();
  TimelineModel model;
  model.max_depth.assign(static_cast<size_t>(std::max(cpus, 1)), 0);

  // Open slice per context (index into model.slices), and per CPU the task
  // slice that is current there.
  std::map<uint16_t, size_t> open;
  std::vector<size_t> cpu_task(model.max_depth.size(), kNone);
  // Per interrupt slice, the slices it interrupted (open below it on its CPU).
  std::vector<std::pair<size_t, std::vector<size_t>>> interrupted;
  auto close = [&](uint16_t context) { open.erase(context); };

  for (size_t i = 0; i < trace.size(); ++i) {
    const rt::TraceRecord& r = trace[i];
    if (r.context == kRunner || r.cpu >= model.max_depth.size()) continue;
    const auto kind = static_cast<rt::ContextKind>(r.context_kind);
    model.max_depth[r.cpu] = std::max<int>(model.max_depth[r.cpu], r.depth);
    if (r.op == rt::Op::kSwitch) {
      // The CPU's task changes (value = prio): whatever task was current on
      // this CPU stops there, and a switched-in task starts a new slice.
      if (cpu_task[r.cpu] != kNone) close(model.slices[cpu_task[r.cpu]].context);
      cpu_task[r.cpu] = kNone;
      close(r.context);
    }
    auto it = open.find(r.context);
    if (it != open.end() && model.slices[it->second].cpu != r.cpu) {  // Moved.
      open.erase(it);
      it = open.end();
    }
    if (it == open.end()) {
      model.slices.push_back({.cpu = r.cpu,
                              .context = r.context,
                              .kind = kind,
                              .depth = r.depth,
                              .first = i,
                              .last = i});
      it = open.emplace(r.context, model.slices.size() - 1).first;
      if (kind == rt::ContextKind::kTask) cpu_task[r.cpu] = it->second;
    }
    model.slices[it->second].last = i;
    if (r.op == rt::Op::kIrqEnter) {
      std::vector<size_t> below;
      for (const auto& [context, slice] : open) {
        const ContextSlice& o = model.slices[slice];
        if (o.cpu == r.cpu && o.depth < r.depth) below.push_back(slice);
      }
      interrupted.emplace_back(it->second, std::move(below));
    }
    const bool blocks = (r.op == rt::Op::kSchedule && r.value != 0) || r.op == rt::Op::kSleep;
    if (r.op == rt::Op::kIrqExit || r.op == rt::Op::kTaskExit || blocks) {
      if (cpu_task[r.cpu] == it->second) cpu_task[r.cpu] = kNone;
      open.erase(it);
    }

    if (r.op == rt::Op::kLockAcquired) {
      model.holds.push_back({.context = r.context, .lock = r.object, .acquired = i});
    }
    switch (r.op) {
      case rt::Op::kLockAcquired:
      case rt::Op::kLockFailed:
        for (size_t w = model.waits.size(); w-- > 0;) {
          LockWait& wait = model.waits[w];
          if (wait.context == r.context && wait.lock == r.object && wait.ended == kNone) {
            wait.ended = i;
            wait.failed = r.op == rt::Op::kLockFailed;
            break;
          }
        }
        break;
      default:
        break;
    }
    if (r.op == rt::Op::kLockContended) {
      model.waits.push_back({.context = r.context, .lock = r.object, .contended = i});
    }
    switch (r.op) {
      case rt::Op::kLockRelease:
        for (size_t h = model.holds.size(); h-- > 0;) {
          LockHold& hold = model.holds[h];
          if (hold.context == r.context && hold.lock == r.object && hold.released == kNone) {
            hold.released = i;
            break;
          }
        }
        break;
      case rt::Op::kLockContended:
      case rt::Op::kLockFailed:
        model.lock_marks.push_back(i);
        break;
      case rt::Op::kWake:
        for (size_t j = i + 1; j < trace.size(); ++j) {
          if (trace[j].context == r.object) {
            model.flows.push_back(
                {.from = i, .to = j, .wake = true, .cross_cpu = trace[j].cpu != r.cpu});
            break;
          }
        }
        break;
      case rt::Op::kIrqRaise:
        for (size_t j = i + 1; j < trace.size(); ++j) {
          if (trace[j].op == rt::Op::kIrqEnter && trace[j].object == r.object &&
              trace[j].cpu == r.value) {
            model.flows.push_back(
                {.from = i, .to = j, .wake = false, .cross_cpu = trace[j].cpu != r.cpu});
            break;
          }
        }
        break;
      default:
        break;
    }
  }

  // An interrupted context stays on its CPU until the interrupt returns.
  for (const auto& [irq, below] : interrupted) {
    for (const size_t slice : below) {
      model.slices[slice].last = std::max(model.slices[slice].last, model.slices[irq].last);
    }
  }
  if (!input.result.ok() && !trace.empty()) {
    model.finding = trace.size() - 1;
    while (model.finding > 0 && trace[model.finding].step > input.result.steps) {
      --model.finding;
    }
  }
  return model;
}

std::vector<Fold> ComputeFolds(const TimelineInput& input, size_t finding,
                               size_t max_visible) {
  const std::vector<rt::TraceRecord>& trace = input.trace;
  if (max_visible == 0 || trace.size() <= max_visible) return {};
  // Plain runs (the finding's record ends a run: it stays visible).
  std::vector<std::pair<size_t, size_t>> runs;
  size_t events = 0;
  for (size_t i = 0; i < trace.size();) {
    if (!IsPlain(trace[i].op) || i == finding) {
      ++events;
      ++i;
      continue;
    }
    size_t j = i;
    while (j < trace.size() && IsPlain(trace[j].op) && j != finding) ++j;
    runs.emplace_back(i, j);
    i = j;
  }
  // The largest k such that keeping k records at each end of every run (a
  // fold row in between) fits; k = 0 leaves one fold row per run.
  auto rows = [&](size_t k) {
    size_t n = events;
    for (const auto& [b, e] : runs) n += std::min(e - b, 2 * k + 1);
    return n;
  };
  size_t k = 0;
  while (k < trace.size() && rows(k + 1) <= max_visible) ++k;
  std::vector<Fold> folds;
  for (const auto& [b, e] : runs) {
    if (e - b <= 2 * k + 1) continue;
    folds.push_back({.begin = b + k, .end = e - k});
  }
  return folds;
}

std::string ObjectLabel(const TimelineInput& input, uint32_t object) {
  if (auto it = input.object_names.find(object); it != input.object_names.end()) {
    return it->second;
  }
  return "#" + std::to_string(object);
}

std::string HandlerLabel(const TimelineInput& input, uint32_t handler) {
  const auto& interrupts = input.scenario.interrupts();
  if (handler < interrupts.size()) return interrupts[handler].name;
  return "handler#" + std::to_string(handler);
}

std::string ContextLabel(const TimelineInput& input, uint16_t context) {
  if (context == kRunner) return "machine";
  return input.machine.ContextName(context);
}

std::string ErrnoText(uint64_t value) {
  const auto err = static_cast<int64_t>(value);
  std::string text = std::to_string(err);
  switch (err) {
    case -35: return text + " (EDEADLK)";
    case -110: return text + " (ETIMEDOUT)";
    case -16: return text + " (EBUSY)";
    case -4: return text + " (EINTR)";
    default: return text;
  }
}

std::string ValueText(uint64_t value) {
  return (value >> 63) != 0 ? std::to_string(static_cast<int64_t>(value)) : std::to_string(value);
}

std::string DescribeRecord(const TimelineInput& input, const rt::TraceRecord& r) {
  const std::string op(rt::OpName(r.op));
  switch (r.op) {
    case rt::Op::kLockAcquire:
    case rt::Op::kLockContended:
    case rt::Op::kLockAcquired:
    case rt::Op::kLockRelease:
      return op + " " + ObjectLabel(input, r.object);
    case rt::Op::kLockFailed:
      return op + " " + ObjectLabel(input, r.object) + " " + ErrnoText(r.value);
    case rt::Op::kWake:
      return "wake " + ContextLabel(input, static_cast<uint16_t>(r.object)) +
             (r.value != 0 ? "" : " (was awake)");
    case rt::Op::kSwitch:
      return "switch in (" + FormatPriority(static_cast<int>(r.value)) + ")";
    case rt::Op::kIrqRaise:
      return "raise " + HandlerLabel(input, r.object) + " -> CPU" + std::to_string(r.value);
    case rt::Op::kIrqEnter:
      return "enter " + HandlerLabel(input, r.object);
    case rt::Op::kIrqExit:
      return "exit " + HandlerLabel(input, r.object);
    case rt::Op::kSetState:
      return r.value != 0 ? "set-state blocked" : "set-state running";
    case rt::Op::kSchedule:
      return r.value != 0 ? "schedule: blocks" : "schedule";
    case rt::Op::kSleep:
      return "sleep until " + std::to_string(r.value) + " ns";
    case rt::Op::kTaskStart:
      return "task-start";
    case rt::Op::kTaskExit:
      return "task-exit";
    case rt::Op::kSetPriority:
      return "set-priority " + ContextLabel(input, static_cast<uint16_t>(r.object)) + " = " +
             FormatPriority(static_cast<int>(r.value)) + " [prio " + std::to_string(r.value) +
             "]";
    default:
      break;
  }
  // As FormatRecord (execution_report.h), without the context; memory ops
  // name their object.
  const bool memory = r.op == rt::Op::kRead || r.op == rt::Op::kWrite ||
                      r.op == rt::Op::kRmw || r.op == rt::Op::kSpin;
  std::string text = op;
  if (r.object != 0) {
    text += " " + (memory ? ObjectLabel(input, r.object) : "#" + std::to_string(r.object));
  }
  text += " = " + ValueText(r.value);
  return text;
}

std::string_view KindClass(rt::ContextKind kind) { return rt::ContextKindName(kind); }

std::string_view KindTag(rt::ContextKind kind) {
  switch (kind) {
    case rt::ContextKind::kTask: return "TASK";
    case rt::ContextKind::kSoftirq: return "SOFTIRQ";
    case rt::ContextKind::kHardirq: return "IRQ";
    case rt::ContextKind::kNmi: return "NMI";
  }
  return "?";
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace rtfuzz::report::internal
