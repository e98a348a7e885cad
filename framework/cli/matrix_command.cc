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

// Short cell names, so eleven variants fit a terminal.
std::string Cell(const std::string& outcome) {
  static const std::map<std::string, std::string> kShort = {
      {"clean", "."},           {"missed-AA", "AA"},          {"missed-ABBA", "ABBA"},
      {"late-deadlock-detection", "late"},                    {"false-deadlock-report", "false"},
      {"starvation-timeout", "starve"},                       {"invariant", "inv"},
      {"mutual-exclusion", "mutex"},                          {"leaked-lock", "leak"},
      {"priority-inversion", "prio"},                         {"isolation-noise", "noise"},
  };
  if (outcome.rfind("tolerated:", 0) == 0) return "tol";
  const auto it = kShort.find(outcome);
  return it != kShort.end() ? it->second : outcome;
}

bool CollectFiles(const std::vector<std::string>& roots, std::vector<std::string>* files,
                  std::string* error) {
  for (const std::string& root : roots) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      files->push_back(root);
      continue;
    }
    if (!fs::is_directory(root, ec)) {
      *error = "'" + root + "' is neither a schedule file nor a directory";
      return false;
    }
    for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".sched") {
        files->push_back(entry.path().string());
      }
    }
  }
  std::sort(files->begin(), files->end());
  return true;
}

}  // namespace

int MatrixCommand(const Flags& f, const std::vector<std::string>& positional) {
  std::vector<std::string> roots = positional;
  if (roots.empty()) roots.push_back("corpora/regressions");
  const target::Target* only = nullptr;
  if (!f.target.empty()) {
    only = target::FindTarget(f.target);
    if (only == nullptr) return UsageError("unknown target '" + f.target + "' (rtfuzz list names them)");
  }
  std::vector<std::string> files;
  std::string error;
  if (!CollectFiles(roots, &files, &error)) return UsageError(error);

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
    size_t label_width = 36;
    for (const auto& [file, s] : schedules) {
      const std::string label = (s.bug.empty() ? fs::path(file).stem().string() : s.bug) +
                                " (" + s.scenario + ")";
      label_width = std::max(label_width, label.size() + 2);
    }
    std::string header = "reproducer";
    header.resize(label_width, ' ');
    for (std::string_view v : variants) {
      std::string col(v);
      col.resize(std::max<size_t>(col.size(), 8) + 1, ' ');
      header += col;
    }
    while (header.back() == ' ') header.pop_back();
    std::printf("%s\n", header.c_str());
    for (const auto& [file, s] : schedules) {
      std::string label = s.bug.empty() ? fs::path(file).stem().string() : s.bug;
      label = label + " (" + s.scenario + ")";
      label.resize(label_width, ' ');
      std::string row = label;
      for (std::string_view v : variants) {
        auto replayer = schedule::Replayer::Create(t, s.scenario, v, s.options, &error);
        if (replayer == nullptr) return UsageError(error);
        const schedule::ReplayOutcome& o = replayer->Run(s.decisions);
        std::string cell = Cell(o.outcome);
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
        cell.resize(std::max<size_t>(v.size(), 8) + 1, ' ');
        row += cell;
      }
      while (row.back() == ' ') row.pop_back();
      std::printf("%s\n", row.c_str());
    }
    std::printf("\n");
  }
  std::printf("cells: . clean, tol tolerated window, AA missed-AA, ABBA missed-ABBA, late "
              "late-deadlock-detection,\n       starve starvation-timeout, inv invariant, "
              "false false-deadlock-report,\n       prio priority-inversion, noise "
              "isolation-noise; [x] the variant the file was recorded under;\n"
              "       ! not what the file expects, ? no expectation\n");
  if (bad_cells == 0) {
    std::printf("every cell as expected\n");
    return kExitOk;
  }
  std::printf("%d cells not as expected\n", bad_cells);
  return kExitMismatch;
}

}  // namespace rtfuzz::cli
