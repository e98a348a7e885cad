// framework/src/campaign/progress_display.cc

#include "progress_display.h"

namespace rtfuzz::campaign {

ProgressDisplay::ProgressDisplay(std::FILE* out, bool interactive, double plain_every_s)
    : out_(out),
      interactive_(interactive),
      plain_every_s_(plain_every_s),
      next_plain_s_(plain_every_s) {}

void ProgressDisplay::Clear() {
  if (!interactive_ || drawn_ == 0) return;
  // Up to the block's first line, then erase to the end of the screen.
  std::fprintf(out_, "\x1b[%zuA\r\x1b[J", drawn_);
  drawn_ = 0;
}

void ProgressDisplay::Draw(const std::vector<std::string>& block) {
  for (const std::string& line : block) std::fprintf(out_, "%s\n", line.c_str());
  if (interactive_) drawn_ = block.size();
  std::fflush(out_);
}

void ProgressDisplay::Event(const std::string& line) {
  Clear();
  std::fprintf(out_, "%s\n", line.c_str());
  if (interactive_) Draw(last_);
  std::fflush(out_);
}

void ProgressDisplay::Status(const std::vector<std::string>& block, double now_s) {
  last_ = block;
  if (interactive_) {
    Clear();
    Draw(block);
    return;
  }
  if (now_s < next_plain_s_) return;
  next_plain_s_ = now_s + plain_every_s_;
  Draw(block);
}

void ProgressDisplay::Finish() {
  Clear();
  std::fflush(out_);
}

}  // namespace rtfuzz::campaign
