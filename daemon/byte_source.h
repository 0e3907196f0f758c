// Where a meter's bytes come from: a serial port, a TCP serial bridge, a file
// or stdin. The run loop polls fd() and calls read(); a source that fails is
// closed and reopened with backoff by the caller.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "config.h"

namespace p1d {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Opens (or reopens) the source; on failure returns a message for the log.
  virtual std::string open() = 0;
  virtual void close() = 0;
  virtual int fd() const = 0;
  // >0 bytes read; 0 = nothing now (try later; with POLLHUP the caller treats
  // the source as lost); -1 = lost (close and reopen);
  // -2 = finished for good (end of a file).
  virtual long read(uint8_t* buffer, size_t size) = 0;
  virtual std::string describe() const = 0;
};

std::unique_ptr<ByteSource> make_source(const MeterConfig& meter);

}  // namespace p1d
