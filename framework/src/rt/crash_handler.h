// framework/src/rt/crash_handler.h
//
// A crash (abort(), SIGSEGV, ...) inside a fiber kills the process, but first
// it is reported with the scenario: which execution, step, CPU and context,
// and the decisions so far. The previous handlers (libFuzzer's, ASan's) are
// then run, so libFuzzer still saves the input.

#ifndef RTFUZZ_SRC_RT_CRASH_HANDLER_H_
#define RTFUZZ_SRC_RT_CRASH_HANDLER_H_

namespace rtfuzz::rt::internal {

// Installs the handlers once per process (later calls are free).
void InstallCrashHandlers();

}  // namespace rtfuzz::rt::internal

#endif  // RTFUZZ_SRC_RT_CRASH_HANDLER_H_
