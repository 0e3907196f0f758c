#include "p1/framing/frame_parsers.h"

#include "p1/dlms/axdr.h"
#include "p1/dlms/cipher_apdu.h"

namespace p1 {

ParsedFrame parse_bare_apdu(ByteSpan b) {
  if (b.empty()) return ParsedFrame::need_more();
  ParsedFrame f;
  f.kind = ParsedFrame::Kind::kFrame;
  if (b[0] == kTagGeneralGloCiphering || b[0] == kTagGeneralDedCiphering) {
    if (b.size() < 2) return ParsedFrame::need_more();
    if (b[1] != kSystemTitleSize) return ParsedFrame::not_a_frame();
    size_t size = announced_cipher_apdu_size(b);
    if (size == 0) return b.size() < 2 + kSystemTitleSize + 5 ? ParsedFrame::need_more() : ParsedFrame::not_a_frame();
    if (size > kMaxFrameBytes) return ParsedFrame::not_a_frame();
    // A system title starts with the manufacturer's three-letter FLAG id;
    // requiring it keeps a stray DB 08 in line noise from posing as an APDU.
    for (size_t i = 2; i < 5 && i < b.size(); ++i) {
      if (b[i] < 'A' || b[i] > 'Z') return ParsedFrame::not_a_frame();
    }
    if (b.size() < size) return ParsedFrame::need_more();
    f.length = size;
    f.payload = b.first(size);
    return f;
  }
  if (b[0] == 0x0F) {
    // Plaintext data-notification: 0F, invoke id (4), date-time, one value.
    if (b.size() < 7) return ParsedFrame::need_more();
    size_t pos = 5;
    if (b[pos] == 0x09) ++pos;
    if (b[pos] != 0x00 && b[pos] != 0x0C) return ParsedFrame::not_a_frame();
    pos += 1 + b[pos];
    if (b.size() <= pos) return ParsedFrame::need_more();
    if (b[pos] != static_cast<uint8_t>(AxdrType::kStructure) && b[pos] != static_cast<uint8_t>(AxdrType::kArray)) {
      return ParsedFrame::not_a_frame();
    }
    AxdrReader reader(b.subspan(pos));
    Error e = reader.skip();
    if (e == Error::kApduTruncated) return b.size() < kMaxFrameBytes ? ParsedFrame::need_more() : ParsedFrame::not_a_frame();
    if (e != Error::kNone) return ParsedFrame::not_a_frame();
    f.length = pos + reader.position();
    f.payload = b.first(f.length);
    return f;
  }
  return ParsedFrame::not_a_frame();
}

}  // namespace p1
