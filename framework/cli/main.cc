// framework/cli/main.cc
//
// The `rtfuzz` executable: everything is in Main() (command.cc), which the
// CLI tests call directly. The build tells it where its fuzzers, seed
// corpora and build tree are (framework/cli/CMakeLists.txt); a user's
// program built by rtfuzz_add_target() gets the same main with its own.

#include <string>
#include <vector>

#include "rtfuzz/cli/cli.h"

#ifndef RTFUZZ_PROGRAM_NAME
#define RTFUZZ_PROGRAM_NAME "rtfuzz"
#endif
#ifndef RTFUZZ_FUZZERS_DIR
#define RTFUZZ_FUZZERS_DIR ""
#endif
#ifndef RTFUZZ_SEED_CORPORA_DIR
#define RTFUZZ_SEED_CORPORA_DIR ""
#endif
#ifndef RTFUZZ_BUILD_DIR
#define RTFUZZ_BUILD_DIR ""
#endif

int main(int argc, char** argv) {
  return rtfuzz::cli::RunCommandLine(std::vector<std::string>(argv + 1, argv + argc),
                                     {.program_name = RTFUZZ_PROGRAM_NAME,
                                      .fuzzers_dir = RTFUZZ_FUZZERS_DIR,
                                      .seed_corpora_dir = RTFUZZ_SEED_CORPORA_DIR,
                                      .build_dir = RTFUZZ_BUILD_DIR});
}
