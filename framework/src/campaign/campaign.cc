// framework/src/campaign/campaign.cc
//
// Run(): starts a worker per job, up to `workers` at once, watches their
// logs for the display, reaps them, and turns what they wrote into
// reproducers (finding_collector.h). SIGINT or SIGTERM stops starting jobs
// and forwards SIGINT to every running worker once; each then ends as its
// engine does on an interrupt (libFuzzer and explore both keep what they
// found), and its findings are collected unminimized. The wall clock here
// only schedules workers and the display; it never enters a verdict.

#include "rtfuzz/campaign/campaign.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>

#include "finding_collector.h"
#include "rtfuzz/base/format.h"
#include "progress_display.h"
#include "worker_process.h"
#include "worker_progress.h"

namespace rtfuzz::campaign {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;
void OnStop(int) { g_stop = 1; }

class StopSignals {
 public:
  StopSignals() {
    g_stop = 0;
    struct sigaction sa = {};
    sa.sa_handler = OnStop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_, old_term_;
};

// A worker given a time budget stops itself: libFuzzer checks
// -max_total_time about once a second, explore every 256 executions (each
// at most --max_steps points, ~50 ms at 1 M). Past its budget by this much
// it is hung: SIGTERM, then SIGKILL kKillAfter later.
constexpr double kOverrunGrace = 30;
constexpr double kKillAfter = 10;
// After an interrupt: libFuzzer and explore end within an execution of the
// SIGINT (explore checks between executions, each at most --max_steps
// points, ~50 ms at 1 M); one still running this long after is killed.
constexpr double kInterruptGrace = 10;

// How a worker ends on the SIGINT the campaign forwards: explore's 130,
// libFuzzer's 72 ("run interrupted; exiting", clang 14).
constexpr int kExploreInterrupted = 130;
constexpr int kLibFuzzerInterrupted = 72;

// The display's total line and worker logs are re-read this often.
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr double kRedrawEvery = 0.5;
constexpr double kPlainEvery = 10;

struct Worker {
  size_t job = 0;
  pid_t pid = -1;
  Clock::time_point start;
  double budget_s = 0;  // 0: none.
  bool term_sent = false, kill_sent = false;
  std::string artifacts;   // Folder it writes findings into.
  std::string walk_state;  // Random walk: where the next run resumes.
  uint64_t first_execution = 0;
  WorkerProgress progress;
  // The artifacts folder's files when the worker started (a re-run's
  // folder holds earlier runs' findings, collected then).
  std::map<std::string, fs::file_time_type> before;
};

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string Seconds(double s) {
  char buf[32];
  if (s < 100) {
    std::snprintf(buf, sizeof(buf), "%.1f s", s);
  } else {
    std::snprintf(buf, sizeof(buf), "%d:%02d", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  }
  return buf;
}

std::string SafeName(const Job& job) {
  std::string name = job.Name();
  std::replace(name.begin(), name.end(), '/', '-');
  return name;
}

// Copies every seed into `dir` without overwriting: inputs are never lost
// and never duplicated (libFuzzer names them by content).
void CopySeeds(const fs::path& seeds, const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(seeds, ec)) return;
  for (const auto& entry : fs::directory_iterator(seeds, ec)) {
    if (!entry.is_regular_file()) continue;
    fs::copy_file(entry.path(), dir / entry.path().filename(), fs::copy_options::skip_existing, ec);
  }
}

size_t CountFiles(const fs::path& dir) {
  std::error_code ec;
  size_t n = 0;
  if (!fs::is_directory(dir, ec)) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    n += entry.is_regular_file() ? 1 : 0;
  }
  return n;
}

// Whether `fuzzer` is a libFuzzer build (target_fuzzer.cc --print_engine).
bool IsLibFuzzerBuild(const std::string& fuzzer, const std::string& log) {
  std::error_code ec;
  if (!fs::exists(fuzzer, ec)) return false;
  fs::remove(log, ec);
  std::string error;
  const pid_t pid = SpawnWorker({fuzzer, "--print_engine"}, log, &error);
  if (pid < 0) return false;
  const WorkerExit e = WaitWorker(pid);
  return e.signal == 0 && e.code == 0 && ReadTail(log, 4096).find("libfuzzer") != std::string::npos;
}

uint64_t ReadWalkState(const std::string& path) {
  std::ifstream in(path);
  uint64_t next = 0;
  in >> next;
  return in ? next : 0;
}

}  // namespace

int Result::ExitStatus() const {
  bool failed = false;
  for (const JobResult& j : jobs) {
    if (!j.findings.empty()) return 1;
    failed = failed || j.state == JobState::kFailed;
  }
  if (interrupted) return 130;
  return failed ? kExitWorkerFailed : 0;
}

