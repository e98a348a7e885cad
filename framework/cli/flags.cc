// framework/cli/flags.cc
//
// The flag parser and help text, both generated from flags.def.

#include "flags.h"

#include <cerrno>
#include <cstdlib>

namespace rtfuzz::cli {
namespace {

bool ParseUint64(const std::string& text, uint64_t* out) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

bool ParseBool(const std::string& text, bool* out) {
  if (text == "1" || text == "true") return *out = true, true;
  if (text == "0" || text == "false") return *out = false, true;
  return false;
}

}  // namespace

bool ParseFlags(const std::vector<std::string>& args, Flags* flags,
                std::vector<std::string>* positional, std::string* error) {
  for (const std::string& arg : args) {
    if (arg.rfind("--", 0) != 0) {
      positional->push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    // A bare boolean flag (--fallback) means true, as in gflags.
    bool is_bool = false;
#define RTFUZZ_FLAG_STRING(flag, def, help)
#define RTFUZZ_FLAG_UINT64(flag, def, help)
#define RTFUZZ_FLAG_BOOL(flag, def, help) is_bool = is_bool || arg == "--" #flag;
#include "flags.def"
#undef RTFUZZ_FLAG_STRING
#undef RTFUZZ_FLAG_UINT64
#undef RTFUZZ_FLAG_BOOL
    if (eq == std::string::npos && !is_bool) {
      *error = "flag '" + arg + "' needs a value: " + arg + "=VALUE";
      return false;
    }
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const std::string value = eq == std::string::npos ? "true" : arg.substr(eq + 1);
    bool known = false;
    bool ok = true;
    const char* type = "";
#define RTFUZZ_FLAG_STRING(flag, def, help) \
  if (name == #flag) known = true, flags->flag = value;
#define RTFUZZ_FLAG_UINT64(flag, def, help) \
  if (name == #flag) known = true, type = "an unsigned integer", ok = ParseUint64(value, &flags->flag);
#define RTFUZZ_FLAG_BOOL(flag, def, help) \
  if (name == #flag) known = true, type = "true/false/1/0", ok = ParseBool(value, &flags->flag);
#include "flags.def"
#undef RTFUZZ_FLAG_STRING
#undef RTFUZZ_FLAG_UINT64
#undef RTFUZZ_FLAG_BOOL
    if (!known) {
      *error = "unknown flag '--" + name + "' (rtfuzz help lists the flags)";
      return false;
    }
    if (!ok) {
      *error = "--" + name + " expects " + type + ", got '" + value + "'";
      return false;
    }
    flags->given.push_back(name);
  }
  return true;
}

std::string FlagsHelp() {
  std::string out;
  auto line = [&out](const char* name, const std::string& def, const char* help) {
    std::string head = std::string("  --") + name + "=" + def;
    if (head.size() < 32) head.resize(32, ' ');
    out += head + " " + help + "\n";
  };
#define RTFUZZ_FLAG_STRING(flag, def, help) line(#flag, std::string("'") + def + "'", help);
#define RTFUZZ_FLAG_UINT64(flag, def, help) line(#flag, std::to_string(def), help);
#define RTFUZZ_FLAG_BOOL(flag, def, help) line(#flag, (def) ? "true" : "false", help);
#include "flags.def"
#undef RTFUZZ_FLAG_STRING
#undef RTFUZZ_FLAG_UINT64
#undef RTFUZZ_FLAG_BOOL
  return out;
}

}  // namespace rtfuzz::cli
