#include "p1/framing/frame_parsers.h"

#include "p1/framing/crc16.h"

namespace p1 {

namespace {
constexpr uint8_t kFlag = 0x7E;
constexpr size_t kHdlcMaxHeader = 1 + 2 + 4 + 4 + 1 + 2;  // flag format dst src ctrl HCS

// HDLC address: 1, 2 or 4 bytes, the last one with bit 0 set. Returns its
// length, 0 if invalid.
size_t address_length(ByteSpan b, size_t at) {
  for (size_t n = 1; n <= 4 && at + n <= b.size(); ++n) {
    if (b[at + n - 1] & 1) return (n == 3) ? 0 : n;
  }
  return 0;
}

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
}  // namespace

ParsedFrame parse_hdlc_frame(ByteSpan b) {
  if (b.size() < 3) return ParsedFrame::need_more();
  if (b[0] != kFlag || (b[1] & 0xF0) != 0xA0) return ParsedFrame::not_a_frame();
  size_t length = static_cast<size_t>(b[1] & 0x07) << 8 | b[2];  // format field .. FCS
  if (length < 7) return ParsedFrame::not_a_frame();
  size_t total = 1 + length;  // opening flag + frame (closing flag not consumed)
  size_t fcs_at = total - 2;
  // Check the header (and its HCS) as soon as it is complete, so noise that
  // starts with 7E Ax is dropped without waiting for its claimed length.
  size_t header_needed = total < kHdlcMaxHeader ? total : kHdlcMaxHeader;
  if (b.size() < header_needed) return ParsedFrame::need_more();
  ByteSpan head = b.first(fcs_at);
  size_t pos = 3;
  size_t dst = address_length(head, pos);
  if (dst == 0) return ParsedFrame::not_a_frame();
  pos += dst;
  size_t src = address_length(head, pos);
  if (src == 0) return ParsedFrame::not_a_frame();
  pos += src;
  ++pos;  // control
  // The control byte must lie before the FCS: addresses running into the
  // check sequence are noise, and an information field cannot end before it
  // starts.
  if (pos > fcs_at) return ParsedFrame::not_a_frame();
  size_t info = pos;
  bool header_checked = false;
  if (pos < fcs_at) {
    // An information field follows: the header has its own check sequence.
    if (pos + 2 > fcs_at) return ParsedFrame::not_a_frame();
    if (crc16_x25(b.subspan(1, pos - 1)) != le16(b.data() + pos)) return ParsedFrame::not_a_frame();
    info = pos + 2;
    header_checked = true;
  }
  if (b.size() < total) return ParsedFrame::need_more();
  ByteSpan payload = b.subspan(info, fcs_at - info);
  // LLC header (E6 E7 00) opens the first segment of a response.
  bool llc = payload.size() >= 3 && payload[0] == 0xE6 && payload[1] == 0xE7 && payload[2] == 0x00;
  if (llc) payload = payload.subspan(3);
  if (crc16_x25(b.subspan(1, length - 2)) != le16(b.data() + fcs_at)) {
    // With an information field the header's own check held: a real frame, damaged.
    return ParsedFrame::broken(Error::kHdlcFcs, total, payload, header_checked);
  }
  ParsedFrame f;
  f.kind = ParsedFrame::Kind::kFrame;
  f.length = total;
  f.first_segment = llc;
  f.payload = payload;
  f.last_segment = (b[1] & 0x08) == 0;  // segmentation bit
  return f;
}

}  // namespace p1
