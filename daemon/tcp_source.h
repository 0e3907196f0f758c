#pragma once
#include <sys/socket.h>

#include <memory>
#include <vector>

#include "byte_source.h"

namespace p1d {

// A TCP client to a serial-to-network bridge (ser2net, ESP-Link...):
// source = "tcp://host:port". Opening never blocks the run loop: a numeric
// address is used as it is, a name is resolved on a thread of this source
// (at most one at a time, even if the resolver never answers), and the
// connection is made with a non-blocking connect() whose completion the loop
// sees as writability. So one bridge that is down, slow or unresolvable never
// delays the other meters.
class TcpSource final : public ByteSource {
 public:
  static constexpr int64_t kConnectTimeoutMs = 5000;   // per address
  static constexpr int64_t kResolveTimeoutMs = 30000;  // then "no answer", and retried with backoff

  TcpSource(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}
  ~TcpSource() override { close(); }
  std::string open() override;
  void close() override;
  int fd() const override { return fd_; }
  bool connecting() const override { return state_ == State::kResolving || state_ == State::kConnecting; }
  std::string advance() override;
  long read(uint8_t* buffer, size_t size) override;
  long write(const uint8_t* data, size_t size) override;
  std::string describe() const override { return "tcp " + host_ + ":" + port_; }

  struct Address {
    sockaddr_storage addr;
    socklen_t length;
  };
  struct Resolution;  // shared with the resolver thread

 private:
  enum class State { kClosed, kResolving, kConnecting, kOpen };
  std::string connect_next();
  void close_socket();

  std::string host_, port_;
  int fd_ = -1;
  State state_ = State::kClosed;
  std::vector<Address> addresses_;
  size_t next_address_ = 0;
  int64_t deadline_ms_ = 0;
  std::string errors_;  // why each address failed, for the log
  std::shared_ptr<Resolution> resolution_;
};

}  // namespace p1d
