// Records (readings) waiting in RAM, oldest first, in a caller-provided byte
// area: each is a 2-byte length and its bytes, kept contiguous, so the
// front record can be read in place.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

class RecordRing {
 public:
  explicit RecordRing(MutableByteSpan storage) : storage_(storage) {}
  // False when the record does not fit next to what is held (nothing changes).
  bool push(ByteSpan record);
  bool empty() const { return count_ == 0; }
  size_t count() const { return count_; }
  ByteSpan front() const;
  void pop();
  // Bytes held, of storage().size().
  size_t used() const { return tail_ - head_; }

 private:
  MutableByteSpan storage_;
  size_t head_ = 0;
  size_t tail_ = 0;
  size_t count_ = 0;
};

}  // namespace p1
