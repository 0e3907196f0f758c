// What a streaming frame reader reports after consuming input.
#pragma once
#include <cstdint>

#include "p1/base/error.h"
#include "p1/base/span.h"

namespace p1 {

struct FrameEvent {
  enum class Kind : uint8_t { kNeedMore, kTelegram, kError };
  Kind kind = Kind::kNeedMore;
  Error error = Error::kNone;
  MutableByteSpan apdu;   // kTelegram: the reassembled APDU, valid until the next push()
  uint32_t frame = 0;     // 1-based number of the frame concerned (for messages)
  // kTelegram: an EN 13757-3 frame (C A CI header records), not a DLMS APDU.
  bool oms = false;

  // True for a telegram or an error, false for "need more input".
  explicit operator bool() const { return kind != Kind::kNeedMore; }
  static FrameEvent need_more() { return FrameEvent{}; }
  static FrameEvent telegram(MutableByteSpan apdu, uint32_t frame) {
    return FrameEvent{Kind::kTelegram, Error::kNone, apdu, frame, false};
  }
  static FrameEvent failure(Error error, uint32_t frame) { return FrameEvent{Kind::kError, error, {}, frame, false}; }
};

}  // namespace p1
