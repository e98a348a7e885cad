// framework/cli/convert_command.cc
//
// `rtfuzz convert`: a libFuzzer input (crash-<sha1>) into a schedule file,
// and a schedule file (*.sched) back into libFuzzer input bytes.
//   rtfuzz convert --target=T --scenario=S --variant=V crash-1234 --output=x.sched
//   rtfuzz convert x.sched --output=x.bin

#include <cstdio>
#include <string>

#include "command.h"
#include "rtfuzz/base/input_file.h"
#include "rtfuzz/sched/byte_source.h"
#include "rtfuzz/schedule/replayer.h"
#include "rtfuzz/base/output_file.h"
#include "target_selection.h"

namespace rtfuzz::cli {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int ConvertCommand(const Flags& f, const std::vector<std::string>& positional) {
  if (positional.size() != 1) {
    return UsageError("convert takes one file: a libFuzzer input or a .sched file");
  }
  const std::string& path = positional[0];
  std::string error;
  if (EndsWith(path, ".sched")) {
    if (f.output.empty()) return UsageError("convert FILE.sched needs --output=FILE for the bytes");
    schedule::Schedule s;
    if (!schedule::LoadSchedule(path, &s, &error)) return UsageError(error);
    if (!WriteWholeFile(f.output, sched::EncodeDecisionBytes(s.decisions), &error)) {
      return UsageError(error);
    }
    std::printf("%zu decisions written as a libFuzzer input to %s (run it with the fuzzer of "
                "%s and --scenario=%s --variant=%s)\n",
                s.decisions.size(), f.output.c_str(), s.target.c_str(), s.scenario.c_str(),
                s.variant.c_str());
    return kExitOk;
  }
  std::string bytes;
  if (!ReadInputFile(path, &bytes, &error)) return UsageError("cannot read " + error);
  if (f.target.empty() && f.scenario.empty()) {
    return UsageError("convert of a libFuzzer input needs --target= or --scenario= (and "
                      "--variant=) as the fuzzer ran it");
  }
  Selection sel;
  if (!SelectTarget(f, &sel, &error)) return UsageError(error);
  auto replayer = schedule::Replayer::Create(*sel.target, sel.scenario, sel.variant, {}, &error);
  if (replayer == nullptr) return UsageError(error);
  const schedule::ReplayOutcome& o =
      replayer->RunBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  schedule::Schedule s = schedule::RecordSchedule(*replayer, o);
  s.bug = f.bug;
  s.notes.push_back("converted from the libFuzzer input " + path);
  const std::string text = schedule::FormatSchedule(s);
  if (f.output.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    if (!WriteWholeFile(f.output, text, &error)) return UsageError(error);
    std::printf("%s: %s; %zu decisions written to %s\n", path.c_str(), o.outcome.c_str(),
                s.decisions.size(), f.output.c_str());
  }
  return kExitOk;
}

}  // namespace rtfuzz::cli
