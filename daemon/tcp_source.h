#pragma once
#include "byte_source.h"

namespace p1d {

// A TCP client to a serial-to-network bridge (ser2net, ESP-Link...):
// source = "tcp://host:port".
class TcpSource final : public ByteSource {
 public:
  TcpSource(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}
  ~TcpSource() override { close(); }
  std::string open() override;
  void close() override;
  int fd() const override { return fd_; }
  long read(uint8_t* buffer, size_t size) override;
  std::string describe() const override { return "tcp " + host_ + ":" + port_; }

 private:
  std::string host_, port_;
  int fd_ = -1;
};

}  // namespace p1d
