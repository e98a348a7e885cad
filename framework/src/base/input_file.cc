// framework/src/base/input_file.cc

#include "rtfuzz/base/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rtfuzz {
namespace {

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a FIFO, not a regular file";
  if (S_ISSOCK(mode)) return "is a socket, not a regular file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
  return "is not a regular file";
}

}  // namespace

bool ReadInputFile(const std::string& path, std::string* out, std::string* error) {
  const std::string quoted = "'" + path + "': ";
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    *error = quoted + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *error = quoted + KindOf(st.st_mode);
    return false;
  }
  // O_NONBLOCK: if the path was replaced by a FIFO since stat(), open()
  // does not wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    *error = quoted + std::strerror(errno);
    return false;
  }
  out->clear();
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = quoted + "read failed: " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

}  // namespace rtfuzz
