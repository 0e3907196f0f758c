#include "p1/device/store_forward/record_ring.h"

#include <cstring>

namespace p1 {

bool RecordRing::push(ByteSpan record) {
  size_t need = 2 + record.size();
  if (record.size() > 0xFFFF || need > storage_.size() - used()) return false;
  if (storage_.size() - tail_ < need) {
    // Move what is held to the start: a few hundred bytes, once per wrap.
    std::memmove(storage_.data(), storage_.data() + head_, used());
    tail_ -= head_;
    head_ = 0;
  }
  storage_[tail_] = static_cast<uint8_t>(record.size());
  storage_[tail_ + 1] = static_cast<uint8_t>(record.size() >> 8);
  std::memcpy(storage_.data() + tail_ + 2, record.data(), record.size());
  tail_ += need;
  ++count_;
  return true;
}

ByteSpan RecordRing::front() const {
  if (count_ == 0) return ByteSpan();
  size_t n = static_cast<size_t>(storage_[head_] | storage_[head_ + 1] << 8);
  return ByteSpan(storage_.data() + head_ + 2, n);
}

void RecordRing::pop() {
  if (count_ == 0) return;
  head_ += 2 + front().size();
  if (--count_ == 0) head_ = tail_ = 0;
}

}  // namespace p1
