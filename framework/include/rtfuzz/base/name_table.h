// framework/include/rtfuzz/base/name_table.h
//
// Stable names of a closed enum, as a table indexed by the enum's value:
// one lookup each way, shared by Verdict, DecisionKind, PmuEvent and Op.

#ifndef RTFUZZ_BASE_NAME_TABLE_H_
#define RTFUZZ_BASE_NAME_TABLE_H_

#include <cstddef>
#include <string_view>

namespace rtfuzz {

template <typename Enum, size_t N>
constexpr std::string_view NameOf(const std::string_view (&names)[N], Enum value) {
  const auto index = static_cast<size_t>(value);
  return index < N ? names[index] : "unknown";
}

template <typename Enum, size_t N>
bool ParseName(const std::string_view (&names)[N], std::string_view name, Enum* value) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) {
      *value = static_cast<Enum>(i);
      return true;
    }
  }
  return false;
}

}  // namespace rtfuzz

#endif  // RTFUZZ_BASE_NAME_TABLE_H_
