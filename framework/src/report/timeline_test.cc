// framework/src/report/timeline_test.cc
//
// The three timeline pictures (timeline.h) of one real finding: a scenario
// with a spinning NMI that lands on its own CPU's lock holder (missed-AA,
// from check::Oracles), a wakeup, and an IPI. Checks the swimlane's columns
// and marks, the trace-event JSON against the format (parsed by a strict
// parser below), and the HTML's hooks and self-containment.
//
// TimelineTest.WritesDemoFiles also writes timeline_demo.{html,json,txt} to
// $RTFUZZ_TIMELINE_DIR (ctest sets it; ci/browser-check.sh renders the HTML).

#include "rtfuzz/report/timeline.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "rtfuzz/check/lock_events.h"
#include "rtfuzz/check/oracles.h"
#include "rtfuzz/rt/context.h"
#include "rtfuzz/sched/random_source.h"
#include "timeline_model.h"

namespace rtfuzz::report {
namespace {

// --- The scenario -----------------------------------------------------------

constexpr uint32_t kLock = 1;
constexpr uint32_t kCounter = 2;
constexpr uint32_t kFlag = 3;
constexpr uint64_t kTimeoutNs = 250'000'000;
constexpr const char* kSite = "timeline_test.cc";

struct State {
  uint32_t locked = 0;
  uint64_t counter = 0;
  bool go = false;
  rt::HandlerId ipi = 0;
  rt::TaskId sleeper = 0;
};

bool TryLockOnce(State& s) {
  const uint32_t seen = s.locked;
  rt::Point(rt::Op::kRead, kLock, seen, rt::kPointRead);
  if (seen != 0) return false;
  s.locked = 1;
  check::LockAcquired(kLock, kSite);
  rt::Point(rt::Op::kRmw, kLock, 1, rt::kPointAtomic | rt::kPointLockOp | rt::kPointWrite);
  return true;
}

bool Lock(State& s) {
  check::LockAcquire(kLock, "timeline_lock", check::LockMode::kExclusive, false, kSite);
  if (TryLockOnce(s)) return true;
  check::LockContended(kLock, kSite);
  const uint64_t deadline = rt::Now() + kTimeoutNs;
  while (!TryLockOnce(s)) {
    rt::Spin(kLock);
    if (rt::Now() > deadline) {
      check::LockFailed(kLock, -check::kEtimedout, kSite);
      return false;
    }
  }
  return true;
}

void Unlock(State& s) {
  check::LockRelease(kLock, kSite);
  s.locked = 0;
  rt::Point(rt::Op::kWrite, kLock, 0, rt::kPointWrite | rt::kPointLockOp);
}

void Critical(State& s) {
  if (!Lock(s)) rt::Fail("lock timed out");
  const uint64_t v = s.counter;
  rt::Point(rt::Op::kRead, kCounter, v, rt::kPointRead);
  s.counter = v + 1;
  rt::Point(rt::Op::kWrite, kCounter, v + 1, rt::kPointWrite);
  Unlock(s);
}

std::unique_ptr<rt::Scenario> MakeScenario() {
  auto scenario = std::make_unique<rt::Scenario>("timeline-aa", 2);
  auto state = std::make_shared<State>();
  scenario->OnReset([state] {
    const State keep = *state;
    *state = State{};
    state->ipi = keep.ipi;
    state->sleeper = keep.sleeper;
  });
  state->ipi = scenario->AddInterrupt({.name = "ipi",
                                       .kind = rt::ContextKind::kHardirq,
                                       .cpus = rt::Cpu(0),
                                       .trigger = rt::Trigger::Manual(),
                                       .handler = [state] {
                                         rt::Point(rt::Op::kRead, kFlag, state->go,
                                                   rt::kPointRead);
                                       }});
  scenario->AddInterrupt({.name = "pmu",
                          .kind = rt::ContextKind::kNmi,
                          .cpus = rt::Cpu(0),
                          .trigger = rt::Trigger::Overflow(rt::PmuEvent::kSteps, 1, 40, 2),
                          .handler = [state] {
                            if (!Lock(*state)) rt::Fail("NMI: lock timed out (AA)");
                            Unlock(*state);
                          }});
  scenario->AddTask({.name = "low",
                     .affinity = rt::Cpu(0),
                     .policy = rt::Policy::kFifo,
                     .rt_priority = 10,
                     .body = [state] {
                       for (int i = 0; i < 3; ++i) Critical(*state);
                     }});
  state->sleeper = scenario->AddTask({.name = "sleeper",
                                      .affinity = rt::Cpu(1),
                                      .policy = rt::Policy::kFifo,
                                      .rt_priority = 60,
                                      .body = [state] {
                                        while (!state->go) {
                                          rt::SetCurrentStateBlocked();
                                          if (state->go) {
                                            rt::SetCurrentStateRunning();
                                            break;
                                          }
                                          rt::Schedule();
                                        }
                                        Critical(*state);
                                      }});
  scenario->AddTask({.name = "waker",
                     .affinity = rt::Cpu(1),
                     .policy = rt::Policy::kFifo,
                     .rt_priority = 50,
                     .body = [state] {
                       rt::RaiseInterrupt(state->ipi, 0);
                       state->go = true;
                       rt::Point(rt::Op::kWrite, kFlag, 1, rt::kPointWrite);
                       rt::Wake(state->sleeper);
                       Critical(*state);
                     }});
  return scenario;
}

bool Has(const std::vector<rt::TraceRecord>& trace, rt::Op op) {
  for (const rt::TraceRecord& r : trace) {
    if (r.op == op) return true;
  }
  return false;
}

// One machine and the first missed-AA execution that also shows a wakeup and
// an IPI, found deterministically from seed 1.
class TimelineTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario_ = MakeScenario().release();
    machine_ = new rt::Machine(rt::MachineOptions{.record_full_trace = true});
    oracles_ = new check::Oracles();
    machine_->AddObserver(oracles_);
    result_ = new rt::ExecutionResult();
    sched::RandomSource random(1);
    for (uint64_t i = 0; i < 5000; ++i) {
      machine_->Run(*scenario_, random, i, result_);
      const auto& trace = machine_->full_trace();
      if (result_->verdict == Verdict::kMissedAa && Has(trace, rt::Op::kWake) &&
          Has(trace, rt::Op::kIrqExit) && Has(trace, rt::Op::kSwitch)) {
        found_ = true;
        break;
      }
    }
  }
  static void TearDownTestSuite() {
    delete result_;
    delete machine_;
    delete oracles_;
    delete scenario_;
  }
  void SetUp() override { ASSERT_TRUE(found_) << "no missed-AA with a wakeup and an IPI"; }

