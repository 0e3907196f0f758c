#include "p1/framing/frame_parsers.h"
#include "p1/framing/oms_header.h"


namespace p1 {

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
  if (b.size() < kMbusHeader) return ParsedFrame::need_more();
  if (b[0] != 0x68 || b[3] != 0x68 || b[1] != b[2]) return ParsedFrame::not_a_frame();
  size_t length = b[1];
  // L = 1 cannot be a long frame (C, A and CI alone need 3): it is the T210-D
  // whose 257-byte length overflowed into one byte.
  if (length == 1) length = kT210Length;
  if (length < kMbusDlmsHeader) return ParsedFrame::not_a_frame();  // control frames carry no DLMS
  size_t total = kMbusHeader + length + 2;
  if (b.size() < total) return ParsedFrame::need_more();
  const uint8_t ci = b[kMbusHeader + 2];
  // EN 13757-3 frames (AMIS) carry data records after their application
  // header: the decoder gets C A CI header data, not a DLMS APDU.
  const bool oms = is_oms_ci(ci);
  ByteSpan payload = oms ? b.subspan(kMbusHeader, length)
                         : b.subspan(kMbusHeader + kMbusDlmsHeader, length - kMbusDlmsHeader);
  bool stop_byte = b[kMbusHeader + length + 1] == 0x16;
  if (sum8(b.data() + kMbusHeader, length) != b[kMbusHeader + length]) {
    return ParsedFrame::broken(Error::kMbusChecksum, total, payload, stop_byte);
  }
  if (!stop_byte) return ParsedFrame::broken(Error::kMbusStopByte, total, payload, true);
  ParsedFrame f;
  f.kind = ParsedFrame::Kind::kFrame;
  f.length = total;
  f.ci = ci;
  f.payload = payload;
  if (oms) return f;  // one frame, one telegram
  // CI: low nibble = segment number, 0x10 = last segment. The telegram
  // assembler refines this with the APDU's own length.
  f.first_segment = (f.ci & 0x0F) == 0;
  f.last_segment = (f.ci & 0x10) != 0;
  return f;
}

}  // namespace p1
