// framework/src/schedule/minimizer.cc
//
// Delta debugging over decisions (minimizer.h). Invariant: `best` is always a
// list that, replayed, gives `signature` with cost `best_cost`, and it is
// the list that execution recorded (so it replays without divergence).

#include "rtfuzz/schedule/minimizer.h"

#include <tuple>

namespace rtfuzz::schedule {
namespace {

using sched::Decision;
using sched::DecisionKind;

std::vector<Decision> TrimQuietTail(std::vector<Decision> d) {
  while (!d.empty() && d.back().value == 0) d.pop_back();
  return d;
}


class Search {
 public:
  Search(Replayer& replayer, const MinimizeOptions& options, MinimizeResult* out)
      : replayer_(replayer), options_(options), out_(out) {}

  bool Budget() {
    if (replayer_.runs() - first_run_ < options_.max_runs) return true;
    out_->budget_exhausted = true;
    return false;
  }

  // Runs a candidate; keeps it if it shows the same finding at no higher cost.
  bool Try(const std::vector<Decision>& candidate) {
    const ReplayOutcome& o = replayer_.Run(candidate);
    const uint64_t done = replayer_.runs() - first_run_;
    if (options_.progress && done % 1000 == 0) {
      options_.progress("minimize: " + std::to_string(done) + " runs, best " +
                        out_->after.ToString());
    }
    if (!o.finding() || o.result->signature != out_->signature) return false;
    std::vector<Decision> recorded = TrimQuietTail(o.result->decisions);
    const ScheduleCost cost = CostOf(*o.result, recorded);
    // Strictly better only: every kept candidate lowers the cost, so the
    // search cannot cycle between equal schedules.
    if (!(cost < out_->after)) return false;
    out_->decisions = std::move(recorded);
    out_->after = cost;
    return true;
  }

  // ddmin over the decisions that `pick` selects: quiet them a chunk at a
  // time, from halves down to single decisions.
  template <typename Pick>
  void QuietChunks(Pick pick) {
    for (size_t chunks = 2;;) {
      std::vector<size_t> picked;
      for (size_t i = 0; i < out_->decisions.size(); ++i) {
        if (out_->decisions[i].value != 0 && pick(out_->decisions[i])) picked.push_back(i);
      }
      if (picked.empty()) return;
      if (chunks > picked.size()) chunks = picked.size();
      const size_t size = (picked.size() + chunks - 1) / chunks;
      bool progress = false;
      for (size_t start = 0; start < picked.size() && !progress; start += size) {
        if (!Budget()) return;
        std::vector<Decision> candidate = out_->decisions;
        for (size_t k = start; k < start + size && k < picked.size(); ++k) {
          candidate[picked[k]].value = 0;
        }
        progress = Try(candidate);
      }
      if (progress) {
        chunks = chunks > 2 ? chunks - 1 : 2;  // Retry coarser on the smaller list.
        continue;
      }
      if (size == 1) return;  // Single decisions tried: a local minimum.
      chunks *= 2;
    }
  }

  // The shortest prefix that still shows the finding (tail answered 0),
  // by bisection, then smaller values for what remains.
  void ShortenAndLower() {
    size_t lo = 0, hi = out_->decisions.size();  // hi works; find the least.
    while (lo < hi && Budget()) {
      const size_t mid = lo + (hi - lo) / 2;
      std::vector<Decision> candidate(out_->decisions.begin(), out_->decisions.begin() + mid);
      if (Try(candidate)) {
        hi = out_->decisions.size() < mid ? out_->decisions.size() : mid;
      } else {
        lo = mid + 1;
      }
    }
    // Lower each remaining value (phases, periods, slices, CPU picks) by
    // halving toward 0: smaller numbers read more easily and mean earlier
    // interrupts and shorter slices.
    for (size_t i = 0; i < out_->decisions.size() && Budget(); ++i) {
      for (uint64_t v = out_->decisions[i].value / 2; v > 0 && Budget(); v /= 2) {
        std::vector<Decision> candidate = out_->decisions;
        if (i >= candidate.size()) break;
        candidate[i].value = v;
        if (!Try(candidate)) break;
      }
    }
  }

  uint64_t first_run_ = 0;

 private:
  Replayer& replayer_;
  const MinimizeOptions& options_;
  MinimizeResult* out_;
};

}  // namespace

ScheduleCost CostOf(const rt::ExecutionResult& r, const std::vector<Decision>& decisions) {
  ScheduleCost c;
  c.interrupts = r.stats.interrupts;
  c.preemptions = r.stats.preemptions;
  c.cpu_switches = r.stats.cpu_switches;
  for (size_t i = 0; i < decisions.size(); ++i) {
    if (decisions[i].value == 0) continue;
    c.decisions = i + 1;  // Up to the last non-zero one.
    ++c.nonzero;
    c.value_sum += decisions[i].value;
  }
  c.steps = r.steps;
  return c;
}

std::string ReplayNote(std::string_view variant, const ScheduleCost& cost) {
  return std::string(kReplayNotePrefix) + std::string(variant) + ": " + cost.ToString();
}

bool ScheduleCost::operator<(const ScheduleCost& o) const {
  return std::tie(interrupts, preemptions, cpu_switches, decisions, nonzero, value_sum) <
         std::tie(o.interrupts, o.preemptions, o.cpu_switches, o.decisions, o.nonzero,
                  o.value_sum);
}

std::string ScheduleCost::ToString() const {
  return std::to_string(decisions) + " decisions (" + std::to_string(nonzero) + " non-zero), " +
         std::to_string(interrupts) + " interrupts, " + std::to_string(preemptions) +
         " preemptions, " + std::to_string(cpu_switches) + " CPU switches, " +
         std::to_string(steps) + " steps";
}

MinimizeResult Minimize(Replayer& replayer, const std::vector<Decision>& decisions,
                        const MinimizeOptions& options) {
  MinimizeResult out;
  const uint64_t first_run = replayer.runs();
  const ReplayOutcome& o = replayer.Run(decisions);
  if (!o.finding()) {
    out.runs = replayer.runs() - first_run;
    return out;
  }
  out.reproduced = true;
  out.signature = o.result->signature;
  out.decisions = TrimQuietTail(o.result->decisions);
  out.before = CostOf(*o.result, out.decisions);
  out.before.decisions = decisions.size();  // As given, before trimming.
  out.after = CostOf(*o.result, out.decisions);
  Search search(replayer, options, &out);
  search.first_run_ = first_run;
  for (int round = 0; round < 4; ++round) {  // Until a round changes nothing.
    const ScheduleCost start = out.after;
    search.QuietChunks([](const Decision& d) {  // Interrupts first.
      return d.kind == DecisionKind::kPmuPeriod;
    });
    search.QuietChunks([](const Decision& d) {  // Then preemptions.
      return d.kind == DecisionKind::kSliceLength || d.kind == DecisionKind::kNextCpu;
    });
    search.QuietChunks([](const Decision&) { return true; });
    search.ShortenAndLower();
    if (options.progress) {
      options.progress("minimize: round " + std::to_string(round + 1) + ", " +
                       std::to_string(replayer.runs() - first_run) + " runs: " +
                       out.after.ToString());
    }
    if (!(out.after < start) || out.budget_exhausted) break;
  }
  out.runs = replayer.runs() - first_run;
  return out;
}

}  // namespace rtfuzz::schedule