  TimelineInput Input() const {
    return TimelineInput{.scenario = *scenario_,
                         .machine = *machine_,
                         .trace = machine_->full_trace(),
                         .result = *result_,
                         .title = "timeline test: NMI AA on CPU 0",
                         .object_names = {{kLock, "timeline_lock"}, {kCounter, "counter"},
                                          {kFlag, "go"}}};
  }

  static rt::Scenario* scenario_;
  static rt::Machine* machine_;
  static check::Oracles* oracles_;
  static rt::ExecutionResult* result_;
  static bool found_;
};

rt::Scenario* TimelineTest::scenario_ = nullptr;
rt::Machine* TimelineTest::machine_ = nullptr;
check::Oracles* TimelineTest::oracles_ = nullptr;
rt::ExecutionResult* TimelineTest::result_ = nullptr;
bool TimelineTest::found_ = false;

// --- Swimlane ---------------------------------------------------------------

TEST_F(TimelineTest, SwimlaneHasCpuColumnsNmiAndFinding) {
  const std::string text = FormatSwimlane(Input(), {.max_rows = 80, .column_width = 44});
  // One header line with one column per CPU.
  const std::regex header("(^|\n)step +time +CPU0 +CPU1\n");
  EXPECT_TRUE(std::regex_search(text, header)) << text;
  EXPECT_NE(text.find("<NMI nmi:pmu@0>"), std::string::npos) << text;
  EXPECT_NE(text.find("<IRQ hardirq:ipi@0>"), std::string::npos) << text;
  EXPECT_NE(text.find("lock-acquired timeline_lock"), std::string::npos) << text;
  EXPECT_NE(text.find("lock-contended timeline_lock"), std::string::npos) << text;
  EXPECT_NE(text.find("wake task:sleeper"), std::string::npos) << text;
  EXPECT_NE(text.find("*** missed-AA ***"), std::string::npos) << text;
  // Spinning is folded: the run of spins under the NMI does not fit 80 rows.
  EXPECT_TRUE(std::regex_search(text, std::regex("\\.\\.\\. [0-9]+ spins"))) << text;
  size_t lines = 0;
  for (const char c : text) {
    lines += c == '\n';
    EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << "non-ASCII " << int(c);
  }
  // Events are always kept, so the cap is soft, but this trace fits it.
  EXPECT_LE(lines, 80u + 8u) << text;
  // The finding is on the last trace row, in the NMI's column (CPU 0).
  const size_t mark = text.find("*** missed-AA ***");
  const size_t line_start = text.rfind('\n', mark) + 1;
  const std::string line = text.substr(line_start, text.find('\n', mark) - line_start);
  EXPECT_NE(line.find("lock-failed timeline_lock -110 (ETIMEDOUT)"), std::string::npos) << line;

  // Unfolded, every record has a row.
  const std::string full = FormatSwimlane(Input(), {.max_rows = 0});
  EXPECT_EQ(full.find("spins ..."), std::string::npos);
}

