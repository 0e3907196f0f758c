// The reader's side of an M-Bus link where the meter is the master and the
// reader a slave (EN 13757-2), as on Netz Oberoesterreich's AMIS meters: the
// meter searches with SND_NKE (10 40 F0 30 16) and then sends one SND_UD per
// second, each of which the reader acknowledges with the single character
// E5 within 0.5 s. This state machine sees every received byte and says when
// an E5 is due; the front-end writes it from the same loop that fed the
// bytes, before it waits again. Nothing but E5 is ever sent, and only for a
// SND_NKE or SND_UD with a valid checksum and stop byte addressed to the
// reader (or to 254, the broadcast every slave answers; never 255, the one
// no slave answers). It needs no buffer: a long frame's checksum is summed
// as it passes. An IR head that echoes our E5 back is harmless: E5 starts no
// frame. p1bridge probe reuses it with the line settings of probe/line_settings.h.
#pragma once
#include <cstdint>

#include "p1/base/span.h"

namespace p1 {

class MbusAcknowledger {
 public:
  static constexpr uint8_t kAck = 0xE5;
  static constexpr uint8_t kReaderAddress = 240;  // the AMIS specification's primary address
  static constexpr uint8_t kBroadcastAnswered = 254;
  static constexpr uint8_t kSndNke = 0x40;
  static constexpr uint8_t kSndUd = 0x53;  // 0x73 with the frame count bit

  explicit MbusAcknowledger(uint8_t address = kReaderAddress) : address_(address) {}

  // Consumes received bytes; true when an acknowledgement is due after them
  // (at most one: if several frames ended in one read, the meter waits only
  // for the last). Then send reply().
  bool feed(ByteSpan bytes);
  static ByteSpan reply();
  // A new connection: forget a frame begun on the old one.
  void reset();

 private:
  enum class State : uint8_t { kHunt, kShort, kLongHeader, kLongBody, kLongChecksum, kLongStop };
  // Processes one byte; true when a frame addressed to us ended with it.
  bool step(uint8_t byte);
  bool rescan();  // after a header that was not one: look again from its second byte
  bool addressed_to_us(uint8_t address) const;

  uint8_t address_;
  State state_ = State::kHunt;
  uint8_t header_[5] = {};  // short frame: 10 C A CS 16; long: 68 L L 68
  uint8_t header_size_ = 0;
  uint8_t length_ = 0;       // long frame: L
  uint8_t body_seen_ = 0;    // bytes of C..data seen
  uint8_t sum_ = 0;
  uint8_t control_ = 0;
  uint8_t frame_address_ = 0;
  bool checksum_ok_ = false;
};

}  // namespace p1
