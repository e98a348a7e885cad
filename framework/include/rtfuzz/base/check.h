// framework/include/rtfuzz/base/check.h
//
// The two non-verdict failure channels (docs/architecture.md#failures):
//
//   RTFUZZ_CHECK(cond, msg)         A framework invariant. On in every build
//       type. On failure it prints the message and where the running machine
//       was (scenario, step, CPU, context), then aborts. Always an rtfuzz bug.
//   RTFUZZ_PRECONDITION(cond, msg)  The caller misused the rtfuzz API (a
//       scenario or harness bug, not a finding). Prints "[incorrect usage]"
//       and aborts.
//
// Bugs found in a target are never reported with these macros; they are
// Verdicts (rtfuzz/base/verdict.h).

#ifndef RTFUZZ_BASE_CHECK_H_
#define RTFUZZ_BASE_CHECK_H_

namespace rtfuzz::internal {

[[noreturn]] void CheckFailed(const char* kind, const char* expr,
                              const char* msg, const char* file, int line);

// Where the failure happened, printed after the message. The runtime installs
// one (it knows the scenario, step and context); null means "not in a run".
using FailureContextPrinter = void (*)(int fd);
void SetFailureContextPrinter(FailureContextPrinter printer);

}  // namespace rtfuzz::internal

#define RTFUZZ_CHECK(cond, msg)                                              \
  do {                                                                       \
    if (__builtin_expect(!(cond), 0))                                        \
      ::rtfuzz::internal::CheckFailed("internal error", #cond, (msg),        \
                                      __FILE__, __LINE__);                   \
  } while (0)

#define RTFUZZ_PRECONDITION(cond, msg)                                       \
  do {                                                                       \
    if (__builtin_expect(!(cond), 0))                                        \
      ::rtfuzz::internal::CheckFailed("incorrect usage", #cond, (msg),       \
                                      __FILE__, __LINE__);                   \
  } while (0)

#endif  // RTFUZZ_BASE_CHECK_H_
