#include "p1/mbus_reader.h"

#include <cstring>

#include "p1/cipher_apdu.h"

namespace p1 {

namespace {
constexpr size_t kCiOffset = 6;
constexpr size_t kApduOffset = 9;      // after C, A, CI, STSAP, DTSAP
constexpr uint8_t kCiLastSegment = 0x10;  // FIN bit; low nibble = sequence number
}  // namespace

void MbusReader::reset() {
  pending_len_ = 0;
  header_ok_ = false;
  telegram_len_ = 0;
  assembling_ = false;
}

void MbusReader::drop_pending_until_next_start(size_t from) {
  size_t next = from;
  while (next < pending_len_ && pending_[next] != kStart) ++next;
  counters_.skipped_bytes += static_cast<uint32_t>(next);
  std::memmove(pending_, pending_ + next, pending_len_ - next);
  pending_len_ -= next;
  header_ok_ = false;
}

FrameEvent MbusReader::push(ByteSpan& input) {
  for (;;) {
    if (pending_len_ == 0) {
      // Fast scan for a frame start; bytes before it are line noise.
      const void* hit = input.empty() ? nullptr : std::memchr(input.data(), kStart, input.size());
      size_t skip = hit ? static_cast<size_t>(static_cast<const uint8_t*>(hit) - input.data()) : input.size();
      counters_.bytes += static_cast<uint32_t>(skip);
      counters_.skipped_bytes += static_cast<uint32_t>(skip);
      input = input.subspan(skip);
      if (input.empty()) return FrameEvent::need_more();
    }
    size_t want = header_ok_ ? kHeaderSize + pending_[1] + 2u : kHeaderSize;
    if (pending_len_ < want) {
      size_t take = want - pending_len_;
      if (take > input.size()) take = input.size();
      std::memcpy(pending_ + pending_len_, input.data(), take);
      pending_len_ += take;
      counters_.bytes += static_cast<uint32_t>(take);
      input = input.subspan(take);
      if (pending_len_ < want) return FrameEvent::need_more();
    }
    if (!header_ok_) {
      // A valid header repeats L and has at least C, A, CI.
      if (pending_[3] != kStart || pending_[1] != pending_[2] || pending_[1] < 3) {
        drop_pending_until_next_start(1);
        continue;
      }
      header_ok_ = true;
      ++frame_number_;
      continue;  // now wait for the body
    }
    size_t length = pending_[1];
    uint8_t sum = 0;
    for (size_t i = kHeaderSize; i < kHeaderSize + length; ++i) sum = static_cast<uint8_t>(sum + pending_[i]);
    Error error = Error::kNone;
    if (sum != pending_[kHeaderSize + length]) {
      error = Error::kMbusChecksum;
    } else if (pending_[kHeaderSize + length + 1] != kStop) {
      error = Error::kMbusStopByte;
    }
    if (error != Error::kNone) {
      ++counters_.checksum_errors;
      uint32_t frame = frame_number_;
      drop_pending_until_next_start(1);
      return FrameEvent::failure(error, frame);
    }
    ++counters_.frames;
    FrameEvent event = on_frame();
    // Bytes buffered beyond this frame (after a rescan) belong to what follows.
    std::memmove(pending_, pending_ + want, pending_len_ - want);
    pending_len_ -= want;
    header_ok_ = false;
    if (pending_len_ > 0) drop_pending_until_next_start(0);
    if (event.kind != FrameEvent::Kind::kNeedMore) return event;
  }
}

FrameEvent MbusReader::on_frame() {
  size_t length = pending_[1];
  uint8_t ci = pending_[kCiOffset];
  // Frames without STSAP/DTSAP carry no DLMS data (e.g. control frames).
  if (length < kApduOffset - kHeaderSize) return FrameEvent::need_more();
  ByteSpan data(pending_ + kApduOffset, kHeaderSize + length - kApduOffset);
  uint32_t frame = frame_number_;

  bool first = (ci & 0x0F) == 0 && (ci == 0x00 || !assembling_);
  Error lost_previous = Error::kNone;
  if (first) {
    if (assembling_) lost_previous = Error::kTelegramTruncated;
    assembling_ = true;
    telegram_len_ = 0;
  } else if (!assembling_) {
    ++counters_.transport_errors;
    return FrameEvent::failure(Error::kSegmentWithoutStart, frame);
  }
  if (telegram_len_ + data.size() > kMaxTelegram) {
    ++counters_.transport_errors;
    assembling_ = false;
    return FrameEvent::failure(Error::kTelegramTooLarge, frame);
  }
  std::memcpy(telegram_ + telegram_len_, data.data(), data.size());
  telegram_len_ += data.size();
  if (lost_previous != Error::kNone) {
    // The new frame is kept; the telegram it interrupted is reported.
    ++counters_.transport_errors;
    return FrameEvent::failure(lost_previous, frame - 1);
  }

  // The APDU's own length decides completeness when it announces one: some
  // meters mark middle segments with CI 0x10, which also has the FIN bit.
  size_t announced = announced_cipher_apdu_size(ByteSpan(telegram_, telegram_len_));
  bool fin = (ci & kCiLastSegment) != 0;
  bool complete;
  if (announced != 0) {
    complete = telegram_len_ >= announced;
    if (!complete && fin && ci != kCiLastSegment) {
      assembling_ = false;
      ++counters_.transport_errors;
      return FrameEvent::failure(Error::kTelegramTruncated, frame);
    }
  } else {
    complete = fin;
  }
  if (!complete) return FrameEvent::need_more();
  assembling_ = false;
  ++counters_.telegrams;
  return FrameEvent::telegram(MutableByteSpan(telegram_, telegram_len_), frame);
}

FrameEvent MbusReader::finish() {
  bool partial_frame = header_ok_;  // a lone 0x68 of line noise is not a frame
  bool partial_telegram = assembling_;
  uint32_t frame = frame_number_;
  reset();
  if (partial_frame) {
    ++counters_.transport_errors;
    return FrameEvent::failure(Error::kFrameTruncated, frame);
  }
  if (partial_telegram) {
    ++counters_.transport_errors;
    return FrameEvent::failure(Error::kTelegramTruncated, frame);
  }
  return FrameEvent::need_more();
}

}  // namespace p1
