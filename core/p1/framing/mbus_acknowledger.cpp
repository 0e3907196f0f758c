#include "p1/framing/mbus_acknowledger.h"

namespace p1 {

namespace {
constexpr uint8_t kShortStart = 0x10;
constexpr uint8_t kLongStart = 0x68;
constexpr uint8_t kStop = 0x16;
constexpr uint8_t kFcb = 0x20;  // frame count bit: toggles between SND_UDs
const uint8_t kReply[1] = {MbusAcknowledger::kAck};
}  // namespace

ByteSpan MbusAcknowledger::reply() { return ByteSpan(kReply, sizeof kReply); }

void MbusAcknowledger::reset() {
  state_ = State::kHunt;
  header_size_ = 0;
}

bool MbusAcknowledger::addressed_to_us(uint8_t address) const {
  return address == address_ || address == kBroadcastAnswered;
}

bool MbusAcknowledger::feed(ByteSpan bytes) {
  bool due = false;
  for (uint8_t b : bytes) due = step(b) || due;
  return due;
}

bool MbusAcknowledger::rescan() {
  uint8_t replay[sizeof header_];
  uint8_t n = header_size_;
  for (uint8_t i = 0; i < n; ++i) replay[i] = header_[i];
  reset();
  bool due = false;
  for (uint8_t i = 1; i < n; ++i) due = step(replay[i]) || due;
  return due;
}

bool MbusAcknowledger::step(uint8_t b) {
  switch (state_) {
    case State::kHunt:
      if (b == kShortStart || b == kLongStart) {
        header_[0] = b;
        header_size_ = 1;
        state_ = b == kShortStart ? State::kShort : State::kLongHeader;
      }
      return false;
    case State::kShort: {
      header_[header_size_++] = b;
      if (header_size_ < 5) return false;
      // 10 C A CS 16
      const uint8_t c = header_[1], a = header_[2];
      if (header_[4] == kStop && static_cast<uint8_t>(c + a) == header_[3]) {
        reset();
        return c == kSndNke && addressed_to_us(a);
      }
      return rescan();
    }
    case State::kLongHeader:
      header_[header_size_++] = b;
      if (header_size_ == 2) return false;
      if (header_size_ == 3) {
        if (header_[2] == header_[1] && header_[1] >= 3) return false;
        return rescan();
      }
      if (b != kLongStart) return rescan();
      length_ = header_[1];
      body_seen_ = 0;
      sum_ = 0;
      state_ = State::kLongBody;
      return false;
    case State::kLongBody:
      if (body_seen_ == 0) control_ = b;
      if (body_seen_ == 1) frame_address_ = b;
      sum_ = static_cast<uint8_t>(sum_ + b);
      if (++body_seen_ == length_) state_ = State::kLongChecksum;
      return false;
    case State::kLongChecksum:
      checksum_ok_ = b == sum_;
      state_ = State::kLongStop;
      return false;
    case State::kLongStop: {
      // A long frame that fails here is not rescanned: its bytes are gone
      // (no buffer), and the meter repeats the telegram a second later.
      reset();
      return b == kStop && checksum_ok_ && (control_ & ~kFcb) == kSndUd && addressed_to_us(frame_address_);
    }
  }
  return false;
}

}  // namespace p1
