// framework/src/check/lock_report.cc
//
// The bodies of the oracles' reports, lockdep-style: the unsafe locking
// scenario in CPU columns with interrupt nesting, the locks each context
// holds or waits for, and what every CPU was doing.

#include <algorithm>
#include <string>

#include "oracle_state.h"

namespace rtfuzz::check::internal {
namespace {

constexpr size_t kColumn = 26;

const char* NestMarker(rt::ContextKind kind) {
  switch (kind) {
    case rt::ContextKind::kNmi: return "<NMI>";
    case rt::ContextKind::kHardirq: return "<IRQ>";
    case rt::ContextKind::kSoftirq: return "<SOFTIRQ>";
    case rt::ContextKind::kTask: break;
  }
  return "";
}

}  // namespace

std::string OracleState::LockName(LockId id) const {
  if (id < locks_.size() && locks_[id].name != nullptr) return locks_[id].name;
  return "lock#" + std::to_string(id);
}

std::map<uint32_t, std::string> OracleState::LockNames() const {
  std::map<uint32_t, std::string> names;
  for (size_t id = 0; id < locks_.size(); ++id) {
    if (locks_[id].name != nullptr) names[static_cast<uint32_t>(id)] = locks_[id].name;
  }
  return names;
}

std::string OracleState::Where(const char* site) const {
  return site != nullptr ? std::string(" site: ") + site + "\n" : std::string();
}

std::string OracleState::ScenarioTable(const std::vector<rt::ContextId>& contexts,
                                       const char* footer, size_t per_context) const {
  // The lock events of the involved contexts, in global order, each in its
  // CPU's column, indented by nesting level, with <NMI>/<IRQ> when an
  // interrupt context first appears.
  struct Row {
    uint64_t seq;
    rt::ContextId context;
    LockEvent event;
  };
  std::vector<Row> rows;
  std::vector<int> cpus;
  for (rt::ContextId c : contexts) {
    const std::vector<LockEvent>& h = contexts_[c].history;
    const size_t first = h.size() > per_context ? h.size() - per_context : 0;
    for (size_t i = first; i < h.size(); ++i) rows.push_back({h[i].seq, c, h[i]});
    cpus.push_back(view_.context_cpu(c));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.seq < b.seq; });
  rows.erase(std::unique(rows.begin(), rows.end(),
                         [](const Row& a, const Row& b) { return a.seq == b.seq; }),
             rows.end());
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  auto column = [&cpus](int cpu) {
    return static_cast<size_t>(std::find(cpus.begin(), cpus.end(), cpu) - cpus.begin());
  };
  auto line = [](size_t col, const std::string& text) {
    std::string out = "  " + std::string(col * kColumn, ' ') + text;
    return out + "\n";
  };
  std::string out = " Possible unsafe locking scenario:\n\n";
  std::string head = "  ", rule = "  ";
  for (int cpu : cpus) {
    std::string h = "CPU" + std::to_string(cpu);
    std::string r(h.size(), '-');
    h.resize(kColumn, ' ');
    r.resize(kColumn, ' ');
    head += h;
    rule += r;
  }
  while (head.back() == ' ') head.pop_back();
  while (rule.back() == ' ') rule.pop_back();
  out += head + "\n" + rule + "\n";
  std::vector<bool> introduced(static_cast<size_t>(num_contexts()), false);
  for (const Row& row : rows) {
    const rt::ContextKind kind = view_.context_kind(row.context);
    const size_t col = column(view_.context_cpu(row.context));
    const std::string indent(kind == rt::ContextKind::kTask ? 0 : 2, ' ');
    if (kind != rt::ContextKind::kTask && !introduced[row.context]) {
      introduced[row.context] = true;
      out += line(col, NestMarker(kind));
    }
    const std::string name = LockName(row.event.lock);
    std::string text;
    switch (row.event.kind) {
      case LockEvent::kLock: text = (row.event.shared ? "rlock(" : "lock(") + name + ");"; break;
      case LockEvent::kTrylock:
        text = (row.event.shared ? "tryrlock(" : "trylock(") + name + ");";
        break;
      case LockEvent::kUnlock: text = "unlock(" + name + ");"; break;
      case LockEvent::kFailed: text = "lock(" + name + ") failed;"; break;
    }
    out += line(col, indent + text);
  }
  return out + "\n " + footer + "\n\n";
}

template <typename Line>
std::string OracleState::PerContext(const std::vector<rt::ContextId>& contexts,
                                    const char* title, Line line) const {
  std::string out = title;
  std::vector<rt::ContextId> seen;
  for (rt::ContextId c : contexts) {
    if (std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
    seen.push_back(c);
    out += "  " + view_.context_name(c) + " (CPU" + std::to_string(view_.context_cpu(c)) + "):";
    line(c, contexts_[c], &out);
    out += "\n";
  }
  return out;
}

std::string OracleState::Claims(const std::vector<rt::ContextId>& contexts) const {
  return PerContext(contexts, " locks held in lockdep's view (lock_acquire .. lock_release):\n",
                    [this](rt::ContextId, const ContextState& s, std::string* out) {
                      if (s.claims.empty()) *out += " none";
                      for (size_t i = 0; i < s.claims.size(); ++i) {
                        const Claim& cl = s.claims[i];
                        *out += (i == 0 ? " " : ", ") + LockName(cl.lock) +
                                (cl.acquired ? "" : " (from lock_acquire)") +
                                (cl.site != nullptr ? std::string(" at ") + cl.site
                                                    : std::string());
                      }
                    });
}

std::string OracleState::HeldLocks(const std::vector<rt::ContextId>& contexts) const {
  return PerContext(contexts, " held locks:\n", [this](rt::ContextId c, const ContextState& s,
                                                      std::string* line) {
    std::string& out = *line;
    if (s.held.empty()) out += " none";
    for (size_t i = 0; i < s.held.size(); ++i) {
      out += (i == 0 ? " " : ", ") + LockName(s.held[i]);
      for (const Holder& h : locks_[s.held[i]].holders) {
        if (h.context == c && h.mode == LockMode::kShared) out += " (shared)";
      }
    }
    if (s.waiting) {
      out += "; waits for " + LockName(s.attempt_lock) + " since " + FormatDuration(s.wait_since);
      if (s.attempt_site != nullptr) out += std::string(" at ") + s.attempt_site;
    }
    for (size_t i = 0; i < s.entries.size(); ++i) {
      const Entry& e = s.entries[i];
      out += (i == 0 ? "; entries " : ", ") + LockName(e.lock);
      if (e.released) {
        out += " (released)";
      } else if (!Holds(c, e.lock)) {
        out += " (not held)";
      }
    }
  });
}

std::string OracleState::CpuStates() const {
  std::string out = " CPUs:\n";
  for (int cpu = 0; cpu < view_.num_cpus(); ++cpu) {
    out += "  CPU" + std::to_string(cpu) + ":";
    const int depth = view_.cpu_depth(cpu);
    bool any = false;
    for (int level = 0; level < depth; ++level) {
      const rt::ContextId c = view_.cpu_context(cpu, level);
      if (c == rt::kNoContext) continue;
      const ContextState& s = contexts_[c];
      out += std::string(any ? " <- " : " ") + view_.context_name(c);
      if (!s.held.empty()) out += " [holds " + LockName(s.held.back()) + "]";
      if (s.waiting) out += " [waits for " + LockName(s.attempt_lock) + "]";
      any = true;
    }
    if (!any) out += " idle";
    out += "\n";
  }
  return out;
}

}  // namespace rtfuzz::check::internal
