#include "tcp_source.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

namespace p1d {

namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<TcpSource::Address> addresses_of(const addrinfo* list) {
  std::vector<TcpSource::Address> out;
  for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
    if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
    TcpSource::Address address{};
    std::memcpy(&address.addr, a->ai_addr, a->ai_addrlen);
    address.length = a->ai_addrlen;
    out.push_back(address);
  }
  return out;
}

}  // namespace

// What the resolver thread hands back. The thread owns a reference, so the
// source may close, reopen or be destroyed while it still waits.
struct TcpSource::Resolution {
  std::mutex mutex;
  bool done = false;
  int rc = 0;
  std::vector<Address> addresses;
  int64_t started_ms = 0;
};

std::string TcpSource::open() {
  close();
  errors_.clear();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // answered from the text: never blocks
  addrinfo* result = nullptr;
  int rc = getaddrinfo(host_.c_str(), port_.c_str(), &hints, &result);
  if (rc == 0) {
    addresses_ = addresses_of(result);
    freeaddrinfo(result);
    next_address_ = 0;
    return connect_next();
  }
  // A name: resolved on a thread, unless the last one is still waiting for
  // its answer (a resolver that never answers costs one thread, not one per
  // retry).
  if (resolution_ == nullptr) {
    auto resolution = std::make_shared<Resolution>();
    resolution->started_ms = steady_ms();
    try {
      std::thread([resolution, host = host_, port = port_] {
        addrinfo thread_hints{};
        thread_hints.ai_family = AF_UNSPEC;
        thread_hints.ai_socktype = SOCK_STREAM;
        thread_hints.ai_flags = AI_ADDRCONFIG;
        addrinfo* list = nullptr;
        int status = getaddrinfo(host.c_str(), port.c_str(), &thread_hints, &list);
        std::lock_guard<std::mutex> lock(resolution->mutex);
        resolution->rc = status;
        if (status == 0) resolution->addresses = addresses_of(list);
        if (list != nullptr) freeaddrinfo(list);
        resolution->done = true;
      }).detach();
    } catch (const std::system_error& e) {
      return "cannot resolve " + host_ + ": " + e.what();
    }
    resolution_ = resolution;
  }
  state_ = State::kResolving;
  deadline_ms_ = steady_ms() + kResolveTimeoutMs;
  return {};
}

std::string TcpSource::connect_next() {
  while (next_address_ < addresses_.size()) {
    const Address& a = addresses_[next_address_++];
    int fd = socket(a.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      errors_ += std::string(": ") + std::strerror(errno);
      continue;
    }
    if (connect(fd, reinterpret_cast<const sockaddr*>(&a.addr), a.length) == 0) {
      fd_ = fd;
      state_ = State::kOpen;
      return {};
    }
    if (errno == EINPROGRESS) {
      fd_ = fd;
      state_ = State::kConnecting;
      deadline_ms_ = steady_ms() + kConnectTimeoutMs;
      return {};
    }
    errors_ += std::string(": ") + std::strerror(errno);
    ::close(fd);
  }
  state_ = State::kClosed;
  return "cannot connect to " + host_ + ":" + port_ + (errors_.empty() ? ": no address" : errors_);
}

std::string TcpSource::advance() {
  if (state_ == State::kResolving) {
    {
      // A reference of our own: resetting resolution_ below must not free
      // the mutex while it is held.
      std::shared_ptr<Resolution> resolution = resolution_;
      std::lock_guard<std::mutex> lock(resolution->mutex);
      if (resolution->done) {
        int rc = resolution->rc;
        addresses_ = std::move(resolution->addresses);
        resolution_.reset();  // the next open asks afresh
        if (rc != 0) {
          state_ = State::kClosed;
          return "cannot resolve " + host_ + ": " + gai_strerror(rc);
        }
        next_address_ = 0;
        return connect_next();
      }
    }
    if (steady_ms() < deadline_ms_) return {};
    // Still no answer: give up for now (the thread keeps waiting; the next
    // open takes its answer if it came).
    state_ = State::kClosed;
    return "cannot resolve " + host_ + ": no answer from the resolver for " +
           std::to_string(kResolveTimeoutMs / 1000) + " s";
  }
  if (state_ != State::kConnecting) return {};
  pollfd p{fd_, POLLOUT, 0};
  if (poll(&p, 1, 0) != 1) {
    if (steady_ms() < deadline_ms_) return {};
    errors_ += ": timed out";
    close_socket();
    return connect_next();
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) so_error = errno;
  if (so_error == 0) {
    state_ = State::kOpen;
    return {};
  }
  errors_ += std::string(": ") + std::strerror(so_error);
  close_socket();
  return connect_next();
}

void TcpSource::close_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void TcpSource::close() {
  close_socket();
  state_ = State::kClosed;
}

long TcpSource::read(uint8_t* buffer, size_t size) {
  ssize_t n = ::recv(fd_, buffer, size, 0);
  if (n > 0) return n;
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  return -1;  // closed by the bridge or broken
}

long TcpSource::write(const uint8_t* data, size_t size) {
  if (state_ != State::kOpen) return -1;
  ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
  return n < 0 ? -1 : n;
}

}  // namespace p1d
