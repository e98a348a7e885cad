// framework/src/campaign/worker_process.h
//
// One worker: a child process in its own process group (so a Ctrl-C on the
// terminal reaches the campaign only, which forwards it once), its stdout
// and stderr appended to a log file, stdin from /dev/null, and SIGTERM if
// the campaign itself dies (PR_SET_PDEATHSIG).

#ifndef RTFUZZ_CAMPAIGN_WORKER_PROCESS_H_
#define RTFUZZ_CAMPAIGN_WORKER_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace rtfuzz::campaign {

// Starts argv[0] with argv; returns its pid, or -1 with a one-line error.
pid_t SpawnWorker(const std::vector<std::string>& argv, const std::string& log_path,
                  std::string* error);

// How a worker ended: exited with `code`, or was ended by `signal`.
struct WorkerExit {
  int code = 0;
  int signal = 0;
  std::string Describe() const;  // "exit 1", "killed by signal 9 (Killed)".
};

// Reaps `pid` if it has ended (never blocks).
std::optional<WorkerExit> PollWorker(pid_t pid);
// Waits for `pid` to end.
WorkerExit WaitWorker(pid_t pid);

// Sends `sig` to the worker's process group (it and anything it started).
void SignalWorker(pid_t pid, int sig);

// The last `bytes` of a file ("" if it cannot be read).
std::string ReadTail(const std::string& path, size_t bytes);

}  // namespace rtfuzz::campaign

#endif  // RTFUZZ_CAMPAIGN_WORKER_PROCESS_H_
