// One parser per framing (mbus_frame.cpp, hdlc_frame.cpp, bare_apdu.cpp) found on a meter's customer interface. Each looks at
// buffered bytes that start with its start byte and says: need more bytes,
// here is a frame of N bytes, not a frame (line noise: skip one byte), or a
// broken frame (a plausible header whose checksum fails: report, skip a byte).
// Every payload lies inside the buffered bytes of its frame: payload.data()
// >= buffered.data() and payload end <= buffered.data() + length.
#pragma once
#include <cstdint>

#include "p1/base/capacities.h"
#include "p1/base/error.h"
#include "p1/base/span.h"

namespace p1 {

enum class Framing : uint8_t { kNone, kMbus, kHdlc, kBareApdu };

struct ParsedFrame {
  enum class Kind : uint8_t { kNeedMore, kFrame, kNotAFrame, kBroken };
  Kind kind = Kind::kNeedMore;
  Error error = Error::kNone;  // kBroken
  size_t length = 0;           // kFrame: bytes consumed from the buffer; kBroken: bytes the frame claims
  ByteSpan payload;            // kFrame: the APDU bytes this frame carries; kBroken: where they would be
  // kBroken: the damaged frame is certainly a frame, not noise that looks
  // like a header (HDLC: its header check holds; M-Bus: its checksum or its
  // stop byte does), so no bare APDU starts inside it.
  bool confirmed = false;
  bool last_segment = true;    // kFrame: no further segment follows
  bool first_segment = true;   // kFrame: starts a telegram
  uint8_t ci = 0;              // M-Bus CI field (segment sequence in the low nibble)

  static ParsedFrame need_more() { return ParsedFrame(); }
  static ParsedFrame not_a_frame() {
    ParsedFrame f;
    f.kind = Kind::kNotAFrame;
    return f;
  }
  static ParsedFrame broken(Error error, size_t length, ByteSpan payload, bool confirmed) {
    ParsedFrame f;
    f.kind = Kind::kBroken;
    f.error = error;
    f.length = length;
    f.payload = payload;
    f.confirmed = confirmed;
    return f;
  }
};

// M-Bus long frame: 68 L L 68 C A CI STSAP DTSAP data CS 16. Accepts the
// Sagemcom T210-D quirk: a header "68 01 01 68" followed by 257 bytes whose
// checksum and stop byte fit.
ParsedFrame parse_mbus_frame(ByteSpan buffered);

// HDLC frame (IEC 62056-46): 7E A0/A8 len dst src ctrl HCS info FCS 7E.
// The closing flag is not consumed (it may open the next frame) and not
// required when HCS and FCS hold.
ParsedFrame parse_hdlc_frame(ByteSpan buffered);

// A bare APDU without framing: a ciphering APDU (its length field tells where
// it ends) or a plaintext data-notification (ends with its A-XDR body).
ParsedFrame parse_bare_apdu(ByteSpan buffered);

// Longest frame any parser returns; longer ones are skipped as noise.
constexpr size_t kMaxFrameBytes = kMaxFrame;

}  // namespace p1
