#pragma once
#include "byte_source.h"

namespace p1d {

// A serial port set to raw mode with the meter's line settings (termios).
class SerialSource final : public ByteSource {
 public:
  explicit SerialSource(const MeterConfig& meter) : meter_(meter) {}
  ~SerialSource() override { close(); }
  std::string open() override;
  void close() override;
  int fd() const override { return fd_; }
  long read(uint8_t* buffer, size_t size) override;
  long write(const uint8_t* data, size_t size) override;
  std::string describe() const override;

 private:
  MeterConfig meter_;
  int fd_ = -1;
};

}  // namespace p1d
