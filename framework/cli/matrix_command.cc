// framework/cli/matrix_command.cc
//
// `rtfuzz matrix [--target=T] [DIR|FILE ...]`: replays every reproducer
// (default: corpora/regressions) under every variant of its target and prints
// the variant x finding table, one row per reproducer, with each cell checked
// against the file's `expect` line. Exit 0 if every cell is as expected,
// 1 if one is not (marked `!`) or has no expectation (marked `?`).

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "command.h"
#include "rtfuzz/schedule/replayer.h"
#include "target_selection.h"

namespace rtfuzz::cli {
namespace {

namespace fs = std::filesystem;

// Short cell names, so eleven variants fit a terminal: one per outcome, in
// verdict order (the legend is printed from this table, so it is complete).
struct ShortName {
  const char* outcome;
  const char* cell;
};
constexpr ShortName kShortNames[] = {
    {"clean", "."},
    {"tolerated:<window>", "tol"},
    {"end-check", "end"},
    {"failure", "fail"},
    {"exception", "exc"},
    {"sleep-in-atomic", "sleep"},
    {"context-imbalance", "ctx"},
    {"hang", "hang"},
    {"step-budget", "steps"},
    {"time-budget", "time"},
    {"missed-AA", "AA"},
    {"missed-ABBA", "ABBA"},
    {"late-deadlock-detection", "late"},
    {"false-deadlock-report", "false"},
    {"starvation-timeout", "starve"},
    {"priority-inversion", "prio"},
    {"stall", "stall"},
    {"mutual-exclusion", "mutex"},
    {"leaked-lock", "leak"},
    {"invariant", "inv"},
    {"isolation-noise", "noise"},
    {"spin-deadlock", "spin"},
    {"lost-handoff", "lost"},
};

}  // namespace

std::string MatrixCell(const std::string& outcome) {
  if (outcome.rfind("tolerated:", 0) == 0) return "tol";
  for (const ShortName& n : kShortNames) {
    if (outcome == n.outcome) return n.cell;
  }
  return outcome;
}

std::string MatrixLegend() {
  std::string legend = "cells:";
  size_t line = legend.size();
  for (const ShortName& n : kShortNames) {
    const std::string item = std::string(" ") + n.cell + " " + n.outcome + ",";
    if (line + item.size() > 100) {
      legend += "\n      ";
      line = 6;
    }
    legend += item;
    line += item.size();
  }
  legend += "\n       [x] the variant the file was recorded under; - a variant the scenario "
            "does not take;\n       ! not what the file expects, ? no expectation\n";
  return legend;
}

int MatrixCommand(const Flags& f, const std::vector<std::string>& positional) {
  std::vector<std::string> roots = positional;
  if (roots.empty()) roots.push_back("corpora/regressions");
  const target::Target* only = nullptr;
  if (!f.target.empty()) {
    only = target::FindTarget(f.target);
    if (only == nullptr) return UsageError("unknown target '" + f.target + "' (" + GetBuildDefaults().program_name + " list names them)");
  }
  std::vector<std::string> files;
  std::string error;
  if (!schedule::CollectScheduleFiles(roots, &files, &error)) return UsageError(error);

  // Loaded schedules by target, in file order.
  std::map<std::string, std::vector<std::pair<std::string, schedule::Schedule>>> by_target;
  for (const std::string& file : files) {
    schedule::Schedule s;
    if (!schedule::LoadSchedule(file, &s, &error)) return UsageError(error);
    if (only != nullptr && s.target != only->name) continue;
    by_target[s.target].emplace_back(file, std::move(s));
  }
  if (by_target.empty()) return UsageError("no schedule files found in the given paths");

  int bad_cells = 0;
  for (const auto& [target_name, schedules] : by_target) {
    const target::Target& t = *target::FindTarget(target_name);
    std::vector<std::string_view> variants = t.variants;
    if (variants.empty()) variants.push_back(target::kNoVariant);
    std::printf("%s: %zu reproducers x %zu variants\n\n", target_name.c_str(), schedules.size(),
                variants.size());
    // Every cell first, then the widths: a column is as wide as its name or
    // its widest cell, so every verdict name lines up.
    std::vector<std::vector<std::string>> rows;
    for (const auto& [file, s] : schedules) {
      std::string label = s.bug.empty() ? fs::path(file).stem().string() : s.bug;
      std::vector<std::string> row = {label + " (" + s.scenario + ")"};
      const std::vector<std::string_view> takes = target::VariantsOf(t, s.scenario);
      for (std::string_view v : variants) {
        if (std::find(takes.begin(), takes.end(), v) == takes.end()) {
          row.push_back("-");
          continue;
        }
        auto replayer = schedule::Replayer::Create(t, s.scenario, v, s.options, &error);
        if (replayer == nullptr) return UsageError(error);
        const schedule::ReplayOutcome& o = replayer->Run(s.decisions);
        std::string cell = MatrixCell(o.outcome);
        const schedule::Expectation* e = s.ExpectationFor(v);
        std::string why;
        if (e == nullptr) {
          cell += "?";
          ++bad_cells;
        } else if (!schedule::MatchesExpectation(*e, o, &why)) {
          cell += "!";
          ++bad_cells;
          std::fprintf(stderr, "%s:%d: under %s: %s\n", file.c_str(), e->line,
                       std::string(v).c_str(), why.c_str());
        }
        if (v == s.variant) cell = "[" + cell + "]";
        row.push_back(cell);
      }
      rows.push_back(std::move(row));
    }
    std::vector<std::string> header = {"reproducer"};
    for (std::string_view v : variants) header.emplace_back(v);
    std::vector<size_t> width(header.size(), 0);
    width[0] = 36;
    for (size_t i = 0; i < header.size(); ++i) width[i] = std::max(width[i], header[i].size());
    for (const std::vector<std::string>& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    }
    auto print_row = [&](const std::vector<std::string>& r) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) {
        std::string cell = r[i];
        cell.resize(width[i] + (i == 0 ? 2 : 1), ' ');
        line += cell;
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      std::printf("%s\n", line.c_str());
    };
    print_row(header);
    for (const std::vector<std::string>& r : rows) print_row(r);
    std::printf("\n");
  }
  std::printf("%s", MatrixLegend().c_str());
  if (bad_cells == 0) {
    std::printf("every cell as expected\n");
    return kExitOk;
  }
  std::printf("%d cells not as expected\n", bad_cells);
  return kExitMismatch;
}

}  // namespace rtfuzz::cli
