// framework/src/schedule/regression_corpus_test.cc
//
// The regression corpus: every corpora/regressions/<target>/*.sched file,
// replayed under every variant of its target, must give the outcome its
// `expect` line for that variant names (a target's whole matrix: found where
// the bug exists, absent where the fix is in). Files are found when the test
// binary starts, and ctest makes one test per file when it runs
// (regression_tests.cmake.in), so adding a reproducer is dropping the file in.
//
// Under the variant a file was recorded with, it must also replay without
// divergence, and 100 replays must give one trace hash and one signature.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/schedule/minimizer.h"
#include "rtfuzz/schedule/replayer.h"
#include "rtfuzz/schedule/schedule_file.h"
#include "rtfuzz/target/target.h"

namespace rtfuzz::schedule {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string path;
  std::string variant;  // Empty: the file did not load (the test says why).
  std::string name;     // For gtest: "<target>_<stem>_<variant>".
};

// What gtest prints for a parameter (instead of its bytes).
void PrintTo(const Case& c, std::ostream* os) { *os << c.path << " under " << c.variant; }

std::string TestName(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

// Every file under the corpus, or only $RTFUZZ_REGRESSION_FILE (how ctest
// runs one test per file; see CMakeLists.txt).
std::vector<Case> AllCases() {
  std::vector<Case> cases;
  std::vector<fs::path> files;
  const char* one = std::getenv("RTFUZZ_REGRESSION_FILE");
  if (one != nullptr && *one != '\0') {
    files.emplace_back(one);
  } else {
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(RTFUZZ_REGRESSIONS_DIR, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".sched") {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());  // Directory order is not stable.
  for (const fs::path& file : files) {
    const std::string base =
        TestName(file.parent_path().filename().string() + "_" + file.stem().string());
    Schedule s;
    std::string error;
    const target::Target* t = nullptr;
    if (LoadSchedule(file.string(), &s, &error)) t = target::FindTarget(s.target);
    if (t == nullptr) {
      cases.push_back({file.string(), "", base + "_unloadable"});
      continue;
    }
    if (t->variants.empty()) {
      cases.push_back({file.string(), std::string(target::kNoVariant), base});
      continue;
    }
    for (std::string_view v : target::VariantsOf(*t, s.scenario)) {  // The scenario's own.
      cases.push_back({file.string(), std::string(v), base + "_" + TestName(std::string(v))});
    }
  }
  return cases;
}

class RegressionCorpus : public ::testing::TestWithParam<Case> {};

TEST_P(RegressionCorpus, ReplaysToItsExpectedOutcome) {
  const Case& c = GetParam();
  Schedule s;
  std::string error;
  ASSERT_TRUE(LoadSchedule(c.path, &s, &error)) << error;
  const Expectation* expected = s.ExpectationFor(c.variant);
  ASSERT_NE(expected, nullptr) << c.path << ": no 'expect " << c.variant
                               << " ...' line (every variant the scenario takes needs one; "
                                  "`rtfuzz replay --record_expectations=true FILE` writes them)";
  const target::Target& t = *target::FindTarget(s.target);
  auto replayer = Replayer::Create(t, s.scenario, c.variant, s.options, &error);
  ASSERT_NE(replayer, nullptr) << error;
  const ReplayOutcome& got = replayer->Run(s.decisions);
  std::string why;
  EXPECT_TRUE(MatchesExpectation(*expected, got, &why))
      << c.path << ":" << expected->line << ": under " << c.variant << ": " << why
      << "\n  " << got.result->message;
  if (c.variant != s.variant) return;
  EXPECT_FALSE(got.divergence.has_value())
      << c.path << ": diverges from its own recording at decision " << *got.divergence;
  // Its figures note is what the replay shows (`replay --record_expectations`
  // regenerates it); a copied or stale one fails here.
  const std::string note = ReplayNote(c.variant, CostOf(*got.result, s.decisions));
  bool noted = false;
  for (const std::string& n : s.notes) {
    if (n.rfind(kReplayNotePrefix, 0) != 0) continue;
    EXPECT_EQ(n, note) << c.path;
    noted = true;
  }
  EXPECT_TRUE(noted) << c.path << ": no 'note " << note
                     << "' (rtfuzz replay --record_expectations=true FILE writes it)";
  const uint64_t hash = got.result->trace_hash;
  const std::string signature = got.result->signature;
  for (int i = 0; i < 100; ++i) {
    const ReplayOutcome& again = replayer->Run(s.decisions);
    ASSERT_EQ(again.result->trace_hash, hash) << "replay " << i << " differs";
    ASSERT_EQ(again.result->signature, signature) << "replay " << i << " differs";
  }
}

// Two reproducers with the same decisions are one schedule shown twice,
// unless the later file says so in a note ("same decisions as <file>": one
// schedule that shows two bugs in two variants).
TEST(RegressionCorpusTest, NoTwoFilesHoldTheSameDecisionsUnsaid) {
  std::vector<std::pair<std::string, Schedule>> files;
  for (const Case& c : AllCases()) {
    if (!files.empty() && files.back().first == c.path) continue;
    Schedule s;
    std::string error;
    if (!LoadSchedule(c.path, &s, &error)) continue;  // Reported by its own test.
    files.emplace_back(c.path, std::move(s));
  }
  for (size_t i = 0; i < files.size(); ++i) {
    for (size_t j = i + 1; j < files.size(); ++j) {
      const Schedule& a = files[i].second;
      const Schedule& b = files[j].second;
      if (a.target != b.target || a.scenario != b.scenario || a.decisions != b.decisions) continue;
      const std::string said = "same decisions as " + fs::path(files[i].first).filename().string();
      const bool noted = std::any_of(b.notes.begin(), b.notes.end(), [&](const std::string& n) {
        return n.find(said) != std::string::npos;
      });
      EXPECT_TRUE(noted) << files[j].first << " holds the decisions of " << files[i].first;
    }
  }
}

// At least one file, so an emptied or misplaced corpus fails loudly.
TEST(RegressionCorpusTest, TheCorpusIsNotEmpty) { EXPECT_FALSE(AllCases().empty()); }

INSTANTIATE_TEST_SUITE_P(Files, RegressionCorpus, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return param_info.param.name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RegressionCorpus);

}  // namespace
}  // namespace rtfuzz::schedule
