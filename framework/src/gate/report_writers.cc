// framework/src/gate/report_writers.cc
//
// The gate's results as CI shows them: JUnit XML (written with pugixml, so
// every report is escaped correctly; one <testsuite> per half, one
// <testcase> per target/variant/check, the report in the failure body) and
// a Markdown summary fit for a pull-request comment.

#include <array>
#include <cstdio>
#include <map>
#include <pugixml.hpp>
#include <sstream>

#include "rtfuzz/gate/gate.h"

namespace rtfuzz::gate {
namespace {

std::string Fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}

}  // namespace

std::string FormatJUnit(const std::vector<Check>& checks) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child("testsuites");
  root.append_attribute("name") = "rtfuzz gate";
  std::map<std::string, pugi::xml_node> suites;  // By name: a fixed order.
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double seconds = 0;
  for (const std::string name : {"reproducers", "campaign"}) {
    pugi::xml_node s = root.append_child("testsuite");
    s.append_attribute("name") = name.c_str();
    suites[name] = s;
  }
  std::map<std::string, std::array<size_t, 4>> counts;  // tests, failures, errors, skipped.
  for (const Check& c : checks) {
    pugi::xml_node tc = suites[c.suite].append_child("testcase");
    const std::string classname = "rtfuzz." + c.suite + "." + c.target + "." + c.variant;
    tc.append_attribute("classname") = classname.c_str();
    tc.append_attribute("name") = c.name.c_str();
    tc.append_attribute("time") = Fixed3(c.seconds).c_str();
    auto& n = counts[c.suite];
    ++n[0];
    ++tests;
    seconds += c.seconds;
    const char* kind = nullptr;
    switch (c.status) {
      case Check::Status::kPassed:
        break;
      case Check::Status::kFailed:
        kind = "failure";
        ++n[1];
        ++failures;
        break;
      case Check::Status::kError:
        kind = "error";
        ++n[2];
        ++errors;
        break;
      case Check::Status::kSkipped:
        kind = "skipped";
        ++n[3];
        ++skipped;
        break;
    }
    if (kind != nullptr) {
      pugi::xml_node f = tc.append_child(kind);
      f.append_attribute("message") = c.message.c_str();
      if (c.status != Check::Status::kSkipped) {
        f.append_attribute("type") = c.suite == "campaign" ? "finding" : "expectation";
        f.append_child(pugi::node_pcdata).set_value((c.body.empty() ? c.message : c.body).c_str());
      }
    }
  }
  for (auto& [name, s] : suites) {
    const auto& n = counts[name];
    s.append_attribute("tests") = static_cast<unsigned long long>(n[0]);
    s.append_attribute("failures") = static_cast<unsigned long long>(n[1]);
    s.append_attribute("errors") = static_cast<unsigned long long>(n[2]);
    s.append_attribute("skipped") = static_cast<unsigned long long>(n[3]);
  }
  root.append_attribute("tests") = static_cast<unsigned long long>(tests);
  root.append_attribute("failures") = static_cast<unsigned long long>(failures);
  root.append_attribute("errors") = static_cast<unsigned long long>(errors);
  root.append_attribute("skipped") = static_cast<unsigned long long>(skipped);
  root.append_attribute("time") = Fixed3(seconds).c_str();
  std::ostringstream out;
  doc.save(out, "  ");
  return out.str();
}

std::string FormatMarkdown(const std::vector<Check>& checks, const std::string& headline) {
  size_t passed = 0, bad = 0;
  std::map<std::string, std::array<size_t, 4>> by_suite;
  for (const Check& c : checks) {
    ++by_suite[c.suite][static_cast<int>(c.status)];
    if (c.status == Check::Status::kPassed) ++passed;
    if (c.status == Check::Status::kFailed || c.status == Check::Status::kError) ++bad;
  }
  std::string md =
      "## rtfuzz gate: " + std::string(bad == 0 ? "passed" : "FAILED") + "\n\n" + headline +
      "\n\n| checks | passed | failed | errors | skipped |\n|---|---:|---:|---:|---:|\n";
  for (const auto& [suite, n] : by_suite) {
    md += "| " + suite + " (" + std::to_string(n[0] + n[1] + n[2] + n[3]) + ") | " +
          std::to_string(n[0]) + " | " + std::to_string(n[1]) + " | " + std::to_string(n[2]) +
          " | " + std::to_string(n[3]) + " |\n";
  }
  if (bad != 0) {
    md += "\n| check | target | variant | what |\n|---|---|---|---|\n";
    for (const Check& c : checks) {
      if (c.status != Check::Status::kFailed && c.status != Check::Status::kError) continue;
      std::string what = c.message;
      for (char& ch : what) {
        if (ch == '|') ch = '/';
      }
      md += "| " + c.suite + ": `" + c.name + "` | " + c.target + " | " + c.variant + " | " + what +
            " |\n";
    }
    for (const Check& c : checks) {
      if (c.body.empty()) continue;
      md += "\n<details><summary>" + c.suite + ": " + c.target + " " + c.name + " under " +
            c.variant + "</summary>\n\n```text\n" + c.body + (c.body.back() == '\n' ? "" : "\n") +
            "```\n</details>\n";
    }
  }
  return md;
}

}  // namespace rtfuzz::gate
