// Streaming reader for M-Bus long frames (EN 13757-2) carrying DLMS:
//   68 L L 68 | C A CI STSAP DTSAP data... | CS 16
// Fed bytes as they arrive (any chunking); finds frame starts, checks length,
// checksum and stop byte, reassembles multi-frame telegrams by CI field, and
// resynchronises after garbage or a broken frame by rescanning the bytes it
// buffered, so a good frame that followed a damaged one is never lost.
#pragma once
#include <cstdint>

#include "p1/config.h"
#include "p1/counters.h"
#include "p1/frame_event.h"

namespace p1 {

class MbusReader {
 public:
  static constexpr uint8_t kStart = 0x68;
  static constexpr uint8_t kStop = 0x16;
  static constexpr size_t kHeaderSize = 4;
  static constexpr size_t kMaxFrame = kHeaderSize + 255 + 2;

  explicit MbusReader(StreamCounters& counters) : counters_(counters) {}

  // Consumes bytes from the front of `input` until one event is ready or the
  // input is exhausted (kNeedMore). Call again with the rest of the input.
  FrameEvent push(ByteSpan& input);
  // End of input: reports a frame or telegram left incomplete, once.
  FrameEvent finish();
  void reset();

 private:
  FrameEvent on_frame();
  void drop_pending_until_next_start(size_t from);

  StreamCounters& counters_;
  uint8_t pending_[kMaxFrame];
  size_t pending_len_ = 0;
  bool header_ok_ = false;  // pending_ starts with a validated 4-byte header
  uint8_t telegram_[kMaxTelegram];
  size_t telegram_len_ = 0;
  bool assembling_ = false;
  uint32_t frame_number_ = 0;  // frames started (valid or not)
};

}  // namespace p1