// --- A strict JSON parser (RFC 8259), enough for the test ----------------------

struct Json;
using JsonObject = std::map<std::string, Json>;
using JsonArray = std::vector<Json>;
struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, JsonArray, JsonObject> v;
  bool is_object() const { return std::holds_alternative<JsonObject>(v); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  bool is_number() const { return std::holds_alternative<double>(v); }
  const JsonObject& object() const { return std::get<JsonObject>(v); }
  const JsonArray& array() const { return std::get<JsonArray>(v); }
  const std::string& str() const { return std::get<std::string>(v); }
  double num() const { return std::get<double>(v); }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : s_(text) {}
  bool Parse(Json* out) {
    Ws();
    if (!Value(out, 0)) return false;
    Ws();
    return pos_ == s_.size();
  }
  size_t pos() const { return pos_; }

 private:
  void Ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Lit(const char* word) {
    const std::string w(word);
    if (s_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }
  bool Value(Json* out, int depth) {
    if (depth > 64 || pos_ >= s_.size()) return false;
    const char c = s_[pos_];
    if (c == '{') return Object(out, depth);
    if (c == '[') return Array(out, depth);
    if (c == '"') {
      std::string str;
      if (!String(&str)) return false;
      out->v = std::move(str);
      return true;
    }
    if (c == 't') return Lit("true") && (out->v = true, true);
    if (c == 'f') return Lit("false") && (out->v = false, true);
    if (c == 'n') return Lit("null") && (out->v = nullptr, true);
    return Number(out);
  }
  bool Object(Json* out, int depth) {
    ++pos_;
    JsonObject obj;
    Ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      out->v = std::move(obj);
      return true;
    }
    for (;;) {
      Ws();
      std::string key;
      if (pos_ >= s_.size() || s_[pos_] != '"' || !String(&key)) return false;
      Ws();
      if (pos_ >= s_.size() || s_[pos_++] != ':') return false;
      Ws();
      Json value;
      if (!Value(&value, depth + 1)) return false;
      if (!obj.emplace(key, std::move(value)).second) return false;  // Duplicate key.
      Ws();
      if (pos_ >= s_.size()) return false;
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] != '}') return false;
      ++pos_;
      out->v = std::move(obj);
      return true;
    }
  }
  bool Array(Json* out, int depth) {
    ++pos_;
    JsonArray arr;
    Ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      out->v = std::move(arr);
      return true;
    }
    for (;;) {
      Ws();
      Json value;
      if (!Value(&value, depth + 1)) return false;
      arr.push_back(std::move(value));
      Ws();
      if (pos_ >= s_.size()) return false;
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] != ']') return false;
      ++pos_;
      out->v = std::move(arr);
      return true;
    }
  }
  bool String(std::string* out) {
    ++pos_;
    while (pos_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;  // Control characters must be escaped.
      if (c != '\\') {
        *out += static_cast<char>(c);
        continue;
      }
      if (pos_ >= s_.size()) return false;
      const char e = s_[pos_++];
      switch (e) {
        case '"': *out += '"'; break;
        case '\\': *out += '\\'; break;
        case '/': *out += '/'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return false;
          unsigned code = 0;
          for (int k = 0; k < 4; ++k) {
            const char h = s_[pos_++];
            code <<= 4;
            if (h >= '0' && h <= '9') code |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f') code |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') code |= static_cast<unsigned>(h - 'A' + 10);
            else return false;
          }
          *out += code < 0x80 ? static_cast<char>(code) : '?';
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool Number(Json* out) {
    const size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) return false;
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) return false;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[pos_]))) return false;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    out->v = std::strtod(s_.substr(start, pos_ - start).c_str(), nullptr);
    return true;
  }

  const std::string& s_;
  size_t pos_ = 0;
};

