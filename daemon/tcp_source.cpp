#include "tcp_source.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace p1d {

std::string TcpSource::open() {
  close();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc = getaddrinfo(host_.c_str(), port_.c_str(), &hints, &result);
  if (rc != 0) return "cannot resolve " + host_ + ": " + gai_strerror(rc);
  std::string error = "cannot connect to " + host_ + ":" + port_;
  for (addrinfo* a = result; a != nullptr; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      error += std::string(": ") + std::strerror(errno);
      ::close(fd);
      continue;
    }
    // Wait at most 3 s for the connection, so other meters keep flowing.
    pollfd p{fd, POLLOUT, 0};
    int so_error = ETIMEDOUT;
    socklen_t len = sizeof so_error;
    if (poll(&p, 1, 3000) == 1) getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      error += std::string(": ") + std::strerror(so_error);
      ::close(fd);
      continue;
    }
    fd_ = fd;
    freeaddrinfo(result);
    return {};
  }
  freeaddrinfo(result);
  return error;
}

void TcpSource::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

long TcpSource::read(uint8_t* buffer, size_t size) {
  ssize_t n = ::recv(fd_, buffer, size, 0);
  if (n > 0) return n;
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  return -1;  // closed by the bridge or broken
}

}  // namespace p1d
