// framework/src/campaign/worker_process.cc

#include "worker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rtfuzz::campaign {

pid_t SpawnWorker(const std::vector<std::string>& argv, const std::string& log_path,
                  std::string* error) {
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    *error = "cannot open worker log '" + log_path + "': " + std::strerror(errno);
    return -1;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  // SIGINT and SIGTERM stay blocked from before the fork until the child
  // has the default dispositions: one arriving in between (a Ctrl-C the
  // campaign forwards the moment a worker starts) would otherwise run the
  // campaign's handler in the child and be lost, and the worker would run
  // its whole budget. Pending, it ends the child once unblocked.
  sigset_t stop, old;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &stop, &old);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    *error = std::string("cannot fork a worker: ") + std::strerror(errno);
    ::close(log);
    return -1;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // The campaign died before prctl.
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    // The campaign's SIGINT disposition is its own: workers get the default.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    ::execv(args[0], args.data());
    const std::string msg =
        "rtfuzz campaign: cannot run " + argv[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // Also here: no race with a signal sent right after.
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  ::close(log);
  return pid;
}

std::string WorkerExit::Describe() const {
  if (signal != 0) {
    return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "exit " + std::to_string(code);
}

namespace {

WorkerExit FromStatus(int status) {
  WorkerExit e;
  if (WIFSIGNALED(status)) {
    e.signal = WTERMSIG(status);
  } else {
    e.code = WEXITSTATUS(status);
  }
  return e;
}

}  // namespace

std::optional<WorkerExit> PollWorker(pid_t pid) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid) return std::nullopt;
  return FromStatus(status);
}

WorkerExit WaitWorker(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return FromStatus(status);
}

void SignalWorker(pid_t pid, int sig) { ::kill(-pid, sig); }

std::string ReadTail(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const std::streamoff size = in.tellg();
  const std::streamoff from =
      size > static_cast<std::streamoff>(bytes) ? size - static_cast<std::streamoff>(bytes) : 0;
  in.seekg(from);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace rtfuzz::campaign
