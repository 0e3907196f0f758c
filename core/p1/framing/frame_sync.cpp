#include "p1/framing/frame_sync.h"

#include <cstring>

#include "p1/dlms/cipher_apdu.h"
#include "p1/framing/oms_header.h"

namespace p1 {

namespace {
constexpr uint8_t kMbusStart = 0x68;
constexpr uint8_t kHdlcFlag = 0x7E;
constexpr uint8_t kCiLastSegment = 0x10;
// Fewer buffered bytes than this at the end of input is line noise, not a frame.
constexpr size_t kMinTruncatedFrame = 7;

bool starts_apdu(ByteSpan payload) {
  if (payload.empty()) return false;
  uint8_t tag = payload[0];
  return tag == kTagGeneralGloCiphering || tag == kTagGeneralDedCiphering || tag == 0x0F ||
         tag == kTagGeneralBlockTransfer;
}
}  // namespace

void FrameSync::reset() {
  start_ = end_ = 0;
  telegram_len_ = 0;
  assembling_ = Framing::kNone;
  gbt_.reset();
  finishing_ = false;
  truncation_reported_ = false;
  deferred_frame_ = 0;
  consumed_ = 0;
  framed_seen_ = false;
  framed_end_ = 0;
  bare_blocked_until_ = 0;
  for (uint64_t& at : bare_blocked_at_) at = 0;
  bare_blocked_next_ = 0;
}

bool FrameSync::bare_allowed(uint64_t offset) const {
  if (offset < bare_blocked_until_) return false;
  for (uint64_t at : bare_blocked_at_) {
    if (at == offset + 1) return false;
  }
  return !framed_seen_ || offset < framed_end_ || offset - framed_end_ >= kFramedWindow;
}

void FrameSync::on_broken(const ParsedFrame& f, ByteSpan view) {
  if (f.confirmed && consumed_ + f.length > bare_blocked_until_) bare_blocked_until_ = consumed_ + f.length;
  if (f.payload.data() != nullptr && f.payload.data() >= view.data()) {
    bare_blocked_at_[bare_blocked_next_] = consumed_ + static_cast<uint64_t>(f.payload.data() - view.data()) + 1;
    bare_blocked_next_ = (bare_blocked_next_ + 1) % kBlockedStarts;
  }
}

bool FrameSync::is_candidate(uint8_t b, uint64_t offset) const {
  if (b == kMbusStart || b == kHdlcFlag) return true;
  return (b == kTagGeneralGloCiphering || b == kTagGeneralDedCiphering || b == 0x0F) && bare_allowed(offset);
}

size_t FrameSync::skip_to_candidate(ByteSpan view, size_t from) const {
  size_t i = from;
  while (i < view.size() && !is_candidate(view[i], consumed_ + i)) ++i;
  return i;
}

void FrameSync::drop(size_t count, ByteSpan& input, bool direct) {
  consumed_ += count;
  if (direct) {
    counters_.bytes += static_cast<uint32_t>(count);
    input = input.subspan(count);
  } else {
    start_ += count;
    if (start_ == end_) start_ = end_ = 0;
  }
}

ParsedFrame FrameSync::parse(ByteSpan view) const {
  switch (view[0]) {
    case kMbusStart:
      return parse_mbus_frame(view);
    case kHdlcFlag:
      return parse_hdlc_frame(view);
    default:
      if (bare_allowed(consumed_)) return parse_bare_apdu(view);
      ParsedFrame none;
      none.kind = ParsedFrame::Kind::kNotAFrame;
      return none;
  }
}

FrameEvent FrameSync::on_telegram(MutableByteSpan apdu, uint32_t frame) {
  assembling_ = Framing::kNone;
  if (telegram_oms_) {
    ++counters_.telegrams;
    FrameEvent event = FrameEvent::telegram(apdu, frame);
    event.oms = true;
    return event;
  }
  if (!apdu.empty() && apdu[0] == kTagGeneralBlockTransfer) {
    Error error = Error::kNone;
    switch (gbt_.add(apdu, error)) {
      case GbtAssembler::Status::kNeedMore:
        return FrameEvent::need_more();
      case GbtAssembler::Status::kError:
        ++counters_.transport_errors;
        return FrameEvent::failure(error, frame);
      case GbtAssembler::Status::kComplete:
        ++counters_.telegrams;
        return FrameEvent::telegram(gbt_.apdu(), frame);
    }
  }
  ++counters_.telegrams;
  return FrameEvent::telegram(apdu, frame);
}

FrameEvent FrameSync::on_frame(const ParsedFrame& f, Framing framing) {
  ++counters_.frames;
  framing_ = framing;
  uint32_t frame = frame_number_;

  bool first;
  const bool oms = framing == Framing::kMbus && is_oms_ci(f.ci);
  if (oms) {
    first = true;
  } else if (framing == Framing::kMbus) {
    first = f.first_segment && (f.ci == 0x00 || assembling_ == Framing::kNone);
  } else if (framing == Framing::kHdlc) {
    // E450 block-transfer frames carry no LLC header but stand alone.
    first = f.first_segment || (assembling_ == Framing::kNone && starts_apdu(f.payload));
  } else {
    first = true;
  }
  Error lost_previous = Error::kNone;
  if (first) {
    if (assembling_ != Framing::kNone) lost_previous = Error::kTelegramTruncated;
    assembling_ = framing;
    telegram_len_ = 0;
    telegram_oms_ = oms;
  } else if (assembling_ != framing) {
    ++counters_.transport_errors;
    return FrameEvent::failure(Error::kSegmentWithoutStart, frame);
  }
  if (telegram_len_ + f.payload.size() > kMaxTelegram) {
    ++counters_.transport_errors;
    assembling_ = Framing::kNone;
    return FrameEvent::failure(Error::kTelegramTooLarge, frame);
  }
  std::memcpy(telegram_ + telegram_len_, f.payload.data(), f.payload.size());
  telegram_len_ += f.payload.size();
  bool complete = f.last_segment || oms;
  if (framing == Framing::kMbus && !oms) {
    // The APDU's own length decides when it announces one: some meters mark
    // middle segments with CI 0x10, which also has the FIN bit.
    size_t announced = announced_cipher_apdu_size(ByteSpan(telegram_, telegram_len_));
    if (announced != 0) {
      complete = telegram_len_ >= announced;
      if (!complete && f.last_segment && f.ci != kCiLastSegment && lost_previous == Error::kNone) {
        assembling_ = Framing::kNone;
        ++counters_.transport_errors;
        return FrameEvent::failure(Error::kTelegramTruncated, frame);
      }
    }
  }
  if (lost_previous != Error::kNone) {
    // The telegram this frame interrupted is reported now; the new one, if
    // already complete, at the next push().
    ++counters_.transport_errors;
    if (complete) deferred_frame_ = frame;
    return FrameEvent::failure(lost_previous, frame - 1);
  }
  if (!complete) return FrameEvent::need_more();
  return on_telegram(MutableByteSpan(telegram_, telegram_len_), frame);
}

FrameEvent FrameSync::push(ByteSpan& input) {
  if (deferred_frame_ != 0) {
    uint32_t frame = deferred_frame_;
    deferred_frame_ = 0;
    FrameEvent event = on_telegram(MutableByteSpan(telegram_, telegram_len_), frame);
    if (event.kind != FrameEvent::Kind::kNeedMore) return event;
  }
  for (;;) {
    bool direct = start_ == end_;
    if (direct) {
      // Nothing buffered: parse straight from the caller's bytes (no copy).
      start_ = end_ = 0;
      size_t skip = skip_to_candidate(input, 0);
      counters_.skipped_bytes += static_cast<uint32_t>(skip);
      drop(skip, input, true);
      if (input.empty()) return FrameEvent::need_more();
    } else if (!input.empty() && !finishing_) {
      if (start_ > 0 && sizeof pending_ - end_ < input.size()) {
        std::memmove(pending_, pending_ + start_, end_ - start_);
        end_ -= start_;
        start_ = 0;
      }
      size_t take = sizeof pending_ - end_;
      if (take > input.size()) take = input.size();
      std::memcpy(pending_ + end_, input.data(), take);
      end_ += take;
      counters_.bytes += static_cast<uint32_t>(take);
      input = input.subspan(take);
    }
    ByteSpan view = direct ? input : pending();
    ParsedFrame f = parse(view);
    size_t advance = 0;
    FrameEvent event;
    switch (f.kind) {
      case ParsedFrame::Kind::kNeedMore:
        if (direct && input.size() <= sizeof pending_) {
          // Every parser asks for at most kMaxFrameBytes, so this always fits.
          std::memcpy(pending_, input.data(), input.size());
          start_ = 0;
          end_ = input.size();
          counters_.bytes += static_cast<uint32_t>(input.size());
          input = input.subspan(input.size());
          return FrameEvent::need_more();
        }
        if (direct) {
          advance = 1;
          break;
        }
        if (!input.empty() && end_ - start_ < sizeof pending_) continue;  // top up and retry
        if (!finishing_ && end_ - start_ < sizeof pending_) return FrameEvent::need_more();
        // End of input (or a full buffer): the candidate cannot complete.
        if (finishing_ && !truncation_reported_ && view.size() >= kMinTruncatedFrame) {
          truncation_reported_ = true;
          ++counters_.transport_errors;
          event = FrameEvent::failure(Error::kFrameTruncated, frame_number_ + 1);
        }
        advance = 1;
        break;
      case ParsedFrame::Kind::kNotAFrame:
        advance = 1;
        break;
      case ParsedFrame::Kind::kBroken:
        on_broken(f, view);
        ++frame_number_;
        ++counters_.checksum_errors;
        event = FrameEvent::failure(f.error, frame_number_);
        advance = 1;  // rescan: a good frame may start inside the broken one
        break;
      case ParsedFrame::Kind::kFrame: {
        ++frame_number_;
        Framing framing = view[0] == kMbusStart ? Framing::kMbus
                          : view[0] == kHdlcFlag ? Framing::kHdlc
                                                 : Framing::kBareApdu;
        if (framing != Framing::kBareApdu) {
          framed_seen_ = true;
          framed_end_ = consumed_ + f.length;
        }
        event = on_frame(f, framing);
        advance = f.length;
        break;
      }
    }
    // Drop what was consumed and any noise up to the next candidate start.
    size_t next = skip_to_candidate(view, advance);
    size_t noise = next - advance;
    counters_.skipped_bytes += static_cast<uint32_t>(f.kind == ParsedFrame::Kind::kFrame ? noise : next);
    drop(next, input, direct);
    if (event.kind != FrameEvent::Kind::kNeedMore) return event;
  }
}

FrameEvent FrameSync::finish() {
  finishing_ = true;
  ByteSpan none;
  while (start_ != end_ || deferred_frame_ != 0) {
    FrameEvent event = push(none);
    if (event.kind != FrameEvent::Kind::kNeedMore) return event;
  }
  bool partial = assembling_ != Framing::kNone;
  uint32_t frame = frame_number_;
  bool reported = truncation_reported_;
  reset();
  if (partial && !reported) {
    ++counters_.transport_errors;
    return FrameEvent::failure(Error::kTelegramTruncated, frame);
  }
  return FrameEvent::need_more();
}

}  // namespace p1
