// framework/src/report/timeline_html.cc
//
// FormatHtmlTimeline (timeline.h): one self-contained HTML page, an inline
// SVG and a little CSS. No script, no external reference: tooltips are SVG
// <title> elements.
//
// Layout: x is the record index (one record = `px` pixels; the middles of
// long plain runs are folded into a hatched 28 px band, as the swimlane folds
// rows); y stacks one lane per CPU, each with one sub-lane per interrupt
// nesting depth seen on that CPU: the task at the bottom, an interrupt above
// it, an NMI over that interrupt above that.

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "rtfuzz/base/format.h"
#include "rtfuzz/base/verdict.h"
#include "rtfuzz/report/timeline.h"
#include "timeline_model.h"

namespace rtfuzz::report {
namespace {

using internal::HtmlEscape;
using internal::kNone;
using internal::kRunner;

constexpr double kLeft = 130;       // Lane labels.
constexpr double kRight = 80;
constexpr double kAxisTop = 70;     // Finding label above the axis.
constexpr double kLanesTop = 112;
constexpr double kSub = 28;         // Sub-lane height.
constexpr double kLaneGap = 18;
constexpr double kFoldWidth = 28;
constexpr size_t kMaxVisible = 400;  // Records drawn unfolded at most.

const char* const kLockColors[] = {"#263238", "#6d4c41", "#00796b", "#283593",
                                   "#827717", "#ad1457"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string Attr(std::string_view s) { return HtmlEscape(s); }

// Text that fits `width` px at ~6.6 px per character, or "".
std::string Clip(const std::string& s, double width) {
  const auto chars = static_cast<size_t>(std::max(0.0, (width - 6) / 6.6));
  if (chars >= s.size()) return s;
  if (chars < 4) return "";
  return s.substr(0, chars - 1) + "~";
}

const char* kCss = R"css(
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 16px; color: #212121;
       background: #fafafa; }
h1 { font-size: 18px; margin: 0 0 6px 0; }
.meta { font-size: 13px; margin: 2px 0; }
.verdict { color: #c62828; font-weight: bold; }
.scroll { overflow-x: auto; border: 1px solid #ddd; background: #fff; margin-top: 10px; }
pre { font-size: 12px; background: #f0f0f0; padding: 8px; }
svg { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11px; }
.lane-bg { fill: #f5f7fa; stroke: #cfd8dc; }
.sublane { stroke: #e0e6ea; stroke-dasharray: 2 3; }
.lane-label { font-weight: bold; font-size: 13px; fill: #263238; }
.depth-label { fill: #78909c; font-size: 10px; }
.ctx { stroke: #ffffff; stroke-width: 1; }
.ctx.task { fill: #5b8def; }
.ctx.softirq { fill: #43a047; }
.ctx.hardirq { fill: #fb8c00; }
.ctx.nmi { fill: #8e24aa; }
.ctx-label { fill: #ffffff; pointer-events: none; }
.interrupted { fill: #ffffff; fill-opacity: 0.55; }
.lock-hold { stroke: #ffffff; stroke-width: 0.5; }
.lock-label { fill: #ffffff; font-size: 9px; pointer-events: none; }
.lock-wait { fill: #fff8e1; stroke: #f9a825; stroke-width: 1.2; stroke-dasharray: 3 2; }
.wait-label { fill: #5d4037; font-size: 9px; pointer-events: none; }
.lock-contended { fill: #fdd835; stroke: #5d4037; stroke-width: 1; }
.lock-failed { stroke: #b71c1c; stroke-width: 2.5; fill: none; }
.flow { fill: none; stroke-width: 1.6; }
.flow.wake { stroke: #2e7d32; }
.flow.ipi { stroke: #d81b60; stroke-dasharray: 5 3; }
.fold { fill: url(#hatch); stroke: #b0bec5; }
.axis line { stroke: #90a4ae; }
.axis text { fill: #455a64; font-size: 10px; }
#finding line { stroke: #d50000; stroke-width: 2; }
#finding text { fill: #d50000; font-weight: bold; font-size: 12px; }
#finding .finding-message { font-weight: normal; font-size: 11px; }
#legend text { fill: #263238; font-size: 11px; }
)css";

}  // namespace

std::string FormatHtmlTimeline(const TimelineInput& input) {
  const std::vector<rt::TraceRecord>& trace = input.trace;
  const internal::TimelineModel model = internal::BuildModel(input);
  const int cpus = input.scenario.num_cpus();
  const std::string verdict(VerdictName(input.result.verdict));
  const size_t n = trace.size();

  // x of each record's left edge; x[n] is the right end.
  const std::vector<internal::Fold> folds = internal::ComputeFolds(input, model.finding, kMaxVisible);
  size_t folded = 0;
  for (const internal::Fold& f : folds) folded += f.end - f.begin;
  const size_t visible = std::max<size_t>(n - folded, 1);
  const double px = std::clamp(1300.0 / static_cast<double>(visible), 3.25, 18.0);
  std::vector<double> x(n + 1, kLeft);
  {
    size_t f = 0;
    double at = kLeft;
    for (size_t i = 0; i < n; ++i) {
      x[i] = at;
      if (f < folds.size() && i >= folds[f].begin && i < folds[f].end) {
        at += kFoldWidth / static_cast<double>(folds[f].end - folds[f].begin);
        if (i + 1 == folds[f].end) ++f;
      } else {
        at += px;
      }
    }
    x[n] = at;
  }
  auto mid = [&](size_t i) { return (x[i] + x[i + 1]) / 2; };
  const double width = x[n] + kRight;

  // Lanes.
  std::vector<double> lane_top(static_cast<size_t>(cpus) + 1, kLanesTop);
  for (int c = 0; c < cpus; ++c) {
    lane_top[c + 1] = lane_top[c] + (model.max_depth[c] + 1) * kSub + kLaneGap;
  }
  const double lanes_bottom = lane_top[cpus] - kLaneGap;
  auto sub_y = [&](int cpu, int depth) {  // Top of the depth's sub-lane.
    return lane_top[cpu] + (model.max_depth[cpu] - depth) * kSub;
  };
  const double legend_top = lanes_bottom + 30;
  const double height = legend_top + 70;

  std::string svg;
  // Inline SVG in HTML needs no xmlns (and the page has no URL at all).
  svg += "<svg width=\"" + Num(width) + "\" height=\"" +
         Num(height) + "\" viewBox=\"0 0 " + Num(width) + " " + Num(height) + "\">\n";
  svg +=
      "<defs>\n"
      "<pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eceff1\"/>"
      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b0bec5\" stroke-width=\"2\"/>"
      "</pattern>\n"
      "<marker id=\"arrow-wake\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
      "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
      "fill=\"#2e7d32\"/></marker>\n"
      "<marker id=\"arrow-ipi\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
      "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
      "fill=\"#d81b60\"/></marker>\n"
      "</defs>\n";

  // Lane backgrounds and labels.
  for (int c = 0; c < cpus; ++c) {
    const double top = lane_top[c];
    const double h = (model.max_depth[c] + 1) * kSub;
    svg += "<g class=\"cpu-lane\" data-cpu=\"" + std::to_string(c) + "\">\n";
    svg += "<rect class=\"lane-bg\" x=\"" + Num(kLeft) + "\" y=\"" + Num(top) + "\" width=\"" +
           Num(x[n] - kLeft) + "\" height=\"" + Num(h) + "\"/>\n";
    svg += "<text class=\"lane-label\" x=\"10\" y=\"" + Num(top + h / 2 + 4) + "\">CPU " +
           std::to_string(c) + "</text>\n";
    for (int d = 0; d <= model.max_depth[c]; ++d) {
      const double y = sub_y(c, d);
      if (d < model.max_depth[c]) {
        svg += "<line class=\"sublane\" x1=\"" + Num(kLeft) + "\" x2=\"" + Num(x[n]) +
               "\" y1=\"" + Num(y) + "\" y2=\"" + Num(y) + "\"/>\n";
      }
      svg += "<text class=\"depth-label\" x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(y + kSub / 2 + 3) +
             "\" text-anchor=\"end\">" + (d == 0 ? std::string("task") : "irq+" + std::to_string(d)) +
             "</text>\n";
    }
    // Context slices of this CPU.
    for (const internal::ContextSlice& s : model.slices) {
      if (s.cpu != c) continue;
      const rt::TraceRecord& a = trace[s.first];
      const rt::TraceRecord& b = trace[s.last];
      const std::string name = internal::ContextLabel(input, s.context);
      const std::string kind(internal::KindClass(s.kind));
      const double x0 = x[s.first];
      const double w = std::max(x[s.last + 1] - x0, 1.0);
      const double y = sub_y(c, s.depth);
      svg += "<rect class=\"ctx " + kind + "\" data-context=\"" + Attr(name) + "\" x=\"" +
             Num(x0) + "\" y=\"" + Num(y + 2) + "\" width=\"" + Num(w) + "\" height=\"" +
             Num(kSub - 4) + "\" rx=\"3\"><title>" + HtmlEscape(name) + " (" + kind +
             ") on CPU " + std::to_string(c) + ", steps " + std::to_string(a.step) + "-" +
             std::to_string(b.step) + ", " + FormatDuration(a.time_ns) + " - " +
             FormatDuration(b.time_ns) + "</title></rect>\n";
      const std::string label = Clip(name, w);
      if (!label.empty()) {
        svg += "<text class=\"ctx-label\" x=\"" + Num(x0 + 4) + "\" y=\"" + Num(y + 14) + "\">" +
               HtmlEscape(label) + "</text>\n";
      }
    }
    // What an interrupt keeps off the CPU: the contexts below it, shaded.
    for (const internal::ContextSlice& s : model.slices) {
      if (s.cpu != c || s.depth == 0) continue;
      const double y0 = sub_y(c, s.depth - 1);
      svg += "<rect class=\"interrupted\" x=\"" + Num(x[s.first]) + "\" y=\"" + Num(y0) +
             "\" width=\"" + Num(x[s.last + 1] - x[s.first]) + "\" height=\"" +
             Num(s.depth * kSub) + "\"><title>interrupted by " +
             HtmlEscape(internal::ContextLabel(input, s.context)) + "</title></rect>\n";
    }
    svg += "</g>\n";
  }

  // Lock holds, clipped to the holder's slices (a preempted holder still
  // holds, but the bar shows where it runs).
  std::vector<uint32_t> locks;
  for (const internal::LockHold& h : model.holds) {
    if (std::find(locks.begin(), locks.end(), h.lock) == locks.end()) locks.push_back(h.lock);
  }
  auto lock_color = [&](uint32_t lock) {
    const size_t k = static_cast<size_t>(std::find(locks.begin(), locks.end(), lock) - locks.begin());
    return kLockColors[k % (sizeof(kLockColors) / sizeof(kLockColors[0]))];
  };
  svg += "<g class=\"locks\">\n";
  for (const internal::LockHold& h : model.holds) {
    const size_t end = h.released != kNone ? h.released : n - 1;
    const std::string name = internal::ObjectLabel(input, h.lock);
    for (const internal::ContextSlice& s : model.slices) {
      if (s.context != h.context || s.last < h.acquired || s.first > end) continue;
      const size_t from = std::max(s.first, h.acquired);
      const size_t to = std::min(s.last, end);
      const double x0 = mid(from);
      const double w = std::max(mid(to) - x0, 2.0);
      const double y = sub_y(s.cpu, s.depth) + kSub - 13;
      svg += "<rect class=\"lock-hold\" data-lock=\"" + std::to_string(h.lock) + "\" x=\"" +
             Num(x0) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) +
             "\" height=\"9\" fill=\"" + lock_color(h.lock) + "\"><title>" + HtmlEscape(name) +
             " held by " + HtmlEscape(internal::ContextLabel(input, h.context)) + ", steps " +
             std::to_string(trace[h.acquired].step) + "-" +
             (h.released != kNone ? std::to_string(trace[h.released].step) : "end") + " (" +
             FormatDuration(trace[end].time_ns - trace[h.acquired].time_ns) +
             ")</title></rect>\n";
      const std::string label = Clip(name, w);
      if (!label.empty()) {
        svg += "<text class=\"lock-label\" x=\"" + Num(x0 + 3) + "\" y=\"" + Num(y + 8) + "\">" +
               HtmlEscape(label) + "</text>\n";
      }
    }
  }
  // Lock waits: contended until acquired or failed, an outlined bar.
  for (const internal::LockWait& wt : model.waits) {
    const size_t end = wt.ended != kNone ? wt.ended : n - 1;
    const std::string name = internal::ObjectLabel(input, wt.lock);
    for (const internal::ContextSlice& s : model.slices) {
      if (s.context != wt.context || s.last < wt.contended || s.first > end) continue;
      const size_t from = std::max(s.first, wt.contended);
      const size_t to = std::min(s.last, end);
      const double x0 = mid(from);
      const double w = std::max(mid(to) - x0, 2.0);
      const double y = sub_y(s.cpu, s.depth) + kSub - 13;
      svg += "<rect class=\"lock-wait\" data-lock=\"" + std::to_string(wt.lock) + "\" x=\"" +
             Num(x0) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) +
             "\" height=\"9\"><title>" + HtmlEscape(internal::ContextLabel(input, wt.context)) +
             " waits for " + HtmlEscape(name) + ", steps " + std::to_string(trace[wt.contended].step) +
             "-" + (wt.ended != kNone ? std::to_string(trace[wt.ended].step) : "end") + " (" +
             FormatDuration(trace[end].time_ns - trace[wt.contended].time_ns) +
             (wt.failed ? ", then fails" : "") + ")</title></rect>\n";
      const std::string label = Clip("waits for " + name, w);
      if (!label.empty()) {
        svg += "<text class=\"wait-label\" x=\"" + Num(x0 + 3) + "\" y=\"" + Num(y + 8) + "\">" +
               HtmlEscape(label) + "</text>\n";
      }
    }
  }
  // Contended (amber triangle) and failed (red cross) markers.
  for (const size_t i : model.lock_marks) {
    const rt::TraceRecord& r = trace[i];
    if (r.cpu >= cpus) continue;
    const double cx = mid(i);
    const double y = sub_y(r.cpu, r.depth) + 2;
    const std::string title = "<title>" + HtmlEscape(internal::ContextLabel(input, r.context)) +
                              ": " + HtmlEscape(internal::DescribeRecord(input, r)) +
                              " at step " + std::to_string(r.step) + "</title>";
    if (r.op == rt::Op::kLockContended) {
      svg += "<path class=\"lock-contended\" d=\"M" + Num(cx - 5) + "," + Num(y) + " L" +
             Num(cx + 5) + "," + Num(y) + " L" + Num(cx) + "," + Num(y + 8) + " z\">" + title +
             "</path>\n";
    } else {
      svg += "<path class=\"lock-failed\" d=\"M" + Num(cx - 5) + "," + Num(y) + " L" +
             Num(cx + 5) + "," + Num(y + 10) + " M" + Num(cx + 5) + "," + Num(y) + " L" +
             Num(cx - 5) + "," + Num(y + 10) + "\">" + title + "</path>\n";
    }
  }
  svg += "</g>\n";

  // Folded runs: hatched bands across every lane.
  for (const internal::Fold& f : folds) {
    svg += "<rect class=\"fold\" x=\"" + Num(x[f.begin]) + "\" y=\"" + Num(kLanesTop - 4) +
           "\" width=\"" + Num(x[f.end] - x[f.begin]) + "\" height=\"" +
           Num(lanes_bottom - kLanesTop + 8) + "\"><title>" +
           std::to_string(f.end - f.begin) + " plain records folded (steps " +
           std::to_string(trace[f.begin].step) + "-" + std::to_string(trace[f.end - 1].step) +
           ", " + FormatDuration(trace[f.end - 1].time_ns - trace[f.begin].time_ns) +
           ")</title></rect>\n";
  }

  // Wake and interrupt-raise arrows.
  svg += "<g class=\"flows\">\n";
  for (const internal::Flow& f : model.flows) {
    const rt::TraceRecord& a = trace[f.from];
    const rt::TraceRecord& b = trace[f.to];
    if (a.context == kRunner || a.cpu >= cpus || b.cpu >= cpus) continue;
    const double x0 = mid(f.from);
    const double y0 = sub_y(a.cpu, a.depth) + kSub / 2;
    const double x1 = mid(f.to);
    const double y1 = sub_y(b.cpu, b.depth) + (b.cpu == a.cpu && b.depth > a.depth ? kSub - 3 : 3);
    const double bend = std::max(18.0, std::min(60.0, (x1 - x0) / 2));
    const std::string cls = f.wake ? "wake" : "ipi";
    svg += "<path class=\"flow " + cls + "\" marker-end=\"url(#arrow-" + cls + ")\" d=\"M" +
           Num(x0) + "," + Num(y0) + " C" + Num(x0 + bend) + "," + Num(y0) + " " +
           Num(x1 - bend / 3) + "," + Num((y0 + y1) / 2) + " " + Num(x1) + "," + Num(y1) +
           "\"><title>" + HtmlEscape(internal::ContextLabel(input, a.context)) + ": " +
           HtmlEscape(internal::DescribeRecord(input, a)) + " (step " + std::to_string(a.step) +
           ") -> " + HtmlEscape(internal::ContextLabel(input, b.context)) + " (step " +
           std::to_string(b.step) + ")</title></path>\n";
  }
  svg += "</g>\n";

  // Axis: a tick at least every 110 px, step over time.
  svg += "<g class=\"axis\">\n";
  svg += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(x[n]) + "\" y1=\"" + Num(kLanesTop - 8) +
         "\" y2=\"" + Num(kLanesTop - 8) + "\"/>\n";
  svg += "<text x=\"10\" y=\"" + Num(kLanesTop - 26) + "\">step</text><text x=\"10\" y=\"" +
         Num(kLanesTop - 13) + "\">virtual time</text>\n";
  double last_tick = -1e9;
  for (size_t i = 0; i < n; ++i) {
    if (x[i] - last_tick < 110 && i + 1 != n) continue;
    if (i + 1 == n && x[i] - last_tick < 60) continue;
    last_tick = x[i];
    const double tx = mid(i);
    svg += "<line x1=\"" + Num(tx) + "\" x2=\"" + Num(tx) + "\" y1=\"" + Num(kLanesTop - 12) +
           "\" y2=\"" + Num(kLanesTop - 4) + "\"/>";
    svg += "<text x=\"" + Num(tx) + "\" y=\"" + Num(kLanesTop - 26) +
           "\" text-anchor=\"middle\">" + std::to_string(trace[i].step) + "</text>";
    svg += "<text x=\"" + Num(tx) + "\" y=\"" + Num(kLanesTop - 14) +
           "\" text-anchor=\"middle\">" + FormatDuration(trace[i].time_ns) + "</text>\n";
  }
  svg += "</g>\n";

  // The finding: a red line through every lane.
  if (model.finding != kNone) {
    const rt::TraceRecord& r = trace[model.finding];
    const double fx = mid(model.finding);
    const bool left = fx > width - 420;
    const std::string anchor = left ? "end" : "start";
    const double tx = left ? fx - 6 : fx + 6;
    svg += "<g id=\"finding\" data-step=\"" + std::to_string(r.step) + "\">\n";
    svg += "<line x1=\"" + Num(fx) + "\" x2=\"" + Num(fx) + "\" y1=\"" + Num(kAxisTop - 40) +
           "\" y2=\"" + Num(lanes_bottom + 8) + "\"/>\n";
    svg += "<text x=\"" + Num(tx) + "\" y=\"" + Num(kAxisTop - 28) + "\" text-anchor=\"" +
           anchor + "\">finding: " + HtmlEscape(verdict) + " (step " + std::to_string(r.step) +
           ", CPU " + std::to_string(input.result.cpu) + ", " +
           HtmlEscape(input.result.context) + ")</text>\n";
    svg += "<text class=\"finding-message\" x=\"" + Num(tx) + "\" y=\"" + Num(kAxisTop - 14) +
           "\" text-anchor=\"" + anchor + "\">" +
           HtmlEscape(Clip(input.result.message, std::max(fx - kLeft, width - fx) - 10)) +
           "</text>\n";
    svg += "<title>finding: " + HtmlEscape(verdict) + ": " + HtmlEscape(input.result.message) +
           "</title>\n</g>\n";
  }

  // Legend.
  {
    svg += "<g id=\"legend\">\n";
    double lx = kLeft;
    const double ly = legend_top;
    auto item = [&](const std::string& shape, const std::string& label) {
      svg += shape + "<text x=\"" + Num(lx + 22) + "\" y=\"" + Num(ly + 10) + "\">" +
             HtmlEscape(label) + "</text>\n";
      lx += 34 + 7.0 * static_cast<double>(label.size());
    };
    auto box = [&](const std::string& cls, const std::string& extra) {
      return "<rect class=\"" + cls + "\" x=\"" + Num(lx) + "\" y=\"" + Num(ly) +
             "\" width=\"18\" height=\"12\" rx=\"2\"" + extra + "/>";
    };
    for (const rt::ContextKind k : {rt::ContextKind::kTask, rt::ContextKind::kSoftirq,
                                    rt::ContextKind::kHardirq, rt::ContextKind::kNmi}) {
      item(box("legend-ctx ctx " + std::string(internal::KindClass(k)), ""),
           std::string(internal::KindClass(k)));
    }
    item(box("legend-ctx ctx task", "") + box("interrupted", ""), "interrupted");
    for (const uint32_t lock : locks) {
      item(box("legend-lock", " fill=\"" + std::string(lock_color(lock)) + "\""),
           internal::ObjectLabel(input, lock) + " held");
    }
    item(box("legend-wait lock-wait", ""), "waiting for a lock");
    item("<path class=\"lock-contended\" d=\"M" + Num(lx + 4) + "," + Num(ly + 1) + " L" +
             Num(lx + 14) + "," + Num(ly + 1) + " L" + Num(lx + 9) + "," + Num(ly + 10) + " z\"/>",
         "contended");
    item("<path class=\"lock-failed\" d=\"M" + Num(lx + 4) + "," + Num(ly + 1) + " L" +
             Num(lx + 14) + "," + Num(ly + 11) + " M" + Num(lx + 14) + "," + Num(ly + 1) +
             " L" + Num(lx + 4) + "," + Num(ly + 11) + "\"/>",
         "lock failed");
    item("<path class=\"flow wake\" marker-end=\"url(#arrow-wake)\" d=\"M" + Num(lx) + "," +
             Num(ly + 6) + " L" + Num(lx + 18) + "," + Num(ly + 6) + "\"/>",
         "wakeup");
    item("<path class=\"flow ipi\" marker-end=\"url(#arrow-ipi)\" d=\"M" + Num(lx) + "," +
             Num(ly + 6) + " L" + Num(lx + 18) + "," + Num(ly + 6) + "\"/>",
         "interrupt raised");
    item("<rect class=\"legend-fold fold\" x=\"" + Num(lx) + "\" y=\"" + Num(ly) +
             "\" width=\"18\" height=\"12\"/>",
         "folded plain records");
    item("<line x1=\"" + Num(lx + 9) + "\" x2=\"" + Num(lx + 9) + "\" y1=\"" + Num(ly - 2) +
             "\" y2=\"" + Num(ly + 14) + "\" stroke=\"#d50000\" stroke-width=\"2\"/>",
         "finding");
    svg += "<text x=\"" + Num(kLeft) + "\" y=\"" + Num(ly + 34) +
           "\">x: one record = " + Num(px) +
           " px (step order; virtual time on the axis). Hover for details.</text>\n";
    svg += "</g>\n";
  }
  svg += "</svg>\n";

  // The page.
  const std::string title =
      input.title.empty() ? "rtfuzz timeline: " + input.scenario.name() : input.title;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<title>" + HtmlEscape(title) + "</title>\n<style>" + kCss + "</style>\n</head>\n<body>\n";
  html += "<h1>" + HtmlEscape(title) + "</h1>\n";
  html += "<p class=\"meta\">scenario <b>" + HtmlEscape(input.scenario.name()) + "</b>, " +
          std::to_string(cpus) + " CPUs, " + std::to_string(n) + " records, execution " +
          std::to_string(input.result.execution_index) + "</p>\n";
  if (model.finding != kNone) {
    const rt::TraceRecord& r = trace[model.finding];
    html += "<p class=\"meta\"><span class=\"verdict\">finding: " + HtmlEscape(verdict) +
            "</span> &mdash; " + HtmlEscape(input.result.message) + "</p>\n";
    html += "<p class=\"meta\">at step " + std::to_string(r.step) + " (" +
            FormatDuration(r.time_ns) + "), CPU " + std::to_string(input.result.cpu) +
            ", context " + HtmlEscape(input.result.context) + "</p>\n";
  } else {
    html += "<p class=\"meta\">verdict: " + HtmlEscape(verdict) + "</p>\n";
  }
  html += "<div class=\"scroll\">\n" + svg + "</div>\n";
  if (!input.result.details.empty()) {
    html += "<details><summary>report details</summary><pre>" +
            HtmlEscape(input.result.details) + "</pre></details>\n";
  }
  html += "</body>\n</html>\n";
  return html;
}

}  // namespace rtfuzz::report
