// framework/src/campaign/worker_progress.h
//
// What a worker's log says of its progress: libFuzzer's status lines
// ("#4096 pulse cov: 57 ft: 210 corp: 12/96b ... exec/s: 2048 ...") and
// final stats, or explore's progress lines ("#8192 execs 40000/s distinct
// 900 findings 0") and summary. Read from the log's tail; a line cut by a
// write in progress is ignored.

#ifndef RTFUZZ_CAMPAIGN_WORKER_PROGRESS_H_
#define RTFUZZ_CAMPAIGN_WORKER_PROGRESS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace rtfuzz::campaign {

struct WorkerProgress {
  uint64_t executions = 0;
  uint64_t exec_per_s = 0;
  std::string coverage;  // "cov 57 ft 210" or "1234 traces".
  bool final = false;    // From the worker's closing summary.
};

WorkerProgress ParseLibFuzzerLog(std::string_view tail);
WorkerProgress ParseExploreLog(std::string_view tail);

}  // namespace rtfuzz::campaign

#endif  // RTFUZZ_CAMPAIGN_WORKER_PROGRESS_H_
