#include "p1/frame_parsers.h"

#include "p1/axdr.h"
#include "p1/cipher_apdu.h"
#include "p1/crc16.h"

namespace p1 {

namespace {
ParsedFrame need_more() { return ParsedFrame(); }
ParsedFrame not_a_frame() {
  ParsedFrame f;
  f.kind = ParsedFrame::Kind::kNotAFrame;
  return f;
}
ParsedFrame broken(Error error) {
  ParsedFrame f;
  f.kind = ParsedFrame::Kind::kBroken;
  f.error = error;
  return f;
}
}  // namespace

// ---- M-Bus ----------------------------------------------------------------

namespace {
constexpr size_t kMbusHeader = 4;
constexpr size_t kMbusDlmsHeader = 5;  // C A CI STSAP DTSAP
constexpr size_t kT210Length = 257;    // what "68 01 01 68" really announces

uint8_t sum8(const uint8_t* p, size_t n) {
  uint8_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum = static_cast<uint8_t>(sum + p[i]);
  return sum;
}
}  // namespace

ParsedFrame parse_mbus_frame(ByteSpan b) {
  if (b.size() < kMbusHeader) return need_more();
  if (b[0] != 0x68 || b[3] != 0x68 || b[1] != b[2]) return not_a_frame();
  size_t length = b[1];
  // L = 1 cannot be a long frame (C, A and CI alone need 3): it is the T210-D
  // whose 257-byte length overflowed into one byte.
  if (length == 1) length = kT210Length;
  if (length < kMbusDlmsHeader) return not_a_frame();  // control frames carry no DLMS
  size_t total = kMbusHeader + length + 2;
  if (b.size() < total) return need_more();
  if (sum8(b.data() + kMbusHeader, length) != b[kMbusHeader + length]) return broken(Error::kMbusChecksum);
  if (b[kMbusHeader + length + 1] != 0x16) return broken(Error::kMbusStopByte);
  ParsedFrame f;
  f.kind = ParsedFrame::Kind::kFrame;
  f.length = total;
  f.ci = b[kMbusHeader + 2];
  f.payload = b.subspan(kMbusHeader + kMbusDlmsHeader, length - kMbusDlmsHeader);
  // CI: low nibble = segment number, 0x10 = last segment. The telegram
  // assembler refines this with the APDU's own length.
  f.first_segment = (f.ci & 0x0F) == 0;
  f.last_segment = (f.ci & 0x10) != 0;
  return f;
}

// ---- HDLC -----------------------------------------------------------------

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
  if (b.size() < 3) return need_more();
  if (b[0] != kFlag || (b[1] & 0xF0) != 0xA0) return not_a_frame();
  size_t length = static_cast<size_t>(b[1] & 0x07) << 8 | b[2];  // format field .. FCS
  if (length < 7) return not_a_frame();
  size_t total = 1 + length;  // opening flag + frame (closing flag not consumed)
  size_t fcs_at = total - 2;
  // Check the header (and its HCS) as soon as it is complete, so noise that
  // starts with 7E Ax is dropped without waiting for its claimed length.
  size_t header_needed = total < kHdlcMaxHeader ? total : kHdlcMaxHeader;
  if (b.size() < header_needed) return need_more();
  ByteSpan head = b.first(fcs_at);
  size_t pos = 3;
  size_t dst = address_length(head, pos);
  if (dst == 0) return not_a_frame();
  pos += dst;
  size_t src = address_length(head, pos);
  if (src == 0) return not_a_frame();
  pos += src;
  ++pos;  // control
  size_t info = pos;
  if (pos < fcs_at) {
    // An information field follows: the header has its own check sequence.
    if (pos + 2 > fcs_at) return not_a_frame();
    if (crc16_x25(b.subspan(1, pos - 1)) != le16(b.data() + pos)) return not_a_frame();
    info = pos + 2;
  }
  if (b.size() < total) return need_more();
  if (crc16_x25(b.subspan(1, length - 2)) != le16(b.data() + fcs_at)) return broken(Error::kHdlcFcs);
  ParsedFrame f;
  f.kind = ParsedFrame::Kind::kFrame;
  f.length = total;
  ByteSpan payload = b.subspan(info, fcs_at - info);
  // LLC header (E6 E7 00) opens the first segment of a response.
  f.first_segment = payload.size() >= 3 && payload[0] == 0xE6 && payload[1] == 0xE7 && payload[2] == 0x00;
  if (f.first_segment) payload = payload.subspan(3);
  f.payload = payload;
  f.last_segment = (b[1] & 0x08) == 0;  // segmentation bit
  return f;
}

// ---- bare APDU ------------------------------------------------------------

ParsedFrame parse_bare_apdu(ByteSpan b) {
  if (b.empty()) return need_more();
  ParsedFrame f;
  f.kind = ParsedFrame::Kind::kFrame;
  if (b[0] == kTagGeneralGloCiphering || b[0] == kTagGeneralDedCiphering) {
    if (b.size() < 2) return need_more();
    if (b[1] != kSystemTitleSize) return not_a_frame();
    size_t size = announced_cipher_apdu_size(b);
    if (size == 0) return b.size() < 2 + kSystemTitleSize + 5 ? need_more() : not_a_frame();
    if (size > kMaxFrameBytes) return not_a_frame();
    // A system title starts with the manufacturer's three-letter FLAG id;
    // requiring it keeps a stray DB 08 in line noise from posing as an APDU.
    for (size_t i = 2; i < 5 && i < b.size(); ++i) {
      if (b[i] < 'A' || b[i] > 'Z') return not_a_frame();
    }
    if (b.size() < size) return need_more();
    f.length = size;
    f.payload = b.first(size);
    return f;
  }
  if (b[0] == 0x0F) {
    // Plaintext data-notification: 0F, invoke id (4), date-time, one value.
    if (b.size() < 7) return need_more();
    size_t pos = 5;
    if (b[pos] == 0x09) ++pos;
    if (b[pos] != 0x00 && b[pos] != 0x0C) return not_a_frame();
    pos += 1 + b[pos];
    if (b.size() <= pos) return need_more();
    if (b[pos] != static_cast<uint8_t>(AxdrType::kStructure) && b[pos] != static_cast<uint8_t>(AxdrType::kArray)) {
      return not_a_frame();
    }
    AxdrReader reader(b.subspan(pos));
    Error e = reader.skip();
    if (e == Error::kApduTruncated) return b.size() < kMaxFrameBytes ? need_more() : not_a_frame();
    if (e != Error::kNone) return not_a_frame();
    f.length = pos + reader.position();
    f.payload = b.first(f.length);
    return f;
  }
  return not_a_frame();
}

}  // namespace p1
