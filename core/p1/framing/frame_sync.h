// Streaming reader for every framing a meter's customer interface uses:
// M-Bus long frames, HDLC frames, or bare APDUs, all on the same stream and
// without being told which. Fed bytes as they arrive (any chunking), it finds
// frame starts, checks lengths and checksums, resynchronises after garbage or
// a broken frame by rescanning the bytes it buffered (so a good frame after a
// damaged one is never lost), reassembles multi-frame telegrams (M-Bus CI,
// HDLC segmentation) and General Block Transfer, and hands out whole APDUs.
#pragma once
#include <cstdint>

#include "p1/base/capacities.h"
#include "p1/pipeline/stream_counters.h"
#include "p1/framing/frame_event.h"
#include "p1/framing/frame_parsers.h"
#include "p1/framing/general_block_transfer.h"

namespace p1 {

class FrameSync {
 public:
  // Bare APDUs are looked for unless the stream shows framing there: inside
  // a framed stream a DB or 0F is a frame's content, not an APDU of its own.
  // Decided by what the stream shows around each byte, never once for good,
  // so noise that looks like a frame header cannot switch bare APDUs off:
  //  - within kFramedWindow bytes after a good M-Bus/HDLC frame;
  //  - inside a damaged frame that is certainly a frame (ParsedFrame::confirmed);
  //  - at the payload position of any damaged frame (its APDU may be damaged
  //    too, and without a tag nothing else would notice).
  static constexpr uint64_t kFramedWindow = 2 * kMaxFrameBytes;

  explicit FrameSync(StreamCounters& counters) : counters_(counters) {}

  // Consumes input and returns the next event. kNeedMore means the input is
  // used up and nothing buffered is complete: call push() until it says so.
  FrameEvent push(ByteSpan& input);
  // End of input: the remaining complete frames, then one report of what is
  // left incomplete. Call until kNeedMore.
  FrameEvent finish();
  // A new connection: drops buffered bytes, a telegram being reassembled and
  // what was learnt about the framing.
  void reset();
  // The framing of the last good frame (for status displays).
  Framing framing() const { return framing_; }

 private:
  static constexpr size_t kBlockedStarts = 8;

  ParsedFrame parse(ByteSpan view) const;
  bool bare_allowed(uint64_t offset) const;
  void on_broken(const ParsedFrame& frame, ByteSpan view);
  FrameEvent on_frame(const ParsedFrame& frame, Framing framing);
  FrameEvent on_telegram(MutableByteSpan apdu, uint32_t frame);
  ByteSpan pending() const { return ByteSpan(pending_ + start_, end_ - start_); }
  size_t skip_to_candidate(ByteSpan view, size_t from) const;
  bool is_candidate(uint8_t byte, uint64_t offset) const;
  void drop(size_t count, ByteSpan& input, bool direct);

  StreamCounters& counters_;
  uint8_t pending_[kMaxFrameBytes];
  size_t start_ = 0;
  size_t end_ = 0;
  uint8_t telegram_[kMaxTelegram];
  size_t telegram_len_ = 0;
  Framing assembling_ = Framing::kNone;  // framing of the telegram being reassembled
  bool telegram_oms_ = false;            // telegram_ holds an EN 13757-3 frame
  Framing framing_ = Framing::kNone;
  uint64_t consumed_ = 0;      // stream offset of the first byte not yet consumed
  bool framed_seen_ = false;   // a good M-Bus/HDLC frame was seen since reset()
  uint64_t framed_end_ = 0;    // stream offset just past the last one
  uint64_t bare_blocked_until_ = 0;                 // end of the last confirmed damaged frame
  uint64_t bare_blocked_at_[kBlockedStarts] = {};   // payload offsets of recent damaged frames (+1; 0 = none)
  size_t bare_blocked_next_ = 0;
  GbtAssembler gbt_;
  uint32_t frame_number_ = 0;
  bool finishing_ = false;
  bool truncation_reported_ = false;
  uint32_t deferred_frame_ = 0;  // a complete telegram waiting behind an error event
};

}  // namespace p1
