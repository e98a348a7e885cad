// framework/src/gate/gate_config.cc
//
// rtfuzz.toml, read with toml++. Strict: a key this file does not know, a
// value of the wrong type or out of range is a one-line error naming the
// file, the line and what is valid; nothing is silently defaulted.

#include <toml++/toml.h>

#include <filesystem>

#include "rtfuzz/gate/gate.h"

namespace rtfuzz::gate {
namespace {

namespace fs = std::filesystem;

class Reader {
 public:
  Reader(std::string file, std::string* error) : file_(std::move(file)), error_(error) {}

  bool Fail(const toml::source_region& where, const std::string& message) {
    *error_ = file_ + ":" + std::to_string(where.begin.line) + ": " + message;
    return false;
  }

  // Every key of `table` must be in `valid` (space-separated).
  bool OnlyKeys(const toml::table& table, const std::string& prefix, const std::string& valid) {
    for (auto&& [key, node] : table) {
      if ((" " + valid + " ").find(" " + std::string(key.str()) + " ") == std::string::npos) {
        return Fail(key.source(),
                    "unknown key '" + prefix + std::string(key.str()) + "' (valid: " + valid + ")");
      }
    }
    return true;
  }

  bool String(const toml::table& t, const char* key, const std::string& name, std::string* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return true;
    if (!n->is_string()) return Fail(n->source(), name + " must be a string");
    *out = *n->value<std::string>();
    return true;
  }

  bool Count(const toml::table& t, const char* key, const std::string& name, uint64_t max,
             uint64_t* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return true;
    if (!n->is_integer() || *n->value<int64_t>() < 0 ||
        static_cast<uint64_t>(*n->value<int64_t>()) > max) {
      return Fail(n->source(), name + " must be an integer in [0, " + std::to_string(max) + "]");
    }
    *out = static_cast<uint64_t>(*n->value<int64_t>());
    return true;
  }

  bool Strings(const toml::table& t, const char* key, const std::string& name,
               std::vector<std::string>* out) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return true;
    const toml::array* a = n->as_array();
    if (a == nullptr) return Fail(n->source(), name + " must be an array of strings");
    out->clear();
    for (const toml::node& item : *a) {
      if (!item.is_string() || item.value<std::string>()->empty()) {
        return Fail(item.source(), name + " must hold non-empty strings");
      }
      out->push_back(*item.value<std::string>());
    }
    return true;
  }

 private:
  std::string file_;
  std::string* error_;
};

std::string Resolve(const fs::path& base, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (base / path).lexically_normal().string();
}

// "a,b,c": the list form campaign::PlanJobs reads.
std::string JoinList(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& x : items) s += (s.empty() ? "" : ",") + x;
  return s;
}

}  // namespace

