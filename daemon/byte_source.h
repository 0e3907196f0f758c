// Where a meter's bytes come from: a serial port, a TCP serial bridge, a file
// or stdin. The run loop waits on fd() and calls read(); a source that fails
// is closed and reopened with backoff by the caller. Nothing here may block:
// every meter shares one thread.
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
  // An open that needs to wait (a TCP connection: the name, the handshake)
  // returns "" with connecting() true.
  virtual std::string open() = 0;
  virtual void close() = 0;
  // What to wait on: the open source, or while connecting() the socket to
  // wait for writability on (-1 while there is none yet: a name resolving).
  virtual int fd() const = 0;
  virtual bool connecting() const { return false; }
  // Continues a connecting() open, when fd() is writable or failed, and on
  // the caller's timer: "" while still connecting or once open; else why it
  // failed (then closed). It may close fd() and return another descriptor.
  virtual std::string advance() { return {}; }
  // >0 bytes read; 0 = nothing now (try later; with POLLHUP the caller treats
  // the source as lost); -1 = lost (close and reopen);
  // -2 = finished for good (end of a file).
  virtual long read(uint8_t* buffer, size_t size) = 0;
  // Sends bytes to the meter (the E5 an AMIS meter waits for); never blocks.
  // The number written, or -1 when this source cannot write (a file) or the
  // write failed.
  virtual long write(const uint8_t* data, size_t size) {
    (void)data;
    (void)size;
    return -1;
  }
  virtual std::string describe() const = 0;
};

std::unique_ptr<ByteSource> make_source(const MeterConfig& meter);

}  // namespace p1d
