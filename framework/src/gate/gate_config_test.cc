// framework/src/gate/gate_config_test.cc

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rtfuzz/gate/gate.h"

namespace rtfuzz::gate {
namespace {

namespace fs = std::filesystem;

std::string WriteConfig(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(::testing::TempDir()) / "gate_config_test";
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(GateConfig, ReadsEveryKeyAndResolvesPathsAgainstTheFile) {
  const std::string path = WriteConfig("full.toml", R"(
[gate]
reproducers = ["repro", "/abs/x.sched"]
executions = 500
max_total_time = 30
engine = "random"
workers = 2
output = "out"
corpus = "corp"
seed_corpora = "seeds"

[gate.targets.rqspinlock]
variants = ["fixed", "v6.19"]
scenarios = ["abba"]

[gate.targets.demo]
)");
  Config c;
  std::string error;
  ASSERT_TRUE(LoadConfig(path, false, &c, &error)) << error;
  const fs::path base = fs::path(path).parent_path();
  EXPECT_EQ(c.reproducers, (std::vector<std::string>{(base / "repro").string(), "/abs/x.sched"}));
  EXPECT_EQ(c.executions, 500u);
  EXPECT_EQ(c.max_total_time, 30u);
  EXPECT_EQ(c.engine, "random");
  EXPECT_EQ(c.workers, 2u);
  EXPECT_EQ(c.output, (base / "out").string());
  EXPECT_EQ(c.corpus, (base / "corp").string());
  EXPECT_EQ(c.seed_corpora, (base / "seeds").string());
  std::vector<campaign::Job> jobs;
  ASSERT_TRUE(GatedJobs(c, "", &jobs, &error)) << error;
  ASSERT_EQ(jobs.size(), 3u);
  // Targets in name order (a TOML table has no order), variants in the target's.
  EXPECT_EQ(jobs[0].Name(), "demo/demo");  // demo's gated scenario only.
  EXPECT_EQ(jobs[1].Name(), "rqspinlock/abba/v6.19");
  EXPECT_EQ(jobs[2].Name(), "rqspinlock/abba/fixed");
  // --variant replaces the variants of every target that has it.
  ASSERT_TRUE(GatedJobs(c, "v6.15", &jobs, &error)) << error;
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].Name(), "rqspinlock/abba/v6.15");
  EXPECT_FALSE(GatedJobs(c, "v9", &jobs, &error));
  EXPECT_EQ(error, "--variant=v9: no gated target has it");
}

TEST(GateConfig, AMissingDefaultFileIsTheDefaults) {
  Config c;
  std::string error;
  ASSERT_TRUE(LoadConfig("/nonexistent/rtfuzz.toml", true, &c, &error)) << error;
  EXPECT_EQ(c.executions, 20000u);
  EXPECT_TRUE(c.targets.empty());
  EXPECT_FALSE(LoadConfig("/nonexistent/rtfuzz.toml", false, &c, &error));
  EXPECT_EQ(error, "cannot read config '/nonexistent/rtfuzz.toml': no such file");
}

struct Bad {
  const char* text;
  const char* error;  // After "<path>:".
};

TEST(GateConfig, EveryBadKeyOrValueIsOneLineWithItsLine) {
  const Bad cases[] = {
      {"[gate]\nexecutionz = 5\n",
       "2: unknown key 'gate.executionz' (valid: reproducers executions"},
      {"[other]\n", "1: unknown key 'other' (valid: gate)"},
      {"x = 1\n", "1: unknown key 'x'"},
      {"[gate]\nexecutions = -1\n", "2: gate.executions must be an integer in [0, "},
      {"[gate]\nexecutions = \"many\"\n", "2: gate.executions must be an integer"},
      {"[gate]\nworkers = 5000\n", "2: gate.workers must be an integer in [0, 1024]"},
      {"[gate]\nengine = \"afl\"\n",
       "2: gate.engine must be \"auto\", \"libfuzzer\" or \"random\", not \"afl\""},
      {"[gate]\nreproducers = \"dir\"\n", "2: gate.reproducers must be an array of strings"},
      {"[gate]\nreproducers = [1]\n", "2: gate.reproducers must hold non-empty strings"},
      {"[gate]\nexecutions = 0\n", "2: gate.executions and gate.max_total_time are both 0"},
      {"[gate]\n[gate.targets.nosuch]\n", "2: unknown target 'nosuch' (this program has: demo"},
      {"[gate.targets.rqspinlock]\nvariants = [\"v9\"]\n",
       "1: gate.targets.rqspinlock: no selected target has a variant 'v9'"},
      {"[gate.targets.rqspinlock]\nflavour = 1\n",
       "2: unknown key 'gate.targets.rqspinlock.flavour' (valid: scenarios variants)"},
      {"[gate]\nexecutions = \n", "2: "},  // A TOML syntax error: toml++'s words.
  };
  for (const Bad& b : cases) {
    const std::string path = WriteConfig("bad.toml", b.text);
    Config c;
    std::string error;
    EXPECT_FALSE(LoadConfig(path, false, &c, &error)) << b.text;
    EXPECT_EQ(error.rfind(path + ":" + b.error, 0), 0u) << "config:\n"
                                                        << b.text << "error: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace rtfuzz::gate
