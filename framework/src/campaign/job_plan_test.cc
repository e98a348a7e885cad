// framework/src/campaign/job_plan_test.cc

#include <gtest/gtest.h>

#include "rtfuzz/campaign/campaign.h"

namespace rtfuzz::campaign {
namespace {

std::vector<std::string> Names(const std::vector<Job>& jobs) {
  std::vector<std::string> out;
  for (const Job& j : jobs) out.push_back(j.Name());
  return out;
}

TEST(JobPlan, DefaultIsEveryGatedVariantOfEveryScenario) {
  std::vector<Job> jobs;
  std::string error;
  ASSERT_TRUE(PlanJobs("", "", "", &jobs, &error)) << error;
  const std::vector<std::string> names = Names(jobs);
  auto has = [&](const std::string& n) { return std::count(names.begin(), names.end(), n) == 1; };
  EXPECT_TRUE(has("demo/demo"));
  EXPECT_FALSE(has("demo/demo-aa"));  // A planted bug is never gated.
  EXPECT_TRUE(has("rqspinlock/abba/fixed"));
  EXPECT_FALSE(has("rqspinlock/abba/v6.19"));
  EXPECT_TRUE(has("eventpoll/storm/llist-v3"));
  EXPECT_FALSE(has("eventpoll/storm/spinlock"));
  EXPECT_TRUE(has("userlocks/ticket-contend/bare"));
  EXPECT_FALSE(has("userlocks/ticket-nmi/hooks"));
  EXPECT_TRUE(has("userkit/waiter/prepare-first"));
  EXPECT_FALSE(has("userkit/waiter/check-then-sleep"));
}

TEST(JobPlan, ListsAndAllAreCrossedWithWhatEachScenarioTakes) {
  std::vector<Job> jobs;
  std::string error;
  ASSERT_TRUE(PlanJobs("userkit", "waiter,seqcount-nmi", "all", &jobs, &error)) << error;
  EXPECT_EQ(Names(jobs), (std::vector<std::string>{
                             "userkit/waiter/prepare-first", "userkit/waiter/check-then-sleep",
                             "userkit/seqcount-nmi/latch", "userkit/seqcount-nmi/seqcount"}));
  ASSERT_TRUE(PlanJobs("rqspinlock,demo", "abba,demo-aa", "v6.19,-", &jobs, &error)) << error;
  // Targets in the order given, scenarios and variants in the target's.
  EXPECT_EQ(Names(jobs), (std::vector<std::string>{"rqspinlock/abba/v6.19", "demo/demo-aa"}));
}

TEST(JobPlan, UnknownNamesAndEmptyPlansAreOneLineErrors) {
  std::vector<Job> jobs;
  std::string error;
  EXPECT_FALSE(PlanJobs("nosuch", "", "", &jobs, &error));
  EXPECT_NE(error.find("unknown target 'nosuch' (valid: demo, rqspinlock"), std::string::npos)
      << error;
  EXPECT_FALSE(PlanJobs("demo", "abba", "", &jobs, &error));
  EXPECT_NE(error.find("no selected target has a scenario 'abba'"), std::string::npos) << error;
  EXPECT_FALSE(PlanJobs("rqspinlock", "", "v9", &jobs, &error));
  EXPECT_NE(error.find("no selected target has a variant 'v9'"), std::string::npos) << error;
  EXPECT_FALSE(PlanJobs("demo", "demo-aa", "gated", &jobs, &error));
  EXPECT_NE(error.find("names no job"), std::string::npos) << error;
  for (const std::string& e : {error}) EXPECT_EQ(e.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace rtfuzz::campaign
