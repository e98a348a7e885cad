// framework/cli/binary_runner.h
//
// For the CLI tests: runs the real `rtfuzz` binary (RTFUZZ_CLI_BINARY) in
// a child process, its stdout and stderr merged into one pipe read line by
// line, so a test acts when a line says the program reached a state (a
// walk's progress line, a worker started, a finding landed) — never on a
// clock.

#ifndef RTFUZZ_CLI_BINARY_RUNNER_H_
#define RTFUZZ_CLI_BINARY_RUNNER_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace rtfuzz::cli {

struct BinaryRun {
  int status = -1;  // The exit status, or 128 + the signal that ended it.
  std::string out;  // stdout and stderr, interleaved as written.
};

// `on_line` sees each line as it comes, with the child's pid to act on.
inline BinaryRun RunBinary(const std::vector<std::string>& args,
                           const std::function<void(const std::string&, pid_t)>& on_line = nullptr) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    std::vector<char*> argv;
    std::string binary = RTFUZZ_CLI_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  BinaryRun run;
  std::FILE* in = ::fdopen(fds[0], "r");
  char* line = nullptr;
  size_t cap = 0;
  for (ssize_t n; (n = ::getline(&line, &cap, in)) > 0;) {
    const std::string text(line, static_cast<size_t>(n));
    run.out += text;
    if (on_line) on_line(text, pid);
  }
  std::free(line);
  std::fclose(in);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

}  // namespace rtfuzz::cli

#endif  // RTFUZZ_CLI_BINARY_RUNNER_H_
