// framework/src/schedule/schedule_file.cc
//
// Reading and writing schedule files (schedule_file.h). The reader is strict:
// every error names the file and line, and nothing is defaulted silently
// except options the file leaves out (they keep MachineOptions' defaults, the
// values every fuzzer runs with).

#include "rtfuzz/schedule/schedule_file.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "rtfuzz/base/input_file.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/target/target.h"

namespace rtfuzz::schedule {
namespace {

// The machine options a schedule carries: those that change what an
// execution does with the same decisions.
struct OptionField {
  std::string_view name;
  uint64_t (*get)(const rt::MachineOptions&);
  void (*set)(rt::MachineOptions*, uint64_t);
  uint64_t min, max;
};

#define RTFUZZ_OPTION(field, lo, hi)                                            \
  OptionField {                                                                 \
    #field, [](const rt::MachineOptions& o) { return uint64_t{o.field}; },     \
        [](rt::MachineOptions* o, uint64_t v) {                                 \
          o->field = static_cast<decltype(o->field)>(v);                        \
        },                                                                      \
        lo, hi                                                                  \
  }
const OptionField kOptions[] = {
    RTFUZZ_OPTION(max_steps, 1, UINT64_MAX),
    RTFUZZ_OPTION(max_time_ns, 1, UINT64_MAX),
    RTFUZZ_OPTION(step_ns, 1, 1'000'000),
    RTFUZZ_OPTION(max_slice, 1, 1u << 20),
    RTFUZZ_OPTION(other_timeslice_ns, 1, UINT64_MAX),
    RTFUZZ_OPTION(observer_tick_ns, 1, UINT64_MAX),
};
#undef RTFUZZ_OPTION

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits off the first whitespace-separated word.
std::string_view NextWord(std::string_view* rest) {
  *rest = Trim(*rest);
  size_t end = 0;
  while (end < rest->size() && (*rest)[end] != ' ' && (*rest)[end] != '\t') ++end;
  std::string_view word = rest->substr(0, end);
  *rest = Trim(rest->substr(end));
  return word;
}

bool ParseUint(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

class Reader {
 public:
  Reader(std::string_view path, std::string* error) : path_(path), error_(error) {}

  bool Fail(int line, const std::string& what) {
    *error_ = std::string(path_) + ":" + std::to_string(line) + ": " + what;
    return false;
  }

  bool Parse(std::string_view text, Schedule* s) {
    *s = Schedule{};
    bool have_version = false, in_decisions = false, have_end = false;
    int line_no = 0;
    while (!text.empty()) {
      const size_t nl = text.find('\n');
      std::string_view raw = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      ++line_no;
      std::string_view line = Trim(raw);
      if (line.empty() || line.front() == '#') continue;
      if (have_end) return Fail(line_no, "text after 'end'");
      std::string_view rest = line;
      const std::string_view key = NextWord(&rest);
      if (!have_version) {
        if (key != "rtfuzz-schedule") {
          return Fail(line_no, "not a schedule file (first line must be 'rtfuzz-schedule " +
                                   std::to_string(kScheduleVersion) +
                                   "'); a libFuzzer input becomes one with `rtfuzz convert "
                                   "--target=T --scenario=S --variant=V FILE --output=F.sched`");
        }
        uint64_t version = 0;
        if (!ParseUint(rest, &version)) return Fail(line_no, "bad version '" + std::string(rest) + "'");
        if (version != kScheduleVersion) {
          return Fail(line_no, "schedule version " + std::string(rest) +
                                   " is not supported (this rtfuzz reads version " +
                                   std::to_string(kScheduleVersion) + ")");
        }
        have_version = true;
        continue;
      }
      if (in_decisions) {
        if (key == "end") {
          if (!rest.empty()) return Fail(line_no, "'end' takes nothing after it");
          in_decisions = false;
          have_end = true;
          continue;
        }
        if (!ParseDecision(line_no, key, rest, s)) return false;
        continue;
      }
      if (!ParseHeader(line_no, key, rest, s, &in_decisions)) return false;
    }
    if (!have_version) return Fail(line_no, "empty file (no 'rtfuzz-schedule' line)");
    if (in_decisions) {
      return Fail(line_no, "file ends inside the decision list (no 'end'): truncated?");
    }
    if (!have_end) return Fail(line_no, "no 'decisions' ... 'end' block (truncated?)");
    if (s->target.empty()) return Fail(line_no, "no 'target' line");
    if (s->scenario.empty()) return Fail(line_no, "no 'scenario' line");
    if (s->variant.empty()) return Fail(line_no, "no 'variant' line");
    return true;
  }

 private:
  bool SetOnce(int line, std::string_view key, std::string_view value, std::string* field,
               int* field_line) {
    if (!field->empty()) return Fail(line, "'" + std::string(key) + "' given twice");
    if (value.empty() || value.find_first_of(" \t") != std::string_view::npos) {
      return Fail(line, "'" + std::string(key) + "' takes one word");
    }
    *field = value;
    if (field_line != nullptr) *field_line = line;
    return true;
  }

  bool ParseHeader(int line, std::string_view key, std::string_view rest, Schedule* s,
                   bool* in_decisions) {
    if (key == "target") return SetOnce(line, key, rest, &s->target, &s->target_line);
    if (key == "scenario") return SetOnce(line, key, rest, &s->scenario, &s->scenario_line);
    if (key == "variant") return SetOnce(line, key, rest, &s->variant, &s->variant_line);
    if (key == "bug") return SetOnce(line, key, rest, &s->bug, nullptr);
    if (key == "note") {
      s->notes.emplace_back(rest);
      return true;
    }
    if (key == "option") return ParseOption(line, rest, s);
    if (key == "expect") return ParseExpect(line, rest, s);
    if (key == "decisions") {
      if (!rest.empty()) return Fail(line, "'decisions' takes nothing after it");
      if (!s->decisions.empty() || seen_decisions_) return Fail(line, "second 'decisions' block");
      seen_decisions_ = true;
      *in_decisions = true;
      return true;
    }
    return Fail(line, "unknown keyword '" + std::string(key) + "'");
  }

  bool ParseOption(int line, std::string_view rest, Schedule* s) {
    const std::string_view name = NextWord(&rest);
    for (const OptionField& f : kOptions) {
      if (f.name != name) continue;
      uint64_t v = 0;
      if (!ParseUint(rest, &v) || v < f.min || v > f.max) {
        return Fail(line, "option " + std::string(name) + " needs an integer in [" +
                              std::to_string(f.min) + ", " + std::to_string(f.max) + "], not '" +
                              std::string(rest) + "'");
      }
      f.set(&s->options, v);
      return true;
    }
    std::string valid;
    for (const OptionField& f : kOptions) valid += (valid.empty() ? "" : ", ") + std::string(f.name);
    return Fail(line, "unknown option '" + std::string(name) + "' (valid: " + valid + ")");
  }

  bool ParseExpect(int line, std::string_view rest, Schedule* s) {
    Expectation e;
    e.variant = NextWord(&rest);
    e.outcome = NextWord(&rest);
    e.signature = rest;
    e.line = line;
    if (e.variant.empty() || e.outcome.empty()) {
      return Fail(line, "'expect' needs a variant and an outcome (clean, a verdict or tolerated:<window>)");
    }
    if (s->ExpectationFor(e.variant) != nullptr) {
      return Fail(line, "second expectation for variant " + e.variant);
    }
    s->expectations.push_back(std::move(e));
    return true;
  }

  bool ParseDecision(int line, std::string_view key, std::string_view rest, Schedule* s) {
    sched::Decision d;
    if (!sched::ParseDecisionKind(key, &d.kind)) {
      return Fail(line, "unknown decision kind '" + std::string(key) +
                            "' (valid: next-cpu, slice, pmu-period, pmu-phase, value)");
    }
    const size_t hash = rest.find('#');
    std::string reason;
    if (hash != std::string_view::npos) {
      reason = Trim(rest.substr(hash + 1));
      rest = Trim(rest.substr(0, hash));
    }
    const std::string_view bound = NextWord(&rest);
    const std::string_view value = NextWord(&rest);
    if (!ParseUint(bound, &d.bound) || !ParseUint(value, &d.value) || !rest.empty()) {
      return Fail(line, "a decision is 'KIND BOUND VALUE', not '" + std::string(key) + " " +
                            std::string(bound) + " " + std::string(value) +
                            (rest.empty() ? "" : " " + std::string(rest)) + "'");
    }
    if (d.bound < 2) return Fail(line, "decision bound must be at least 2");
    if (d.value >= d.bound) {
      return Fail(line, "decision value " + std::to_string(d.value) + " is not below its bound " +
                            std::to_string(d.bound));
    }
    s->decisions.push_back(d);
    s->reasons.push_back(std::move(reason));
    return true;
  }

  std::string_view path_;
  std::string* error_;
  bool seen_decisions_ = false;
};

}  // namespace

const Expectation* Schedule::ExpectationFor(std::string_view variant_name) const {
  for (const Expectation& e : expectations) {
    if (e.variant == variant_name) return &e;
  }
  return nullptr;
}

bool ParseSchedule(std::string_view text, std::string_view path, Schedule* out,
                   std::string* error) {
  return Reader(path, error).Parse(text, out);
}

bool ValidateSchedule(const Schedule& s, std::string_view path, std::string* error) {
  Reader reader(path, error);
  const target::Target* t = target::FindTarget(s.target);
  if (t == nullptr) {
    std::vector<std::string_view> names;
    for (const target::Target& known : target::Targets()) names.push_back(known.name);
    return reader.Fail(s.target_line, "unknown target '" + s.target +
                                          "' (valid: " + target::JoinNames(names) + ")");
  }
  std::string what;
  if (!target::MakeScenario(*t, s.scenario, target::DefaultVariantOf(*t, s.scenario), &what)
           .has_value()) {
    return reader.Fail(s.scenario_line, what);
  }
  auto check_variant = [&](std::string_view variant, int line) {
    std::string why;
    return target::CheckVariant(*t, s.scenario, variant, &why) || reader.Fail(line, why);
  };
  if (!check_variant(s.variant, s.variant_line)) return false;
  for (const Expectation& e : s.expectations) {
    if (!check_variant(e.variant, e.line)) return false;
    Verdict verdict;
    const bool known = e.outcome == "clean" || e.outcome.rfind("tolerated:", 0) == 0 ||
                       (ParseVerdict(e.outcome, &verdict) && verdict != Verdict::kPass);
    if (!known) {
      return reader.Fail(e.line, "unknown outcome '" + e.outcome +
                                     "' (clean, tolerated:<window> or a verdict name)");
    }
  }
  return true;
}

std::string FormatSchedule(const Schedule& s) {
  std::string out;
  out += "# rtfuzz schedule file: replay with `rtfuzz replay FILE` (docs/reproducing.md).\n";
  out += "rtfuzz-schedule " + std::to_string(kScheduleVersion) + "\n";
  out += "target " + s.target + "\n";
  out += "scenario " + s.scenario + "\n";
  out += "variant " + s.variant + "\n";
  if (!s.bug.empty()) out += "bug " + s.bug + "\n";
  for (const std::string& n : s.notes) out += "note " + n + "\n";
  for (const OptionField& f : kOptions) {
    out += "option " + std::string(f.name) + " " + std::to_string(f.get(s.options)) + "\n";
  }
  for (const Expectation& e : s.expectations) {
    out += "expect " + e.variant + " " + e.outcome;
    if (!e.signature.empty()) out += " " + e.signature;
    out += "\n";
  }
  out += "# KIND BOUND VALUE: the machine asked for a value in [0, BOUND) (0 = quiet).\n";
  out += "decisions\n";
  for (size_t i = 0; i < s.decisions.size(); ++i) {
    const sched::Decision& d = s.decisions[i];
    std::string line = std::string(sched::DecisionKindName(d.kind)) + " " +
                       std::to_string(d.bound) + " " + std::to_string(d.value);
    if (i < s.reasons.size() && !s.reasons[i].empty()) {
      line.resize(line.size() < 24 ? 24 : line.size() + 1, ' ');
      line += "# " + s.reasons[i];
    }
    out += line + "\n";
  }
  out += "end\n";
  return out;
}

bool LoadSchedule(const std::string& path, Schedule* out, std::string* error) {
  std::string text;
  if (!ReadInputFile(path, &text, error)) {
    *error = "cannot read " + *error;
    return false;
  }
  return ParseSchedule(text, path, out, error) && ValidateSchedule(*out, path, error);
}

bool CollectScheduleFiles(const std::vector<std::string>& roots, std::vector<std::string>* files,
                          std::string* error) {
  namespace fs = std::filesystem;
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

}  // namespace rtfuzz::schedule
