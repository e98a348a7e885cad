// framework/include/rtfuzz/schedule/schedule_file.h
//
// The schedule file (.sched): a reproducer as versioned, human-readable text.
// It names the target, scenario and variant, the machine options that shape
// an execution, the outcome expected under each variant, and the decision
// list, one decision per line with where the machine asked it:
//
//   rtfuzz-schedule 1
//   target rqspinlock
//   scenario task-nmi
//   variant v6.15
//   bug a1-lock-window
//   note free text, any number of lines
//   option max_slice 64
//   expect v6.15 missed-AA missed-AA|task-nmi|...
//   expect fixed clean
//   decisions
//   pmu-period 49 12        # step 0, cpu0 task:prog: overflow period
//   slice 65 0
//   end
//
// Rules: the version line comes first; `#` starts a comment on a line of its
// own or after a decision; `expect VARIANT OUTCOME [SIGNATURE]` takes the
// rest of the line as the signature; OUTCOME is `clean`, a verdict name or
// `tolerated:<window>`. Decisions are `KIND BOUND VALUE` with VALUE < BOUND;
// editing a value by hand is how one asks "what if". A file without `end` is
// truncated, and is rejected. docs/reproducing.md has the whole walk.

#ifndef RTFUZZ_SCHEDULE_SCHEDULE_FILE_H_
#define RTFUZZ_SCHEDULE_SCHEDULE_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "rtfuzz/rt/machine.h"
#include "rtfuzz/sched/decision_source.h"

namespace rtfuzz::schedule {

inline constexpr int kScheduleVersion = 1;

struct Expectation {
  std::string variant;
  std::string outcome;    // "clean", "tolerated:<window>" or a verdict name.
  std::string signature;  // Empty: the outcome alone is checked.
  int line = 0;           // Where it was read (0 if built in memory).
};

struct Schedule {
  std::string target;
  std::string scenario;
  std::string variant;         // The one the decisions were recorded under.
  std::string bug;             // Optional label: the matrix groups by it.
  std::vector<std::string> notes;
  rt::MachineOptions options;  // Only the options listed in kOptionNames.
  std::vector<Expectation> expectations;
  std::vector<sched::Decision> decisions;
  // One comment per decision ("step 12, cpu1 task:prog1: slice length"),
  // written after it; may be shorter than `decisions`.
  std::vector<std::string> reasons;
  // Lines the header fields were read from, for errors found later
  // (unknown target, variant or scenario).
  int target_line = 0, scenario_line = 0, variant_line = 0;

  const Expectation* ExpectationFor(std::string_view variant_name) const;
};

// Parses `text`. On error returns false with a one-line `error`:
// "<path>:<line>: <what>" (path as given, may be empty).
bool ParseSchedule(std::string_view text, std::string_view path, Schedule* out,
                   std::string* error);

// Checks target, scenario, variant and every expectation's variant and
// outcome against the target registry (rtfuzz/target/target.h); same error
// form as ParseSchedule.
bool ValidateSchedule(const Schedule& schedule, std::string_view path, std::string* error);

// The text of a schedule; ParseSchedule(FormatSchedule(s)) gives s back.
std::string FormatSchedule(const Schedule& schedule);

// Reads and parses and validates a file: the three steps every tool does.
bool LoadSchedule(const std::string& path, Schedule* out, std::string* error);

// Every *.sched under the given folders (recursively) and every file named,
// sorted by path. False with a one-line error for a root that is neither.
bool CollectScheduleFiles(const std::vector<std::string>& roots, std::vector<std::string>* files,
                          std::string* error);

}  // namespace rtfuzz::schedule

#endif  // RTFUZZ_SCHEDULE_SCHEDULE_FILE_H_
