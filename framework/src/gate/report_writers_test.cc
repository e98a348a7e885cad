// framework/src/gate/report_writers_test.cc

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "rtfuzz/gate/gate.h"

namespace rtfuzz::gate {
namespace {

std::vector<Check> SomeChecks() {
  Check passed{.suite = "reproducers",
               .target = "rqspinlock",
               .variant = "fixed",
               .name = "a1-lock-window.sched"};
  Check failed{.suite = "campaign",
               .target = "demo",
               .variant = "-",
               .name = "demo-aa",
               .status = Check::Status::kFailed,
               .message = "missed-AA after 3 executions: out/findings/demo/demo-aa-missed-AA.sched",
               .body = "*** rtfuzz: missed-AA <on lock \"l\"> & more\n"};
  Check error{.suite = "campaign",
              .target = "demo",
              .variant = "-",
              .name = "demo",
              .status = Check::Status::kError,
              .message = "worker killed by signal 9 (Killed)"};
  return {passed, failed, error};
}

TEST(ReportWriters, JUnitHasOneTestcasePerCheckAndTheReportInTheFailure) {
  const std::string xml = FormatJUnit(SomeChecks());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  const pugi::xml_node root = doc.child("testsuites");
  EXPECT_EQ(root.attribute("tests").as_int(), 3);
  EXPECT_EQ(root.attribute("failures").as_int(), 1);
  EXPECT_EQ(root.attribute("errors").as_int(), 1);
  const pugi::xml_node campaign = root.find_child_by_attribute("testsuite", "name", "campaign");
  EXPECT_EQ(campaign.attribute("tests").as_int(), 2);
  const pugi::xml_node tc = campaign.find_child_by_attribute("testcase", "name", "demo-aa");
  EXPECT_STREQ(tc.attribute("classname").as_string(), "rtfuzz.campaign.demo.-");
  // Escaped on the way out, the same text on the way in.
  EXPECT_STREQ(tc.child("failure").child_value(), "*** rtfuzz: missed-AA <on lock \"l\"> & more\n");
  EXPECT_STREQ(tc.child("failure").attribute("type").as_string(), "finding");
  const pugi::xml_node rep = root.find_child_by_attribute("testsuite", "name", "reproducers");
  EXPECT_EQ(rep.attribute("failures").as_int(), 0);
  EXPECT_FALSE(rep.child("testcase").child("failure"));
}

TEST(ReportWriters, MarkdownSaysFailedAndShowsEachReport) {
  const std::string md = FormatMarkdown(SomeChecks(), "1 reproducer check, 2 campaign jobs");
  EXPECT_EQ(md.rfind("## rtfuzz gate: FAILED\n", 0), 0u) << md;
  EXPECT_NE(md.find("| campaign (2) | 0 | 1 | 1 | 0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| campaign: `demo` | demo | - | worker killed by signal 9 (Killed) |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("<details><summary>campaign: demo demo-aa under -</summary>\n\n```text\n*** "
                    "rtfuzz: missed-AA"),
            std::string::npos)
      << md;
  const std::string ok = FormatMarkdown({SomeChecks()[0]}, "1 check");
  EXPECT_EQ(ok.rfind("## rtfuzz gate: passed\n", 0), 0u) << ok;
  EXPECT_EQ(ok.find("<details>"), std::string::npos);
}

}  // namespace
}  // namespace rtfuzz::gate