bool LoadConfig(const std::string& path, bool may_be_missing, Config* out, std::string* error) {
  *out = Config{};
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (!may_be_missing) {
      *error = "cannot read config '" + path + "': no such file";
      return false;
    }
    if (fs::is_directory("corpora/regressions", ec)) out->reproducers = {"corpora/regressions"};
    return true;
  }
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    *error =
        path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    return false;
  }
  out->path = path;
  const fs::path base = fs::absolute(path, ec).parent_path();
  Reader r(path, error);
  if (!r.OnlyKeys(doc, "", "gate")) return false;
  const toml::node* gate_node = doc.get("gate");
  if (gate_node == nullptr) return r.Fail(doc.source(), "no [gate] table");
  const toml::table* gate = gate_node->as_table();
  if (gate == nullptr) return r.Fail(gate_node->source(), "gate must be a table ([gate])");
  if (!r.OnlyKeys(*gate, "gate.",
                  "reproducers executions max_total_time engine workers output corpus "
                  "seed_corpora targets")) {
    return false;
  }
  std::vector<std::string> reproducers;
  bool has_reproducers = gate->contains("reproducers");
  if (!r.Strings(*gate, "reproducers", "gate.reproducers", &reproducers)) return false;
  if (!r.Count(*gate, "executions", "gate.executions", uint64_t{1} << 40, &out->executions) ||
      !r.Count(*gate, "max_total_time", "gate.max_total_time", 7 * 24 * 3600,
               &out->max_total_time) ||
      !r.Count(*gate, "workers", "gate.workers", 1024, &out->workers) ||
      !r.String(*gate, "engine", "gate.engine", &out->engine) ||
      !r.String(*gate, "output", "gate.output", &out->output) ||
      !r.String(*gate, "corpus", "gate.corpus", &out->corpus) ||
      !r.String(*gate, "seed_corpora", "gate.seed_corpora", &out->seed_corpora)) {
    return false;
  }
  campaign::Engine engine;
  if (!campaign::ParseEngine(out->engine, &engine)) {
    return r.Fail(
        gate->get("engine")->source(),
        "gate.engine must be \"auto\", \"libfuzzer\" or \"random\", not \"" + out->engine + "\"");
  }
  if (out->executions == 0 && out->max_total_time == 0) {
    const toml::node* n = gate->get("executions");
    return r.Fail(n != nullptr ? n->source() : gate->source(),
                  "gate.executions and gate.max_total_time are both 0: the campaign has no budget");
  }
  if (has_reproducers) {
    for (const std::string& p : reproducers) out->reproducers.push_back(Resolve(base, p));
  } else if (fs::is_directory(base / "corpora/regressions", ec)) {
    out->reproducers = {(base / "corpora/regressions").string()};
  }
  out->output = Resolve(base, out->output);
  out->corpus = Resolve(base, out->corpus);
  out->seed_corpora = Resolve(base, out->seed_corpora);
  if (const toml::node* targets = gate->get("targets")) {
    const toml::table* t = targets->as_table();
    if (t == nullptr) {
      return r.Fail(targets->source(), "gate.targets must be a table ([gate.targets.<name>])");
    }
    for (auto&& [name, node] : *t) {
      const std::string prefix = "gate.targets." + std::string(name.str());
      const toml::table* entry = node.as_table();
      if (entry == nullptr) return r.Fail(node.source(), prefix + " must be a table");
      if (target::FindTarget(name.str()) == nullptr) {
        std::vector<std::string_view> names;
        for (const target::Target& each : target::Targets()) names.push_back(each.name);
        return r.Fail(name.source(), "unknown target '" + std::string(name.str()) +
                                         "' (this program has: " + target::JoinNames(names) + ")");
      }
      if (!r.OnlyKeys(*entry, prefix + ".", "scenarios variants")) return false;
      Config::Gated g;
      g.target = std::string(name.str());
      if (!r.Strings(*entry, "scenarios", prefix + ".scenarios", &g.scenarios) ||
          !r.Strings(*entry, "variants", prefix + ".variants", &g.variants)) {
        return false;
      }
      std::vector<campaign::Job> jobs;
      std::string why;
      if (!campaign::PlanJobs(g.target, JoinList(g.scenarios), JoinList(g.variants), &jobs, &why)) {
        return r.Fail(node.source(), prefix + ": " + why);
      }
      out->targets.push_back(std::move(g));
    }
  }
  return true;
}

bool GatedJobs(const Config& config, const std::string& variant_override,
               std::vector<campaign::Job>* jobs, std::string* error) {
  jobs->clear();
  if (config.targets.empty()) {
    return campaign::PlanJobs("", "", variant_override.empty() ? "gated" : variant_override, jobs,
                              error);
  }
  for (const Config::Gated& g : config.targets) {
    std::vector<campaign::Job> some;
    if (!variant_override.empty()) {
      // Only the targets that take the variant (checked in LoadConfig
      // otherwise): "would the gate catch my planted bug?"
      if (campaign::PlanJobs(g.target, JoinList(g.scenarios), variant_override, &some, error)) {
        jobs->insert(jobs->end(), some.begin(), some.end());
      }
      continue;
    }
    if (!campaign::PlanJobs(g.target, JoinList(g.scenarios), JoinList(g.variants), &some, error)) {
      *error = "gate.targets." + g.target + ": " + *error;
      return false;
    }
    jobs->insert(jobs->end(), some.begin(), some.end());
  }
  if (jobs->empty()) {
    *error = "--variant=" + variant_override + ": no gated target has it";
    return false;
  }
  return true;
}

}  // namespace rtfuzz::gate