TEST(TimelineJsonParserTest, IsStrict) {
  Json j;
  EXPECT_TRUE(JsonParser(R"({"a":[1,-2.5e3,"x\n\u0041"],"b":null})").Parse(&j));
  EXPECT_EQ(j.object().at("a").array()[2].str(), "x\nA");
  for (const char* bad : {"{\"a\":1,}", "[1 2]", "{\"a\":01}", "\"a\tb\"", "{'a':1}",
                          "{\"a\":1}x", "{\"a\":1,\"a\":2}", "[.5]"}) {
    EXPECT_FALSE(JsonParser(bad).Parse(&j)) << bad;
  }
}

TEST_F(TimelineTest, TraceEventJsonFollowsTheFormat) {
  const std::string text = FormatTraceEventJson(Input());
  Json root;
  JsonParser parser(text);
  ASSERT_TRUE(parser.Parse(&root)) << "JSON error at byte " << parser.pos();
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root.object().at("displayTimeUnit").str(), "ns");
  const JsonArray& events = root.object().at("traceEvents").array();
  ASSERT_FALSE(events.empty());

  std::set<int> cpus_named;
  std::map<double, int> flow_starts;
  std::map<double, int> flow_ends;
  std::map<std::pair<double, double>, double> last_ts;  // Per (pid, tid).
  int lock_slices = 0;
  int nmi_slices = 0;
  int findings = 0;
  int contended = 0;
  for (const Json& e : events) {
    ASSERT_TRUE(e.is_object());
    const JsonObject& o = e.object();
    for (const char* key : {"name", "ph", "ts", "pid", "tid"}) {
      ASSERT_TRUE(o.count(key)) << "event without " << key;
    }
    ASSERT_TRUE(o.at("name").is_string());
    ASSERT_TRUE(o.at("ph").is_string());
    ASSERT_TRUE(o.at("ts").is_number());
    ASSERT_TRUE(o.at("pid").is_number());
    ASSERT_TRUE(o.at("tid").is_number());
    const std::string& ph = o.at("ph").str();
    const std::string& name = o.at("name").str();
    const double ts = o.at("ts").num();
    const std::pair<double, double> track{o.at("pid").num(), o.at("tid").num()};
    EXPECT_GE(ts, 0);
    if (ph != "M") {
      auto [it, inserted] = last_ts.emplace(track, ts);
      EXPECT_GE(ts, it->second) << "track not monotone at " << name;
      it->second = ts;
    }
    if (ph == "M") {
      ASSERT_TRUE(o.count("args"));
      if (name == "process_name") {
        const std::string& pname = o.at("args").object().at("name").str();
        EXPECT_EQ(pname, "CPU " + std::to_string(static_cast<int>(track.first)));
        cpus_named.insert(static_cast<int>(track.first));
      }
    } else if (ph == "X") {
      ASSERT_TRUE(o.count("dur") && o.at("dur").is_number()) << name;
      EXPECT_GE(o.at("dur").num(), 0) << name;
      const std::string cat = o.count("cat") ? o.at("cat").str() : "";
      if (cat == "lock") {
        ++lock_slices;
        EXPECT_EQ(name, "timeline_lock");
        EXPECT_EQ(o.at("args").object().at("lock").num(), 1);
      }
      if (cat == "context" && o.at("args").object().at("kind").str() == "nmi") ++nmi_slices;
    } else if (ph == "i") {
      ASSERT_TRUE(o.count("s") && o.at("s").is_string()) << name;
      if (name.rfind("finding: ", 0) == 0) {
        ++findings;
        EXPECT_EQ(o.at("s").str(), "g");
        EXPECT_EQ(name, "finding: missed-AA");
      } else if (name.rfind("contended ", 0) == 0) {
        ++contended;
      }
    } else if (ph == "s" || ph == "f") {
      ASSERT_TRUE(o.count("id") && o.at("id").is_number()) << name;
      auto& side = ph == "s" ? flow_starts : flow_ends;
      ++side[o.at("id").num()];
      if (ph == "f") {
        EXPECT_EQ(o.at("bp").str(), "e");
      }
    } else {
      ADD_FAILURE() << "unexpected phase " << ph;
    }
  }
  // X slices nest on every track (ts and dur are multiples of 0.01 us).
  std::map<std::pair<double, double>, std::vector<long long>> open_ends;
  for (const Json& e : events) {
    const JsonObject& o = e.object();
    if (o.at("ph").str() != "X") continue;
    const auto begin = std::llround(o.at("ts").num() * 100);
    const auto end = begin + std::llround(o.at("dur").num() * 100);
    auto& stack = open_ends[{o.at("pid").num(), o.at("tid").num()}];
    while (!stack.empty() && stack.back() <= begin) stack.pop_back();
    if (!stack.empty()) {
      EXPECT_LE(end, stack.back()) << "slice " << o.at("name").str() << " at " << begin
                                   << " overlaps its parent";
    }
    stack.push_back(end);
  }
  EXPECT_EQ(cpus_named, (std::set<int>{0, 1}));
  EXPECT_GT(lock_slices, 0);
  EXPECT_GT(nmi_slices, 0);
  EXPECT_GT(contended, 0);
  EXPECT_EQ(findings, 1);
  EXPECT_FALSE(flow_starts.empty());
  EXPECT_EQ(flow_starts, flow_ends);  // Every id begins once and ends once.
  for (const auto& [id, count] : flow_starts) EXPECT_EQ(count, 1) << id;
}

