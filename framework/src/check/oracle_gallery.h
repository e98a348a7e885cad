// framework/src/check/oracle_gallery.h
//
// For tests that check a finding: when RTFUZZ_ORACLE_GALLERY names a
// directory, the finding's full report is also written there as <name>.txt;
// ci/oracle-gallery.sh turns those into docs/oracles.md, so every report in
// the docs is one the tests produce and check. Test-only.

#ifndef RTFUZZ_SRC_CHECK_ORACLE_GALLERY_H_
#define RTFUZZ_SRC_CHECK_ORACLE_GALLERY_H_

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "rtfuzz/report/execution_report.h"
#include "rtfuzz/rt/machine.h"

namespace rtfuzz::check::test_gallery {

inline void Gallery(const std::string& name, const rt::Machine& machine,
                    const rt::Scenario& scenario, const rt::ExecutionResult& result) {
  const char* dir = std::getenv("RTFUZZ_ORACLE_GALLERY");
  if (dir == nullptr) return;
  report::ReportOptions options;
  options.max_records = 10;
  options.reproduce = std::string("ctest --preset dev -R ") +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::ofstream(std::string(dir) + "/" + name + ".txt")
      << report::FormatExecutionReport(scenario, machine, result, options);
}

}  // namespace rtfuzz::check::test_gallery

#endif  // RTFUZZ_SRC_CHECK_ORACLE_GALLERY_H_
