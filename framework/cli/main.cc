// framework/cli/main.cc
//
// The `rtfuzz` executable: everything is in Main() (command.cc), which the
// CLI tests call directly.

#include <string>
#include <vector>

#include "command.h"

int main(int argc, char** argv) {
  return rtfuzz::cli::Main(std::vector<std::string>(argv + 1, argv + argc));
}
