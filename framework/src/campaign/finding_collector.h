// framework/src/campaign/finding_collector.h
//
// From what a worker wrote to a reproducer: a libFuzzer crash file (its
// bytes are decisions) or a random walk's .sched is replayed in-process
// under its job's scenario and variant; a finding whose signature this run
// or an earlier one (a .sched already in the findings folder) has is
// "known", a new one is minimized and written as
// findings/<target>/<scenario>[-<variant>]-<verdict>.sched. A crash file no
// replay reproduces (a sanitizer error, a libFuzzer timeout or OOM) is a
// finding too, kept where the worker wrote it. Nothing is deleted.

#ifndef RTFUZZ_CAMPAIGN_FINDING_COLLECTOR_H_
#define RTFUZZ_CAMPAIGN_FINDING_COLLECTOR_H_

#include <cstdint>
#include <map>
#include <string>

#include "rtfuzz/campaign/campaign.h"

namespace rtfuzz::campaign {

class FindingCollector {
 public:
  FindingCollector(std::string findings_dir, uint64_t minimize_runs, uint64_t max_steps);

  // Reads the signatures of the reproducers already in the findings folder.
  bool LoadKnown(std::string* error);

  // One artifact of `job`'s worker; `minimize` false writes it unminimized
  // (an interrupted campaign). False with `error` if it cannot be read or written.
  bool Collect(const Job& job, Engine engine, const std::string& artifact, bool minimize,
               FindingFile* out, std::string* error);

 private:
  std::string UnusedPath(const Job& job, const std::string& verdict) const;

  std::string findings_dir_;
  uint64_t minimize_runs_;
  uint64_t max_steps_;
  std::map<std::string, std::string> known_;  // Signature -> reproducer.
};

}  // namespace rtfuzz::campaign

#endif  // RTFUZZ_CAMPAIGN_FINDING_COLLECTOR_H_