Result Run(const Options& o) {
  Result result;
  const auto campaign_start = Clock::now();
  const fs::path out(o.output_dir), corpus(o.corpus_dir);
  std::error_code ec;
  for (const fs::path& dir : {out / "logs", out / "artifacts", out / "findings", corpus}) {
    fs::create_directories(dir, ec);
    if (ec) {
      result.error = "cannot create '" + dir.string() + "': " + ec.message();
      return result;
    }
  }
  FindingCollector collector((out / "findings").string(), o.minimize_runs, o.max_steps);
  if (!collector.LoadKnown(&result.error)) return result;

  // The engine of each target: asked once.
  std::map<std::string_view, Engine> engines;
  for (const Job& job : o.jobs) {
    if (engines.count(job.target->name)) continue;
    Engine e = o.engine;
    const std::string fuzzer =
        (fs::path(o.fuzzers_dir) / (std::string(job.target->name) + "_fuzzer")).string();
    const bool libfuzzer =
        e != Engine::kRandomWalk &&
        IsLibFuzzerBuild(fuzzer,
                         (out / "logs" / (std::string(job.target->name) + "-probe.log")).string());
    if (e == Engine::kLibFuzzer && !libfuzzer) {
      result.error = "--engine=libfuzzer: " + fuzzer +
                     " is not a libFuzzer build (build the fuzz "
                     "preset, or name its folder with --fuzzers=)";
      return result;
    }
    if (e == Engine::kAuto) e = libfuzzer ? Engine::kLibFuzzer : Engine::kRandomWalk;
    engines[job.target->name] = e;
  }

  const size_t n = o.jobs.size();
  const unsigned workers = std::max(1u, o.workers);
  // A time budget is shared: each job gets its slot's share of it.
  const double per_job_s =
      o.seconds == 0 ? 0
                     : std::max(1.0, static_cast<double>(o.seconds) *
                                         std::min<double>(workers, static_cast<double>(n)) /
                                         static_cast<double>(n));
  result.jobs.resize(n);
  for (size_t i = 0; i < n; ++i) {
    result.jobs[i].job = o.jobs[i];
    result.jobs[i].engine = engines[o.jobs[i].target->name];
  }

  ProgressDisplay display(o.out, o.interactive, kPlainEvery);
  {
    std::string budget;
    if (o.executions != 0) budget = std::to_string(o.executions) + " executions a job";
    if (o.seconds != 0) {
      if (!budget.empty()) budget += ", ";
      budget += std::to_string(o.seconds) + " s in all (" + Seconds(per_job_s) + " a job)";
    }
    display.Event(o.program_name + " campaign: " + FormatCount(n, "job") + ", " +
                  FormatCount(workers, "worker") + ", " + budget + "; output " + o.output_dir + ", corpus " + o.corpus_dir);
  }

  StopSignals signals;
  std::vector<Worker> running;
  size_t next = 0;
  bool forwarded = false;
  Clock::time_point forwarded_at;
  bool killed_after_interrupt = false;
  double last_draw = -kRedrawEvery;

  auto start_job = [&](size_t i) {
    JobResult& jr = result.jobs[i];
    const Job& job = jr.job;
    Worker w;
    w.job = i;
    w.budget_s = per_job_s;
    w.artifacts = (out / "artifacts" / SafeName(job)).string();
    fs::create_directories(w.artifacts, ec);
    for (const auto& entry : fs::directory_iterator(w.artifacts, ec)) {
      w.before[entry.path().string()] = entry.last_write_time(ec);
    }
    jr.log = (out / "logs" / (SafeName(job) + ".log")).string();
    std::vector<std::string> argv;
    if (jr.engine == Engine::kLibFuzzer) {
      const fs::path dir = corpus / std::string(job.target->name) / job.scenario;
      fs::create_directories(dir, ec);
      if (!o.seed_corpora_dir.empty()) {
        CopySeeds(fs::path(o.seed_corpora_dir) / (std::string(job.target->name) + "_fuzzer"), dir);
      }
      argv = {(fs::path(o.fuzzers_dir) / (std::string(job.target->name) + "_fuzzer")).string(),
              "--scenario=" + job.scenario};
      if (job.variant != target::kNoVariant) argv.push_back("--variant=" + job.variant);
      argv.push_back("-artifact_prefix=" + w.artifacts + "/");
      argv.push_back("-print_final_stats=1");
      if (o.executions != 0) argv.push_back("-runs=" + std::to_string(o.executions));
      if (per_job_s != 0) {
        argv.push_back("-max_total_time=" + std::to_string(static_cast<uint64_t>(per_job_s)));
      }
      argv.push_back(dir.string());
    } else {
      // The walk resumes where this job's last run stopped: a nightly
      // campaign explores new executions instead of repeating old ones.
      fs::create_directories(corpus / "random-walk", ec);
      w.walk_state =
          (corpus / "random-walk" / (SafeName(job) + "-seed" + std::to_string(o.seed))).string();
      w.first_execution = ReadWalkState(w.walk_state);
      argv = {o.program, "explore", "--target=" + std::string(job.target->name),
              "--scenario=" + job.scenario};
      if (job.variant != target::kNoVariant) argv.push_back("--variant=" + job.variant);
      argv.push_back("--seed=" + std::to_string(o.seed));
      argv.push_back("--first_execution=" + std::to_string(w.first_execution));
      argv.push_back("--executions=" +
                     std::to_string(o.executions != 0 ? o.executions : (uint64_t{1} << 62)));
      if (per_job_s != 0) {
        argv.push_back("--max_total_time=" + std::to_string(static_cast<uint64_t>(per_job_s)));
      }
      argv.push_back("--max_steps=" + std::to_string(o.max_steps));
      argv.push_back("--output=" + w.artifacts + "/walk-seed" + std::to_string(o.seed) + "-from" +
                     std::to_string(w.first_execution) + ".sched");
    }
    std::string error;
    w.start = Clock::now();
    w.pid = SpawnWorker(argv, jr.log, &error);
    if (w.pid < 0) {
      jr.state = JobState::kFailed;
      jr.detail = error;
      display.Event("failed " + job.Name() + ": " + error);
      return;
    }
    jr.state = JobState::kRunning;
    display.Event("start  " + job.Name() + " (" + EngineName(jr.engine) + ", pid " +
                  std::to_string(w.pid) + ")");
    running.push_back(std::move(w));
  };

  auto read_progress = [&](Worker& w) {
    const JobResult& jr = result.jobs[w.job];
    const std::string tail = ReadTail(jr.log, 16384);
    w.progress = jr.engine == Engine::kLibFuzzer ? ParseLibFuzzerLog(tail) : ParseExploreLog(tail);
  };

  auto finish_job = [&](Worker& w, const WorkerExit& exit) {
    JobResult& jr = result.jobs[w.job];
    jr.seconds = Since(w.start);
    read_progress(w);
    jr.executions = w.progress.executions;
    if (!w.walk_state.empty() && w.progress.final) {
      std::ofstream(w.walk_state) << (w.first_execution + jr.executions) << "\n";
    }
    // Everything the worker wrote, in name order, whatever its exit.
    std::vector<std::string> artifacts;
    for (const auto& entry : fs::directory_iterator(w.artifacts, ec)) {
      const std::string name = entry.path().filename().string();
      const bool wanted =
          jr.engine == Engine::kLibFuzzer
              ? (name.rfind("crash-", 0) == 0 || name.rfind("timeout-", 0) == 0 ||
                 name.rfind("oom-", 0) == 0 || name.rfind("leak-", 0) == 0)
              : (entry.path().extension() == ".sched" && name.find(".tmp") == std::string::npos);
      if (entry.is_regular_file() && wanted) artifacts.push_back(entry.path().string());
    }
    std::sort(artifacts.begin(), artifacts.end());
    for (const std::string& a : artifacts) {
      // The folder keeps earlier runs' files: only what this worker wrote.
      if (auto it = w.before.find(a);
          it != w.before.end() && it->second == fs::last_write_time(a, ec)) {
        continue;
      }
      FindingFile f;
      std::string error;
      if (!collector.Collect(jr.job, jr.engine, a, o.minimize && !g_stop, &f, &error)) {
        display.Event("error  " + jr.job.Name() + ": " + error + " (the file is kept)");
        f.verdict = "unreadable";
        f.path = a;
      }
      jr.findings.push_back(f);
    }
    if (!jr.findings.empty()) {
      jr.state = JobState::kFinding;
      jr.executions_to_finding = jr.executions;
      jr.seconds_to_finding = jr.seconds;
      for (const FindingFile& f : jr.findings) {
        display.Event("FOUND  " + jr.job.Name() + ": " + f.verdict + " after " +
                      std::to_string(jr.executions) + " executions, " + Seconds(jr.seconds) +
                      (f.is_new ? " -> " : " (known: ") + f.path + (f.is_new ? "" : ")"));
      }
    } else if (g_stop && ((exit.signal == 0 && (exit.code == kExploreInterrupted ||
                                                  exit.code == kLibFuzzerInterrupted)) ||
                          exit.signal == SIGINT || exit.signal == SIGKILL)) {
      // Ended by the interrupt this campaign forwarded (SIGINT before the
      // worker's own handler was in place; SIGKILL past kInterruptGrace).
      jr.state = JobState::kInterrupted;
      jr.detail = "interrupted";
    } else if (exit.signal != 0 || exit.code != 0) {
      // Killed, crashed, or interrupted by something other than this
      // campaign: its budget did not run.
      jr.state = JobState::kFailed;
      jr.detail = "worker " + exit.Describe() + " (log " + jr.log + ")";
    } else {
      jr.state = JobState::kClean;
    }
    if (jr.state == JobState::kFailed) {
      display.Event("failed " + jr.job.Name() + ": " + jr.detail);
    } else if (jr.state != JobState::kFinding) {
      display.Event("done   " + jr.job.Name() + ": " +
                    (jr.state == JobState::kClean ? "clean" : "interrupted") + ", " +
                    std::to_string(jr.executions) + " executions in " + Seconds(jr.seconds));
    }
  };

  auto status_block = [&]() {
    std::vector<std::string> block;
    uint64_t execs = 0;
    size_t done = 0, findings = 0;
    for (const JobResult& jr : result.jobs) {
      if (jr.state != JobState::kPending && jr.state != JobState::kRunning) {
        ++done;
        execs += jr.executions;
      }
      findings += jr.findings.size();
    }
    for (const Worker& w : running) {
      const JobResult& jr = result.jobs[w.job];
      char line[256];
      std::snprintf(line, sizeof(line), "  %-40s %12" PRIu64 " execs %8" PRIu64 "/s  %-18s %s",
                    jr.job.Name().c_str(), w.progress.executions, w.progress.exec_per_s,
                    w.progress.coverage.c_str(), Seconds(Since(w.start)).c_str());
      block.push_back(line);
      execs += w.progress.executions;
    }
    const double elapsed = Since(campaign_start);
    // What is left of the running jobs' budgets and the pending jobs',
    // spread over the workers: the budget's own arithmetic, not a guess.
    std::string remaining;
    if (per_job_s != 0) {
      double left = static_cast<double>(n - next) * per_job_s, longest = 0;
      for (const Worker& w : running) {
        const double mine = std::max(0.0, per_job_s - Since(w.start));
        left += mine;
        longest = std::max(longest, mine);
      }
      const double lanes =
          static_cast<double>(std::min<size_t>(workers, std::max<size_t>(1, n - next + running.size())));
      remaining = ", remaining ~" + Seconds(std::max(longest, left / lanes));
    }
    block.push_back("  total: " + std::to_string(done) + "/" + std::to_string(n) + " jobs done, " +
                    std::to_string(running.size()) + " running, " + std::to_string(execs) +
                    " executions, " + std::to_string(findings) + " findings, elapsed " +
                    Seconds(elapsed) + remaining);
    return block;
  };

  while (true) {
    if (g_stop && !forwarded) {
      forwarded = true;
      forwarded_at = Clock::now();
      result.interrupted = true;
      display.Event("interrupted: stopping " + std::to_string(running.size()) +
                    " workers; their findings and corpus files are kept");
      for (const Worker& w : running) SignalWorker(w.pid, SIGINT);
    }
    while (!g_stop && running.size() < workers && next < n) start_job(next++);
    for (size_t i = 0; i < running.size();) {
      Worker& w = running[i];
      if (std::optional<WorkerExit> exit = PollWorker(w.pid)) {
        finish_job(w, *exit);
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      if (forwarded && !killed_after_interrupt && Since(forwarded_at) > kInterruptGrace) {
        display.Event("killing the workers still running " + Seconds(kInterruptGrace) +
                      " after the interrupt");
        for (const Worker& each : running) SignalWorker(each.pid, SIGKILL);
        killed_after_interrupt = true;
      }
      const double age = Since(w.start);
      if (w.budget_s != 0 && age > w.budget_s + kOverrunGrace && !w.term_sent) {
        w.term_sent = true;
        display.Event("hung   " + result.jobs[w.job].job.Name() + ": past its budget, SIGTERM");
        SignalWorker(w.pid, SIGTERM);
      }
      if (w.term_sent && !w.kill_sent && age > w.budget_s + kOverrunGrace + kKillAfter) {
        w.kill_sent = true;
        SignalWorker(w.pid, SIGKILL);
      }
      ++i;
    }
    if (running.empty() && (next == n || g_stop)) break;
    const double now = Since(campaign_start);
    if (now - last_draw >= kRedrawEvery) {
      last_draw = now;
      for (Worker& w : running) read_progress(w);
      display.Status(status_block(), now);
    }
    const timespec tick = {0, std::chrono::nanoseconds(kTick).count()};
    nanosleep(&tick, nullptr);  // A signal cuts it short: checked at once.
  }
  display.Finish();
  for (JobResult& jr : result.jobs) {
    if (jr.state == JobState::kPending) {
      jr.state = JobState::kInterrupted;
      jr.detail = "not started";
    }
  }
  result.seconds = Since(campaign_start);
  result.corpus_inputs = CountFiles(corpus) - CountFiles(corpus / "random-walk");
  return result;
}

}  // namespace rtfuzz::campaign