TEST_F(TimelineTest, JsonEscapesStrings) {
  TimelineInput input = Input();
  input.title = "quote \" backslash \\ newline \n tab \t bell \x07";
  input.object_names[kLock] = "lock \"a\"\\b";
  const std::string text = FormatTraceEventJson(input);
  Json root;
  ASSERT_TRUE(JsonParser(text).Parse(&root));
  EXPECT_EQ(root.object().at("otherData").object().at("title").str(),
            "quote \" backslash \\ newline \n tab \t bell \x07");
  EXPECT_NE(text.find(R"("name":"lock \"a\"\\b")"), std::string::npos);
}

// --- HTML -------------------------------------------------------------------

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST_F(TimelineTest, HtmlIsSelfContainedWithLanesNmiAndFinding) {
  const std::string html = FormatHtmlTimeline(Input());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* external : {"http://", "https://", "src=", "href=", "@import", "url(http",
                               "<script", "<link"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  EXPECT_EQ(Count(html, "class=\"cpu-lane\""), 2u);
  EXPECT_EQ(Count(html, "data-cpu=\"0\""), 1u);
  EXPECT_EQ(Count(html, "data-cpu=\"1\""), 1u);
  EXPECT_GT(Count(html, "class=\"ctx nmi\""), 0u);
  EXPECT_GT(Count(html, "class=\"ctx hardirq\""), 0u);
  EXPECT_GT(Count(html, "class=\"ctx task\""), 0u);
  EXPECT_GT(Count(html, "class=\"lock-hold\""), 0u);
  EXPECT_GT(Count(html, "class=\"lock-contended\""), 0u);
  EXPECT_GT(Count(html, "class=\"lock-failed\""), 0u);
  EXPECT_GT(Count(html, "class=\"flow wake\""), 0u);
  EXPECT_GT(Count(html, "class=\"flow ipi\""), 0u);
  EXPECT_EQ(Count(html, "id=\"finding\""), 1u);
  EXPECT_NE(html.find("finding: missed-AA"), std::string::npos);
  EXPECT_NE(html.find(internal::HtmlEscape(result_->message)), std::string::npos);
  EXPECT_EQ(Count(html, "id=\"legend\""), 1u);
  // Tags balance (a cheap well-formedness check of the SVG part).
  EXPECT_EQ(Count(html, "<g"), Count(html, "</g>"));
  EXPECT_EQ(Count(html, "<svg"), Count(html, "</svg>"));
}

// A long trace stays readable: folded rows and a capped page width.
TEST_F(TimelineTest, LongTracesAreFolded) {
  // The same trace repeated until it has more than 10k records.
  std::vector<rt::TraceRecord> big;
  const auto& trace = machine_->full_trace();
  while (big.size() < 10'000) {
    for (rt::TraceRecord r : trace) {
      if (r.op != rt::Op::kSpin && r.op != rt::Op::kRead) continue;
      r.step = big.size();
      big.push_back(r);
    }
  }
  for (rt::TraceRecord r : trace) {
    r.step = big.size();
    big.push_back(r);
  }
  rt::ExecutionResult result = *result_;
  result.steps = big.back().step;
  TimelineInput input = Input();
  const TimelineInput long_input{.scenario = input.scenario,
                                 .machine = input.machine,
                                 .trace = big,
                                 .result = result,
                                 .title = "long",
                                 .object_names = input.object_names};
  const std::string text = FormatSwimlane(long_input, {.max_rows = 200});
  EXPECT_LE(Count(text, "\n"), 200u + 8u);
  EXPECT_NE(text.find("*** missed-AA ***"), std::string::npos);
  const std::string html = FormatHtmlTimeline(long_input);
  const std::smatch m = [&] {
    std::smatch match;
    std::regex_search(html, match, std::regex("<svg width=\"([0-9.]+)\""));
    return match;
  }();
  ASSERT_FALSE(m.empty());
  EXPECT_LE(std::stod(m[1].str()), 1400 * 4 + 2000);
  EXPECT_GT(Count(html, "class=\"fold\""), 0u);
}

// Writes the pictures for people and for ci/browser-check.sh.
TEST_F(TimelineTest, WritesDemoFiles) {
  const char* dir = std::getenv("RTFUZZ_TIMELINE_DIR");
  const std::string base = (dir != nullptr && *dir != 0 ? std::string(dir) : testing::TempDir());
  const std::string stem = base + (base.empty() || base.back() == '/' ? "" : "/") + "timeline_demo";
  const TimelineInput input = Input();
  std::ofstream(stem + ".html") << FormatHtmlTimeline(input);
  std::ofstream(stem + ".json") << FormatTraceEventJson(input);
  std::ofstream(stem + ".txt") << FormatSwimlane(input);
  std::ifstream check(stem + ".html");
  EXPECT_TRUE(check.good()) << stem << ".html";
}

}  // namespace
}  // namespace rtfuzz::report
