#include "line_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

namespace p1sim {

bool write_paced(int fd, const p1enc::Bytes& bytes, int baud, volatile const int* stop) {
  size_t chunk = baud > 0 ? std::max<size_t>(1, static_cast<size_t>(baud) / 11 / 50) : bytes.size();  // 20 ms pieces
  for (size_t at = 0; at < bytes.size() && !*stop;) {
    size_t n = std::min(chunk, bytes.size() - at);
    ssize_t w = ::write(fd, bytes.data() + at, n);
    if (w < 0) {
      if (errno == EAGAIN || errno == EINTR) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      return false;
    }
    at += static_cast<size_t>(w);
    if (baud > 0) std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(w) * 11 * 1000000L / baud));
  }
  return true;
}

}  // namespace p1sim
