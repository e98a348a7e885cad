// framework/src/campaign/worker_progress.cc

#include "worker_progress.h"

#include <cstdlib>
#include <vector>

namespace rtfuzz::campaign {
namespace {

// Whole lines of `tail`: the first may be cut (the tail starts mid-line)
// and is dropped, as is a last one without its newline.
std::vector<std::string_view> WholeLines(std::string_view tail) {
  std::vector<std::string_view> lines;
  size_t start = tail.find('\n');
  if (start == std::string_view::npos) return lines;
  ++start;
  while (start < tail.size()) {
    const size_t end = tail.find('\n', start);
    if (end == std::string_view::npos) break;
    lines.push_back(tail.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The unsigned number after `key` in `line`, if any.
bool NumberAfter(std::string_view line, std::string_view key, uint64_t* value) {
  const size_t at = line.find(key);
  if (at == std::string_view::npos) return false;
  size_t i = at + key.size();
  while (i < line.size() && line[i] == ' ') ++i;
  if (i >= line.size() || line[i] < '0' || line[i] > '9') return false;
  uint64_t v = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') v = v * 10 + (line[i++] - '0');
  *value = v;
  return true;
}

}  // namespace

WorkerProgress ParseLibFuzzerLog(std::string_view tail) {
  WorkerProgress p;
  // The log is read from its start when short: prepend a newline so its
  // first line counts.
  const std::string text = "\n" + std::string(tail);
  for (std::string_view line : WholeLines(text)) {
    uint64_t v = 0;
    if (line.size() > 1 && line[0] == '#' && line.find("cov:") != std::string_view::npos) {
      if (NumberAfter(line, "#", &v)) p.executions = v;
      uint64_t cov = 0, ft = 0;
      if (NumberAfter(line, "cov:", &cov) && NumberAfter(line, "ft:", &ft)) {
        p.coverage = "cov " + std::to_string(cov) + " ft " + std::to_string(ft);
      }
      if (NumberAfter(line, "exec/s:", &v)) p.exec_per_s = v;
    } else if (NumberAfter(line, "stat::number_of_executed_units:", &v)) {
      p.executions = v;
      p.final = true;
    } else if (NumberAfter(line, "stat::average_exec_per_sec:", &v)) {
      p.exec_per_s = v;
    }
  }
  return p;
}

WorkerProgress ParseExploreLog(std::string_view tail) {
  WorkerProgress p;
  const std::string text = "\n" + std::string(tail);
  for (std::string_view line : WholeLines(text)) {
    uint64_t v = 0;
    if (line.size() > 1 && line[0] == '#' && line.find("execs") != std::string_view::npos) {
      if (NumberAfter(line, "#", &v)) p.executions = v;
      if (NumberAfter(line, "execs", &v)) p.exec_per_s = v;
      if (NumberAfter(line, "distinct", &v)) p.coverage = std::to_string(v) + " traces";
    } else if (line.rfind("  executions ", 0) == 0 && NumberAfter(line, "executions", &v)) {
      p.executions = v;
      p.final = true;
      const size_t comma = line.find("), ");
      if (comma != std::string_view::npos) {
        uint64_t rate = 0;
        if (NumberAfter(line.substr(comma), "),", &rate)) p.exec_per_s = rate;
      }
    } else if (line.rfind("  distinct traces ", 0) == 0 && NumberAfter(line, "traces", &v)) {
      p.coverage = std::to_string(v) + " traces";
    }
  }
  return p;
}

}  // namespace rtfuzz::campaign
