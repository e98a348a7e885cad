// framework/src/campaign/progress_display.h
//
// The campaign's live display. Events (a job started, ended, found
// something) are permanent lines. The status block — one line per running
// job (executions, exec/s, coverage or distinct traces, findings) and a
// total line (jobs done, executions, findings, elapsed and remaining time)
// — is redrawn in place on a terminal, and printed as plain lines every
// `plain_every_s` seconds otherwise (a CI log).

#ifndef RTFUZZ_CAMPAIGN_PROGRESS_DISPLAY_H_
#define RTFUZZ_CAMPAIGN_PROGRESS_DISPLAY_H_

#include <cstdio>
#include <string>
#include <vector>

namespace rtfuzz::campaign {

class ProgressDisplay {
 public:
  ProgressDisplay(std::FILE* out, bool interactive, double plain_every_s);

  void Event(const std::string& line);
  // `now_s`: seconds since the campaign started; the block is drawn when due.
  void Status(const std::vector<std::string>& block, double now_s);
  // Clears the block (a terminal) before the summary.
  void Finish();

 private:
  void Clear();
  void Draw(const std::vector<std::string>& block);

  std::FILE* out_;
  bool interactive_;
  double plain_every_s_;
  double next_plain_s_;
  size_t drawn_ = 0;  // Lines of the block on screen (interactive).
  std::vector<std::string> last_;
};

}  // namespace rtfuzz::campaign

#endif  // RTFUZZ_CAMPAIGN_PROGRESS_DISPLAY_H_
